"""The web console in a real headless browser (Debian's chromium, driven by Playwright).

The app is served by uvicorn on 127.0.0.1 (a free port, in a background thread)
over its own throw-away database with the demo catalogue. Without a browser the
tests skip with the reason; with CI=true a missing browser fails instead."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN_TOKEN, POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = Path("/tmp/govshare-console-playground.png")


def _chromium() -> str | None:
    for candidate in (os.environ.get("GOVSHARE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason} (run `make test` as root to install Debian's chromium)")


@pytest.fixture(scope="module")
def browser_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -e '.[dev]')")
    path = _chromium()
    if path is None:
        _unavailable("no chromium executable (/usr/bin/chromium or GOVSHARE_CHROMIUM)")
    return path


class _Server:
    """uvicorn on 127.0.0.1 in a background thread; stopped at the end."""

    def __init__(self, app):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, name="console-uvicorn", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="module")
def served(browser_path, tmp_path_factory):
    service = build_service(make_settings(tmp_path_factory.mktemp("console-data")))
    app = create_app(service)
    from adapters.tokens import Tokens

    auditor_token, _ = Tokens(service.store).create("console auditor", "auditor")
    compliance_token, _ = Tokens(service.store).create("console compliance", "compliance")
    # A draft for the impact report run on the server: the shipped policies without the third-party rule.
    draft = service.settings.drafts_root / "no-third-party"
    shutil.copytree(POLICY_DIR, draft)
    shutil.rmtree(draft / "gdsr/sharing/third_party")
    with _Server(app) as base:
        yield {"base": base, "auditor": auditor_token, "compliance": compliance_token}


@pytest.fixture(scope="module")
def browser_context(browser_path, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=browser_path, headless=True, args=CHROMIUM_FLAGS,
            locale="zh-CN", viewport={"width": 1400, "height": 1000}, timeout=60_000,
        )
        context.set_default_timeout(20_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert not errors, f"JavaScript errors in the console: {errors}"


def sign_in(page, base: str, token: str) -> None:
    page.goto(f"{base}/console/")
    page.fill("#token", token)
    page.click("#signin-submit")
    page.wait_for_selector("#tabs:not([hidden])")


def submit_transfer(page) -> None:
    page.click('.tab[data-tab="playground"]')
    page.select_option("#example", "transfer")
    page.click('[data-testid="submit-decision"]')
    page.wait_for_selector('[data-testid="decision-result"] .outcome')


def test_admin_sees_the_article_25_violation_in_chinese(page, served):
    sign_in(page, served["base"], ADMIN_TOKEN)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    submit_transfer(page)
    result = page.locator('[data-testid="decision-result"]')
    assert result.locator(".outcome").inner_text() == "禁止"
    card = result.locator('.violation[data-code="GDSR-25-THIRD-PARTY"]')
    card.wait_for()
    assert card.locator(".cite").inner_text() == "《政务数据共享条例》第25条第1款"
    assert "未经提供部门同意" in card.locator(".v-message").inner_text()
    assert "某科技有限公司" in card.locator(".v-message").inner_text()
    assert card.locator(".v-remedy").inner_text()
    assert card.locator(".v-liability").inner_text() == "《政务数据共享条例》第40条第3项"
    # The grant's permitted fields are shown beside the decision.
    assert "公民身份号码" in result.locator('[data-testid="grant-scope"]').inner_text() or \
        "id_number" in result.locator('[data-testid="grant-scope"]').inner_text()
    # The token lives in sessionStorage only.
    assert page.evaluate("sessionStorage.getItem('govshare.token')") == ADMIN_TOKEN
    assert page.evaluate("localStorage.length") == 0
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_switching_to_english_shows_the_english_text(page, served):
    sign_in(page, served["base"], ADMIN_TOKEN)
    submit_transfer(page)
    page.click('[data-testid="lang-switch"]')
    assert page.locator("html").get_attribute("lang") == "en"
    result = page.locator('[data-testid="decision-result"]')
    assert result.locator(".outcome").inner_text() == "Denied"
    card = result.locator('.violation[data-code="GDSR-25-THIRD-PARTY"]')
    assert card.locator(".cite").inner_text() == "GDSR art 25(1)"
    assert "lacks the providing department's consent" in card.locator(".v-message").inner_text()
    assert page.locator('.tab[data-tab="playground"]').inner_text() == "Playground"
    assert page.locator('[data-testid="submit-decision"]').inner_text() == "Submit for decision"
    page.click('[data-testid="lang-switch"]')  # back to Chinese for the other tests
    assert result.locator(".outcome").inner_text() == "禁止"


def test_auditor_cannot_submit_but_reads_the_decision_log(page, served):
    # The playground's trials are not logged; a platform's decision is.
    import httpx

    from tests.conftest import THIRD_PARTY_TRANSFER

    logged = httpx.post(served["base"] + "/v1/decisions", json=THIRD_PARTY_TRANSFER, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert logged.status_code == 200 and logged.json()["outcome"] == "deny", logged.text
    sign_in(page, served["base"], served["auditor"])
    assert page.locator("#who").get_attribute("data-role") == "auditor"
    page.click('.tab[data-tab="playground"]')
    assert page.locator('[data-testid="submit-decision"]').is_hidden()
    assert page.locator("#no-decide").is_visible()
    page.click('.tab[data-tab="log"]')
    page.wait_for_selector('[data-testid="ledger-status"][data-intact="true"]')
    assert "台账哈希链完整" in page.locator('[data-testid="ledger-status"]').inner_text()
    log = page.locator('[data-testid="decision-log"]')
    log.locator("table.log").wait_for()
    assert "第25条" in log.inner_text()  # the admin's transfer, cited
    # Filters: only allowed decisions → none were made here.
    page.select_option('#log-form select[name="outcome"]', "allow")
    page.click('#log-form button[type="submit"]')
    from playwright.sync_api import expect

    expect(log).to_contain_text("没有符合条件的决策")


def map_article(page, served, number: str, lang: str | None = None):
    """Signed in as admin (in `lang`, when given), the regulation map's article `number`, still folded."""
    sign_in(page, served["base"], ADMIN_TOKEN)
    if lang is not None:
        use_language(page, lang)
    page.click('.tab[data-tab="map"]')
    article = page.locator(f'[data-testid="regulation-map"] details.article[data-article="{number}"]')
    article.wait_for(state="attached")
    return article


