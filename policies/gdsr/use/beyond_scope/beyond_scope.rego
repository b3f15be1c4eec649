# METADATA
# title: 超出获准范围使用共享数据项
# description: Only the data items a grant approved may be used; using more widens the scope of use, which needs the providing department's consent first.
# custom:
#   code: GDSR-25-SCOPE
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   liability: "40(2)"
#   severity: prohibited
#   suspends_grant: true        # art 27(2): misuse suspends the grant
#   effective_from: 2025-08-01
#   title_en: Shared data items used beyond the approved scope
#   message:
#     zh: 使用的数据项{fields}不在“{dataset}”共享授权批准的范围内。
#     en: The data items {fields} are outside the scope the grant for "{dataset}" approved.
#   remedy:
#     zh: 只使用获准的数据项；确需更多数据项的，先取得提供部门同意，或就新增数据项提出共享申请。
#     en: Use only the approved data items; if more are really needed, get the providing department's consent first or apply for the additional items.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.beyond_scope

import rego.v1

import data.lib.state

granted := object.get(state.grant, "fields", [])

extra_fields := {f |
	some f in input.fields
	not f in granted
}

violation contains {"fields": sort(extra_fields), "dataset": state.dataset_name} if {
	input.action in state.use_actions
	state.grant
	count(extra_fields) > 0
}
