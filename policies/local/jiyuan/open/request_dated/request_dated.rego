# METADATA
# title: 有条件开放数据的申请未写明收到日期
# description: The producing department answers a request for conditional-open data within 10 working days of receiving it (art 41(2)). Whether an answer is on time can be checked only against the day the request was received; an `open` event on conditional-open data that does not state it (open_request.received_on) waits until it does, rather than being let through unchecked (JY-41-REPLY-DEADLINE needs the date). Unconditional-open data is obtained directly on the platform after identity authentication (art 41(3)) and has no reply period.
# custom:
#   code: JY-41-REQUEST-DATE
#   regulation: jiyuan
#   article: 41
#   paragraph: 2
#   severity: needs_action
#   quote: "申请获取有条件开放政务数据的，政务数据生产部门应当在收到申请之日起在 10个工作日内予以答复"
#   effective_from: 2022-10-26
#   title_en: Request for conditional-open data states no day of receipt
#   message:
#     zh: “{requester}”对“{dataset}”的开放申请未写明收到申请之日，无法确认是否在{working_days}个工作日内答复。
#     en: '"{requester}"''s request for "{dataset}" does not state the day it was received, so it cannot be checked that it is answered within {working_days} working days.'
#   remedy:
#     zh: 写明数据生产部门收到该申请之日后再办理；答复期限自收到申请之日起计算。
#     en: State the day the producing department received the request, then proceed; the reply period runs from that day.
#   labels:
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.request_dated

import rego.v1

import data.lib.state

working_days := data.lib.parameters.value("jiyuan.open_request_reply_working_days", state.event_date)

dated if regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, input.open_request.received_on)

violation contains {"requester": input.requester.department, "dataset": state.dataset_name, "working_days": working_days} if {
	input.action == "open"
	state.dataset.open_attribute == "conditional"
	not dated
}
