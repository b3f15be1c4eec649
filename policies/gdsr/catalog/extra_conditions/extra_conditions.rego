# METADATA
# title: 同意共享时擅自增设目录未列明的条件
# description: A department may not hinder sharing by adding conditions of its own. When the provider approves an application it may attach only conditions its published catalogue entry lists (sharing scope, purposes, other listed conditions); data of the unconditional class carries no conditions at all.
# custom:
#   code: GDSR-15-EXTRA-CONDITIONS
#   regulation: gdsr
#   article: 15
#   paragraph: 1
#   liability: "39(2)"
#   severity: prohibited
#   quote: "政府部门应当科学合理确定政务数据共享属性，不得通过擅自增设条件等方式阻碍、影响政务数据共享。"
#   effective_from: 2025-08-01
#   title_en: Conditions added to an approval beyond those the catalogue lists
#   message:
#     zh: “{dataset}”属于{attribute}，同意共享时附加了目录未列明的条件：{conditions}。
#     en: '"{dataset}" is {attribute}, yet the approval attaches conditions the catalogue does not list: {conditions}.'
#   remedy:
#     zh: 删去这些条件后再作答复。无条件共享类数据不得附加条件；有条件共享类数据只能适用目录中列明的共享范围、使用用途等条件。确需新增条件的，应先依法更新目录并报主管部门审核发布。
#     en: Remove these conditions and reply again. Unconditionally shared data carries no conditions; conditionally shared data carries only the scope, purposes and other conditions its catalogue entry lists. A new condition first needs a catalogue update reviewed and published by the competent department.
#   labels:
#     unconditional: {zh: 无条件共享类, en: unconditionally shared}
#     conditional: {zh: 有条件共享类, en: conditionally shared}
package gdsr.catalog.extra_conditions

import rego.v1

import data.lib.state

attribute := state.dataset.share_attribute

# Every condition the catalogue entry lists, whatever its kind.
listed contains trim_space(condition) if {
	attribute == "conditional"
	some kind in ["scope", "purposes", "other"]
	some condition in object.get(state.dataset, ["conditions", kind], [])
}

extra contains condition if {
	attribute in {"unconditional", "conditional"}
	some raw in object.get(input.reply, "conditions", [])
	condition := trim_space(raw)
	condition != ""
	not condition in listed
}

violation contains {"dataset": state.dataset_name, "attribute": attribute, "conditions": sort(extra)} if {
	input.action == "reply"
	input.reply.decision == "approve"
	count(extra) > 0
}
