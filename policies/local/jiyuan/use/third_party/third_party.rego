# METADATA
# title: 将从示范区数据中台获取的政务数据提供给第三方
# description: Data a department obtains through the Jiyuan data hub for its administrative duties may not be provided to a third party (art 33(3)). The measures make no exception for the providing department's consent, so unlike the national rule (GDSR art 25(1)) consent does not lift the ban; any recipient other than the department itself, another government department included, is a third party (another department that needs the data applies for it through the hub itself, art 9). Both the onward provision (transfer) and a use that hands the data over are refused.
# custom:
#   code: JY-33-THIRD-PARTY
#   regulation: jiyuan
#   article: 33
#   paragraph: 3
#   liability: "60(6)"
#   severity: prohibited
#   quote: "数据应用部门根据履行行政管理职能需要，通过示范区数据中台获取的政务数据，不得提供给第三方，也不得用于或变相用于其他目的。"
#   effective_from: 2022-10-26
#   title_en: Data obtained through the Jiyuan data hub provided to a third party
#   message:
#     zh: 拟将从示范区数据中台获取的“{dataset}”提供给{recipient}；这类数据不得提供给第三方。
#     en: '"{dataset}", obtained through the Jiyuan data hub, would be provided to {recipient}; such data may not be provided to a third party.'
#   remedy:
#     zh: 停止提供。接收方如为政务部门且因履职确需该数据，应由其自行通过示范区数据中台申请数据服务。使用部门对共享数据的滥用、非授权使用、未经许可扩散和泄露负责。
#     en: Do not provide it. A government department that needs the data for its duties applies for it through the Jiyuan data hub itself. The using department answers for any abuse, unauthorised use, unlicensed spreading or leak of shared data.
#   labels:
#     unnamed: {zh: 未写明名称的接收方, en: an unnamed recipient}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.third_party

import rego.v1

import data.lib.state

outside_recipients := {"third_party", "department"}

recipient := input.recipient.name if {
	is_string(input.recipient.name)
	trim_space(input.recipient.name) != ""
} else := "unnamed"

violation contains {"dataset": state.dataset_name, "recipient": recipient} if {
	input.action in state.use_actions
	input.recipient.kind in outside_recipients
}
