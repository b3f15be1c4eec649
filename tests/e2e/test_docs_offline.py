"""The API docs (/docs) render in a real browser that may reach nothing
but the service itself: Swagger UI, ReDoc and the favicon come from the package,
not from a CDN. Same browser set-up (and skip rules) as the console's tests."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import make_settings
from tests.e2e.test_console_browser import _Server, browser_context, browser_path  # noqa: F401  (fixtures)

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(scope="module")
def docs_base(browser_path, tmp_path_factory):  # noqa: F811
    with _Server(create_app(build_service(make_settings(tmp_path_factory.mktemp("docs-data"))))) as base:
        yield base


@pytest.fixture
def offline_page(browser_context):  # noqa: F811
    """A page whose every request to a host other than loopback is aborted and recorded."""
    page = browser_context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, outside, errors
    page.close()


def test_swagger_ui_renders_the_operations_without_internet(offline_page, docs_base):
    page, outside, errors = offline_page
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(urlsplit(request.url).path))
    page.goto(f"{docs_base}/docs")
    operation = page.locator(".opblock-summary-path", has_text="/v1/decisions").first
    operation.wait_for()
    assert operation.inner_text().strip().startswith("/v1/decisions")
    assert page.locator(".opblock").count() > 20  # the whole API, not an error page
    assert outside == [], f"the docs page tried to reach the internet: {outside}"
    assert errors == []
    assert {"/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css", "/openapi.json"} <= set(loaded)


def test_redoc_is_not_offered_rather_than_reaching_a_cdn(docs_base):
    # ReDoc's page fetches its logo from cdn.redoc.ly whatever it is given; Swagger UI is the docs.
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{docs_base}/redoc")
    assert refused.value.code == 404


def test_the_favicon_is_served_by_the_service(offline_page, docs_base):
    page, outside, _ = offline_page
    page.goto(f"{docs_base}/docs")
    href = page.locator("link[rel='shortcut icon']").get_attribute("href")
    assert href == "/docs-static/favicon.png"
    response = page.request.get(f"{docs_base}{href}")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert outside == []
