"""Catalogue and grant storage on SQLAlchemy 2: SQLite by default, PostgreSQL in
production. Rows keep the validated JSON document, so the policies see exactly
what was stored."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy import JSON, DateTime, String, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from engine.decide import DataSnapshot
from engine.models import CatalogEntry, Grant


class StorageError(RuntimeError):
    """The database cannot be reached or used."""


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
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'govshare.sqlite3').as_posix()}"


class Store:
    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        try:
            Base.metadata.create_all(self.engine)
        except OperationalError as exc:
            raise StorageError(f"cannot open the database at {self.safe_url()}: {exc.orig}") from exc

    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def is_empty(self) -> bool:
        with Session(self.engine) as session:
            return session.scalar(select(CatalogRow.id).limit(1)) is None

    def put_catalog(self, entries: list[CatalogEntry]) -> None:
        now = datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            for entry in entries:
                session.merge(CatalogRow(id=entry.id, body=entry.model_dump(mode="json", exclude_none=True), updated_at=now))

    def put_grants(self, grants: list[Grant]) -> None:
        now = datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            for grant in grants:
                session.merge(GrantRow(id=grant.id, dataset=grant.dataset, body=grant.model_dump(mode="json", exclude_none=True), updated_at=now))

    def catalog(self) -> list[CatalogEntry]:
        with Session(self.engine) as session:
            return [CatalogEntry.model_validate(row.body) for row in session.scalars(select(CatalogRow).order_by(CatalogRow.id))]

    def grants(self) -> list[Grant]:
        with Session(self.engine) as session:
            return [Grant.model_validate(row.body) for row in session.scalars(select(GrantRow).order_by(GrantRow.id))]

    def snapshot(self) -> DataSnapshot:
        return DataSnapshot.build(self.catalog(), self.grants())

    def seed_demo(self) -> int:
        """Load the bundled demo catalogue if the store is empty; return how many
        entries were added."""
        if not self.is_empty():
            return 0
        entries, grants = demo_catalog()
        self.put_catalog(entries)
        self.put_grants(grants)
        return len(entries)


def demo_catalog() -> tuple[list[CatalogEntry], list[Grant]]:
    raw = json.loads(resources.files("adapters.storage").joinpath("seed/demo_catalog.json").read_text(encoding="utf-8"))
    return [CatalogEntry.model_validate(e) for e in raw["catalog"]], [Grant.model_validate(g) for g in raw["grants"]]
