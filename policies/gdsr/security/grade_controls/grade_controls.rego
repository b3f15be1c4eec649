# METADATA
# title: 未落实数据分类分级要求的安全措施
# description: Departments implement the classification-and-grading management requirements for shared data. Before the requesting department uses or passes on a dataset, it must have in place every security control the dataset's catalogue entry requires for its grade.
# custom:
#   code: GDSR-35-CONTROLS
#   regulation: gdsr
#   article: 35
#   paragraph: 1
#   liability: "40(6)"
#   severity: needs_action
#   quote: "政府部门应当建立健全政务数据共享安全管理制度，落实政务数据共享安全管理主体责任和政务数据分类分级管理要求，保障政务数据共享安全。"
#   effective_from: 2025-08-01
#   title_en: Security controls required by the data's grade not in place
#   message:
#     zh: “{dataset}”按分类分级要求须落实的安全措施中，尚未落实：{missing}。
#     en: 'Security controls that the grade of "{dataset}" requires are not in place: {missing}.'
#   remedy:
#     zh: 落实目录中按该数据分类分级要求列明的全部安全措施后再使用；已落实的，在请求中如实列明。
#     en: Put in place every security control the catalogue entry lists for this grade of data before using it; if they are in place, list them in the request.
package gdsr.security.grade_controls

import rego.v1

import data.lib.state

in_place contains trim_space(control) if {
	some control in object.get(input, "controls", [])
}

missing contains control if {
	some raw in object.get(state.dataset, "controls", [])
	control := trim_space(raw)
	control != ""
	not control in in_place
}

violation contains {"dataset": state.dataset_name, "missing": sort(missing)} if {
	input.action in state.use_actions
	count(missing) > 0
}
