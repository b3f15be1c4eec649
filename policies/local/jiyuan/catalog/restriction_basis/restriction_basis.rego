# METADATA
# title: 有条件共享类、不予共享类目录缺少法定依据
# description: Data placed in the conditional or the not-shareable class must rest on a law, an administrative regulation, or a policy of the Party Central Committee or the State Council (art 32(2) item 1; art 14(5) requires the same of the not-shareable class). A catalogue entry in either class whose legal basis cites none of these is refused. A State Council decision counts as a State Council policy; departmental rules, local regulations and rules, and other normative documents do not.
# custom:
#   code: JY-32-RESTRICTION-BASIS
#   regulation: jiyuan
#   article: 32
#   paragraph: 2
#   item: 1
#   liability: "60(1)"
#   severity: prohibited
#   quote: "凡列入有条件共享类和不予共享类的政务数据，应当有法律、行政法规或者党中央、国务院政策依据；"
#   effective_from: 2022-10-26
#   title_en: Conditional or not-shareable entry without a qualifying legal basis
#   message:
#     zh: 目录“{dataset}”被列为{attribute}，但未写明法律、行政法规或者党中央、国务院政策依据（已写明的依据：{given}）。
#     en: 'The catalogue entry "{dataset}" is classified as {attribute} but cites no law, administrative regulation, or policy of the Party Central Committee or the State Council (bases given: {given}).'
#   remedy:
#     zh: 在目录中写明限制共享的法律、行政法规或者党中央、国务院政策文件；没有这类依据的，应改为无条件共享类。
#     en: Cite in the entry the law, administrative regulation, or Party Central Committee or State Council policy that restricts sharing; without one, classify the entry as unconditionally shared.
#   labels:
#     conditional: {zh: 有条件共享类, en: conditionally shared}
#     not_shareable: {zh: 不予共享类, en: not shareable}
#     law: {zh: 法律, en: a law}
#     administrative_regulation: {zh: 行政法规, en: an administrative regulation}
#     state_council_decision: {zh: 国务院决定, en: a State Council decision}
#     departmental_rule: {zh: 部门规章, en: a departmental rule}
#     local_regulation: {zh: 地方性法规, en: a local regulation}
#     local_rule: {zh: 地方政府规章, en: a local government rule}
#     policy_document: {zh: 规范性文件, en: a normative document}
#     party_central_policy: {zh: 党中央、国务院政策文件, en: a Party Central Committee or State Council policy}
package local.jiyuan.catalog.restriction_basis

import rego.v1

import data.lib.state

restricted := {"conditional", "not_shareable"}

# Art 32(2) item 1: law, administrative regulation, or Party Central Committee /
# State Council policy (a State Council decision is a State Council instrument).
qualifying := {"law", "administrative_regulation", "state_council_decision", "party_central_policy"}

has_basis if {
	some basis in input.entry.legal_basis
	basis.type in qualifying
}

given := sort({basis.type | some basis in object.get(input.entry, "legal_basis", [])})

violation contains {"dataset": state.entry_name, "attribute": input.entry.share_attribute, "given": given} if {
	input.action == "catalog"
	input.entry.share_attribute in restricted
	not has_basis
}
