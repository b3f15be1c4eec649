"""OPA's Data API (/v1/data/...): the real OPA Python client against a live
server, raw rule evaluation, undefined results, metrics and provenance, bad
input and authentication."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time

import pytest
import requests
import uvicorn
from fastapi.testclient import TestClient
from opa_client import OpaClient
from opa_client.errors import PolicyNotFoundError, RegoParseError

from adapters.storage.store import NotFound
from tests.conftest import ADMIN_TOKEN
from tests.integration.test_api import USE

THIRD_PARTY = {**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}
OTHER_PURPOSE = {**USE, "purpose": "招商引资"}


def ledger_refs(service) -> list[str]:
    return [entry.ref for entry in service.store.ledger()]


# --- the real OPA client against a live server --------------------------------------


@pytest.fixture
def live_port(app, client):
    """The app served by uvicorn on 127.0.0.1 and a free port, in a background
    thread, stopped at the end. (`client` is requested so a test that suspends a
    grant gets the demo data back afterwards.)"""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="opa-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("uvicorn did not start on 127.0.0.1")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive(), "uvicorn did not stop"


def opa(port: int, token: str | None = ADMIN_TOKEN) -> OpaClient:
    # retries=0: a failure must show as itself, not be retried.
    return OpaClient(host="127.0.0.1", port=port, token=token, timeout=10, retries=0)


def test_the_opa_python_client_works_unchanged(live_port, service):
    with opa(live_port) as client:
        # query_rule turns package "govshare" + rule "decision" into POST /v1/data/govshare/decision {"input": ...}
        answer = client.query_rule(input_data=USE, package_path="govshare", rule_name="decision")
        decision = answer["result"]
        assert decision["outcome"] == "allow" and decision["allow"] is True
        assert answer["decision_id"] == decision["decision_id"]
        # It went through the lifecycle: logged, and the allowed use left its usage record (art 29(2)).
        assert decision["decision_id"] in ledger_refs(service)
        assert service.store.record(f"r-{decision['decision_id']}")["grant"] == "g-2026-0001"

        denied = client.query_rule(input_data=THIRD_PARTY, package_path="govshare", rule_name="allow")
        assert denied["result"] is False and denied["decision_id"] in ledger_refs(service)

        # A raw rule, with OPA's query parameters.
        raw = client.query_rule(input_data=OTHER_PURPOSE, package_path="gdsr.use.beyond_purpose", rule_name="violation",
                                query_params={"metrics": True, "provenance": True})
        assert raw["result"] == [{"dataset": "人口基础信息", "granted": ["社会救助资格审核"], "purpose": "招商引资"}]
        assert raw["metrics"]["timer_rego_query_eval_ns"] > 0 and raw["metrics"]["timer_server_handler_ns"] > 0
        assert raw["provenance"]["revision"] == service.engine.policies.revision

        # get_data: GET /v1/data/<path> without input.
        assert sorted(client.get_data("lib/state/use_actions")["result"]) == ["transfer", "use"]
        with pytest.raises(PolicyNotFoundError):
            client.get_data("no/such/package")

        # The service is read-only: a policy upload (with the client's v0→v1 rewriting off) is refused, and nothing appears.
        with pytest.raises(RegoParseError):
            client.update_policy_from_string("package injected\n\nallow := true\n", "injected", rego_compat=False)
        with pytest.raises(PolicyNotFoundError):
            client.get_data("injected/allow")


def test_the_opa_client_without_a_token_gets_401(live_port):
    with opa(live_port, token=None) as client:
        with pytest.raises(requests.HTTPError) as raised:
            client.query_rule(input_data=USE, package_path="govshare", rule_name="allow")
    assert raised.value.response.status_code == 401


# --- the Data API through the app ----------------------------------------------------------


def test_a_raw_rule_is_evaluated_on_the_raw_input_and_nothing_is_logged(client, service):
    before = service.store.ledger_length()
    response = client.post("/v1/data/gdsr/use/beyond_purpose/violation", json={"input": OTHER_PURPOSE})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == [{"dataset": "人口基础信息", "granted": ["社会救助资格审核"], "purpose": "招商引资"}]
    assert len(body["decision_id"]) == 32
    # Within the grant, the same rule finds nothing.
    assert client.post("/v1/data/gdsr/use/beyond_purpose/violation", json={"input": USE}).json()["result"] == []
    assert service.store.ledger_length() == before
    assert service.engine.snapshot.grants["g-2026-0001"]["status"] == "active"  # a raw misuse suspends nothing


def test_a_package_path_answers_its_rules_and_a_path_into_a_value_answers_that_value(client):
    package = client.post("/v1/data/gdsr/use/beyond_purpose", json={"input": OTHER_PURPOSE}).json()["result"]
    assert set(package) == {"granted", "violation"} and package["granted"] == ["社会救助资格审核"]
    assert client.post("/v1/data/lib/state/grant/id", json={"input": USE}).json()["result"] == "g-2026-0001"
    assert client.post("/v1/data/gdsr/use/beyond_purpose/violation/0/purpose", json={"input": OTHER_PURPOSE}).json()["result"] == "招商引资"


def test_get_takes_the_input_as_a_query_parameter(client):
    response = client.get("/v1/data/gdsr/use/beyond_purpose/granted", params={"input": json.dumps(USE, ensure_ascii=False)})
    assert response.status_code == 200 and response.json()["result"] == ["社会救助资格审核"]


def test_undefined_is_200_without_result(client):
    # No grant in the input: `granted` is undefined; an unknown rule in a loaded package too.
    for path in ("gdsr/use/beyond_purpose/granted", "gdsr/use/beyond_purpose/no_such_rule"):
        response = client.post(f"/v1/data/{path}", json={"input": {"action": "use"}})
        assert response.status_code == 200, path
        body = response.json()
        assert "result" not in body and len(body["decision_id"]) == 32


def test_post_without_input_warns_like_opa(client):
    body = client.post("/v1/data/lib/state/use_actions", json={}).json()
    assert sorted(body["result"]) == ["transfer", "use"]
    assert body["warning"]["code"] == "api_usage_warning"


def test_metrics_and_provenance(client, service):
    body = client.post("/v1/data/govshare/allow?metrics=true&provenance=true", json={"input": USE}).json()
    assert body["result"] is True
    assert {"timer_rego_query_eval_ns", "timer_server_handler_ns", "timer_rego_input_parse_ns"} <= set(body["metrics"])
    assert all(isinstance(v, int) and v >= 0 for v in body["metrics"].values())
    assert body["metrics"]["timer_server_handler_ns"] >= body["metrics"]["timer_rego_query_eval_ns"]
    provenance = body["provenance"]
    assert provenance["version"] == "0.1.0"
    assert provenance["revision"] == service.engine.policies.revision
    assert provenance["data_revision"] == service.engine.data_revision
    plain = client.post("/v1/data/govshare/allow", json={"input": USE}).json()
    assert "metrics" not in plain and "provenance" not in plain


def test_pretty_indents_the_same_answer(client):
    pretty = client.get("/v1/data/lib/state/use_actions?pretty=true")
    plain = client.get("/v1/data/lib/state/use_actions")
    assert pretty.status_code == plain.status_code == 200
    assert pretty.text.startswith('{\n  "result": [') and "\n" not in plain.text
    assert sorted(pretty.json()["result"]) == sorted(plain.json()["result"]) == ["transfer", "use"]


def test_govshare_decision_is_the_full_decision_through_the_lifecycle(client, service):
    body = client.post("/v1/data/govshare/decision", json={"input": THIRD_PARTY}).json()
    decision = body["result"]
    assert decision["outcome"] == "deny" and decision["allow"] is False
    (violation,) = [v for v in decision["violations"] if v["code"] == "GDSR-25-THIRD-PARTY"]
    assert (violation["article"], violation["paragraph"], violation["liability"]) == (25, 1, "40(3)")
    assert body["decision_id"] == decision["decision_id"] and decision["decision_id"] in ledger_refs(service)
    # The holder's misuse suspended the grant (art 27(2)), exactly as POST /v1/decisions would.
    assert service.store.grant("g-2026-0001").status.value == "suspended"
    assert client.post("/v1/data/govshare/decision/outcome", json={"input": USE}).json()["result"] == "deny"


def test_bad_decision_input_is_400_naming_the_field(client, service):
    before = service.store.ledger_length()
    response = client.post("/v1/data/govshare/decision", json={"input": {**USE, "requester": {}, "action": "steal"}})
    assert response.status_code == 400
    fields = {f["field"]: f for f in response.json()["error"]["fields"]}
    assert {"input.requester.department", "input.action"} <= set(fields)
    assert fields["input.requester.department"]["problem"]["zh"] == "缺少必填字段"
    missing = client.post("/v1/data/govshare/allow", json={})
    assert missing.status_code == 400 and missing.json()["error"]["fields"][0]["field"] == "input"
    unknown = client.post("/v1/data/govshare/decision", json={"input": {**USE, "jurisdiction": "atlantis"}})
    assert unknown.status_code == 400 and unknown.json()["error"]["fields"][0]["field"] == "input.jurisdiction"
    assert service.store.ledger_length() == before  # nothing was decided


def opa_error(response, status: int, code: str) -> dict:
    """OPA's error shape: top-level `code` and a `message` string ("中文 / English"),
    with govshare's bilingual `error` alongside."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and "result" not in body
    zh, en = body["error"]["message"]["zh"], body["error"]["message"]["en"]
    assert zh and en and body["message"] == f"{zh} / {en}"
    return body


