"""API tokens and roles. Tokens are random, shown once, and stored only as
sha256 hashes; a lost token is revoked and replaced, never recovered."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .storage.store import NotFound, Store
from .storage.tables import TokenRow

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


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    role: str
    created_at: str
    revoked: bool


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(row.id, row.name, row.role, row.created_at.isoformat(), row.revoked_at is not None)


class Tokens:
    def __init__(self, store: Store):
        self.store = store

    def create(self, name: str, role: str, token: str | None = None) -> tuple[str, TokenInfo]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        token = token or "gs_" + secrets.token_urlsafe(32)
        row = TokenRow(id="t-" + uuid.uuid4().hex[:12], name=name, role=role, token_hash=token_hash(token),
                       created_at=datetime.now(timezone.utc), revoked_at=None)

        def work(session: Session) -> TokenInfo:
            session.add(row)
            session.flush()
            Store.append(session, "token_created", row.id, {"name": name, "role": role},
                         policy_revision="-", law_version="-", data_revision="-")
            return _info(row)

        return token, self.store.transaction(work)

    def role_of(self, token: str) -> str | None:
        with self.store.read() as session:
            row = session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash(token)))
            return row.role if row is not None and row.revoked_at is None else None

    def list(self) -> list[TokenInfo]:
        with self.store.read() as session:
            return [_info(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.created_at))]

    def revoke(self, token_id: str) -> TokenInfo:
        def work(session: Session) -> TokenInfo:
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFound("token", token_id)
            row.revoked_at = row.revoked_at or datetime.now(timezone.utc)
            Store.append(session, "token_revoked", token_id, {"name": row.name, "role": row.role},
                         policy_revision="-", law_version="-", data_revision="-")
            return _info(row)

        return self.store.transaction(work)

    def has_admin(self) -> bool:
        with self.store.read() as session:
            return session.scalar(select(TokenRow.id).where(TokenRow.role == "admin", TokenRow.revoked_at.is_(None)).limit(1)) is not None

    def bootstrap(self, token: str | None) -> str | None:
        """Make sure an admin token exists. Uses `token` (GOVSHARE_BOOTSTRAP_TOKEN)
        when given, else generates one; returns a generated token so the caller
        can show it once, None otherwise."""
        if token:
            if self.role_of(token) is None:
                self.create("bootstrap admin", "admin", token)
            return None
        if self.has_admin():
            return None
        generated, _ = self.create("bootstrap admin", "admin")
        return generated
