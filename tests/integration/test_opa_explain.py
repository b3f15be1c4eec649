"""OPA's `?explain=` and `?instrument=` on the Data API: `fails` and `notes`
answer which rule packages were evaluated and which produced findings; the
trace modes OPA has and govshare cannot give, `instrument`, and any unknown
value are refused with 400 naming the parameter (never silently ignored), and
a refused request decides and writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_api import USE
from tests.integration.test_opa_api import OTHER_PURPOSE, THIRD_PARTY


def ledger_length(service) -> int:
    return service.store.ledger_length()


def packages_cited(decision: dict, *kinds: str) -> set[str]:
    return {item["rule"] for kind in kinds for item in decision[kind]}


def test_explain_fails_names_the_packages_evaluated_and_the_ones_that_refused(client, service):
    answer = client.post("/v1/data/govshare/decision?explain=fails", json={"input": THIRD_PARTY})
    assert answer.status_code == 200
    body = answer.json()
    decision, explanation = body["result"], body["explanation"]
    assert decision["outcome"] == "deny" and explanation["mode"] == "fails"
    assert set(explanation["failed"]) == packages_cited(decision, "violations", "breaches") != set()
    assert set(explanation["failed"]) <= set(explanation["evaluated"]) <= set(service.engine.policies.rules)
    assert {f["code"] for f in explanation["findings"]} == {v["code"] for v in decision["violations"] + decision["breaches"]}
    assert all(f["kind"] != "obligation" for f in explanation["findings"])
    assert explanation["note"]["zh"] and explanation["note"]["en"]
    # The rules a transfer cannot reach were not evaluated for it.
    policies = service.engine.policies
    assert all(policies.reaches(p, "transfer") for p in explanation["evaluated"])


def test_explain_notes_adds_the_obligations_and_what_each_finding_says(client, service):
    body = client.post("/v1/data/govshare/decision?explain=notes", json={"input": USE}).json()
    decision, explanation = body["result"], body["explanation"]
    assert decision["outcome"] == "allow" and explanation["failed"] == []
    obligations = [f for f in explanation["findings"] if f["kind"] == "obligation"]
    assert {f["code"] for f in obligations} == {o["code"] for o in decision["obligations"]} != set()
    assert {f["package"] for f in obligations} <= set(explanation["evaluated"])
    assert all(f["message"]["zh"] and f["message"]["en"] for f in obligations)


def test_explain_on_a_get_decision_explains_and_still_writes_nothing(client, service):
    before = ledger_length(service)
    answer = client.get("/v1/data/govshare/allow", params={"input": json.dumps(THIRD_PARTY), "explain": "fails"})
    assert answer.status_code == 200 and answer.json()["result"] is False
    assert answer.json()["explanation"]["failed"]
    assert ledger_length(service) == before


def test_explain_on_a_raw_rule_lists_the_rules_evaluated_and_those_undefined(client):
    one = client.post("/v1/data/gdsr/use/beyond_purpose/violation?explain=fails", json={"input": OTHER_PURPOSE}).json()
    assert one["explanation"]["evaluated"] == ["data.gdsr.use.beyond_purpose.violation"]
    assert one["explanation"]["undefined"] == []
    package = client.post("/v1/data/gdsr/use/beyond_purpose?explain=notes", json={"input": OTHER_PURPOSE}).json()
    evaluated = package["explanation"]["evaluated"]
    assert "data.gdsr.use.beyond_purpose.violation" in evaluated
    assert sorted(package["explanation"]["defined"] + package["explanation"]["undefined"]) == sorted(evaluated)
    assert {name.rsplit(".", 1)[1] for name in package["explanation"]["defined"]} == set(package["result"])


def test_without_explain_or_with_explain_off_there_is_no_explanation(client):
    for query in ("", "?explain=off"):
        body = client.post(f"/v1/data/govshare/decision{query}", json={"input": USE}).json()
        assert "explanation" not in body and body["result"]["outcome"] == "allow"


def refused(response, field: str, kind: str) -> dict:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    (problem,) = body["error"]["fields"]
    assert problem["field"] == field and problem["type"] == kind
    assert problem["problem"]["zh"] and problem["problem"]["en"]
    assert " / " in body["message"]  # 中文 / English
    return body


@pytest.mark.parametrize("mode", ["full", "debug"])
def test_the_trace_modes_are_refused_with_the_reason_and_nothing_is_decided(client, service, mode):
    before = ledger_length(service)
    body = refused(client.post(f"/v1/data/govshare/decision?explain={mode}", json={"input": USE}), "explain", "not_offered")
    assert "notes" in body["error"]["message"]["en"] and "notes" in body["error"]["message"]["zh"]
    assert ledger_length(service) == before


def test_an_unknown_explain_value_is_400_naming_explain(client, service):
    before = ledger_length(service)
    refused(client.post("/v1/data/govshare/decision?explain=everything", json={"input": USE}), "explain", "enum")
    refused(client.get("/v1/data/gdsr/use/beyond_purpose", params={"input": json.dumps(USE), "explain": "fail"}), "explain", "enum")
    assert ledger_length(service) == before


def test_instrument_is_refused_as_not_offered_and_metrics_still_work(client, service):
    before = ledger_length(service)
    refused(client.post("/v1/data/govshare/decision?instrument=true", json={"input": USE}), "instrument", "not_offered")
    assert ledger_length(service) == before
    body = client.post("/v1/data/govshare/decision?instrument=false&metrics=true", json={"input": USE}).json()
    assert body["metrics"]["timer_rego_query_eval_ns"] > 0 and body["result"]["outcome"] == "allow"


def test_the_openapi_document_describes_explain_and_instrument(client):
    operation = client.get("/openapi.json").json()["paths"]["/v1/data/{path}"]["post"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"explain", "instrument", "metrics"} <= names
    assert "explain=fails" in operation["description"] and "instrument" in operation["description"]
