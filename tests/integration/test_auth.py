"""Roles by API token: who may do what, tokens stored hashed, revocation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, ADMIN_TOKEN, make_settings

USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
       "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001"}
ENTRY = {"entry": {"id": "ds-x", "name": "x", "provider": "p", "share_attribute": "unconditional"}, "requester": {"department": "p"}}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    service = build_service(make_settings(tmp_path_factory.mktemp("auth")))
    app = create_app(service)
    anonymous = TestClient(app)
    tokens = {}
    for role in ("platform", "compliance", "auditor"):
        issued = anonymous.post("/v1/tokens", json={"name": f"{role} test", "role": role}, headers=ADMIN)
        assert issued.status_code == 201, issued.text
        tokens[role] = issued.json()["token"]
    return service, anonymous, tokens


def as_role(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"} if role != "admin" else ADMIN


def test_requests_without_a_token_get_401_in_both_languages(setup):
    _, client, _ = setup
    response = client.post("/v1/decisions", json=USE)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["message"]["zh"].startswith("缺少访问令牌")
    assert client.post("/v1/decisions", json=USE, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_health_docs_and_openapi_need_no_token(setup):
    _, client, _ = setup
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"),
    [
        ("post", "/v1/decisions", USE, {"platform", "compliance", "admin"}),
        ("post", "/v1/catalog", ENTRY, {"compliance", "admin"}),
        ("get", "/v1/records", None, {"compliance", "auditor", "admin"}),
        ("get", "/v1/ledger/verify", None, {"compliance", "auditor", "admin"}),
        ("post", "/v1/grants/g-2026-0002/terminate", {"note": "x"}, {"compliance", "admin"}),
        ("get", "/v1/tokens", None, {"admin"}),
    ],
)
def test_each_role_may_do_only_its_part(setup, method, path, body, allowed):
    _, client, tokens = setup
    for role in ("platform", "compliance", "auditor", "admin"):
        kwargs = {"headers": as_role(tokens, role)}
        if body is not None:
            kwargs["json"] = body
        response = getattr(client, method)(path, **kwargs)
        if role in allowed:
            assert response.status_code not in (401, 403), (role, path, response.text)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
            assert response.json()["error"]["code"] == "forbidden"


def test_tokens_are_stored_hashed_and_listed_without_secrets(setup):
    service, client, tokens = setup
    with service.store.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT token_hash FROM api_tokens"))]
    assert all(len(h) == 64 for h in stored)
    assert not set(tokens.values()) & set(stored) and ADMIN_TOKEN not in stored
    listing = client.get("/v1/tokens", headers=ADMIN).json()
    assert {t["role"] for t in listing} == {"platform", "compliance", "auditor", "admin"}
    assert all("token" not in t and "token_hash" not in t for t in listing)


def test_revoked_token_is_refused_at_once(setup):
    _, client, _ = setup
    issued = client.post("/v1/tokens", json={"name": "temporary", "role": "platform"}, headers=ADMIN).json()
    header = {"Authorization": f"Bearer {issued['token']}"}
    assert client.post("/v1/decisions", json=USE, headers=header).status_code == 200
    assert client.post(f"/v1/tokens/{issued['id']}/revoke", headers=ADMIN).json()["revoked"] is True
    assert client.post("/v1/decisions", json=USE, headers=header).status_code == 401


def test_issuing_a_token_with_an_unknown_role_is_422(setup):
    _, client, _ = setup
    response = client.post("/v1/tokens", json={"name": "x", "role": "superuser"}, headers=ADMIN)
    assert response.status_code == 422 and "role" in {f["field"] for f in response.json()["error"]["fields"]}


def test_first_admin_token_is_generated_once_when_none_is_configured(tmp_path, capsys):
    settings = make_settings(tmp_path, bootstrap_token=None)
    create_app(build_service(settings))
    printed = capsys.readouterr().out
    assert "admin token (shown once): gs_" in printed
    create_app(build_service(settings))
    assert "shown once" not in capsys.readouterr().out
