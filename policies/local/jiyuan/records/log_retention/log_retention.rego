# METADATA
# title: 日志记录保存不足6个月即删除
# description: The competent data department and every department keep logs of the government data they provide and obtain, so that the use of data can be traced, for at least 6 months unless a law or regulation provides otherwise (art 28(2)). Deleting or purging such a record before 6 months have passed since it was made is refused. The measures give no counting rule, so the period is counted as the Civil Code counts periods (arts 201-202) - the day the record was made is not counted, and six months end at the end of the same day of the sixth month after, or at the end of that month when it has no such day; the record may be deleted from the next day on. (The national rule, GDSR art 29(2), keeps usage records for 3 years and applies beside this one from 1 August 2025.)
# custom:
#   code: JY-28-LOG-RETENTION
#   regulation: jiyuan
#   article: 28
#   paragraph: 2
#   liability: "60(6)"
#   severity: prohibited
#   quote: "数据主管部门、各政务部门应当对本部门提供和获取的政务数据建立日志记录，确保数据使用过程可追溯，日志记录保存时间不得少于 6 个月，法律法规另有规定的除外。"
#   effective_from: 2022-10-26
#   title_en: Data log deleted before six months
#   message:
#     zh: 日志记录{record}形成于{created_on}，保存时间不得少于6个月，{earliest}之前不得删除。
#     en: Log record {record} was made on {created_on} and must be kept for at least 6 months; it cannot be deleted before {earliest}.
#   remedy:
#     zh: 继续保存该记录，确保数据使用过程可追溯；法律法规规定了更长保存期限的，按其规定执行。
#     en: Keep the record so that the use of the data stays traceable; where a law or regulation requires longer, keep it as long as that requires.
#   labels:
#     unspecified: {zh: （未编号）, en: (no id)}
package local.jiyuan.records.log_retention

import rego.v1

import data.lib.state

keep_months := data.lib.parameters.value("jiyuan.log_retention_months", state.event_date)

created := input.record.created_on

year := to_number(substring(created, 0, 4))

# Leading zeros trimmed: "07" is not a number to to_number.
month := to_number(trim_left(substring(created, 5, 2), "0"))

day := to_number(trim_left(substring(created, 8, 2), "0"))

# Month count since year 0 of the month the period ends in.
target := (((year * 12) + month) - 1) + keep_months

target_year := floor(target / 12)

target_month := (target % 12) + 1

leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap(y) if y % 400 == 0

month_days(y, m) := 29 if {
	m == 2
	leap(y)
} else := [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]

# The last day of the period: the same day six months later, or the end of
# that month when it is too short (31 August → 28 or 29 February).
last_day := day if day <= month_days(target_year, target_month) else := month_days(target_year, target_month)

# The record may be deleted from the day after the period ends: the next day of
# the same month, or the 1st of the month after when the period ends on a
# month's last day (1 January of the next year after 31 December).
earliest := sprintf("%04d-%02d-%02d", [target_year, target_month, last_day + 1]) if {
	last_day < month_days(target_year, target_month)
} else := sprintf("%04d-%02d-01", [target_year, target_month + 1]) if {
	target_month < 12
} else := sprintf("%04d-01-01", [target_year + 1])

record := input.record.id if {
	is_string(input.record.id)
	trim_space(input.record.id) != ""
} else := "unspecified"

violation contains {"record": record, "created_on": created, "earliest": earliest} if {
	input.action == "records"
	state.event_date < earliest
}
