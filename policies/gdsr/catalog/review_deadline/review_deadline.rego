# METADATA
# title: 主管部门逾期审核发布更新后的目录
# description: The competent department reviews and publishes an updated catalogue within 2 working days of receiving it. Publishing after that is a breach already committed by the competent department; the publication itself goes ahead.
# custom:
#   code: GDSR-17-REVIEW-DEADLINE
#   regulation: gdsr
#   article: 17
#   paragraph: 3
#   liability: "41(3)"
#   severity: breach
#   quote: "政务数据共享主管部门应当自收到更新后的政务数据目录之日起2个工作日内完成审核并发布。"
#   effective_from: 2025-08-01
#   title_en: Updated catalogue reviewed and published late
#   message:
#     zh: 主管部门于{received_on}收到更新后的目录“{dataset}”，应在2个工作日内、即最迟于{deadline}完成审核并发布；{published_on}才发布，已逾期。
#     en: 'The competent department received the updated catalogue entry "{dataset}" on {received_on} and had to review and publish it within 2 working days, that is by {deadline}; publishing it on {published_on} is late.'
#   remedy:
#     zh: 主管部门应在收到更新后的目录之日起2个工作日内完成审核并发布，并对本次逾期作出说明。
#     en: The competent department should review and publish an updated catalogue within 2 working days of receiving it, and account for this delay.
package gdsr.catalog.review_deadline

import rego.v1

import data.lib.state

# Art 17(3): working days from receipt.
working_days := data.lib.parameters.value("gdsr.catalog_review_working_days", state.event_date)

# The day of publication; an event that does not say is the publication itself.
published_on := input.catalog_update.published_on if {
	is_string(input.catalog_update.published_on)
} else := state.event_date

dataset := state.entry_name if {
	state.entry_name
} else := state.dataset_name

deadline := data.lib.calendar.add_working_days(input.catalog_update.received_on, working_days)

breach contains facts if {
	input.action == "catalog"
	published_on > deadline
	facts := {
		"dataset": dataset,
		"received_on": input.catalog_update.received_on,
		"deadline": deadline,
		"published_on": published_on,
	}
}
