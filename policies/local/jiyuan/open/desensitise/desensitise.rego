# METADATA
# title: 涉及敏感信息的政务数据未经脱敏即开放
# description: Unclassified government data that involves sensitive information may be opened, unconditionally or on conditions, only after it has been de-identified, cleaned and processed (art 39(2); art 38(2) puts personal privacy among the reasons for the not-open class). Data items marked personal or sensitive count as sensitive information. A catalogue entry that makes such data open in either class without marking it de-identified (`desensitised`) is refused, and so is opening such data to a citizen or company on an `open` request (the items asked for, or every item when none are named). Classified data is never opened at all (JY-38-SECRET).
# custom:
#   code: JY-39-DESENSITISE
#   regulation: jiyuan
#   article: 39
#   paragraph: 2
#   liability: "60(5)"
#   severity: prohibited
#   quote: "非涉密但是涉及敏感信息的政务数据，经过脱敏、清洗、加工后可以根据使用条件和适用范围无条件开放或者有条件开放。"
#   effective_from: 2022-10-26
#   title_en: Sensitive data opened without de-identification
#   message:
#     zh: “{dataset}”的数据项{fields}涉及个人信息等敏感信息，未经脱敏、清洗、加工不得开放。
#     en: 'The data items {fields} of "{dataset}" involve personal or other sensitive information and may not be opened before they are de-identified, cleaned and processed.'
#   remedy:
#     zh: 先对这些数据项脱敏、清洗、加工，并在目录中标注已脱敏，再按使用条件和适用范围开放；无法脱敏的，列为不予开放类。
#     en: De-identify, clean and process these items first and mark the entry as de-identified, then open it within its conditions and scope; data that cannot be de-identified belongs in the not-open class.
#   labels:
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.open.desensitise

import rego.v1

import data.lib.state

open_classes := {"unconditional", "conditional"}

sensitive(field) if field.personal == true

sensitive(field) if field.sensitive == true

# A catalogue entry that makes personal or sensitive data open.
catalogue_fields contains field.name if {
	input.action == "catalog"
	input.entry.open_attribute in open_classes
	not input.entry.desensitised == true
	some field in input.entry.fields
	sensitive(field)
}

# An opening of data to a citizen or company: the items asked for, or all of them.
asked(field) if count(object.get(input, "fields", [])) == 0

asked(field) if field.name in input.fields

opened_fields contains field.name if {
	input.action == "open"
	not state.dataset.desensitised == true
	some field in state.dataset.fields
	asked(field)
	sensitive(field)
}

violation contains {"dataset": state.entry_name, "fields": sort(catalogue_fields), "liability": "60(1)"} if {
	count(catalogue_fields) > 0
}

violation contains {"dataset": state.dataset_name, "fields": sort(opened_fields)} if {
	count(opened_fields) > 0
}
