# METADATA
# title: 申请材料不全直接予以拒绝
# description: When an application's material is incomplete the provider must tell the requester at once what to add, and must not simply refuse it.
# custom:
#   code: GDSR-21-NO-BARE-REFUSAL
#   regulation: gdsr
#   article: 21
#   paragraph: 2
#   liability: "39(9)"
#   severity: prohibited
#   quote: "政务数据需求部门提交的申请材料不全的，政务数据提供部门应当一次性告知其需要补充的材料，不得直接予以拒绝。"
#   effective_from: 2025-08-01
#   title_en: Incomplete application refused outright
#   message:
#     zh: “{dataset}”共享申请的材料不全，不得直接予以拒绝。
#     en: The application for "{dataset}" is incomplete; it must not simply be refused.
#   remedy:
#     zh: 一次性告知需求部门需要补充的全部材料（答复为“要求补充材料”），待材料补齐后再审核作出答复。
#     en: Tell the requesting department at once all the material it must add (reply "request material"), and decide once the material is complete.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.no_bare_refusal

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "reply"
	input.reply.decision == "refuse"
	input.application.complete == false
}
