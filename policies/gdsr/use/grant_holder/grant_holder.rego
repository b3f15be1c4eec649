# METADATA
# title: 非获准部门使用共享授权
# description: A grant covers only the department that applied for it; another department relying on it widens the approved scope of use. Reading chosen (2026-12) — 使用范围 is who and where the data is used (art 20(2)), so a department the grant does not name is outside it, the widest case of 扩大使用范围 (25(1), liability 40(2)). The other reading, a use with no application of one's own (20(2)), was not chosen because the data was obtained through sharing under a grant; a holder who handed the data over is answered by the third-party rule (25(1), 40(3)).
# custom:
#   code: GDSR-25-GRANT-HOLDER
#   regulation: gdsr
#   article: 25
#   paragraph: 1
#   liability: "40(2)"
#   severity: prohibited
#   quote: "政府部门通过共享获得政务数据的，不得擅自扩大使用范围"
#   effective_from: 2025-08-01
#   title_en: Grant relied on by a department it was not issued to
#   message:
#     zh: 共享授权{grant}批准给{holder}，{department}不能凭该授权使用数据。
#     en: Grant {grant} was issued to {holder}; {department} cannot rely on it to use the data.
#   remedy:
#     zh: 由需要数据的部门自行提出共享申请；获准部门不得把授权或数据交给其他部门使用，确需提供的须先取得提供部门同意。
#     en: The department that needs the data applies for it itself; the grant holder may not let another department use its grant or data without the providing department's consent.
package gdsr.use.grant_holder

import rego.v1

import data.lib.state

violation contains {"grant": input.grant, "holder": state.grant.requester, "department": input.requester.department} if {
	input.action in state.use_actions
	input.requester.department != state.grant.requester
}
