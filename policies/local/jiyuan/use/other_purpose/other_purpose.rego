# METADATA
# title: 将从示范区数据中台获取的政务数据用于其他目的
# description: Data obtained through the Jiyuan data hub for a department's administrative duties may not be used, openly or in disguise, for any other purpose (art 33(3)); art 57 item 5 lists the same act, the use for purposes unrelated to the department's duties, among the prohibited acts. The purposes a department obtained the data for are those its grant approved, so a use or onward provision for a purpose the grant does not list is refused. (Reported once, under art 33(3); a disguised other purpose under an approved label cannot be seen by the engine.)
# custom:
#   code: JY-33-OTHER-PURPOSE
#   regulation: jiyuan
#   article: 33
#   paragraph: 3
#   liability: "60(6)"
#   severity: prohibited
#   quote: "数据应用部门根据履行行政管理职能需要，通过示范区数据中台获取的政务数据，不得提供给第三方，也不得用于或变相用于其他目的。"
#   effective_from: 2022-10-26
#   title_en: Data obtained through the Jiyuan data hub used for another purpose
#   message:
#     zh: 将从示范区数据中台获取的“{dataset}”用于“{purpose}”，不是获取该数据的目的（获准用途：{granted}）。
#     en: 'Using "{dataset}", obtained through the Jiyuan data hub, for "{purpose}" departs from the purpose it was obtained for (approved purposes: {granted}).'
#   remedy:
#     zh: 只将数据用于获准的履职用途。因其他职责确需该数据的，就该用途通过示范区数据中台另行申请数据服务。
#     en: Use the data only for the approved purpose of your duties. If another duty really needs it, apply through the Jiyuan data hub for that purpose.
#   labels:
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.other_purpose

import rego.v1

import data.lib.state

granted := sort(object.get(state.grant, "purposes", []))

violation contains {"dataset": state.dataset_name, "purpose": input.purpose, "granted": granted} if {
	input.action in state.use_actions
	state.grant
	is_string(input.purpose)
	trim_space(input.purpose) != ""
	not purpose_granted
}

# Negated through a rule: OPA would evaluate `granted` before a `not … in granted`.
purpose_granted if input.purpose in granted
