"""Evaluate one access event against the policies and explain the result.

Fail closed: whatever goes wrong between the event and a complete, explained
answer gives `indeterminate` with `allow: false` and says why.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Iterable

import orjson
from cachetools import LRUCache

from .backend import CalendarReads, RegoBackend
from .calendar import add_year_remedy, missing_years_text, years_in
from .explain import explain_obligation, explain_violation
from .models import BEIJING, AccessEvent, CatalogEntry, Decision, Grant, Obligation, Text, Violation
from .metadata import RULE_KINDS
from .parameters import not_in_force_text, set_value_remedy
from .policyset import EVENT_DATE_QUERY, PolicySet
from .regulations import REGULATIONS, Regulation, layers_for, liability_problem

log = logging.getLogger("govshare.engine")


class EventError(ValueError):
    """The event is well-formed JSON but names something the engine does not know."""

    def __init__(self, field: str, zh: str, en: str):
        self.field, self.zh, self.en = field, zh, en
        super().__init__(f"{field}: {en}")


@dataclass(frozen=True)
class DataSnapshot:
    """The catalogue and grants the policies see as `data.govshare`."""

    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[CatalogEntry], grants: Iterable[Grant]) -> DataSnapshot:
        return cls(
            catalog={e.id: e.model_dump(mode="json", exclude_none=True) for e in entries},
            grants={g.id: g.model_dump(mode="json", exclude_none=True) for g in grants},
        )

    def field_index(self) -> dict[str, list[str]]:
        """Data item → the published, shareable, unclassified catalogue entries
        that provide it: what a department could obtain by sharing instead of
        collecting it again (GDSR art 19(1)). Built once per load, not per decision."""
        index: dict[str, list[str]] = {}
        for entry_id, entry in self.catalog.items():
            if not entry.get("published", True) or entry.get("share_attribute") == "not_shareable" or entry.get("secrecy", "none") != "none":
                continue
            for item in entry.get("fields", []):
                # Look-up keys (name, ID number) are what a department asks with,
                # not data it could avoid collecting.
                if item.get("secrecy", "none") == "none" and not item.get("key", False):
                    index.setdefault(item["name"], []).append(entry_id)
        return {name: sorted(ids) for name, ids in index.items()}

    def data_json(self, extra: dict[str, Any] | None = None, roots: dict[str, Any] | None = None) -> bytes:
        """`data.govshare` as the policies see it; `extra` adds what ships with
        the policies (the calendar), `roots` what ships beside `govshare` (the
        statutory parameters)."""
        document = {**(extra or {}), "catalog": self.catalog, "grants": self.grants, "field_index": self.field_index()}
        return orjson.dumps({**(roots or {}), "govshare": document}, option=orjson.OPT_SORT_KEYS)

    @property
    def revision(self) -> str:
        return "sha256:" + hashlib.sha256(self.data_json()).hexdigest()

    # --- what inline state must not shadow (built once per snapshot) ------

    @cached_property
    def catalog_ids(self) -> dict[str, str]:
        """Each stored entry's id as compared with an inline one → the id."""
        return {comparable_id(i): i for i in self.catalog}

    @cached_property
    def grant_ids(self) -> dict[str, str]:
        return {comparable_id(i): i for i in self.grants}

    @cached_property
    def withdrawn_grants(self) -> dict[tuple[str, str], str]:
        """(dataset, requester), compared as ids → a stored grant for that pair
        that is suspended or terminated (GDSR art 27(2)): what a platform's
        own record must not reopen (nor one that ran out, or whose purpose
        ended, art 27(1))."""
        return {(comparable_id(g.get("dataset", "")), comparable_id(g.get("requester", ""))): i
                for i, g in self.grants.items() if withdrawal(g) is not None}

    @cached_property
    def entry_names(self) -> dict[tuple[str, str], str]:
        """(provider, name), compared as ids → the stored entry: an inline
        entry that copies one under a new id describes the same data."""
        return {(comparable_id(e.get("provider", "")), comparable_id(e.get("name", ""))): i for i, e in self.catalog.items()}


_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")

