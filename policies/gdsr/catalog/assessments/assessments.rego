# METADATA
# title: 编制目录未开展法定评估或未经部门负责人审核同意
# description: Compiling a catalogue entry requires a confidentiality risk assessment, a personal-information protection impact assessment when the entry holds personal information, and the sign-off of the head of the department.
# custom:
#   code: GDSR-13-ASSESSMENTS
#   regulation: gdsr
#   article: 13
#   paragraph: 1
#   liability: "39(1)"
#   severity: needs_action
#   quote: "政府部门编制政务数据目录，应当依法开展保密风险、个人信息保护影响等评估，并经部门负责人审核同意。"
#   effective_from: 2025-08-01
#   title_en: Catalogue entry compiled without the required assessments or the head's sign-off
#   message:
#     zh: 目录“{dataset}”编制时缺少{missing}。
#     en: The catalogue entry "{dataset}" was compiled without {missing}.
#   remedy:
#     zh: 依法开展保密风险评估；目录含有个人信息的，开展个人信息保护影响评估；评估完成后报部门负责人审核同意，再报送主管部门审核发布。
#     en: Carry out the confidentiality risk assessment and, where the entry holds personal information, the personal-information protection impact assessment; then have the head of the department sign the entry off before submitting it for review.
#   labels:
#     secrecy_risk: {zh: 保密风险评估, en: a confidentiality risk assessment}
#     pi_impact: {zh: 个人信息保护影响评估, en: a personal-information protection impact assessment}
#     head_approved: {zh: 部门负责人审核同意, en: the sign-off of the head of the department}
package gdsr.catalog.assessments

import rego.v1

import data.lib.state

done(key) if object.get(input.entry, ["assessments", key], false) == true

personal_information if {
	some field in object.get(input.entry, "fields", [])
	true in {object.get(field, "personal", false), object.get(field, "sensitive", false)}
}

missing contains "secrecy_risk" if not done("secrecy_risk")

missing contains "pi_impact" if {
	personal_information
	not done("pi_impact")
}

missing contains "head_approved" if object.get(input.entry, "head_approved", false) != true

violation contains {"dataset": state.entry_name, "missing": item} if {
	input.action == "catalog"
	some item in missing
}
