# METADATA
# title: 数据不在统一发布的政务数据目录中
# description: Sharing works from the catalogue the competent department has reviewed and published; a dataset that is not named, not catalogued or not yet published cannot be shared.
# custom:
#   code: GDSR-16-PUBLISHED-CATALOGUE
#   regulation: gdsr
#   article: 16
#   paragraph: 2
#   severity: prohibited
#   effective_from: 2025-08-01
#   title_en: Dataset not in the published government data catalogue
#   message:
#     zh: 数据{dataset}不能共享：{reason}。共享只能对照主管部门审核发布的政务数据目录进行。
#     en: 'Dataset {dataset} cannot be shared: {reason}. Sharing works only from the catalogue reviewed and published by the competent department.'
#   remedy:
#     zh: 在事件中写明正确的目录编码；目录尚未发布的，由提供部门报送同级政务数据共享主管部门审核，发布后再申请或共享。
#     en: Give the correct catalogue id in the event; if the entry is not yet published, the providing department submits it to the competent department for review, and sharing waits until it is published.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
#     missing: {zh: 事件未指明数据目录, en: the event names no catalogue entry}
#     unknown: {zh: 目录中没有该编码, en: no catalogue entry has this id}
#     unpublished: {zh: 该目录尚未经审核发布, en: the entry has not been reviewed and published}
package gdsr.catalog.published_catalogue

import rego.v1

import data.lib.state

applies if input.action in state.sharing_actions

named if {
	is_string(input.dataset)
	input.dataset != ""
}

violation contains {"dataset": "unspecified", "reason": "missing"} if {
	applies
	not named
}

violation contains {"dataset": input.dataset, "reason": "unknown"} if {
	applies
	named
	not state.dataset
}

violation contains {"dataset": state.dataset_name, "reason": "unpublished"} if {
	applies
	state.dataset.published == false
}
