"""OpenID AuthZEN Authorization API 1.0: /access/v1/evaluation, /access/v1/evaluations
and the PDP metadata."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_api import USE

CONTEXT = {
    "at": USE["at"],
    "purpose": USE["purpose"],
    "scenario": USE["scenario"],
    "method": USE["method"],
    "grant": USE["grant"],
    "channel": "platform",
    "recipient": {"kind": "self"},
    "pi_basis": USE["pi_basis"],
    "controls": USE["controls"],
}
SUBJECT = {"type": "department", "id": "示范区民政局", "properties": {"level": "county", "region": "419001"}}
RESOURCE = {"type": "dataset", "id": "ds-population-basic", "properties": {"fields": ["name", "id_number"]}}
ALLOWED_USE = {"subject": SUBJECT, "action": {"name": "use"}, "resource": RESOURCE, "context": CONTEXT}
THIRD_PARTY = {**ALLOWED_USE, "action": {"name": "transfer"},
               "context": {**CONTEXT, "recipient": {"kind": "third_party", "name": "某科技有限公司"}}}
# Denied without touching the grant: the department does not hold g-2026-0001 (only the holder's misuse suspends it).
NOT_THE_HOLDER = {"subject": {"type": "department", "id": "示范区教育体育局"}}
# Denied on its own: the dataset is not shareable.
NOT_SHAREABLE = {"resource": {"type": "dataset", "id": "ds-juvenile-record-sealed", "properties": {"fields": ["name"]}}}


def evaluate(client: TestClient, body: dict, **kwargs):
    return client.post("/access/v1/evaluation", json=body, **kwargs)


def fields(response) -> dict[str, dict]:
    return {f["field"]: f for f in response.json()["error"]["fields"]}


def test_an_allowed_use_is_decision_true_with_its_decision_id(client, service):
    response = evaluate(client, ALLOWED_USE)
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] is True
    context = body["context"]
    assert context["outcome"] == "allow" and context["violations"] == []
    # The duty attached is an Obligations Profile object (see test_authzen_spec.py).
    assert [o["properties"]["code"] for o in context["obligations"]] == ["GDSR-29-RECORD-USE"]
    assert "reason_admin" not in context and "reason_user" not in context
    # Decided through the lifecycle: logged and recorded like POST /v1/decisions.
    assert context["decision_id"] in [e.ref for e in service.store.ledger()]
    assert service.store.record(f"r-{context['decision_id']}")["fields"] == ["name", "id_number"]


def test_a_deny_is_200_with_decision_false_and_the_cited_violations(client):
    response = evaluate(client, THIRD_PARTY)
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] is False
    context = body["context"]
    assert context["outcome"] == "deny" and len(context["decision_id"]) == 32
    (violation,) = [v for v in context["violations"] if v["code"] == "GDSR-25-THIRD-PARTY"]
    assert (violation["article"], violation["paragraph"], violation["liability"]) == (25, 1, "40(3)")
    assert violation["citation"] == {"zh": "《政务数据共享条例》第25条第1款", "en": "Government Data Sharing Regulation art. 25(1)"}
    assert "某科技有限公司" in violation["message"]["zh"] and "某科技有限公司" in violation["message"]["en"]
    assert violation["remedy"]["zh"] and violation["remedy"]["en"]
    # The spec's reason fields: admin gets code, article and liability; the user what is wrong and what to do.
    assert "GDSR-25-THIRD-PARTY" in context["reason_admin"]["zh"] and "40(3)" in context["reason_admin"]["en"]
    assert violation["message"]["zh"] in context["reason_user"]["zh"] and violation["remedy"]["en"] in context["reason_user"]["en"]
    assert "GDSR-25-THIRD-PARTY" not in context["reason_user"]["en"]


@pytest.mark.parametrize("missing", ["subject", "action", "resource"])
def test_a_missing_subject_action_or_resource_is_400_naming_it(client, missing):
    body = {k: v for k, v in ALLOWED_USE.items() if k != missing}
    response = evaluate(client, body)
    assert response.status_code == 400
    problem = fields(response)[missing]
    assert problem["type"] == "missing" and problem["problem"] == {"zh": "缺少必填字段", "en": "Field required"}


def test_missing_ids_and_names_and_bad_values_are_400_naming_the_authzen_field(client, service):
    before = service.store.ledger_length()
    response = evaluate(client, {
        "subject": {"type": "department"},
        "action": {"properties": {}},
        "resource": {"type": "dataset", "properties": {"fields": "name"}},
        "context": {"at": "yesterday", "method": "telepathy"},
    })
    assert response.status_code == 400
    found = fields(response)
    assert {"subject.id", "action.name", "resource.id", "resource.properties.fields", "context.at", "context.method"} <= set(found)
    assert all(f["problem"]["zh"] and f["problem"]["en"] for f in found.values())
    unknown_action = evaluate(client, {**ALLOWED_USE, "action": {"name": "can_read"}})
    assert unknown_action.status_code == 400 and "use" in fields(unknown_action)["action.name"]["problem"]["zh"]
    bad_type = evaluate(client, {**ALLOWED_USE, "subject": {"type": "user", "id": "alice"}})
    assert bad_type.status_code == 400 and "department" in fields(bad_type)["subject.type"]["problem"]["en"]
    bad_level = evaluate(client, {**ALLOWED_USE, "subject": {**SUBJECT, "properties": {"level": "galactic"}}})
    assert bad_level.status_code == 400 and "subject.properties.level" in fields(bad_level)
    jurisdiction = evaluate(client, {**ALLOWED_USE, "context": {**CONTEXT, "jurisdiction": "atlantis"}})
    assert jurisdiction.status_code == 400 and "atlantis" in fields(jurisdiction)["context.jurisdiction"]["problem"]["zh"]
    not_json = client.post("/access/v1/evaluation", content=b"{", headers={"content-type": "application/json"})
    assert not_json.status_code == 400 and "body" in fields(not_json)
    assert service.store.ledger_length() == before  # nothing was decided


def test_unknown_fields_are_ignored(client):
    body = {
        **ALLOWED_USE,
        "subject": {**SUBJECT, "properties": {**SUBJECT["properties"], "ip_address": "172.217.22.14", "device_id": "8:65:ee"}},
        "action": {"name": "use", "properties": {"method": "GET"}},
        "resource": {**RESOURCE, "properties": {**RESOURCE["properties"], "library_record": {"title": "x"}}},
        "context": {**CONTEXT, "time_of_day": "morning"},
        "something_else": True,
    }
    response = evaluate(client, body)
    assert response.status_code == 200 and response.json()["decision"] is True


def test_context_time_is_the_event_time(client):
    context = {k: v for k, v in CONTEXT.items() if k != "at"} | {"time": "2025-07-01T10:00:00+08:00"}
    body = evaluate(client, {**ALLOWED_USE, "subject": {"type": "department", "id": "示范区民政局"}, "context": context}).json()
    # Before the regulation took effect: no rules apply, so nothing is allowed.
    assert body["decision"] is False and body["context"]["outcome"] == "indeterminate"
    assert body["context"]["violations"][0]["code"] == "GOVSHARE-NO-LAW-IN-FORCE"


@pytest.mark.parametrize("entity", ["subject", "resource"])
def test_subject_type_and_resource_type_are_required(client, service, entity):
    # AuthZEN: a Subject "contains two REQUIRED keys, type and id"; a Resource's type is REQUIRED.
    before = service.store.ledger_length()
    untyped = {k: v for k, v in ALLOWED_USE[entity].items() if k != "type"}
    response = evaluate(client, {**ALLOWED_USE, entity: untyped})
    assert response.status_code == 400
    problem = fields(response)[f"{entity}.type"]
    assert problem["type"] == "missing" and problem["problem"] == {"zh": "缺少必填字段", "en": "Field required"}
    # In a batch the item is closed with the same error; the others are still decided.
    results = batch(client, [{}, {entity: untyped}])
    assert [r["decision"] for r in results] == [True, False]
    assert results[1]["context"]["error"]["fields"][0]["field"] == f"evaluations[1].{entity}.type"
    assert service.store.ledger_length() > before  # only the first item was decided


def test_a_resource_that_is_not_a_dataset_is_400(client, service):
    before = service.store.ledger_length()
    response = evaluate(client, {**ALLOWED_USE, "resource": {**RESOURCE, "type": "book"}})
    assert response.status_code == 400
    problem = fields(response)["resource.type"]["problem"]
    assert "dataset" in problem["zh"] and "dataset" in problem["en"]
    assert service.store.ledger_length() == before


def test_the_request_id_is_echoed(client):
    response = evaluate(client, ALLOWED_USE, headers={"X-Request-ID": "bfe9eb29-ab87-4ca3-be83-a1d5d8305716"})
    assert response.headers["x-request-id"] == "bfe9eb29-ab87-4ca3-be83-a1d5d8305716"
    bad = evaluate(client, {}, headers={"X-Request-ID": "req-bad-1"})
    assert bad.status_code == 400 and bad.headers["x-request-id"] == "req-bad-1"
    batch = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [{}]}, headers={"X-Request-ID": "req-batch-1"})
    assert batch.headers["x-request-id"] == "req-batch-1"


def test_a_long_request_id_is_echoed_unchanged_and_an_over_long_or_unprintable_one_is_400(client, service):
    longest = "r" * 256
    response = evaluate(client, ALLOWED_USE, headers={"X-Request-ID": longest})
    assert response.status_code == 200 and response.headers["x-request-id"] == longest
    before = service.store.ledger_length()
    for bad, kind in (("r" * 257, "too_long"), ("req\x01bad", "not_printable"), ("req-é".encode(), "not_printable")):
        refused = evaluate(client, ALLOWED_USE, headers={"X-Request-ID": bad})
        assert refused.status_code == 400, bad
        (problem,) = refused.json()["error"]["fields"]
        assert problem["field"] == "X-Request-ID" and problem["type"] == kind
        assert problem["problem"]["zh"] and problem["problem"]["en"]
        assert len(refused.headers["x-request-id"]) == 32  # one of the service's own
    assert service.store.ledger_length() == before  # refused before anything was decided


def test_the_request_id_is_echoed_on_a_500_without_a_stack_trace(client, service, monkeypatch):
    def broken(event):
        raise RuntimeError("the engine fell over")

    monkeypatch.setattr(service.engine, "decide", broken)
    monkeypatch.setattr(service.engine, "cached", broken)  # an earlier test's answer may be cached
    response = evaluate(client, ALLOWED_USE, headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500 and response.headers["x-request-id"] == "req-500"
    error = response.json()["error"]
    assert error["code"] == "internal_error" and error["message"]["zh"] and error["message"]["en"]
    assert "Traceback" not in response.text and "fell over" not in response.text


def test_the_evaluation_endpoints_need_a_token(app):
    anonymous = TestClient(app)
    for path in ("/access/v1/evaluation", "/access/v1/evaluations"):
        response = anonymous.post(path, json=ALLOWED_USE, headers={"X-Request-ID": "req-anon"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["x-request-id"] == "req-anon"


# --- batches ---------------------------------------------------------------------------------

# Top-level subject / action / resource / context are defaults; item 2 replaces the subject and is
# denied, item 3 is the default again and permitted.
ALLOW_DENY_ALLOW = [{}, NOT_THE_HOLDER, {}]
# Item 1 is denied too, on its own resource.
DENY_DENY_ALLOW = [NOT_SHAREABLE, NOT_THE_HOLDER, {}]


def batch(client: TestClient, items: list[dict], semantic: str | None = None):
    body = {**ALLOWED_USE, "evaluations": items}
    if semantic:
        body["options"] = {"evaluations_semantic": semantic}
    response = client.post("/access/v1/evaluations", json=body)
    assert response.status_code == 200, response.text
    assert "decision" not in response.json()
    return response.json()["evaluations"]


@pytest.mark.parametrize(("semantic", "items", "expected"), [
    (None, ALLOW_DENY_ALLOW, [True, False, True]),
    ("execute_all", ALLOW_DENY_ALLOW, [True, False, True]),
    ("execute_all", DENY_DENY_ALLOW, [False, False, True]),
    ("deny_on_first_deny", ALLOW_DENY_ALLOW, [True, False]),
    ("deny_on_first_deny", DENY_DENY_ALLOW, [False]),
    ("permit_on_first_permit", ALLOW_DENY_ALLOW, [True]),
    ("permit_on_first_permit", DENY_DENY_ALLOW, [False, False, True]),
])
def test_evaluations_semantics(client, service, semantic, items, expected):
    before = service.store.ledger_length()
    results = batch(client, items, semantic)
    assert [r["decision"] for r in results] == expected
    # Only what was returned was decided (and logged); a short-circuited item was never evaluated.
    decided = [e.ref for e in list(service.store.ledger())[before:] if e.kind == "decision"]
    ids = [r["context"]["decision_id"] for r in results]
    assert sorted(decided) == sorted(ids) and len(set(ids)) == len(ids)


def test_the_denied_item_of_a_batch_cites_why(client):
    results = batch(client, ALLOW_DENY_ALLOW)
    denied = results[1]["context"]
    assert denied["outcome"] == "deny" and denied["violations"]
    assert all(v["article"] and v["citation"]["zh"].startswith("《") for v in denied["violations"])
    assert denied["reason_admin"]["zh"] and denied["reason_user"]["en"]
    # Item 3 fell back to the top-level subject and is the holder's allowed use again.
    assert results[2]["context"]["outcome"] == "allow"


def failing_on_call(service, monkeypatch, n: int) -> None:
    """Make the engine's n-th decision (1-based) fail unexpectedly."""
    real, calls = service.engine.decide, []

    def decide(event):
        calls.append(event)
        if len(calls) == n:
            raise RuntimeError("unexpected failure")
        return real(event)

    monkeypatch.setattr(service.engine, "decide", decide)


