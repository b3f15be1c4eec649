"""The service layer of the sharing lifecycle: each step is decided by the
engine first, then its effects (state, usage records, ledger entries) are written
in one transaction. Used by the HTTP API and the CLI alike.

Catalogue → application → reply → grant → delivery → use / transfer → records.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from engine.calendar import UnknownCalendarYear
from engine.decide import DataSnapshot, data_stale
from engine.deadlines import delivery_due, due_date_pending, reply_due
from engine.ledger import mask, masked
from engine.models import BEIJING, AccessEvent, Action, CatalogEntry, CatalogUpdate, Decision, Grant, GrantStatus, Requester, Violation
from engine.models import DisposalDone, GrantIncident, IncidentResponse, PurposeEnded, PurposeEndReason, SecurityIncident
from engine.parameters import ParameterNotInForce

from engine.regulations import REGULATIONS

from .engine_thread import Pacer, completed
from .request_facts import REQUEST_FACTS, decision_log_fields, labels
from .service import Service
from .storage.group_commit import GroupCommitter
from .storage.store import NotFound, Store, describe_storage_error, storage_unavailable

log = logging.getLogger("govshare.lifecycle")

T = TypeVar("T")


class Refused(Exception):
    """The engine did not allow the step; nothing was written but the decision."""

    def __init__(self, decision: Decision):
        self.decision = decision
        super().__init__(decision.outcome)


class DataStale(Exception):
    """The data could not be re-read for longer than allowed, and the answer is
    not a decision that could say so (a raw rule document): 503."""

    def __init__(self, failure: Violation):
        self.failure = failure
        super().__init__(failure.message.en)


class StateConflict(Exception):
    """The step does not fit the current state (e.g. delivering an unapproved application)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(en)


LAW_VERSIONS = "+".join(r.law_version() for r in REGULATIONS.values())


