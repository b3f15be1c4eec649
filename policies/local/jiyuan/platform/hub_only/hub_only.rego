# METADATA
# title: 在示范区数据中台和开放平台之外共享、开放政务数据
# description: Government departments in Jiyuan share data only through the Jiyuan data hub (示范区数据中台) and open it only through the open-data platform; sharing or opening by any other means is a prohibited act (art 57 item 7). Arts 9 (a department that needs another's data applies for it through the hub; no sharing or exchange outside the platform), 30 (departments share through the hub) and 31(2) (no other cross-department sharing platform) state the same duty. An application, reply, delivery, use, onward provision, return or problem-data report, or an opening of data to a citizen or company, that goes over a direct channel is refused.
# custom:
#   code: JY-57-HUB-ONLY
#   regulation: jiyuan
#   article: 57
#   item: 7
#   liability: "60(6)"
#   severity: prohibited
#   quote: "通过示范区数据中台和开放平台之外的其他形式共享、开放政务数据；"
#   effective_from: 2022-10-26
#   title_en: Data shared or opened outside the Jiyuan data hub and open-data platform
#   message:
#     zh: “{dataset}”的{action}拟通过{platform}以外的点对点渠道进行。
#     en: '{action} ("{dataset}") would go over a direct channel outside {platform}.'
#   remedy:
#     zh: 改经{platform}办理。需要其他部门数据的，通过示范区数据中台申请数据服务接口、数据交叉核验或批量数据交换服务（《济源示范区政务数据共享管理暂行办法》第九条）；各部门不得另建跨部门共享平台，已建的应并入示范区数据中台（第三十一条第二款）。
#     en: Handle it through {platform}. A department that needs another department's data applies through the Jiyuan data hub for an API service, cross-verification or bulk exchange (Jiyuan Measures art 9); no department may run another cross-department sharing platform, and existing ones are to be merged into the hub (art 31(2)).
#   labels:
#     hub: {zh: 示范区数据中台, en: the Jiyuan data hub}
#     open_platform: {zh: 开放平台, en: the open-data platform}
#     apply: {zh: 数据服务申请, en: The application for data}
#     reply: {zh: 申请答复, en: The reply to the application}
#     deliver: {zh: 数据交付, en: The delivery of the data}
#     use: {zh: 数据使用, en: The use of the data}
#     transfer: {zh: 对外提供, en: The onward provision of the data}
#     return: {zh: 数据回流, en: The return of the data}
#     verify: {zh: 问题数据核查, en: The handling of problem data}
#     open: {zh: 数据开放, en: The opening of the data}
#     unspecified: {zh: （未指明的数据）, en: data not named}
package local.jiyuan.platform.hub_only

import rego.v1

import data.lib.state

# Every step by which data moves between departments goes through the hub (arts 9, 30).
hub_steps := {"apply", "reply", "deliver", "use", "transfer", "return", "verify"}

platform := "hub" if input.action in hub_steps

# Opening data to citizens and companies goes through the open-data platform (arts 37, 41).
platform := "open_platform" if input.action == "open"

violation contains {"dataset": state.dataset_name, "action": input.action, "platform": platform} if {
	input.channel == "direct"
	platform
}
