# METADATA
# title: 延长答复期限不符合规定
# description: The reply period may be extended only for a special reason, with the approval of the competent department at the same level, after telling the requesting department, and by at most 10 working days in all, since art 21(1) caps the length of the extension, not the number of times, so a further extension counts the days already granted.
# custom:
#   code: GDSR-21-EXTENSION
#   regulation: gdsr
#   article: 21
#   paragraph: 1
#   liability: "39(9)"
#   severity: prohibited
#   quote: "因特殊原因需要延长答复期限的，政务数据提供部门应当报经同级政务数据共享主管部门同意，并告知政务数据需求部门，延长的期限最长不得超过10个工作日。"
#   effective_from: 2025-08-01
#   title_en: Reply period extended against the rules
#   message:
#     zh: 延长“{dataset}”共享申请的答复期限不符合规定：{problem}（拟延长的工作日数：{working_days}；此前已延长：{granted}）。
#     en: 'Extending the reply period for the application for "{dataset}" breaks the rules: {problem} (working days of extension asked: {working_days}; already granted: {granted}).'
#   remedy:
#     zh: 确因特殊原因需要延期的，报经同级政务数据共享主管部门同意并告知需求部门，延长的期限累计不超过10个工作日；否则应在原定期限内作出答复。
#     en: If a special reason really requires it, obtain the approval of the competent department at your level and tell the requesting department, extending by no more than 10 working days in all; otherwise reply within the original period.
#   labels:
#     missing: {zh: 未写明延长的期限及审批情况, en: the extension (its length and approval) is not stated}
#     not_approved: {zh: 未报经同级政务数据共享主管部门同意, en: the competent department at the same level has not approved it}
#     not_notified: {zh: 未告知需求部门, en: the requesting department has not been told}
#     too_long: {zh: 延长的期限累计超过10个工作日, en: the extensions add up to more than 10 working days}
#     unstated: {zh: 未写明, en: not stated}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.extension

import rego.v1

import data.lib.state

max_days := data.lib.parameters.value("gdsr.reply_extension_max_working_days", state.event_date)

extending if {
	input.action == "reply"
	input.reply.decision == "extend"
}

asked := input.reply.extension.working_days if is_number(input.reply.extension.working_days) else := "unstated"

# Days of extension this application already has (the store keeps the running total).
granted := input.application.extension.working_days if is_number(input.application.extension.working_days) else := 0

problems contains "missing" if not input.reply.extension

problems contains "not_approved" if {
	input.reply.extension
	not input.reply.extension.approved_by_competent == true
}

problems contains "not_notified" if {
	input.reply.extension
	not input.reply.extension.requester_notified == true
}

problems contains "too_long" if granted + input.reply.extension.working_days > max_days

violation contains {"dataset": state.dataset_name, "working_days": asked, "granted": granted, "problem": problem} if {
	extending
	some problem in problems
}
