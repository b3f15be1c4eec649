# METADATA
# title: 收集数据未列明数据项
# description: Whether a collection from citizens or organisations repeats what sharing already provides can be checked only item by item; a collection that names no data items waits until it does.
# custom:
#   code: GDSR-19-FIELDS-STATED
#   regulation: gdsr
#   article: 19
#   paragraph: 1
#   severity: needs_action
#   quote: "通过共享获取政务数据能够满足履行职责需要的，政府部门不得向公民、法人和其他组织重复收集。"
#   effective_from: 2025-08-01
#   title_en: Collection without the data items named
#   message:
#     zh: 拟向公民、法人和其他组织收集数据，但未列明收集的数据项，无法核对是否属于可以通过共享获取的数据。
#     en: The collection from citizens, legal persons or other organisations names no data items, so it cannot be checked against what sharing already provides.
#   remedy:
#     zh: 在请求的 fields 中列明拟收集的全部数据项；可以通过共享获取的，应通过共享获取，不得重复收集。
#     en: List every data item to be collected in the request's fields; whatever sharing can provide must be obtained by sharing, not collected again.
package gdsr.collect.fields_stated

import rego.v1

violation contains {} if {
	input.action == "collect"
	count(object.get(input, "fields", [])) == 0
}
