# METADATA
# title: 处理校核申请未写明收到校核申请之日
# description: The 10 working days of art 26(2) run from the day the provider received the verification request; a verify event that does not describe the request cannot be checked for lateness (39(6)) and waits until it does.
# custom:
#   code: GDSR-26-VERIFY-REQUEST
#   regulation: gdsr
#   article: 26
#   paragraph: 2
#   severity: needs_action
#   quote: "政务数据提供部门应当自收到政务数据校核申请之日起10个工作日内予以核实、更正并反馈校核处理结果。"
#   effective_from: 2025-08-01
#   title_en: Verification without the request it answers
#   message:
#     zh: 对“{dataset}”的校核处理未写明校核申请及其收到之日，无法核对是否在第二十六条第二款规定的10个工作日内办结。
#     en: The verification of "{dataset}" does not describe the request or the day it was received, so it cannot be checked against the 10 working days of article 26(2).
#   remedy:
#     zh: 在 verification 中写明收到校核申请之日（received_on），已办结的同时写明办结之日（handled_on）。
#     en: State in verification the day the request was received (received_on) and, once handled, the day it was handled (handled_on).
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.verify.request_stated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "verify"
	not input.verification.received_on
}
