# METADATA
# title: 使用共享数据未说明用途
# description: A use of shared data that states no purpose cannot be checked against the purposes the grant approved.
# custom:
#   code: GDSR-25-PURPOSE-STATED
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   severity: needs_action
#   quote: "政府部门通过共享获得政务数据的，不得擅自扩大使用范围以及用于或者变相用于其他目的"
#   effective_from: 2025-08-01
#   title_en: Use of shared data without a stated purpose
#   message:
#     zh: 使用“{dataset}”未说明用途，无法核对是否在获准用途之内。
#     en: The use of "{dataset}" states no purpose, so it cannot be checked against the approved purposes.
#   remedy:
#     zh: 在请求中写明本次使用的具体用途，并与共享授权中获准的用途保持一致。
#     en: State the purpose of this use in the request, matching one of the purposes approved in the grant.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.purpose_stated

import rego.v1

import data.lib.state

purpose_given if trim_space(input.purpose) != ""

violation contains {"dataset": state.dataset_name} if {
	input.action in state.use_actions
	not purpose_given
}