def test_malformed_json_is_400(client):
    response = client.post("/v1/data/govshare/allow", content=b'{"input": ', headers={"content-type": "application/json"})
    assert opa_error(response, 400, "invalid_parameter")["error"]["code"] == "malformed_json"
    response = client.get("/v1/data/lib/state/grant", params={"input": "{not json"})
    assert response.status_code == 400 and response.json()["error"]["fields"][0]["field"] == "input"
    response = client.post("/v1/data/lib/state/grant", json=["not", "an", "object"])
    assert response.status_code == 400 and response.json()["error"]["fields"][0]["field"] == "body"


def test_unknown_paths_and_undefined_documents_are_200_without_result_like_opa(client):
    # OPA: "The server returns 200 if the path refers to an undefined document ... the response will not
    # contain a result property." Unknown paths, the base data and the root are no different.
    for method in ("post", "get"):
        for path in ("no/such/package", "govshare/catalog", "gdsrx", "doesnot/exist"):
            kwargs = {"json": {"input": USE}} if method == "post" else {}
            response = getattr(client, method)(f"/v1/data/{path}", **kwargs)
            assert response.status_code == 200, (method, path)
            assert "result" not in response.json() and "code" not in response.json()
    root = client.get("/v1/data")
    assert root.status_code == 200 and "result" not in root.json()
    assert root.json()["warning"]["code"] == "api_usage_warning"  # the whole data document is not served
    assert client.post("/v1/data", json={"input": USE}).status_code == 200


