"""The console's own endpoints: whoami, the regulation map, a rule's source, the
decision log read back from the ledger, and the static console itself."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.http.console_routes import CONSOLE_DIR, LOG_KINDS
from adapters.service import build_service
from engine.models import BEIJING
from tests.conftest import ADMIN, make_settings

USE = {
    "action": "use", "at": "2026-03-02T10:00:00+08:00",
    "requester": {"department": "示范区民政局", "level": "county", "region": "419001"},
    "dataset": "ds-population-basic", "fields": ["name", "id_number"], "purpose": "社会救助资格审核",
    "scenario": "最低生活保障申请审核", "method": "api", "grant": "g-2026-0001", "recipient": {"kind": "self"},
    "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"],
}
TRANSFER = {**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Its own service: the log tests count what is in the ledger."""
    service = build_service(make_settings(tmp_path_factory.mktemp("console-api")))
    client = TestClient(create_app(service))
    headers = {"admin": ADMIN}
    for role in ("platform", "compliance", "auditor"):
        issued = client.post("/v1/tokens", json={"name": f"console {role}", "role": role}, headers=ADMIN)
        assert issued.status_code == 201, issued.text
        headers[role] = {"Authorization": f"Bearer {issued.json()['token']}"}
    allowed = client.post("/v1/decisions", json=USE, headers=ADMIN).json()
    denied = client.post("/v1/decisions", json=TRANSFER, headers=ADMIN).json()
    other = client.post("/v1/decisions", json={"action": "apply", "at": "2026-03-03T10:00:00+08:00", "requester": {"department": "示范区教育局"},
                                               "dataset": "ds-student-enrolment", "fields": ["name"]}, headers=headers["platform"]).json()
    assert (allowed["outcome"], denied["outcome"], other["outcome"]) == ("allow", "deny", "needs_action")
    return client, headers, {"allowed": allowed, "denied": denied, "other": other}


@pytest.mark.parametrize("role", ["platform", "compliance", "auditor", "admin"])
def test_whoami_names_the_role_and_its_permissions(setup, role):
    client, headers, _ = setup
    body = client.get("/v1/whoami", headers=headers[role]).json()
    assert body["role"] == role
    assert ("decide" in body["permissions"]) == (role != "auditor")
    assert ("read_ledger" in body["permissions"]) == (role in ("compliance", "auditor", "admin"))


