"""Storage on SQLAlchemy 2: SQLite by default, PostgreSQL in production.

Every write runs in one transaction together with its ledger entry, so a failed
write leaves nothing half-written and the ledger never misses a committed
record. Concurrent writers (several worker processes) keep one chain: the ledger
sequence is the primary key, so two writers that raced for the same place
collide and the loser retries the whole unit of work.
"""

from __future__ import annotations

import json
import random
import time
from contextvars import ContextVar
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

from alembic import command
from alembic.config import Config
import orjson
from sqlalchemy import bindparam, create_engine, delete, event, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from engine.calendar import years_in
from engine.decide import DataSnapshot
from engine.checkpoints import Checkpoint
from engine.ledger import GENESIS, LedgerEntry, seal
from engine.models import CatalogEntry, Grant

from .tables import ApplicationRow, CatalogRow, GrantRow, IdempotencyRow, LedgerCheckpointRow, LedgerRow, MetaRow, UsageRecordRow

if TYPE_CHECKING:
    from .checkpointer import Checkpointer

T = TypeVar("T")


class StorageError(RuntimeError):
    """The database cannot be reached or used."""


def storage_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or used just now (the
    same request may work later: 503 with Retry-After), as against a bug in a
    query or a row that breaks a constraint (logged with its traceback)."""
    if isinstance(exc, (StorageError, PoolTimeout, DisconnectionError)):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
        return True
    # DatabaseError itself (no subclass): SQLite's "file is not a database" or a
    # corrupt file. 25006: a PostgreSQL server that refuses writes (a standby).
    return type(exc) is DatabaseError or getattr(exc.orig, "sqlstate", None) == "25006"


def describe_storage_error(exc: BaseException) -> str:
    """One line for the log: the driver's own error, without the statement or
    its parameters (they may hold masked input)."""
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {first[0] if first else ''}"


def _sqlite_file_failures_disconnect(context: Any) -> None:
    """A SQLite file that turned unreadable (garbage, corruption, an I/O error)
    leaves the connection that saw it unusable even once the file is back:
    treat it as a lost connection, so the pool opens fresh ones."""
    error = context.original_exception
    text = str(error).lower()
    if type(error).__name__ == "DatabaseError" or "disk i/o error" in text or "unable to open database" in text:
        context.is_disconnect = True


class NotFound(LookupError):
    def __init__(self, kind: str, ref: str):
        self.kind, self.ref = kind, ref
        super().__init__(f"{kind} {ref!r} not found")


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'govshare.sqlite3').as_posix()}"


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Where a transaction keeps the chain head it has appended to (Session.info).
LEDGER_HEAD = "govshare.ledger_head"
# And the entries it appended, for the store's `on_commit` listeners.
LEDGER_APPENDED = "govshare.ledger_appended"

# Who asked for the writes under way, recorded in every ledger entry's body as
# `requested_by` (as OPA's decision log does): {"token": id, "name": name}, never
# the secret. The HTTP token check sets it for its request, the CLI for its
# command; what the service writes on its own (at start-up, on a reload) is the
# service's. The group committer carries it to its writer thread.
SERVICE_CALLER = {"token": None, "name": "service"}
REQUESTED_BY: ContextVar[dict[str, Any]] = ContextVar("govshare_requested_by", default=SERVICE_CALLER)


class Store:
    # Signs the ledger head now and then (storage/checkpointer.py); told of every commit that appended.
    checkpointer: Checkpointer | None = None

    def __init__(self, url: str):
        self.url = url
        # Told of the entries each transaction appended, once it is committed (the
        # decision-log sink, adapters/decision_log_sink.py); they must never raise.
        self.on_commit: list[Callable[[list[LedgerEntry]], None]] = []
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # orjson for the JSON columns: every decision of record stores two bodies.
        self.engine: Engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_text)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "handle_error", _sqlite_file_failures_disconnect)
        try:
            self.migrate()
        except OperationalError as exc:
            raise StorageError(f"cannot open the database at {self.safe_url()}: {exc.orig}") from exc

    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        config = Config()
        config.set_main_option("script_location", str(resources.files("adapters.storage").joinpath("migrations")))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # --- units of work ------------------------------------------------------

    def transaction(self, work: Callable[[Session], T], attempts: int = 60) -> T:
        """Run `work` in one transaction; retry the whole of it when a concurrent
        writer took the same ledger place (or SQLite was busy)."""
        for attempt in range(attempts):
            try:
                with Session(self.engine, expire_on_commit=False) as session, session.begin():
                    result = work(session)
                if self.checkpointer is not None and LEDGER_HEAD in session.info:
                    self.checkpointer.appended(session.info[LEDGER_HEAD][0])  # never raises; signs later, elsewhere
                if self.on_commit and (appended := session.info.get(LEDGER_APPENDED)):
                    for listener in self.on_commit:
                        listener(appended)
                return result
            except (IntegrityError, OperationalError) as exc:
                if attempt == attempts - 1 or not _is_contention(exc):
                    raise
                time.sleep(random.uniform(0.001, 0.01) * (1 + attempt))
        raise AssertionError("unreachable")

    def read(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def ping(self) -> None:
        """One cheap round trip that reads a table (on SQLite a bare SELECT 1
        would not touch the file); raises what the driver raises."""
        with self.engine.connect() as connection:
            connection.execute(select(MetaRow.key).limit(1)).all()

    # --- ledger -------------------------------------------------------------

    @staticmethod
    def append(session: Session, kind: str, ref: str, body: dict[str, Any], *, policy_revision: str,
               law_version: str, data_revision: str) -> LedgerEntry:
        """Append one sealed entry inside `session`'s transaction. The chain's
        head is read once per transaction, so a group of writes costs one query;
        a racing writer that took the same place fails on the unique sequence
        number, and `transaction` runs the whole unit again.

        The row is inserted at once (a Core insert, not an ORM object flushed
        later): the body is stored exactly as it was sealed, whatever the caller
        does to it afterwards, and the first append of a transaction claims its
        place in the chain: on PostgreSQL a racing writer then waits for this
        transaction instead of failing at commit and backing off (which let one
        writer starve another)."""
        head = session.info.get(LEDGER_HEAD)
        if head is None:
            last = session.execute(select(LedgerRow.seq, LedgerRow.hash).order_by(LedgerRow.seq.desc()).limit(1)).first()
            head = (last.seq, last.hash) if last else (0, GENESIS)
        # Old entries have no requested_by: they are verified on the body they were sealed with.
        body = {**body, "requested_by": REQUESTED_BY.get()}
        entry = seal(head[0] + 1, kind, ref, _now().isoformat().replace("+00:00", "Z"), policy_revision, law_version, data_revision, body, head[1])
        session.connection().execute(_INSERT_LEDGER_ROW, {**entry.content(), "hash": entry.hash})
        session.info[LEDGER_HEAD] = (entry.seq, entry.hash)
        session.info.setdefault(LEDGER_APPENDED, []).append(entry)
        return entry

    def ledger(self, batch: int = 1000) -> Iterator[LedgerEntry]:
        """Every entry in sequence order, streamed."""
        after = 0
        while True:
            with self.read() as session:
                rows = session.scalars(select(LedgerRow).where(LedgerRow.seq > after).order_by(LedgerRow.seq).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield LedgerEntry(row.seq, row.kind, row.ref, row.recorded_at, row.policy_revision, row.law_version,
                                  row.data_revision, row.body, row.prev_hash, row.hash)
            after = rows[-1].seq

    def ledger_length(self) -> int:
        with self.read() as session:
            return session.scalar(select(func.count()).select_from(LedgerRow)) or 0

    # --- checkpoints: the signed head, so the end cannot be cut off ----------

    def ledger_head(self) -> tuple[int, str]:
        """The newest entry's sequence number and hash ((0, GENESIS) when empty)."""
        with self.read() as session:
            last = session.execute(select(LedgerRow.seq, LedgerRow.hash).order_by(LedgerRow.seq.desc()).limit(1)).first()
        return (last.seq, last.hash) if last else (0, GENESIS)

    def ledger_hash_at(self, seq: int) -> str | None:
        with self.read() as session:
            return session.scalar(select(LedgerRow.hash).where(LedgerRow.seq == seq))

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Store a checkpoint; one of the same entry stored already (another
        worker signed the same head) is kept and this one dropped."""
        def work(session: Session) -> None:
            if session.get(LedgerCheckpointRow, checkpoint.seq) is None:
                session.add(LedgerCheckpointRow(seq=checkpoint.seq, head_hash=checkpoint.head_hash, signed_at=checkpoint.at,
                                                key_id=checkpoint.key_id, signature=checkpoint.signature))

        try:
            self.transaction(work, attempts=1)
        except IntegrityError:  # the other worker won the race for this seq
            pass

    def latest_checkpoint(self) -> Checkpoint | None:
        with self.read() as session:
            row = session.scalars(select(LedgerCheckpointRow).order_by(LedgerCheckpointRow.seq.desc()).limit(1)).first()
        return None if row is None else _checkpoint(row)

    def checkpoints(self) -> list[Checkpoint]:
        with self.read() as session:
            return [_checkpoint(row) for row in session.scalars(select(LedgerCheckpointRow).order_by(LedgerCheckpointRow.seq))]

    # --- what the record relies on (a hot reload must not take it away) -----

    def logged_rules(self, names: Iterable[str]) -> set[str]:
        """Which of `names` (rule packages or codes) a logged decision cites as
        the `rule` or `code` of one of its violations, breaches or obligations.
        One pass over the decision entries in SQL (json_each on SQLite,
        json_array_elements on PostgreSQL; a Python scan elsewhere): a full scan,
        which suits a human-paced policy reload, not a request."""
        wanted = set(names)
        if not wanted:
            return set()
        sql = _LOGGED_RULES.get(self.engine.dialect.name)
        if sql is None:
            return wanted & {name for entry in self.ledger() if entry.kind == "decision"
                             for item in _cited(entry.body) for name in (item.get("rule"), item.get("code"))}
        with self.read() as session:
            rows = session.execute(sql, {"names": sorted(wanted)}).all()
        return wanted & {name for row in rows for name in row}

    def years_in_use(self, years: Iterable[int]) -> set[int]:
        """Which of `years` a stored application or grant (any date in its
        document), a usage record (created_on) or the event of a logged
        decision (event_at, Beijing time) is dated in."""
        wanted = {int(y) for y in years}
        if not wanted:
            return set()
        found: set[int] = set()
        event_at = LedgerRow.body[("decision", "event_at")].as_string()
        with self.read() as session:
            # Applications and grants are state, not history: few enough to read.
            for table in (ApplicationRow, GrantRow):
                for body in session.scalars(select(table.body)):
                    found |= years_in(body) & wanted
            for year in sorted(wanted - found):
                if session.scalar(select(UsageRecordRow.id).where(
                        UsageRecordRow.created_on.between(date(year, 1, 1), date(year, 12, 31))).limit(1)) is not None:
                    found.add(year)
                elif session.scalar(select(LedgerRow.seq).where(
                        LedgerRow.kind == "decision", event_at.like(f"{year:04d}-%")).limit(1)) is not None:
                    found.add(year)
        return found

    # --- idempotency keys: a retried request gets its first answer ---------

    def claim_idempotency_key(self, caller: str, key: str, fingerprint: str, ttl_seconds: float) -> IdempotencyRow | None:
        """Claim `key` for a request of `caller`: None when it is new (now held
        as pending), else the row a request with this key left within
        `ttl_seconds` (pending, or with its answer). A row older than that is
        dropped and the key claimed anew; a concurrent claim of the same key
        loses the race on the primary key and reads the winner's row."""
        now = _now()

        def work(session: Session) -> IdempotencyRow | None:
            row = session.get(IdempotencyRow, (caller, key))
            if row is not None:
                if row.age_seconds() <= ttl_seconds:
                    return row
                session.delete(row)
                session.flush()
            if random.random() < 0.01:  # now and then, forget what is past keeping
                session.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at < datetime.fromtimestamp(now.timestamp() - ttl_seconds, timezone.utc)))
            session.add(IdempotencyRow(caller=caller, key=key, fingerprint=fingerprint, created_at=now))
            session.flush()
            return None

        return self.transaction(work)

    def complete_idempotency_key(self, caller: str, key: str, status_code: int, content_type: str | None, response: bytes) -> None:
        def work(session: Session) -> None:
            row = session.get(IdempotencyRow, (caller, key))
            if row is not None:
                row.status_code, row.content_type, row.response = status_code, content_type, response

        self.transaction(work)

    def release_idempotency_key(self, caller: str, key: str) -> None:
        """Forget a pending claim whose request wrote nothing (it failed), so a retry runs again."""
        self.transaction(lambda session: session.execute(
            delete(IdempotencyRow).where(IdempotencyRow.caller == caller, IdempotencyRow.key == key, IdempotencyRow.status_code.is_(None))))

    # --- data generation: lets every worker notice catalogue/grant writes ---

    GENERATION = "data_generation"

    @classmethod
    def bump_generation(cls, session: Session) -> None:
        row = session.get(MetaRow, cls.GENERATION, with_for_update=True)
        if row is None:
            session.add(MetaRow(key=cls.GENERATION, value="1"))
        else:
            row.value = str(int(row.value) + 1)

    def generation(self) -> int:
        with self.read() as session:
            row = session.get(MetaRow, self.GENERATION)
            return int(row.value) if row else 0

    # --- catalogue and grants ------------------------------------------------

    @staticmethod
    def put_catalog_in(session: Session, entry: CatalogEntry) -> None:
        session.merge(CatalogRow(id=entry.id, body=entry.model_dump(mode="json", exclude_none=True), updated_at=_now()))

    @staticmethod
    def put_grant_in(session: Session, grant: Grant) -> None:
        session.merge(GrantRow(id=grant.id, dataset=grant.dataset, requester=grant.requester, status=grant.status.value,
                               body=grant.model_dump(mode="json", exclude_none=True), updated_at=_now()))

    def put_catalog(self, entries: list[CatalogEntry]) -> None:
        def work(session: Session) -> None:
            for entry in entries:
                self.put_catalog_in(session, entry)
            self.bump_generation(session)

        self.transaction(work)

    def put_grants(self, grants: list[Grant]) -> None:
        def work(session: Session) -> None:
            for grant in grants:
                self.put_grant_in(session, grant)
            self.bump_generation(session)

        self.transaction(work)

    def catalog(self) -> list[CatalogEntry]:
        with self.read() as session:
            return [CatalogEntry.model_validate(row.body) for row in session.scalars(select(CatalogRow).order_by(CatalogRow.id))]

    def catalog_entry(self, entry_id: str) -> CatalogEntry:
        return CatalogEntry.model_validate(self._row(CatalogRow, entry_id, "catalog entry", None).body)

    def grants(self) -> list[Grant]:
        with self.read() as session:
            return [Grant.model_validate(row.body) for row in session.scalars(select(GrantRow).order_by(GrantRow.id))]

    def _row(self, table: type, ref: str, kind: str, session: Session | None) -> Any:
        """A row by primary key: locked for update inside a unit of work, or
        read fresh; NotFound if there is none."""
        if session is not None:
            row = session.get(table, ref, with_for_update=True)
        else:
            with self.read() as fresh:
                row = fresh.get(table, ref)
        if row is None:
            raise NotFound(kind, ref)
        return row

    def grant(self, grant_id: str, session: Session | None = None) -> Grant:
        return Grant.model_validate(self._row(GrantRow, grant_id, "grant", session).body)

    def snapshot(self) -> DataSnapshot:
        return DataSnapshot.build(self.catalog(), self.grants())

    def is_empty(self) -> bool:
        with self.read() as session:
            return session.scalar(select(CatalogRow.id).limit(1)) is None

    def seed_demo(self) -> int:
        """Load the bundled demo catalogue if the store is empty; return how many
        entries were added."""
        entries, grants = demo_catalog()

        def work(session: Session) -> int:
            if session.scalar(select(CatalogRow.id).limit(1)) is not None:
                return 0
            for entry in entries:
                self.put_catalog_in(session, entry)
            for grant in grants:
                self.put_grant_in(session, grant)
            self.bump_generation(session)
            return len(entries)

        return self.transaction(work)

    # --- applications and usage records --------------------------------------

    @staticmethod
    def put_application_in(session: Session, application: dict[str, Any]) -> None:
        session.merge(ApplicationRow(
            id=application["id"], dataset=application["dataset"], requester=application["requester"],
            status=application["status"], received_on=date.fromisoformat(application["received_on"]),
            body=application, updated_at=_now(),
        ))

    def application(self, application_id: str, session: Session | None = None) -> dict[str, Any]:
        return dict(self._row(ApplicationRow, application_id, "application", session).body)

    def applications(self, status: set[str] | None = None) -> list[dict[str, Any]]:
        with self.read() as session:
            query = select(ApplicationRow).order_by(ApplicationRow.received_on, ApplicationRow.id)
            if status:
                query = query.where(ApplicationRow.status.in_(status))
            return [dict(row.body) for row in session.scalars(query)]

    @staticmethod
    def put_record_in(session: Session, record: dict[str, Any], new: bool = False) -> None:
        """Store a usage record; `new` (a record made for a fresh decision) skips
        the look-up an update needs: a clash on the id fails as an integrity error."""
        values = dict(id=record["id"], grant_id=record.get("grant"), dataset=record["dataset"], requester=record["requester"],
                      created_on=date.fromisoformat(record["created_on"]), body=record, updated_at=_now())
        if new:
            session.connection().execute(_INSERT_USAGE_RECORD, values)
        else:
            session.merge(UsageRecordRow(**values))

    def record(self, record_id: str, session: Session | None = None) -> dict[str, Any]:
        return dict(self._row(UsageRecordRow, record_id, "usage record", session).body)

    def records(self, *, grant: str | None = None, dataset: str | None = None, requester: str | None = None,
                limit: int = 500) -> list[dict[str, Any]]:
        with self.read() as session:
            query = select(UsageRecordRow).order_by(UsageRecordRow.created_on.desc(), UsageRecordRow.id).limit(limit)
            if grant:
                query = query.where(UsageRecordRow.grant_id == grant)
            if dataset:
                query = query.where(UsageRecordRow.dataset == dataset)
            if requester:
                query = query.where(UsageRecordRow.requester == requester)
            return [dict(row.body) for row in session.scalars(query)]

    @staticmethod
    def delete_record_in(session: Session, record_id: str) -> None:
        session.execute(delete(UsageRecordRow).where(UsageRecordRow.id == record_id))


