# METADATA
# title: 逾期答复对开放目录的更正申请
# description: A citizen, legal person or other organisation that objects to the open-data catalogue may file a correction request with the producing department through the open-data platform (art 40(2)). The producing department answers within 10 working days of receiving it - if it agrees, it asks the competent data department to change the open-data catalogue; if not, it gives its reasons and the basis - and with the approval of its principal head it may extend the period by at most 10 working days (art 40(3)). An answer later than that, or no answer once the period is over, is a breach already committed; the request must still be answered. An extension without the head's approval does not count, and one longer than 10 working days counts for 10. (The same regime for requests for conditional-open data is JY-41-REPLY-DEADLINE, art 41(2).)
# custom:
#   code: JY-40-CORRECTION-DEADLINE
#   regulation: jiyuan
#   article: 40
#   paragraph: 3
#   liability: "60(6)"
#   severity: breach
#   quote: "政务数据生产部门应当在收到申请之日起 10个工作日内予以答复，同意更正的，应当提请示范区数据主管部门变更政务数据开放目录；不同意更正的，应当说明理由，并提供依据。如需延长答复期限的，应当经政务数据生产部门主要负责人同意，延长答复期限不得超过 10 个工作日。"
#   effective_from: 2022-10-26
#   title_en: Correction request on the open-data catalogue answered late
#   message:
#     zh: “{requester}”对开放目录中“{dataset}”提出的更正申请于{received_on}收到，应在{working_days}个工作日内、即最迟{deadline}答复；答复日期：{replied_on}，已逾期。
#     en: '"{requester}"''s correction request on "{dataset}" in the open-data catalogue was received on {received_on} and had to be answered within {working_days} working days, by {deadline}; answered: {replied_on}, which is late.'
#   remedy:
#     zh: 立即答复：同意更正的，提请示范区数据主管部门变更政务数据开放目录；不同意更正的，说明理由并提供依据。今后自收到申请之日起10个工作日内答复；确需延长的，经数据生产部门主要负责人同意，延长不超过10个工作日。
#     en: Answer at once - if you agree, ask the competent data department to change the open-data catalogue; if not, give reasons and the basis. In future answer within 10 working days of receipt; an extension needs the approval of the producing department's principal head and may not exceed 10 working days.
#   labels:
#     pending: {zh: 至今未答复, en: not yet}
#     unspecified: {zh: （未指明的目录）, en: (entry not named)}
package local.jiyuan.open.correction_deadline

import rego.v1

import data.lib.state

base_days := data.lib.parameters.value("jiyuan.open_catalogue_correction_reply_working_days", state.event_date)

max_extension := data.lib.parameters.value("jiyuan.open_catalogue_correction_extension_max_working_days", state.event_date)

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
	input.action == "objection"
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
