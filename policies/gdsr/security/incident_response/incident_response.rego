# METADATA
# title: 发生安全事件后立即应急处置并报告
# description: When a government-data security incident happens, the department starts its emergency plan at once, takes emergency measures to stop the harm spreading and remove the hazard, and reports to the competent departments as required.
# custom:
#   code: GDSR-35-INCIDENT-RESPONSE
#   regulation: gdsr
#   article: 35
#   paragraph: 3
#   severity: obligation
#   effective_from: 2025-08-01
#   quote: 发生政务数据安全事件时，立即启动应急预案，采取相应的应急处置措施，防止危害扩大，消除安全隐患，并按照规定向有关主管部门报告。
#   title_en: Respond to a security incident and report it
#   message:
#     zh: “{department}”须就“{dataset}”发生的安全事件立即启动应急预案，采取相应的应急处置措施，防止危害扩大，消除安全隐患，并按照规定向有关主管部门报告。
#     en: 'For the security incident affecting "{dataset}", {department} must start its emergency plan at once, take the emergency measures it calls for to stop the harm spreading and remove the hazard, and report to the competent departments as required.'
#   remedy:
#     zh: 完成应急处置并向有关主管部门报告后，登记处置与报告情况。
#     en: Once the emergency response is done and reported to the competent departments, record the response.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.security.incident_response

import rego.v1

import data.gdsr.security.incident_responsibility as incident
import data.lib.state

# Art 35(3) is every government department's duty; for an incident in a
# requester's use it falls on the department art 34(2) makes responsible.
# The duty is owed until the response is reported on the incident record.
obligation contains {"department": incident.department, "dataset": state.dataset_name} if {
	input.action == "incident"
}
