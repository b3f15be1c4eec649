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
from tests.conftest import ADMIN_TOKEN, make_settings

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
    with _Server(app) as base:
        yield {"base": base, "auditor": auditor_token}


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


def test_regulation_map_lists_article_25_with_its_rules(page, served):
    sign_in(page, served["base"], ADMIN_TOKEN)
    page.click('.tab[data-tab="map"]')
    article = page.locator('[data-testid="regulation-map"] details.article[data-article="25"]')
    article.wait_for(state="attached")
    summary = article.locator(":scope > summary")
    assert "第25条" in summary.inner_text()
    assert "使用限制" in summary.inner_text()
    summary.click()
    # the official text beside its rules, folded until asked for
    law_text = article.locator(".law-text")
    law_text.locator("summary").click()
    assert "不得擅自扩大使用范围" in law_text.inner_text()
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