def test_the_rego_test_packages_are_not_served(client):
    assert client.get("/v1/data/gdsr/catalog/assessments").json()["result"]  # the package itself is
    for path in ("gdsr/catalog/assessments_test", "gdsr/use/beyond_purpose_test"):
        response = client.post(f"/v1/data/{path}", json={"input": USE})
        assert response.status_code == 200 and "result" not in response.json(), path
    # A prefix query leaves them out too.
    prefix = client.post("/v1/data/gdsr/use", json={"input": USE}).json()["result"]
    assert "beyond_purpose" in prefix and not [k for k in prefix if k.endswith("_test")]


def test_a_rego_runtime_error_gives_no_result_and_names_the_rule(client):
    # `fields` must be an array; a number makes a rule's `some .. in` fail at run time. The policies and
    # data were checked at load, so the error is the input's: 400 in OPA's shape, with OPA's errors[].
    rule = "data.gdsr.security.personal_information.involved"
    response = client.post("/v1/data/gdsr/security/personal_information/involved", json={"input": {**USE, "fields": 5}})
    body = opa_error(response, 400, "invalid_parameter")
    (detail,) = body["errors"]
    assert detail["location"]["file"].endswith(".rego") and detail["location"]["row"] > 0 and detail["message"]
    error = body["error"]
    assert error["code"] == "evaluation_error" and error["rule"] == rule
    assert error["location"].split(":")[0].endswith(".rego")
    assert rule in error["message"]["zh"] and rule in error["message"]["en"]


def deep_input(levels: int) -> bytes:
    return b'{"input": ' + b'{"a":' * levels + b"1" + b"}" * levels + b"}"


@pytest.mark.parametrize("levels", [40, 128, 255, 300, 1100])
def test_deeply_nested_input_is_400_naming_the_body_never_500(client, levels):
    response = client.post("/v1/data/lib/state/use_actions", content=deep_input(levels),
                           headers={"content-type": "application/json", "X-Request-ID": f"req-deep-{levels}"})
    body = opa_error(response, 400, "invalid_parameter")
    assert body["error"]["code"] == "json_too_deep" and body["error"]["fields"][0]["field"] == "body"
    assert "32" in body["error"]["message"]["zh"] or "1024" in body["error"]["message"]["zh"]
    assert response.headers["x-request-id"] == f"req-deep-{levels}"
    # The decision paths are guarded the same way.
    assert client.post("/v1/data/govshare/decision", content=deep_input(levels)).status_code == 400