def test_regulation_map_lists_article_25_with_its_rules(page, served):
    article = map_article(page, served, "25")
    summary = article.locator(":scope > summary")
    assert "第25条" in summary.inner_text()
    assert "使用限制" in summary.inner_text()
    summary.click()
    assert "不得擅自扩大使用范围" in article.locator(".law-text").inner_text()
    link = article.locator('.rule-link[data-package="gdsr.sharing.third_party"]')
    assert link.inner_text() == "GDSR-25-THIRD-PARTY"
    assert article.locator(".rule-link").count() >= 3
    link.click()
    source = page.locator('[data-testid="rule-source"]')
    source.wait_for()
    assert "package gdsr.sharing.third_party" in source.inner_text()


IMPACT = {
    "draft_revision": "sha256:draft", "live_revision": "sha256:live", "replayed": 3, "unchanged": 2, "changed": 1,
    "changed_by_draft": 1, "changed_by_data_only": 0, "skipped": [], "masked_inputs": 0,
    "by_article": [{"key": "gdsr:25", "count": 1, "transitions": {"allow → deny": 1}, "by_draft": 1, "examples": []}],
    "by_department": [{"key": "示范区民政局", "count": 1, "transitions": {"allow → deny": 1}, "by_draft": 1, "examples": []}],
    "changes": [{"decision_id": "0123456789abcdef", "recorded_at": "2026-03-02T02:00:00Z", "department": "示范区民政局",
                 "before": "allow", "after": "deny", "added": ["GDSR-25-PURPOSE"], "removed": [], "articles": ["gdsr:25"], "data_only": False}],
    "grants": {"checked": 10, "refused_by_draft": [], "already_refused_live": [], "allowed_by_draft_only": []},
}


def test_impact_report_view_shows_a_pasted_report(page, served):
    import json

    sign_in(page, served["base"], ADMIN_TOKEN)
    page.click('.tab[data-tab="impact"]')
    page.click("#impact-paste > summary")  # the pasted report is the secondary way in
    assert "govshare impact --policies DRAFT" in page.locator("#view-impact").inner_text()
    page.fill("#impact-json", json.dumps(IMPACT, ensure_ascii=False))
    page.click("#impact-show")
    report = page.locator("#impact-report")
    assert page.locator('[data-testid="impact-verdict"]').inner_text() == "草案会改变 1 个决策"
    assert "《政务数据共享条例》第25条" in report.inner_text()
    assert "允许 → 禁止" in report.inner_text() and "GDSR-25-PURPOSE" in report.inner_text()
    page.fill("#impact-json", "{not json")
    page.click("#impact-show")
    assert page.locator("#impact-error").is_visible()


# --- in both languages ----------------------------------------------------------

