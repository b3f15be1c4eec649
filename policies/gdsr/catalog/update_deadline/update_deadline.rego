# METADATA
# title: 逾期完成目录更新
# description: When a law, administrative regulation or State Council decision changes, or the department's duties change, so that its catalogue must be updated, the department completes the update and submits it for review within 10 working days of the change; 5 more working days count only with the competent department's approval. An update submitted after the deadline is a breach already committed; the update must still be made.
# custom:
#   code: GDSR-17-UPDATE-DEADLINE
#   regulation: gdsr
#   article: 17
#   paragraph: 2
#   liability: "39(1)"
#   severity: breach
#   quote: "因法律、行政法规、国务院决定调整或者政府部门职责变化导致政务数据目录需要相应更新的，政府部门应当自调整、变化发生之日起10个工作日内对政务数据目录完成更新，并报送同级政务数据共享主管部门审核。因特殊原因需要延长更新期限的，经同级政务数据共享主管部门同意，可以延长5个工作日。"
#   effective_from: 2025-08-01
#   title_en: Catalogue update completed late
#   message:
#     zh: 目录“{dataset}”须自调整、变化发生之日（{change_on}）起{working_days}个工作日内完成更新并报审，即最迟{deadline}；{submitted_on}才报审，已逾期。
#     en: 'The update of the catalogue entry "{dataset}" was due within {working_days} working days of the change on {change_on}, that is by {deadline}; submitting it on {submitted_on} is late.'
#   remedy:
#     zh: 继续完成更新并报送审核；今后在调整、变化发生之日起10个工作日内完成更新，确有特殊原因需要延期的，在期限届满前报经同级主管部门同意，最多延长5个工作日。
#     en: Complete the update and submit it for review. In future update the catalogue within 10 working days of the change; if there is a special reason for more time, obtain the competent department's approval before the deadline, for at most 5 more working days.
package gdsr.catalog.update_deadline

import rego.v1

import data.lib.state

# Art 17(2): 10 working days, 5 more with the competent department's approval.
working_days := data.lib.parameters.value("gdsr.catalog_update_working_days", state.event_date) + data.lib.parameters.value("gdsr.catalog_update_extension_working_days", state.event_date) if {
	input.catalog_update.extension_approved == true
} else := data.lib.parameters.value("gdsr.catalog_update_working_days", state.event_date)

# The day the update was submitted; an event that does not say is the submission itself.
submitted_on := input.catalog_update.submitted_on if {
	is_string(input.catalog_update.submitted_on)
} else := state.event_date

dataset := state.entry_name if {
	state.entry_name
} else := state.dataset_name

deadline := data.lib.calendar.add_working_days(input.catalog_update.change_on, working_days)

breach contains facts if {
	input.action == "catalog"
	submitted_on > deadline
	facts := {
		"dataset": dataset,
		"change_on": input.catalog_update.change_on,
		"working_days": working_days,
		"deadline": deadline,
		"submitted_on": submitted_on,
	}
}
