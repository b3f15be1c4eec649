# METADATA
# title: 记录共享数据的使用情况
# description: The requesting department keeps a record of how it uses shared data, from scenario and process to results, storage and destruction, for at least three years.
# custom:
#   code: GDSR-29-RECORD-USE
#   regulation: gdsr
#   article: 29
#   paragraph: 2
#   severity: obligation
#   quote: "政务数据需求部门应当对共享政务数据的使用场景、使用过程、应用成效、存储情况、销毁情况等进行记录，有关记录保存期限不少于3年。"
#   effective_from: 2025-08-01
#   title_en: Keep a record of the use of shared data
#   message:
#     zh: 须记录“{dataset}”的使用场景、使用过程、应用成效、存储和销毁情况，记录至少保存{keep_years}年，并供主管部门和提供部门查阅。
#     en: Record the scenario, process, results, storage and destruction of "{dataset}", keep the record for at least {keep_years} years, and make it available to the competent and providing departments.
#   remedy:
#     zh: 在本部门使用记录中登记本次使用；法律、行政法规对保存期限另有规定的，按其规定执行。
#     en: Log this use in your department's usage records; where a law or administrative regulation sets a different retention period, follow it.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.records.usage_record

import rego.v1

import data.lib.state

# Minimum retention in years; a law or administrative regulation may set another.
keep_years := data.lib.parameters.value("gdsr.usage_record_retention_years", state.event_date)

obligation contains {"dataset": state.dataset_name, "keep_years": keep_years} if {
	input.action in state.use_actions
}
