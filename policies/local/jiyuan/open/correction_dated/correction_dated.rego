# METADATA
# title: 对开放目录的更正申请未写明收到日期
# description: A citizen, legal person or other organisation that objects to the open-data catalogue may file a correction request with the producing department through the open-data platform (art 40(2)); the producing department answers within 10 working days of receiving it (art 40(3)). Whether the answer is on time can be checked only against the day the request was received; an `objection` event that does not state it (open_request.received_on) waits until it does, rather than being let through unchecked (JY-40-CORRECTION-DEADLINE needs the date).
# custom:
#   code: JY-40-CORRECTION-DATE
#   regulation: jiyuan
#   article: 40
#   paragraph: 3
#   severity: needs_action
#   quote: "政务数据生产部门应当在收到申请之日起 10个工作日内予以答复"
#   effective_from: 2022-10-26
#   title_en: Correction request on the open-data catalogue states no day of receipt
#   message:
#     zh: “{requester}”对开放目录中“{dataset}”提出的更正申请未写明收到申请之日，无法确认是否在{working_days}个工作日内答复。
#     en: '"{requester}"''s correction request on "{dataset}" in the open-data catalogue does not state the day it was received, so it cannot be checked that it is answered within {working_days} working days.'
#   remedy:
#     zh: 写明数据生产部门收到该更正申请之日后再办理；答复期限自收到申请之日起计算。
#     en: State the day the producing department received the correction request, then proceed; the reply period runs from that day.
#   labels:
#     unspecified: {zh: （未指明的目录）, en: (entry not named)}
package local.jiyuan.open.correction_dated

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("jiyuan.open_catalogue_correction_reply_working_days", state.event_date)

dated if regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, input.open_request.received_on)

violation contains {"requester": input.requester.department, "dataset": state.dataset_name, "working_days": working_days} if {
	input.action == "objection"
	not dated
}
