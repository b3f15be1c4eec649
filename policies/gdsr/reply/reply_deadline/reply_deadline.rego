# METADATA
# title: 逾期答复共享申请
# description: The provider replies within 1 working day of receiving an application for unconditionally shared data and within 10 for conditionally shared data; an extension of at most 10 working days counts only when the competent department approved it and the requester was told. A reply made after the deadline is a breach already committed; the reply itself must still be made.
# custom:
#   code: GDSR-21-REPLY-DEADLINE
#   regulation: gdsr
#   article: 21
#   paragraph: 1
#   liability: "39(4)"
#   severity: breach
#   quote: "政务数据需求部门申请共享的政务数据属于无条件共享类的，政务数据提供部门应当自收到政务数据共享申请之日起1个工作日内作出答复；属于有条件共享类的，应当自收到政务数据共享申请之日起10个工作日内作出是否同意共享的答复。因特殊原因需要延长答复期限的，政务数据提供部门应当报经同级政务数据共享主管部门同意，并告知政务数据需求部门，延长的期限最长不得超过10个工作日。"
#   effective_from: 2025-08-01
#   title_en: Sharing application answered late
#   message:
#     zh: “{dataset}”属于{attribute}，答复期限为自{received_on}收到申请起{working_days}个工作日，即{deadline}；{replied_on}才作出答复，已逾期。
#     en: '"{dataset}" is {attribute}; the reply was due within {working_days} working days of receiving the application on {received_on}, that is by {deadline}; replying on {replied_on} is late.'
#   remedy:
#     zh: 立即作出答复；逾期有正当理由的，向同级主管部门说明。今后应在期限内答复，确需延期的，在期限届满前报经同级主管部门同意并告知需求部门。
#     en: Reply at once, and explain any good reason for the delay to the competent department at your level. In future reply in time; if an extension is really needed, obtain the competent department's approval and tell the requester before the deadline passes.
#   labels:
#     unconditional: {zh: 无条件共享类, en: unconditionally shared}
#     conditional: {zh: 有条件共享类, en: conditionally shared}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.reply_deadline

import rego.v1

import data.lib.state

# Art 21(1): working days to reply, by share attribute (not-shareable data has no reply period).
base_days := {
	"unconditional": data.lib.parameters.value("gdsr.reply_unconditional_working_days", state.event_date),
	"conditional": data.lib.parameters.value("gdsr.reply_conditional_working_days", state.event_date),
}

max_extension := data.lib.parameters.value("gdsr.reply_extension_max_working_days", state.event_date)

# Every answer to the application; an extension decided after the deadline is late too.
answers := {"approve", "refuse", "request_material", "extend"}

attribute := state.dataset.share_attribute

# An extension counts only when the competent department approved it and the requester was told.
extension_days := min([input.application.extension.working_days, max_extension]) if {
	input.application.extension.approved_by_competent == true
	input.application.extension.requester_notified == true
} else := 0

working_days := base_days[attribute] + extension_days

deadline := data.lib.calendar.add_working_days(input.application.received_on, working_days)

breach contains facts if {
	input.action == "reply"
	input.reply.decision in answers
	state.event_date > deadline
	facts := {
		"dataset": state.dataset_name,
		"attribute": attribute,
		"received_on": input.application.received_on,
		"working_days": working_days,
		"deadline": deadline,
		"replied_on": state.event_date,
	}
}
