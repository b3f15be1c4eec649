# METADATA
# title: 共享目的已终了仍使用或提供所获数据
# description: Once the purpose of sharing is achieved, cannot be achieved or no longer needs the data (reported by the requesting department, or found by the providing or the competent department, and recorded on the grant), the data obtained under that grant is to be disposed of as the provider requires; it may no longer be used or passed on.
# custom:
#   code: GDSR-27-PURPOSE-ENDED
#   regulation: gdsr
#   article: 27
#   paragraph: 1
#   liability: "40(4)"
#   severity: prohibited
#   effective_from: 2025-08-01
#   quote: 政务数据需求部门通过共享获取的政务数据，共享目的已实现、无法实现或者为实现共享目的不再必要的，应当按照政务数据提供部门的要求妥善处置。
#   title_en: Shared data used after the purpose of sharing ended
#   message:
#     zh: 依共享授权{grant}获取的“{dataset}”，{reason}（{reported_by}，{on}登记），应当按照提供部门的要求妥善处置，不得再{act}。
#     en: 'The "{dataset}" data obtained under grant {grant} is to be disposed of as the provider requires and may no longer be {act}: {reason} ({reported_by}, recorded on {on}).'
#   remedy:
#     zh: 停止使用，按提供部门的处置要求处置该数据并报告处置完成；确需继续使用的，重新提出共享申请。
#     en: Stop using the data, dispose of it as the provider requires and report the disposal done; if the data is still needed, apply for sharing again.
#   labels:
#     achieved: {zh: 共享目的已实现, en: the purpose of sharing has been achieved}
#     impossible: {zh: 共享目的无法实现, en: the purpose of sharing cannot be achieved}
#     unnecessary: {zh: 为实现共享目的不再必要, en: it is no longer necessary for the purpose of sharing}
#     requester: {zh: 需求部门报告, en: reported by the requesting department}
#     provider: {zh: 提供部门认定, en: found by the providing department}
#     competent: {zh: 主管部门认定, en: found by the competent department}
#     use: {zh: 使用, en: used}
#     transfer: {zh: 向他人提供, en: passed on}
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.dispose.purpose_ended

import rego.v1

import data.lib.state

# Art 27(1) makes disposal, not further use, what follows the end of the
# purpose; disposal reported done does not reopen the grant, so the record of
# the end alone refuses every later use or transfer under it. No suspension:
# art 27(2) suspends only for misuse (beyond scope or purpose, third party).
ended := state.grant.purpose_ended if is_object(state.grant.purpose_ended)

violation contains {
	"dataset": state.dataset_name,
	"grant": input.grant,
	"reason": object.get(ended, "reason", "unspecified"),
	"reported_by": object.get(ended, "reported_by", "unspecified"),
	"on": object.get(ended, "on", "unspecified"),
	"act": input.action,
} if {
	input.action in state.use_actions
	ended
}
