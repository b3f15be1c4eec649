# METADATA
# title: 重复采集可以通过示范区数据中台共享获取的政务数据
# description: Departments may not collect again, or collect from several sources, government data that can be obtained by sharing (art 57 item 3; art 20(1) requires one source for each datum and forbids duplicate collection unless a law or regulation provides otherwise). The hub's field index lists the published, shareable, unclassified catalogue entries that provide each data item; items that only the collecting department's own entries provide, items of conditional entries whose listed scope leaves the department out, and look-up keys (name, ID number) do not count.
# custom:
#   code: JY-57-DUPLICATE-COLLECTION
#   regulation: jiyuan
#   article: 57
#   item: 3
#   liability: "60(2)"
#   severity: prohibited
#   quote: "重复采集、多头采集可以通过共享方式获取的政务数据；"
#   effective_from: 2022-10-26
#   title_en: Collecting again data obtainable through the Jiyuan data hub
#   message:
#     zh: 拟采集的数据项{fields}可以通过示范区数据中台从{datasets}共享获取，不得重复采集。
#     en: The data items {fields} to be collected can be obtained through the Jiyuan data hub from {datasets}; they must not be collected again.
#   remedy:
#     zh: 按“一数一源、一源多用”的要求，从采集清单中去掉这些数据项，通过示范区数据中台申请共享；法律法规另有规定必须重新采集的，写明该规定后报示范区数据主管部门。
#     en: Following "one source for each datum, used many times", drop these items from the collection and apply for them through the Jiyuan data hub; where a law or regulation requires collecting them anew, cite it to the Jiyuan competent data department.
package local.jiyuan.collect.duplicate_collection

import rego.v1

# The catalogue entries of other departments that provide a data item to the
# collecting department (see data.govshare.field_index).
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
