"""The one small protocol the engine uses to talk to a Rego evaluator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .errors import PolicyProblem


@dataclass(frozen=True)
class CalendarReads:
    """What may reach a working-day computation in one rule package: the
    top-level `input` fields (None: any of them) and the stored documents
    under `data.govshare` (`catalog`, `grants`) it, or a rule it uses, reads."""

    input_fields: frozenset[str] | None
    stored: frozenset[str]


class RegoBackend(Protocol):
    name: str

    def compile(self, modules: list[tuple[str, str]], entry_points: list[str]) -> list[PolicyProblem]:
        """Check that the modules parse and compile; return the problems found."""

    def load(self, modules: list[tuple[str, str]], data_json: str | bytes,
             partitions: dict[str, list[tuple[str, str]]] | None = None) -> None:
        """Replace the loaded policies and data. `partitions` (may be ignored):
        for some queries, the only modules they need."""

    def evaluate(self, query: str, input_json: str) -> Any:
        """Evaluate a rule path against an input; return the parsed JSON value.
        Raises BackendError on any failure."""

    # Optional: a backend that can read the policies' syntax may also offer
    #   action_guards(modules, emitting) -> {package: frozenset[str] | None}
    # the actions that can make each package emit anything (None: every action).
    # The engine then evaluates, for an event, only the packages its action can
    # reach; without it every package is evaluated.
    #   input_readers(modules) -> {field: frozenset[str]} | None
    # for each top-level input field, the rules ("package.rule") that read it
    # (None: some rule reads the input in a way that cannot be followed). When
    # only lib.state's date rules read `at`, the cache keys on the event's day.
    #   package_dependencies(modules) -> {path: (package, frozenset[package])}
    # for each module, its package and the packages it may read; the policy
    # set then gives load() a partition for each layer query.
    #   calendar_readers(modules) -> {package: CalendarReads}
    # for each package that uses the working-day calendar (directly or through
    # rules it references), what it reads. The engine then refuses to decide
    # (indeterminate) when a date in a year the calendar does not know sits in
    # any of these; without it every date of the event counts.
