package local.jiyuan.records.log_retention_test

import rego.v1

import data.local.jiyuan.records.log_retention as rule

delete(created, day) := {"action": "records", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区民政局"}, "record": {"id": "r-1", "created_on": created}}

test_six_months_kept_allowed if {
	count(rule.violation) == 0 with input as delete("2024-01-15", "2024-07-15")
	count(rule.violation) == 0 with input as delete("2024-01-15", "2025-03-01")
}

test_one_day_short_denied if {
	rule.violation == {{"record": "r-1", "created_on": "2024-01-15", "earliest": "2024-07-15"}} with input as delete("2024-01-15", "2024-07-14")
}

test_period_running_into_the_next_year if {
	rule.violation == {{"record": "r-1", "created_on": "2024-09-30", "earliest": "2025-03-30"}} with input as delete("2024-09-30", "2025-03-29")
	count(rule.violation) == 0 with input as delete("2024-09-30", "2025-03-30")
}

test_short_month_keeps_the_record_to_its_end if {
	# 31 August + 6 months: February has no 31st, so the record is kept through 28 February.
	rule.violation == {{"record": "r-1", "created_on": "2022-08-31", "earliest": "2023-03-01"}} with input as delete("2022-08-31", "2023-02-28")
	count(rule.violation) == 0 with input as delete("2022-08-31", "2023-03-01")
	# In a leap year February has a 29th.
	rule.violation == {{"record": "r-1", "created_on": "2023-08-29", "earliest": "2024-02-29"}} with input as delete("2023-08-29", "2024-02-28")
	rule.earliest == "2024-03-01" with input as delete("2023-08-31", "2024-02-28")
	rule.earliest == "2025-01-31" with input as delete("2024-07-31", "2024-08-01")
}

test_record_without_id_denied if {
	rule.violation == {{"record": "unspecified", "created_on": "2024-05-01", "earliest": "2024-11-01"}} with input as object.union(delete("2024-05-01", "2024-06-01"), {"record": {"id": " "}})
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(delete("2024-05-01", "2024-06-01"), {"action": "use"})
}
