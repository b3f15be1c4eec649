# METADATA
# title: 延期提供服务接口不符合规定
# description: When the competent data department asks a producing department for more service interfaces, the producer provides them within the time both sides agreed; if special circumstances prevent that, it submits a written application for an extension to the competent data department and, once approved, may provide them later, by at most 5 working days (art 8(2)). An `interface` event that carries an extension (interface_request.extension) but no provision yet is the extension itself, and is refused when no written application was made, when the competent department has not approved it, or when it runs longer than 5 working days. Once the interfaces are provided, an irregular extension shows only in the lateness of the provision (JY-8-INTERFACE-DEADLINE).
# custom:
#   code: JY-8-INTERFACE-EXTENSION
#   regulation: jiyuan
#   article: 8
#   paragraph: 2
#   liability: "60(6)"
#   severity: prohibited
#   quote: "因特殊情况无法按时提供的，应向示范区数据主管部门提交书面延期申请，经批准，可以延期提供，但最长不超过 5 个工作日。"
#   effective_from: 2022-10-26
#   title_en: Provision of service interfaces put off against the rules
#   message:
#     zh: “{department}”延期提供服务接口（{dataset}）不符合规定：{problem}（拟延期{working_days}个工作日）。
#     en: 'Putting off the service interfaces of "{department}" ({dataset}) breaks the rules: {problem} (extension asked: {working_days} working days).'
#   remedy:
#     zh: 因特殊情况无法按时提供的，向示范区数据主管部门提交书面延期申请，经批准后延期，最长不超过5个工作日；否则在双方协商的时间内按要求提供。
#     en: If special circumstances prevent providing the interfaces on time, submit a written application for an extension to the Jiyuan competent data department and extend only once it approves, by no more than 5 working days; otherwise provide them within the time agreed.
#   labels:
#     not_written: {zh: 未向示范区数据主管部门提交书面延期申请, en: no written application was submitted to the competent data department}
#     not_approved: {zh: 未经示范区数据主管部门批准, en: the competent data department has not approved it}
#     too_long: {zh: 延期超过5个工作日, en: it is longer than 5 working days}
#     unspecified: {zh: 未指明的数据, en: data not named}
package local.jiyuan.interface.extension

import rego.v1

import data.lib.state

max_days := data.lib.parameters.value("jiyuan.interface_extension_max_working_days", state.event_date)

extending if {
	input.action == "interface"
	input.interface_request.extension
	not input.interface_request.provided_on
}

problems contains "not_written" if not input.interface_request.extension.written == true

problems contains "not_approved" if not input.interface_request.extension.approved == true

problems contains "too_long" if input.interface_request.extension.working_days > max_days

violation contains facts if {
	extending
	some problem in problems
	facts := {
		"department": input.requester.department,
		"dataset": state.dataset_name,
		"working_days": input.interface_request.extension.working_days,
		"problem": problem,
	}
}