LANGS = ["zh", "en"]
WORDS = {
    "zh": {"legend": "每条都须有引用它的规则", "enforceable": "须执行", "rules_word": "条规则", "tokens": "管理员用 POST /v1/tokens",
           "serve": "make serve 会在终端打印一次管理员令牌", "bad_token": "令牌无效或已吊销。", "suspended": "授权暂停",
           "restored": "整改完成，恢复授权", "seq": "序号会跳号", "event_time": "2026年3月2日 10:00:00", "verdict": "草案会改变",
           "outside": "草案根目录", "replayed": "已重放", "title": "未经提供部门同意向第三方提供共享数据", "cite": "《政务数据共享条例》第25条第1款"},
    "en": {"legend": "each needs a rule citing it", "enforceable": "enforceable", "rules_word": "rules", "tokens": "An admin issues tokens",
           "serve": "make serve prints an admin token once", "bad_token": "The token is not valid or has been revoked.",
           "suspended": "Grant suspended", "restored": "Rectified, grant restored", "seq": "numbers shown here skip",
           "event_time": "Mar 2, 2026, 10:00:00", "verdict": "Decisions the draft changes", "outside": "drafts root", "replayed": "Replayed",
           "title": "Shared data passed on without the provider's consent", "cite": "GDSR art 25(1)"},
}
OTHER = {"zh": "en", "en": "zh"}


def use_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != ("zh-CN" if lang == "zh" else "en"):
        page.click('[data-testid="lang-switch"]')
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")


