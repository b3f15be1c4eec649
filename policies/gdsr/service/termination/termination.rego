# METADATA
# title: 擅自终止或者变更已提供的共享服务
# description: A providing department may not end or change a sharing service it provides without a proper reason; where it really must, it first consults the requesting department and files the change with the competent department at its level.
# custom:
#   code: GDSR-27-SERVICE-CHANGE
#   regulation: gdsr
#   article: 27
#   paragraph: 3
#   liability: "39(7)"
#   severity: prohibited
#   quote: "政务数据提供部门无正当理由，不得终止或者变更已提供的政务数据共享服务。确需终止或者变更服务的，政务数据提供部门应当与政务数据需求部门协商，并报同级政务数据共享主管部门备案。"
#   effective_from: 2025-08-01
#   title_en: Sharing service ended or changed without cause or procedure
#   message:
#     zh: '{action}“{dataset}”已提供的共享服务不符合规定：{problem}。'
#     en: '{action} the sharing service for "{dataset}" breaks the rules: {problem}.'
#   remedy:
#     zh: 无正当理由的，继续按原方式提供共享服务；确需终止或变更的，写明正当理由，与需求部门协商，并报同级政务数据共享主管部门备案后再办理。
#     en: Without a proper reason, keep providing the service as it is; if it really must end or change, state the reason, consult the requesting department and file it with the competent department at your level before doing so.
#   labels:
#     terminate: {zh: 终止, en: Ending}
#     change: {zh: 变更, en: Changing}
#     missing: {zh: 未写明理由、协商和备案情况, en: no reason, consultation or filing is stated}
#     no_cause: {zh: 没有写明正当理由, en: no proper reason is given}
#     not_consulted: {zh: 未与需求部门协商, en: the requesting department has not been consulted}
#     not_filed: {zh: 未报同级政务数据共享主管部门备案, en: it has not been filed with the competent department at the same level}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.service.termination

import rego.v1

import data.lib.state

acts := {"terminate", "change"}

problems contains "missing" if not input.service_change

# A helper rule, not `not trim_space(…) != ""`: OPA evaluates a call's operands
# before a `not`, so a missing cause would make that body fail there.
cause_stated if trim_space(input.service_change.cause) != ""

problems contains "no_cause" if {
	input.service_change
	not cause_stated
}

problems contains "not_consulted" if {
	input.service_change
	not input.service_change.consulted == true
}

problems contains "not_filed" if {
	input.service_change
	not input.service_change.filed == true
}

violation contains {"dataset": state.dataset_name, "action": input.action, "problem": problem} if {
	input.action in acts
	some problem in problems
}
