# METADATA
# title: 数据服务暂停或终止期间使用共享数据
# description: The competent data department may suspend or terminate the data service of a department that misuses data (art 36). Once the service is suspended or terminated - the platform marks the grant so - the department may not use or pass on the data under it. Such a use is no longer authorised (art 9) and, like the other prohibited uses of the measures, falls under art 60 item 6 (other acts against the measures). A grant that has merely expired is refused under JY-9-AUTHORISED-SCOPE.
# custom:
#   code: JY-36-SERVICE-SUSPENDED
#   regulation: jiyuan
#   article: 36
#   liability: "60(6)"
#   severity: prohibited
#   quote: "如发现数据应用部门违法违规使用、超范围使用、使用存在安全风险等情况，示范区数据主管部门有权暂停或终止服务。"
#   effective_from: 2022-10-26
#   title_en: Use of shared data while the data service is suspended or terminated
#   message:
#     zh: 共享授权{grant}对应的数据服务{status}，不得使用或对外提供“{dataset}”。
#     en: The data service under grant {grant} {status}; "{dataset}" may not be used or passed on.
#   remedy:
#     zh: 停止使用。服务暂停的，按示范区数据主管部门的要求整改，恢复服务后再使用；服务已终止的，确因履职需要的，通过示范区数据中台重新申请。
#     en: Stop using the data. If the service is suspended, put things right as the competent data department requires and resume only once the service is restored; if it has been terminated and the duty still needs the data, apply again through the Jiyuan data hub.
#   labels:
#     suspended: {zh: 已被暂停, en: is suspended}
#     terminated: {zh: 已被终止, en: has been terminated}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.service.suspended

import rego.v1

import data.lib.state

stopped := {"suspended", "terminated"}

violation contains {"grant": input.grant, "status": state.grant.status, "dataset": state.dataset_name} if {
	input.action in state.use_actions
	state.grant.status in stopped
}
