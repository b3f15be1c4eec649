# METADATA
# title: 共享不予共享类数据
# description: Data that a law, administrative regulation or State Council decision keeps from other departments is in the not-shareable class and must not be requested, approved, delivered, used, passed on or returned.
# custom:
#   code: GDSR-14-NOT-SHAREABLE
#   regulation: gdsr
#   article: 14
#   item: 3               # art 14 has one paragraph; cited as 第十四条第三项
#   severity: prohibited
#   quote: "法律、行政法规以及国务院决定明确规定不能提供给其他政府部门共享使用的政务数据属于不予共享类。"
#   effective_from: 2025-08-01
#   title_en: Sharing data of the not-shareable class
#   message:
#     zh: “{dataset}”属于不予共享类，法律、行政法规或国务院决定明确规定不得向其他政府部门提供。
#     en: '"{dataset}" is in the not-shareable class: a law, administrative regulation or State Council decision expressly keeps it from other government departments.'
#   remedy:
#     zh: 停止本次操作。确有履职需要的，查阅目录中列明的不予共享理由和依据，按该依据规定的其他途径办理。
#     en: Stop this action. If your duties really need the data, read the reason and legal basis listed in the catalogue and use whatever other route that law provides.
package gdsr.sharing.not_shareable

import rego.v1

import data.lib.state

# Steps by which the data would leave its provider or be used elsewhere.
moving_actions := {"apply", "deliver", "use", "transfer", "return"}

moving if input.action in moving_actions

# A reply refusing the request is what the provider should do; approving it is not.
moving if {
	input.action == "reply"
	input.reply.decision == "approve"
}

# The provider approving, delivering or returning data is liable under 39(9);
# the requester applying for, using or passing on the data under 40(7).
provider_actions := {"reply", "deliver", "return"}

liability := "39(9)" if {
	input.action in provider_actions
} else := "40(7)"

violation contains {"dataset": state.dataset_name, "liability": liability} if {
	moving
	state.dataset.share_attribute == "not_shareable"
}
