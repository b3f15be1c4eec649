package gdsr.records.retention_test

import rego.v1

import data.gdsr.records.retention as rule

purge(created, day) := {"action": "records", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区民政局"}, "record": {"id": "rec-1", "created_on": created}}

test_record_three_years_old_may_go if {
	count(rule.violation) == 0 with input as purge("2023-03-02", "2026-03-02")
}

test_older_record_may_go if {
	count(rule.violation) == 0 with input as purge("2022-12-31", "2026-03-02")
}

test_leap_day_record_may_go_on_first_of_march if {
	count(rule.violation) == 0 with input as purge("2024-02-29", "2027-03-01")
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(purge("2026-03-01", "2026-03-02"), {"action": "use"})
}

test_record_a_day_short_denied if {
	rule.violation == {{"record": "rec-1", "created_on": "2023-03-02", "keep_years": 3, "earliest": "2026-03-02"}} with input as purge("2023-03-02", "2026-03-01")
}

test_leap_day_record_denied_on_last_of_february if {
	rule.violation == {{"record": "rec-1", "created_on": "2024-02-29", "keep_years": 3, "earliest": "2027-03-01"}} with input as purge("2024-02-29", "2027-02-28")
}

test_unnumbered_record_denied if {
	rule.violation == {{"record": "unspecified", "created_on": "2026-01-05", "keep_years": 3, "earliest": "2029-01-05"}} with input as object.union(purge("2026-01-05", "2026-03-02"), {"record": {"id": ""}})
}

test_counted_in_beijing_time if {
	count(rule.violation) == 0 with input as object.union(purge("2023-03-02", "2026-03-01"), {"at": "2026-03-01T16:30:00Z"})
	count(rule.violation) == 1 with input as object.union(purge("2023-03-02", "2026-03-01"), {"at": "2026-03-01T15:30:00Z"})
}
