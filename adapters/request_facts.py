"""What a decision's ledger entry records about the request that asked for it,
as OPA's decision log does: the path it answered, the remote address, the
request id, this instance's labels and the timers.

The HTTP edge (observability.RequestIds, the Data API) sets `REQUEST_FACTS` for
its request; the lifecycle reads it when it seals a decision. It is a context
variable, as `store.REQUESTED_BY` is, so that it follows the request to the
engine thread and the group committer's writer (both run a job in the context
it was submitted from) and the lifecycle needs no web framework to read it.
"""

from __future__ import annotations

import os
import socket
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class RequestFacts:
    path: str | None = None  # the API path, or for the Data API the document asked (`govshare/decision`)
    remote_addr: str | None = None  # "host:port" of the client, as OPA's `requested_by`
    req_id: str | None = None  # the X-Request-ID the response carries
    received_ns: int | None = None  # time.perf_counter_ns() when the request came in

    def handler_ns(self) -> int | None:
        """Nanoseconds since the request came in (OPA's timer_server_handler_ns, up to now)."""
        return None if self.received_ns is None else time.perf_counter_ns() - self.received_ns


REQUEST_FACTS: ContextVar[RequestFacts | None] = ContextVar("govshare_request_facts", default=None)


def answering(path: str) -> None:
    """Name the path the current request's decisions answer (the Data API's document)."""
    facts = REQUEST_FACTS.get()
    REQUEST_FACTS.set(replace(facts, path=path) if facts is not None else RequestFacts(path=path))


def labels() -> dict[str, str]:
    """OPA's `labels`: a stable id of this instance (GOVSHARE_INSTANCE_ID, else
    the host name, which stays the same across restarts) and govshare's version."""
    try:
        version = metadata.version("govshare")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {"id": os.environ.get("GOVSHARE_INSTANCE_ID") or socket.gethostname(), "version": version}


def decision_log_fields(facts: RequestFacts | None, instance: dict[str, str], eval_ns: int | None,
                        masked: list[str]) -> dict[str, Any]:
    """The fields OPA's decision log carries, for a decision's ledger body
    (sealed with it, so tamper-evident). `requested_by` (the token) is added
    by the store; the remote address is `remote_addr` here. Unknown facts (a
    decision the CLI asked for) are null, never guessed."""
    facts = facts or RequestFacts()
    metrics: dict[str, int] = {}
    if eval_ns is not None:
        metrics["timer_rego_query_eval_ns"] = eval_ns
    if (handler_ns := facts.handler_ns()) is not None:
        metrics["timer_server_handler_ns"] = handler_ns
    return {"path": facts.path, "remote_addr": facts.remote_addr, "req_id": facts.req_id, "labels": instance,
            "metrics": metrics, "masked": masked}
