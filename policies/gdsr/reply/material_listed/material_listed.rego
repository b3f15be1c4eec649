# METADATA
# title: 要求补充材料但未列明所缺材料
# description: A request for missing material must tell the requester all the material it needs to supply, so the list cannot be empty.
# custom:
#   code: GDSR-21-MATERIAL-LISTED
#   regulation: gdsr
#   article: 21
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据需求部门提交的申请材料不全的，政务数据提供部门应当一次性告知其需要补充的材料，不得直接予以拒绝。"
#   effective_from: 2025-08-01
#   title_en: Request for material lists no material
#   message:
#     zh: 要求补充“{dataset}”共享申请的材料，但未列明需要补充的材料。
#     en: The request for more material for the application for "{dataset}" does not list the material needed.
#   remedy:
#     zh: 在补正通知中一次性列明需要补充的全部材料后再发出。
#     en: List all the material needed in the notice, at once, before sending it.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.material_listed

import rego.v1

import data.lib.state

listed contains item if {
	some item in input.reply.missing_material
	trim_space(item) != ""
}

violation contains {"dataset": state.dataset_name} if {
	input.action == "reply"
	input.reply.decision == "request_material"
	count(listed) == 0
}
