"""POST /v1/decisions, /health and the OpenAPI document through the HTTP API."""

from __future__ import annotations

import pytest

USE = {
    "action": "use",
    "at": "2026-03-02T10:00:00+08:00",
    "requester": {"department": "示范区民政局", "level": "county", "region": "419001"},
    "dataset": "ds-population-basic",
    "fields": ["name", "id_number"],
    "purpose": "社会救助资格审核",
    "scenario": "最低生活保障申请审核",
    "method": "api",
    "grant": "g-2026-0001",
    "recipient": {"kind": "self"},
    "channel": "platform",
    "pi_basis": "《个人信息保护法》第十三条第一款第三项",
    "controls": ["传输加密", "访问权限控制", "操作日志留存"],
}


def codes(decision: dict) -> set[str]:
    return {v["code"] for v in decision["violations"]}


def test_use_within_the_grant_is_allowed_with_the_record_obligation(decide):
    decision = decide(USE)
    assert decision["outcome"] == "allow" and decision["allow"] is True
    assert decision["violations"] == []
    assert [o["code"] for o in decision["obligations"]] == ["GDSR-29-RECORD-USE"]
    assert decision["law_version"] == "gdsr@2025-08-01"
    assert decision["policy_revision"].startswith("sha256:") and decision["data_revision"].startswith("sha256:")
    assert len(decision["decision_id"]) == 32


def test_transfer_to_third_party_is_denied_with_article_25_and_liability_40_3(decide):
    decision = decide({**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某科技有限公司"}})
    assert decision["outcome"] == "deny" and decision["allow"] is False
    (violation,) = [v for v in decision["violations"] if v["code"] == "GDSR-25-THIRD-PARTY"]
    assert (violation["regulation"], violation["article"], violation["paragraph"], violation["liability"]) == ("gdsr", 25, 1, "40(3)")
    assert "某科技有限公司" in violation["message"]["zh"] and "某科技有限公司" in violation["message"]["en"]
    assert violation["remedy"]["zh"] and violation["remedy"]["en"]


def test_every_broken_rule_is_reported_not_just_the_first(decide):
    decision = decide({
        **USE,
        "action": "transfer",
        "purpose": "招商引资",
        "fields": ["name", "id_number", "gender"],
        "recipient": {"kind": "third_party", "name": "某科技有限公司"},
    })
    assert {"GDSR-25-PURPOSE", "GDSR-20-FIELDS-NOT-GRANTED", "GDSR-25-THIRD-PARTY"} <= codes(decision)
    assert decision["outcome"] == "deny"


def test_incomplete_application_needs_action_listing_each_missing_item(decide):
    decision = decide({"action": "apply", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
                       "dataset": "ds-population-basic", "fields": ["name"], "pi_basis": USE["pi_basis"]})
    assert decision["outcome"] == "needs_action" and decision["allow"] is False
    items = {v["facts"]["item"] for v in decision["violations"] if v["code"] == "GDSR-20-APPLICATION-CONTENTS"}
    assert items == {"legal_basis", "scenario", "use_scope", "method", "use_until", "unit_head_approved"}
    assert all(v["article"] == 20 and v["paragraph"] == 2 for v in decision["violations"])


def test_unknown_dataset_is_never_allowed(decide):
    decision = decide({**USE, "dataset": "ds-does-not-exist"})
    assert decision["allow"] is False
    assert "GDSR-16-PUBLISHED-CATALOGUE" in codes(decision)


def test_inline_state_never_overrides_stored_grant(client):
    # The stored grant does not cover "gender"; an inline copy under its id that claims it does is refused.
    inline_grant = {"id": "g-2026-0001", "dataset": "ds-population-basic", "requester": "示范区民政局",
                    "fields": ["name", "id_number", "gender"], "purposes": ["社会救助资格审核"]}
    response = client.post("/v1/decisions", json={**USE, "fields": ["gender"], "inline": {"grant": inline_grant}})
    assert response.status_code == 422
    assert "inline.grant" in error_fields(response)


def test_health_reports_revisions_and_counts(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["datasets"] >= 20 and body["rules"] >= 10
    assert body["policy_revision"].startswith("sha256:")


# --- bad input: a clear 4xx naming the field, never a 500 -----------------

def error_fields(response) -> dict[str, dict]:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]["zh"] and body["error"]["message"]["en"]
    return {f["field"]: f for f in body["error"].get("fields", [])}


def test_malformed_json_is_400(client):
    response = client.post("/v1/decisions", content=b'{"action": "use",', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_unknown_action_is_422_naming_action(client):
    response = client.post("/v1/decisions", json={**USE, "action": "steal"})
    assert response.status_code == 422
    field = error_fields(response)["action"]
    assert "apply" in field["problem"]["en"] and field["problem"]["zh"].startswith("取值不在允许范围内")


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"requester": {"department": 42}}, "requester.department"),
        ({"requester": {}}, "requester.department"),
        ({"fields": "name"}, "fields"),
        ({"at": "next tuesday"}, "at"),
        ({"use_until": "2026-13-45"}, "use_until"),
        ({"recipient": {"kind": "friend"}}, "recipient.kind"),
        ({"method": "carrier-pigeon"}, "method"),
        ({"purpse": "typo"}, "purpse"),
        ({"fields": ["name", 7]}, "fields[1]"),
        ({"at": "0001-01-01T00:00:00+14:00"}, "at"),
        ({"at": "9999-12-31T23:59:59-12:00"}, "at"),
    ],
)
def test_wrong_values_are_422_naming_the_field(client, patch, field):
    response = client.post("/v1/decisions", json={**USE, **patch})
    assert response.status_code == 422, response.text
    assert field in error_fields(response)


