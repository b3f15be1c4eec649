# METADATA
# title: 逾期核实问题数据并告知是否更正
# description: The competent data department passes problem data through the hub to the data-producing department, which within 5 working days verifies the problem, decides whether to correct it and tells the competent department through the hub; a producer that decides to correct then has 10 working days from its decision to correct the data at source and feed it back to the hub (art 24). The event records the day the problem data was received (verification.received_on), the day of the decision (verification.decided_on, with verification.correcting) and the day the matter was finished (verification.handled_on — the correction fed back, or the report when no correction is made). Without decided_on, handled_on is read as the day the decision was reported, and only the 5 days are checked. A step done late, or not done once its period is over, is a breach already committed (art 57 item 8 forbids verifying data after the set time); the problem must still be handled.
# custom:
#   code: JY-24-CHECK-DEADLINE
#   regulation: jiyuan
#   article: 24
#   liability: "60(6)"
#   severity: breach
#   quote: "数据生产部门应于 5个工作日内核实问题并作出是否更正的决定，并通过示范区数据中台告知示范区数据主管部门。数据生产部门作出更正决定的，应于作出决定起 10 个工作日内从数据源头更正数据后重新向示范区数据中台汇聚更新数据。"
#   effective_from: 2022-10-26
#   title_en: Problem data not verified and decided on in time
#   message:
#     zh: “{dataset}”的问题数据应自{start}起{days}个工作日内、即最迟{deadline}{stage}；实际：{done_on}，已逾期。
#     en: 'The problem data in "{dataset}" had to be {stage} within {days} working days of {start}, by {deadline}; done: {done_on}, which is late.'
#   remedy:
#     zh: 立即核实问题，作出是否更正的决定并通过示范区数据中台告知示范区数据主管部门；决定更正的，自决定之日起10个工作日内从数据源头更正并重新汇聚到示范区数据中台。
#     en: Verify the problem at once, decide whether to correct it and tell the competent data department through the hub; if you correct it, do so at the source within 10 working days of the decision and feed the corrected data back to the hub.
#   labels:
#     decision: {zh: 核实并作出是否更正的决定、告知示范区数据主管部门, en: "verified, decided on and reported to the competent data department"}
#     correction: {zh: 从数据源头更正并重新汇聚到示范区数据中台, en: corrected at source and fed back to the hub}
#     pending: {zh: 至今未完成, en: not yet}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.verify.check_deadline

import rego.v1

import data.lib.state

check_days := data.lib.parameters.value("jiyuan.problem_data_check_working_days", state.event_date)

correction_days := data.lib.parameters.value("jiyuan.problem_data_correction_working_days", state.event_date)

received_on := input.verification.received_on

# "pending" for a step not done yet; it is then compared as of the event's day.
decided_on := object.get(input.verification, "decided_on", "pending")

handled_on := object.get(input.verification, "handled_on", "pending")

decision_stated if decided_on != "pending"

# The decision was reported on decided_on when stated, else on handled_on (the
# one report); once a decision is stated, handled_on is the correction's day.
reported := decided_on if decision_stated else := handled_on

decision_due := data.lib.calendar.add_working_days(received_on, check_days)

correction_due := data.lib.calendar.add_working_days(decided_on, correction_days)

as_of(day) := state.event_date if day == "pending" else := day

not_correcting if input.verification.correcting == false

breach contains {"dataset": state.dataset_name, "stage": "decision", "start": received_on, "days": check_days, "deadline": decision_due, "done_on": reported} if {
	input.action == "verify"
	as_of(reported) > decision_due
}

breach contains {"dataset": state.dataset_name, "stage": "correction", "start": decided_on, "days": correction_days, "deadline": correction_due, "done_on": handled_on} if {
	input.action == "verify"
	decision_stated
	not not_correcting
	as_of(handled_on) > correction_due
}
