package local.jiyuan.records.log_retention_test

import rego.v1

import data.local.jiyuan.records.log_retention as rule

delete(created, day) := {"action": "records", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区民政局"}, "record": {"id": "r-1", "created_on": created}}

# Counted as the Civil Code counts periods (arts 201-202): the day the record is
# made is not counted, the period ends at the end of the corresponding day six
# months later (or of that month, when it has no such day), and the record may
# be deleted from the next day.

test_six_months_kept_allowed if {
	count(rule.violation) == 0 with input as delete("2024-01-15", "2024-07-16")
	count(rule.violation) == 0 with input as delete("2024-01-15", "2025-03-01")
}

test_corresponding_day_still_protected if {
	rule.violation == {{"record": "r-1", "created_on": "2024-01-15", "earliest": "2024-07-16"}} with input as delete("2024-01-15", "2024-07-15")
	rule.violation == {{"record": "r-1", "created_on": "2024-01-15", "earliest": "2024-07-16"}} with input as delete("2024-01-15", "2024-07-14")
}

test_period_running_into_the_next_year if {
	rule.violation == {{"record": "r-1", "created_on": "2024-09-30", "earliest": "2025-03-31"}} with input as delete("2024-09-30", "2025-03-30")
	count(rule.violation) == 0 with input as delete("2024-09-30", "2025-03-31")
}

test_period_ending_on_a_months_last_day if {
	# 30 June + 6 months ends on 30 December; 31 July + 6 months on 31 January.
	rule.earliest == "2024-12-31" with input as delete("2024-06-30", "2024-08-01")
	rule.earliest == "2025-02-01" with input as delete("2024-07-31", "2024-08-01")
	rule.earliest == "2025-07-01" with input as delete("2024-12-31", "2025-01-02")
}

test_short_month_keeps_the_record_to_its_end if {
	# 31 August + 6 months: February has no 31st, so the record is kept through 28 February.
	rule.violation == {{"record": "r-1", "created_on": "2022-08-31", "earliest": "2023-03-01"}} with input as delete("2022-08-31", "2023-02-28")
	count(rule.violation) == 0 with input as delete("2022-08-31", "2023-03-01")
	# In a leap year February has a 29th: a record of 29 August is kept through it, as is one of 31 August.
	rule.violation == {{"record": "r-1", "created_on": "2023-08-29", "earliest": "2024-03-01"}} with input as delete("2023-08-29", "2024-02-29")
	rule.earliest == "2024-03-01" with input as delete("2023-08-31", "2024-02-28")
	rule.earliest == "2024-03-01" with input as delete("2023-08-30", "2024-02-28")
	rule.earliest == "2024-02-29" with input as delete("2023-08-28", "2024-02-28")
}

test_record_without_id_denied if {
	rule.violation == {{"record": "unspecified", "created_on": "2024-05-01", "earliest": "2024-11-02"}} with input as object.union(delete("2024-05-01", "2024-06-01"), {"record": {"id": " "}})
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(delete("2024-05-01", "2024-06-01"), {"action": "use"})
}