def test_deeply_nested_get_input_is_400_naming_the_query_parameter(client):
    response = client.get("/v1/data/lib/state/use_actions", params={"input": '{"a":' * 300 + "1" + "}" * 300})
    body = opa_error(response, 400, "invalid_parameter")
    assert body["error"]["fields"][0]["field"] == "input" and body["error"]["fields"][0]["type"] == "too_deep"
    shallow = client.get("/v1/data/lib/state/use_actions", params={"input": '{"a":' * 5 + "1" + "}" * 5})
    assert shallow.status_code == 200


@pytest.mark.parametrize("levels", [128, 300])
def test_input_too_deep_for_the_engine_is_400_without_a_traceback(client, service, monkeypatch, caplog, levels):
    # With the limit raised past what regorus (about 128 levels) or orjson (255 when writing) can take,
    # their refusal is still the client's 400, never a 500, and nothing is logged with a traceback.
    monkeypatch.setattr(service.settings, "max_json_depth", 5000)
    with caplog.at_level(logging.INFO, logger="govshare"):
        response = client.post("/v1/data/lib/state/use_actions", content=deep_input(levels))
    body = opa_error(response, 400, "invalid_parameter")
    assert body["error"]["code"] == "json_too_deep" and body["error"]["fields"][0]["field"] == "input"
    assert not [r for r in caplog.records if r.exc_info]


def test_a_backend_failure_is_a_closed_500_in_opas_shape_without_a_traceback(client, service, monkeypatch, caplog):
    def broken(query, input_json):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(service.engine.backend, "evaluate", broken)
    with caplog.at_level(logging.INFO, logger="govshare"):
        response = client.post("/v1/data/lib/state/use_actions", json={"input": USE}, headers={"X-Request-ID": "req-engine-down"})
    body = opa_error(response, 500, "internal_error")
    assert "Traceback" not in response.text and "exploded" not in response.text
    assert response.headers["x-request-id"] == "req-engine-down"
    assert not [r for r in caplog.records if r.exc_info]
    failures = [r for r in caplog.records if r.name == "govshare.opa"]
    assert failures and "engine exploded" in failures[0].getMessage()


def test_get_on_the_decision_paths_answers_but_writes_nothing(client, service):
    before = service.store.ledger_length()
    # The holder passing the data to a third party: on POST this is logged and suspends the grant.
    denied = client.get("/v1/data/govshare/allow", params={"input": json.dumps(THIRD_PARTY, ensure_ascii=False)})
    assert denied.status_code == 200 and denied.json()["result"] is False
    full = client.get("/v1/data/govshare/decision", params={"input": json.dumps(THIRD_PARTY, ensure_ascii=False)}).json()
    assert full["result"]["outcome"] == "deny" and full["decision_id"] == full["result"]["decision_id"]
    # An allowed use: on POST it leaves a usage record.
    allowed = client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE, ensure_ascii=False)})
    assert allowed.status_code == 200 and allowed.json()["result"] is True
    assert service.store.ledger_length() == before
    with pytest.raises(NotFound):
        service.store.record(f"r-{allowed.json()['decision_id']}")
    assert service.store.grant("g-2026-0001").status.value == "active"
    assert full["decision_id"] not in ledger_refs(service)
    # The route says so, in both languages.
    get = client.get("/openapi.json").json()["paths"]["/v1/data/{path}"]["get"]["description"]
    assert "不写入任何内容" in get and "nothing is written" in get


def test_opa_errors_carry_opas_code_and_message(app, client):
    assert opa_error(TestClient(app).post("/v1/data/govshare/allow", json={"input": USE}), 401, "unauthorized")
    assert opa_error(client.put("/v1/data/lib/state/use_actions", json={}), 405, "invalid_operation")
    missing = opa_error(client.post("/v1/data/govshare/allow", json={}), 400, "invalid_parameter")
    assert missing["error"]["fields"][0]["field"] == "input"


def test_the_data_api_refuses_writes(client):
    assert client.put("/v1/data/gdsr/use/beyond_purpose/granted", json=["anything"]).status_code == 405
    assert client.delete("/v1/data/gdsr/use/beyond_purpose").status_code == 405


def test_every_data_endpoint_needs_a_token(app):
    anonymous = TestClient(app)
    for method, path in (("post", "/v1/data/govshare/decision"), ("post", "/v1/data/govshare/allow"),
                         ("post", "/v1/data/gdsr/use/beyond_purpose/violation"), ("get", "/v1/data/lib/state/use_actions")):
        response = getattr(anonymous, method)(path, **({"json": {"input": USE}} if method == "post" else {}))
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthenticated"
