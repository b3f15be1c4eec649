# METADATA
# title: 有条件共享类目录未列明共享使用条件
# description: A catalogue entry marked conditional must list its sharing conditions, at least who may receive the data and what it may be used for.
# custom:
#   code: GDSR-15-CONDITIONS-LISTED
#   regulation: gdsr
#   article: 15
#   paragraph: 2
#   liability: "39(1)"
#   severity: prohibited
#   quote: "对属于有条件共享类的政务数据，政府部门应当在政务数据目录中列明共享范围、使用用途等共享使用条件。"
#   effective_from: 2025-08-01
#   title_en: Conditional catalogue entry without its listed conditions
#   message:
#     zh: 目录“{dataset}”被列为有条件共享类，但未列明{missing}。
#     en: The catalogue entry "{dataset}" is marked conditional but does not list its {missing}.
#   remedy:
#     zh: 在目录的使用条件中写明可以获得该数据的部门范围和允许的使用用途，再报送审核发布；条件只能是目录中列明的内容，不能在答复申请时临时增设。
#     en: Fill in the entry's conditions with the departments that may receive the data and the purposes it may serve, then submit it for review; only conditions listed in the catalogue apply, none may be added when replying to a request.
#   labels:
#     scope: {zh: 共享范围, en: sharing scope}
#     purposes: {zh: 使用用途, en: permitted purposes}
package gdsr.catalog.conditions_listed

import rego.v1

import data.lib.state

conditional_entry if {
	input.action == "catalog"
	input.entry.share_attribute == "conditional"
}

# Blank strings do not count as a listed condition.
listed(item) if {
	some condition in object.get(input.entry, ["conditions", item], [])
	trim_space(condition) != ""
}

violation contains {"dataset": state.entry_name, "missing": item} if {
	conditional_entry
	some item in ["scope", "purposes"]
	not listed(item)
}
