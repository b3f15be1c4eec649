# METADATA
# title: 回流数据设置额外的限制条件
# description: A higher-level department returns to the lower-level department, promptly and completely, the data its business systems collected and produced in the lower level's administrative area, and must not attach extra restrictive conditions to the return.
# custom:
#   code: GDSR-24-RETURN-CONDITIONS
#   regulation: gdsr
#   article: 24
#   paragraph: 1
#   liability: "39(5)"
#   severity: prohibited
#   quote: "及时、完整回流业务信息系统收集和产生的下级政府行政区域内的政务数据，并做好系统对接和业务协同，不得设置额外的限制条件。"
#   effective_from: 2025-08-01
#   title_en: Extra conditions attached to returning data
#   message:
#     zh: 向{recipient}回流“{dataset}”时设置了额外的限制条件：{conditions}。
#     en: 'Returning "{dataset}" to {recipient} comes with extra restrictive conditions: {conditions}.'
#   remedy:
#     zh: 取消这些条件，按下级政府部门履行职责的需要及时、完整回流；数据安全通过系统对接中的安全措施保障，不以附加条件代替。
#     en: Drop these conditions and return the data promptly and completely as the lower-level department's duties require; keep the data safe through the security of the system connection, not through conditions.
#   labels:
#     unnamed: {zh: 下级政府部门, en: the lower-level department}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.return.extra_conditions

import rego.v1

import data.lib.state

recipient := input.recipient.name if {
	is_string(input.recipient.name)
	trim_space(input.recipient.name) != ""
} else := "unnamed"

conditions contains trim_space(condition) if {
	some condition in input.return_conditions
	trim_space(condition) != ""
}

violation contains {"dataset": state.dataset_name, "recipient": recipient, "conditions": sort(conditions)} if {
	input.action == "return"
	count(conditions) > 0
}
