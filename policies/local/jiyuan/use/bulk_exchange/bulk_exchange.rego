# METADATA
# title: 服务接口或交叉核验可以满足需求时采用批量交换
# description: Where the data service interface (API) or cross-verification can meet the need, bulk data exchange is in principle not used (art 33(3), last sentence; art 7(2) sets the least-sufficient principle for scenario-based authorisation). A catalogue entry that offers an API or verification shows that these services exist for the data, so an application for bulk exchange of that data is refused, and so is a use or delivery by bulk exchange unless the grant relied on approved bulk exchange - the competent data department decides the sharing method (art 7(2)), and a grant that names bulk exchange records the exception "in principle" leaves room for. The event model has no field in which an applicant could justify bulk exchange, so such an exception is settled with the competent department outside the engine.
# custom:
#   code: JY-33-BULK-EXCHANGE
#   regulation: jiyuan
#   article: 33
#   paragraph: 3
#   liability: "60(6)"
#   severity: prohibited
#   quote: "通过数据服务接口和数据交叉核验服务可以满足共享需求的，原则上不采用数据批量交换服务。"
#   effective_from: 2022-10-26
#   title_en: Bulk exchange where an API or cross-verification would do
#   message:
#     zh: “{dataset}”可以通过{offered}获取，原则上不采用批量数据交换方式{action}。
#     en: '"{dataset}" is available through {offered}; it is in principle not to be {action} by bulk exchange.'
#   remedy:
#     zh: 改用数据服务接口或数据交叉核验方式；确因业务需要只能批量交换的，向示范区数据主管部门说明理由，经同意后另行办理。
#     en: Use the API or cross-verification instead; if only bulk exchange can serve the need, explain why to the Jiyuan competent data department and proceed only with its agreement.
#   labels:
#     api: {zh: 数据服务接口, en: a data service interface}
#     verify: {zh: 数据交叉核验, en: cross-verification}
#     apply: {zh: 申请, en: applied for}
#     use: {zh: 使用, en: used}
#     deliver: {zh: 交付, en: delivered}
#     unspecified: {zh: （未指明的数据）, en: (data not named)}
package local.jiyuan.use.bulk_exchange

import rego.v1

import data.lib.state

steps := {"apply", "use", "deliver"}

offered := sort({m | some m in object.get(state.dataset, "methods", []); m in {"api", "verify"}})

# A grant that approved bulk exchange is the competent department's decision on the method.
approved_bulk if {
	input.action != "apply"
	state.grant.method == "bulk"
}

violation contains {"dataset": state.dataset_name, "offered": offered, "action": input.action} if {
	input.action in steps
	input.method == "bulk"
	count(offered) > 0
	not approved_bulk
}
