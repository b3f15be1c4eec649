# METADATA
# title: 未在协商的时间内提供服务接口
# description: When the competent data department asks a producing department for more service interfaces, the producer provides them as required within the time both sides agreed (interface_request.agreed_on); an extension counts only when the producer submitted a written application and the competent data department approved it, and then for at most 5 working days (art 8(2)). A provision later than that, or none once the time is over, is a breach already committed; the interfaces must still be provided. An extension longer than 5 working days counts for 5.
# custom:
#   code: JY-8-INTERFACE-DEADLINE
#   regulation: jiyuan
#   article: 8
#   paragraph: 2
#   liability: "60(6)"
#   severity: breach
#   quote: "示范区数据主管部门要求数据生产部门提供更多服务接口的，数据生产部门应在双方协商的时间内按要求提供，因特殊情况无法按时提供的，应向示范区数据主管部门提交书面延期申请，经批准，可以延期提供，但最长不超过 5 个工作日。"
#   effective_from: 2022-10-26
#   title_en: Service interfaces not provided in the agreed time
#   message:
#     zh: “{department}”应在双方协商的时间（{agreed_on}）内提供示范区数据主管部门要求的服务接口（{dataset}），计入经批准的延期{extension_days}个工作日，最迟{deadline}；提供日期：{provided_on}，已逾期。
#     en: '"{department}" had to provide the service interfaces the competent data department asked for ({dataset}) within the time agreed ({agreed_on}), with {extension_days} working days of approved extension, by {deadline}; provided: {provided_on}, which is late.'
#   remedy:
#     zh: 立即按要求提供服务接口及相应的接口规范和调用说明。今后在双方协商的时间内提供；因特殊情况无法按时提供的，事先向示范区数据主管部门提交书面延期申请，经批准后延期，最长不超过5个工作日。
#     en: Provide the interfaces at once, with their specification and calling instructions. In future provide them within the time agreed; if special circumstances prevent it, submit a written application for an extension to the competent data department beforehand and extend only once approved, by at most 5 working days.
#   labels:
#     pending: {zh: 至今未提供, en: not yet}
#     unspecified: {zh: 未指明的数据, en: data not named}
package local.jiyuan.interface.deadline

import rego.v1

import data.lib.state

max_extension := data.lib.parameters.value("jiyuan.interface_extension_max_working_days", state.event_date)

# Only a written, approved extension counts, and only up to 5 working days.
extension_days := min({input.interface_request.extension.working_days, max_extension}) if {
	input.interface_request.extension.written == true
	input.interface_request.extension.approved == true
	is_number(input.interface_request.extension.working_days)
} else := 0

agreed_on := input.interface_request.agreed_on

deadline := agreed_on if {
	extension_days == 0
} else := data.lib.calendar.add_working_days(agreed_on, extension_days)

done := input.interface_request.provided_on if input.interface_request.provided_on else := state.event_date

provided_on := input.interface_request.provided_on if input.interface_request.provided_on else := "pending"

breach contains facts if {
	input.action == "interface"
	is_string(agreed_on)
	done > deadline
	facts := {
		"department": input.requester.department,
		"dataset": state.dataset_name,
		"agreed_on": agreed_on,
		"extension_days": extension_days,
		"deadline": deadline,
		"provided_on": provided_on,
	}
}
