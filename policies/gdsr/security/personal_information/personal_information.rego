# METADATA
# title: 处理共享的个人信息未说明《个人信息保护法》依据
# description: Sharing that involves personal information must comply with the Personal Information Protection Law and the Network Data Security Management Regulation. An application for, a use of or an onward provision of data items the catalogue marks as personal information must state the PIPL basis relied on (for a government department usually article 13(1)(3), performing statutory duties).
# custom:
#   code: GDSR-37-PI-BASIS
#   regulation: gdsr
#   article: 37
#   paragraph: 1
#   severity: needs_action
#   quote: "政府部门及其工作人员在开展涉及个人信息的政务数据共享活动时，应当遵守《中华人民共和国个人信息保护法》、《网络数据安全管理条例》等法律、行政法规的规定。"
#   effective_from: 2025-08-01
#   title_en: Personal information handled without a stated PIPL basis
#   message:
#     zh: “{dataset}”的数据项{fields}属于个人信息，未说明处理个人信息的《个人信息保护法》依据。
#     en: 'The data items {fields} of "{dataset}" are personal information, and no basis under the Personal Information Protection Law is stated for handling them.'
#   remedy:
#     zh: 写明处理这些个人信息所依据的《个人信息保护法》条款（政府部门为履行法定职责所必需的，通常为第十三条第一款第三项），并遵守该法关于国家机关处理个人信息的规定；处理敏感个人信息的，还须符合该法对敏感个人信息的特别规定。
#     en: State the article of the Personal Information Protection Law relied on for this personal information (for a department performing its statutory duties usually article 13(1)(3)) and follow that Law's rules for state organs; sensitive personal information is also subject to its special rules.
#   labels:
#     unspecified: {zh: （未指明的数据）, en: data not named}
package gdsr.security.personal_information

import rego.v1

import data.lib.state

# The acts by which a department obtains or handles another department's personal information.
handling_actions := {"apply", "use", "transfer"}

personal contains field.name if {
	some field in object.get(state.dataset, "fields", [])
	true in {object.get(field, "personal", false), object.get(field, "sensitive", false)}
}

involved := {name | some name in object.get(input, "fields", []); name in personal}

basis_stated if {
	is_string(input.pi_basis)
	trim_space(input.pi_basis) != ""
}

violation contains {"dataset": state.dataset_name, "fields": sort(involved)} if {
	input.action in handling_actions
	count(involved) > 0
	not basis_stated
}
