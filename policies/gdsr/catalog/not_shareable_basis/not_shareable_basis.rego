# METADATA
# title: 不予共享类目录未列明理由或法定依据
# description: A catalogue entry marked not shareable must state why, and cite a law, an administrative regulation or a State Council decision that rules sharing out.
# custom:
#   code: GDSR-15-NOT-SHAREABLE-BASIS
#   regulation: gdsr
#   article: 15
#   paragraph: 2
#   liability: "39(1)"
#   severity: prohibited
#   quote: "对属于不予共享类的政务数据，政府部门应当在政务数据目录中列明理由，并明确相应的法律、行政法规以及国务院决定依据。"
#   effective_from: 2025-08-01
#   title_en: Not-shareable catalogue entry without its reason or legal basis
#   message:
#     zh: 目录“{dataset}”被列为不予共享类，但未写明{missing}。
#     en: The catalogue entry "{dataset}" is marked not shareable but does not state the {missing}.
#   remedy:
#     zh: 在目录中补充不予共享的理由，并写明明确禁止共享的法律、行政法规或国务院决定；部门规章、地方性法规和规范性文件不能作为依据。找不到这类依据的，应改为无条件或有条件共享类。
#     en: Add the reason to the entry and name the law, administrative regulation or State Council decision that forbids sharing; departmental rules, local regulations and policy documents do not count. If no such source exists, reclassify the entry as unconditional or conditional.
#   labels:
#     reason: {zh: 不予共享的理由, en: reason for not sharing}
#     basis: {zh: 法律、行政法规或国务院决定依据, en: "basis in a law, administrative regulation or State Council decision"}
package gdsr.catalog.not_shareable_basis

import rego.v1

import data.lib.state

# Only these ranks of legal source can put data in the not-shareable class
# (art 14 item 3); departmental rules and local legislation cannot.
qualifying_basis := {"law", "administrative_regulation", "state_council_decision"}

not_shareable_entry if {
	input.action == "catalog"
	input.entry.share_attribute == "not_shareable"
}

has_reason if trim_space(input.entry.not_shareable_reason) != ""

has_basis if {
	some basis in input.entry.legal_basis
	basis.type in qualifying_basis
}

violation contains {"dataset": state.entry_name, "missing": "reason"} if {
	not_shareable_entry
	not has_reason
}

violation contains {"dataset": state.entry_name, "missing": "basis"} if {
	not_shareable_entry
	not has_basis
}
