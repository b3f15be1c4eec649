# METADATA
# title: 使用共享数据缺少有效的共享授权
# description: Shared data may be used or passed on only under an approved sharing application that covers this dataset and is in force on the day of use.
# custom:
#   code: GDSR-20-GRANT-REQUIRED
#   regulation: gdsr
#   article: 20
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据需求部门应当根据履行职责需要，按照统一发布的政务数据目录，经本部门政务数据共享工作机构负责人同意后，依法提出政务数据共享申请"
#   effective_from: 2025-08-01
#   title_en: Use of shared data without a valid grant
#   message:
#     zh: 本次使用没有可依据的有效共享授权（授权编号：{grant}）：{reason}。
#     en: 'This use rests on no valid sharing grant (grant: {grant}): {reason}.'
#   remedy:
#     zh: 按统一发布的目录提出共享申请，经提供部门同意后凭所获授权使用；授权已到期或被终止的，重新提出申请。
#     en: Apply for the data through the published catalogue and use it under the grant you receive once the provider agrees; if the grant has expired or been terminated, apply again.
#   labels:
#     none: {zh: 无, en: none}
#     missing: {zh: 事件未写明所依据的共享授权, en: the event names no grant}
#     unknown: {zh: 查无此授权, en: no grant with this id is on record}
#     other_dataset: {zh: 该授权针对的是其他数据目录, en: the grant covers a different dataset}
#     expired: {zh: 授权已过有效期, en: the grant has expired}
#     terminated: {zh: 授权已被终止, en: the grant has been terminated}
#     not_yet_valid: {zh: 授权尚未生效, en: the grant is not yet in force}
package gdsr.use.grant_required

import rego.v1

import data.lib.state

applies if input.action in state.use_actions

named if {
	is_string(input.grant)
	input.grant != ""
}

violation contains {"reason": "missing", "grant": "none"} if {
	applies
	not named
}

violation contains {"reason": "unknown", "grant": input.grant} if {
	applies
	named
	not state.grant
}

violation contains {"reason": reason, "grant": input.grant} if {
	applies
	some reason in grant_problems
}

grant_problems contains "other_dataset" if state.grant.dataset != input.dataset

grant_problems contains "terminated" if state.grant.status == "terminated"

grant_problems contains "expired" if state.grant.status == "expired"

grant_problems contains "expired" if state.grant.valid_until < state.event_date

grant_problems contains "not_yet_valid" if state.grant.valid_from > state.event_date
