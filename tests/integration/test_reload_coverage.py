"""Hot reload refuses to lose coverage (issue 13): a change is refused, the last
good revision keeps serving and `/v1/status` says why, when it leaves an
enforceable article without a rule, removes a rule that has decisions in the
ledger, or removes a calendar year that dated events use. Retiring a rule
(`effective_to` in its METADATA) is the way: accepted, logged, shown in status.

The watcher is off here; each test drives `poll()` itself, and the next request
swaps an accepted set in (as the serving thread does)."""

from __future__ import annotations

import gc
import json
import logging
import shutil
from contextlib import ExitStack
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from adapters.storage.store import Store, demo_catalog
from engine.models import BEIJING, Grant
from tests.conftest import ADMIN, POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings, pg_schema

THIRD_PARTY = "gdsr/sharing/third_party"
USE_WITHOUT_PURPOSE = {k: v for k, v in {**THIRD_PARTY_TRANSFER, "action": "use", "recipient": {"kind": "self"}}.items()
                       if k != "purpose"}




@pytest.fixture
def served(tmp_path, monkeypatch, request):
    """A service on its own copy of the policies; the watcher is off (tests poll).
    Parametrise it indirectly with "postgresql" to run on the PostgreSQL test server."""
    gc.collect()  # drop earlier tests' engines here, on the thread that built them
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    with ExitStack() as stack:
        overrides = {"policy_dir": policies}
        if getattr(request, "param", None) == "postgresql":
            overrides["database_url"] = stack.enter_context(pg_schema(request.getfixturevalue("pg_url")))
        service = build_service(make_settings(tmp_path / "data", **overrides))
        app = create_app(service)
        with TestClient(app, headers=ADMIN) as client:
            yield policies, client, app.state.reloader
        service.store.engine.dispose()


def status(client: TestClient) -> dict:
    return client.get("/v1/status").json()


def decide(client: TestClient, event: dict) -> dict:
    response = client.post("/v1/decisions", json=event)
    assert response.status_code == 200, response.text
    return response.json()


def codes(client: TestClient, event: dict = THIRD_PARTY_TRANSFER) -> set[str]:
    decision = decide(client, event)
    return {v["code"] for v in decision["violations"] + decision["breaches"]}


def refusal_text(state: dict) -> str:
    return "\n".join(e["text"] for e in state["last_refused"]["errors"])


def assert_refused(reloader, client: TestClient, before: dict) -> dict:
    assert reloader.poll() is False
    after = status(client)
    assert after["policy_revision"] == before["policy_revision"], "the last good revision keeps serving"
    assert after["last_refused"] is not None and after["last_refused"]["revision"] != before["policy_revision"]
    return after


def assert_accepted(reloader, client: TestClient) -> dict:
    before = status(client)["policy_revision"]
    accepted = reloader.poll()
    after = status(client)  # the request swaps the accepted set in
    assert accepted, after["last_refused"]
    assert after["policy_revision"] != before
    return after


def zh_before_en(text: str, zh: str, en: str) -> bool:
    return zh in text and en in text and text.index(zh) < text.index(en)


# --- (a) the README's transfer example keeps its rule -----------------------

@pytest.mark.parametrize("served", ["sqlite", "postgresql"], indirect=True)
def test_removing_the_third_party_rule_that_decided_is_refused(served):
    policies, client, reloader = served
    assert "GDSR-25-THIRD-PARTY" in codes(client)  # logged: the ledger now cites the rule
    before = status(client)

    shutil.rmtree(policies / THIRD_PARTY)
    after = assert_refused(reloader, client, before)
    text = refusal_text(after)
    assert "gdsr.sharing.third_party" in text and "GDSR-25-THIRD-PARTY" in text
    assert zh_before_en(text, "《政务数据共享条例》第25条", "gdsr art 25")
    assert "effective_to" in text  # says how to retire a rule instead
    assert [r["rule"] for r in after["last_refused"]["coverage"]["rules"]] == ["gdsr.sharing.third_party"]
    assert after["last_refused"]["coverage"]["rules"][0]["article"] == 25
    assert "GDSR-25-THIRD-PARTY" in codes(client), "the transfer example still denies"
    assert decide(client, THIRD_PARTY_TRANSFER)["outcome"] == "deny"