@pytest.mark.parametrize("semantic", ["execute_all", "deny_on_first_deny", "permit_on_first_permit"])
def test_a_batch_that_fails_part_way_writes_nothing(client, service, monkeypatch, semantic):
    # Items 1-2 are decided (and would be logged, item 1 with a usage record), then item 3 fails.
    failing_on_call(service, monkeypatch, 3)
    before = service.store.ledger_length()
    items = [NOT_THE_HOLDER, NOT_THE_HOLDER, {}] if semantic == "permit_on_first_permit" else [{}, {}, {}]
    body = {**ALLOWED_USE, "evaluations": items, "options": {"evaluations_semantic": semantic}}
    response = client.post("/access/v1/evaluations", json=body, headers={"X-Request-ID": f"req-d1-{semantic}"})
    assert response.status_code == 500 and response.headers["x-request-id"] == f"req-d1-{semantic}"
    assert service.store.ledger_length() == before  # nothing half-written


def test_a_failed_batch_does_not_leave_its_suspension_behind(client, service, monkeypatch):
    # The holder's misuse (item 1) would suspend the grant; item 2 then fails: neither the decision nor
    # the suspension is stored, and the engine answers on the stored (active) grant again.
    failing_on_call(service, monkeypatch, 2)
    before = service.store.ledger_length()
    response = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [THIRD_PARTY, {}]})
    assert response.status_code == 500
    assert service.store.ledger_length() == before
    assert service.store.grant("g-2026-0001").status.value == "active"
    monkeypatch.undo()
    assert evaluate(client, ALLOWED_USE).json()["decision"] is True