def test_the_console_endpoints_need_a_token(setup):
    client, _, _ = setup
    for path in ("/v1/whoami", "/v1/regulation-map", "/v1/rules/gdsr.sharing.third_party/source", "/v1/decisions/log"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401, path


def test_regulation_map_goes_from_chapters_to_articles_rules_and_scenarios(setup):
    client, headers, _ = setup
    body = client.get("/v1/regulation-map", headers=headers["auditor"]).json()
    gdsr = next(r for r in body["regulations"] if r["key"] == "gdsr")
    assert gdsr["name"]["zh"] == "政务数据共享条例" and gdsr["law_version"] == "gdsr@2025-08-01"
    assert [c["number"] for c in gdsr["chapters"]] == list(range(1, 9))
    chapter4 = gdsr["chapters"][3]
    assert chapter4["title"]["zh"] == "共享使用"
    article = next(a for a in chapter4["articles"] if a["number"] == 25)
    assert article["title"]["zh"] == "使用限制" and article["enforceable"] is True
    codes = {r["code"] for r in article["rules"]}
    assert {"GDSR-25-THIRD-PARTY", "GDSR-25-PURPOSE", "GDSR-25-SCOPE"} <= codes
    third_party = next(r for r in article["rules"] if r["code"] == "GDSR-25-THIRD-PARTY")
    assert third_party["package"] == "gdsr.sharing.third_party" and third_party["file"].endswith("third_party.rego")
    assert third_party["liability"] == "40(3)"
    assert article["scenarios"] and all(s["feature"].endswith(".feature") and s["name"] for s in article["scenarios"])
    assert article["counts"] == {"rules": len(article["rules"]), "tests": article["tests"], "scenarios": len(article["scenarios"])}
    assert article["tests"] > 0
    # Counts add up chapter by chapter and for the whole regulation.
    for chapter in gdsr["chapters"]:
        assert chapter["counts"]["rules"] == sum(len(a["rules"]) for a in chapter["articles"])
    assert gdsr["counts"]["rules"] == sum(c["counts"]["rules"] for c in gdsr["chapters"])
    assert gdsr["counts"]["articles"] == 44
    jiyuan = next(r for r in body["regulations"] if r["key"] == "jiyuan")
    assert jiyuan["jurisdiction"] == "jiyuan" and jiyuan["counts"]["rules"] > 0


def test_rule_source_returns_the_rego_and_its_tests(setup):
    client, headers, _ = setup
    body = client.get("/v1/rules/gdsr.sharing.third_party/source", headers=headers["platform"]).json()
    assert body["code"] == "GDSR-25-THIRD-PARTY" and (body["article"], body["paragraph"]) == (25, 1)
    assert "package gdsr.sharing.third_party" in body["source"]
    assert body["test_file"].endswith("third_party_test.rego") and "test_" in body["test_source"]
    missing = client.get("/v1/rules/gdsr.no.such/source", headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_decision_log_reads_decisions_back_from_the_ledger_newest_first(setup):
    client, headers, made = setup
    body = client.get("/v1/decisions/log", headers=headers["auditor"]).json()
    ids = [e["decision_id"] for e in body["entries"]]
    assert ids[:3] == [made["other"]["decision_id"], made["denied"]["decision_id"], made["allowed"]["decision_id"]]
    assert body["total"] == len(body["entries"]) == 3
    denied = body["entries"][1]
    assert (denied["action"], denied["department"], denied["dataset"], denied["outcome"]) == ("transfer", "示范区民政局", "ds-population-basic", "deny")
    assert any(v["code"] == "GDSR-25-THIRD-PARTY" and v["article"] == 25 for v in denied["violations"])
    assert denied["hash"] and denied["seq"] > 0


@pytest.mark.parametrize("query, expected", [
    ({"outcome": "deny"}, {"denied"}),
    ({"outcome": "allow"}, {"allowed"}),
    ({"outcome": "needs_action"}, {"other"}),
    ({"article": "25"}, {"denied"}),
    ({"article": "第25条"}, {"denied"}),
    ({"article": "gdsr:25"}, {"denied"}),
    ({"article": "20"}, {"other"}),
    ({"article": "jiyuan:25"}, set()),
    ({"article": "29"}, {"allowed"}),  # the usage-record obligation cites art 29
    ({"department": "民政"}, {"allowed", "denied"}),
    ({"dataset": "ds-student-enrolment"}, {"other"}),
    ({"department": "示范区教育局"}, {"other"}),
    ({"department": "民政局", "outcome": "deny", "article": "25"}, {"denied"}),
])
def test_decision_log_filters(setup, query, expected):
    client, headers, made = setup
    body = client.get("/v1/decisions/log", params=query, headers=headers["compliance"]).json()
    wanted = {made[name]["decision_id"] for name in expected}
    assert {e["decision_id"] for e in body["entries"]} == wanted
    assert body["total"] == len(wanted)


def test_decision_log_date_range_in_beijing_days(setup):
    client, headers, made = setup
    today = datetime.now(BEIJING).date()
    within = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    assert client.get("/v1/decisions/log", params=within, headers=ADMIN).json()["total"] == 3
    before = {"to": (today - timedelta(days=2)).isoformat()}
    assert client.get("/v1/decisions/log", params=before, headers=ADMIN).json()["total"] == 0
    after = {"from": (datetime.now(BEIJING) + timedelta(hours=1)).isoformat()}
    assert client.get("/v1/decisions/log", params=after, headers=ADMIN).json()["total"] == 0
    bad = client.get("/v1/decisions/log", params={"from": "yesterday"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"].endswith("from")


def test_decision_log_limit_keeps_the_newest(setup):
    client, _, made = setup
    body = client.get("/v1/decisions/log", params={"limit": 1}, headers=ADMIN).json()
    assert body["total"] == 3 and [e["decision_id"] for e in body["entries"]] == [made["other"]["decision_id"]]


def test_decision_log_needs_read_ledger(setup):
    client, headers, _ = setup
    response = client.get("/v1/decisions/log", headers=headers["platform"])
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_console_is_served_locally_with_a_strict_content_security_policy(setup):
    client, _, _ = setup
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "政务数据共享许可控制台" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/console/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/console/console.css").headers["content-type"].startswith("text/css")
    for path in ("/console/../console_routes.py", "/console/%2e%2e/console_routes.py", "/console/nope.js"):
        assert client.get(path).status_code == 404, path
    # No build step, no CDN: nothing the console loads comes from another origin.
    for file in CONSOLE_DIR.iterdir():
        text = file.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), file.name
        assert "fetch(\"http" not in text and "fetch('http" not in text, file.name


def test_every_console_text_exists_in_both_languages():
    text = (CONSOLE_DIR / "i18n.js").read_text(encoding="utf-8")
    zh_block, en_block = text.split("\n  en: {")
    key = re.compile(r'^\s+"([\w.]+)":', re.M)
    zh, en = set(key.findall(zh_block)), set(key.findall(en_block))
    assert zh == en
    used = set(re.findall(r'data-i18n="([\w.]+)"', (CONSOLE_DIR / "index.html").read_text(encoding="utf-8")))
    used |= set(re.findall(r'\bt\("([\w.]+)"', (CONSOLE_DIR / "app.js").read_text(encoding="utf-8")))
    prefixes = {k for k in used if k.endswith(".")}  # t("outcome." + d.outcome) and the like
    assert prefixes == {"ex.", "grant.", "kind.", "log.col.", "outcome.", "role.", "severity."}
    families = {"outcome.": ("allow", "deny", "needs_action", "indeterminate"),
                "severity.": ("prohibited", "needs_action", "breach", "error"),
                "role.": ("platform", "compliance", "auditor", "admin"),
                "grant.": ("active", "suspended", "terminated", "expired"),
                "kind.": LOG_KINDS[1:]}  # every ledger entry kind the log shows besides decisions
    used = (used - prefixes) | {prefix + name for prefix, names in families.items() for name in names}
    assert used <= zh, used - zh


def test_decision_log_names_the_dataset_and_gives_the_event_time(setup):
    client, headers, made = setup
    body = client.get("/v1/decisions/log", headers=headers["auditor"]).json()
    denied = next(e for e in body["entries"] if e["decision_id"] == made["denied"]["decision_id"])
    assert denied["kind"] == "decision"
    assert denied["dataset"] == "ds-population-basic" and denied["dataset_name"] == "人口基础信息"
    assert denied["event_at"].startswith("2026-03-02T10:00:00")
    # seq counts every ledger entry, so the log's numbers skip: the newest shown is at most the last.
    assert body["last_seq"] >= max(e["seq"] for e in body["entries"])


def test_decision_log_shows_what_happened_to_a_grant_with_its_kind(tmp_path):
    service = build_service(make_settings(tmp_path))
    client = TestClient(create_app(service))
    # The third-party transfer suspends g-2026-0001 (art 27(2)); compliance restores it, then terminates it.
    assert client.post("/v1/decisions", json=TRANSFER, headers=ADMIN).json()["outcome"] == "deny"
    assert client.post("/v1/grants/g-2026-0001/rectify", json={"note": "整改完成"}, headers=ADMIN).status_code == 200
    assert client.post("/v1/grants/g-2026-0001/terminate", json={"note": "终止"}, headers=ADMIN).status_code == 200
    only_decisions = client.get("/v1/decisions/log", headers=ADMIN).json()
    assert {e["kind"] for e in only_decisions["entries"]} == {"decision"}
    body = client.get("/v1/decisions/log", params={"kinds": "decision,grant_suspended,grant_active,grant_terminated"}, headers=ADMIN).json()
    assert [e["kind"] for e in body["entries"]] == ["grant_terminated", "grant_active", "grant_suspended", "decision"]
    suspended = body["entries"][2]
    assert suspended["grant"] == "g-2026-0001" and suspended["dataset_name"] == "人口基础信息"
    assert suspended["department"] == "示范区民政局" and "GDSR-25-THIRD-PARTY" in suspended["codes"]
    assert suspended["decision_id"] == body["entries"][3]["decision_id"]
    assert (body["entries"][1]["from"], body["entries"][1]["to"], body["entries"][1]["note"]) == ("suspended", "active", "整改完成")
    assert [e["seq"] for e in body["entries"]] == sorted((e["seq"] for e in body["entries"]), reverse=True)
    everything = client.get("/v1/decisions/log", params={"kinds": "all", "department": "民政局"}, headers=ADMIN).json()
    assert {"decision", "grant_suspended", "grant_active", "grant_terminated"} <= {e["kind"] for e in everything["entries"]}
    # an outcome filter keeps decisions only; an unknown kind is refused naming kinds
    denied = client.get("/v1/decisions/log", params={"kinds": "all", "outcome": "deny"}, headers=ADMIN).json()
    assert {e["kind"] for e in denied["entries"]} == {"decision"}
    bad = client.get("/v1/decisions/log", params={"kinds": "decision,usage_secret"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"].endswith("kinds")
    problem = bad.json()["error"]["fields"][0]["problem"]
    assert "grant_suspended" in problem["zh"] and "grant_suspended" in problem["en"]  # the kinds it takes, named
