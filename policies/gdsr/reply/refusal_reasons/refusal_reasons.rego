# METADATA
# title: 不同意共享未说明理由
# description: A provider that does not agree to share must give its reasons.
# custom:
#   code: GDSR-21-REFUSAL-REASONS
#   regulation: gdsr
#   article: 21
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据提供部门不同意共享的，应当说明理由。"
#   effective_from: 2025-08-01
#   title_en: Refusal without reasons
#   message:
#     zh: 不同意共享“{dataset}”，但未说明理由。
#     en: The refusal to share "{dataset}" gives no reasons.
#   remedy:
#     zh: 在答复中写明不同意共享的理由后再作出答复。
#     en: State the reasons for refusing in the reply, then give it.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.refusal_reasons

import rego.v1

import data.lib.state

reasoned if trim_space(input.reply.reasons) != ""

violation contains {"dataset": state.dataset_name} if {
	input.action == "reply"
	input.reply.decision == "refuse"
	not reasoned
}