def test_removing_a_rule_in_force_is_refused_on_a_fresh_service(served):
    """Issue 13's reproduction: with nothing in the ledger yet, deleting the
    third-party rule (rule and test together) flipped the README's transfer
    example from deny to allow."""
    policies, client, reloader = served
    before = status(client)
    shutil.rmtree(policies / THIRD_PARTY)
    text = refusal_text(assert_refused(reloader, client, before))
    assert "gdsr.sharing.third_party" in text and "effective_to" in text
    assert decide(client, THIRD_PARTY_TRANSFER)["outcome"] == "deny"
    assert "GDSR-25-THIRD-PARTY" in codes(client)


def test_removing_the_tests_of_a_rule_in_force_is_refused(served):
    """Delete a rule's tests and neuter the rule: without its tests the
    "no passing test may fail" check has nothing to hold the rule to."""
    policies, client, reloader = served
    before = status(client)
    (policies / THIRD_PARTY / "third_party_test.rego").unlink()
    rule = policies / THIRD_PARTY / "third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace('input.action in state.use_actions', 'input.action in state.use_actions\n\tfalse', 1), encoding="utf-8")
    text = refusal_text(assert_refused(reloader, client, before))
    assert "third_party_test.rego" in text and "gdsr.sharing.third_party" in text
    assert "GDSR-25-THIRD-PARTY" in codes(client)


def test_leaving_an_enforceable_article_without_a_rule_is_refused(served):
    policies, client, reloader = served
    before = status(client)
    shutil.rmtree(policies / "gdsr/general/secrets")  # art 3's only rule; it never decided anything
    after = assert_refused(reloader, client, before)
    text = refusal_text(after)
    assert zh_before_en(text, "《政务数据共享条例》第3条", "gdsr art 3")
    assert "effective_to" in text
    assert after["last_refused"]["coverage"]["articles"] == [{"regulation": "gdsr", "articles": "3"}]
    assert [r["rule"] for r in after["last_refused"]["coverage"]["rules"]] == ["gdsr.general.secrets"]  # and it is in force


def test_leaving_a_local_article_without_a_rule_is_refused(served):
    policies, client, reloader = served
    before = status(client)
    shutil.rmtree(policies / "local/jiyuan/verify/check_deadline")  # Jiyuan art 24's only rule
    text = refusal_text(assert_refused(reloader, client, before))
    assert zh_before_en(text, "第24条", "jiyuan art 24")


# --- (b) calendar years -------------------------------------------------------

def calendar_year(policies, year: int) -> None:
    (policies / "data/calendar" / f"{year}.json").write_text(
        json.dumps({"year": year, "holidays": {}, "workdays": {}}), encoding="utf-8")


@pytest.mark.parametrize("served", ["sqlite", "postgresql"], indirect=True)
def test_removing_a_calendar_year_in_use_is_refused(served):
    policies, client, reloader = served
    this_year = datetime.now(BEIJING).year
    before = status(client)

    # a past year (the first: the loader wants the years consecutive): deadlines
    # of anything up to today may count its days
    first = min(int(p.stem) for p in (policies / "data/calendar").glob("*.json"))
    (policies / "data/calendar" / f"{first}.json").unlink()
    after = assert_refused(reloader, client, before)
    text = refusal_text(after)
    assert zh_before_en(text, f"工作日历 {first} 年", f"calendar year {first}") and f"data/calendar/{first}.json" in text
    assert after["last_refused"]["coverage"]["years"] == [first]
    shutil.copy(POLICY_DIR / "data/calendar" / f"{first}.json", policies / "data/calendar" / f"{first}.json")

    # future years may be added; one that a logged decision is dated in stays
    last = max(int(p.stem) for p in (policies / "data/calendar").glob("*.json"))
    # beyond this year and every date of the demo grants, which are stored too
    stored = max(d.year for g in demo_catalog()[1] for d in (g.valid_from, g.valid_until) if d)
    for year in range(last + 1, max(this_year, stored) + 1):
        calendar_year(policies, year)
    used, unused = max(last, this_year, stored) + 1, max(last, this_year, stored) + 2
    calendar_year(policies, used)
    calendar_year(policies, unused)
    assert_accepted(reloader, client)
    decide(client, {**THIRD_PARTY_TRANSFER, "at": f"{used}-03-02T10:00:00+08:00"})

    (policies / "data/calendar" / f"{unused}.json").unlink()  # nothing is dated in it
    before = assert_accepted(reloader, client)

    (policies / "data/calendar" / f"{used}.json").unlink()
    after = assert_refused(reloader, client, before)
    text = refusal_text(after)
    assert zh_before_en(text, f"工作日历 {used} 年", f"calendar year {used}") and after["last_refused"]["coverage"]["years"] == [used]
    assert str(unused) not in text


