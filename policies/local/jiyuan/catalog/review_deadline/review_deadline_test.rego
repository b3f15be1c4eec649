package local.jiyuan.catalog.review_deadline_test

import rego.v1

import data.local.jiyuan.catalog.review_deadline as rule

# The official 2026 calendar around National Day (10-01..10-07 off, Sat 10-10 worked).
calendar := {
	"ordinal": {
		"2026-09-29": 1, "2026-09-30": 2, "2026-10-01": 2, "2026-10-02": 2, "2026-10-03": 2, "2026-10-04": 2, "2026-10-05": 2,
		"2026-10-06": 2, "2026-10-07": 2, "2026-10-08": 3, "2026-10-09": 4, "2026-10-10": 5, "2026-10-11": 5, "2026-10-12": 6,
		"2026-10-13": 7, "2026-10-14": 8, "2026-10-15": 9, "2026-10-16": 10, "2026-10-17": 10, "2026-10-18": 10, "2026-10-19": 11,
		"2026-10-20": 12, "2026-10-21": 13, "2026-10-22": 14, "2026-10-23": 15, "2026-10-24": 15, "2026-10-25": 15, "2026-10-26": 16,
		"2026-10-27": 17, "2026-10-28": 18, "2026-10-29": 19, "2026-10-30": 20,
	},
	"workday": {
		"1": "2026-09-29", "2": "2026-09-30", "3": "2026-10-08", "4": "2026-10-09", "5": "2026-10-10", "6": "2026-10-12", "7": "2026-10-13",
		"8": "2026-10-14", "9": "2026-10-15", "10": "2026-10-16", "11": "2026-10-19", "12": "2026-10-20", "13": "2026-10-21", "14": "2026-10-22",
		"15": "2026-10-23", "16": "2026-10-26", "17": "2026-10-27", "18": "2026-10-28", "19": "2026-10-29", "20": "2026-10-30",
	},
}

review(received, published) := {
	"action": "catalog", "at": "2026-10-30T10:00:00+08:00", "requester": {"department": "示范区政务服务和大数据管理局"}, "dataset": "ds-sub",
	"entry": {"id": "ds-sub", "name": "最低生活保障对象信息", "provider": "示范区民政局", "share_attribute": "conditional"},
	"catalog_update": {"received_on": received, "published_on": published},
}

test_fifth_working_day_allowed if {
	count(rule.breach) == 0 with input as review("2026-09-30", "2026-10-13") with data.govshare.calendar as calendar
}

test_sixth_working_day_breach if {
	rule.breach == {{"dataset": "最低生活保障对象信息", "received_on": "2026-09-30", "deadline": "2026-10-13", "published_on": "2026-10-14"}} with input as review("2026-09-30", "2026-10-14") with data.govshare.calendar as calendar
}

test_event_date_is_the_publication_when_not_stated if {
	rule.breach == {{"dataset": "最低生活保障对象信息", "received_on": "2026-10-08", "deadline": "2026-10-14", "published_on": "2026-10-30"}} with input as json.remove(review("2026-10-08", ""), ["catalog_update/published_on"]) with data.govshare.calendar as calendar
}

test_no_receipt_date_not_checked if {
	count(rule.breach) == 0 with input as json.remove(review("2026-09-30", "2026-10-30"), ["catalog_update/received_on"]) with data.govshare.calendar as calendar
}
