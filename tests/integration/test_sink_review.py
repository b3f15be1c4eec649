"""Adversarial review of the decision-log sink: a receiver (or the network)
that redirects, answers garbage or hangs must not get the bearer token
elsewhere, must not make unshipped events count as shipped, and must not grow
the process's memory without bound."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.decision_log_sink import DecisionLogSink, SinkConfig
from tests.integration.test_decision_log_sink import entry

TOKEN = "s3cret-receiver-token"


def wait_until(done, deadline_s: float = 20.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)


class Recorder:
    """An HTTP server that records every request (method, headers) and answers
    `status` with `headers`."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None):
        self.seen: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorder.seen.append({"method": self.command, "headers": dict(self.headers)})
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/logs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Hanging:
    """Accepts connections, reads what comes, answers `reply` (or never)."""

    def __init__(self, reply: bytes | None = None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/logs"
        self.reply, self.connections, self.release = reply, 0, threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.recv(65536)
            if self.reply is not None:
                conn.sendall(self.reply)
            else:
                self.release.wait(30)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.release.set()
        self.sock.close()


def test_a_redirecting_receiver_gets_no_token_forwarded_and_nothing_counts_as_shipped(tmp_path):
    elsewhere = Recorder(200)
    receiver = Recorder(302, {"Location": elsewhere.url})
    sink = DecisionLogSink(SinkConfig(url=receiver.url, token=TOKEN, min_delay=0.05, max_delay=0.1, buffer_dir=tmp_path / "buffer"))
    try:
        sink.offer([entry(10)])
        wait_until(lambda: sink.failed_uploads >= 1 or sink.sent)
        assert sink.failed_uploads >= 1 and sink.sent == 0
        assert not [r for r in elsewhere.seen if "Authorization" in r["headers"]]
    finally:
        sink.stop(timeout=5)
        receiver.close()
        elsewhere.close()
    assert list((tmp_path / "buffer").glob("*.ndjson"))  # kept for a receiver that takes it


def test_a_receiver_answering_garbage_counts_as_a_failed_upload(tmp_path):
    receiver = Hanging(b"NOT HTTP AT ALL\r\n\r\n")
    sink = DecisionLogSink(SinkConfig(url=receiver.url, min_delay=0.05, max_delay=0.1, buffer_dir=tmp_path / "buffer"))
    try:
        sink.offer([entry(10)])
        wait_until(lambda: sink.failed_uploads >= 2)
        assert sink.failed_uploads >= 2 and sink.sent == 0
    finally:
        sink.stop(timeout=5)
        receiver.close()


def test_events_queued_while_the_sink_is_stuck_are_bounded_and_the_excess_counted(tmp_path):
    receiver = Hanging(None)  # takes the upload and never answers
    sink = DecisionLogSink(SinkConfig(url=receiver.url, min_delay=0.01, timeout=30, buffer_dir=tmp_path / "buffer",
                                      queue_max_events=10))
    try:
        sink.offer([entry(10)])
        wait_until(lambda: receiver.connections >= 1)  # the sink's thread is now stuck in that upload
        assert receiver.connections >= 1
        for seq in range(11, 61):
            sink.offer([entry(seq)])
        assert sink.dropped == 40
    finally:
        receiver.close()
        sink.stop(timeout=5)


def test_the_token_never_appears_in_the_log(tmp_path, caplog):
    receiver = Recorder(500)
    sink = DecisionLogSink(SinkConfig(url=receiver.url, token=TOKEN, min_delay=0.05, max_delay=0.1, buffer_dir=tmp_path / "buffer"))
    try:
        with caplog.at_level("DEBUG"):
            sink.offer([entry(10)])
            wait_until(lambda: sink.failed_uploads >= 2)
            sink.stop(timeout=5)
        assert sink.failed_uploads >= 2
        assert receiver.seen and receiver.seen[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in caplog.text
    finally:
        receiver.close()


def test_stopping_while_an_upload_hangs_does_not_hang_the_shutdown(tmp_path):
    receiver = Hanging(None)  # takes the upload and never answers
    sink = DecisionLogSink(SinkConfig(url=receiver.url, min_delay=0.01, timeout=30, buffer_dir=tmp_path / "buffer"))
    stopped = threading.Event()
    try:
        sink.offer([entry(10)])
        wait_until(lambda: receiver.connections >= 1)
        stopper = threading.Thread(target=lambda: (sink.stop(timeout=0.2), stopped.set()), daemon=True)
        stopper.start()
        stopper.join(10)  # far below the receiver's 30 s: a stop waiting on the upload would still be blocked
        assert stopped.is_set()
    finally:
        receiver.close()
    assert list((tmp_path / "buffer").glob("*.ndjson"))  # the event waits for the next start
