"""Jurisdictions select layers; each layer applies only from its effective date;
a local rule adds to the national ones and never removes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.regorus_backend import RegorusBackend
from engine.decide import DataSnapshot, DecisionEngine, EventError
from engine.errors import PolicyError
from engine.models import AccessEvent
from engine.policyset import load_policy_set

RULE = '''# METADATA
# title: {title}
# custom:
#   code: {code}
#   regulation: {regulation}
#   article: {article}
#   severity: prohibited
#   quote: "提供给第三方"
#   effective_from: {since}
#   title_en: {title}
#   message:
#     zh: 不得向第三方提供。
#     en: No third parties.
#   remedy:
#     zh: 停止。
#     en: Stop.
package {package}

import rego.v1

violation contains {{"x": 1}} if {{
	input.action == "transfer"
	input.recipient.kind == "third_party"
}}
'''


def write(root: Path, rel: str, **values) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE.format(**values), encoding="utf-8")


@pytest.fixture
def engine(tmp_path):
    write(tmp_path, "gdsr/t/national.rego", title="国家规则", code="GDSR-25-T", regulation="gdsr", article=25, since="2025-08-01", package="gdsr.t.national")
    write(tmp_path, "local/jiyuan/t/local.rego", title="地方规则", code="JY-33-T", regulation="jiyuan", article=33, since="2022-10-26", package="local.jiyuan.t.local")
    policies = load_policy_set(tmp_path, RegorusBackend())
    return DecisionEngine(policies, RegorusBackend(), DataSnapshot())


def decide(engine, at, jurisdiction=None):
    event = {"action": "transfer", "at": at, "requester": {"department": "示范区民政局"}, "recipient": {"kind": "third_party", "name": "某公司"}}
    if jurisdiction:
        event["jurisdiction"] = jurisdiction
    return engine.decide(AccessEvent.model_validate(event))


def test_national_only_without_jurisdiction(engine):
    decision = decide(engine, "2026-03-02T10:00:00+08:00")
    assert [v.code for v in decision.violations] == ["GDSR-25-T"]
    assert decision.law_version == "gdsr@2025-08-01"


def test_both_layers_are_cited_when_both_forbid(engine):
    decision = decide(engine, "2026-03-02T10:00:00+08:00", "jiyuan")
    assert {(v.regulation, v.code) for v in decision.violations} == {("gdsr", "GDSR-25-T"), ("jiyuan", "JY-33-T")}
    assert decision.law_version == "gdsr@2025-08-01+jiyuan@2022-10-26"


def test_before_the_national_regulation_only_the_local_layer_applies(engine):
    decision = decide(engine, "2024-06-01T10:00:00+08:00", "jiyuan")
    assert [v.code for v in decision.violations] == ["JY-33-T"]
    assert decision.law_version == "jiyuan@2022-10-26"


def test_before_any_layer_is_in_force_nothing_is_allowed(engine):
    decision = decide(engine, "2022-10-25T10:00:00+08:00", "jiyuan")
    assert decision.outcome == "indeterminate" and decision.violations[0].code == "GOVSHARE-NO-LAW-IN-FORCE"
    assert "2022-10-26" in decision.violations[0].message.zh


def test_unknown_jurisdiction_is_refused(engine):
    with pytest.raises(EventError):
        decide(engine, "2026-03-02T10:00:00+08:00", "zhengzhou")


def test_a_local_rule_must_live_in_its_layer(tmp_path):
    write(tmp_path, "gdsr/t/misplaced.rego", title="放错位置", code="JY-33-X", regulation="jiyuan", article=33, since="2022-10-26", package="gdsr.t.misplaced")
    with pytest.raises(PolicyError) as caught:
        load_policy_set(tmp_path, RegorusBackend())
    assert "belongs under policies/local/jiyuan/" in str(caught.value)


def test_a_local_rule_must_cite_a_real_local_article(tmp_path):
    write(tmp_path, "local/jiyuan/t/x.rego", title="条号错误", code="JY-99-X", regulation="jiyuan", article=99, since="2022-10-26", package="local.jiyuan.t.x")
    with pytest.raises(PolicyError) as caught:
        load_policy_set(tmp_path, RegorusBackend())
    assert "jiyuan has no article 99" in str(caught.value)
