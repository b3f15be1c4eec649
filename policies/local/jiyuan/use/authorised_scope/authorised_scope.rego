# METADATA
# title: 未按照授权的方式、范围使用共享数据
# description: A department uses shared data in the manner and within the scope it was authorised (art 9). A use or onward provision is refused when it relies on a grant issued to another department, on a grant for another dataset, or on a grant outside its validity (marked expired, past its last day or before its first day, counted in Beijing time), and when it covers data items the grant does not, uses a sharing method other than the one granted, or is made by a unit or in an area outside the scope of use the grant names (use_scope). A use that names no grant, or one that is not on record, is JY-9-GRANT-REQUIRED; a grant the competent department has suspended or terminated is JY-36-SERVICE-SUSPENDED. Art 36 names use beyond the authorised scope among the misuses for which the competent department may suspend or terminate the service.
# custom:
#   code: JY-9-AUTHORISED-SCOPE
#   regulation: jiyuan
#   article: 9
#   liability: "60(6)"
#   severity: prohibited
#   quote: "依据国家相关法律法规和授权的方式、范围使用共享数据"
#   effective_from: 2022-10-26
#   title_en: Shared data used beyond the authorised scope or method
#   message:
#     zh: 使用“{dataset}”超出了授权：{problem}（{detail}）。
#     en: 'The use of "{dataset}" goes beyond its authorisation: {problem} ({detail}).'
#   remedy:
#     zh: 只凭本部门获准的、在有效期内的授权，使用该授权所针对的数据目录中获准的数据项，并按获准的共享方式使用；确需其他数据、更多数据项、其他方式或授权已到期的，通过示范区数据中台另行申请。
#     en: Rely only on your own department's grant while it is in force, and use only the data items it grants from the dataset it covers, by the method granted; if other data, more items, another method or a new period is really needed, apply for it through the Jiyuan data hub.
#   labels:
#     holder: {zh: 该授权批准给其他部门, en: the grant was issued to another department}
#     other_dataset: {zh: 该授权针对的是其他数据目录, en: the grant covers another dataset}
#     expired: {zh: 授权已过有效期, en: the grant has expired}
#     not_yet_valid: {zh: 授权尚未生效, en: the grant is not yet in force}
#     fields: {zh: 数据项不在授权范围内, en: data items outside the grant}
#     method: {zh: 共享方式与授权不符, en: a method other than the one granted}
#     use_scope: {zh: 使用单位或区域不在授权的使用范围内, en: a unit or area outside the grant's scope of use}
#     api: {zh: 服务接口, en: API}
#     verify: {zh: 核验, en: verification}
#     bulk: {zh: 批量交换, en: bulk exchange}
#     file: {zh: 文件下载, en: file download}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.authorised_scope

import rego.v1

import data.lib.state

applies if {
	input.action in state.use_actions
	state.grant
}

# The grant covers the dataset this act concerns; only then do its items and method say anything about it.
same_dataset if state.grant.dataset == input.dataset

granted_fields := object.get(state.grant, "fields", [])

extra_fields := sort({f | some f in input.fields; not field_granted(f)})

# Negated through a function: OPA would evaluate `granted_fields` before a `not f in granted_fields`.
field_granted(f) if f in granted_fields

# How the facts name the dataset a grant covers: its catalogue name when known.
covered := data.govshare.catalog[state.grant.dataset].name if {
	is_string(data.govshare.catalog[state.grant.dataset].name)
} else := state.grant.dataset

violation contains {"dataset": state.dataset_name, "problem": "holder", "detail": state.grant.requester} if {
	applies
	input.requester.department != state.grant.requester
}

violation contains {"dataset": state.dataset_name, "problem": "other_dataset", "detail": covered} if {
	applies
	not same_dataset
}

# Expired: marked so by the platform, or past its last day. One report, naming the last day when known.
expired if state.grant.status == "expired"

expired if state.grant.valid_until < state.event_date

expiry := state.grant.valid_until if state.grant.valid_until < state.event_date else := input.grant

violation contains {"dataset": state.dataset_name, "problem": "expired", "detail": expiry} if {
	applies
	expired
}

violation contains {"dataset": state.dataset_name, "problem": "not_yet_valid", "detail": state.grant.valid_from} if {
	applies
	state.grant.valid_from > state.event_date
}

violation contains {"dataset": state.dataset_name, "problem": "fields", "detail": extra_fields} if {
	applies
	same_dataset
	count(extra_fields) > 0
}

violation contains {"dataset": state.dataset_name, "problem": "method", "detail": input.method} if {
	applies
	same_dataset
	is_string(state.grant.method)
	is_string(input.method)
	input.method != state.grant.method
}

# 授权的范围 includes who and where the data is used when the grant names it
# (the scope of use of GDSR art 20(2)); a grant that names none limits only the
# department (the "holder" problem above).
outside_scope contains unit if {
	units := object.get(state.grant, ["use_scope", "units"], [])
	count(units) > 0
	unit := object.get(input, ["requester", "unit"], "unspecified")
	not unit in units
}

outside_scope contains region if {
	regions := object.get(state.grant, ["use_scope", "regions"], [])
	count(regions) > 0
	region := object.get(input, ["requester", "region"], "unspecified")
	not region in regions
}

violation contains {"dataset": state.dataset_name, "problem": "use_scope", "detail": sort(outside_scope)} if {
	applies
	same_dataset
	count(outside_scope) > 0
}