def test_a_holders_misuse_suspends_the_grant_for_the_items_after_it(client, service):
    # Deliberate (GDSR art 27(2)): the suspension is immediate, so the batch is order-dependent.
    results = batch(client, [{}, THIRD_PARTY, {}])
    assert [r["decision"] for r in results] == [True, False, False]
    assert "GDSR-27-SUSPENDED" in {v["code"] for v in results[2]["context"]["violations"]}
    assert service.store.grant("g-2026-0001").status.value == "suspended"
    description = client.get("/openapi.json").json()["paths"]["/access/v1/evaluations"]["post"]["description"]
    assert "第二十七条第二款" in description and "art 27(2)" in description and "order matters" in description


def test_a_short_circuited_batch_evaluates_nothing_after_the_stop(client, service):
    before = service.store.ledger_length()
    assert [r["decision"] for r in batch(client, ALLOW_DENY_ALLOW, "permit_on_first_permit")] == [True]
    # One decision plus its usage record: items 2 and 3 were never decided.
    decided = [e for e in list(service.store.ledger())[before:] if e.kind == "decision"]
    assert len(decided) == 1


def test_an_item_that_cannot_be_mapped_is_closed_with_its_error_in_context(client):
    results = batch(client, [{}, {"action": {"name": "steal"}}, {}])
    assert [r["decision"] for r in results] == [True, False, True]
    error = results[1]["context"]["error"]
    assert error["status"] == 400 and error["code"] == "invalid_request"
    assert error["fields"][0]["field"] == "evaluations[1].action.name"
    # Under deny_on_first_deny the error counts as a deny and stops the batch.
    assert [r["decision"] for r in batch(client, [{}, {"action": {"name": "steal"}}, {}], "deny_on_first_deny")] == [True, False]