# --- (c) a rule with decisions, though its article keeps others --------------

def test_removing_a_rule_with_decisions_is_refused_even_when_its_article_keeps_others(served):
    policies, client, reloader = served
    # A rule in force goes only by retiring it first, though its article (21)
    # keeps six others and it never decided anything.
    rules = status(client)["rules"]
    before = status(client)
    shutil.copytree(policies / "gdsr/reply/one_notice", policies.parent / "one_notice")
    shutil.rmtree(policies / "gdsr/reply/one_notice")
    text = refusal_text(assert_refused(reloader, client, before))
    assert "gdsr.reply.one_notice" in text and "effective_to" in text
    # Retired (effective_to today or earlier) and never cited: it may go.
    shutil.copytree(policies.parent / "one_notice", policies / "gdsr/reply/one_notice")
    rule = policies / "gdsr/reply/one_notice/one_notice.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace("#   effective_from: 2025-08-01\n",
                    "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
    assert_accepted(reloader, client)
    shutil.rmtree(policies / "gdsr/reply/one_notice")
    assert assert_accepted(reloader, client)["rules"] == rules - 1

    assert "GDSR-25-PURPOSE-STATED" in codes(client, USE_WITHOUT_PURPOSE)  # now in the ledger
    before = status(client)
    shutil.rmtree(policies / "gdsr/use/purpose_stated")  # art 25 keeps six other rules
    after = assert_refused(reloader, client, before)
    text = refusal_text(after)
    assert "gdsr.use.purpose_stated" in text and "GDSR-25-PURPOSE-STATED" in text
    assert after["last_refused"]["coverage"]["articles"] == []
    assert [r["rule"] for r in after["last_refused"]["coverage"]["rules"]] == ["gdsr.use.purpose_stated"]
    assert "GDSR-25-PURPOSE-STATED" in codes(client, USE_WITHOUT_PURPOSE)


def test_moving_a_rule_that_keeps_its_code_is_not_a_removal(served):
    policies, client, reloader = served
    assert "GDSR-25-PURPOSE-STATED" in codes(client, USE_WITHOUT_PURPOSE)
    old, new = policies / "gdsr/use/purpose_stated", policies / "gdsr/use/purpose_given"
    shutil.move(old, new)
    for path in list(new.glob("*.rego")):
        path.write_text(path.read_text(encoding="utf-8").replace("gdsr.use.purpose_stated", "gdsr.use.purpose_given"), encoding="utf-8")
        path.rename(new / path.name.replace("purpose_stated", "purpose_given"))
    assert_accepted(reloader, client)
    assert "GDSR-25-PURPOSE-STATED" in codes(client, USE_WITHOUT_PURPOSE)


# --- (d) retiring a rule with effective_to ----------------------------------

def test_retiring_a_rule_with_effective_to_is_accepted_logged_and_shown(served, caplog):
    policies, client, reloader = served
    assert "GDSR-25-THIRD-PARTY" in codes(client)  # 2026-03-02, logged
    rule = policies / THIRD_PARTY / "third_party.rego"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("#   effective_from: 2025-08-01\n",
                                 "#   effective_from: 2025-08-01\n#   effective_to: 2026-06-01\n"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="govshare.reload"):
        after = assert_accepted(reloader, client)
    retired = [r for r in after["retired"] if r["rule"] == "gdsr.sharing.third_party"]
    assert retired and retired[-1]["effective_to"] == "2026-06-01" and retired[-1]["was"] is None
    assert retired[-1]["code"] == "GDSR-25-THIRD-PARTY" and retired[-1]["revision"] == after["policy_revision"]
    assert any("gdsr.sharing.third_party" in r.getMessage() and "2026-06-01" in r.getMessage() for r in caplog.records)
    on_record = [e.body for e in reloader.service.store.ledger() if e.kind == "rule_retired"]
    assert {k: on_record[-1][k] for k in ("rule", "code", "effective_to", "was")} == {
        "rule": "gdsr.sharing.third_party", "code": "GDSR-25-THIRD-PARTY", "effective_to": "2026-06-01", "was": None}

    # the law as it stood: events before the day still break the rule, later ones do not
    assert "GDSR-25-THIRD-PARTY" in codes(client)
    assert "GDSR-25-THIRD-PARTY" not in codes(client, {**THIRD_PARTY_TRANSFER, "at": "2026-07-01T10:00:00+08:00"})

    # moving the day is logged too
    rule.write_text(text.replace("#   effective_from: 2025-08-01\n",
                                 "#   effective_from: 2025-08-01\n#   effective_to: 2026-05-01\n"), encoding="utf-8")
    after = assert_accepted(reloader, client)
    assert after["retired"][-1] == {**after["retired"][-1], "rule": "gdsr.sharing.third_party",
                                    "effective_to": "2026-05-01", "was": "2026-06-01"}

    # a retired rule that has decided stays: removing it is still refused
    before = status(client)
    shutil.rmtree(policies / THIRD_PARTY)
    text = refusal_text(assert_refused(reloader, client, before))
    assert "gdsr.sharing.third_party" in text and "2026-05-01" in text
    assert "GDSR-25-THIRD-PARTY" in codes(client)


