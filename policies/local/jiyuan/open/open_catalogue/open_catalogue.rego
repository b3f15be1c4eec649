# METADATA
# title: 开放目录之外的政务数据不得向申请人开放
# description: Citizens, legal persons and other organisations apply for government data through the open-data platform according to the open-data catalogue (art 41(1)). Data the catalogue places in the not-open class (art 38(2) - state and commercial secrets, personal privacy, national security and other data unfit to provide to the public), or does not list for opening at all, is not opened on a request.
# custom:
#   code: JY-41-OPEN-CATALOGUE
#   regulation: jiyuan
#   article: 41
#   paragraph: 1
#   liability: "60(6)"
#   severity: prohibited
#   quote: "公民、法人和其他组织通过开放平台，按照政务数据开放目录申请获取政务数据。"
#   effective_from: 2022-10-26
#   title_en: Data outside the open-data catalogue opened on request
#   message:
#     zh: “{dataset}”{reason}，不能依申请向“{requester}”开放。
#     en: '"{dataset}" {reason}, so it cannot be opened to "{requester}" on request.'
#   remedy:
#     zh: 不予开放，并向申请人说明理由和依据。认为该数据应当开放的，可以对开放目录提出异议，由数据生产部门答复并提请示范区数据主管部门变更目录。
#     en: Do not open it, and tell the applicant why and on what basis. Anyone who thinks the data should be open may object to the open-data catalogue; the producing department answers and asks the competent data department to change the catalogue.
#   labels:
#     not_open: {zh: 在开放目录中属于不予开放类, en: is in the not-open class of the open-data catalogue}
#     not_listed: {zh: 未列入政务数据开放目录, en: is not listed in the open-data catalogue}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.open_catalogue

import rego.v1

import data.lib.state

open_classes := {"unconditional", "conditional"}

reason := "not_open" if {
	state.dataset.open_attribute == "not_open"
} else := "not_listed"

listed if state.dataset.open_attribute in open_classes

violation contains {"dataset": state.dataset_name, "reason": reason, "requester": input.requester.department} if {
	input.action == "open"
	not listed
}
