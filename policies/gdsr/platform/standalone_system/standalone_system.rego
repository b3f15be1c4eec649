# METADATA
# title: 通过未纳入全国一体化政务大数据体系的新建共享交换系统开展共享
# description: Unless a law or administrative regulation provides otherwise, cross-level, cross-region, cross-system, cross-department or cross-business sharing may in principle not be carried out through a newly built exchange system. An act of sharing (use included, art 3(2)) over a self-built exchange system outside the integrated system (channel `standalone`) is refused unless the event cites the law or administrative regulation that provides otherwise. A point-to-point channel is art 32's (GDSR-32-INTEGRATED-SYSTEM); this rule is the art 31 case of a system of its own.
# custom:
#   code: GDSR-31-STANDALONE-SYSTEM
#   regulation: gdsr
#   article: 31
#   liability: "40(7)"
#   severity: prohibited
#   effective_from: 2025-08-01
#   quote: 除法律、行政法规另有规定外，原则上不得通过新建政务数据共享交换系统开展跨层级、跨地域、跨系统、跨部门、跨业务的政务数据共享工作。
#   title_en: Sharing through a newly built exchange system outside the integrated system
#   message:
#     zh: “{dataset}”的{action}拟通过未纳入全国一体化政务大数据体系的自建共享交换系统进行，且未说明另有规定的法律、行政法规。
#     en: '{action} ("{dataset}") would go through a self-built exchange system outside the national integrated government big-data system, and no law or administrative regulation providing otherwise is cited.'
#   remedy:
#     zh: 改经全国一体化政务大数据体系办理，并将已建的政务数据平台纳入体系；确有法律、行政法规另有规定的，写明该法律、行政法规（channel_basis）。
#     en: Handle it through the national integrated government big-data system and bring the platform already built into it; where a law or administrative regulation does provide otherwise, cite it (channel_basis).
#   labels:
#     apply: {zh: 共享申请, en: The sharing application}
#     reply: {zh: 共享申请答复, en: The reply to the application}
#     deliver: {zh: 数据交付, en: The delivery of the data}
#     use: {zh: 数据使用, en: The use of the data}
#     transfer: {zh: 对外提供, en: The onward provision of the data}
#     return: {zh: 数据回流, en: The return of the data to the lower level}
#     verify: {zh: 校核申请, en: The verification request}
#     unspecified: {zh: （未指明的数据）, en: data not named}
package gdsr.platform.standalone_system

import rego.v1

import data.lib.state

# "除法律、行政法规另有规定外": only those two ranks lift the rule; a
# departmental rule or a local measure cannot.
lifting_ranks := {"law", "administrative_regulation"}

provided_otherwise if input.channel_basis.type in lifting_ranks

# The providing department's own acts fall under art 39 item 8 (its platform
# not brought into the integrated system: the first sentence of art 31); the
# requesting department's under art 40 item 7 (art 40 names no such item).
liability := "39(8)" if {
	state.provider_acts
} else := "40(7)"

violation contains {"dataset": state.dataset_name, "action": input.action, "liability": liability} if {
	input.action in state.sharing_actions
	input.channel == "standalone"
	not provided_otherwise
}
