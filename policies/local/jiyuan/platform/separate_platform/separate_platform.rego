# METADATA
# title: 通过示范区数据中台以外的跨部门数据共享平台共享
# description: No department may build another cross-department data-sharing platform, and those already built are merged into the Jiyuan data hub. An act of sharing (use included) through such a platform of its own (channel `standalone`) is refused. A point-to-point channel is art 57 item 7's (JY-57-HUB-ONLY); this rule is the case of a separate platform, so one act is not reported twice.
# custom:
#   code: JY-31-SEPARATE-PLATFORM
#   regulation: jiyuan
#   article: 31
#   paragraph: 2
#   liability: "60(6)"
#   severity: prohibited
#   effective_from: 2022-10-26
#   quote: 各政务部门不得建设其他跨部门的数据共享平台。已经建设的其他跨部门数据共享平台，应当整合并入示范区数据中台。
#   title_en: Data shared through a cross-department platform other than the Jiyuan data hub
#   message:
#     zh: “{dataset}”的{action}拟通过示范区数据中台以外的跨部门数据共享平台进行。
#     en: '{action} ("{dataset}") would go through a cross-department sharing platform other than the Jiyuan data hub.'
#   remedy:
#     zh: 改经示范区数据中台办理；已建的其他跨部门数据共享平台应当整合并入示范区数据中台（《济源示范区政务数据共享管理暂行办法》第三十一条第二款）。
#     en: Handle it through the Jiyuan data hub; other cross-department sharing platforms already built are to be merged into the hub (Jiyuan Measures art 31(2)).
#   labels:
#     apply: {zh: 数据服务申请, en: The application for data}
#     reply: {zh: 申请答复, en: The reply to the application}
#     deliver: {zh: 数据交付, en: The delivery of the data}
#     use: {zh: 数据使用, en: The use of the data}
#     transfer: {zh: 对外提供, en: The onward provision of the data}
#     return: {zh: 数据回流, en: The return of the data}
#     verify: {zh: 问题数据核查, en: The handling of problem data}
#     unspecified: {zh: （未指明的数据）, en: data not named}
package local.jiyuan.platform.separate_platform

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name, "action": input.action} if {
	input.action in state.sharing_actions
	input.channel == "standalone"
}
