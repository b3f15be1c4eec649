# METADATA
# title: 超出获准的使用范围使用共享数据
# description: A grant's scope of use (使用范围, art 20(2)) names who and where within the requesting department the data is used — its units or offices and its areas. A use or onward provision by a unit, or in an area, the grant does not name widens the scope of use, which needs the providing department's consent first. A grant that records no scope of use is limited to the department granted as a whole (GDSR-20-GRANT-HOLDER and the grant-holder rules check that). The business a grant names is checked through its purposes and scenario (GDSR-25-PURPOSE); the data items through GDSR-20-FIELDS-NOT-GRANTED.
# custom:
#   code: GDSR-25-SCOPE
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   liability: "40(2)"
#   severity: prohibited
#   suspends_grant: true        # art 27(2): use beyond the scope of use suspends the grant
#   effective_from: 2025-08-01
#   quote: 政府部门通过共享获得政务数据的，不得擅自扩大使用范围
#   title_en: Shared data used beyond the approved scope of use
#   message:
#     zh: 使用“{dataset}”的{part}“{value}”不在共享授权批准的使用范围（{granted}）内。
#     en: 'The {part} "{value}" using "{dataset}" is outside the scope of use the grant approved ({granted}).'
#   remedy:
#     zh: 只由授权写明的单位、在授权写明的区域内使用；确需扩大使用范围的，先取得提供部门同意（第二十五条第一款），或就新的使用范围提出共享申请。
#     en: Let only the units the grant names use the data, and only in the areas it names; to widen the scope of use, first get the providing department's consent (art 25(1)) or apply for the new scope.
#   labels:
#     unit: {zh: 使用单位, en: unit}
#     region: {zh: 使用区域, en: area}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.beyond_scope

import rego.v1

import data.lib.state

granted_units := object.get(state.grant, ["use_scope", "units"], [])

granted_regions := object.get(state.grant, ["use_scope", "regions"], [])

# What the event says about who and where: "unspecified" when it does not say,
# which a grant limited to named units or areas cannot be shown to cover.
acting_unit := object.get(input, ["requester", "unit"], "unspecified")

acting_region := object.get(input, ["requester", "region"], "unspecified")

applies if {
	input.action in state.use_actions
	state.grant
}

violation contains {"dataset": state.dataset_name, "part": "unit", "value": acting_unit, "granted": granted_units} if {
	applies
	count(granted_units) > 0
	not unit_granted
}

violation contains {"dataset": state.dataset_name, "part": "region", "value": acting_region, "granted": granted_regions} if {
	applies
	count(granted_regions) > 0
	not region_granted
}

# Negated through rules: OPA evaluates both operands of `in` before a `not`.
unit_granted if acting_unit in granted_units

region_granted if acting_region in granted_regions
