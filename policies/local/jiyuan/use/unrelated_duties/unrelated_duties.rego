# METADATA
# title: 获取政务数据未说明与本部门履职的关系
# description: A department may not obtain from the Jiyuan data hub data unrelated to its administrative duties (art 57 item 4); it uses other departments' data because its duties require it (arts 9, 33(3)). The engine cannot know a department's duties, so it asks the department to show the link - an application for data must state the legal basis of the duty it serves and the purpose, and a use or an onward provision (transfer) must state its purpose. Until they are stated, the act needs completing; whether the stated duty is really the department's remains for the competent department to review (art 7(2)).
# custom:
#   code: JY-57-UNRELATED-DUTIES
#   regulation: jiyuan
#   article: 57
#   item: 4
#   severity: needs_action
#   quote: "从示范区数据中台获取与本部门履行行政管理职能无关的政务数据；"
#   effective_from: 2022-10-26
#   title_en: Data obtained without showing how it serves the department's duties
#   message:
#     zh: “{dataset}”的{action}未写明{missing}，无法确认所获取的数据与本部门履行行政管理职能有关。
#     en: '{action} for "{dataset}" does not state the {missing}, so it cannot be confirmed that the data serves the department''s administrative duties.'
#   remedy:
#     zh: 写明本部门据以履职的法律依据和具体用途后再提交；与本部门职能无关的数据不得从示范区数据中台获取。
#     en: State the legal basis of the duty and the specific purpose, then submit again; data unrelated to the department's duties may not be obtained from the Jiyuan data hub.
#   labels:
#     apply: {zh: 数据服务申请, en: The application}
#     use: {zh: 本次使用, en: This use}
#     transfer: {zh: 本次对外提供, en: This onward provision}
#     legal_basis: {zh: 履职的法律依据, en: legal basis of the duty}
#     purpose: {zh: 使用用途, en: purpose}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.unrelated_duties

import rego.v1

import data.lib.state

# What each act must state to show the link to the department's duties: an
# application names the duty's legal basis and the purpose; a use or an onward
# provision, made under a grant that already records the basis, names its purpose.
required := {"apply": ["legal_basis", "purpose"], "use": ["purpose"], "transfer": ["purpose"]}

# Read by name (not as input[key]), so the engine can prove which parts of
# the input the rule reads; a missing statement counts as blank.
statements := {"legal_basis": object.get(input, "legal_basis", ""), "purpose": object.get(input, "purpose", "")}

stated(key) if trim_space(statements[key]) != ""

violation contains {"dataset": state.dataset_name, "action": input.action, "missing": key} if {
	some key in required[input.action]
	not stated(key)
}
