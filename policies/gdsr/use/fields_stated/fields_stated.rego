# METADATA
# title: 使用共享数据未列明数据项
# description: A use of shared data that names no data items cannot be checked against the scope the grant approved.
# custom:
#   code: GDSR-25-FIELDS-STATED
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   severity: needs_action
#   effective_from: 2025-08-01
#   title_en: Use of shared data without the data items named
#   message:
#     zh: 使用“{dataset}”未列明所用数据项，无法核对是否在获准范围之内。
#     en: The use of "{dataset}" names no data items, so it cannot be checked against the approved scope.
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
