# METADATA
# title: 再提供共享数据未说明接收方
# description: A transfer of shared data that does not say who receives it cannot be checked against the provider's consent.
# custom:
#   code: GDSR-25-RECIPIENT-STATED
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   severity: needs_action
#   quote: "不得擅自将获得的政务数据提供给第三方。确需扩大使用范围、用于其他目的或者提供给第三方的，应当经政务数据提供部门同意。"
#   effective_from: 2025-08-01
#   title_en: Transfer of shared data without the recipient named
#   message:
#     zh: 提供“{dataset}”未说明接收方，无法核对是否经提供部门同意。
#     en: The transfer of "{dataset}" does not say who receives it, so it cannot be checked against the provider's consent.
#   remedy:
#     zh: 在 recipient 中写明接收方类型（department 或 third_party）和名称。
#     en: Give the recipient's kind (department or third_party) and name in recipient.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.sharing.recipient_stated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "transfer"
	object.get(input, ["recipient", "kind"], "self") == "self"
}
