"""Every decision of record carries OPA's decision-log fields in its ledger
entry, sealed with the rest (so the chain proves them): the path it answered,
who asked (token and remote address), the request id, this instance's labels,
the timers and the JSON pointers the ledger masked. `/v1/decisions/log` shows
them; entries sealed before they existed still read and verify."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from adapters.storage.store import Store
from engine.ledger import MASKED, verify_chain
from tests.conftest import ADMIN, make_settings
from tests.integration.test_api import USE
from tests.integration.test_authzen import ALLOWED_USE as AUTHZEN_USE

FIELDS = ("path", "requested_by", "remote_addr", "req_id", "labels", "metrics", "masked")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("decision-log-fields"), log_mask=("/requester/region", "/fields/*"))
    return build_service(settings)


@pytest.fixture(scope="module")
def client(service):
    return TestClient(create_app(service), headers=ADMIN)


def entry_of(service, decision_id: str):
    (entry,) = [e for e in service.store.ledger() if e.kind == "decision" and e.ref == decision_id]
    return entry


def admin_token_id(client) -> str:
    (admin,) = [t for t in client.get("/v1/tokens").json() if t["name"] == "bootstrap admin"]
    return admin["id"]


def assert_opa_fields(body: dict, client, path: str, req_id: str) -> None:
    assert body["path"] == path
    assert body["req_id"] == req_id
    # TestClient connects from ("testclient", 50000); the token is the one the request carried.
    assert body["remote_addr"] == "testclient:50000"
    assert body["requested_by"] == {"token": admin_token_id(client), "name": "bootstrap admin"}
    assert set(body["labels"]) == {"id", "version"} and all(body["labels"].values())
    assert body["metrics"]["timer_rego_query_eval_ns"] > 0
    assert body["metrics"]["timer_server_handler_ns"] >= body["metrics"]["timer_rego_query_eval_ns"]
    assert body["masked"] == ["/input/requester/region", "/input/fields/0", "/input/fields/1"]


def test_a_decision_on_the_fast_path_records_opa_fields_and_masks_what_it_lists(client, service):
    answer = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-fast-1"})
    assert answer.status_code == 200
    body = entry_of(service, answer.json()["decision_id"]).body
    assert_opa_fields(body, client, "/v1/decisions", "req-fast-1")
    assert body["input"]["requester"]["region"] == MASKED and body["input"]["fields"] == [MASKED, MASKED]
    assert body["input"]["requester"]["department"] == USE["requester"]["department"]  # only what the list names


def test_a_decision_on_fastapis_own_path_records_them_too(client, service):
    # `dry_run=False` is not a spelling the quick path reads: FastAPI's handler decides (and logs) it.
    answer = client.post("/v1/decisions?dry_run=False", json=USE, headers={"X-Request-ID": "req-slow-1"})
    assert answer.status_code == 200
    assert_opa_fields(entry_of(service, answer.json()["decision_id"]).body, client, "/v1/decisions", "req-slow-1")


def test_every_decision_of_a_batch_records_the_batch_request(client, service):
    answer = client.post("/v1/decisions:batch", json={"events": [USE, USE]}, headers={"X-Request-ID": "req-batch-1"})
    decisions = answer.json()["decisions"]
    assert len(decisions) == 2
    for decision in decisions:
        assert_opa_fields(entry_of(service, decision["decision_id"]).body, client, "/v1/decisions:batch", "req-batch-1")


@pytest.mark.parametrize("document", ["govshare/decision", "govshare/allow"])
def test_a_data_api_decision_records_the_document_it_answered(client, service, document):
    answer = client.post(f"/v1/data/{document}", json={"input": USE}, headers={"X-Request-ID": f"req-{document}"})
    assert answer.status_code == 200
    assert_opa_fields(entry_of(service, answer.json()["decision_id"]).body, client, document, f"req-{document}")


def test_an_authzen_evaluation_records_its_endpoint(client, service):
    before = {e.ref for e in service.store.ledger() if e.kind == "decision"}
    answer = client.post("/access/v1/evaluation", json=AUTHZEN_USE, headers={"X-Request-ID": "req-authzen-1"})
    assert answer.status_code == 200 and answer.json()["decision"] is True
    (new,) = [e for e in service.store.ledger() if e.kind == "decision" and e.ref not in before]
    assert_opa_fields(new.body, client, "/access/v1/evaluation", "req-authzen-1")


def test_a_request_without_an_id_records_the_one_the_service_gave_it(client, service):
    answer = client.post("/v1/decisions", json=USE)
    body = entry_of(service, answer.json()["decision_id"]).body
    assert body["req_id"] == answer.headers["x-request-id"] and len(body["req_id"]) == 32


def test_the_decision_log_lists_the_fields_and_shows_null_for_entries_sealed_before_them(client, service):
    answer = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-listed"})
    decision_id = answer.json()["decision_id"]
    # An entry as written before these fields existed.
    service.store.transaction(lambda s: Store.append(
        s, "decision", "d-before-opa-fields", {"input": {"action": "use"}, "decision": {"outcome": "allow", "allow": True}},
        policy_revision="sha256:p", law_version="gdsr@2025-08-01", data_revision="sha256:d"))
    items = {item["decision_id"]: item for item in client.get("/v1/decisions/log", params={"limit": 5000}).json()["entries"]}
    listed = items[decision_id]
    assert listed["path"] == "/v1/decisions" and listed["req_id"] == "req-listed" and listed["remote_addr"] == "testclient:50000"
    assert listed["masked"] == ["/input/requester/region", "/input/fields/0", "/input/fields/1"]
    assert listed["labels"]["version"] and listed["metrics"]["timer_rego_query_eval_ns"] > 0
    old = items["d-before-opa-fields"]
    assert all(old[name] is None for name in FIELDS if name != "requested_by")
    count, broken = verify_chain(service.store.ledger())
    assert broken is None and count == service.store.ledger_length()


def test_the_fields_are_sealed_so_changing_one_breaks_the_chain(client, service):
    answer = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-sealed"})
    entry = entry_of(service, answer.json()["decision_id"])
    entries = [e for e in service.store.ledger()]
    forged = [e if e.seq != entry.seq else type(e)(**{**e.__dict__, "body": {**e.body, "req_id": "someone-else"}}) for e in entries]
    assert verify_chain(entries)[1] is None
    count, broken = verify_chain(forged)
    assert broken is not None and broken.seq == entry.seq and broken.reason == "hash"
