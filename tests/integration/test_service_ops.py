"""Batch decisions, Prometheus metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest

from tests.integration.test_api import USE


def test_batch_answers_every_event_in_order(client):
    events = [USE, {**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某公司"}}, {**USE, "dataset": "ds-nope"}]
    response = client.post("/v1/decisions:batch", json={"events": events})
    assert response.status_code == 200, response.text
    decisions = response.json()["decisions"]
    assert [d["outcome"] for d in decisions] == ["allow", "deny", "deny"]
    assert "GDSR-25-THIRD-PARTY" in {v["code"] for v in decisions[1]["violations"]}
    assert len({d["decision_id"] for d in decisions}) == 3


def test_a_misuse_in_a_batch_suspends_the_grant_for_the_events_after_it(client):
    misuse = {**USE, "purpose": "招商引资"}
    decisions = client.post("/v1/decisions:batch", json={"events": [USE, misuse, USE]}).json()["decisions"]
    assert [d["outcome"] for d in decisions] == ["allow", "deny", "deny"]
    assert "GDSR-27-SUSPENDED" in {v["code"] for v in decisions[2]["violations"]}


def test_batch_bad_item_is_422_naming_its_index(client):
    response = client.post("/v1/decisions:batch", json={"events": [USE, {**USE, "action": "steal"}]})
    assert response.status_code == 422
    assert "events[1].action" in {f["field"] for f in response.json()["error"]["fields"]}


def test_batch_over_the_limit_is_413(client, service, monkeypatch):
    monkeypatch.setattr(service.settings, "max_batch", 2)
    response = client.post("/v1/decisions:batch", json={"events": [USE, USE, USE]})
    assert response.status_code == 413 and response.json()["error"]["code"] == "batch_too_large"


def test_empty_batch_is_422(client):
    assert client.post("/v1/decisions:batch", json={"events": []}).status_code == 422


def test_metrics_count_decisions_by_outcome_and_article(client):
    client.post("/v1/decisions", json={**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某公司"}})
    client.post("/v1/decisions", json=USE)
    client.post("/v1/decisions", json=USE)
    text = client.get("/metrics").text
    assert 'govshare_decisions_total{outcome="deny"}' in text and 'govshare_decisions_total{outcome="allow"}' in text
    assert 'govshare_violations_total{article="25",code="GDSR-25-THIRD-PARTY",regulation="gdsr"}' in text
    assert "govshare_decision_seconds_bucket" in text and "govshare_decision_cache_hit_ratio" in text
    assert "govshare_policy_info{" in text and "policy_revision=" in text


def test_request_id_is_echoed_or_made(client):
    assert client.get("/health", headers={"X-Request-ID": "req-123"}).headers["x-request-id"] == "req-123"
    assert len(client.get("/health").headers["x-request-id"]) == 32


def test_each_request_logs_one_json_line_with_request_and_decision_ids(client, caplog):
    with caplog.at_level(logging.INFO, logger="govshare.access"):
        decision = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-log-1"}).json()
    records = [r for r in caplog.records if r.name == "govshare.access" and r.fields["request_id"] == "req-log-1"]
    assert len(records) == 1
    fields = records[0].fields
    assert fields["decision_ids"] == [decision["decision_id"]] and fields["status"] == 200 and fields["path"] == "/v1/decisions"
    from adapters.http.observability import JsonFormatter

    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "req-log-1" and line["message"] == "request"


def test_a_batch_refused_part_way_writes_nothing_not_even_an_earlier_suspension(client, service):
    # Event 1 is the holder's misuse (it would suspend the grant), event 3 names an unknown jurisdiction:
    # the batch is refused as a whole, and nothing of it is stored.
    before = service.store.ledger_length()
    misuse = {**USE, "purpose": "招商引资"}
    response = client.post("/v1/decisions:batch", json={"events": [misuse, USE, {**USE, "jurisdiction": "atlantis"}]})
    assert response.status_code == 422
    assert "atlantis" in response.json()["error"]["fields"][0]["problem"]["zh"]
    assert service.store.ledger_length() == before
    assert service.store.grant("g-2026-0001").status.value == "active"
    # The engine decides on the stored grant again, not on the batch's uncommitted suspension.
    assert client.post("/v1/decisions", json=USE).json()["outcome"] == "allow"


def test_a_long_request_id_is_echoed_unchanged(client):
    longest = "req-" + "x" * 252
    assert client.get("/health", headers={"X-Request-ID": longest}).headers["x-request-id"] == longest


@pytest.mark.parametrize(("value", "kind"), [("x" * 257, "too_long"), ("bad\tid", "not_printable"), ("bad\x7fid", "not_printable")])
def test_an_over_long_or_unprintable_request_id_is_400_saying_so(client, service, value, kind):
    before = service.store.ledger_length()
    response = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request_id" and "X-Request-ID" in error["message"]["zh"] and "X-Request-ID" in error["message"]["en"]
    assert error["fields"][0]["field"] == "X-Request-ID" and error["fields"][0]["type"] == kind
    assert len(response.headers["x-request-id"]) == 32 and response.headers["x-request-id"] != value
    assert service.store.ledger_length() == before


def test_the_request_id_is_echoed_on_errors_and_500s(client, service, monkeypatch):
    assert client.post("/v1/decisions", content=b"{", headers={"X-Request-ID": "req-400"}).headers["x-request-id"] == "req-400"
    assert client.post("/v1/decisions", json={}, headers={"X-Request-ID": "req-422"}).headers["x-request-id"] == "req-422"
    assert client.get("/v1/nothing", headers={"X-Request-ID": "req-404"}).headers["x-request-id"] == "req-404"
    big = {**USE, "scenario": "x" * (service.settings.max_body_bytes + 10)}
    assert client.post("/v1/decisions", json=big, headers={"X-Request-ID": "req-413"}).headers["x-request-id"] == "req-413"

    def broken(event):
        raise RuntimeError("boom")

    monkeypatch.setattr(service.engine, "decide", broken)
    monkeypatch.setattr(service.engine, "cached", broken)  # a hit is answered without decide
    before = service.store.ledger_length()
    for path, body in (("/v1/decisions", USE), ("/v1/decisions:batch", {"events": [USE, USE]})):
        response = client.post(path, json=body, headers={"X-Request-ID": "req-500"})
        assert response.status_code == 500 and response.headers["x-request-id"] == "req-500"
        assert response.json()["error"]["code"] == "internal_error" and "boom" not in response.text
    assert service.store.ledger_length() == before


def test_an_unhandled_error_is_logged_with_its_request_id(client, service, monkeypatch, caplog):
    def broken(event):
        raise RuntimeError("boom")

    monkeypatch.setattr(service.engine, "decide", broken)
    monkeypatch.setattr(service.engine, "cached", broken)  # a hit is answered without decide
    with caplog.at_level(logging.INFO, logger="govshare"):
        client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-crash"})
    (crash,) = [r for r in caplog.records if r.name == "govshare.http"]
    assert crash.exc_info and crash.fields["request_id"] == "req-crash"  # the traceback is for the log only
    (line,) = [r for r in caplog.records if r.name == "govshare.access" and r.fields["request_id"] == "req-crash"]
    assert line.fields["status"] == 500