def _today(at: datetime | None) -> tuple[datetime, date]:
    moment = (at or datetime.now(BEIJING)).astimezone(BEIJING)
    return moment, moment.date()


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@dataclass
class Lifecycle:
    service: Service
    mask_paths: tuple[str, ...] = ()
    poll_seconds: float = 0.5

    def __post_init__(self) -> None:
        self._generation = self.store.generation()
        self._checked = time.monotonic()  # when the data was last read (or found unchanged) successfully
        self._refresh_failing = False
        self._lock = threading.RLock()  # refresh() runs under it, and reapplies pending suspensions
        self._pending_suspensions: dict[str, int] = {}  # grant → batches holding its suspension until written
        self._writer: GroupCommitter | None = None
        self._labels = labels()  # OPA's decision-log labels of this instance, on every decision entry

    @property
    def store(self) -> Store:
        return self.service.store

    @property
    def engine(self):
        return self.service.engine

    # --- keeping the engine's data current ----------------------------------

    # --- the engine thread (adapters/engine_thread.py) ----------------------

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future:
        """fn(*args) on the service's engine thread (here, when it has none)."""
        if (thread := self.service.engine_thread) is not None:
            return thread.submit(fn, *args)
        return completed(fn, *args)

    async def off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """For the HTTP handlers: fn(*args) on the engine thread, awaited, so
        the event loop serves other requests while the engine works."""
        return await asyncio.wrap_future(self._submit(fn, *args))

    @property
    def max_data_age(self) -> float:
        return self.service.settings.max_data_age_seconds

    def refresh(self, force: bool = False) -> None:
        """Reload catalogue and grants into the engine when another writer (or
        this one) changed them. Other processes are noticed within poll_seconds.

        A failed read (the database down) is logged, not raised: the engine
        keeps what it has, `data_age()` keeps growing, and every call tries
        again until a read succeeds. Decisions on data older than
        max_data_age_seconds are indeterminate (`stale_failure`)."""
        if not force and not self._refresh_due():
            return
        if (thread := self.service.engine_thread) is not None and not thread.here():
            # The lock below is only ever taken on the engine thread, so no
            # caller holds it while it waits for that thread.
            return thread.call(self.refresh, force)
        with self._lock:
            reading = time.monotonic()
            try:
                generation = self.store.generation()
                if force or generation != self._generation:
                    snapshot = self.store.snapshot()
                    if self._pending_suspensions:
                        snapshot = self._with_pending_suspensions(snapshot)
                    self.engine.replace_data(snapshot)
                    self._generation = generation
                    if self.service.settings.gc_freeze:
                        gc.freeze()  # the new catalogue and grants too (see Settings.gc_freeze)
            except Exception as exc:  # noqa: BLE001 - kept from the caller; the data's age tells
                if not self._refresh_failing:
                    if storage_unavailable(exc):
                        log.warning("cannot re-read catalogue and grants, the database is unavailable: %s", describe_storage_error(exc))
                    else:
                        log.exception("cannot re-read catalogue and grants")
                self._refresh_failing = True
                self._generation = -1  # reload whatever is stored once a read works again
                return
            if self._refresh_failing:
                log.warning("catalogue and grants re-read after %.1f s", reading - self._checked)
            self._checked, self._refresh_failing = reading, False

    def _refresh_due(self) -> bool:
        """Whether the data must be looked at again before a decision (it may
        have changed, or the last read failed)."""
        return self._refresh_failing or time.monotonic() - self._checked >= min(self.poll_seconds, self.max_data_age)

    def _cached(self, event: AccessEvent) -> Decision | None:
        """The engine's cached decision for the event on current data, or None:
        asked on the event loop, a hit skips the engine thread."""
        return None if self._refresh_due() else self.engine.cached(event)

    async def decide_on_current_data_async(self, event: AccessEvent) -> Decision:
        """`decide_on_current_data` for the HTTP handlers: a cache hit on the
        event loop, anything else on the engine thread."""
        if (hit := self._cached(event)) is not None:
            return hit
        return await self.off_loop(self.decide_on_current_data, event)

    def data_age(self) -> float:
        """Seconds since the data the engine decides on was last read (or
        found unchanged) from the database."""
        return max(0.0, time.monotonic() - self._checked)

    def stale_failure(self) -> Violation | None:
        """Why decisions now cannot rest on the engine's data, or None: it
        could not be re-read for longer than max_data_age_seconds."""
        age = self.data_age()
        return data_stale(age, self.max_data_age) if self._refresh_failing and age > self.max_data_age else None

    def decide_on_current_data(self, event: AccessEvent) -> Decision:
        """Decide without writing anything (a trial, OPA's GET): on data no
        older than max_data_age_seconds, else indeterminate (never allowed)."""
        self.refresh()
        stale = self.stale_failure()
        return self.engine.undecided(event, stale) if stale else self.engine.decide(event)

    def require_current_data(self) -> None:
        """For answers that are not decisions: refresh, or raise DataStale."""
        self.refresh()
        if (stale := self.stale_failure()) is not None:
            raise DataStale(stale)

    # --- the ledger ---------------------------------------------------------

    def _log_decision(self, session: Session, event: AccessEvent, decision: Decision, eval_ns: int | None = None) -> None:
        logged_input, pointers = masked(event.model_dump(mode="json", exclude_none=True), self.mask_paths, "/input")
        Store.append(
            session, "decision", decision.decision_id,
            # With OPA's decision-log fields (request_facts.py), sealed with the rest.
            {"input": logged_input, "decision": decision.model_dump(mode="json"),
             **decision_log_fields(REQUEST_FACTS.get(), self._labels, eval_ns, pointers)},
            policy_revision=decision.policy_revision, law_version=decision.law_version, data_revision=decision.data_revision,
        )

    def _log(self, session: Session, kind: str, ref: str, body: dict[str, Any], data_revision: str | None = None,
             policy_revision: str | None = None) -> None:
        Store.append(session, kind, ref, body, policy_revision=policy_revision or self.engine.policies.revision,
                     law_version=LAW_VERSIONS, data_revision=data_revision or self.engine.data_revision)

    def _decide(self, event: AccessEvent) -> Decision:
        return self.decide_on_current_data(event)

    # --- decisions (use, transfer, and every other step asked directly) ------

    def decide(self, event: AccessEvent) -> Decision:
        """Decide, log, and carry out what the regulation makes automatic: a
        usage record for every allowed use (art 29(2)), suspension of a grant
        whose holder misused it (art 27(2))."""
        return self.decide_many([event])[0]

    def decide_many(self, events: list[AccessEvent], stop: Callable[[Decision], bool] | None = None) -> list[Decision]:
        """Decide events in order and write all their effects in one transaction,
        so that a batch is written whole or not at all: if deciding or writing any
        event fails, nothing of the batch is stored. A misuse that suspends a grant
        (art 27(2)) takes effect at once: the events after it are decided on the
        suspended grant, held in the engine until the batch is written.
        With `stop`, the batch ends after the first decision `stop` accepts; the
        events after it are neither decided nor written."""
        decided, suspended = self._decide_in_order(events, stop)
        with self._settling(suspended):
            if decided:
                self.store.transaction(self._effects_of(decided))
        return [each[1] for each in decided]

    async def decide_many_async(self, events: list[AccessEvent], stop: Callable[[Decision], bool] | None = None) -> list[Decision]:
        """`decide_many` for the HTTP handlers: the same decisions and the same
        whole-or-nothing write, but the write joins the writes of concurrent
        requests in one transaction (group commit) and the event loop decides
        other requests meanwhile. Answers only once the write is committed."""
        # A single event already in the cache is decided here, on the loop,
        # unless it is denied: whether that is a misuse (which suspends the
        # grant) reads the database and is the engine thread's to settle.
        looking = time.perf_counter_ns()
        hit = self._cached(events[0]) if len(events) == 1 else None
        looked_ns = time.perf_counter_ns() - looking  # the decision's evaluation, when the cache has it
        if hit is not None and hit.outcome != "deny":
            deciding = completed(lambda: ([(events[0], hit, False, looked_ns)], set()))
        else:
            deciding = self._submit(self._decide_in_order, events, stop, hit, looked_ns)
        try:
            decided, suspended = await asyncio.shield(asyncio.wrap_future(deciding))
        except asyncio.CancelledError:
            # The job runs on regardless; what it suspends in the engine must
            # still be settled once it ends (nothing of it is written).
            deciding.add_done_callback(lambda done: done.exception() is None and self._submit(self._settle, done.result()[1]))
            raise
        try:
            if decided:
                await self.writer.run(self._effects_of(decided))
        finally:
            if suspended:  # on the engine thread, and done even if this request is cancelled
                await asyncio.shield(asyncio.wrap_future(self._submit(self._settle, suspended)))
        return [each[1] for each in decided]

    @property
    def writer(self) -> GroupCommitter:
        if self._writer is None:
            self._writer = GroupCommitter(self.store)
        return self._writer

    def close(self) -> None:
        """Commit what is waiting and stop the writer thread."""
        if self._writer is not None:
            self._writer.stop()

    def _decide_in_order(self, events: list[AccessEvent], stop: Callable[[Decision], bool] | None,
                         first: Decision | None = None, first_ns: int | None = None,
                         ) -> tuple[list[tuple[AccessEvent, Decision, bool, int | None]], set[str]]:
        """The batch's decisions in order, each misuse suspending its grant for
        the events after it, with the nanoseconds each took the engine. `first`,
        the first event's decision already taken from the cache (in `first_ns`),
        stands for that event's."""
        self.refresh()
        stale = self.stale_failure()
        decided: list[tuple[AccessEvent, Decision, bool, int | None]] = []
        suspended: set[str] = set()
        pacer = Pacer()
        try:
            for i, event in enumerate(events):
                pacer.breathe()  # the event loop goes on between the decisions of a batch
                if i == 0 and first is not None:
                    decision, eval_ns = first, first_ns
                else:
                    evaluating = time.perf_counter_ns()
                    decision = self.engine.undecided(event, stale) if stale else self.engine.decide(event)
                    eval_ns = time.perf_counter_ns() - evaluating
                misuse = event.grant not in suspended and self._misuse(event, decision)
                decided.append((event, decision, misuse, eval_ns))
                if misuse:
                    suspended.add(event.grant)
                    self._suspend_in_engine(event.grant)
                if stop is not None and stop(decision):
                    break
        except BaseException:
            self._settle(suspended)
            raise
        return decided, suspended

    def _suspend_in_engine(self, grant_id: str) -> None:
        """Hold a suspension in the engine until its write settles; a reload in
        the meantime (another writer's change) keeps it."""
        if (thread := self.service.engine_thread) is not None and not thread.here():
            return thread.call(self._suspend_in_engine, grant_id)  # the lock is the engine thread's (see refresh)
        with self._lock:
            self._pending_suspensions[grant_id] = self._pending_suspensions.get(grant_id, 0) + 1
        self.engine.replace_data(self._with_pending_suspensions(self.engine.snapshot))

    def _with_pending_suspensions(self, snapshot: DataSnapshot) -> DataSnapshot:
        grants = dict(snapshot.grants)
        for grant_id in self._pending_suspensions:
            if grant_id in grants:
                grants[grant_id] = {**grants[grant_id], "status": GrantStatus.suspended.value}
        return dataclasses.replace(snapshot, grants=grants)

    @contextmanager
    def _settling(self, suspended: set[str]) -> Iterator[None]:
        """Around a batch's write: settle its suspensions, written or not."""
        try:
            yield
        finally:
            self._settle(suspended)

    def _settle(self, suspended: set[str]) -> None:
        """After a batch's write: reload what is stored now. Written, it holds the
        suspensions; not written, nothing of the batch was stored, so neither is
        its suspension."""
        if not suspended:
            return
        if (thread := self.service.engine_thread) is not None and not thread.here():
            return thread.call(self._settle, suspended)  # the lock is the engine thread's (see refresh)
        with self._lock:
            for grant_id in suspended:
                left = self._pending_suspensions.get(grant_id, 0) - 1
                if left > 0:
                    self._pending_suspensions[grant_id] = left
                else:
                    self._pending_suspensions.pop(grant_id, None)
        # A failed reload is not raised: it leaves the data marked stale, and the
        # next request reloads before it decides (see refresh).
        self.refresh(force=True)

    def _effects_of(self, decided: list[tuple[AccessEvent, Decision, bool, int | None]]) -> Callable[[Session], None]:
        """The unit of work that stores a batch's ledger entries, usage records
        and suspensions; it runs on the caller's thread or the writer's, so it
        reads nothing from the engine but its policy metadata."""
        def work(session: Session) -> None:
            pacer = Pacer()
            for event, decision, suspends, eval_ns in decided:
                pacer.breathe()  # the event loop goes on while a batch is written
                self._log_decision(session, event, decision, eval_ns)
                if decision.allow and event.action.value in ("use", "transfer"):
                    self._write_usage_record(session, event, decision)
                if not suspends and (codes := self._inline_misuse(session, event, decision)):
                    # Nothing stored to suspend, but the misuse is on record (art 27(2)).
                    self._log(session, "breach", event.grant, {
                        "grant": event.grant, "inline": True, "dataset": event.dataset, "requester": event.requester.department,
                        "decision_id": decision.decision_id, "codes": codes, "article": "27(2)", "regulation": "gdsr"},
                        decision.data_revision, decision.policy_revision)
                if suspends:
                    grant = self.store.grant(event.grant, session)
                    if grant.status == GrantStatus.active:
                        codes = sorted({v.code for v in decision.violations if self._suspends(v.rule)})
                        Store.put_grant_in(session, grant.model_copy(update={"status": GrantStatus.suspended}))
                        Store.bump_generation(session)
                        self._log(session, "grant_suspended", grant.id, {"grant": grant.id, "decision_id": decision.decision_id, "codes": codes},
                                  decision.data_revision, decision.policy_revision)

        return work

    def _suspends(self, package: str) -> bool:
        meta = self.engine.policies.rules.get(package)
        return bool(meta and meta.suspends_grant)

    def _inline_misuse(self, session: Session, event: AccessEvent, decision: Decision) -> list[str]:
        """The codes of a misuse (the rules marked `suspends_grant`) under a
        grant the platform sent inline, which govshare does not store."""
        if (decision.outcome != "deny" or event.inline is None or event.inline.grant is None
                or event.inline.grant.id != event.grant or event.action.value not in ("use", "transfer")):
            return []
        codes = sorted({v.code for v in decision.violations if self._suspends(v.rule)})
        if not codes:
            return []
        try:
            self.store.grant(event.grant, session)
        except NotFound:
            return codes
        return []  # a stored grant of that id decided the event; its suspension is _misuse's

    def _misuse(self, event: AccessEvent, decision: Decision) -> bool:
        """A denied use by the grant's own holder that breaks a rule marked
        `suspends_grant` (beyond scope, other purpose, third party)."""
        if decision.outcome != "deny" or not event.grant or event.action.value not in ("use", "transfer"):
            return False
        if not any(self._suspends(v.rule) for v in decision.violations):
            return False
        try:
            grant = self.store.grant(event.grant)
        except NotFound:
            return False  # inline grants are the platform's; govshare does not change them
        return grant.requester == event.requester.department and grant.status == GrantStatus.active

    def _write_usage_record(self, session: Session, event: AccessEvent, decision: Decision) -> None:
        record = {
            "id": f"r-{decision.decision_id}",
            "decision_id": decision.decision_id,
            "grant": event.grant,
            "dataset": event.dataset or "",
            "requester": event.requester.department,
            "created_on": event.at.astimezone(BEIJING).date().isoformat(),
            "scenario": event.scenario,
            "purpose": event.purpose,
            "process": event.action.value,
            "fields": event.fields,
            "recipient": event.recipient.model_dump(mode="json", exclude_none=True),
            "results": None,
            "storage": None,
            "destruction": None,
        }
        Store.put_record_in(session, record, new=True)
        # Under the data the decision was made on (a batch holds its suspensions in the engine until written).
        self._log(session, "usage_record", record["id"], {"record": mask(record, self.mask_paths)}, decision.data_revision, decision.policy_revision)

    # --- catalogue ------------------------------------------------------------

    def publish(self, entry: CatalogEntry, requester: Requester, update: CatalogUpdate | None, at: datetime | None) -> tuple[Decision, CatalogEntry]:
        moment, _ = _today(at)
        event = AccessEvent(action="catalog", at=moment, requester=requester, dataset=entry.id, entry=entry, catalog_update=update)
        decision = self._decide(event)

        def work(session: Session) -> None:
            self._log_decision(session, event, decision)
            if decision.allow:
                Store.put_catalog_in(session, entry)
                Store.bump_generation(session)
                self._log(session, "catalog", entry.id, {"entry": entry.model_dump(mode="json", exclude_none=True)})

        self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        self.refresh(force=True)
        return decision, entry

    # --- applications ---------------------------------------------------------

    def apply(self, event: AccessEvent, received_on: date | None) -> tuple[Decision, dict[str, Any]]:
        moment, today = _today(event.at)
        event = event.model_copy(update={"action": Action.apply, "at": moment})
        decision = self._decide(event)
        received = received_on or today
        application: dict[str, Any] = {}

        def work(session: Session) -> None:
            self._log_decision(session, event, decision)
            if not decision.allow:
                return
            entry = self.engine.snapshot.catalog.get(event.dataset or "", {})
            attribute = entry.get("share_attribute", "")
            application.update({
                "id": _new_id("a"),
                "dataset": event.dataset,
                "provider": entry.get("provider"),
                "requester": event.requester.department,
                "share_attribute": attribute,
                "status": "pending",
                "received_on": received.isoformat(),
                "complete": True,
                "material_notices": 0,
                "request": event.model_dump(mode="json", exclude_none=True),
                "replies": [],
                "breaches": [],
            })
            self._set_due(application, "reply_due")
            Store.put_application_in(session, application)
            self._log(session, "application", application["id"], {"application": mask(application, self.mask_paths)})

        self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        return decision, application

    # --- due dates ----------------------------------------------------------

    def _count_due(self, application: dict[str, Any], name: str) -> date | None:
        calendar, parameters = self.engine.policies.calendar, self.engine.policies.parameters
        if name == "reply_due":
            extension = (application.get("extension") or {}).get("working_days", 0)
            return reply_due(calendar, parameters, date.fromisoformat(application["received_on"]), application["share_attribute"], extension)
        return delivery_due(calendar, parameters, date.fromisoformat(application["approved_on"]))

    def _set_due(self, application: dict[str, Any], name: str) -> None:
        """Set `reply_due` or `delivery_due`. A date past the end of the calendar
        is not guessed: it stays None with `<name>_pending` saying why, and the
        step is recorded all the same (settle_pending_due_dates computes it
        once the year is added)."""
        try:
            due = self._count_due(application, name)
        except (UnknownCalendarYear, ParameterNotInForce) as exc:
            application[name] = None
            application[f"{name}_pending"] = due_date_pending(name, exc)
            return
        application[name] = due.isoformat() if due else None
        application.pop(f"{name}_pending", None)

    def settle_pending_due_dates(self) -> int:
        """Compute every due date left pending for want of a calendar year, in one
        transaction, each with a ledger entry; run when the policies reload and at
        start-up. Idempotent: what is still pending (or was never) is left as is.
        Returns how many applications changed."""
        waiting = [a["id"] for a in self.store.applications() if a.get("reply_due_pending") or a.get("delivery_due_pending")]
        if not waiting:
            return 0

        def work(session: Session) -> int:
            changed = 0
            for application_id in waiting:
                current = self.store.application(application_id, session)
                before = dict(current)
                for name in ("reply_due", "delivery_due"):
                    if current.get(f"{name}_pending"):
                        self._set_due(current, name)
                if current == before:
                    continue
                Store.put_application_in(session, current)
                dues = {k: v for k, v in current.items() if k.endswith(("_due", "_due_pending"))}
                self._log(session, "due_date", application_id, {"application": application_id, **dues})
                changed += 1
            return changed

        return self.store.transaction(work)

    def _application_state(self, application: dict[str, Any]) -> dict[str, Any]:
        return {k: application[k] for k in ("id", "received_on", "complete", "material_notices", "extension", "approved_on") if application.get(k) is not None}

    def _event_for(self, application: dict[str, Any], action: str, moment: datetime, **extra: Any) -> AccessEvent:
        request = application["request"]
        return AccessEvent.model_validate({
            "action": action,
            "at": moment.isoformat(),
            "requester": request["requester"],
            "dataset": application["dataset"],
            "fields": request.get("fields", []),
            "purpose": request.get("purpose"),
            "method": request.get("method"),
            "application": self._application_state(application),
            **extra,
        })

    def reply(self, application_id: str, reply: dict[str, Any], at: datetime | None) -> tuple[Decision, dict[str, Any]]:
        moment, today = _today(at)
        application = self.store.application(application_id)
        if application["status"] not in ("pending", "extended"):
            raise StateConflict(f"申请当前状态为 {application['status']}，不能答复", f"the application is {application['status']}; it cannot be replied to")
        event = self._event_for(application, "reply", moment, reply=reply, requester={"department": application.get("provider") or "provider"})
        decision = self._decide(event)

        def work(session: Session) -> dict[str, Any]:
            current = self.store.application(application_id, session)
            self._log_decision(session, event, decision)
            if not decision.allow:
                return current
            current["replies"].append({"on": today.isoformat(), "decision_id": decision.decision_id, **reply})
            current["breaches"] += [v.code for v in decision.breaches]
            choice = reply["decision"]
            if choice == "approve":
                grant = self._grant_for(current, today, reply)
                current.update(status="approved", approved_on=today.isoformat(), grant=grant.id)
                self._set_due(current, "delivery_due")
                Store.put_grant_in(session, grant)
                Store.bump_generation(session)
                self._log(session, "grant", grant.id, {"grant": grant.model_dump(mode="json", exclude_none=True)})
            elif choice == "refuse":
                current.update(status="refused", reasons=reply.get("reasons"))
            elif choice == "request_material":
                current.update(status="material_requested", complete=False, material_notices=current["material_notices"] + 1,
                               missing_material=reply.get("missing_material", []))
            elif choice == "extend":
                # Art 21(1) caps the extensions' total length: keep the running total.
                asked = dict(reply.get("extension") or {})
                asked["working_days"] = asked.get("working_days", 0) + (current.get("extension") or {}).get("working_days", 0)
                current.update(status="extended", extension=asked)
                self._set_due(current, "reply_due")
            Store.put_application_in(session, current)
            self._log(session, "reply", current["id"], {"application": current["id"], "reply": mask(reply, self.mask_paths), "status": current["status"]})
            return current

        updated = self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        if reply["decision"] == "approve":
            self.refresh(force=True)
        return decision, updated

    def _grant_for(self, application: dict[str, Any], today: date, reply: dict[str, Any]) -> Grant:
        request = application["request"]
        return Grant(
            id=f"g-{application['id']}",
            dataset=application["dataset"],
            requester=application["requester"],
            fields=request.get("fields", []),
            purposes=[request["purpose"]] if request.get("purpose") else [],
            use_scope=request.get("use_scope"),
            scenario=request.get("scenario"),
            method=request.get("method"),
            valid_from=today,
            valid_until=request.get("use_until"),
            status=GrantStatus.active,
        )

    def supply_material(self, application_id: str, at: datetime | None) -> dict[str, Any]:
        """The requester supplies the missing material; the reply period counts
        again from the day the complete application is received."""
        _, today = _today(at)

        def work(session: Session) -> dict[str, Any]:
            current = self.store.application(application_id, session)
            if current["status"] != "material_requested":
                raise StateConflict("提供部门未要求补充材料", "the provider has not asked for material")
            current.update(status="pending", complete=True, received_on=today.isoformat())
            self._set_due(current, "reply_due")
            Store.put_application_in(session, current)
            self._log(session, "material", current["id"], {"application": current["id"], "received_on": current["received_on"]})
            return current

        return self.store.transaction(work)

    def deliver(self, application_id: str, at: datetime | None) -> tuple[Decision, dict[str, Any]]:
        moment, today = _today(at)
        application = self.store.application(application_id)
        if application["status"] != "approved":
            raise StateConflict(f"申请当前状态为 {application['status']}，未经同意不能交付", f"the application is {application['status']}; only an approved one can be delivered")
        event = self._event_for(application, "deliver", moment, requester={"department": application.get("provider") or "provider"})
        decision = self._decide(event)

        def work(session: Session) -> dict[str, Any]:
            current = self.store.application(application_id, session)
            self._log_decision(session, event, decision)
            if decision.allow:
                current["breaches"] += [v.code for v in decision.breaches]
                current.update(status="delivered", delivered_on=today.isoformat())
                Store.put_application_in(session, current)
                self._log(session, "delivery", current["id"], {"application": current["id"], "delivered_on": current["delivered_on"]})
            return current

        updated = self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        return decision, updated

    def overdue(self, at: datetime | None) -> list[dict[str, Any]]:
        """Applications whose reply or delivery is late as of `at`: asks the
        rules what a reply or delivery made now would breach."""
        moment, _ = _today(at)
        found = []
        for application in self.store.applications({"pending", "extended", "approved"}):
            # A due date the calendar cannot count yet cannot be checked either.
            pending = application.get("delivery_due_pending" if application["status"] == "approved" else "reply_due_pending")
            if pending:
                found.append({"application": application, "indeterminate": pending})
                continue
            if application["status"] == "approved":
                event = self._event_for(application, "deliver", moment, requester={"department": application.get("provider") or "provider"})
            else:
                event = self._event_for(application, "reply", moment, reply={"decision": "approve", "unit_head_approved": True},
                                        requester={"department": application.get("provider") or "provider"})
            decision = self._decide(event)
            if decision.outcome == "indeterminate":
                found.append({"application": application, "indeterminate": decision.violations[0].model_dump(mode="json")})
                continue
            for breach in decision.breaches:
                found.append({"application": application, "breach": breach.model_dump(mode="json")})
        return found

    # --- grants ---------------------------------------------------------------

    def set_grant_status(self, grant_id: str, status: GrantStatus, note: str | None, allowed_from: set[GrantStatus]) -> Grant:
        def work(session: Session) -> Grant:
            grant = self.store.grant(grant_id, session)
            if grant.status not in allowed_from:
                raise StateConflict(f"授权当前状态为 {grant.status.value}，不能改为 {status.value}",
                                    f"the grant is {grant.status.value}; it cannot become {status.value}")
            return self._put_grant(session, grant.model_copy(update={"status": status}), f"grant_{status.value}",
                                   {"from": grant.status.value, "to": status.value, "note": note})

        grant = self.store.transaction(work)
        self.refresh(force=True)
        return grant

    # --- the end of a grant's purpose, disposal, security incidents (arts 27(1), 34(2), 35(3)) ---

    def provider_of(self, grant: Grant) -> str | None:
        return self.engine.snapshot.catalog.get(grant.dataset, {}).get("provider")

    def _put_grant(self, session: Session, grant: Grant, kind: str, body: dict[str, Any]) -> Grant:
        """Store a changed grant, make every worker reload, and log the change."""
        Store.put_grant_in(session, grant)
        Store.bump_generation(session)
        self._log(session, kind, grant.id, {"grant": grant.id, **body})
        return grant

    def end_purpose(self, grant_id: str, reason: PurposeEndReason, reported_by: str, note: str | None, at: datetime | None) -> Grant:
        """Record on the grant that its purpose of sharing has ended (art 27(1)):
        reported by the requester, or found by the provider or the competent
        department. From then on a use or transfer under it is refused
        (GDSR-27-PURPOSE-ENDED) and disposal is owed until reported done. Who
        reported it is the party the caller was authenticated as; the
        department is the grant's (requester) or the catalogue's (provider)."""
        _, today = _today(at)

        def work(session: Session) -> Grant:
            grant = self.store.grant(grant_id, session)
            if grant.purpose_ended is not None:
                raise StateConflict(f"授权 {grant_id} 已于 {grant.purpose_ended.on.isoformat()} 登记共享目的终了",
                                    f"grant {grant_id} already records the end of its purpose, on {grant.purpose_ended.on.isoformat()}")
            department = {"requester": grant.requester, "provider": self.provider_of(grant)}.get(reported_by)
            ended = PurposeEnded(reason=reason, on=today, reported_by=reported_by, department=department, note=note)
            updated = grant.model_copy(update={"purpose_ended": ended})
            return self._put_grant(session, updated, "grant_purpose_ended", {"purpose_ended": ended.model_dump(mode="json", exclude_none=True)})

        grant = self.store.transaction(work)
        self.refresh(force=True)
        return grant

    def report_disposal(self, grant_id: str, method: str, at: datetime | None) -> tuple[Decision, Grant]:
        """The requester reports the data of a grant whose purpose ended
        disposed of: decided as a `dispose` (the provider's requirement, art
        27(1)); allowed, it closes the disposal owed."""
        moment, today = _today(at)
        grant = self.store.grant(grant_id)
        self._check_disposal_owed(grant)
        event = AccessEvent(action=Action.dispose, at=moment, requester=Requester(department=grant.requester), dataset=grant.dataset,
                            grant=grant.id, disposal={"reason": grant.purpose_ended.reason, "method": method})
        decision = self._decide(event)

        def work(session: Session) -> Grant:
            current = self.store.grant(grant_id, session)
            self._log_decision(session, event, decision)
            if not decision.allow:
                return current
            self._check_disposal_owed(current)
            done = DisposalDone(on=today, method=method, decision_id=decision.decision_id)
            return self._put_grant(session, current.model_copy(update={"disposed": done}), "grant_disposed",
                                   {"disposed": done.model_dump(mode="json")})

        updated = self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        self.refresh(force=True)
        return decision, updated

    @staticmethod
    def _check_disposal_owed(grant: Grant) -> None:
        if grant.purpose_ended is None:
            raise StateConflict(f"授权 {grant.id} 尚未登记共享目的终了，无须报告处置",
                                f"grant {grant.id} records no end of its purpose; there is no disposal to report")
        if grant.disposed is not None:
            raise StateConflict(f"授权 {grant.id} 的数据已于 {grant.disposed.on.isoformat()} 报告处置完成",
                                f"the data of grant {grant.id} was reported disposed of on {grant.disposed.on.isoformat()}")

    def record_incident(self, grant_id: str, incident: SecurityIncident, reported_by: str, at: datetime | None) -> tuple[Decision, Grant, GrantIncident]:
        """Record a security incident in the use of a grant's data. Decided as
        an `incident` of the grant's holder: the rules cite it against the
        requester (art 34(2)) and attach the response art 35(3) requires, which
        stays owed until reported. The grant itself is not suspended: no
        article requires it (art 27(2) suspends for misuse only)."""
        moment, today = _today(at)
        grant = self.store.grant(grant_id)
        event = AccessEvent(action=Action.incident, at=moment, requester=Requester(department=grant.requester), dataset=grant.dataset,
                            grant=grant.id, incident=incident)
        decision = self._decide(event)

        def work(session: Session) -> tuple[Grant, GrantIncident | None]:
            current = self.store.grant(grant_id, session)
            self._log_decision(session, event, decision)
            if not decision.allow:
                return current, None
            department = {"requester": current.requester, "provider": self.provider_of(current)}.get(reported_by)
            record = GrantIncident(**incident.model_dump(), id=_new_id("inc"), recorded_on=today, decision_id=decision.decision_id,
                                   reported_by=reported_by, department=department,
                                   breaches=sorted({b.code for b in decision.breaches}),
                                   obligations=sorted({o.code for o in decision.obligations}))
            updated = current.model_copy(update={"incidents": [*(current.incidents or []), record]})
            self._put_grant(session, updated, "grant_incident", {"incident": mask(record.model_dump(mode="json", exclude_none=True), self.mask_paths)})
            return updated, record

        updated, record = self.store.transaction(work)
        if not decision.allow or record is None:
            raise Refused(decision)
        self.refresh(force=True)
        return decision, updated, record

    def report_incident_response(self, grant_id: str, incident_id: str, response: IncidentResponse) -> Grant:
        """Record the response art 35(3) requires to an incident (emergency
        plan, measures, report to the competent departments): what it owed is done."""

        def work(session: Session) -> Grant:
            grant = self.store.grant(grant_id, session)
            incidents = list(grant.incidents or [])
            found = [i for i, recorded in enumerate(incidents) if recorded.id == incident_id]
            if not found:
                raise NotFound("incident", incident_id)
            recorded = incidents[found[0]]
            if recorded.response is not None:
                raise StateConflict(f"安全事件 {incident_id} 已于 {recorded.response.on.isoformat()} 报告处置情况",
                                    f"the response to incident {incident_id} was reported on {recorded.response.on.isoformat()}")
            incidents[found[0]] = recorded.model_copy(update={"response": response})
            return self._put_grant(session, grant.model_copy(update={"incidents": incidents}), "grant_incident_response",
                                   {"incident": incident_id, "response": mask(response.model_dump(mode="json"), self.mask_paths)})

        grant = self.store.transaction(work)
        self.refresh(force=True)
        return grant

    @staticmethod
    def owed_by(grant: Grant) -> list[dict[str, Any]]:
        """What the requester still owes on a grant: the disposal a recorded end
        of purpose calls for (art 27(1)) until reported done, and the response
        to each incident (art 35(3)) until reported."""
        owed: list[dict[str, Any]] = []
        if grant.purpose_ended is not None and grant.disposed is None:
            owed.append({"owed": "disposal", "regulation": "gdsr", "article": 27, "paragraph": 1, "since": grant.purpose_ended.on.isoformat(),
                         "reason": grant.purpose_ended.reason, "disposal_requirement": grant.disposal_requirement,
                         "message": {"zh": "共享目的已终了，须按提供部门的要求妥善处置所获数据并报告处置完成",
                                     "en": "The purpose of sharing has ended: dispose of the data as the provider requires and report it done"}})
        for incident in grant.incidents or []:
            if incident.response is None:
                owed.append({"owed": "incident_response", "regulation": "gdsr", "article": 35, "paragraph": 3, "since": incident.recorded_on.isoformat(),
                             "incident": incident.id, "codes": incident.obligations,
                             "message": {"zh": "发生安全事件，须立即启动应急预案、采取应急处置措施并向有关主管部门报告，完成后登记处置情况",
                                         "en": "A security incident happened: start the emergency plan, take emergency measures, report to the competent departments, then record the response"}})
        return owed

    def owed(self) -> list[dict[str, Any]]:
        """Every grant with something owed (see owed_by), each with its list."""
        found = []
        for grant in self.store.grants():
            if items := self.owed_by(grant):
                found.append({"grant": grant.id, "dataset": grant.dataset, "requester": grant.requester, "owed": items})
        return found

    # --- usage records ----------------------------------------------------------

    def update_record(self, record_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            record = self.store.record(record_id, session)
            record.update({k: v for k, v in changes.items() if v is not None})
            Store.put_record_in(session, record)
            self._log(session, "usage_record_update", record_id, {"record": record_id, "changes": mask(changes, self.mask_paths)})
            return record

        return self.store.transaction(work)

    def delete_record(self, record_id: str, requester: Requester, at: datetime | None) -> Decision:
        moment, _ = _today(at)
        record = self.store.record(record_id)
        event = AccessEvent(action="records", at=moment, requester=requester, dataset=record.get("dataset") or None,
                            record={"id": record_id, "created_on": record["created_on"]})
        decision = self._decide(event)

        def work(session: Session) -> None:
            self._log_decision(session, event, decision)
            if decision.allow:
                Store.delete_record_in(session, record_id)
                self._log(session, "usage_record_deleted", record_id, {"record": record_id, "created_on": record["created_on"]})

        self.store.transaction(work)
        if not decision.allow:
            raise Refused(decision)
        return decision
