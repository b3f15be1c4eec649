package gdsr.sharing.third_party_test

import rego.v1

import data.gdsr.sharing.third_party as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "third_party_consent": ["示范区社会救助服务中心"]}},
}

transfer(recipient) := {"action": "transfer", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "recipient": recipient}

test_consented_recipient_allowed if {
	count(rule.violation) == 0 with input as transfer({"kind": "third_party", "name": "示范区社会救助服务中心"}) with data.govshare as state
}

test_own_use_allowed if {
	count(rule.violation) == 0 with input as transfer({"kind": "self"}) with data.govshare as state
}

test_use_that_hands_data_to_a_third_party_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "某科技有限公司"}} with input as object.union(transfer({"kind": "third_party", "name": "某科技有限公司"}), {"action": "use"})
		with data.govshare as state
}

test_unconsented_company_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "某科技有限公司"}} with input as transfer({"kind": "third_party", "name": "某科技有限公司"})
		with data.govshare as state
}

test_other_department_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "示范区教育体育局"}} with input as transfer({"kind": "department", "name": "示范区教育体育局"})
		with data.govshare as state
}

test_unnamed_recipient_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "unnamed"}} with input as transfer({"kind": "third_party"})
		with data.govshare as state
}

test_no_grant_still_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "示范区社会救助服务中心"}} with input as object.remove(transfer({"kind": "third_party", "name": "示范区社会救助服务中心"}), ["grant"])
		with data.govshare as state
}
