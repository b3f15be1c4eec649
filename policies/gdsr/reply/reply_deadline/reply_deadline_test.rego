package gdsr.reply.reply_deadline_test

import rego.v1

import data.gdsr.reply.reply_deadline as rule

# A slice of the official 2026 calendar: National Day 10-01..10-07, 10-10 (Sat) a make-up working day.
calendar := {
	"ordinal": {
		"2026-09-24": 1, "2026-09-25": 1, "2026-09-26": 1, "2026-09-27": 1, "2026-09-28": 2, "2026-09-29": 3, "2026-09-30": 4,
		"2026-10-01": 4, "2026-10-02": 4, "2026-10-03": 4, "2026-10-04": 4, "2026-10-05": 4, "2026-10-06": 4, "2026-10-07": 4,
		"2026-10-08": 5, "2026-10-09": 6, "2026-10-10": 7, "2026-10-11": 7, "2026-10-12": 8, "2026-10-13": 9, "2026-10-14": 10,
		"2026-10-15": 11, "2026-10-16": 12, "2026-10-17": 12, "2026-10-18": 12, "2026-10-19": 13, "2026-10-20": 14, "2026-10-21": 15,
		"2026-10-22": 16, "2026-10-23": 17, "2026-10-24": 17, "2026-10-25": 17, "2026-10-26": 18, "2026-10-27": 19, "2026-10-28": 20,
		"2026-10-29": 21, "2026-10-30": 22,
	},
	"workday": {
		"1": "2026-09-24", "2": "2026-09-28", "3": "2026-09-29", "4": "2026-09-30", "5": "2026-10-08", "6": "2026-10-09", "7": "2026-10-10",
		"8": "2026-10-12", "9": "2026-10-13", "10": "2026-10-14", "11": "2026-10-15", "12": "2026-10-16", "13": "2026-10-19", "14": "2026-10-20",
		"15": "2026-10-21", "16": "2026-10-22", "17": "2026-10-23", "18": "2026-10-26", "19": "2026-10-27", "20": "2026-10-28", "21": "2026-10-29",
		"22": "2026-10-30",
	},
}

state := {
	"calendar": calendar,
	"catalog": {
		"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "share_attribute": "unconditional"},
		"ds-hh": {"id": "ds-hh", "name": "户籍登记信息", "share_attribute": "conditional"},
		"ds-sealed": {"id": "ds-sealed", "name": "封存信息", "share_attribute": "not_shareable"},
	},
}

reply(dataset, received, day, extra) := object.union(
	{
		"action": "reply", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区公安局"}, "dataset": dataset,
		"application": {"received_on": received, "complete": true}, "reply": {"decision": "approve", "unit_head_approved": true},
	},
	extra,
)

approved_extension(days) := {"application": {"received_on": "2026-09-24", "extension": {"working_days": days, "approved_by_competent": true, "requester_notified": true}}}

test_unconditional_reply_on_first_working_day_after_holiday_allowed if {
	count(rule.breach) == 0 with input as reply("ds-pop", "2026-09-30", "2026-10-08", {}) with data.govshare as state
}

test_unconditional_reply_during_holiday_allowed if {
	count(rule.breach) == 0 with input as reply("ds-pop", "2026-09-30", "2026-10-05", {}) with data.govshare as state
}

test_unconditional_reply_on_make_up_saturday_allowed if {
	count(rule.breach) == 0 with input as reply("ds-pop", "2026-10-09", "2026-10-10", {}) with data.govshare as state
}

test_conditional_reply_on_tenth_working_day_allowed if {
	count(rule.breach) == 0 with input as reply("ds-hh", "2026-09-24", "2026-10-15", {}) with data.govshare as state
}

test_approved_extension_counts if {
	count(rule.breach) == 0 with input as reply("ds-hh", "2026-09-24", "2026-10-22", approved_extension(5)) with data.govshare as state
}

test_extension_capped_at_ten if {
	count(rule.breach) == 0 with input as reply("ds-hh", "2026-09-24", "2026-10-29", approved_extension(15)) with data.govshare as state
	rule.breach == {{"dataset": "户籍登记信息", "attribute": "conditional", "received_on": "2026-09-24", "working_days": 20, "deadline": "2026-10-29", "replied_on": "2026-10-30"}} with input as reply("ds-hh", "2026-09-24", "2026-10-30", approved_extension(15))
		with data.govshare as state
}

test_not_shareable_has_no_reply_period if {
	count(rule.breach) == 0 with input as reply("ds-sealed", "2026-09-24", "2026-10-30", {}) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.breach) == 0 with input as object.union(reply("ds-pop", "2026-09-24", "2026-10-30", {}), {"action": "deliver"}) with data.govshare as state
}

test_unconditional_reply_after_holiday_late if {
	rule.breach == {{"dataset": "人口基础信息", "attribute": "unconditional", "received_on": "2026-09-29", "working_days": 1, "deadline": "2026-09-30", "replied_on": "2026-10-08"}} with input as reply("ds-pop", "2026-09-29", "2026-10-08", {})
		with data.govshare as state
}

test_unconditional_reply_after_make_up_saturday_late if {
	rule.breach == {{"dataset": "人口基础信息", "attribute": "unconditional", "received_on": "2026-10-09", "working_days": 1, "deadline": "2026-10-10", "replied_on": "2026-10-12"}} with input as reply("ds-pop", "2026-10-09", "2026-10-12", {})
		with data.govshare as state
}

test_conditional_reply_on_eleventh_working_day_late if {
	rule.breach == {{"dataset": "户籍登记信息", "attribute": "conditional", "received_on": "2026-09-24", "working_days": 10, "deadline": "2026-10-15", "replied_on": "2026-10-16"}} with input as reply("ds-hh", "2026-09-24", "2026-10-16", {})
		with data.govshare as state
}

test_refusal_and_material_request_late_too if {
	count(rule.breach) == 1 with input as reply("ds-pop", "2026-09-29", "2026-10-08", {"reply": {"decision": "refuse", "reasons": "x"}}) with data.govshare as state
	count(rule.breach) == 1 with input as reply("ds-pop", "2026-09-29", "2026-10-08", {"reply": {"decision": "request_material", "missing_material": ["x"]}}) with data.govshare as state
}

test_unapproved_extension_does_not_count if {
	rule.breach == {{"dataset": "户籍登记信息", "attribute": "conditional", "received_on": "2026-09-24", "working_days": 10, "deadline": "2026-10-15", "replied_on": "2026-10-16"}} with input as reply("ds-hh", "2026-09-24", "2026-10-16", {"application": {"extension": {"working_days": 5, "approved_by_competent": false, "requester_notified": true}}})
		with data.govshare as state
}

test_unnotified_extension_does_not_count if {
	count(rule.breach) == 1 with input as reply("ds-hh", "2026-09-24", "2026-10-16", {"application": {"extension": {"working_days": 5, "approved_by_competent": true, "requester_notified": false}}})
		with data.govshare as state
}

test_late_reply_counted_in_beijing_time if {
	count(rule.breach) == 1 with input as object.union(reply("ds-pop", "2026-09-30", "2026-10-08", {}), {"at": "2026-10-08T16:30:00Z"}) with data.govshare as state
}
