# METADATA
# title: 使用共享数据没有可依据的授权
# description: A department uses another department's data only through the Jiyuan data hub and in the manner and scope it was authorised (art 9); the competent data department reviews the application and decides whether and how the data is shared (art 7(2)). A use or onward provision that names no grant, or names one that is neither on record nor carried by the platform, cannot be shown to be authorised, so it waits until the department names the grant it relies on or applies for one. A grant that is on record but issued to another department, for another dataset or outside its validity is refused under JY-9-AUTHORISED-SCOPE; one the competent department suspended or terminated under JY-36-SERVICE-SUSPENDED. (Mirrors GDSR-20-GRANT-REQUIRED, which applies beside this rule from 1 August 2025.)
# custom:
#   code: JY-9-GRANT-REQUIRED
#   regulation: jiyuan
#   article: 9
#   severity: needs_action
#   quote: "数据应用部门因履职需要使用数据生产部门数据的，必须通过示范区数据中台申请数据服务接口、数据交叉核验或批量数据交换服务，依据国家相关法律法规和授权的方式、范围使用共享数据"
#   effective_from: 2022-10-26
#   title_en: Shared data used without an authorisation to rely on
#   message:
#     zh: 本次{action}“{dataset}”没有可依据的授权（授权编号：{grant}）：{reason}。
#     en: 'This {action} of "{dataset}" rests on no authorisation (grant: {grant}): {reason}.'
#   remedy:
#     zh: 写明本部门所依据的共享授权；尚未取得授权的，通过示范区数据中台申请数据服务，经示范区数据主管部门审查同意后，依据授权的方式、范围使用。
#     en: Name the grant your department relies on; if it has none, apply for the data service through the Jiyuan data hub and, once the competent data department agrees, use the data in the manner and within the scope authorised.
#   labels:
#     use: {zh: 使用, en: use}
#     transfer: {zh: 对外提供, en: onward provision}
#     none: {zh: 无, en: none}
#     missing: {zh: 事件未写明所依据的共享授权, en: the event names no grant}
#     unknown: {zh: 查无此授权, en: no grant with this id is on record}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.grant_required

import rego.v1

import data.lib.state

applies if input.action in state.use_actions

named if {
	is_string(input.grant)
	trim_space(input.grant) != ""
}

violation contains {"action": input.action, "dataset": state.dataset_name, "reason": "missing", "grant": "none"} if {
	applies
	not named
}

violation contains {"action": input.action, "dataset": state.dataset_name, "reason": "unknown", "grant": input.grant} if {
	applies
	named
	not state.grant
}
