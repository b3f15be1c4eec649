# METADATA
# title: 示范区数据主管部门逾期审核、更新政务数据目录
# description: The competent data department reviews and updates the data catalogue within 5 working days of receiving an update application, and updates the collection responsibility list with it (art 19). Publishing the update later is a breach already committed by the competent department (art 57 item 8); the publication itself goes ahead.
# custom:
#   code: JY-19-REVIEW-DEADLINE
#   regulation: jiyuan
#   article: 19
#   liability: "60(6)"
#   severity: breach
#   quote: "示范区数据主管部门应当在收到更新申请之日起 5 个工作日内审核、更新政务数据目录，并同步更新责任清单。"
#   effective_from: 2022-10-26
#   title_en: Catalogue update reviewed late by the competent department
#   message:
#     zh: 示范区数据主管部门于{received_on}收到目录“{dataset}”的更新申请，应在5个工作日内、即最迟{deadline}审核并更新目录；{published_on}才更新，已逾期。
#     en: 'The Jiyuan competent data department received the update application for the catalogue entry "{dataset}" on {received_on} and had to review it and update the catalogue within 5 working days, that is by {deadline}; updating it on {published_on} is late.'
#   remedy:
#     zh: 示范区数据主管部门应在收到更新申请之日起5个工作日内审核、更新目录，并同步更新采集责任清单。
#     en: The competent data department reviews and updates the catalogue within 5 working days of receiving the application, and updates the collection responsibility list with it.
package local.jiyuan.catalog.review_deadline

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("jiyuan.catalog_review_working_days", state.event_date)

published_on := input.catalog_update.published_on if {
	is_string(input.catalog_update.published_on)
} else := state.event_date

dataset := state.entry_name if {
	state.entry_name
} else := state.dataset_name

deadline := data.lib.calendar.add_working_days(input.catalog_update.received_on, working_days)

breach contains {"dataset": dataset, "received_on": input.catalog_update.received_on, "deadline": deadline, "published_on": published_on} if {
	input.action == "catalog"
	published_on > deadline
}
