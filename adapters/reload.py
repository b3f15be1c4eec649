"""Hot reload of the policies (and the calendar data beside them).

A small polling watcher thread notices a change under the policy directory
(cheaply by file stamps, then by the policy revision of `engine.policyset`),
loads and checks the new set off to the side (compile, citation checks, and
no Rego test that passes on the live revision may fail, and no coverage may
be lost: see `coverage_losses`), and either keeps it pending or records why it
was refused. Before the next request (`PolicySwap`, an ASGI middleware) the
pending set is swapped in on the service's engine thread, between two of its
jobs: the new engine is built there and replaces `service.engine` in one
assignment, so no regorus engine crosses threads and a request (a batch is one
job) sees either the old revision or the new one, never a mix. A refused change
leaves the last good revision serving.

`GOVSHARE_RELOAD=0` turns the watcher off; `GOVSHARE_RELOAD_INTERVAL` sets the
polling interval in seconds (default 1).

With GOVSHARE_BUNDLE the policies come from an OPA bundle instead (a file, or
a URL polled every GOVSHARE_BUNDLE_POLL_SECONDS with If-None-Match), verified
before use (adapters/bundle.py); a new one passes the same checks.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.articles import gap_articles, rule_gaps
from engine.decide import DecisionEngine
from engine.errors import PolicyError, PolicyProblem
from engine.models import BEIJING
from engine.policyset import CALENDAR_DIR, PolicySet, load_policy_set, read_files, revision_of
from engine.regulations import REGULATIONS

from .regorus_backend import RegorusBackend
from .service import Service
from .storage.store import Store

log = logging.getLogger("govshare.reload")


def reload_enabled() -> bool:
    return os.environ.get("GOVSHARE_RELOAD", "1") not in ("0", "false", "no", "off")


def reload_interval() -> float:
    try:
        return max(float(os.environ.get("GOVSHARE_RELOAD_INTERVAL", "1")), 0.05)
    except ValueError:
        return 1.0


@dataclass
class Refusal:
    revision: str
    at: datetime
    problems: list[PolicyProblem]
    coverage: dict[str, Any] | None = None  # what the change would have lost (see coverage_losses)

    def as_json(self) -> dict[str, Any]:
        found = {
            "revision": self.revision,
            "at": self.at.isoformat(),
            "errors": [{"file": p.file, "line": p.line, "col": p.col, "message": p.message, "text": str(p)} for p in self.problems],
        }
        if self.coverage is not None:
            found["coverage"] = self.coverage
        return found


def _stamps(root: Path) -> tuple:
    """A cheap signature of every file that feeds the revision."""
    found = []
    if root.is_dir():
        for pattern in ("*.rego", "*.json", "*.yaml", "*.yml"):  # *.yaml: the statutory parameters
            for path in root.rglob(pattern):
                try:
                    st = path.stat()
                except OSError:
                    continue
                found.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))


def failed_tests(policies: PolicySet) -> list[PolicyProblem]:
    """The set's failing Rego tests, each a problem at the test's line."""
    from engine.regotest import run_rego_tests

    return [PolicyProblem(r.file, r.line, 1, f"test {r.id} failed: {r.error}")
            for r in run_rego_tests(policies, RegorusBackend()) if not r.passed]


RETIRE_HOW = (
    "要废止一条规则，请在其 METADATA 的 custom 中写 effective_to: YYYY-MM-DD（自该日起不再适用）并保留规则文件",
    "to retire a rule, set effective_to: YYYY-MM-DD in its METADATA custom block (it no longer applies from that day) and keep its files",
)


def _cite(regulation: str, article: int) -> tuple[str, str]:
    law = REGULATIONS.get(regulation)
    return (f"《{law.name_zh}》第{article}条" if law else f"{regulation}第{article}条"), f"{regulation} art {article}"


def coverage_losses(live: PolicySet, new: PolicySet, store: Any, today: date) -> tuple[list[PolicyProblem], dict[str, Any] | None]:
    """What `new` would lose against the `live` set, as problems that refuse it
    (Chinese first, then English), and the same as data (None: nothing lost).

    1. An enforceable article (`engine.regulations.ENFORCEABLE`, what
       `govshare articles` marks 须执行) that a live rule enforces is left with
       no rule. Gaps the live set already has do not block a change.
    2. A rule package is removed while it is still in force (no effective_to,
       or one after today), or while decisions in the ledger cite it. A
       package whose code lives on in another package was moved, not removed.
       Only a rule already retired that never decided anything may go (unless
       1 forbids it). A rule that has decided stays for good: the law's way to end a duty is
       `effective_to` (the first day it no longer applies; `RuleMeta.in_force`),
       and the rule must still judge events dated before that day as the law
       then stood (a late reply, an audit, `govshare impact` replaying the
       ledger); removing it would flip them, which is the very loss refused
       here. From its effective_to on, a retired rule decides nothing.
    3. A calendar year the live set has is removed while it is not after this
       (Beijing) year, or a stored application, grant or usage record or a
       logged decision's event is dated in it. Every year up to this one can be
       reached by a deadline counted for something already stored or for a
       back-dated event, whatever the stored dates say (an application received
       in December counts into January); a future year is needed only once
       something is dated in it, so only that is asked of the store.
    4. The `_test.rego` of a rule still in force is removed (its change would
       then go unchecked by the "no passing test may fail" rule).

    `store` answers `logged_rules` and `years_in_use` (adapters.storage.Store);
    when it cannot answer, the change is refused (fail closed)."""
    problems: list[PolicyProblem] = []
    coverage: dict[str, Any] = {"articles": [], "rules": [], "years": []}

    # 1. enforceable articles left without a rule
    before = set(rule_gaps(live))
    for gap in rule_gaps(new):
        if gap in before:
            continue
        numbers = gap_articles(gap)
        lost = sorted((m for m in live.rules.values() if m.regulation == gap.regulation and m.article in numbers), key=lambda m: m.code)
        codes = ", ".join(m.code for m in lost)
        problems.append(PolicyProblem(
            lost[0].file if lost else str(new.root), lost[0].line if lost else 0, 1 if lost else 0,
            f"{gap.text('zh')}（此前由 {codes} 执行）。须执行的条文不能没有规则；{RETIRE_HOW[0]}。"
            f" / {gap.text('en')} (it was enforced by {codes}). An enforceable article must keep a rule; {RETIRE_HOW[1]}."))
        coverage["articles"].append({"regulation": gap.regulation, "articles": gap.articles})

    # 2. removed rule packages that decided something
    codes_kept = {m.code for m in new.rules.values()}
    removed = {p: m for p, m in live.rules.items() if p not in new.rules and m.code not in codes_kept}
    # 3. removed calendar years
    lost_years = sorted(set(live.calendar.years) - set(new.calendar.years))
    try:
        decided = store.logged_rules([*removed, *(m.code for m in removed.values())]) if removed else set()
        dated = store.years_in_use([y for y in lost_years if y > today.year])
    except Exception as exc:  # fail closed: what cannot be checked is not accepted
        log.exception("cannot check the ledger and stored data for a policy change")
        problems.append(PolicyProblem(str(new.root), 0, 0, f"无法核对账本与已存数据，不接受本次变更：{exc} / cannot check the ledger and stored data, so the change is not accepted: {exc}"))
        return problems, coverage

    for package, meta in sorted(removed.items()):
        zh_cite, en_cite = _cite(meta.regulation, meta.article)
        retired = meta.effective_to is not None and meta.effective_to <= today
        if package not in decided and meta.code not in decided:
            if retired:
                continue
            problems.append(PolicyProblem(
                meta.file, meta.line, 1,
                f"规则 {package}（{meta.code}，{zh_cite}）仍在施行，不能直接删除：删除后它所判断的事件将无规则判断。{RETIRE_HOW[0]}；"
                "该日期到来后，没有决策引用它的规则方可删除。"
                f" / rule {package} ({meta.code}, {en_cite}) is in force and cannot simply be removed: the events it judges would be judged"
                f" by nothing. {RETIRE_HOW[1][0].upper()}{RETIRE_HOW[1][1:]}; once that day has come, a rule no decision cites may be removed."))
            coverage["rules"].append({"rule": package, "code": meta.code, "regulation": meta.regulation, "article": meta.article,
                                      "effective_to": meta.effective_to.isoformat() if meta.effective_to else None})
            continue
        if meta.effective_to is not None:
            how_zh = f"它已废止（effective_to: {meta.effective_to.isoformat()}），保留其文件即可。"
            how_en = f"It is already retired (effective_to: {meta.effective_to.isoformat()}): keep its files."
        else:
            how_zh = f"{RETIRE_HOW[0]}；作出过决策的规则废止后仍须保留。"
            how_en = f"{RETIRE_HOW[1][0].upper()}{RETIRE_HOW[1][1:]}; a rule that has decided stays after it is retired."
        problems.append(PolicyProblem(
            meta.file, meta.line, 1,
            f"规则 {package}（{meta.code}，{zh_cite}）已有记录在案的决策引用，不能删除：删除后，它此前判断的那类事件将不再按它判断，账本中的决策也无法重现。{how_zh}"
            f" / rule {package} ({meta.code}, {en_cite}) is cited by decisions in the ledger and cannot be removed: events like the ones it"
            f" decided would no longer be judged by it, and the logged decisions could not be reproduced. {how_en}"))
        coverage["rules"].append({"rule": package, "code": meta.code, "regulation": meta.regulation, "article": meta.article,
                                  "effective_to": meta.effective_to.isoformat() if meta.effective_to else None})

    # 4. the tests of a rule in force: without them a change to the rule is unchecked
    for package, meta in sorted(new.rules.items()):
        test = f"{package}_test"
        if test in live.test_packages and test not in new.test_packages and (meta.effective_to is None or meta.effective_to > today):
            zh_cite, en_cite = _cite(meta.regulation, meta.article)
            problems.append(PolicyProblem(
                meta.file, meta.line, 1,
                f"删除了规则 {package}（{meta.code}，{zh_cite}）的测试 {live.test_packages[test].path}，而该规则仍在施行：没有测试，"
                f"对规则的改动无从检验。请保留并按需修改测试。 / removes the tests of rule {package} ({meta.code}, {en_cite}),"
                f" {live.test_packages[test].path}, while the rule is in force: without them a change to the rule goes unchecked."
                " Keep the tests and change them as the rule changes."))
            coverage["rules"].append({"rule": package, "code": meta.code, "regulation": meta.regulation, "article": meta.article,
                                      "effective_to": meta.effective_to.isoformat() if meta.effective_to else None, "tests_removed": True})

    for year in lost_years:
        if year <= today.year:
            why_zh, why_en = f"该年不晚于今年（{today.year}）", f"it is not after this year ({today.year})"
        elif year in dated:
            why_zh = "已存储的申请、授权、使用记录或记录在案的决策日期落在该年"
            why_en = "stored applications, grants, usage records or logged decisions are dated in it"
        else:
            continue
        path = f"{CALENDAR_DIR}/{year}.json"
        problems.append(PolicyProblem(
            path, 0, 0,
            f"删除了工作日历 {year} 年（{path}）：{why_zh}，按工作日计算的期限要用到它。日历年份只能增加或更正，不能删除。"
            f" / removes calendar year {year} ({path}): {why_en}, and working-day deadlines count on it."
            " Calendar years may be added or corrected, not removed."))
        coverage["years"].append(year)
    return problems, (coverage if problems else None)


@dataclass
class PolicyReloader:
    service: Service
    interval: float = 1.0
    loaded_at: datetime = field(default_factory=lambda: datetime.now(BEIJING))
    last_refused: Refusal | None = None
    last_checked: datetime | None = None
    swaps: int = 0
    # Every change of a rule's effective_to that a swap made live (see _note_retirements).
    retirements: list[dict[str, Any]] = field(default_factory=list)
    on_swap: Callable[[], object] | None = None  # run once a new set is live (e.g. due dates waiting for a calendar year)

    def __post_init__(self) -> None:
        self.root = Path(self.service.settings.policy_dir)
        # GOVSHARE_BUNDLE: the policies come from a bundle, polled at its own interval.
        self.bundle = getattr(self.service, "bundle_source", None)
        if self.bundle is not None:
            self.interval = self.bundle.poll_seconds
        self._seen_revision = self.service.engine.policies.revision
        self._stamps = _stamps(self.root)
        self._pending: PolicySet | None = None
        self._retired: list[DecisionEngine] = []
        self._live_failures: set[str] | None = None  # failing Rego tests of the live revision
        self._pending_failures: set[str] = set()
        self._pending_activated: Callable[[], None] | None = None  # a pending bundle's step once it is live
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the watcher thread -------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        # The thread holds the reloader weakly, so an app that is dropped
        # (tests build many) lets its watcher end.
        ref = weakref.ref(self)
        stop, interval = self._stop, self.interval

        def run() -> None:
            while not stop.wait(interval):
                reloader = ref()
                if reloader is None:
                    return
                try:
                    reloader.poll()
                except Exception:  # never let the watcher die
                    log.exception("policy watcher failed")
                del reloader

        self._thread = threading.Thread(target=run, name="govshare-policy-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def poll(self) -> bool:
        """Look once; True when a new policy set was accepted (pending the swap)."""
        self.last_checked = datetime.now(BEIJING)
        found = self._look_at_bundle() if self.bundle is not None else self._look_at_directory()
        if found is None:
            return False
        revision, policies, problems, on_accept = found
        coverage: dict[str, Any] | None = None
        failures: list[PolicyProblem] = []
        if not problems:
            # Nothing the law or the record relies on may go (see coverage_losses).
            losses, coverage = coverage_losses(self.service.engine.policies, policies, self.service.store,
                                               datetime.now(BEIJING).date())
            # A change must not break a Rego test that passes on the live
            # revision (tests already failing there do not block it). A bundle
            # carries no tests (`govshare bundle` refuses to build while one
            # fails); one that does has them run here too.
            if self._live_failures is None:
                self._live_failures = {p.message for p in failed_tests(self.service.engine.policies)}
            failures = failed_tests(policies)
            problems = losses + [p for p in failures if p.message not in self._live_failures]
        self._seen_revision = revision
        if problems:
            with self._lock:
                self.last_refused = Refusal(revision, datetime.now(BEIJING), problems, coverage)
            log.warning("refused policy change %s: %s", revision, "; ".join(str(p) for p in problems))
            return False
        activated = on_accept() if on_accept is not None else None
        with self._lock:
            self._pending = policies
            self._pending_failures = {p.message for p in failures}
            self._pending_activated = activated  # the bundle's status follows once the swap is done
        log.info("policy change %s accepted; live on the next request", revision)
        return True

    def _look_at_directory(self) -> tuple[str, PolicySet | None, list[PolicyProblem], None] | None:
        """(revision, the loaded set or None, problems, None), or None when nothing changed."""
        stamps = _stamps(self.root)
        if stamps == self._stamps:
            return None
        self._stamps = stamps
        try:
            revision = revision_of(self.root, read_files(self.root))
        except PolicyError as exc:
            return "unreadable", None, exc.problems, None
        if revision == self._seen_revision:
            return None
        try:
            # Compile and check here, in this thread: compile() uses a
            # throw-away regorus engine that never leaves it.
            return revision, load_policy_set(self.root, RegorusBackend()), [], None
        except PolicyError as exc:
            return revision, None, exc.problems, None

    def _look_at_bundle(self) -> tuple[str, PolicySet | None, list[PolicyProblem], Callable[[], Callable[[], None]] | None] | None:
        """As _look_at_directory, for GOVSHARE_BUNDLE: download (If-None-Match),
        verify the signature before anything of the bundle is used, unpack,
        load. A download that fails is kept in the source's status
        (reload.source.last_error) and changes nothing."""
        from .bundle import BundleError, load_from

        source = self.bundle
        try:
            fetched = source.fetch()
        except BundleError as exc:
            log.warning("bundle %s: %s; the live policies keep serving", source.location, exc)
            return None
        if fetched is None:
            return None
        try:
            policies, manifest, directory = load_from(source, fetched, RegorusBackend())
        except BundleError as exc:
            return f"bundle:{fetched.digest[:16]}", None, [PolicyProblem(source.location, 0, 0, str(exc))], None
        except PolicyError as exc:
            return f"bundle:{fetched.digest[:16]}", None, exc.problems, None

        def accept() -> Callable[[], None]:
            return source.accepted(fetched, manifest, directory)

        if policies.revision in (self._seen_revision, self.service.engine.policies.revision) and self._pending is None:
            # The same policies again (a new ETag, the same content): nothing to swap.
            # Only the ones serving count as this bundle's live revision.
            activated = accept()
            if policies.revision == self.service.engine.policies.revision:
                activated()
            return None
        return policies.revision, policies, [], accept

    # --- the serving thread -------------------------------------------------

    def apply(self) -> bool:
        """Swap a pending policy set in, on the engine thread (waited for)."""
        if self._pending is None:
            return False
        if (thread := self.service.engine_thread) is not None and not thread.here():
            return thread.call(self.apply)
        with self._lock:
            policies, self._pending = self._pending, None
            failures = self._pending_failures
            activated, self._pending_activated = self._pending_activated, None
        if policies is None:
            return False
        old = self.service.engine
        settings = self.service.settings
        try:
            engine = DecisionEngine(policies, self.service.backend(), old.snapshot, settings.accept_inline_state, settings.cache_size)
        except Exception as exc:  # the data no longer loads with the new policies: keep the old
            with self._lock:
                self.last_refused = Refusal(policies.revision, datetime.now(BEIJING),
                                            [PolicyProblem(str(self.root), 0, 0, f"新策略与现有数据一起无法加载，继续使用原策略：{exc} / cannot load with the current data, the live policies keep serving: {exc}")])
            log.exception("policy swap to %s failed; keeping %s", policies.revision, old.policies.revision)
            return False
        self.service.engine = engine  # one assignment: the swap
        if activated is not None:
            activated()
        self._live_failures = failures
        if self.service.engine_thread is None:
            # Keep the old engine referenced: its backend holds a regorus engine
            # per thread that used it, and a regorus engine must not be dropped
            # on another thread than its own. (On the engine thread it is freed
            # there, or sent there to be freed: RegorusBackend.__del__.)
            self._retired.append(old)
        old_policies = old.policies
        del old
        self.loaded_at = datetime.now(BEIJING)
        self.swaps += 1
        self._note_retirements(old_policies, policies)
        log.info("policy revision %s is live (was %s)", policies.revision, old_policies.revision)
        if self.on_swap is not None:
            try:
                self.on_swap()
            except Exception:  # the new set is live regardless; start-up or the next swap tries again
                log.exception("after the swap to %s", policies.revision)
        return True

    def _note_retirements(self, old: PolicySet, new: PolicySet) -> None:
        """Log and keep every rule whose effective_to the swap from `old` to
        `new` set, moved or lifted: retiring a rule is a change of the law
        applied, and must leave a trace (GET /v1/status, "retired")."""
        by_code = {m.code: m for m in old.rules.values()}
        at = datetime.now(BEIJING).isoformat()
        for package, meta in sorted(new.rules.items()):
            before = old.rules.get(package) or by_code.get(meta.code)
            if before is None or before.effective_to == meta.effective_to:
                continue
            to = meta.effective_to.isoformat() if meta.effective_to else None
            was = before.effective_to.isoformat() if before.effective_to else None
            with self._lock:
                self.retirements.append({"rule": package, "code": meta.code, "effective_to": to, "was": was,
                                         "revision": new.revision, "at": at})
                del self.retirements[:-100]  # human-paced; keep the recent ones
            log.warning("规则 %s（%s）的废止日期 effective_to 改为 %s（原为 %s）/ rule %s (%s) retires: effective_to %s (was %s), revision %s",
                        package, meta.code, to or "无", was or "无", package, meta.code, to or "none", was or "none", new.revision)
            record = {"rule": package, "code": meta.code, "effective_to": to, "was": was}
            try:  # on the record for auditors, not only in this process's memory
                self.service.store.transaction(lambda session: Store.append(
                    session, "rule_retired", package, record, policy_revision=new.revision,
                    law_version="+".join(r.law_version() for r in REGULATIONS.values()),
                    data_revision=self.service.engine.data_revision))
            except Exception:  # the swap stands; the log line above keeps the trace
                log.exception("could not write the retirement of %s to the ledger", package)

    def status(self) -> dict[str, Any]:
        engine = self.service.engine
        with self._lock:
            refused = self.last_refused
            pending = self._pending
            retirements = list(self.retirements)
        return {
            "policy_revision": engine.policies.revision,
            "loaded_at": self.loaded_at.isoformat(),
            "data_revision": engine.data_revision,
            "rules": len(engine.policies.rules),
            "reload": {
                "source": self.bundle.describe() if self.bundle is not None else {"kind": "directory", "location": str(self.root)},
                "enabled": self.running,
                "interval_seconds": self.interval,
                "last_checked": self.last_checked.isoformat() if self.last_checked else None,
                "pending_revision": pending.revision if pending else None,
                "swaps": self.swaps,
            },
            "last_refused": refused.as_json() if refused else None,
            "retired": retirements,
        }


class PolicySwap:
    """ASGI middleware: before each request, swap in a pending policy set on
    the serving (event-loop) thread."""

    def __init__(self, app: Any, reloader: PolicyReloader):
        self.app, self.reloader = app, reloader

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.reloader._pending is not None:
            thread = self.reloader.service.engine_thread
            if thread is not None:
                await thread.run(self.reloader.apply)  # between two of its jobs; the loop goes on
            else:
                self.reloader.apply()
        await self.app(scope, receive, send)
