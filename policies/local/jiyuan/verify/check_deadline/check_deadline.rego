# METADATA
# title: 逾期核实问题数据并告知是否更正
# description: The competent data department passes problem data through the hub to the data-producing department, which within 5 working days verifies the problem, decides whether to correct it and tells the competent department through the hub (art 24). A producer that decides to correct then has 10 more working days from its decision to correct the data at source and feed it back to the hub. The event records the day the problem data was received (verification.received_on) and the day the producer reported back (verification.handled_on, the verification and the decision on correction, with the correction if made); that report is due within 5 working days. A later report, or no report once the 5 days are over, is a breach already committed (art 57 item 8 forbids verifying data after the set time); the problem must still be handled. The 10-day correction period runs from the decision, which the event does not record apart from the report, so it is not checked.
# custom:
#   code: JY-24-CHECK-DEADLINE
#   regulation: jiyuan
#   article: 24
#   liability: "60(6)"
#   severity: breach
#   effective_from: 2022-10-26
#   title_en: Problem data not verified and decided on in time
#   message:
#     zh: “{dataset}”的问题数据于{received_on}分发至数据生产部门，应在5个工作日内、即最迟{deadline}核实并作出是否更正的决定、告知示范区数据主管部门；办理情况：{handled_on}，已逾期。
#     en: 'The problem data in "{dataset}" reached the producing department on {received_on}; it had to be verified, a decision on correction made and reported to the Jiyuan competent data department within 5 working days, by {deadline}; reported: {handled_on}, which is late.'
#   remedy:
#     zh: 立即核实问题，作出是否更正的决定并通过示范区数据中台告知示范区数据主管部门；决定更正的，自决定之日起10个工作日内从数据源头更正并重新汇聚到示范区数据中台。
#     en: Verify the problem at once, decide whether to correct it and tell the competent data department through the hub; if you correct it, do so at the source within 10 working days of the decision and feed the corrected data back to the hub.
#   labels:
#     pending: {zh: 至今未告知, en: not yet}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.verify.check_deadline

import rego.v1

import data.lib.state

working_days := 5

deadline := data.lib.calendar.add_working_days(input.verification.received_on, working_days)

done := input.verification.handled_on if input.verification.handled_on else := state.event_date

handled_on := input.verification.handled_on if input.verification.handled_on else := "pending"

breach contains {"dataset": state.dataset_name, "received_on": input.verification.received_on, "deadline": deadline, "handled_on": handled_on} if {
	input.action == "verify"
	done > deadline
}
