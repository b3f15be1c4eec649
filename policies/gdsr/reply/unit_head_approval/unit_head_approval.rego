# METADATA
# title: 答复未经本部门共享工作机构负责人同意
# description: The providing department answers a sharing application only after the head of its data-sharing unit has agreed to the answer.
# custom:
#   code: GDSR-20-REPLY-APPROVAL
#   regulation: gdsr
#   article: 20
#   paragraph: 3
#   severity: needs_action
#   quote: "政务数据提供部门应当按照本条例第二十一条规定的期限对政务数据需求部门提出的政务数据共享申请进行审核，经本部门政务数据共享工作机构负责人同意后作出答复。"
#   effective_from: 2025-08-01
#   title_en: Reply not approved by the head of the provider's data-sharing unit
#   message:
#     zh: 对“{dataset}”共享申请的答复未经本部门政务数据共享工作机构负责人同意。
#     en: The reply to the application for "{dataset}" lacks the approval of the head of the providing department's data-sharing unit.
#   remedy:
#     zh: 报本部门政务数据共享工作机构负责人同意后再作出答复（答复期限仍按第二十一条计算）。
#     en: Have the head of your data-sharing unit approve the reply before giving it (the art 21 reply period keeps running).
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.unit_head_approval

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "reply"
	not input.reply.unit_head_approved == true
}
