"""Decision-log shipping to an HTTP receiver, as OPA's decision_logs plugin does:
committed decisions arrive gzip'd, as a JSON array of OPA-shaped events; a
receiver that fails gets everything later, in ledger order, nothing lost; a full
buffer drops the oldest (counted, logged); nothing is sent unless configured;
and a receiver that is down never fails a decision."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
from fastapi.testclient import TestClient

from adapters.decision_log_sink import DecisionLogSink, SinkConfig, opa_event
from adapters.http.app import create_app
from adapters.service import SettingsError, build_service
from adapters.storage.store import Store
from engine.ledger import GENESIS, seal
from tests.conftest import ADMIN, make_settings
from tests.integration.test_api import USE


class Receiver:
    """An HTTP receiver on 127.0.0.1 that records every POST and answers the
    first `failures` of them with 503."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.requests: list[dict] = []  # every POST: headers, events, answered status
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status = 503 if receiver.failures > 0 else 200
                    receiver.failures -= 1
                    receiver.requests.append({"headers": dict(self.headers), "events": json.loads(gzip.decompress(raw)), "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/logs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def accepted(self) -> list[dict]:
        """Every event of the POSTs answered 200, in the order they arrived."""
        with self.lock:
            return [event for request in self.requests if request["status"] == 200 for event in request["events"]]

    def wait_for(self, count: int, deadline_s: float = 30) -> list[dict]:
        deadline = time.monotonic() + deadline_s
        while len(self.accepted()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.accepted()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(failures: int = 0) -> Receiver:
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def shipping(tmp_path, monkeypatch):
    """A service of its own, with decision-log shipping to `url` configured by env."""

    def make(url: str, **env: str):
        monkeypatch.setenv("GOVSHARE_DECISION_LOG_URL", url)
        monkeypatch.setenv("GOVSHARE_DECISION_LOG_MIN_DELAY", "0.01")
        monkeypatch.setenv("GOVSHARE_DECISION_LOG_MAX_DELAY", "0.05")
        monkeypatch.setenv("GOVSHARE_DECISION_LOG_BUFFER_DIR", str(tmp_path / "buffer"))
        for name, value in env.items():
            monkeypatch.setenv(f"GOVSHARE_DECISION_LOG_{name}", value)
        service = build_service(make_settings(tmp_path / "data", log_mask=("/requester/region",)))
        return service, create_app(service)

    return make


def sent_counted(sink, count: int, deadline_s: float = 30) -> None:
    deadline = time.monotonic() + deadline_s
    while sink.sent < count and time.monotonic() < deadline:
        time.sleep(0.01)


def decision_ids_in_ledger_order(service) -> list[str]:
    return [e.ref for e in service.store.ledger() if e.kind == "decision"]


def test_committed_decisions_arrive_gzipped_as_an_array_of_opa_events(receiver, shipping):
    sink_receiver = receiver()
    service, app = shipping(sink_receiver.url, TOKEN="receiver-secret")
    with TestClient(app, headers=ADMIN) as client:
        one = client.post("/v1/decisions", json=USE, headers={"X-Request-ID": "req-ship-1"}).json()
        batch = client.post("/v1/decisions:batch", json={"events": [USE, USE]}).json()["decisions"]
        data_api = client.post("/v1/data/govshare/allow", json={"input": USE}).json()
        events = sink_receiver.wait_for(4)
        sent_counted(app.state.decision_log, 4)  # counted once the receiver's answer is read
        metrics = client.get("/metrics").text
    first = sink_receiver.requests[0]
    assert first["headers"]["Content-Encoding"] == "gzip" and first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["Authorization"] == "Bearer receiver-secret"
    assert isinstance(first["events"], list)
    assert [e["decision_id"] for e in events] == [one["decision_id"], *(d["decision_id"] for d in batch), data_api["decision_id"]]
    assert [e["path"] for e in events] == ["/v1/decisions", "/v1/decisions:batch", "/v1/decisions:batch", "govshare/allow"]
    entries = {e.ref: e for e in service.store.ledger() if e.kind == "decision"}
    for event in events:
        entry = entries[event["decision_id"]]
        assert event["result"] == entry.body["decision"] and event["input"] == entry.body["input"]  # masked as stored
        assert event["input"]["requester"]["region"] == "**MASKED**" and event["masked"] == ["/input/requester/region"]
        assert event["requested_by"] == "testclient:50000"
        assert event["timestamp"] == entry.recorded_at and event["labels"] == entry.body["labels"]
        assert event["metrics"]["timer_rego_query_eval_ns"] > 0 and event["req_id"] == entry.body["req_id"]
        assert event["govshare"]["seq"] == entry.seq and event["govshare"]["hash"] == entry.hash
        assert event["govshare"]["requested_by"]["name"] == "bootstrap admin"
    assert events[0]["req_id"] == "req-ship-1"
    assert "govshare_decision_log_events_sent_total 4.0" in metrics


def test_a_receiver_that_fails_three_times_gets_everything_in_order(receiver, shipping):
    flaky = receiver(failures=3)
    service, app = shipping(flaky.url)
    with TestClient(app, headers=ADMIN) as client:
        for _ in range(6):
            assert client.post("/v1/decisions", json=USE).status_code == 200
        events = flaky.wait_for(6)
        sent_counted(app.state.decision_log, 6)
        metrics = client.get("/metrics").text
    assert [r["status"] for r in flaky.requests[:3]] == [503, 503, 503]
    assert [e["decision_id"] for e in events] == decision_ids_in_ledger_order(service)  # all, once each, in order
    assert "govshare_decision_log_upload_failures_total 3.0" in metrics
    assert "govshare_decision_log_events_dropped_total 0.0" in metrics


def test_a_receiver_that_is_down_never_fails_a_decision(shipping, tmp_path):
    service, app = shipping("http://127.0.0.1:9/nobody-listens")  # the discard port: refused
    with TestClient(app, headers=ADMIN) as client:
        answers = [client.post("/v1/decisions", json=USE) for _ in range(3)]
        assert all(a.status_code == 200 for a in answers)
        assert client.get("/health/ready").status_code == 200
    assert len(decision_ids_in_ledger_order(service)) == 3
    # Kept on disk for the next start.
    kept = [json.loads(line) for path in sorted((tmp_path / "buffer").glob("*.ndjson")) for line in path.read_bytes().splitlines()]
    assert [e["decision_id"] for e in kept] == decision_ids_in_ledger_order(service)


def entry(seq: int, prev: str = GENESIS, size: int = 200):
    return seal(seq, "decision", f"d-{seq}", "2026-03-02T02:00:00Z", "sha256:p", "gdsr@2025-08-01", "sha256:d",
                {"input": {"pad": "x" * size}, "decision": {"outcome": "allow", "allow": True}}, prev)


def test_a_full_buffer_drops_the_oldest_counts_and_logs_it_and_ships_the_rest(receiver, tmp_path, caplog):
    entries = [entry(seq) for seq in range(10, 20)]
    event_bytes = len(orjson.dumps(opa_event(entries[0]))) + 1  # every event here has the same size (two-digit numbers)
    config = SinkConfig(url="http://127.0.0.1:9/down", batch_bytes=1, min_delay=0.01, max_delay=0.02,
                        buffer_dir=tmp_path / "buffer", buffer_max_bytes=3 * event_bytes, timeout=1)
    sink = DecisionLogSink(config)
    with caplog.at_level(logging.WARNING, logger="govshare.decision_log"):
        for one in entries:
            sink.offer([one])
        sink.stop()
    assert sink.dropped == 7
    dropped_lines = [r.getMessage() for r in caplog.records if "dropped the oldest" in r.getMessage()]
    assert dropped_lines and all("丢弃了最早的" in line for line in dropped_lines)
    # The newest three wait on disk; a later start ships them, in order.
    up = receiver()
    again = DecisionLogSink(SinkConfig(url=up.url, min_delay=0.01, max_delay=0.02, buffer_dir=tmp_path / "buffer"))
    again.start()
    try:
        shipped = up.wait_for(3)
    finally:
        again.stop()
    assert [e["decision_id"] for e in shipped] == ["d-17", "d-18", "d-19"]
    assert again.sent == 3 and not list((tmp_path / "buffer").glob("*.ndjson"))


def test_only_committed_entries_ship(receiver, tmp_path):
    up = receiver()
    store = Store(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    sink = DecisionLogSink(SinkConfig(url=up.url, min_delay=0.01, max_delay=0.02))  # buffered in memory
    sink.attach(store)

    def append(ref: str, fail: bool = False):
        def work(session):
            Store.append(session, "decision", ref, {"input": {}, "decision": {"allow": False}},
                         policy_revision="sha256:p", law_version="gdsr", data_revision="sha256:d")
            Store.append(session, "grant_suspended", ref, {}, policy_revision="sha256:p", law_version="gdsr", data_revision="sha256:d")
            if fail:
                raise RuntimeError("the unit fails after appending: rolled back")
        return work

    with pytest.raises(RuntimeError):
        store.transaction(append("d-rolled-back", fail=True))
    store.transaction(append("d-committed"))
    try:
        shipped = up.wait_for(1)
    finally:
        sink.stop()
    assert [e["decision_id"] for e in shipped] == ["d-committed"]  # decisions only, committed only


def test_shipping_is_off_by_default_and_sends_nothing(receiver, tmp_path, monkeypatch):
    listening = receiver()
    for name in ("URL", "BUFFER_DIR", "TOKEN"):
        monkeypatch.delenv(f"GOVSHARE_DECISION_LOG_{name}", raising=False)
    service = build_service(make_settings(tmp_path))
    app = create_app(service)
    assert app.state.decision_log is None and service.store.on_commit == []
    with TestClient(app, headers=ADMIN) as client:
        assert client.post("/v1/decisions", json=USE).status_code == 200
        assert "govshare_decision_log" not in client.get("/metrics").text
    assert listening.requests == []
    assert not (tmp_path / "decision-log-buffer").exists()


@pytest.mark.parametrize("env, named", [
    ({"GOVSHARE_DECISION_LOG_URL": "ftp://logs.example"}, "GOVSHARE_DECISION_LOG_URL"),
    ({"GOVSHARE_DECISION_LOG_URL": "http://logs.example", "GOVSHARE_DECISION_LOG_BATCH_BYTES": "lots"}, "GOVSHARE_DECISION_LOG_BATCH_BYTES"),
    ({"GOVSHARE_DECISION_LOG_URL": "http://logs.example", "GOVSHARE_DECISION_LOG_MIN_DELAY": "5",
      "GOVSHARE_DECISION_LOG_MAX_DELAY": "1"}, "GOVSHARE_DECISION_LOG_MAX_DELAY"),
])
def test_a_setting_that_cannot_be_used_stops_the_start_naming_it(env, named):
    with pytest.raises(SettingsError) as refused:
        SinkConfig.from_env(env)
    assert named in str(refused.value) and " / " in str(refused.value)
