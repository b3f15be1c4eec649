# METADATA
# title: 未满保存期限删除共享数据使用记录
# description: Records of the use of shared data are kept for at least three years; deleting or purging one earlier is not allowed unless a law or administrative regulation provides otherwise.
# custom:
#   code: GDSR-29-RECORD-RETENTION
#   regulation: gdsr
#   article: 29
#   paragraph: 2
#   liability: "40(5)"
#   severity: prohibited
#   quote: "政务数据需求部门应当对共享政务数据的使用场景、使用过程、应用成效、存储情况、销毁情况等进行记录，有关记录保存期限不少于3年。"
#   effective_from: 2025-08-01
#   title_en: Usage record deleted before its retention period ends
#   message:
#     zh: 使用记录{record}形成于{created_on}，保存期限不少于{keep_years}年，{earliest}之前不得删除或清理。
#     en: Usage record {record} was made on {created_on} and must be kept for at least {keep_years} years; it cannot be deleted or purged before {earliest}.
#   remedy:
#     zh: 继续保存该记录，保存期满后再清理；法律、行政法规另有规定的，从其规定。
#     en: Keep the record and purge it only after the period; where a law or administrative regulation provides otherwise, that rule applies.
#   labels:
#     unspecified: {zh: （未编号）, en: (no id)}
package gdsr.records.retention

import rego.v1

import data.lib.state

keep_years := data.lib.parameters.value("gdsr.usage_record_retention_years", state.event_date)

created := input.record.created_on

# The same calendar day `keep_years` later; a record of 29 February may go on 1 March.
month_day := "-03-01" if substring(created, 4, 6) == "-02-29" else := substring(created, 4, 6)

earliest := sprintf("%04d%s", [to_number(substring(created, 0, 4)) + keep_years, month_day])

record := input.record.id if {
	is_string(input.record.id)
	trim_space(input.record.id) != ""
} else := "unspecified"

violation contains {"record": record, "created_on": created, "keep_years": keep_years, "earliest": earliest} if {
	input.action == "records"
	state.event_date < earliest
}
