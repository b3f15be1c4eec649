# METADATA
# title: 分多次要求补充申请材料
# description: When an application is incomplete the provider must tell the requester everything that is missing at once; a further request for material after a notice has been sent is not allowed.
# custom:
#   code: GDSR-21-ONE-NOTICE
#   regulation: gdsr
#   article: 21
#   paragraph: 2
#   liability: "39(9)"
#   severity: prohibited
#   quote: "政务数据需求部门提交的申请材料不全的，政务数据提供部门应当一次性告知其需要补充的材料，不得直接予以拒绝。"
#   effective_from: 2025-08-01
#   title_en: Missing material requested more than once
#   message:
#     zh: 已就“{dataset}”共享申请发出过{notices}次补正通知，不得再次要求补充材料；需要补充的材料应当一次性告知。
#     en: '{notices} notice(s) asking for material for the application for "{dataset}" have already been sent; no further request is allowed: all missing material must be listed at once.'
#   remedy:
#     zh: 依据已补充的材料审核并作出是否同意共享的答复，不再另提补正要求。
#     en: Decide on the application with the material supplied and give the answer; do not ask for more material.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.one_notice

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name, "notices": input.application.material_notices} if {
	input.action == "reply"
	input.reply.decision == "request_material"
	input.application.material_notices >= 1
}
