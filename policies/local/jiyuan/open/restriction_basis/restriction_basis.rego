# METADATA
# title: 有条件开放、不予开放的政务数据缺少依据
# description: Government data placed in the conditional-open or the not-open class must rest on a law or regulation or on a relevant national document (art 39(1)). A catalogue entry in either class whose open-data basis cites none is refused. Laws, administrative regulations, local regulations, State Council decisions, departmental rules and Party Central Committee or State Council policies count; local government rules and normative documents, which the event cannot show to be national, do not.
# custom:
#   code: JY-39-OPEN-BASIS
#   regulation: jiyuan
#   article: 39
#   paragraph: 1
#   liability: "60(1)"
#   severity: prohibited
#   quote: "政务数据有条件开放或者不予开放的，应当有法律法规或者国家有关文件作为依据。"
#   effective_from: 2022-10-26
#   title_en: Restricted open-data class without a basis
#   message:
#     zh: 目录“{dataset}”被列为{attribute}，但未写明作为依据的法律法规或者国家有关文件（已写明的开放依据：{given}）。
#     en: 'The catalogue entry "{dataset}" is classified as {attribute} but cites no law, regulation or national document as its basis (open-data bases given: {given}).'
#   remedy:
#     zh: 在目录中写明限制开放的法律法规或者国家有关文件；没有这类依据的，应列为无条件开放类。
#     en: Cite the law, regulation or national document that restricts opening the data; without one, classify it as open unconditionally.
#   labels:
#     conditional: {zh: 有条件开放类, en: open on conditions}
#     not_open: {zh: 不予开放类, en: not open}
#     law: {zh: 法律, en: a law}
#     administrative_regulation: {zh: 行政法规, en: an administrative regulation}
#     state_council_decision: {zh: 国务院决定, en: a State Council decision}
#     departmental_rule: {zh: 部门规章, en: a departmental rule}
#     local_regulation: {zh: 地方性法规, en: a local regulation}
#     local_rule: {zh: 地方政府规章, en: a local government rule}
#     policy_document: {zh: 规范性文件, en: a normative document}
#     party_central_policy: {zh: 党中央、国务院政策文件, en: a Party Central Committee or State Council policy}
package local.jiyuan.open.restriction_basis

import rego.v1

import data.lib.state

restricted := {"conditional", "not_open"}

# "法律法规或者国家有关文件": laws and regulations (national and local), and
# instruments of national bodies.
qualifying := {"law", "administrative_regulation", "local_regulation", "state_council_decision", "departmental_rule", "party_central_policy"}

has_basis if {
	some basis in input.entry.open_basis
	basis.type in qualifying
}

given := sort({basis.type | some basis in object.get(input.entry, "open_basis", [])})

violation contains {"dataset": state.entry_name, "attribute": input.entry.open_attribute, "given": given} if {
	input.action == "catalog"
	input.entry.open_attribute in restricted
	not has_basis
}
