# METADATA
# title: 违规使用共享数据，示范区数据主管部门有权暂停或终止服务
# description: Where a data-using department is found using data unlawfully or against the rules, beyond its scope, or with a security risk, the competent data department has the power to suspend or terminate the data service (art 36). The article grants a power and does not oblige the competent department to use it, so the engine neither suspends the grant itself nor blocks anything on this rule alone - it reports art 36 beside every Jiyuan refusal for misuse (provision to a third party or use for another purpose under art 33(3), use beyond the authorised scope or method under art 9, which includes relying on another department's grant, on a grant for other data or on one outside its validity), so that the competent department can decide. Once it suspends or terminates the service, JY-36-SERVICE-SUSPENDED refuses further use.
# custom:
#   code: JY-36-MISUSE
#   regulation: jiyuan
#   article: 36
#   severity: prohibited
#   quote: "如发现数据应用部门违法违规使用、超范围使用、使用存在安全风险等情况，示范区数据主管部门有权暂停或终止服务。"
#   effective_from: 2022-10-26
#   title_en: Misuse of shared data; the competent department may suspend or terminate the service
#   message:
#     zh: “{requester}”对“{dataset}”的本次使用属于{misuse}，示范区数据主管部门有权暂停或终止对其的数据服务。
#     en: 'This use of "{dataset}" by "{requester}" is {misuse}; the Jiyuan competent data department may suspend or terminate its data service.'
#   remedy:
#     zh: 停止该使用并整改。示范区数据主管部门根据情节决定是否暂停或终止服务；决定暂停或终止的，在平台上将相应共享授权标记为暂停或终止，此后的使用将被拒绝。
#     en: Stop this use and put things right. The competent data department decides, on the facts, whether to suspend or terminate the service; if it does, it marks the grant as suspended or terminated on the platform, and later uses are refused.
#   labels:
#     third_party: {zh: 向第三方提供, en: provision to a third party}
#     other_purpose: {zh: 用于其他目的, en: use for another purpose}
#     beyond_scope: {zh: 超出授权的范围或方式使用, en: use beyond the authorised scope or method}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.service.misuse

import rego.v1

import data.lib.state

misuse contains "third_party" if count(data.local.jiyuan.use.third_party.violation) > 0

misuse contains "other_purpose" if count(data.local.jiyuan.use.other_purpose.violation) > 0

misuse contains "beyond_scope" if count(data.local.jiyuan.use.authorised_scope.violation) > 0

violation contains {"dataset": state.dataset_name, "requester": input.requester.department, "misuse": sort(misuse)} if {
	count(misuse) > 0
}
