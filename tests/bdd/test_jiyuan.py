"""《济源示范区政务数据共享管理暂行办法》作为地方叠加规则：features/济源_地方规定.feature，
经 HTTP 接口 POST /v1/decisions 逐条验证（事件声明 jurisdiction = jiyuan）。"""

from pytest_bdd import scenarios

from tests.bdd.steps_jiyuan import *  # noqa: F401,F403

scenarios("济源_地方规定.feature")
