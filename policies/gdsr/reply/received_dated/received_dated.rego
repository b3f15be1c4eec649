# METADATA
# title: 答复共享申请未写明收到申请之日
# description: The reply period of art 21(1) runs from the day the provider received the application; a reply that does not state that day cannot be checked for lateness (39(4)) and waits until it does. Not-shareable data has no reply period.
# custom:
#   code: GDSR-21-RECEIVED-DATE
#   regulation: gdsr
#   article: 21
#   paragraph: 1
#   severity: needs_action
#   quote: "政务数据需求部门申请共享的政务数据属于无条件共享类的，政务数据提供部门应当自收到政务数据共享申请之日起1个工作日内作出答复；属于有条件共享类的，应当自收到政务数据共享申请之日起10个工作日内作出是否同意共享的答复。"
#   effective_from: 2025-08-01
#   title_en: Reply without the day the application was received
#   message:
#     zh: 对“{dataset}”共享申请的答复未写明提供部门收到申请之日，无法核对是否在第二十一条第一款规定的期限内答复。
#     en: The reply to the application for "{dataset}" does not state the day the provider received the application, so it cannot be checked against the reply period of article 21(1).
#   remedy:
#     zh: 在 application.received_on 中写明收到申请之日后再作出答复。
#     en: State the day the application was received in application.received_on, then reply.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.reply.received_dated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "reply"
	not state.dataset.share_attribute == "not_shareable"
	not input.application.received_on
}
