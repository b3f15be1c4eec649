package gdsr.reply.extension_test

import rego.v1

import data.gdsr.reply.extension as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息", "share_attribute": "conditional"}}}

extend(extension, application) := {
	"action": "reply", "at": "2026-10-09T10:00:00+08:00", "requester": {"department": "示范区公安局"}, "dataset": "ds-hh",
	"application": application, "reply": {"decision": "extend", "unit_head_approved": true, "extension": extension},
}

proper(days) := {"working_days": days, "approved_by_competent": true, "requester_notified": true}

fresh := {"received_on": "2026-09-24"}

test_approved_notified_extension_allowed if {
	count(rule.violation) == 0 with input as extend(proper(10), fresh) with data.govshare as state
}

test_other_replies_not_checked if {
	count(rule.violation) == 0 with input as object.union(extend(proper(20), {"received_on": "2026-09-24", "extension": proper(5)}), {"reply": {"decision": "approve"}})
		with data.govshare as state
}

test_unapproved_extension_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "working_days": 5, "granted": 0, "problem": "not_approved"}} with input as extend(object.union(proper(5), {"approved_by_competent": false}), fresh)
		with data.govshare as state
}

test_unnotified_extension_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "working_days": 5, "granted": 0, "problem": "not_notified"}} with input as extend(object.remove(proper(5), ["requester_notified"]), fresh)
		with data.govshare as state
}

test_extension_over_ten_days_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "working_days": 11, "granted": 0, "problem": "too_long"}} with input as extend(proper(11), fresh) with data.govshare as state
}

test_second_extension_within_ten_days_in_all_allowed if {
	count(rule.violation) == 0 with input as extend(proper(5), {"received_on": "2026-09-24", "extension": proper(5)})
		with data.govshare as state
}

test_second_extension_beyond_ten_days_in_all_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "working_days": 6, "granted": 5, "problem": "too_long"}} with input as extend(proper(6), {"received_on": "2026-09-24", "extension": proper(5)})
		with data.govshare as state
}

test_extension_without_terms_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "working_days": "unstated", "granted": 0, "problem": "missing"}} with input as object.union(object.remove(extend({}, fresh), ["reply"]), {"reply": {"decision": "extend"}})
		with data.govshare as state
}

test_every_problem_listed if {
	rule.violation == {
		{"dataset": "户籍登记信息", "working_days": 15, "granted": 0, "problem": "not_approved"},
		{"dataset": "户籍登记信息", "working_days": 15, "granted": 0, "problem": "not_notified"},
		{"dataset": "户籍登记信息", "working_days": 15, "granted": 0, "problem": "too_long"},
	} with input as extend({"working_days": 15}, fresh)
		with data.govshare as state
}
