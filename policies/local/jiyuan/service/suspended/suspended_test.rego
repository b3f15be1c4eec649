package local.jiyuan.service.suspended_test

import rego.v1

import data.local.jiyuan.service.suspended as rule

grants(status) := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}, "grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "status": status}}}

use := {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1"}

# An expired grant is refused under art 9 (JY-9-AUTHORISED-SCOPE), not here.
test_active_and_expired_services_not_concerned if {
	count(rule.violation) == 0 with input as use with data.govshare as grants("active")
	count(rule.violation) == 0 with input as use with data.govshare as grants("expired")
}

test_suspended_service_denied if {
	rule.violation == {{"grant": "g-1", "status": "suspended", "dataset": "人口基础信息"}} with input as use with data.govshare as grants("suspended")
}

test_terminated_service_denied if {
	rule.violation == {{"grant": "g-1", "status": "terminated", "dataset": "人口基础信息"}} with input as object.union(use, {"action": "transfer"}) with data.govshare as grants("terminated")
}

test_other_actions_not_concerned if {
	count(rule.violation) == 0 with input as object.union(use, {"action": "dispose"}) with data.govshare as grants("suspended")
}
