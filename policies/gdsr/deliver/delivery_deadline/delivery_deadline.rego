# METADATA
# title: 逾期共享数据
# description: The provider shares the data within 20 working days of the day it agreed to share. Delivering after that is a breach already committed; the delivery itself must still be made.
# custom:
#   code: GDSR-22-DELIVERY-DEADLINE
#   regulation: gdsr
#   article: 22
#   paragraph: 1
#   liability: "39(4)"
#   severity: breach
#   quote: "政务数据提供部门应当自作出同意共享的答复之日起20个工作日内共享政务数据。"
#   effective_from: 2025-08-01
#   title_en: Data shared late
#   message:
#     zh: 已于{approved_on}同意共享“{dataset}”，应在{working_days}个工作日内、最迟于{deadline}共享数据；{delivered_on}才交付，已逾期。
#     en: 'Sharing "{dataset}" was approved on {approved_on}, so the data was due within {working_days} working days, by {deadline}; delivering on {delivered_on} is late.'
#   remedy:
#     zh: 立即交付；逾期有正当理由的，向同级主管部门说明。今后应自同意共享之日起20个工作日内交付。
#     en: Deliver at once, and explain any good reason for the delay to the competent department at your level. In future deliver within 20 working days of approving.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.deliver.delivery_deadline

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("gdsr.delivery_working_days", state.event_date)

deadline := data.lib.calendar.add_working_days(input.application.approved_on, working_days)

breach contains facts if {
	input.action == "deliver"
	state.event_date > deadline
	facts := {
		"dataset": state.dataset_name,
		"approved_on": input.application.approved_on,
		"working_days": working_days,
		"deadline": deadline,
		"delivered_on": state.event_date,
	}
}
