package local.jiyuan.use.unrelated_duties_test

import rego.v1

import data.local.jiyuan.use.unrelated_duties as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

apply := {"action": "apply", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "legal_basis": "《社会救助暂行办法》第十一条", "purpose": "社会救助资格审核"}

test_application_stating_basis_and_purpose_allowed if {
	count(rule.violation) == 0 with input as apply with data.govshare as state
}

test_use_stating_its_purpose_allowed if {
	count(rule.violation) == 0 with input as object.remove(object.union(apply, {"action": "use"}), ["legal_basis"]) with data.govshare as state
}

test_application_without_basis_needs_it if {
	rule.violation == {{"dataset": "人口基础信息", "action": "apply", "missing": "legal_basis"}} with input as object.remove(apply, ["legal_basis"]) with data.govshare as state
}

test_application_stating_nothing_needs_both if {
	rule.violation == {
		{"dataset": "人口基础信息", "action": "apply", "missing": "legal_basis"},
		{"dataset": "人口基础信息", "action": "apply", "missing": "purpose"},
	} with input as object.union(object.remove(apply, ["legal_basis"]), {"purpose": "  "}) with data.govshare as state
}

test_use_without_purpose_needs_it if {
	rule.violation == {{"dataset": "人口基础信息", "action": "use", "missing": "purpose"}} with input as object.remove(object.union(apply, {"action": "use"}), ["purpose"]) with data.govshare as state
}

test_transfer_stating_its_purpose_allowed if {
	count(rule.violation) == 0 with input as object.remove(object.union(apply, {"action": "transfer"}), ["legal_basis"]) with data.govshare as state
}

test_transfer_without_purpose_needs_it if {
	rule.violation == {{"dataset": "人口基础信息", "action": "transfer", "missing": "purpose"}} with input as object.remove(object.union(apply, {"action": "transfer"}), ["purpose", "legal_basis"]) with data.govshare as state
}

test_other_steps_not_concerned if {
	count(rule.violation) == 0 with input as object.remove(object.union(apply, {"action": "deliver"}), ["purpose", "legal_basis"]) with data.govshare as state
}
