# METADATA
# title: 涉及国家秘密或工作秘密的数据不得作为政务数据共享
# description: Data classified as a state secret or work secret is not government data under the Regulation and cannot go through government data sharing.
# custom:
#   code: GDSR-3-SECRET
#   regulation: gdsr
#   article: 3
#   paragraph: 1
#   severity: prohibited
#   quote: "本条例所称政务数据，是指政府部门在依法履行职责过程中收集和产生的各类数据，但不包括属于国家秘密、工作秘密的数据。"
#   effective_from: 2025-08-01
#   title_en: Data classified as a state or work secret cannot be shared as government data
#   message:
#     zh: “{dataset}”含有标注为{secrecy}的数据，这类数据不属于本条例所称政务数据，不能经政务数据共享渠道处理。
#     en: '"{dataset}" contains data marked as a {secrecy}. Such data is not government data within the meaning of the Regulation and cannot be handled through government data sharing.'
#   remedy:
#     zh: 停止本次操作。涉密数据须依照保密法律法规规定的途径办理；如确属定密错误，应先依法解密或调整标注，再登记为政务数据目录。
#     en: Stop this action. Classified data must be handled through the channels set by secrecy law; if the marking is wrong, have it lifted or corrected under that law before cataloguing the data for sharing.
#   labels:
#     state_secret: {zh: 国家秘密, en: state secret}
#     work_secret: {zh: 工作秘密, en: work secret}
package gdsr.general.secrets

import rego.v1

import data.lib.state

secrecy_of(item) := object.get(item, "secrecy", "none")

secret(item) if secrecy_of(item) != "none"

# The dataset the event refers to is classified as a whole.
violation contains {"dataset": state.dataset_name, "secrecy": secrecy_of(state.dataset)} if {
	secret(state.dataset)
}

# Some of the data items the event involves are classified.
violation contains {"dataset": state.dataset_name, "secrecy": level, "fields": sort(names)} if {
	some level in requested_secret_levels
	names := {f.name |
		some f in state.dataset.fields
		f.name in input.fields
		secrecy_of(f) == level
	}
}

requested_secret_levels contains secrecy_of(f) if {
	some f in state.dataset.fields
	f.name in input.fields
	secret(f)
}

# A catalogue entry about to be published is classified as a whole.
violation contains {"dataset": state.entry_name, "secrecy": secrecy_of(input.entry)} if {
	input.action == "catalog"
	secret(input.entry)
}

# A catalogue entry about to be published lists classified data items.
violation contains {"dataset": state.entry_name, "secrecy": level, "fields": sort(names)} if {
	input.action == "catalog"
	some level in entry_secret_levels
	names := {f.name | some f in input.entry.fields; secrecy_of(f) == level}
}

entry_secret_levels contains secrecy_of(f) if {
	some f in input.entry.fields
	secret(f)
}
