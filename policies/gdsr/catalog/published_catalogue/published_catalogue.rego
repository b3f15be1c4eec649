# METADATA
# title: 数据不在统一发布的政务数据目录中
# description: Sharing works from the catalogue the competent department has reviewed and published; a dataset that is not named, not catalogued or not yet published cannot be shared. An id the catalogue does not hold is refused for every action but publishing the entry itself.
# custom:
#   code: GDSR-16-PUBLISHED-CATALOGUE
#   regulation: gdsr
#   article: 16
#   paragraph: 2
#   severity: prohibited
#   quote: "政府部门应当对照统一发布的政务数据目录，丰富政务数据资源，保障政务数据质量，依法共享政务数据。"
#   effective_from: 2025-08-01
#   title_en: Dataset not in the published government data catalogue
#   message:
#     zh: 事件所涉数据{dataset}无法办理：{reason}。政务数据的共享、使用和管理只能对照主管部门审核发布的政务数据目录进行。
#     en: 'The data {dataset} cannot be acted on: {reason}. Government data is shared, used and managed only against the catalogue reviewed and published by the competent department.'
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

# Art 16(2) has departments work "对照统一发布的政务数据目录" for all they do
# with government data, not only the sharing steps. Reading chosen: an id the
# catalogue does not hold names no data govshare can judge, so it is refused
# for every action that acts on an existing entry, i.e. all but `catalog`
# (publishing the entry itself). A missing id or an unpublished entry stays a
# matter of the sharing steps above.
violation contains {"dataset": input.dataset, "reason": "unknown"} if {
	not input.action == "catalog"
	named
	not state.dataset
}

violation contains {"dataset": state.dataset_name, "reason": "unpublished"} if {
	applies
	state.dataset.published == false
}
