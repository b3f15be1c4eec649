"""The database tables. Rows keep the validated JSON document of each record, so
the policies see exactly what was stored; the columns beside it are what we
query and lock on. Schema changes go through Alembic migrations (migrations/)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, BigInteger, Date, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CatalogRow(Base):
    __tablename__ = "catalog_entries"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GrantRow(Base):
    __tablename__ = "grants"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(200), index=True)
    requester: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApplicationRow(Base):
    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(200), index=True)
    requester: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UsageRecordRow(Base):
    __tablename__ = "usage_records"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    grant_id: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True)
    dataset: Mapped[str] = mapped_column(String(200), index=True)
    requester: Mapped[str] = mapped_column(String(200), index=True)
    created_on: Mapped[date] = mapped_column(Date)
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerRow(Base):
    __tablename__ = "ledger"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    ref: Mapped[str] = mapped_column(String(200), index=True)
    recorded_at: Mapped[str] = mapped_column(String(40))
    policy_revision: Mapped[str] = mapped_column(String(80))
    law_version: Mapped[str] = mapped_column(String(200))
    data_revision: Mapped[str] = mapped_column(String(80))
    body: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpointRow(Base):
    """A signed statement that the ledger reached entry `seq` with hash
    `head_hash` (engine/checkpoints.py); one per entry, whichever worker signed it."""

    __tablename__ = "ledger_checkpoints"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(80))
    signature: Mapped[str] = mapped_column(String(200))


class MetaRow(Base):
    """Small key/value facts, e.g. the data revision counter every worker polls."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The departments the token may act as; None: a platform-wide token.
    departments: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class IdempotencyRow(Base):
    """A request's first answer under its Idempotency-Key (pending while
    `status_code` is null), per caller."""

    __tablename__ = "idempotency_keys"
    caller: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    response: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    def age_seconds(self) -> float:
        # SQLite hands the time back without its zone; it was written in UTC.
        created = self.created_at if self.created_at.tzinfo else self.created_at.replace(tzinfo=timezone.utc)
        return (datetime.now(timezone.utc) - created).total_seconds()
