# METADATA
# title: 共享争议未按规定程序提请处理
# description: Under art 28(2) departments at the same level first negotiate and, failing that, apply to the competent department at their level; a dispute across levels or regions is coordinated by the common superior competent department; only what the competent department could not settle goes to its people's government for decision. A dispute taken elsewhere, or before the earlier step, goes back to the right step.
# custom:
#   code: GDSR-28-DISPUTE-ROUTE
#   regulation: gdsr
#   article: 28
#   paragraph: 2
#   severity: needs_action
#   quote: "同级政务数据需求部门、政务数据提供部门发生政务数据共享争议的，应当协商解决；协商不成的，应当按照程序向同级政务数据共享主管部门申请协调处理。跨层级、跨地域的政务数据共享发生争议的，由共同的上级政务数据共享主管部门协调处理。经政务数据共享主管部门协调处理仍未达成一致意见的，报政务数据共享主管部门的本级人民政府决定。"
#   effective_from: 2025-08-01
#   title_en: Sharing dispute not taken through the prescribed steps
#   message:
#     zh: 关于“{dataset}”的共享争议提请{submitted_to}处理不符合规定程序：{problem}。
#     en: 'Taking the sharing dispute over "{dataset}" to {submitted_to} does not follow the prescribed steps: {problem}.'
#   remedy:
#     zh: 同级部门之间的争议先协商，协商不成的向同级政务数据共享主管部门申请协调；跨层级、跨地域的争议由共同的上级主管部门协调；经主管部门协调仍未达成一致的，再报主管部门的本级人民政府决定。
#     en: Departments at the same level negotiate first and, failing that, apply to the competent department at their level; disputes across levels or regions go to the common superior competent department; only if the competent department's coordination fails does the dispute go to its people's government for decision.
#   labels:
#     same_level_competent: {zh: 同级政务数据共享主管部门, en: the competent department at the same level}
#     common_superior_competent: {zh: 共同的上级政务数据共享主管部门, en: the common superior competent department}
#     government: {zh: 主管部门的本级人民政府, en: the competent department's people's government}
#     undescribed: {zh: 未写明争议双方的关系及提请处理的机关, en: the parties' relation and the body the dispute goes to are not stated}
#     not_negotiated: {zh: 同级部门之间的争议应当先行协商, en: departments at the same level must negotiate first}
#     same_level_to_superior: {zh: 同级部门之间的争议应向同级主管部门申请协调, en: a dispute between departments at the same level goes to the competent department at that level}
#     cross_to_same_level: {zh: 跨层级、跨地域的争议由共同的上级主管部门协调, en: a dispute across levels or regions is coordinated by the common superior competent department}
#     not_coordinated: {zh: 尚未经主管部门协调处理, en: no competent department has coordinated it yet}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.dispute.escalation

import rego.v1

import data.lib.state

cross_parties := {"cross_level", "cross_region"}

submitted_to := input.dispute.submitted_to if input.dispute.submitted_to else := "unspecified"

problems contains "undescribed" if not input.dispute

problems contains "not_negotiated" if {
	input.dispute.between == "same_level"
	input.dispute.submitted_to == "same_level_competent"
	not input.dispute.negotiated == true
}

problems contains "same_level_to_superior" if {
	input.dispute.between == "same_level"
	input.dispute.submitted_to == "common_superior_competent"
}

problems contains "cross_to_same_level" if {
	input.dispute.between in cross_parties
	input.dispute.submitted_to == "same_level_competent"
}

problems contains "not_coordinated" if {
	input.dispute.submitted_to == "government"
	not input.dispute.coordinated == true
}

violation contains {"dataset": state.dataset_name, "submitted_to": submitted_to, "problem": problem} if {
	input.action == "dispute"
	some problem in problems
}