# A stored grant's status that an inline grant must not work around: what it
# says (zh, en) and what to do instead.
_WITHDRAWN = {
    "suspended": (("已暂停（第二十七条第二款）", "整改完成、恢复授权后再用"), ("is suspended (art 27(2))", "Use it again once rectified and restored.")),
    "terminated": (("已终止（第二十七条第二款）", "确需使用的，重新提出共享申请"), ("is terminated (art 27(2))", "Apply for sharing again if the data is still needed.")),
    "expired": (("已超过使用时限", "确需继续使用的，重新提出共享申请"), ("has expired", "Apply for sharing again if the data is still needed.")),
    "purpose_ended": (("的共享目的已终了（第二十七条第一款）", "按提供部门的要求处置数据；确需继续使用的，重新提出共享申请"),
                      ("records the end of its purpose (art 27(1))", "Dispose of the data as the provider requires; apply again if it is still needed.")),
}


def withdrawal(grant: dict[str, Any]) -> str | None:
    """Why a stored grant no longer serves a use (a key of _WITHDRAWN), or None."""
    if grant.get("status") in ("suspended", "terminated", "expired"):
        return grant["status"]
    return "purpose_ended" if grant.get("purpose_ended") is not None else None


def comparable_id(value: str) -> str:
    """An id as compared with another: NFKC-normalised, with whitespace,
    zero-width and control characters removed, case folded; so "g-1\u200b",
    "G-1" and the full-width "ｇ-1" are all "g-1"."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")).casefold()


def _failure(code: str, zh: str, en: str, remedy_zh: str, remedy_en: str, **facts: Any) -> Violation:
    return Violation(
        code=code,
        regulation="govshare",
        article=None,
        severity="error",
        title=Text(zh="无法作出决策", en="No decision could be made"),
        message=Text(zh=zh, en=en),
        remedy=Text(zh=remedy_zh, en=remedy_en),
        facts=facts,
        rule="govshare.engine",
    )


def data_stale(age_seconds: float, max_age_seconds: float) -> Violation:
    """Why a decision is indeterminate when the catalogue and grants it would
    rest on could not be re-read for longer than allowed (the database is
    down): they may have changed meanwhile, e.g. a grant suspended."""
    return _failure(
        "GOVSHARE-DATA-STALE",
        f"决策所依据的目录与授权数据已有{age_seconds:.1f}秒未能从数据库重新读取（上限{max_age_seconds:g}秒），可能已经过时，不能作出许可。",
        f"The catalogue and grant data this decision would rest on could not be re-read from the database for {age_seconds:.1f} s "
        f"(the limit is {max_age_seconds:g} s); it may be out of date, so nothing can be allowed.",
        "稍后重试；如持续出现，请运维人员检查数据库（GET /health/ready）。",
        "Retry later; if it persists, ask the operators to check the database (GET /health/ready).",
        data_age_s=round(age_seconds, 3), max_data_age_s=max_age_seconds,
    )


def calendar_years(event: AccessEvent, scope: CalendarReads | None, snapshot: DataSnapshot) -> set[int]:
    """The years of every date a working-day deadline of this event may be
    counted from or compared with: the dates in the input fields and stored
    documents that the calendar-using rules this event reaches read (`scope`,
    proved from the policies; None: every date of the event)."""
    if scope is None:
        reached: list[Any] = [event]
        stored = {"catalog", "grants"}
    else:
        reached = [getattr(event, name, None) for name in scope.input_fields]
        stored = scope.stored
    grant = snapshot.grants.get(event.grant or "") or {}
    if stored - {"grants"}:  # the catalogue, or a document not followed: the entries the event reaches
        reached += [snapshot.catalog.get(event.dataset or ""), snapshot.catalog.get(grant.get("dataset", ""))]
    if stored - {"catalog"}:
        reached.append(grant)
    return years_in(reached, BEIJING)


def _sort_key(v: Violation) -> tuple:
    return (v.regulation, v.article or 0, v.paragraph or 0, v.item or 0, v.code, orjson.dumps(v.facts, option=orjson.OPT_SORT_KEYS))


_decision_ids: deque[str] = deque()


def _new_decision_id() -> str:
    """32 random hex digits (128 bits) from the operating system's generator,
    like uuid4().hex. Drawn 256 at a time: each os.urandom call lets go of the
    GIL, and one per decision let a thread deciding a batch keep the GIL from
    the event loop for the whole batch (the loop's wait for it restarts at every
    such release, so it never asks the deciding thread to yield)."""
    try:
        return _decision_ids.popleft()  # atomic: safe on any thread
    except IndexError:
        random = os.urandom(16 * 256).hex()
        _decision_ids.extend(random[i:i + 32] for i in range(32, len(random), 32))
        return random[:32]


# One Beijing day, from its first to its last microsecond
# (DecisionEngine._date_rules_see_only_the_day checks the loaded date rule on it).
_TIMES_OF_ONE_DAY = ("2026-03-02T00:00:00+08:00", "2026-03-02T12:34:56.789+08:00", "2026-03-02T23:59:59.999999+08:00")
# What a day-keyed cache key leaves out of the event: its instant.
_THE_INSTANT = {"at"}

_new_object = object.__new__
_set = object.__setattr__


def _copy_decision(template: Decision, event: AccessEvent) -> Decision:
    """`template` as a new decision made now: its own id, time and lists.

    What pydantic's own shallow copy (`Decision.__copy__`) does, minus the
    generic parts (about half the cost of a hit otherwise), then the fields
    that differ per call. The lists are new, so appending to or clearing a
    returned decision's violations, breaches or obligations never changes the
    cached one; the Violation/Obligation objects in them are shared (they are
    not frozen models) and are not to be mutated by callers."""
    fields = template.__dict__.copy()
    fields["decision_id"] = _new_decision_id()
    fields["evaluated_at"] = datetime.now(BEIJING)
    fields["event_at"] = event.at
    fields["violations"] = fields["violations"][:]
    fields["breaches"] = fields["breaches"][:]
    fields["obligations"] = fields["obligations"][:]
    decision = _new_object(Decision)
    _set(decision, "__dict__", fields)
    _set(decision, "__pydantic_fields_set__", set(template.__pydantic_fields_set__))
    _set(decision, "__pydantic_extra__", None)  # Decision keeps no extra fields
    _set(decision, "__pydantic_private__", None)  # nor private attributes
    return decision


class DecisionEngine:
    def __init__(self, policies: PolicySet, backend: RegoBackend, snapshot: DataSnapshot, accept_inline_state: bool = False,
                 cache_size: int = 10_000):
        self.policies = policies
        # See the decision-cache comment below for what a key holds.
        self._cache: LRUCache | None = LRUCache(maxsize=cache_size) if cache_size > 0 else None
        self._cache_lock = threading.Lock()
        self.cache_hits = self.cache_misses = 0
        # Inline state is a platform's own record. Off by default: a decision
        # rests on what govshare stores. A site whose platforms keep their own
        # records turns it on; it never shadows stored state (_check_inline).
        self.accept_inline_state = accept_inline_state
        self.backend = backend
        self.snapshot = snapshot
        self.data_revision = snapshot.revision
        self._policy_data, self._policy_roots = policies.data(), policies.root_data()
        backend.load(policies.serving_modules, snapshot.data_json(self._policy_data, self._policy_roots), partitions=policies.partitions)
        # Key the cache on the event's day, not its instant, only when the
        # source proves the policies read `at` through the date rules alone
        # and those rules, as loaded, give one date for any time of a day.
        self.keys_on_the_day = policies.sees_only_the_day and self._date_rules_see_only_the_day()

    def _date_rules_see_only_the_day(self) -> bool:
        try:
            seen = {orjson.dumps(self.backend.evaluate(EVENT_DATE_QUERY, orjson.dumps({"at": at}).decode()))
                    for at in _TIMES_OF_ONE_DAY}
        except Exception:  # noqa: BLE001 - whatever fails here only costs cache hits
            return False
        return seen == {orjson.dumps(_TIMES_OF_ONE_DAY[0][:10])}

    def replace_data(self, snapshot: DataSnapshot) -> None:
        self.backend.load(self.policies.serving_modules, snapshot.data_json(self._policy_data, self._policy_roots), partitions=self.policies.partitions)
        self.snapshot, self.data_revision = snapshot, snapshot.revision
        if self._cache is not None:
            with self._cache_lock:
                self._cache.clear()  # keys carry the revision anyway; this frees the memory

    def check_event(self, event: AccessEvent) -> None:
        """Refuse what the event names but the engine does not know."""
        if event.inline is not None and not self.accept_inline_state:
            raise EventError(
                "inline",
                "本服务不接受随事件携带的目录或授权，只依据本服务登记的记录作出决策",
                "this service does not accept inline catalogue or grant state; it decides only on its own records",
            )
        if event.inline is not None:
            self._check_inline(event)
        if event.jurisdiction is not None and event.jurisdiction not in self.policies.jurisdictions:
            known = "、".join(sorted(self.policies.jurisdictions)) or "无"
            raise EventError(
                "jurisdiction",
                f"未知的地方规则“{event.jurisdiction}”；已知：{known}",
                f"unknown jurisdiction {event.jurisdiction!r}; known: {', '.join(sorted(self.policies.jurisdictions)) or 'none'}",
            )

    def _check_inline(self, event: AccessEvent) -> None:
        """Stored state wins, always: an inline entry or grant may stand only
        for what govshare does not store. One that bears a stored id (as
        compared by `comparable_id`), or a grant for a dataset and requester
        whose stored grant is suspended or terminated, is refused."""
        snapshot, inline = self.snapshot, event.inline
        for name, value in (("inline.dataset.id", inline.dataset and inline.dataset.id), ("inline.grant.id", inline.grant and inline.grant.id),
                            ("inline.grant.dataset", inline.grant and inline.grant.dataset)):
            if value is not None and not _PLAIN_ID.match(value):
                # Look-alike letters (a Cyrillic "а", a "‐" hyphen) could imitate a stored id.
                raise EventError(name, f"平台自带记录的编码“{value}”只能由英文字母、数字和 . _ : - 组成",
                                 f"the id {value!r} of a platform's own record may hold only ASCII letters, digits and . _ : -")
        if inline.dataset is not None and (stored := snapshot.catalog_ids.get(comparable_id(inline.dataset.id))):
            raise EventError(
                "inline.dataset",
                f"随事件携带的目录条目“{inline.dataset.id}”与本服务登记的“{stored}”是同一编码（忽略大小写、空白和不可见字符），不得以平台自带的记录代替登记的目录",
                f"the inline catalogue entry {inline.dataset.id!r} has the id of the stored entry {stored!r} (ignoring case, white space and invisible characters); a platform's own record cannot stand in for the stored catalogue",
            )
        grant = inline.grant
        if grant is None:
            return
        if stored := snapshot.grant_ids.get(comparable_id(grant.id)):
            raise EventError(
                "inline.grant",
                f"随事件携带的共享授权“{grant.id}”与本服务登记的授权“{stored}”是同一编码（忽略大小写、空白和不可见字符），只能依据登记的授权作出决策",
                f"the inline grant {grant.id!r} has the id of the stored grant {stored!r} (ignoring case, white space and invisible characters); decisions rest on the stored grant",
            )
        # The data the grant is for: its dataset, and the stored entry an inline
        # entry of that id copies (same provider and name; a platform's own
        # open-data catalogue may describe stored data so).
        datasets = {comparable_id(grant.dataset)}
        if inline.dataset is not None and comparable_id(inline.dataset.id) in datasets:
            copied = snapshot.entry_names.get((comparable_id(inline.dataset.provider), comparable_id(inline.dataset.name)))
            if copied:
                datasets.add(comparable_id(copied))
        for dataset, requester in ((d, r) for d in sorted(datasets) for r in sorted({grant.requester, event.requester.department})):
            withdrawn = snapshot.withdrawn_grants.get((dataset, comparable_id(requester)))
            if withdrawn:
                zh, en = _WITHDRAWN[withdrawal(snapshot.grants[withdrawn])]
                raise EventError(
                    "inline.grant",
                    f"“{requester}”对该数据的共享授权“{withdrawn}”{zh[0]}，不得以平台自带的授权继续使用；{zh[1]}",
                    f"{requester}'s grant {withdrawn!r} on this dataset {en[0]}; a platform's own grant cannot keep the use going. {en[1]}",
                )

    def _cache_key(self, event: AccessEvent, policy_revision: str, data_revision: str) -> tuple[tuple, bytes | None]:
        """The event's key in the decision cache, and the policies' input when
        the key had to make it anyway."""
        # The event's own serialiser (its class's, should it be a subclass with more fields).
        serializer = event.__pydantic_serializer__
        if self.keys_on_the_day:
            # Events an hour apart on one day get the same decision, so a
            # platform's repeated request (whose `at` is always new) hits.
            return (policy_revision, data_revision, event.at.astimezone(BEIJING).date(),
                    serializer.to_json(event, exclude_none=True, exclude=_THE_INSTANT)), None
        input_json = serializer.to_json(event, exclude_none=True)
        return (policy_revision, data_revision, input_json), input_json

    def cached(self, event: AccessEvent) -> Decision | None:
        """The decision `decide` would answer from its cache (a hit, counted),
        or None: nothing is evaluated, so a caller may ask on any thread (the
        event loop, sparing a hit the trip to the engine thread)."""
        self.check_event(event)
        if self._cache is None:
            return None
        key, _ = self._cache_key(event, self.policies.revision, self.data_revision)
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is None:
            return None
        self.cache_hits += 1
        return _copy_decision(cached, event)

    def decide(self, event: AccessEvent) -> Decision:
        self.check_event(event)  # before the cache: a refused event is refused on every call
        policy_revision, data_revision = self.policies.revision, self.data_revision
        serializer = event.__pydantic_serializer__
        input_json = None
        key = None
        if self._cache is not None:
            key, input_json = self._cache_key(event, policy_revision, data_revision)
            with self._cache_lock:
                cached = self._cache.get(key)
            if cached is not None:
                self.cache_hits += 1
                return _copy_decision(cached, event)
            self.cache_misses += 1
        day = event.at.astimezone(BEIJING).date()
        layers = layers_for(event.jurisdiction, day)
        base = dict(
            decision_id=_new_decision_id(),
            policy_revision=policy_revision,
            data_revision=data_revision,
            law_version="+".join(r.law_version() for r in layers) or "none",
            evaluated_at=datetime.now(BEIJING),
            event_at=event.at,
        )
        if not layers:
            candidates = [r for r in REGULATIONS.values() if r.jurisdiction in (None, event.jurisdiction)]
            first = min(candidates, key=lambda r: r.effective_from)
            return self._indeterminate(base, _failure(
                "GOVSHARE-NO-LAW-IN-FORCE",
                f"事件日期{day.isoformat()}早于《{first.name_zh}》施行日期{first.effective_from.isoformat()}，本引擎没有适用的规则，不能作出许可。",
                f"The event date {day.isoformat()} is before the {first.name_en} took effect ({first.effective_from.isoformat()}); no rules apply, so nothing can be allowed.",
                "按事件当时有效的规定另行审查。",
                "Review the event under the rules in force on its date.",
                event_date=day.isoformat(),
            ))
        action = event.action.value
        if (unjudged := self._unjudged(layers, action, day)) is not None:
            return self._indeterminate(base, unjudged)
        scope = self.policies.calendar_scope(frozenset(r.key for r in layers), action)
        unknown = sorted(calendar_years(event, scope, self.snapshot) - set(self.policies.calendar.known_years))
        if unknown:
            zh, en = missing_years_text(unknown, self.policies.calendar.known_years)
            return self._indeterminate(base, _failure(
                "GOVSHARE-CALENDAR-UNKNOWN-YEAR",
                f"{zh}，无法计算工作日期限，不作推测。",
                f"{en}; deadlines cannot be counted and are not guessed.",
                f"{(remedy := add_year_remedy())[0]}，生效后重试。",
                f"{remedy[1]} and retry once it is live.",
                years=unknown,
            ))
        if missing := self.policies.parameters_missing(frozenset(r.key for r in layers), action, day):
            zh, en = not_in_force_text(missing, day)
            return self._indeterminate(base, _failure(
                "GOVSHARE-PARAMETER-NOT-IN-FORCE",
                f"{zh}，相关期限无法判断，不作推测，不能作出许可。",
                f"{en}; the periods that depend on {'them' if len(missing) > 1 else 'it'} cannot be judged and are not guessed, so nothing can be allowed.",
                f"{(remedy := set_value_remedy())[0]}，生效后重试。",
                f"{remedy[1]}, and retry once it is live.",
                parameters=missing, event_date=day.isoformat(),
            ))
        try:
            if input_json is None:
                input_json = serializer.to_json(event, exclude_none=True)
            violations, breaches, obligations = self._evaluate(input_json.decode(), action, day, {r.key for r in layers})
        except Exception as exc:  # fail closed on anything: the backend, the result, the explanation
            log.exception("decision failed: %s", exc)
            return self._indeterminate(base, _failure(
                "GOVSHARE-ENGINE-ERROR",
                f"策略引擎出错，无法作出决策（{type(exc).__name__}: {exc}）。按拒绝处理。",
                f"The policy engine failed and could not decide ({type(exc).__name__}: {exc}). Treated as deny.",
                "稍后重试；如持续出现，请联系运维人员检查策略与数据。",
                "Retry later; if it persists, ask the operators to check the policies and data.",
                error=type(exc).__name__,
            ))
        if any(v.severity == "prohibited" for v in violations):
            outcome = "deny"
        elif violations:
            outcome = "needs_action"
        else:
            outcome = "allow"
        # Duties attach to an act that may happen; a refused act carries none.
        decision = Decision(allow=outcome == "allow", outcome=outcome, violations=violations, breaches=breaches,
                            obligations=obligations if outcome == "allow" else [], **base)
        if key is not None:
            # Only a complete evaluation reaches here; every indeterminate
            # answer returned above. The cache keeps its own copy, so nothing
            # the caller does to the decision it gets reaches the next hit.
            template = _copy_decision(decision, event)
            with self._cache_lock:
                self._cache[key] = template
        return decision

    def _unjudged(self, layers: list[Regulation], action: str, day: date) -> Violation | None:
        """Why no rule in force can judge `action` on `day`, or None. Every
        layer in force that governs the action needs a rule in force that
        speaks to it, and some layer in force must govern it: otherwise
        finding no violation would be an allow without grounds."""
        governing = [r for r in layers if action in r.governs]
        silent = [r for r in governing if not any(m.in_force(day) for m in self.policies.judging_rules(r.key, action))]
        if governing and not silent:
            return None
        in_force = [r.key for r in layers]
        names_zh = "、".join(f"《{r.name_zh}》" for r in layers)
        names_en = ", ".join(f"the {r.name_en}" for r in layers)
        if silent:
            silent_zh = "、".join(f"《{r.name_zh}》" for r in silent)
            silent_en = ", ".join(f"the {r.name_en}" for r in silent)
            return _failure(
                "GOVSHARE-NO-RULE-FOR-ACTION",
                f"{silent_zh}调整“{action}”环节，但{day.isoformat()}没有施行中的规则能够判断该环节（规则可能已废止或缺失），不能作出许可。",
                f"{silent_en} governs the action \"{action}\", but no rule in force on {day.isoformat()} can judge it (its rules may have been retired or be missing), so nothing can be allowed.",
                "检查策略目录中该环节的规则是否缺失或已到期；补齐前由人工依规定审查。",
                "Check whether the policy set lacks rules for this action or they have expired; until it is fixed, review the event by hand under the regulation.",
                action=action, layers=in_force, missing=[r.key for r in silent],
            )
        local = sorted(r.jurisdiction for r in REGULATIONS.values() if r.jurisdiction and action in r.governs)
        return _failure(
            "GOVSHARE-NO-RULE-FOR-ACTION",
            f"“{action}”环节不属于施行中的{names_zh}调整的范围，没有规则能够判断，不能作出许可。"
            + (f"该环节由地方规定调整（jurisdiction：{'、'.join(local)}）。" if local else ""),
            f"The action \"{action}\" is outside what {names_en} in force govern; no rule can judge it, so nothing can be allowed."
            + (f" Local rules govern it (jurisdiction: {', '.join(local)})." if local else ""),
            "在事件中写明适用的地方规则（jurisdiction）后重试；确无适用规定的，由人工审查。" if local else "由人工依适用的规定审查。",
            "Name the local rules that apply (jurisdiction) and retry; if none apply, review the event by hand." if local else "Review the event by hand under the rules that apply.",
            action=action, layers=in_force, missing=[],
        )

    def _indeterminate(self, base: dict[str, Any], failure: Violation) -> Decision:
        return Decision(allow=False, outcome="indeterminate", violations=[failure], **base)

    def undecided(self, event: AccessEvent, failure: Violation) -> Decision:
        """`indeterminate` for a reason found outside the policies (e.g.
        `data_stale`), shaped as the engine's own. An event the engine refuses
        is refused here too."""
        self.check_event(event)
        layers = layers_for(event.jurisdiction, event.at.astimezone(BEIJING).date())
        return self._indeterminate(dict(
            decision_id=_new_decision_id(), policy_revision=self.policies.revision, data_revision=self.data_revision,
            law_version="+".join(r.law_version() for r in layers) or "none", evaluated_at=datetime.now(BEIJING), event_at=event.at,
        ), failure)

    # --- decision cache ---------------------------------------------------
    # Keyed by policy revision + data revision + the event as JSON (the same
    # pydantic JSON-mode serialisation, without nulls, that the policies get as
    # input), so a decision made under older policies or data is never served
    # and equal events from different requests share an entry. Everything else
    # a decision depends on is a function of that key: the layers in force and
    # the calendar check (the event's dates; the calendar ships with the
    # policies, inside their revision), the Rego result and its explanation.
    # A hit therefore skips them and returns a copy of the finished decision
    # with its own id and time (and the event's own `at`). When the policies
    # see the event's time only as its Beijing date (keys_on_the_day), the key
    # holds that date and the event without `at`: the layers in force and the
    # calendar check depend on dates only too. Only complete evaluations are cached; engine
    # errors, unknown calendar years and "no law in force" are decided afresh
    # every time. cachetools is not thread-safe (a get reorders the LRU), hence the
    # lock (uncontended, ~0.2 µs with the look-up).

    def _evaluate(self, input_json: str, action: str, day: date, layers: set[str]) -> tuple[list[Violation], list[Violation], list[Obligation]]:
        found: dict[str, list] = {kind: [] for kind in RULE_KINDS}
        # Each layer's aggregate holds only that layer's packages; a layer in
        # force with no rules in this policy set has nothing to say.
        for layer in sorted(layers.intersection(self.policies.layers)):
            raw = self.backend.evaluate(self.policies.layer_query(layer, action), input_json)
            if not isinstance(raw, dict) or not all(isinstance(raw.get(kind), dict) for kind in RULE_KINDS):
                raise ValueError(f"policy result has an unexpected shape: {str(raw)[:200]}")
            self._explain(raw, day, found)
        found["violation"].sort(key=_sort_key)
        found["breach"].sort(key=_sort_key)
        found["obligation"].sort(key=lambda o: (o.regulation, o.article, o.code))
        return found["violation"], found["breach"], found["obligation"]

    def _explain(self, raw: dict[str, Any], day: date, found: dict[str, list]) -> None:
        for kind in RULE_KINDS:
            for package, facts_list in raw[kind].items():
                if not facts_list:
                    continue
                meta = self.policies.rules[package]
                # Only rules in force on the event's date.
                if not meta.in_force(day):
                    continue
                for facts in facts_list:
                    if not isinstance(facts, dict):
                        raise ValueError(f"{package}.{kind} emitted {facts!r}; rules must emit objects of facts")
                    if kind == "obligation":
                        found[kind].append(explain_obligation(meta, facts))
                        continue
                    if "liability" in facts and (why := liability_problem(REGULATIONS[meta.regulation], facts["liability"])):
                        raise ValueError(f"{package} emitted an invalid liability: {why}")
                    found[kind].append(explain_violation(meta, facts))
