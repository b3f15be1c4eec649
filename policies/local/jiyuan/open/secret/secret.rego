# METADATA
# title: 涉及国家秘密、工作秘密的政务数据列为可开放或予以开放
# description: Government data that involves state secrets belongs to the not-open class (art 38(2)); only unclassified data may be opened, even after de-identification (art 39(2)). A catalogue entry marked as a state or work secret, as a whole or in any of its items, may not be catalogued as open (unconditionally or on conditions) - the classified items belong in an entry of their own; a request may not be answered by opening a dataset classified as a whole, or its classified items (those asked for, or every item when none are named). A catalogue entry answers under art 60 item 1 (the open-data catalogue wrongly compiled), an opening under item 5 (security duties).
# custom:
#   code: JY-38-SECRET
#   regulation: jiyuan
#   article: 38
#   paragraph: 2
#   liability: "60(5)"
#   severity: prohibited
#   quote: "涉及国家秘密、商业秘密、个人隐私和国家安全，以及其他不宜提供给公民、法人和其他组织的政务数据属于不予开放类。"
#   effective_from: 2022-10-26
#   title_en: Classified data catalogued as open or opened
#   message:
#     zh: “{dataset}”含有标注为{secrecy}的数据，属于不予开放类，不得{act}。
#     en: '"{dataset}" contains data marked as a {secrecy}; it is in the not-open class and may not be {act}.'
#   remedy:
#     zh: 将该数据列为不予开放类，不向公民、法人和其他组织提供；涉密数据按保密法律法规办理。
#     en: Classify the data as not open and do not provide it to citizens, legal persons or other organisations; classified data is handled under secrecy law.
#   labels:
#     state_secret: {zh: 国家秘密, en: state secret}
#     work_secret: {zh: 工作秘密, en: work secret}
#     catalogue: {zh: 列入开放目录, en: listed as open}
#     open: {zh: 向申请人开放, en: opened to the applicant}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.secret

import rego.v1

import data.lib.state

open_classes := {"unconditional", "conditional"}

secrecy_of(item) := object.get(item, "secrecy", "none")

levels(entry) := {secrecy_of(entry) | secrecy_of(entry) != "none"} | {secrecy_of(f) | some f in object.get(entry, "fields", []); secrecy_of(f) != "none"}

violation contains {"dataset": state.entry_name, "secrecy": level, "act": "catalogue", "liability": "60(1)"} if {
	input.action == "catalog"
	input.entry.open_attribute in open_classes
	some level in levels(input.entry)
}

# An opening: the dataset as a whole, or the items asked for (all when none are named).
asked(field) if count(object.get(input, "fields", [])) == 0

asked(field) if field.name in input.fields

opened_levels contains secrecy_of(state.dataset) if secrecy_of(state.dataset) != "none"

opened_levels contains secrecy_of(f) if {
	some f in state.dataset.fields
	asked(f)
	secrecy_of(f) != "none"
}

violation contains {"dataset": state.dataset_name, "secrecy": level, "act": "open"} if {
	input.action == "open"
	some level in opened_levels
}
