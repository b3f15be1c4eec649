# METADATA
# title: 受托方未经批准或未经授权处理政务数据
# description: A department that engages a contractor to build, run or maintain an information system, or to store or process government data, must first go through the approval procedure the state prescribes, and a contractor may not access, obtain, keep, use, leak or pass on government data without authority. An act carried out by a contractor whose engagement was not approved, or who is not authorised for this access, is refused. The acting department is liable for not fulfilling its security duty, the providing department (39(9)) when it catalogues, replies, delivers, returns, handles a verification request, terminates or changes a service, the requesting department (40(6)) otherwise.
# custom:
#   code: GDSR-36-CONTRACTOR
#   regulation: gdsr
#   article: 36
#   paragraph: 1
#   liability: "40(6)"
#   severity: prohibited
#   quote: "政府部门委托他人参与建设、运行、维护政府信息化项目，存储、加工政务数据，应当按照国家有关规定履行批准程序，明确工作规范和标准，并采取必要技术措施，监督受托方履行相应的政务数据安全保护义务。受托方应当依照法律、行政法规的规定和合同约定履行政务数据安全保护义务，不得擅自访问、获取、留存、使用、泄露或者向他人提供政务数据。"
#   effective_from: 2025-08-01
#   title_en: Contractor acting without an approved engagement or without authorisation
#   message:
#     zh: 受托方“{contractor}”代为处理“{dataset}”：{problem}。
#     en: 'The contractor "{contractor}" handling "{dataset}": {problem}.'
#   remedy:
#     zh: 停止由该受托方操作。委托他人参与建设、运行、维护信息化项目或存储、加工政务数据的，须按国家有关规定履行批准程序、明确工作规范和标准、采取必要技术措施，监督受托方履行数据安全保护义务；受托方不得擅自访问数据（本系统据此要求受托方的每次访问都经委托部门授权）。
#     en: Stop the contractor's operation. Engaging someone to build, run or maintain an information system or to store or process government data needs the approval procedure the state prescribes, clear working rules and standards, the necessary technical measures and supervision of the contractor's data-security duties; the contractor may not access the data without authorisation (which is why govshare asks that each of its accesses be authorised by the engaging department).
#   labels:
#     not_approved: {zh: 委托未按国家有关规定履行批准程序, en: the engagement has not been through the approval procedure the state prescribes}
#     not_authorised: {zh: 本次访问未经委托部门授权, en: this access has not been authorised by the department}
#     unspecified: {zh: （未指明的数据）, en: data not named}
package gdsr.security.contractor

import rego.v1

import data.lib.state

# Acts of the providing department: its security duty falls under art 39. A
# verification request is filed by the requester and handled by the provider.
provider_steps := {"catalog", "reply", "deliver", "return", "terminate", "change"}

provider_acts if input.action in provider_steps

provider_acts if {
	input.action == "verify"
	input.requester.department == state.dataset.provider
}

liability := "39(9)" if {
	provider_acts
} else := "40(6)"

contractor := input.requester.contractor

problems contains "not_approved" if object.get(contractor, "approved", false) != true

problems contains "not_authorised" if object.get(contractor, "authorised", false) != true

dataset := state.dataset_name if {
	input.action != "catalog"
} else := state.entry_name

violation contains {"contractor": contractor.name, "dataset": dataset, "problem": problem, "liability": liability} if {
	some problem in problems
}