def test_an_item_replaces_a_default_key_wholesale(client):
    # The item's context has no grant, purpose or controls: it replaces the top-level context, not merged into it.
    results = batch(client, [{"context": {"at": USE["at"]}}])
    assert results[0]["decision"] is False


def test_evaluations_without_an_array_is_a_single_evaluation(client):
    response = client.post("/access/v1/evaluations", json=ALLOWED_USE)
    assert response.status_code == 200 and response.json()["decision"] is True


def test_bad_batches_are_400_and_oversized_ones_413(client, service, monkeypatch):
    bad_semantic = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [{}], "options": {"evaluations_semantic": "first_wins"}})
    assert bad_semantic.status_code == 400 and "execute_all" in fields(bad_semantic)["options.evaluations_semantic"]["problem"]["zh"]
    not_array = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": {"a": {}}})
    assert not_array.status_code == 400 and "evaluations" in fields(not_array)
    not_object = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [{}, "x"]})
    assert not_object.status_code == 400 and "evaluations[1]" in fields(not_object)
    monkeypatch.setattr(service.settings, "max_batch", 2)
    too_many = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [{}, {}, {}]})
    assert too_many.status_code == 413 and too_many.json()["error"]["code"] == "batch_too_large"


def test_empty_evaluations_is_a_single_evaluation(client):
    # AuthZEN §7.1: an empty array behaves as an absent one (was: an empty list).
    response = client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": []})
    assert response.status_code == 200 and response.json()["decision"] is True


