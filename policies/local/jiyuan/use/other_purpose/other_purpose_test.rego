package local.jiyuan.use.other_purpose_test

import rego.v1

import data.local.jiyuan.use.other_purpose as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "purposes": ["社会救助资格审核"]}},
}

use(purpose) := {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "purpose": purpose}

test_approved_purpose_allowed if {
	count(rule.violation) == 0 with input as use("社会救助资格审核") with data.govshare as state
}

test_other_purpose_denied if {
	rule.violation == {{"dataset": "人口基础信息", "purpose": "商业营销", "granted": ["社会救助资格审核"]}} with input as use("商业营销") with data.govshare as state
}

test_onward_provision_for_other_purpose_denied if {
	rule.violation == {{"dataset": "人口基础信息", "purpose": "招商引资", "granted": ["社会救助资格审核"]}} with input as object.union(use("招商引资"), {"action": "transfer"}) with data.govshare as state
}

test_no_grant_left_to_other_rules if {
	count(rule.violation) == 0 with input as object.union(use("商业营销"), {"grant": "g-404"}) with data.govshare as state
}

test_blank_purpose_left_to_other_rules if {
	count(rule.violation) == 0 with input as use("  ") with data.govshare as state
}
