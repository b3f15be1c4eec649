package local.jiyuan.use.third_party_test

import rego.v1

import data.local.jiyuan.use.third_party as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "third_party_consent": ["示范区社会救助服务中心"]}},
}

transfer(recipient) := {"action": "transfer", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "recipient": recipient}

test_own_use_allowed if {
	count(rule.violation) == 0 with input as transfer({"kind": "self"}) with data.govshare as state
	count(rule.violation) == 0 with input as object.union(transfer({"kind": "self"}), {"action": "use"}) with data.govshare as state
}

test_company_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "某科技有限公司"}} with input as transfer({"kind": "third_party", "name": "某科技有限公司"}) with data.govshare as state
}

test_provider_consent_does_not_lift_the_ban if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "示范区社会救助服务中心"}} with input as transfer({"kind": "third_party", "name": "示范区社会救助服务中心"}) with data.govshare as state
}

test_other_department_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "示范区教育体育局"}} with input as transfer({"kind": "department", "name": "示范区教育体育局"}) with data.govshare as state
}

test_use_handing_data_over_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "unnamed"}} with input as object.union(transfer({"kind": "third_party"}), {"action": "use"}) with data.govshare as state
}

test_delivery_by_the_provider_not_concerned if {
	count(rule.violation) == 0 with input as object.union(transfer({"kind": "department", "name": "示范区民政局"}), {"action": "deliver"}) with data.govshare as state
}
