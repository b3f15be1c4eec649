# METADATA
# title: 未按照提供部门的要求处置所获数据
# description: Once the purpose of sharing is achieved, cannot be achieved or no longer needs the data, the requesting department disposes of the data it obtained as the providing department requires (the requirement recorded with the grant).
# custom:
#   code: GDSR-27-DISPOSAL
#   regulation: gdsr
#   article: 27
#   paragraph: 1
#   liability: "40(4)"
#   severity: prohibited
#   quote: "政务数据需求部门通过共享获取的政务数据，共享目的已实现、无法实现或者为实现共享目的不再必要的，应当按照政务数据提供部门的要求妥善处置。"
#   effective_from: 2025-08-01
#   title_en: Data not disposed of as the provider requires
#   message:
#     zh: 提供部门要求以“{required}”方式处置依授权{grant}获取的“{dataset}”，拟采取的处置方式为“{method}”，不符合要求。
#     en: The provider requires the "{dataset}" data obtained under grant {grant} to be disposed of by "{required}"; the intended disposal, "{method}", does not comply.
#   remedy:
#     zh: 按提供部门要求的方式处置，并在使用记录中登记处置情况；确需采用其他方式的，先征得提供部门同意并更新授权中的处置要求。
#     en: Dispose of the data the way the provider requires and log it in the usage records; to use another way, first obtain the provider's agreement and have the grant's requirement updated.
#   labels:
#     delete: {zh: 删除, en: deletion}
#     destroy: {zh: 销毁, en: destruction}
#     return_to_provider: {zh: 退还提供部门, en: return to the provider}
#     anonymise: {zh: 匿名化处理, en: anonymisation}
#     archive: {zh: 封存, en: archiving}
#     unspecified: {zh: 未写明, en: not stated}
package gdsr.dispose.disposal_requirement

import rego.v1

import data.lib.state

required := trim_space(state.grant.disposal_requirement) if trim_space(state.grant.disposal_requirement) != ""

method := trim_space(input.disposal.method) if {
	is_string(input.disposal.method)
	trim_space(input.disposal.method) != ""
} else := "unspecified"

violation contains {"dataset": state.dataset_name, "grant": input.grant, "required": required, "method": method} if {
	input.action == "dispose"
	method != required
}
