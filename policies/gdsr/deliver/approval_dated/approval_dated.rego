# METADATA
# title: 交付数据未写明同意共享之日
# description: The 20 working days of art 22(1) run from the day the provider agreed to share; a delivery that does not state that day cannot be checked for lateness (39(4)) and waits until it does. Not-shareable data is never approved, so it has no such day (its delivery is refused by GDSR-14-NOT-SHAREABLE).
# custom:
#   code: GDSR-22-APPROVAL-DATE
#   regulation: gdsr
#   article: 22
#   paragraph: 1
#   severity: needs_action
#   quote: "政务数据提供部门应当自作出同意共享的答复之日起20个工作日内共享政务数据。"
#   effective_from: 2025-08-01
#   title_en: Delivery without the day sharing was approved
#   message:
#     zh: 交付“{dataset}”未写明作出同意共享答复之日，无法核对是否在第二十二条第一款规定的20个工作日内共享。
#     en: The delivery of "{dataset}" does not state the day sharing was approved, so it cannot be checked against the 20 working days of article 22(1).
#   remedy:
#     zh: 在 application.approved_on 中写明作出同意答复之日后再交付。
#     en: State the day sharing was approved in application.approved_on, then deliver.
#   labels:
#     unspecified: {zh: （未指明）, en: (not named)}
package gdsr.deliver.approval_dated

import rego.v1

import data.lib.state

violation contains {"dataset": state.dataset_name} if {
	input.action == "deliver"
	not state.dataset.share_attribute == "not_shareable"
	not input.application.approved_on
}
