# METADATA
# title: 延长有条件开放数据申请的答复期限不符合规定
# description: The period for answering a request for conditional-open data may be extended only with the approval of the producing department's principal head, and by no more than 10 working days (art 41(2)). An `open` event that carries an extension but no answer yet is the extension itself, and is refused when the head has not approved it or it runs longer than 10 working days. Once the request is answered, an irregular extension shows only in the answer's lateness (JY-41-REPLY-DEADLINE).
# custom:
#   code: JY-41-EXTENSION
#   regulation: jiyuan
#   article: 41
#   paragraph: 2
#   liability: "60(6)"
#   severity: prohibited
#   quote: "如需延长答复期限的，应当经政务数据生产部门主要负责人同意，延长答复期限不得超过10 个工作日。"
#   effective_from: 2022-10-26
#   title_en: Reply period for conditional-open data extended against the rules
#   message:
#     zh: 延长“{dataset}”开放申请的答复期限不符合规定：{problem}（拟延长{working_days}个工作日）。
#     en: 'Extending the reply period for the request for "{dataset}" breaks the rules: {problem} (extension asked: {working_days} working days).'
#   remedy:
#     zh: 确需延长的，报经数据生产部门主要负责人同意，延长不超过10个工作日；否则在收到申请之日起10个工作日内答复。
#     en: If more time is really needed, obtain the approval of the producing department's principal head and extend by no more than 10 working days; otherwise answer within 10 working days of receipt.
#   labels:
#     not_approved: {zh: 未经数据生产部门主要负责人同意, en: the producing department's principal head has not approved it}
#     too_long: {zh: 延长超过10个工作日, en: it is longer than 10 working days}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.extension

import rego.v1

import data.lib.state

max_days := data.lib.parameters.value("jiyuan.open_request_extension_max_working_days", state.event_date)

extending if {
	input.action == "open"
	state.dataset.open_attribute == "conditional"
	input.open_request.extension
	not input.open_request.replied_on
}

problems contains "not_approved" if not input.open_request.head_approved_extension == true

problems contains "too_long" if input.open_request.extension.working_days > max_days

violation contains {"dataset": state.dataset_name, "working_days": input.open_request.extension.working_days, "problem": problem} if {
	extending
	some problem in problems
}
