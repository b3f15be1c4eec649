"""Search over the catalogue and the grants, decided by the policies themselves.

Two questions a sharing platform asks (AuthZEN 1.0 §8, the Search APIs):

- resource search: which datasets may this department use for this purpose,
  and for each one it may not yet, what it still needs — a grant it holds
  covers the use (`grant_held`), an application to make (`apply`, with the
  catalogue's conditions and what the application must still contain), or
  nothing can be done (`not_shareable`, with the articles the policies cite);
- subject search: which departments hold grants on this dataset.

Nothing here knows the law: every status is what the engine answers to a trial
event (a `use` under each grant the department holds, then an `apply`), decided
by `SearchPorts.trial`, which writes nothing — no ledger entry, no usage record,
no suspension. Plain Python over the ports the lifecycle provides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Literal, Protocol, TypeVar

from .models import AccessEvent, Action, CatalogEntry, Decision, Grant, GrantStatus, Violation

# A page holds at most MAX_LIMIT results (DEFAULT_LIMIT when the PEP names none):
# each dataset costs up to a few trial decisions.
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A page looks at no more than this many catalogue entries, so that a department
# allowed few datasets in a large catalogue gets a short page and a token to go
# on with, not one request deciding every entry (a few trial decisions each).
MAX_SCAN = 500

# What a search returns: only what is permitted now (AuthZEN §8.1: a result
# should evaluate to `decision: true`), or every candidate with its status.
Include = Literal["permitted", "all"]
INCLUDE_VALUES: tuple[Include, ...] = ("permitted", "all")

# grant_to_complete: a grant the department holds covers the use, and the use
# itself still lacks something the PEP can supply (e.g. the personal-information
# basis or the security controls): not a new application, and not permitted yet.
Status = Literal["grant_held", "grant_to_complete", "apply", "not_shareable", "indeterminate"]

T = TypeVar("T")


class SearchPorts(Protocol):
    """What a search reads, and how it asks the engine without writing anything."""

    def catalogue(self) -> Sequence[CatalogEntry]: ...

    def grants(self) -> Sequence[Grant]: ...

    def trial(self, event: AccessEvent) -> Decision:
        """The engine's decision on current data, writing nothing."""
        ...


@dataclass(frozen=True)
class DatasetAccess:
    entry: CatalogEntry
    status: Status
    decision: Decision  # the trial the status rests on
    grant: str | None = None  # grant_held: the grant that covers the use
    held: tuple[str, ...] = ()  # the department's grants on the dataset that do not cover this use

    @property
    def blocking(self) -> list[Violation]:
        """What stops it for good (not_shareable) or the engine's failure (indeterminate)."""
        return [v for v in self.decision.violations if v.severity in ("prohibited", "error")]

    @property
    def to_complete(self) -> list[Violation]:
        """apply: what the application must still contain or do; grant_to_complete: what the use lacks."""
        return [v for v in self.decision.violations if v.severity == "needs_action"]


@dataclass(frozen=True)
class GrantHolder:
    department: str
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    results: list[T]
    next_offset: int | None  # None: nothing after this page
    total: int | None = None  # None: not known without deciding every candidate


def entry_of(ports: SearchPorts, dataset: str) -> CatalogEntry | None:
    return next((e for e in ports.catalogue() if e.id == dataset), None)


def _active_first(grant: Grant) -> tuple[bool, str]:
    return grant.status != GrantStatus.active, grant.id


def dataset_access(ports: SearchPorts, question: AccessEvent, entry: CatalogEntry, held: Sequence[Grant]) -> DatasetAccess:
    """What `question.requester` needs to do `question.action` on `entry` for `question.purpose`.

    First a trial use under each grant the department holds on the dataset (the
    PEP's fields, method and scenario, else the grant's); the first one allowed is
    `grant_held`; else the first one that only needs action is `grant_to_complete`
    (what the use lacks, under that grant). Otherwise a trial application: denied
    (or indeterminate) means no application can succeed; anything else means apply."""
    to_complete: DatasetAccess | None = None
    for grant in sorted(held, key=_active_first):
        use = question.model_copy(update={
            "dataset": entry.id,
            "grant": grant.id,
            "fields": list(question.fields) or list(grant.fields),
            "method": question.method or grant.method,
            "scenario": question.scenario or grant.scenario,
        })
        decision = ports.trial(use)
        if decision.allow:
            return DatasetAccess(entry, "grant_held", decision, grant=grant.id,
                                 held=tuple(g.id for g in held if g.id != grant.id))
        if to_complete is None and decision.outcome == "needs_action":
            to_complete = DatasetAccess(entry, "grant_to_complete", decision, grant=grant.id,
                                        held=tuple(g.id for g in held if g.id != grant.id))
    if to_complete is not None:
        return to_complete
    application = question.model_copy(update={
        "action": Action.apply,
        "dataset": entry.id,
        "grant": None,
        "fields": list(question.fields) or [f.name for f in entry.fields],
    })
    decision = ports.trial(application)
    status: Status = {"deny": "not_shareable", "indeterminate": "indeterminate"}.get(decision.outcome, "apply")  # type: ignore[assignment]
    return DatasetAccess(entry, status, decision, held=tuple(g.id for g in held))


def resources_for(ports: SearchPorts, question: AccessEvent, offset: int, limit: int, include: Include) -> Page[DatasetAccess]:
    """One page of the catalogue (in id order, from `offset`) for the question's
    department and purpose. With `include="permitted"` only `grant_held` results
    count towards the page, and scanning goes on until the page is full, the
    catalogue ends or MAX_SCAN entries were looked at (then the page may be short,
    even empty, with a token to go on)."""
    entries = sorted(ports.catalogue(), key=lambda e: e.id)
    mine = [g for g in ports.grants() if g.requester == question.requester.department]
    results: list[DatasetAccess] = []
    position = max(offset, 0)
    stop_at = position + max(MAX_SCAN, limit)
    while position < len(entries) and len(results) < limit and position < stop_at:
        entry = entries[position]
        position += 1
        access = dataset_access(ports, question, entry, [g for g in mine if g.dataset == entry.id])
        if include == "all" or access.status == "grant_held":
            results.append(access)
    return Page(results, position if position < len(entries) else None,
                total=len(entries) if include == "all" else None)


def holders_of(ports: SearchPorts, dataset: str, offset: int, limit: int, include: Include, on: date) -> Page[GrantHolder]:
    """One page of the departments holding grants on `dataset`, by name. With
    `include="permitted"` only grants in force on `on` count (stored status
    active and the date within their validity; whether a given use is allowed
    is still the evaluation's to say)."""
    by_department: dict[str, list[Grant]] = {}
    for grant in sorted(ports.grants(), key=_active_first):
        if grant.dataset == dataset and (include == "all" or grant.in_force(on)):
            by_department.setdefault(grant.requester, []).append(grant)
    holders = [GrantHolder(d, tuple(by_department[d])) for d in sorted(by_department)]
    start = max(offset, 0)
    end = start + limit
    return Page(holders[start:end], end if end < len(holders) else None, total=len(holders))
