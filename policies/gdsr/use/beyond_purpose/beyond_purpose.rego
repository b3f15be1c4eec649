# METADATA
# title: 超出获准用途使用共享数据
# description: Shared data may serve only the purposes its grant approved; any other purpose needs the providing department's consent first.
# custom:
#   code: GDSR-25-PURPOSE
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   liability: "40(2)"
#   severity: prohibited
#   quote: "政府部门通过共享获得政务数据的，不得擅自扩大使用范围以及用于或者变相用于其他目的"
#   suspends_grant: true        # art 27(2): misuse suspends the grant
#   effective_from: 2025-08-01
#   title_en: Shared data used for a purpose that was not approved
#   message:
#     zh: 将“{dataset}”用于“{purpose}”，不在获准的用途（{granted}）之内。
#     en: Using "{dataset}" for "{purpose}" falls outside the approved purposes ({granted}).
#   remedy:
#     zh: 只在获准用途内使用；确需用于其他目的的，先取得提供部门同意，必要时重新提出共享申请。
#     en: Keep to the approved purposes; if the data is really needed for another purpose, get the providing department's consent first, and file a new application where needed.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.beyond_purpose

import rego.v1

import data.lib.state

granted := sort(object.get(state.grant, "purposes", []))

violation contains {"purpose": input.purpose, "granted": granted, "dataset": state.dataset_name} if {
	input.action in state.use_actions
	state.grant
	is_string(input.purpose)
	trim_space(input.purpose) != ""
	not purpose_granted
}

# Negated through a rule: OPA would evaluate `granted` before a `not … in granted`.
purpose_granted if input.purpose in granted
