# METADATA
# title: 使用共享数据未列明数据项
# description: A use of shared data that names no data items cannot be checked against the data items the grant approved. Reading chosen (2026-12) — the data items are a part of the application of art 20(2), not its 使用范围 (scope of use), so the check is art 20(2)'s (as GDSR-20-FIELDS-NOT-GRANTED), not art 25(1)'s.
# custom:
#   code: GDSR-20-FIELDS-STATED
#   regulation: gdsr
#   article: 20
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据需求部门应当根据履行职责需要，按照统一发布的政务数据目录，经本部门政务数据共享工作机构负责人同意后，依法提出政务数据共享申请"
#   effective_from: 2025-08-01
#   title_en: Use of shared data without the data items named
#   message:
#     zh: 使用“{dataset}”未列明所用数据项，无法核对是否在共享授权批准的数据项之内。
#     en: The use of "{dataset}" names no data items, so it cannot be checked against the data items the grant approved.
#   remedy:
#     zh: 在请求的 fields 中列明本次使用的全部数据项。
#     en: List every data item this use involves in the request's fields.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.fields_stated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action in state.use_actions
	count(object.get(input, "fields", [])) == 0
}