def test_missing_requester_is_422(client):
    event = {k: v for k, v in USE.items() if k != "requester"}
    response = client.post("/v1/decisions", json=event)
    assert response.status_code == 422
    assert error_fields(response)["requester"]["problem"]["zh"] == "缺少必填字段"


def test_body_that_is_not_an_object_is_422(client):
    response = client.post("/v1/decisions", json=["use"])
    assert response.status_code == 422


def test_unknown_jurisdiction_is_422_naming_it(client):
    response = client.post("/v1/decisions", json={**USE, "jurisdiction": "atlantis"})
    assert response.status_code == 422
    assert "atlantis" in error_fields(response)["jurisdiction"]["problem"]["zh"]


def test_oversized_body_is_413(client, service):
    big = {**USE, "scenario": "x" * (service.settings.max_body_bytes + 10)}
    response = client.post("/v1/decisions", json=big)
    assert response.status_code == 413
    assert error_fields(response)["body"]["type"] == "too_large"


def test_oversized_body_without_content_length_is_413(client, service):
    def chunks():
        for _ in range(service.settings.max_body_bytes // 65536 + 2):
            yield b" " * 65536

    response = client.post("/v1/decisions", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_unknown_path_and_wrong_method_are_json_4xx(client):
    assert client.get("/v1/nothing").status_code == 404
    response = client.get("/v1/decisions")
    assert response.status_code == 405 and response.json()["error"]["message"]["zh"]


# --- OpenAPI ---------------------------------------------------------------

def test_openapi_documents_every_field_with_chinese_examples(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("AccessEvent", "Requester", "Recipient", "Decision", "Violation", "Text"):
        for field, schema in schemas[name]["properties"].items():
            assert schema.get("description"), f"{name}.{field} has no description"
    example = spec["paths"]["/v1/decisions"]["post"]["responses"]["200"]["content"]["application/json"]["example"]
    assert "提供部门" in example["violations"][0]["message"]["zh"]
    request_example = schemas["AccessEvent"]["examples"][0]
    assert request_example["requester"]["department"] == "示范区民政局"
    assert client.get("/docs").status_code == 200


def test_inline_state_can_be_refused_by_configuration(tmp_path):
    from fastapi.testclient import TestClient

    from adapters.http.app import create_app
    from adapters.service import build_service
    from tests.conftest import admin_client, make_settings

    strict = admin_client(create_app(build_service(make_settings(tmp_path, accept_inline_state=False))))
    inline_grant = {"id": "g-mine", "dataset": "ds-population-basic", "requester": "示范区民政局", "fields": ["name"], "purposes": ["招商引资"]}
    response = strict.post("/v1/decisions", json={**USE, "grant": "g-mine", "inline": {"grant": inline_grant}})
    assert response.status_code == 422
    assert "inline" in error_fields(response)
    assert strict.post("/v1/decisions", json=USE).json()["outcome"] == "allow"


def nested(levels: int) -> dict:
    value: dict = {"name": "x"}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("levels", [33, 128, 300])
def test_deeply_nested_json_is_400_naming_the_problem(client, service, levels):
    # The body nests `levels` + 1 objects: over max_json_depth (32), whatever the route.
    before = service.store.ledger_length()
    deep = nested(levels)
    for path, body in (("/v1/decisions", {**USE, "scenario": deep}), ("/v1/decisions:batch", {"events": [{**USE, "scenario": deep}]}),
                       ("/access/v1/evaluation", {"subject": deep}), ("/access/v1/evaluations", {"evaluations": [deep]})):
        response = client.post(path, json=body, headers={"X-Request-ID": f"req-deep-{levels}"})
        assert response.status_code == 400, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "json_too_deep" and "32" in error["message"]["zh"] and "32" in error["message"]["en"]
        (field,) = error["fields"]
        assert field["field"] == "body" and field["type"] == "too_deep" and field["problem"]["zh"] and field["problem"]["en"]
        assert response.headers["x-request-id"] == f"req-deep-{levels}"
    assert service.store.ledger_length() == before


def test_nesting_up_to_the_limit_is_accepted(client, service, monkeypatch):
    monkeypatch.setattr(service.settings, "max_json_depth", 3)
    assert client.post("/v1/decisions", json=USE).status_code == 200  # USE nests 2 levels
    # 3 levels passes the guard (and is then judged by the model: scenario must be text) ...
    at_limit = client.post("/v1/decisions", json={**USE, "scenario": {"a": {"b": 1}}})
    assert at_limit.status_code == 422 and at_limit.json()["error"]["code"] == "invalid_request"
    # ... 4 levels does not.
    over = client.post("/v1/decisions", json={**USE, "scenario": {"a": {"b": {"c": 1}}}})
    assert over.status_code == 400 and over.json()["error"]["code"] == "json_too_deep"


def test_a_dry_run_decides_but_writes_nothing(client):
    from tests.conftest import THIRD_PARTY_TRANSFER

    entries = client.get("/v1/ledger/verify").json()["entries"]
    trial = client.post("/v1/decisions", params={"dry_run": "true"}, json=THIRD_PARTY_TRANSFER)
    assert trial.status_code == 200, trial.text
    assert trial.json()["outcome"] == "deny" and "GDSR-25-THIRD-PARTY" in codes(trial.json())
    # A real misuse would have suspended the grant (art 27(2)) and logged the decision.
    assert client.get("/v1/grants/g-2026-0001").json()["status"] == "active"
    assert client.get("/v1/ledger/verify").json()["entries"] == entries
    records = client.get("/v1/records", params={"grant": "g-2026-0001"}).json()
    allowed = client.post("/v1/decisions", params={"dry_run": "true"}, json=USE)
    assert allowed.json()["outcome"] == "allow", allowed.text
    # An allowed use of record writes a usage record (art 29(2)); a trial does not.
    assert client.get("/v1/records", params={"grant": "g-2026-0001"}).json() == records
