# METADATA
# title: 使用共享数据过程中发生安全事件
# description: A security incident (tampering, destruction, leak or illegal use) while the requesting department uses data obtained by sharing is that department's security responsibility. Recording the incident cites it against the department, for the competent department to order correction.
# custom:
#   code: GDSR-34-INCIDENT
#   regulation: gdsr
#   article: 34
#   paragraph: 2
#   liability: "40(6)"
#   severity: breach
#   effective_from: 2025-08-01
#   quote: 政务数据需求部门在使用依法共享的政务数据过程中发生政务数据篡改、破坏、泄露或者非法利用等情形的，应当承担安全管理责任。
#   title_en: Security incident while using shared data
#   message:
#     zh: “{department}”在使用依共享授权{grant}获取的“{dataset}”过程中，于{occurred_at}发生数据{kind}，应当承担安全管理责任。
#     en: 'While {department} used the "{dataset}" data obtained under grant {grant}, the data suffered {kind} on {occurred_at}; the department bears the security responsibility for it.'
#   remedy:
#     zh: 立即启动应急预案、采取应急处置措施、防止危害扩大并消除隐患，按规定向有关主管部门报告，查明原因并落实整改。
#     en: Start the emergency plan at once, take emergency measures, contain the harm and remove the hazard, report to the competent departments as required, find the cause and correct it.
#   labels:
#     tampering: {zh: 篡改, en: tampering}
#     destruction: {zh: 破坏, en: destruction}
#     leak: {zh: 泄露, en: a leak}
#     illegal_use: {zh: 非法利用, en: illegal use}
#     none: {zh: （未指明）, en: (not named)}
#     unspecified: {zh: （未写明）, en: (not stated)}
package gdsr.security.incident_responsibility

import rego.v1

import data.lib.state

# Art 34(2) puts an incident in the requester's use on the requesting
# department; art 40 lists that department's liabilities, and of its items
# only 40(6) ("未对通过共享获取的政务数据履行安全管理责任") is about security
# responsibility (items 1-5 are collection, scope, third parties, disposal,
# records; 40(7) is the remainder), so the breach cites 40(6). It records the
# incident for the competent department (art 40: 责令改正); it does not block
# anything. Nor does it suspend the grant: art 27(2) suspends only for use
# beyond scope or purpose or a third party, and arts 34-35 require none; what
# follows the incident is art 35(3)'s response (gdsr.security.incident_response).

# The department liable: the grant's holder, the department that obtained the data.
department := state.grant.requester if {
	is_string(state.grant.requester)
} else := input.requester.department

grant := input.grant if {
	is_string(input.grant)
	input.grant != ""
} else := "none"

# An incident event is itself the report: cited even when it fails to say what happened.
breach contains {
	"department": department,
	"dataset": state.dataset_name,
	"grant": grant,
	"kind": object.get(input, ["incident", "kind"], "unspecified"),
	"occurred_at": object.get(input, ["incident", "occurred_at"], "unspecified"),
} if {
	input.action == "incident"
}
