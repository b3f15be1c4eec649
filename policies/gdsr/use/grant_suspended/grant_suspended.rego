# METADATA
# title: 共享权限暂停期间使用共享数据
# description: While a requester's sharing rights are suspended for misuse, it may not use or pass on the data covered by the suspended grant.
# custom:
#   code: GDSR-27-SUSPENDED
#   regulation: gdsr
#   article: 27
#   paragraph: 2
#   severity: prohibited
#   quote: "政务数据共享主管部门或者政务数据提供部门应当暂停其政务数据共享权限，并督促限期整改，对拒不整改或者整改不到位的，可以终止共享。"
#   effective_from: 2025-08-01
#   title_en: Use of shared data while sharing rights are suspended
#   message:
#     zh: 共享授权{grant}已被暂停，暂停期间不得使用或对外提供“{dataset}”。
#     en: Grant {grant} is suspended; "{dataset}" may not be used or passed on while the suspension lasts.
#   remedy:
#     zh: 按主管部门或提供部门的要求在限期内整改，共享权限恢复后再使用。
#     en: Put things right within the time the competent or providing department has set, and resume use only once the sharing rights are restored.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.use.grant_suspended

import rego.v1

import data.lib.state

violation contains {"grant": input.grant, "dataset": state.dataset_name} if {
	input.action in state.use_actions
	state.grant.status == "suspended"
}
