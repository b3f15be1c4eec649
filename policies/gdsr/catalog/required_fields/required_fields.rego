# METADATA
# title: 目录条目未明确第十三条第二款要求的信息
# description: A catalogue entry must state its data items, data format, update frequency, sharing methods and data classification and grading (name, provider and share attribute are required by the entry schema; the conditions of a conditional entry are checked by GDSR-15-CONDITIONS-LISTED). A not-shareable entry is not shared by any method, so it needs no sharing method.
# custom:
#   code: GDSR-13-CATALOG-FIELDS
#   regulation: gdsr
#   article: 13
#   paragraph: 2
#   liability: "39(1)"
#   severity: needs_action
#   quote: "政务数据目录应当明确数据目录名称、数据项、提供单位、数据格式、数据更新频率以及共享属性、共享方式、使用条件、数据分类分级等信息。"
#   effective_from: 2025-08-01
#   title_en: Catalogue entry missing information article 13(2) requires
#   message:
#     zh: 目录“{dataset}”未明确{missing}。
#     en: The catalogue entry "{dataset}" does not state its {missing}.
#   remedy:
#     zh: 按政务数据目录编制标准规范补全数据项、数据格式、数据更新频率、共享方式和数据分类分级等信息后，再报送审核发布。
#     en: Complete the entry's data items, data format, update frequency, sharing methods and data classification and grading as the catalogue standard requires, then submit it for review again.
#   labels:
#     methods: {zh: 共享方式, en: sharing methods}
#     classification: {zh: 数据分类分级, en: data classification and grading}
#     fields: {zh: 数据项, en: data items}
#     data_format: {zh: 数据格式, en: data format}
#     update_frequency: {zh: 数据更新频率, en: update frequency}
package gdsr.catalog.required_fields

import rego.v1

import data.lib.state

# A text item counts only when it is not blank.
stated(key) if {
	value := input.entry[key]
	is_string(value)
	trim_space(value) != ""
}

missing contains "methods" if {
	input.entry.share_attribute != "not_shareable"
	count(object.get(input.entry, "methods", [])) == 0
}

# Either the classification or the grade states the 数据分类分级.
missing contains "classification" if {
	not stated("classification")
	not stated("grade")
}

missing contains "fields" if count(object.get(input.entry, "fields", [])) == 0

missing contains "data_format" if not stated("data_format")

missing contains "update_frequency" if not stated("update_frequency")

violation contains {"dataset": state.entry_name, "missing": item} if {
	input.action == "catalog"
	some item in missing
}