def _api(served, method: str, path: str, token: str = ADMIN_TOKEN, **kwargs):
    import httpx

    return httpx.request(method, served["base"] + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in_says_where_a_token_comes_from_and_the_footer_names_the_versions(page, served, lang):
    page.goto(f"{served['base']}/console/")
    use_language(page, lang)
    where = page.locator('[data-testid="token-where"]')
    assert where.is_visible()
    text = where.inner_text()
    assert WORDS[lang]["serve"] in text and WORDS[lang]["tokens"] in text and "GOVSHARE_BOOTSTRAP_TOKEN" in text
    # A refused token is said in the page language, and again in the other one after switching.
    page.fill("#token", "gs_not_a_token")
    page.click("#signin-submit")
    error = page.locator("#signin-error")
    error.wait_for()
    assert error.inner_text() == WORDS[lang]["bad_token"]
    page.click('[data-testid="lang-switch"]')
    assert error.inner_text() == WORDS[OTHER[lang]]["bad_token"]
    page.click('[data-testid="lang-switch"]')
    sign_in(page, served["base"], ADMIN_TOKEN)
    from playwright.sync_api import expect

    footer = page.locator('[data-testid="service-versions"]')
    expect(footer).to_contain_text("gdsr@2025-08-01")
    health = _api(served, "GET", "/health").json()
    revision = health["policies"]["revision"] if "policies" in health else health["policy_revision"]
    assert revision.removeprefix("sha256:")[:12] in footer.inner_text()
    assert "HTTP 200" not in page.locator("footer").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_regulation_map_text_beside_rules_markers_legend_and_counts(page, served, lang):
    import re

    article = map_article(page, served, "25", lang)
    tree = page.locator('[data-testid="regulation-map"]')
    summary = article.locator(":scope > summary")
    marker = "el => getComputedStyle(el, '::before').content"
    assert summary.evaluate(marker) == '"▸"'
    summary.click()
    assert summary.evaluate(marker) == '"▾"'
    assert tree.locator("details.chapter[open] > summary").first.evaluate(marker) == '"▾"'
    # The official text beside (to the left of, level with) the rules that enforce it.
    text_box = article.locator(".law-text").bounding_box()
    rules_box = article.locator(".art-rules").bounding_box()
    assert "不得擅自扩大使用范围" in article.locator(".law-text").inner_text()
    assert text_box["x"] + text_box["width"] <= rules_box["x"] and abs(text_box["y"] - rules_box["y"]) < text_box["height"]
    # 须执行 explained: a visible legend and the badge's tooltip, in the page language.
    legend = page.locator('[data-testid="map-legend"]')
    assert legend.is_visible() and WORDS[lang]["legend"] in legend.inner_text() and WORDS[lang]["enforceable"] in legend.inner_text()
    badge = summary.locator('[data-testid="enforceable"]')
    assert badge.inner_text() == WORDS[lang]["enforceable"] and badge.get_attribute("title")
    # The header's rule count is the rules listed under it; the footer's, the rules of every regulation.
    page.uncheck("#map-only")
    header = page.locator('[data-testid="map-summary"]').inner_text()
    header_rules = int(re.search(r"(\d+) " + WORDS[lang]["rules_word"], header).group(1))
    assert header_rules == tree.locator(".rule-link").count()
    regulation_map = _api(served, "GET", "/v1/regulation-map").json()
    all_rules = sum(r["counts"]["rules"] for r in regulation_map["regulations"])
    footer = page.locator('[data-testid="service-versions"]').inner_text()
    assert int(re.search(r"(\d+) " + WORDS[lang]["rules_word"], footer).group(1)) == all_rules
    page.check("#map-only")


@pytest.mark.parametrize("lang", LANGS)
def test_the_open_rule_source_wraps_long_lines_and_follows_the_language(page, served, lang):
    article = map_article(page, served, "25", lang)
    article.locator(":scope > summary").click()
    article.locator('.rule-link[data-package="gdsr.sharing.third_party"]').click()
    source = page.locator('[data-testid="rule-source"]')
    source.wait_for()
    panel = page.locator("#rule-source")
    assert WORDS[lang]["title"] in panel.inner_text() and panel.locator(".cite").inner_text() == WORDS[lang]["cite"]
    # Long lines wrap inside the panel: nothing runs off its edge.
    assert source.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"
    assert source.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.click('[data-testid="lang-switch"]')
    other = OTHER[lang]
    assert WORDS[other]["title"] in panel.inner_text() and panel.locator(".cite").inner_text() == WORDS[other]["cite"]
    assert "package gdsr.sharing.third_party" in source.inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_decision_log_shows_dataset_names_event_times_and_grant_events(page, served, lang):
    # A misuse suspends the grant (art 27(2)); compliance restores it after rectification.
    assert _api(served, "POST", "/v1/decisions", json=THIRD_PARTY_TRANSFER).json()["outcome"] == "deny"
    assert _api(served, "POST", "/v1/grants/g-2026-0001/rectify", json={"note": "rectified"}).status_code == 200
    sign_in(page, served["base"], served["auditor"])
    use_language(page, lang)
    page.click('.tab[data-tab="log"]')
    log = page.locator('[data-testid="decision-log"]')
    log.locator("table.log").wait_for()
    decision = log.locator('tr[data-kind="decision"][data-outcome="deny"]').first
    dataset = decision.locator("td.dataset")
    assert dataset.inner_text() == "人口基础信息" and dataset.get_attribute("title") == "ds-population-basic"
    assert decision.locator("td.event-time").inner_text() == WORDS[lang]["event_time"]
    assert decision.locator("td.time").inner_text() != decision.locator("td.event-time").inner_text()
    assert WORDS[lang]["suspended"] in log.locator('tr[data-kind="grant_suspended"]').first.inner_text()
    restored = log.locator('tr[data-kind="grant_active"]').first
    assert WORDS[lang]["restored"] in restored.inner_text() and "g-2026-0001" in restored.inner_text()
    assert WORDS[lang]["seq"] in page.locator('[data-testid="seq-note"]').inner_text()
    # switching language words the open log again, dates included
    page.click('[data-testid="lang-switch"]')
    assert decision.locator("td.event-time").inner_text() == WORDS[OTHER[lang]]["event_time"]
    assert WORDS[OTHER[lang]]["seq"] in page.locator('[data-testid="seq-note"]').inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_impact_report_runs_on_the_server_with_progress(page, served, lang):
    from playwright.sync_api import expect

    assert _api(served, "POST", "/v1/decisions", json=THIRD_PARTY_TRANSFER).json()["outcome"] == "deny"
    sign_in(page, served["base"], served["compliance"])
    use_language(page, lang)
    page.click('.tab[data-tab="impact"]')
    error = page.locator("#impact-run-error")
    page.fill("#impact-policies", "../../etc")
    page.click('[data-testid="impact-run"]')
    expect(error).to_be_visible()
    assert "policies" in error.inner_text() and WORDS[lang]["outside"] in error.inner_text()
    page.fill("#impact-policies", "no-third-party")
    page.click('[data-testid="impact-run"]')
    verdict = page.locator('[data-testid="impact-verdict"]')
    verdict.wait_for(timeout=120_000)
    assert error.is_hidden()
    assert WORDS[lang]["verdict"] in verdict.inner_text()
    progress = page.locator('[data-testid="impact-progress"]')
    assert progress.get_attribute("value") == progress.get_attribute("max") and int(progress.get_attribute("max")) > 0
    assert WORDS[lang]["replayed"] in page.locator("#impact-job").inner_text()
    report = page.locator("#impact-report")
    assert "GDSR-25-THIRD-PARTY" in report.inner_text()  # the flipped decisions, with the codes they lose


def test_the_impact_run_is_offered_to_compliance_only(page, served):
    sign_in(page, served["base"], served["auditor"])
    page.click('.tab[data-tab="impact"]')
    assert page.locator("#impact-run-form").is_hidden()
    assert page.locator("#impact-no-govern").is_visible()
