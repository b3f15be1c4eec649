package local.jiyuan.service.misuse_test

import rego.v1

import data.local.jiyuan.service.misuse as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name", "address"], "purposes": ["社会救助资格审核"], "method": "api"}},
}

use := {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "fields": ["name"], "purpose": "社会救助资格审核", "method": "api", "recipient": {"kind": "self"}}

test_use_within_the_grant_allowed if {
	count(rule.violation) == 0 with input as use with data.govshare as state
}

test_misuse_not_named_by_art_36_not_reported if {
	# Other refusals (here an application over a direct channel) are not misuse of shared data.
	count(rule.violation) == 0 with input as object.union(use, {"action": "apply", "channel": "direct"}) with data.govshare as state
}

test_third_party_reported if {
	rule.violation == {{"dataset": "人口基础信息", "requester": "示范区民政局", "misuse": ["third_party"]}} with input as object.union(use, {"action": "transfer", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}) with data.govshare as state
}

test_every_kind_of_misuse_named_once if {
	rule.violation == {{"dataset": "人口基础信息", "requester": "示范区民政局", "misuse": ["beyond_scope", "other_purpose", "third_party"]}} with input as object.union(use, {"fields": ["name", "gender"], "purpose": "商业营销", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}) with data.govshare as state
}
