"""Safe retries: the `Idempotency-Key` header on decisions of record, batches
and every lifecycle step.

A platform that retries a request (OPA clients do) sends the same key; the
retry within 24 h gets the first answer (the same `decision_id`) and writes
nothing; the same key with another body is 409. Keys are kept in the database
per caller (the hash of its token), so they hold across workers and restarts.

The first request claims its key as pending before it runs and stores its
answer before the answer is sent: an answered request is always found by its
retry. A request that was never answered (its process died, or its answer
could not be kept) leaves a pending claim, and is never run again under that
key, since nothing says whether it wrote: a retry is told to wait (409 with
Retry-After) and, after PENDING_SECONDS, that the outcome is unknown (409: look
it up in the decision log, or send it with a new key).

The caller is the token's identity (its id), not the header's spelling; with
token checks off (GOVSHARE_AUTH=0) every caller is one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

import orjson
from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..storage.store import Store
from .auth import Authorizer
from .errors import error_body

log = logging.getLogger("govshare.http")

HEADER = b"idempotency-key"
KEEP_SECONDS = 24 * 3600
PENDING_SECONDS = 60
_VALID_KEY = re.compile(rb"^[\x21-\x7e]{1,255}$")

# The writes a retry must not repeat: decisions of record (not a dry run), the
# OPA Data API's and AuthZEN's decisions, and the lifecycle's steps. Token
# management is left out on purpose: its answer holds a secret, never stored.
_WRITES = re.compile(
    r"^/(?:v1/decisions(?::batch)?|v1/data(?:/.*)?|access/v1/evaluations?|v1/catalog"
    r"|v1/applications(?:/[^/]+/(?:reply|material|delivery))?|v1/grants/[^/]+/(?:rectify|terminate)"
    r"|v1/records/[^/]+(?:/delete)?)$"
)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


def replay_body(body: bytes) -> Receive:
    """A `receive` that hands the app the body already read."""
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:
    payload = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


class Idempotency:
    """ASGI middleware: answers a retried write from the stored first answer."""

    def __init__(self, app: ASGIApp, store: Store, auth: Authorizer, keep_seconds: float = KEEP_SECONDS):
        self.app, self.store, self.auth, self.keep_seconds = app, store, auth, keep_seconds

    def _caller(self, scope: Scope) -> str | None:
        """Whose key space the request is in: its token's id; None without a
        valid token (the route refuses it, with nothing kept)."""
        if not self.auth.enabled:
            return "auth-disabled"
        authorization = (_header(scope, b"authorization") or b"").decode("latin-1")
        if not authorization.lower().startswith("bearer "):
            return None
        caller = self.auth.caller_of(authorization[7:].strip())
        return None if caller is None else f"token:{caller.token}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, HEADER) if scope["type"] == "http" and scope["method"] in ("POST", "PATCH") else None
        if key is None or not _WRITES.match(scope["path"]):
            await self.app(scope, receive, send)  # no key, or nothing to repeat
            return
        if not _VALID_KEY.match(key):
            await _send_json(send, 400, error_body(
                "invalid_idempotency_key", "Idempotency-Key 须为 1–255 个可见 ASCII 字符。",
                "Idempotency-Key must be 1–255 visible ASCII characters.",
                [{"field": "Idempotency-Key", "type": "invalid", "problem": {"zh": "1–255 个可见 ASCII 字符", "en": "1–255 visible ASCII characters"}}]))
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        who = await to_thread.run_sync(self._caller, scope)
        if who is None:
            await self.app(scope, replay_body(body), send)  # refused by the route; nothing to keep
            return
        caller = hashlib.sha256(who.encode()).hexdigest()
        fingerprint = hashlib.sha256(b"\0".join((scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body))).hexdigest()
        name = key.decode()
        first = await to_thread.run_sync(self.store.claim_idempotency_key, caller, name, fingerprint, self.keep_seconds)
        if first is not None:
            await self._answer_again(send, first, fingerprint)
            return

        replay = replay_body(body)

        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay, capture)
        except BaseException:
            await to_thread.run_sync(self.store.release_idempotency_key, caller, name)
            raise
        assert start is not None
        status, answer = start["status"], b"".join(chunks)
        try:
            if status >= 500 or status in (401, 403):
                # Nothing was written (a failed write writes nothing), or the caller was refused: the key stays free.
                await to_thread.run_sync(self.store.release_idempotency_key, caller, name)
            else:
                content_type = next((v.decode("latin-1") for k, v in start.get("headers", ()) if k == b"content-type"), None)
                await to_thread.run_sync(self.store.complete_idempotency_key, caller, name, status, content_type, answer)
        except Exception:  # the answer stands; the key stays pending, so it is never run twice
            log.exception("could not keep the answer under an idempotency key")
        await send(start)
        await send({"type": "http.response.body", "body": answer})


    @staticmethod
    async def _answer_again(send: Send, first: Any, fingerprint: str) -> None:
        if first.fingerprint != fingerprint:
            await _send_json(send, 409, error_body(
                "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求（请求内容不同），未执行。每个不同的请求请使用新的键。",
                "This Idempotency-Key was used for another request (a different body); nothing was done. Use a new key for each distinct request."))
            return
        if first.status_code is None and first.age_seconds() > PENDING_SECONDS:
            await _send_json(send, 409, error_body(
                "idempotency_key_unresolved",
                "使用该 Idempotency-Key 的请求没有得到答复（服务中断），无法确定是否已执行，不再重复执行。请在决策记录中查询，或以新的键重新提交。",
                "The request with this Idempotency-Key was never answered (the service was interrupted); whether it was carried out is unknown, "
                "so it is not run again. Look it up in the decision log, or send it again with a new key."))
            return
        if first.status_code is None:
            await _send_json(send, 409, error_body(
                "idempotency_key_in_progress", "使用该 Idempotency-Key 的请求尚在处理中，请稍后重试。",
                "A request with this Idempotency-Key is still being handled; retry shortly."), [(b"retry-after", b"1")])
            return
        answer = first.response or b""
        await send({"type": "http.response.start", "status": first.status_code,
                    "headers": [(b"content-type", (first.content_type or "application/json").encode("latin-1")),
                                (b"content-length", str(len(answer)).encode()), (b"idempotent-replayed", b"true")]})
        await send({"type": "http.response.body", "body": answer})