def _checkpoint(row: LedgerCheckpointRow) -> Checkpoint:
    return Checkpoint(row.seq, row.head_hash, row.signed_at, row.key_id, row.signature)


# Core inserts: an ORM object costs more to build and flush than the row is worth.
_INSERT_LEDGER_ROW = insert(LedgerRow.__table__)
_INSERT_USAGE_RECORD = insert(UsageRecordRow.__table__)

# The lists of a logged decision whose items name the rule (`rule`: its package)
# and its `code`.
_CITING = ("violations", "breaches", "obligations")


def _logged_rules_sql(dialect: str) -> Any:
    if dialect == "sqlite":
        item = "json_extract(CASE WHEN item.type = 'object' THEN item.value END, '$.{}')"
        part = (f"SELECT {item.format('rule')} AS rule, {item.format('code')} AS code "
                "FROM ledger, json_each(ledger.body, '$.decision.{kind}') AS item WHERE ledger.kind = 'decision'")
    else:  # postgresql; the cast lets a jsonb column work too
        part = ("SELECT item ->> 'rule' AS rule, item ->> 'code' AS code FROM ledger CROSS JOIN LATERAL json_array_elements("
                "CASE WHEN json_typeof(CAST(ledger.body AS json) -> 'decision' -> '{kind}') = 'array' "
                "THEN CAST(ledger.body AS json) -> 'decision' -> '{kind}' END) AS item WHERE ledger.kind = 'decision'")
    union = " UNION ALL ".join(part.format(kind=kind) for kind in _CITING)
    sql = f"SELECT DISTINCT rule, code FROM ({union}) AS cited WHERE rule IN :names OR code IN :names"
    return text(sql).bindparams(bindparam("names", expanding=True))


_LOGGED_RULES = {name: _logged_rules_sql(name) for name in ("sqlite", "postgresql")}


def _cited(body: Any) -> Iterator[dict[str, Any]]:
    decision = body.get("decision") if isinstance(body, dict) else None
    if isinstance(decision, dict):
        for kind in _CITING:
            items = decision.get(kind)
            if isinstance(items, list):
                yield from (item for item in items if isinstance(item, dict))


def _is_contention(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text or "deadlock" in text


def demo_catalog() -> tuple[list[CatalogEntry], list[Grant]]:
    raw = json.loads(resources.files("adapters.storage").joinpath("seed/demo_catalog.json").read_text(encoding="utf-8"))
    return [CatalogEntry.model_validate(e) for e in raw["catalog"]], [Grant.model_validate(g) for g in raw["grants"]]
