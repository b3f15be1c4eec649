# METADATA
# title: 回流数据未写明所服务的职责
# description: An upper-level department returns data as the lower-level department's duties require (art 24(1)), and the lower level may then share and use it only for those duties (24(2)); so a return must state the duty (purpose) it serves.
# custom:
#   code: GDSR-24-RETURN-PURPOSE
#   regulation: gdsr
#   article: 24
#   paragraph: 1
#   severity: needs_action
#   quote: "上级政府部门应当根据下级政府部门履行职责的需要，在确保政务数据安全的前提下，及时、完整回流业务信息系统收集和产生的下级政府行政区域内的政务数据"
#   effective_from: 2025-08-01
#   title_en: Return of data without the duty it serves
#   message:
#     zh: 回流“{dataset}”未写明下级政府部门据以使用该数据的履职需要（用途）。
#     en: The return of "{dataset}" does not state the duty of the lower-level department the data is for (its purpose).
#   remedy:
#     zh: 写明下级政府部门履行哪项职责需要该数据后再回流；下级政府部门只能按照履行职责的需要共享、使用回流数据，并保障数据安全。
#     en: State which duty of the lower-level department needs the data, then return it; the lower-level department may share and use returned data only as its duties require, and must keep it safe.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.return.duty_purpose

import rego.v1

import data.lib.state

stated if trim_space(input.purpose) != ""

violation contains {"dataset": state.dataset_name} if {
	input.action == "return"
	not stated
}
