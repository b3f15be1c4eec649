# METADATA
# title: 未按照授权的方式、范围使用共享数据
# description: A department uses shared data in the manner and within the scope it was authorised (art 9). A use or onward provision of data items the grant does not cover, or by a sharing method other than the one granted, is refused. Art 36 names use beyond the authorised scope among the misuses for which the competent department may suspend or terminate the service.
# custom:
#   code: JY-9-AUTHORISED-SCOPE
#   regulation: jiyuan
#   article: 9
#   liability: "60(6)"
#   severity: prohibited
#   effective_from: 2022-10-26
#   title_en: Shared data used beyond the authorised scope or method
#   message:
#     zh: 使用“{dataset}”超出了授权：{problem}（{detail}）。
#     en: 'The use of "{dataset}" goes beyond its authorisation: {problem} ({detail}).'
#   remedy:
#     zh: 只使用获准的数据项，并按获准的共享方式使用；确需更多数据项或其他方式的，通过示范区数据中台另行申请。
#     en: Use only the data items granted, by the method granted; if more items or another method are really needed, apply for them through the Jiyuan data hub.
#   labels:
#     fields: {zh: 数据项不在授权范围内, en: data items outside the grant}
#     method: {zh: 共享方式与授权不符, en: a method other than the one granted}
#     api: {zh: 服务接口, en: API}
#     verify: {zh: 核验, en: verification}
#     bulk: {zh: 批量交换, en: bulk exchange}
#     file: {zh: 文件下载, en: file download}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.authorised_scope

import rego.v1

import data.lib.state

granted_fields := object.get(state.grant, "fields", [])

extra_fields := sort({f | some f in input.fields; not f in granted_fields})

violation contains {"dataset": state.dataset_name, "problem": "fields", "detail": extra_fields} if {
	input.action in state.use_actions
	state.grant
	count(extra_fields) > 0
}

violation contains {"dataset": state.dataset_name, "problem": "method", "detail": input.method} if {
	input.action in state.use_actions
	is_string(state.grant.method)
	is_string(input.method)
	input.method != state.grant.method
}
