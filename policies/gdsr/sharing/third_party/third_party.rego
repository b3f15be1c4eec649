# METADATA
# title: 未经提供部门同意向第三方提供共享数据
# description: Data obtained through sharing may be passed to anyone else, another department included, only with the providing department's consent.
# custom:
#   code: GDSR-25-THIRD-PARTY
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   liability: "40(3)"
#   severity: prohibited
#   quote: "不得擅自将获得的政务数据提供给第三方。确需扩大使用范围、用于其他目的或者提供给第三方的，应当经政务数据提供部门同意。"
#   suspends_grant: true        # art 27(2): misuse suspends the grant
#   effective_from: 2025-08-01
#   title_en: Shared data passed on without the provider's consent
#   message:
#     zh: 向{recipient}提供“{dataset}”，未经提供部门同意。
#     en: Passing "{dataset}" to {recipient} lacks the providing department's consent.
#   remedy:
#     zh: 停止提供。确需提供的，先取得提供部门对该接收方的同意并记入共享授权；其他政府部门需要数据的，应自行提出共享申请。
#     en: Do not pass the data on. If it really must go to this recipient, first obtain the providing department's consent for it and have it recorded in the grant; another government department that needs the data should apply for it itself.
#   labels:
#     unnamed: {zh: 未写明名称的接收方, en: an unnamed recipient}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.sharing.third_party

import rego.v1

import data.lib.state

# Anyone other than the requesting department itself.
outside_recipients := {"third_party", "department"}

recipient := input.recipient.name if {
	is_string(input.recipient.name)
	trim_space(input.recipient.name) != ""
} else := "unnamed"

consented if recipient in object.get(state.grant, "third_party_consent", [])

# Passing data on is judged by where it goes, whatever the event calls the step.
violation contains {"dataset": state.dataset_name, "recipient": recipient} if {
	input.action in state.use_actions
	input.recipient.kind in outside_recipients
	not consented
}
