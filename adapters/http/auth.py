"""Bearer-token authentication and role checks for the HTTP API."""

from __future__ import annotations

import threading
from typing import Any, Callable

from cachetools import TTLCache
from fastapi import Depends, Request

from ..tokens import PERMISSIONS, Tokens


class AuthError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str):
        self.status, self.code, self.zh, self.en = status, code, zh, en
        super().__init__(en)


class Authorizer:
    """`require("decide")` is a FastAPI dependency that lets a request through
    only with a valid token whose role has that permission (or any of several).
    Token look-ups are cached for a short while so a decision does not pay a
    database round trip; revoking through the API clears the cache at once."""

    def __init__(self, tokens: Tokens, enabled: bool = True, ttl_seconds: float = 30.0):
        self.tokens, self.enabled = tokens, enabled
        self._cache: TTLCache[str, str | None] = TTLCache(maxsize=4096, ttl=ttl_seconds)
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def role_of(self, token: str) -> str | None:
        with self._lock:
            if token in self._cache:
                return self._cache[token]
        role = self.tokens.role_of(token)
        with self._lock:
            self._cache[token] = role
        return role

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
            request.state.role = "admin"
            return "admin"
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError(401, "unauthenticated", "缺少访问令牌：请在 Authorization 头中提供 Bearer 令牌。",
                            "Missing token: send it as Authorization: Bearer <token>.")
        role = self.role_of(authorization[7:].strip())
        if role is None:
            raise AuthError(401, "unauthenticated", "访问令牌无效或已吊销。", "The token is not valid or has been revoked.")
        if not wanted & PERMISSIONS[role]:
            raise AuthError(403, "forbidden", f"角色 {role} 无权进行此操作。", f"The role {role} may not do this.")
        request.state.role = role
        return role


Require = Callable[..., Any]
