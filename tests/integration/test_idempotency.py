"""Issue 14: retries are safe. A retry with the same Idempotency-Key and body
gets the first answer (the same decision_id) and writes nothing; the same key
with another body is 409; keys hold across workers and restarts (they are in
the database)."""

from __future__ import annotations

import pytest

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, THIRD_PARTY_TRANSFER, admin_client, make_settings

USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
       "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
       "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path):
    overrides = {}
    if request.param == "postgresql":
        from tests.conftest import pg_schema

        context = pg_schema(request.getfixturevalue("pg_url"))
        overrides["database_url"] = context.__enter__()
        request.addfinalizer(lambda: context.__exit__(None, None, None))
    settings = make_settings(tmp_path, **overrides)
    service = build_service(settings)
    yield settings, service, admin_client(create_app(service))
    service.store.engine.dispose()


def keyed(key: str) -> dict[str, str]:
    return {**ADMIN, "Idempotency-Key": key}


def test_a_retried_decision_of_record_returns_the_first_answer_and_writes_nothing(served):
    _, service, client = served
    first = client.post("/v1/decisions", json=USE, headers=keyed("use-1"))
    assert first.status_code == 200 and first.json()["outcome"] == "allow"
    ledger, records = service.store.ledger_length(), len(client.get("/v1/records").json())
    again = client.post("/v1/decisions", json=USE, headers=keyed("use-1"))
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["decision_id"] == first.json()["decision_id"] and again.content == first.content
    assert service.store.ledger_length() == ledger and len(client.get("/v1/records").json()) == records
    # Without a key, the same request is a new decision of record.
    assert client.post("/v1/decisions", json=USE).json()["decision_id"] != first.json()["decision_id"]
    assert service.store.ledger_length() > ledger


def test_the_same_key_with_another_body_is_409_and_does_nothing(served):
    _, service, client = served
    client.post("/v1/decisions", json=USE, headers=keyed("k"))
    ledger = service.store.ledger_length()
    other = client.post("/v1/decisions", json={**USE, "fields": ["gender"]}, headers=keyed("k"))
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["message"]["zh"] and other.json()["error"]["message"]["en"]
    assert service.store.ledger_length() == ledger


def test_batches_and_lifecycle_steps_are_answered_once(served):
    _, service, client = served
    batch = {"events": [USE, THIRD_PARTY_TRANSFER]}
    first = client.post("/v1/decisions:batch", json=batch, headers=keyed("batch-1"))
    ledger = service.store.ledger_length()
    again = client.post("/v1/decisions:batch", json=batch, headers=keyed("batch-1"))
    assert [d["decision_id"] for d in again.json()["decisions"]] == [d["decision_id"] for d in first.json()["decisions"]]
    assert service.store.ledger_length() == ledger
    application = {"requester": {"department": "示范区教育体育局"}, "dataset": "ds-population-basic",
                   "fields": ["name"], "purpose": "学籍核验", "legal_basis": "《义务教育法》",
                   "scenario": "新生入学资格审核", "use_scope": {"units": ["社会救助科"]}, "method": "api", "use_until": "2026-12-31", "at": "2026-03-02T10:00:00+08:00"}
    created = client.post("/v1/applications", json=application, headers=keyed("apply-1"))
    written = service.store.ledger_length()
    assert written > ledger, created.text  # the step was decided and written
    retried = client.post("/v1/applications", json=application, headers=keyed("apply-1"))
    assert retried.status_code == created.status_code and retried.content == created.content
    assert service.store.ledger_length() == written


def test_a_key_holds_across_a_restart(served):
    settings, service, client = served
    first = client.post("/v1/decisions", json=USE, headers=keyed("restart-1")).json()
    service.store.engine.dispose()
    restarted = admin_client(create_app(build_service(settings)))
    again = restarted.post("/v1/decisions", json=USE, headers=keyed("restart-1"))
    assert again.json()["decision_id"] == first["decision_id"]


def test_keys_are_per_caller(served):
    _, _, client = served
    token = client.post("/v1/tokens", json={"name": "平台乙", "role": "platform"}).json()["token"]
    first = client.post("/v1/decisions", json=USE, headers=keyed("shared-key")).json()
    other = client.post("/v1/decisions", json=USE, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "shared-key"})
    assert other.status_code == 200 and other.json()["decision_id"] != first["decision_id"]


@pytest.mark.parametrize("key", [b"", b"a" * 256, "键".encode(), b"has space"])
def test_a_malformed_key_is_refused_naming_the_header(served, key):
    _, service, client = served
    ledger = service.store.ledger_length()
    response = client.post("/v1/decisions", json=USE, headers=[(b"Authorization", ADMIN["Authorization"].encode()), (b"Idempotency-Key", key)])
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    assert service.store.ledger_length() == ledger


def test_the_key_belongs_to_the_token_not_to_how_the_header_is_spelt(served):
    _, service, client = served
    token = ADMIN["Authorization"].split(" ", 1)[1]
    first = client.post("/v1/decisions", json=USE, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "spelt"}).json()
    ledger = service.store.ledger_length()
    for spelling in (f"bearer {token}", f"Bearer  {token}"):
        again = client.post("/v1/decisions", json=USE, headers={"Authorization": spelling, "Idempotency-Key": "spelt"})
        assert again.json()["decision_id"] == first["decision_id"]
    assert service.store.ledger_length() == ledger


def test_a_revoked_token_gets_no_replay(served):
    _, _, client = served
    issued = client.post("/v1/tokens", json={"name": "平台丙", "role": "platform"}).json()
    headers = {"Authorization": f"Bearer {issued['token']}", "Idempotency-Key": "revoked-1"}
    assert client.post("/v1/decisions", json=USE, headers=headers).status_code == 200
    client.post(f"/v1/tokens/{issued['id']}/revoke")
    assert client.post("/v1/decisions", json=USE, headers=headers).status_code == 401


def test_with_token_checks_off_keys_still_hold(tmp_path):
    service = build_service(make_settings(tmp_path, auth_enabled=False))
    client = admin_client(create_app(service))
    first = client.post("/v1/decisions", json=USE, headers={"Idempotency-Key": "open-1"}).json()
    ledger = service.store.ledger_length()
    assert client.post("/v1/decisions", json=USE, headers={"Idempotency-Key": "open-1"}).json()["decision_id"] == first["decision_id"]
    assert service.store.ledger_length() == ledger


def test_an_answer_that_could_not_be_kept_is_never_run_twice(served, monkeypatch):
    import adapters.http.idempotency as idempotency

    _, service, client = served

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service.store, "complete_idempotency_key", fail)
    first = client.post("/v1/decisions", json=USE, headers=keyed("lost-1"))
    assert first.status_code == 200
    ledger = service.store.ledger_length()
    waiting = client.post("/v1/decisions", json=USE, headers=keyed("lost-1"))
    assert waiting.status_code == 409 and waiting.headers["retry-after"] == "1"
    monkeypatch.setattr(idempotency, "PENDING_SECONDS", -1)
    unknown = client.post("/v1/decisions", json=USE, headers=keyed("lost-1"))
    assert unknown.status_code == 409 and unknown.json()["error"]["code"] == "idempotency_key_unresolved"
    assert service.store.ledger_length() == ledger
