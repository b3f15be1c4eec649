"""A shorter way through FastAPI for the decision routes.

FastAPI resolves a route's parameters and dependencies, validates what the
endpoint returns against its `response_model` and serialises it for every
request; on a cached decision that costs more than the decision itself. A route
of class `FastRoute` whose endpoint is marked with `@fast(handler)` first offers
the request to `handler(request)`, which answers the plain, valid request
directly and returns None for anything else (a missing or refused token, a body
that is not JSON or not a valid event, an unusual content type or query): then
FastAPI's own handler takes the request, exactly as before, so every error keeps
its status and body. The route stays an ordinary `APIRoute` for the OpenAPI
document.

A fast handler must not have done anything the client could see before it
gives up (returns None)."""

from __future__ import annotations

import binascii
from typing import Any, Awaitable, Callable, Coroutine
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import QueryParams

FastHandler = Callable[[Request], Awaitable[Response | None]]


class FastRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        standard = super().get_route_handler()
        quick: FastHandler | None = getattr(self.endpoint, "__fast_path__", None)
        if quick is None:
            return standard

        async def handler(request: Request) -> Response:
            response = await quick(request)
            return response if response is not None else await standard(request)

        return handler


def fast(handler: FastHandler) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an endpoint of a `FastRoute` with the handler that answers its plain requests."""

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        endpoint.__fast_path__ = handler  # type: ignore[attr-defined]
        return endpoint

    return mark


def include_flat(app: FastAPI, router: Any) -> None:
    """Add the router's routes to the app's own router instead of including it.

    `include_router` keeps the router as one entry that matches a request by
    trying its routes, then tries them again to pick one: on the hot routes that
    costs ~14 µs a request. The router's routes must carry everything themselves
    (its tags and dependencies are on each route already; pass the app as its
    `dependency_overrides_provider`)."""
    app.router.routes.extend(router.routes)
    mark = getattr(app.router, "_mark_routes_changed", None)  # FastAPI's cache of route candidates
    if mark is not None:
        mark()


def fast_if(allowed: Callable[[Request], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an endpoint that takes nothing but the request: it answers directly
    whenever `allowed(request)` (the route's token check, say)."""

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        async def handler(request: Request) -> Response | None:
            return await endpoint(request) if allowed(request) else None

        return fast(handler)(endpoint)

    return mark


# --- the query string ------------------------------------------------------------
# Starlette parses it with urllib's parse_qsl, whose pure-Python unquote costs
# ~110 µs on an OPA `?input=` of a typical event (some 200 %-escapes). For an
# ASCII query whose every `%` starts a valid escape, binascii's quoted-printable
# decoder (C) does the same byte for byte once `=` is escaped as `=3D` and `%`
# becomes `=`; anything else goes to parse_qsl as before. tests/integration/
# test_fastpath.py checks the equivalence against parse_qsl.

# Every hex digit as `h`, `%` as itself, any other byte as `x`: every escape is
# valid when each `%` starts a `%hh` (they cannot overlap: `h` is never `%`).
_ESCAPES = bytes(0x68 if chr(i) in "0123456789ABCDEFabcdef" else 0x25 if i == 0x25 else 0x78 for i in range(256))


def _escapes_valid(qs: bytes) -> bool:
    marked = qs.translate(_ESCAPES)
    return marked.count(b"%") == marked.count(b"%hh")


_PLUS_AND_PERCENT = bytes.maketrans(b"+%", b" =")


def _unquote_plus(part: bytes) -> str:
    if b"%" not in part:
        return part.replace(b"+", b" ").decode("ascii")
    if b"=" in part:
        part = part.replace(b"=", b"=3D")
    return binascii.a2b_qp(part.translate(_PLUS_AND_PERCENT)).decode("utf-8", "replace")


def parse_query(qs: bytes) -> list[tuple[str, str]]:
    """What `parse_qsl(qs.decode("latin-1"), keep_blank_values=True)` answers, as Starlette parses it."""
    if not qs.isascii() or (b"%" in qs and not _escapes_valid(qs)):
        return parse_qsl(qs.decode("latin-1"), keep_blank_values=True)
    pairs = []
    for name_value in qs.split(b"&"):
        if name_value:
            name, _, value = name_value.partition(b"=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def use_fast_query(request: Request) -> QueryParams:
    """Parse the request's query string once, quickly, for everything that reads `request.query_params`."""
    params = QueryParams(parse_query(request.scope.get("query_string", b"")))
    request._query_params = params  # what Starlette caches on first access
    return params


def is_json(content_type: str | None) -> bool:
    """A content type FastAPI certainly reads as JSON (anything else takes its own path)."""
    return content_type is not None and (content_type == "application/json" or content_type.startswith("application/json;"))
