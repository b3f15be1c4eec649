"""《政务数据共享条例》的可执行条文：features/ 下每章一个中文 Gherkin 功能文件，
经 HTTP 接口 POST /v1/decisions 逐条验证。"""

from pytest_bdd import scenarios

scenarios("第一章_总则.feature")
scenarios("第三章_目录管理.feature")
scenarios("第四章_共享使用.feature")
scenarios("第五章_平台支撑.feature")
scenarios("第六章_保障措施.feature")
