# METADATA
# title: 要求公民、法人和其他组织提供可以从示范区数据中台获取的政务数据
# description: Departments may not require citizens, legal persons and other organisations to provide government data that can be obtained from the Jiyuan data hub, except where national rules exclude electronic documents (art 57 item 6; art 34 adds that documents, licences and contracts obtainable by sharing are used first, and no paper copy or supporting material is asked for). A `collect` event is a department asking citizens or companies for data, so the data items the hub can supply are refused here as well as under the duplicate-collection rule (art 57 item 3). The national exception for paper documents cannot be stated in the event and is not applied.
# custom:
#   code: JY-57-ASK-CITIZENS
#   regulation: jiyuan
#   article: 57
#   item: 6
#   liability: "60(6)"
#   severity: prohibited
#   quote: "要求公民、法人和其他组织提供可以从示范区数据中台获取的政务数据，国家规定不适用电子文书的除外；"
#   effective_from: 2022-10-26
#   title_en: Asking citizens or companies for data obtainable from the Jiyuan data hub
#   message:
#     zh: 不得要求公民、法人和其他组织提供数据项{fields}，这些数据可以从示范区数据中台的{datasets}获取。
#     en: Citizens, legal persons and other organisations may not be asked to provide the data items {fields}; they can be obtained from {datasets} on the Jiyuan data hub.
#   remedy:
#     zh: 不再要求申请人提供这些数据，改为通过示范区数据中台共享获取或联机核验；电子文书、电子证照与纸质原件具有同等效力，不得再要求提交纸质版本。国家规定不适用电子文书的，写明该规定后按其办理。
#     en: Stop asking applicants for this data and obtain or verify it through the Jiyuan data hub instead; electronic documents and licences have the same force as paper originals, so no paper copy may be required. Where national rules exclude electronic documents, cite them and follow them.
package local.jiyuan.collect.ask_citizens

import rego.v1

# The same hub look-up as art 57 item 3 (see local.jiyuan.collect.duplicate_collection).
obtainable := data.local.jiyuan.collect.duplicate_collection.duplicated

datasets := data.local.jiyuan.collect.duplicate_collection.dataset_names

violation contains {"fields": sort(obtainable), "datasets": sort(datasets)} if {
	input.action == "collect"
	count(obtainable) > 0
}
