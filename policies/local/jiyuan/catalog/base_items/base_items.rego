# METADATA
# title: 基础数据库的基础信息项未列为无条件共享
# description: The base information items of the base databases (natural persons, legal persons, credit information, natural resources and geospatial data, electronic licences) are a common need of every department's administrative duties and are shared unconditionally (art 32(2) item 2; art 15(1) says the same of the population, legal-entity, geospatial and e-licence base resources). A catalogue entry that belongs to a base database (`base_data`) but is classified as conditional or not shareable is refused. The engine takes an entry marked with a base database to hold that database's base information items; the business items of a base resource (art 15(1), second sentence) belong in an entry of their own, without `base_data`.
# custom:
#   code: JY-32-BASE-ITEMS
#   regulation: jiyuan
#   article: 32
#   paragraph: 2
#   item: 2
#   liability: "60(1)"
#   severity: prohibited
#   quote: "自然人、法人、信用信息、自然资源和空间地理、电子证照等基础数据库的基础信息项是各政务部门履行行政管理职能的共同需要，应当无条件共享；"
#   effective_from: 2022-10-26
#   title_en: Base information items not classified as unconditionally shared
#   message:
#     zh: 目录“{dataset}”属于{base}的基础信息项，应当无条件共享，但被列为{attribute}。
#     en: The catalogue entry "{dataset}" holds base information items of the {base}, which are shared unconditionally, but it is classified as {attribute}.
#   remedy:
#     zh: 将该条目的共享属性改为无条件共享后再报送审核。确有不宜无条件共享的业务信息项的，从基础信息项中拆分出来，单独编目。
#     en: Reclassify the entry as unconditionally shared and submit it again. Business items that should not be shared unconditionally go into an entry of their own, separate from the base information items.
#   labels:
#     population: {zh: 自然人（人口）基础数据库, en: natural-person (population) base database}
#     legal_entity: {zh: 法人基础数据库, en: legal-person base database}
#     credit: {zh: 信用信息基础数据库, en: credit-information base database}
#     geospatial: {zh: 自然资源和空间地理基础数据库, en: natural-resources and geospatial base database}
#     e_licence: {zh: 电子证照基础数据库, en: electronic-licence base database}
#     conditional: {zh: 有条件共享类, en: conditionally shared}
#     not_shareable: {zh: 不予共享类, en: not shareable}
package local.jiyuan.catalog.base_items

import rego.v1

import data.lib.state

violation contains {"dataset": state.entry_name, "base": input.entry.base_data, "attribute": input.entry.share_attribute} if {
	input.action == "catalog"
	is_string(input.entry.base_data)
	input.entry.share_attribute != "unconditional"
}
