# METADATA
# title: 数据不在政务数据目录中
# description: The catalogue is the basis on which government data is gathered, shared, opened and used, under unified catalogue management (art 13). An event that names a dataset id the catalogue does not hold names no data that can be judged; it is refused for every action but publishing the entry itself. This is the local counterpart of GDSR art 16(2), and the only such check while the Jiyuan measures were in force alone (before 2025-08-01).
# custom:
#   code: JY-13-CATALOGUED
#   regulation: jiyuan
#   article: 13
#   severity: prohibited
#   quote: "政务数据目录是政务数据管理的基础，是政务数据汇聚、共享、开放、应用的依据。政务数据实行统一目录管理。"
#   effective_from: 2022-10-26
#   title_en: Dataset not in the government data catalogue
#   message:
#     zh: 目录中没有编码为“{dataset}”的数据，无法办理。政务数据目录是政务数据汇聚、共享、开放、应用的依据。
#     en: 'No catalogue entry has the id "{dataset}", so nothing can be done with it. The government data catalogue is the basis on which data is gathered, shared, opened and used.'
#   remedy:
#     zh: 在事件中写明正确的目录编码；数据尚未编目的，由数据生产部门编制目录，经示范区数据主管部门审核发布后再办理。
#     en: Give the correct catalogue id in the event; data not yet catalogued is first catalogued by its producing department and published after review by the competent data department.
package local.jiyuan.catalog.catalogued

import rego.v1

import data.lib.state

# Reading chosen: art 13 makes the catalogue the basis of every handling of
# government data ("汇聚、共享、开放、应用的依据"), so an id it does not hold is
# refused for every action that acts on an existing entry, i.e. all but
# `catalog` (publishing the entry itself). An inline entry the site accepts
# (GOVSHARE_ACCEPT_INLINE_STATE) is the platform's own catalogue and counts.
violation contains {"dataset": input.dataset} if {
	not input.action == "catalog"
	is_string(input.dataset)
	input.dataset != ""
	not state.dataset
}