# --- metadata ----------------------------------------------------------------------------------


def test_well_known_configuration_needs_no_token_and_publishes_the_configured_url(app, service, monkeypatch):
    monkeypatch.setattr(service.settings, "public_url", "https://pdp.example.gov.cn/")
    # Whatever Host the client sends, the PDP identifier is the configured one.
    response = TestClient(app, base_url="http://evil.example").get("/.well-known/authzen-configuration",
                                                                   headers={"Host": "evil.example"})
    assert response.status_code == 200
    metadata = response.json()
    assert {k: v for k, v in metadata.items() if not k.startswith("govshare_")} == {
        "policy_decision_point": "https://pdp.example.gov.cn",
        "access_evaluation_endpoint": "https://pdp.example.gov.cn/access/v1/evaluation",
        "access_evaluations_endpoint": "https://pdp.example.gov.cn/access/v1/evaluations",
        "search_subject_endpoint": "https://pdp.example.gov.cn/access/v1/search/subject",
        "search_resource_endpoint": "https://pdp.example.gov.cn/access/v1/search/resource",
        "supported_obligations": ["custom"],
    }


def test_the_public_url_defaults_to_the_local_address_and_comes_from_govshare_public_url(monkeypatch):
    from adapters.service import Settings

    monkeypatch.delenv("GOVSHARE_PUBLIC_URL", raising=False)
    assert Settings().public_url == "http://127.0.0.1:8181"
    monkeypatch.setenv("GOVSHARE_PUBLIC_URL", "https://pdp.example.gov.cn")
    assert Settings().public_url == "https://pdp.example.gov.cn"


@pytest.mark.parametrize("url", ["pdp.example.gov.cn", "ftp://pdp.example.gov.cn", "https://pdp.example.gov.cn/?x=1",
                                 "https://pdp.example.gov.cn/#top"])
def test_a_bad_public_url_stops_the_service_at_start(service, monkeypatch, url):
    from adapters.http.app import create_app

    monkeypatch.setattr(service.settings, "public_url", url)
    with pytest.raises(ValueError, match="GOVSHARE_PUBLIC_URL"):
        create_app(service)
