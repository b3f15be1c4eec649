# METADATA
# title: 共享申请内容不全
# description: A sharing application must be approved by the head of the requester's data-sharing unit and state the legal basis, scenario, scope, method and time limit of use. The scope of use (使用范围) is who and where within the requesting department the data is used (units, areas, business); the data items applied for are a separate part of the application, also required, since the catalogue shares data item by item.
# custom:
#   code: GDSR-20-APPLICATION-CONTENTS
#   regulation: gdsr
#   article: 20
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据需求部门应当根据履行职责需要，按照统一发布的政务数据目录，经本部门政务数据共享工作机构负责人同意后，依法提出政务数据共享申请，明确使用依据、使用场景、使用范围、共享方式、使用时限等"
#   effective_from: 2025-08-01
#   title_en: Incomplete sharing application
#   message:
#     zh: 共享申请缺少{item}。
#     en: The sharing application lacks the {item}.
#   remedy:
#     zh: 补全申请后重新提交：写明使用依据、使用场景、使用范围（使用数据的单位、区域或业务）、申请的数据项、共享方式和使用时限，并先经本部门政务数据共享工作机构负责人同意。
#     en: Complete the application and submit it again, stating the legal basis, the scenario, the scope of use (the units, areas or business that use the data), the data items requested, the sharing method and the time limit of use, after the head of your department's data-sharing unit has approved it.
#   labels:
#     legal_basis: {zh: 使用依据, en: legal basis for the use}
#     scenario: {zh: 使用场景, en: usage scenario}
#     use_scope: {zh: 使用范围（使用数据的单位、区域或业务）, en: "scope of use (the units, areas or business that use the data)"}
#     fields: {zh: 申请的数据项, en: data items requested}
#     method: {zh: 共享方式, en: sharing method}
#     use_until: {zh: 使用时限, en: time limit of use}
#     unit_head_approved: {zh: 本部门政务数据共享工作机构负责人的同意, en: approval of the head of the department's data-sharing unit}
package gdsr.sharing.application_contents

import rego.v1

import data.lib.state

# Items the application states as text; a blank or missing one counts as
# missing. Each is read by name (not as input[item]), so the engine can prove
# which parts of the input the rule reads.
statements := {
	"legal_basis": object.get(input, "legal_basis", ""),
	"scenario": object.get(input, "scenario", ""),
	"method": object.get(input, "method", ""),
	"use_until": object.get(input, "use_until", ""),
}

violation contains {"item": item} if {
	input.action == "apply"
	some item, text in statements
	trim_space(text) == ""
}

# 使用范围 (art 20(2)) is who and where the data is used: stated when the
# application names at least one unit, area or business. It is not the list of
# data items (reading chosen: the article lists 使用范围 beside 共享方式 and
# 使用时限 as limits on the use, and art 25(1)'s 扩大使用范围 is about who uses
# the data, not which items).
scope_parts := [object.get(input, ["use_scope", part], []) | some part in ["units", "regions", "businesses"]]

use_scope_stated if {
	some part in scope_parts
	count(part) > 0
}

violation contains {"item": "use_scope"} if {
	input.action == "apply"
	not use_scope_stated
}

# The data items are required too: the catalogue shares data item by item and
# the application is made "按照统一发布的政务数据目录" (art 20(2)).
violation contains {"item": "fields"} if {
	input.action == "apply"
	count(object.get(input, "fields", [])) == 0
}

violation contains {"item": "unit_head_approved"} if {
	input.action == "apply"
	not unit_head_approved
}

unit_head_approved if input.requester.unit_head_approved == true
