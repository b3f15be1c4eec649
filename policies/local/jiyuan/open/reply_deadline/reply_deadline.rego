# METADATA
# title: 逾期答复有条件开放数据的申请
# description: On a request for conditional-open data, the producing department answers within 10 working days of receiving it (opening the data if it agrees, giving reasons and the basis if not); with the approval of its principal head it may extend the period by at most 10 working days (art 41(2)). An answer later than that, or no answer once the period is over, is a breach already committed (art 57 item 8 forbids opening data after the set time); the request must still be answered. An extension without the head's approval does not count, and one longer than 10 working days counts for 10.
# custom:
#   code: JY-41-REPLY-DEADLINE
#   regulation: jiyuan
#   article: 41
#   paragraph: 2
#   liability: "60(6)"
#   severity: breach
#   quote: "申请获取有条件开放政务数据的，政务数据生产部门应当在收到申请之日起在 10个工作日内予以答复，同意的应当予以开放；不同意的应当说明理由，并提供依据。如需延长答复期限的，应当经政务数据生产部门主要负责人同意，延长答复期限不得超过10 个工作日。"
#   effective_from: 2022-10-26
#   title_en: Request for conditional-open data answered late
#   message:
#     zh: “{requester}”对“{dataset}”的开放申请于{received_on}收到，应在{working_days}个工作日内、即最迟{deadline}答复；答复日期：{replied_on}，已逾期。
#     en: '"{requester}"''s request for "{dataset}" was received on {received_on} and had to be answered within {working_days} working days, by {deadline}; answered: {replied_on}, which is late.'
#   remedy:
#     zh: 立即答复：同意的予以开放，不同意的说明理由并提供依据。今后自收到申请之日起10个工作日内答复；确需延长的，经数据生产部门主要负责人同意，延长不超过10个工作日。
#     en: Answer at once - open the data if you agree, give reasons and the basis if not. In future answer within 10 working days of receipt; an extension needs the approval of the producing department's principal head and may not exceed 10 working days.
#   labels:
#     pending: {zh: 至今未答复, en: not yet}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.reply_deadline

import rego.v1

import data.lib.state

base_days := data.lib.parameters.value("jiyuan.open_request_reply_working_days", state.event_date)

max_extension := data.lib.parameters.value("jiyuan.open_request_extension_max_working_days", state.event_date)

# Only an extension the principal head approved counts, and only up to 10 working days.
extension := min({input.open_request.extension.working_days, max_extension}) if {
	input.open_request.head_approved_extension == true
	is_number(input.open_request.extension.working_days)
} else := 0

working_days := base_days + extension

deadline := data.lib.calendar.add_working_days(input.open_request.received_on, working_days)

done := input.open_request.replied_on if input.open_request.replied_on else := state.event_date

replied_on := input.open_request.replied_on if input.open_request.replied_on else := "pending"

breach contains facts if {
	input.action == "open"
	state.dataset.open_attribute == "conditional"
	done > deadline
	facts := {
		"requester": input.requester.department,
		"dataset": state.dataset_name,
		"received_on": input.open_request.received_on,
		"working_days": working_days,
		"deadline": deadline,
		"replied_on": replied_on,
	}
}
