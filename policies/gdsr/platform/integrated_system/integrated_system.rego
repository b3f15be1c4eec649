# METADATA
# title: 未通过全国一体化政务大数据体系开展共享
# description: Government departments carry out data-sharing work through the national integrated government big-data system. An application, reply, delivery, use, onward provision, return of data to a lower level or verification request handled over a direct (point-to-point) channel outside the system is refused. A use counts (art 3(2) makes using another department's data an act of sharing, and a use's channel is the one the data was obtained or is served over). The liability falls on the providing department when it acts (reply, delivery, return, handling a verification request) and on the requesting department otherwise (application, use, onward provision, filing a verification request).
# custom:
#   code: GDSR-32-INTEGRATED-SYSTEM
#   regulation: gdsr
#   article: 32
#   liability: "40(7)"
#   severity: prohibited
#   quote: "政府部门应当通过全国一体化政务大数据体系开展政务数据共享相关工作。"
#   effective_from: 2025-08-01
#   title_en: Sharing outside the national integrated government big-data system
#   message:
#     zh: “{dataset}”的{action}拟通过全国一体化政务大数据体系以外的点对点渠道进行。
#     en: '{action} ("{dataset}") would go over a direct channel outside the national integrated government big-data system.'
#   remedy:
#     zh: 改经全国一体化政务大数据体系办理（国家政务大数据平台，或已纳入体系的部门、地方政务数据平台）。依照第三十一条，除法律、行政法规另有规定外，原则上不得通过新建政务数据共享交换系统开展跨层级、跨地域、跨系统、跨部门、跨业务的共享。
#     en: Handle it through the national integrated government big-data system (the national government big-data platform, or a departmental or local platform that has joined the system). Under article 31, unless a law or administrative regulation provides otherwise, no newly built exchange system may in principle be used for sharing across levels, regions, systems, departments or business lines.
#   labels:
#     apply: {zh: 共享申请, en: The sharing application}
#     reply: {zh: 共享申请答复, en: The reply to the application}
#     deliver: {zh: 数据交付, en: The delivery of the data}
#     use: {zh: 数据使用, en: The use of the data}
#     transfer: {zh: 对外提供, en: The onward provision of the data}
#     return: {zh: 数据回流, en: The return of the data to the lower level}
#     verify: {zh: 校核申请, en: The verification request}
#     unspecified: {zh: （未指明的数据）, en: data not named}
package gdsr.platform.integrated_system

import rego.v1

import data.lib.state

liability := "39(9)" if {
	state.provider_acts
} else := "40(7)"

violation contains {"dataset": state.dataset_name, "action": input.action, "liability": liability} if {
	# Every act of sharing: art 3(2) makes using another department's data one,
	# so a `use` counts (its channel is the one the data came or is served over).
	input.action in state.sharing_actions
	input.channel == "direct"
}
