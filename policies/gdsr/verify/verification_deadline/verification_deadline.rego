# METADATA
# title: 逾期处理校核申请
# description: The provider verifies and corrects the data and reports the result within 10 working days of receiving a verification request. Handling it later, or still not having handled it once the period is over, is a breach already committed; the request must still be handled.
# custom:
#   code: GDSR-26-VERIFY-DEADLINE
#   regulation: gdsr
#   article: 26
#   paragraph: 2
#   liability: "39(6)"
#   severity: breach
#   quote: "政务数据提供部门应当自收到政务数据校核申请之日起10个工作日内予以核实、更正并反馈校核处理结果。"
#   effective_from: 2025-08-01
#   title_en: Verification request handled late
#   message:
#     zh: 对“{dataset}”的校核申请于{received_on}收到，应在{working_days}个工作日内、最迟于{deadline}核实、更正并反馈结果；办结日期：{handled_on}，已逾期。
#     en: 'The verification request on "{dataset}" was received on {received_on}; it had to be verified, corrected and answered within {working_days} working days, by {deadline}; handled: {handled_on}, which is late.'
#   remedy:
#     zh: 立即核实、更正并向需求部门反馈校核处理结果。今后应自收到校核申请之日起10个工作日内办结。
#     en: Verify and correct the data and report the result to the requesting department at once. In future finish within 10 working days of receiving the request.
#   labels:
#     pending: {zh: 至今仍未办结, en: not yet}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.verify.verification_deadline

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("gdsr.verification_working_days", state.event_date)

deadline := data.lib.calendar.add_working_days(input.verification.received_on, working_days)

# When the request was handled, or today when it still is not.
done := input.verification.handled_on if input.verification.handled_on else := state.event_date

handled_on := input.verification.handled_on if input.verification.handled_on else := "pending"

breach contains facts if {
	input.action == "verify"
	done > deadline
	facts := {
		"dataset": state.dataset_name,
		"received_on": input.verification.received_on,
		"working_days": working_days,
		"deadline": deadline,
		"handled_on": handled_on,
	}
}
