# METADATA
# title: 重复收集可以通过共享获取的政务数据
# description: A department must not collect again from citizens, legal persons and other organisations data it can obtain by sharing; the field index lists the published, shareable, unclassified catalogue entries of other departments that provide each data item.
# custom:
#   code: GDSR-19-DUPLICATE-COLLECTION
#   regulation: gdsr
#   article: 19
#   paragraph: 1
#   liability: "40(1)"
#   severity: prohibited
#   quote: "通过共享获取政务数据能够满足履行职责需要的，政府部门不得向公民、法人和其他组织重复收集。"
#   effective_from: 2025-08-01
#   title_en: Collecting again data that can be obtained by sharing
#   message:
#     zh: 拟向公民、法人和其他组织收集的数据项{fields}，可以通过共享从{datasets}获取，不得重复收集。
#     en: The data items {fields} to be collected from citizens, legal persons and other organisations can be obtained by sharing from {datasets}; they must not be collected again.
#   remedy:
#     zh: 从收集清单中去掉这些数据项，按统一发布的目录向提供部门提出共享申请获取。
#     en: Drop these items from the collection and apply to the providing department for them through the published catalogue.
package gdsr.collect.duplicate_collection

import rego.v1

# The catalogue entries of other departments that provide a data item to this
# requester: a conditional entry whose listed scope leaves the requester out
# cannot meet its need. (Look-up keys such as a name or ID number, marked `key`
# in the catalogue, are not in field_index: they are what one asks with.)
providers(field) := {id |
	some id in object.get(data.govshare.field_index, field, [])
	entry := data.govshare.catalog[id]
	entry.provider != input.requester.department
	within_scope(entry)
}

within_scope(entry) if entry.share_attribute != "conditional"

within_scope(entry) if count(object.get(entry, ["conditions", "scope"], [])) == 0

within_scope(entry) if input.requester.department in entry.conditions.scope

duplicated contains field if {
	some field in input.fields
	count(providers(field)) > 0
}

dataset_names contains data.govshare.catalog[id].name if {
	some field in duplicated
	some id in providers(field)
}

violation contains {"fields": sort(duplicated), "datasets": sort(dataset_names)} if {
	input.action == "collect"
	count(duplicated) > 0
}
