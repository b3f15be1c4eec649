# METADATA
# title: 逾期申请更新政务数据目录
# description: When a law or regulation is amended or a department's administrative functions change, the department applies to the competent data department for the update of its data catalogue within 5 working days of that day (art 19). The measures allow no extension. An update submitted later is a breach already committed (art 57 item 8 lists updating the catalogue after the set time among the prohibited acts); the update must still be made.
# custom:
#   code: JY-19-UPDATE-DEADLINE
#   regulation: jiyuan
#   article: 19
#   liability: "60(1)"
#   severity: breach
#   quote: "应当于法律法规做出修改或者行政管理职能发生变更之日起 5 个工作日内，向本级数据主管部门申请更新政务数据目录。"
#   effective_from: 2022-10-26
#   title_en: Catalogue update applied for late
#   message:
#     zh: 目录“{dataset}”须自法律法规修改或职能变更之日（{change_on}）起5个工作日内、即最迟{deadline}申请更新；{submitted_on}才申请，已逾期。
#     en: 'The update of the catalogue entry "{dataset}" had to be applied for within 5 working days of the amendment or change of functions on {change_on}, that is by {deadline}; applying on {submitted_on} is late.'
#   remedy:
#     zh: 继续完成更新并报示范区数据主管部门审核；今后在法律法规修改或职能变更之日起5个工作日内申请更新目录。
#     en: Complete the update and submit it to the Jiyuan competent data department; in future apply for the update within 5 working days of the amendment or change of functions.
package local.jiyuan.catalog.update_deadline

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("jiyuan.catalog_update_working_days", state.event_date)

submitted_on := input.catalog_update.submitted_on if {
	is_string(input.catalog_update.submitted_on)
} else := state.event_date

dataset := state.entry_name if {
	state.entry_name
} else := state.dataset_name

deadline := data.lib.calendar.add_working_days(input.catalog_update.change_on, working_days)

breach contains {"dataset": dataset, "change_on": input.catalog_update.change_on, "deadline": deadline, "submitted_on": submitted_on} if {
	input.action == "catalog"
	submitted_on > deadline
}
