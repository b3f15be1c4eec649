# METADATA
# title: 使用未获批准的数据项
# description: A grant approves the data items applied for; items beyond them were never applied for and approved. A use or onward provision under a grant that covers data items the grant does not list needs an application for those items first. Reading chosen (2026-12) — the data items are their own part of an application, not its 使用范围 (art 20(2) lists 使用范围 beside 使用场景, 共享方式 and 使用时限 as limits on the use; 使用范围 is who and where the data is used — GDSR-25-SCOPE). Items not approved are therefore data used without the application art 20(2) requires (as GDSR-20-GRANT-REQUIRED for a use without any grant), not a widening of the scope of use, and they do not suspend the grant under art 27(2).
# custom:
#   code: GDSR-20-FIELDS-NOT-GRANTED
#   regulation: gdsr
#   article: 20
#   paragraph: 2
#   severity: needs_action
#   effective_from: 2025-08-01
#   quote: 政务数据需求部门应当根据履行职责需要，按照统一发布的政务数据目录，经本部门政务数据共享工作机构负责人同意后，依法提出政务数据共享申请
#   title_en: Data items used that the grant did not approve
#   message:
#     zh: 使用的数据项{fields}不在“{dataset}”共享授权批准的数据项之内。
#     en: The data items {fields} are not among those the grant for "{dataset}" approved.
#   remedy:
#     zh: 只使用获准的数据项；确需更多数据项的，先就新增数据项提出共享申请，经提供部门同意后再使用。
#     en: Use only the approved data items; if more are really needed, apply for the additional items and use them once the providing department agrees.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.fields_granted

import rego.v1

import data.lib.state

granted := object.get(state.grant, "fields", [])

extra_fields := {f |
	some f in input.fields
	not field_granted(f)
}

# Negated through a function: OPA would evaluate `granted` before a `not f in granted`.
field_granted(f) if f in granted

violation contains {"fields": sort(extra_fields), "dataset": state.dataset_name} if {
	input.action in state.use_actions
	state.grant
	count(extra_fields) > 0
}
