# METADATA
# title: 目录发布或更新未附目录条目
# description: A catalogue entry is published or updated only once its contents can be checked against art 13(2); a catalogue event that carries no entry cannot be approved.
# custom:
#   code: GDSR-13-ENTRY-STATED
#   regulation: gdsr
#   article: 13
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据目录应当明确数据目录名称、数据项、提供单位、数据格式、数据更新频率以及共享属性、共享方式、使用条件、数据分类分级等信息。"
#   effective_from: 2025-08-01
#   title_en: Catalogue publication without the entry
#   message:
#     zh: 发布或更新目录的请求未附目录条目（{dataset}），无法核对其是否载明第十三条第二款要求的内容。
#     en: The request to publish or update a catalogue entry ({dataset}) carries no entry, so its contents cannot be checked against article 13(2).
#   remedy:
#     zh: 在请求的 entry 中提交完整的目录条目（名称、数据项、提供单位、共享属性、共享方式、分类分级等）后再报送。
#     en: Send the whole catalogue entry in the request's entry (name, data items, provider, share attribute, methods, classification and grading) and submit again.
#   labels:
#     unspecified: {zh: 未指明目录, en: no entry named}
package gdsr.catalog.entry_stated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "catalog"
	not input.entry
}
