# METADATA
# title: 处置共享数据前未取得提供部门的处置要求
# description: The requesting department disposes of shared data as the providing department requires; when the grant records no such requirement (or no grant is named), the requirement must be obtained from the provider before disposing of the data.
# custom:
#   code: GDSR-27-DISPOSAL-REQUIREMENT
#   regulation: gdsr
#   article: 27
#   paragraph: 1
#   severity: needs_action
#   quote: "政务数据需求部门通过共享获取的政务数据，共享目的已实现、无法实现或者为实现共享目的不再必要的，应当按照政务数据提供部门的要求妥善处置。"
#   effective_from: 2025-08-01
#   title_en: Disposal without the provider's requirement
#   message:
#     zh: 处置“{dataset}”缺少提供部门的处置要求（共享授权：{grant}）。
#     en: 'Disposing of "{dataset}" lacks the providing department''s requirement for it (grant: {grant}).'
#   remedy:
#     zh: 向提供部门取得对该数据的处置要求并记入共享授权后，按要求处置。
#     en: Obtain the providing department's disposal requirement, have it recorded in the grant, and dispose of the data accordingly.
#   labels:
#     none: {zh: 未写明, en: none named}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.dispose.requirement_known

import rego.v1

import data.lib.state

known if trim_space(state.grant.disposal_requirement) != ""

grant := input.grant if {
	is_string(input.grant)
	input.grant != ""
} else := "none"

violation contains {"dataset": state.dataset_name, "grant": grant} if {
	input.action == "dispose"
	not known
}
