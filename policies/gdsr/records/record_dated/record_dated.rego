# METADATA
# title: 删除使用记录未写明记录形成日期
# description: Whether a usage record has been kept for the required three years can be checked only against the day it was made; deleting or purging a record that does not state it waits until it does.
# custom:
#   code: GDSR-29-RECORD-DATE
#   regulation: gdsr
#   article: 29
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据需求部门应当对共享政务数据的使用场景、使用过程、应用成效、存储情况、销毁情况等进行记录，有关记录保存期限不少于3年。"
#   effective_from: 2025-08-01
#   title_en: Usage record to delete states no date
#   message:
#     zh: 拟删除或清理的使用记录{record}未写明形成日期，无法确认已保存满{keep_years}年。
#     en: The usage record {record} to delete or purge does not state when it was made, so it cannot be shown to have been kept for {keep_years} years.
#   remedy:
#     zh: 写明该记录的形成日期后再申请删除；保存不满3年的记录不得删除。
#     en: State the day the record was made, then ask again; records kept for less than three years cannot be deleted.
#   labels:
#     unspecified: {zh: （未编号）, en: (no id)}
package gdsr.records.record_dated

import rego.v1

import data.lib.state

keep_years := data.lib.parameters.value("gdsr.usage_record_retention_years", state.event_date)

record := input.record.id if {
	is_string(input.record.id)
	trim_space(input.record.id) != ""
} else := "unspecified"

dated if regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, input.record.created_on)

violation contains {"record": record, "keep_years": keep_years} if {
	input.action == "records"
	not dated
}
