"""API tokens and roles. Tokens are random, shown once, and stored only as
sha256 hashes; a lost token is revoked and replaced, never recovered."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .storage.store import NotFound, Store
from .storage.tables import TokenRow

log = logging.getLogger("govshare.tokens")

ROLES = ("platform", "compliance", "auditor", "admin")

# What each role may do. platform: the data-sharing platforms that ask for
# decisions and run the sharing steps; compliance: also edits the catalogue and
# policies and acts for the competent department; auditor: reads decisions,
# records and the ledger; admin: everything, and manages tokens.
PERMISSIONS: dict[str, frozenset[str]] = {
    "platform": frozenset({"decide", "share", "read_catalog"}),
    "compliance": frozenset({"decide", "share", "read_catalog", "write_catalog", "govern", "read_records", "read_ledger"}),
    "auditor": frozenset({"read_catalog", "read_records", "read_ledger"}),
    "admin": frozenset({"decide", "share", "read_catalog", "write_catalog", "govern", "read_records", "read_ledger", "manage_tokens"}),
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PLATFORM_WIDE = "platform-wide"


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    role: str
    created_at: str
    revoked: bool
    departments: list[str] | None  # None: platform-wide
    scope: str  # "platform-wide" | "departments"


def _info(row: TokenRow) -> TokenInfo:
    scope = PLATFORM_WIDE if row.departments is None else "departments"
    return TokenInfo(row.id, row.name, row.role, row.created_at.isoformat(), row.revoked_at is not None, row.departments, scope)


@dataclass(frozen=True)
class Caller:
    """Who a valid token says the caller is."""

    token: str | None  # the token's id (never the secret); None without a token
    name: str
    role: str
    departments: frozenset[str] | None  # the departments it may act as; None: any

    def may_act_as(self, department: object) -> bool:
        # Anything but a name it holds is refused (a list or object in an OPA input, say).
        return self.departments is None or (isinstance(department, str) and department in self.departments)

    def requested_by(self) -> dict[str, str | None]:
        """What the ledger records of it."""
        return {"token": self.token, "name": self.name}


class Tokens:
    def __init__(self, store: Store):
        self.store = store

    def create(self, name: str, role: str, token: str | None = None, departments: list[str] | None = None) -> tuple[str, TokenInfo]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if departments is not None and not departments:
            raise ValueError("a bound token needs at least one department")
        token = token or "gs_" + secrets.token_urlsafe(32)
        return token, self.store.transaction(lambda session: _info(self._add(session, name, role, token, departments)))

    @staticmethod
    def _add(session: Session, name: str, role: str, token: str, departments: list[str] | None) -> TokenRow:
        # Built inside the unit of work, so that a retried transaction starts afresh.
        departments = None if departments is None else sorted(set(departments))
        row = TokenRow(id="t-" + uuid.uuid4().hex[:12], name=name, role=role, token_hash=token_hash(token),
                       created_at=datetime.now(timezone.utc), revoked_at=None, departments=departments)
        session.add(row)
        session.flush()
        Store.append(session, "token_created", row.id, {"name": name, "role": role, "departments": departments},
                     policy_revision="-", law_version="-", data_revision="-")
        return row

    def caller_of(self, token: str) -> Caller | None:
        """The caller a token names, or None for an unknown or revoked token."""
        with self.store.read() as session:
            row = session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash(token)))
            if row is None or row.revoked_at is not None:
                return None
            return Caller(row.id, row.name, row.role, None if row.departments is None else frozenset(row.departments))

    def list(self) -> list[TokenInfo]:
        with self.store.read() as session:
            return [_info(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.created_at))]

    def revoke(self, token_id: str) -> TokenInfo:
        def work(session: Session) -> TokenInfo:
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFound("token", token_id)
            row.revoked_at = row.revoked_at or datetime.now(timezone.utc)
            Store.append(session, "token_revoked", token_id, {"name": row.name, "role": row.role, "departments": row.departments},
                         policy_revision="-", law_version="-", data_revision="-")
            return _info(row)

        return self.store.transaction(work)

    def has_admin(self) -> bool:
        with self.store.read() as session:
            return session.scalar(select(TokenRow.id).where(TokenRow.role == "admin", TokenRow.revoked_at.is_(None)).limit(1)) is not None

    def bootstrap(self, token: str | None) -> str | None:
        """Make sure an admin token exists. Uses `token` (GOVSHARE_BOOTSTRAP_TOKEN)
        when given, else generates one; returns a generated token so the caller
        can show it once, None otherwise. A given token that was revoked stays
        revoked: it is not created again, and a warning says so."""
        if token:
            def work(session: Session) -> bool:
                # Looked up inside the transaction: a worker that lost the race to
                # create it retries, and then finds it.
                row = session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash(token)))
                if row is None:
                    self._add(session, "bootstrap admin", "admin", token, None)
                return row is not None and row.revoked_at is not None

            if self.store.transaction(work):
                log.warning("引导令牌（GOVSHARE_BOOTSTRAP_TOKEN）已被吊销，未重新创建；请用其他管理员令牌签发令牌，并从环境中删除该变量。 / "
                            "The bootstrap token (GOVSHARE_BOOTSTRAP_TOKEN) is revoked and was not re-created; issue tokens "
                            "with another admin token and remove the variable from the environment.")
            return None
        if self.has_admin():
            return None
        generated, _ = self.create("bootstrap admin", "admin")
        return generated
