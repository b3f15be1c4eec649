"""Bearer-token authentication and role checks for the HTTP API."""

from __future__ import annotations

import threading
from typing import Any, Callable

from cachetools import TTLCache
from fastapi import Depends, Request

from ..storage.store import REQUESTED_BY
from ..tokens import PERMISSIONS, Caller, Tokens

# How long a token look-up is trusted. Revoking clears only this process's cache,
# so this bounds how long a revoked token still works on another worker or
# replica (at most 1 s is promised); one indexed query per token per interval.
TOKEN_CACHE_SECONDS = 0.5

# Permissions checked against the database on every request, never the cache: a
# revoked admin token must not mint tokens on another process even for that time.
UNCACHED = frozenset({"manage_tokens"})

_NOT_CACHED = object()

# Who the caller is when token checks are off (GOVSHARE_AUTH=0).
UNCHECKED = Caller(None, "auth disabled", "admin", None)


def event_claims(event: Any, requester_field: str = "requester.department", prefix: str = "") -> list[tuple[str, Any]]:
    """The departments an access event speaks for, each with the field naming
    it: the acting department, and for `catalog` the entry's provider too."""
    claims = [(f"{prefix}{requester_field}", event.requester.department)]
    if getattr(event, "entry", None) is not None:
        claims.append((f"{prefix}entry.provider", event.entry.provider))
    return claims


class AuthError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str, fields: list[dict[str, Any]] | None = None):
        self.status, self.code, self.zh, self.en, self.fields = status, code, zh, en, fields
        super().__init__(en)


class Authorizer:
    """`require("decide")` is a FastAPI dependency that lets a request through
    only with a valid token whose role has that permission (or any of several).
    Token look-ups are cached for TOKEN_CACHE_SECONDS so a decision does not pay
    a database round trip; revoking through the API clears this process's cache
    at once, the others' within that time."""

    def __init__(self, tokens: Tokens, enabled: bool = True, ttl_seconds: float = TOKEN_CACHE_SECONDS):
        self.tokens, self.enabled = tokens, enabled
        self._cache: TTLCache[str, Caller | None] = TTLCache(maxsize=4096, ttl=ttl_seconds)
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def caller_of(self, token: str, fresh: bool = False) -> Caller | None:
        with self._lock:
            # One look-up, not `in` then `[]`: an entry may expire in between.
            cached = self._cache.get(token, _NOT_CACHED) if not fresh else _NOT_CACHED
        if cached is not _NOT_CACHED:
            return cached
        caller = self.tokens.caller_of(token)
        with self._lock:
            self._cache[token] = caller
        return caller

    @staticmethod
    def bound(request: Request) -> bool:
        """Whether the request's token is bound to departments (so that what it
        acts for must be looked up and checked)."""
        caller: Caller | None = getattr(request.state, "caller", None)
        return caller is None or caller.departments is not None

    @staticmethod
    def act_as(request: Request, *claims: tuple[str, str | None]) -> None:
        """Refuse (403) unless the request's token may act as every department
        it claims; each claim is (the field naming it, the department)."""
        caller: Caller | None = getattr(request.state, "caller", None)
        if caller is None:  # no token check ran: never let it through
            raise AuthError(401, "unauthenticated", "缺少访问令牌。", "Missing token.")
        refused = [(field, department) for field, department in claims if not caller.may_act_as(department)]
        if not refused:
            return
        named = list(dict.fromkeys(str(department) for _, department in refused))
        allowed = sorted(caller.departments or ())
        raise AuthError(
            403, "department_not_allowed",
            f"此令牌只能代表{'、'.join(allowed)}，不能代表{'、'.join(named)}。",
            f"This token may act only as {', '.join(allowed)}, not as {', '.join(named)}.",
            [{"field": field, "type": "department_not_allowed",
              "problem": {"zh": f"令牌无权代表{department}", "en": f"the token may not act as {department}"}}
             for field, department in refused],
        )

    def require(self, *permissions: str) -> Any:
        wanted = set(permissions)

        async def dependency(request: Request) -> str:
            # The header is read here, not declared as a parameter: FastAPI's
            # parameter resolution costs more than the check itself.
            return self._check(request, wanted)

        return Depends(dependency)

    def permits(self, *permissions: str) -> Callable[[Request], bool]:
        """The check `require` makes, answering instead of raising: True lets the
        request through (its role set, as `require` does); False leaves the
        refusal to `require` on FastAPI's own path (see fastpath.py)."""
        wanted = set(permissions)

        def permitted(request: Request) -> bool:
            try:
                self._check(request, wanted)
            except AuthError:
                return False
            return True

        return permitted

    def _check(self, request: Request, wanted: set[str]) -> str:
        authorization = request.headers.get("authorization")
        if not self.enabled:
            request.state.role, request.state.caller = "admin", UNCHECKED
            REQUESTED_BY.set(UNCHECKED.requested_by())
            return "admin"
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError(401, "unauthenticated", "缺少访问令牌：请在 Authorization 头中提供 Bearer 令牌。",
                            "Missing token: send it as Authorization: Bearer <token>.")
        caller = self.caller_of(authorization[7:].strip(), fresh=not wanted.isdisjoint(UNCACHED))
        if caller is None:
            raise AuthError(401, "unauthenticated", "访问令牌无效或已吊销。", "The token is not valid or has been revoked.")
        role = caller.role
        if not wanted & PERMISSIONS[role]:
            raise AuthError(403, "forbidden", f"角色 {role} 无权进行此操作。", f"The role {role} may not do this.")
        request.state.role, request.state.caller = role, caller
        # The request runs in its own context (task): what its writes record as requested_by.
        REQUESTED_BY.set(caller.requested_by())
        return role


Require = Callable[..., Any]