# --- (e) harmless changes ----------------------------------------------------

def test_an_unrelated_harmless_change_is_accepted(served):
    policies, client, reloader = served
    assert "GDSR-25-THIRD-PARTY" in codes(client)
    rule = policies / THIRD_PARTY / "third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# 一条注释 / a comment\n", encoding="utf-8")
    after = assert_accepted(reloader, client)
    assert after["last_refused"] is None and after["retired"] == []
    assert "GDSR-25-THIRD-PARTY" in codes(client)


# --- the store queries, on SQLite and PostgreSQL --------------------------------

def _decision(event_at: str, violations=(), breaches=(), obligations=()) -> dict:
    def items(found):
        return [{"code": code, "rule": rule, "facts": {"rule": "gdsr.facts.only"}} for rule, code in found]

    return {"input": {"purpose": '"rule":"gdsr.in.the.input"'},
            "decision": {"event_at": event_at, "violations": items(violations), "breaches": items(breaches),
                         "obligations": items(obligations)}}


def test_store_answers_which_rules_and_years_the_ledger_and_state_use(db_url):
    store = Store(db_url)

    def work(session):
        keys = dict(policy_revision="sha256:x", law_version="gdsr@2025-08-01", data_revision="sha256:y")
        Store.append(session, "decision", "d1", _decision("2031-03-02T10:00:00+08:00", violations=[("gdsr.sharing.third_party", "GDSR-25-THIRD-PARTY")]), **keys)
        Store.append(session, "decision", "d2", _decision("2026-03-02T10:00:00+08:00", breaches=[("gdsr.reply.reply_deadline", "GDSR-21-REPLY-DEADLINE")]), **keys)
        Store.append(session, "decision", "d3", _decision("2026-03-03T10:00:00+08:00", obligations=[("gdsr.records.usage_record", "GDSR-29-RECORD-USE")]), **keys)
        Store.append(session, "decision", "d4", {"input": {}, "decision": {"event_at": "2026-03-03T10:00:00+08:00"}}, **keys)
        Store.append(session, "reply", "a1", {"violations": [{"rule": "gdsr.not.a.decision", "code": "X-1"}], "on": "2035-01-01"}, **keys)
        Store.put_grant_in(session, Grant(id="g-1", dataset="ds", requester="r", valid_from="2026-01-01", valid_until="2034-12-31"))
        Store.put_record_in(session, {"id": "u-1", "dataset": "ds", "requester": "r", "created_on": "2030-02-03"}, new=True)
        Store.put_application_in(session, {"id": "a-1", "dataset": "ds", "requester": "r", "status": "pending",
                                           "received_on": "2032-05-06", "replies": [{"on": "2033-01-04"}]})
        session.flush()

    store.transaction(work)
    names = ["gdsr.sharing.third_party", "GDSR-21-REPLY-DEADLINE", "gdsr.records.usage_record", "gdsr.sharing.third",
             "gdsr.sharing.thirdXparty", "gdsr.not.a.decision", "X-1", "gdsr.facts.only", "gdsr.in.the.input", "GDSR-3-SECRET"]
    assert store.logged_rules(names) == {"gdsr.sharing.third_party", "GDSR-21-REPLY-DEADLINE", "gdsr.records.usage_record"}
    assert store.logged_rules([]) == set()
    # the demo grants are not seeded here: only what was stored above
    assert store.years_in_use(range(2026, 2037)) == {2026, 2030, 2031, 2032, 2033, 2034}
    assert store.years_in_use([2035]) == set()  # a non-decision entry's date does not count
