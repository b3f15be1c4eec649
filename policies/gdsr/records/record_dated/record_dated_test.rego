package gdsr.records.record_dated_test

import rego.v1

import data.gdsr.records.record_dated as rule

purge(record) := {"action": "records", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "record": record}

test_dated_record_allowed if {
	count(rule.violation) == 0 with input as purge({"id": "rec-1", "created_on": "2023-03-02"})
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "at": "2026-03-02T10:00:00+08:00"}
}

test_record_without_date_needs_action if {
	rule.violation == {{"record": "rec-1", "keep_years": 3}} with input as purge({"id": "rec-1"})
}

test_event_without_record_needs_action if {
	rule.violation == {{"record": "unspecified", "keep_years": 3}} with input as object.remove(purge({}), ["record"])
}
