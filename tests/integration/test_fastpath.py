"""The quick path of the decision routes (adapters/http/fastpath.py) answers what
FastAPI's own path answers: the same bytes (but for the decision's own id and
time), the same errors, the same query parsing."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given, settings, strategies as st

from adapters.http.fastpath import parse_query
from tests.conftest import THIRD_PARTY_TRANSFER
from tests.integration.test_api import USE

# FastAPI reads a `+json` content type as JSON too; the quick path leaves it to
# FastAPI, so it is a way to get FastAPI's own answer for the same request.
FASTAPI_PATH = {"content-type": "application/vnd.test+json"}


def _json_dumps(body) -> bytes:
    """What Starlette's JSONResponse writes."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


def _own(text: str) -> str:
    """The body without what belongs to one decision alone."""
    text = re.sub(r'"decision_id":"[0-9a-f]{32}"', '"decision_id":"…"', text)
    return re.sub(r'"evaluated_at":"[^"]+"', '"evaluated_at":"…"', text)


# --- the query string -----------------------------------------------------------

_QUERY_BYTES = st.binary(max_size=40).map(lambda b: bytes(b"%=&+aF09 ;\r\n\x00\x7f\xe4"[x % 14] for x in b))


@settings(max_examples=3000, deadline=None)
@given(_QUERY_BYTES)
def test_the_query_parser_is_parse_qsl(qs):
    assert parse_query(qs) == parse_qsl(qs.decode("latin-1"), keep_blank_values=True)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["", "/", "=&+%", "=+"]))
def test_the_query_parser_reads_a_quoted_value_as_parse_qsl_does(text, safe):
    qs = ("input=" + quote(text, safe=safe) + "&metrics=true").encode()
    assert parse_query(qs) == parse_qsl(qs.decode("latin-1"), keep_blank_values=True)


def test_the_query_parser_on_an_event():
    qs = ("input=" + quote(json.dumps(USE, ensure_ascii=False))).encode()
    assert parse_query(qs) == [("input", json.dumps(USE, ensure_ascii=False))]


# --- POST /v1/decisions -----------------------------------------------------------


@pytest.mark.parametrize(("event", "query"), [(USE, "?dry_run=true"), (THIRD_PARTY_TRANSFER, "?dry_run=true"), (THIRD_PARTY_TRANSFER, "?dry_run=1"),
                                             (USE, "?dry_run=false"), (USE, ""), (USE, "?other=1")])
def test_a_decision_is_the_bytes_fastapi_writes(client, event, query):
    # (A denied decision of record would suspend the grant and change the second answer.)
    quick = client.post("/v1/decisions" + query, content=json.dumps(event), headers={"content-type": "application/json"})
    standard = client.post("/v1/decisions" + query, content=json.dumps(event), headers=FASTAPI_PATH)
    assert quick.status_code == standard.status_code == 200
    assert dict(quick.headers) | {"x-request-id": "", "content-length": ""} == dict(standard.headers) | {"x-request-id": "", "content-length": ""}
    assert _own(quick.text) == _own(standard.text)
    assert quick.json()["decision_id"] != standard.json()["decision_id"]


def test_every_cached_answer_has_its_own_decision_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="govshare.access"):
        ids = [client.post("/v1/decisions?dry_run=true", json=USE).json()["decision_id"] for _ in range(3)]
        ids += [client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)}).json()["decision_id"] for _ in range(3)]
    assert len(set(ids)) == 6
    logged = [i for r in caplog.records if r.name == "govshare.access" for i in r.fields["decision_ids"]]
    assert set(ids) <= set(logged)


@pytest.mark.parametrize("query", ["?dry_run=yes", "?dry_run=true&dry_run=false", "?dry_run=maybe"])
def test_other_dry_run_spellings_are_fastapis_to_read(client, query):
    quick = client.post("/v1/decisions" + query, json=USE)
    standard = client.post("/v1/decisions" + query, content=json.dumps(USE), headers=FASTAPI_PATH)
    assert quick.status_code == standard.status_code
    assert _own(quick.text) == _own(standard.text)


@pytest.mark.parametrize("body", [b"", b"{not json", b"[]", b'"x"', b"{}", json.dumps({**USE, "action": "steal"}).encode(),
                                  json.dumps({**USE, "surprise": 1}).encode(), b'{"action": NaN}'])
@pytest.mark.parametrize("headers", [{}, {"authorization": ""}, {"authorization": "Bearer nope"}])
def test_bad_requests_get_fastapis_answer(client, body, headers):
    quick = client.post("/v1/decisions", content=body, headers={"content-type": "application/json", **headers})
    standard = client.post("/v1/decisions", content=body, headers={**FASTAPI_PATH, **headers})
    assert quick.status_code == standard.status_code
    assert 400 <= quick.status_code < 500
    assert quick.json() == standard.json()


def test_an_unknown_jurisdiction_is_still_422(client):
    response = client.post("/v1/decisions?dry_run=true", json={**USE, "jurisdiction": "atlantis"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "jurisdiction"


def test_a_role_without_decide_is_still_403(client):
    token = client.post("/v1/tokens", json={"name": "auditor", "role": "auditor"}).json()["token"]
    response = client.post("/v1/decisions", json=USE, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


# --- POST /v1/decisions:batch -------------------------------------------------------


def test_a_batch_is_the_bytes_fastapi_writes(client):
    # Allowed events only: a misuse would suspend the grant between the two calls.
    body = json.dumps({"events": [USE, {**USE, "fields": ["name", "id_number"]}, USE]})
    quick = client.post("/v1/decisions:batch", content=body, headers={"content-type": "application/json"})
    standard = client.post("/v1/decisions:batch", content=body, headers=FASTAPI_PATH)
    assert quick.status_code == standard.status_code == 200
    assert dict(quick.headers) | {"x-request-id": "", "content-length": ""} == dict(standard.headers) | {"x-request-id": "", "content-length": ""}
    assert _own(quick.text) == _own(standard.text)
    assert len(quick.json()["decisions"]) == 3


@pytest.mark.parametrize("body", [b"{not json", b'{"events": []}', b'{"events": [{}]}', json.dumps({"events": [USE], "x": 1}).encode(),
                                  json.dumps({"events": [USE] * 1001}).encode()])
@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer nope"}])
def test_a_bad_batch_gets_fastapis_answer(client, body, headers):
    quick = client.post("/v1/decisions:batch", content=body, headers={"content-type": "application/json", **headers})
    standard = client.post("/v1/decisions:batch", content=body, headers={**FASTAPI_PATH, **headers})
    assert quick.status_code == standard.status_code
    assert 400 <= quick.status_code < 500
    assert quick.json() == standard.json()


# --- the OPA Data API ---------------------------------------------------------------


@pytest.mark.parametrize("flags", [{}, {"metrics": "true"}, {"provenance": "true"}, {"metrics": "1", "provenance": "yes"}])
@pytest.mark.parametrize("path", ["govshare/allow", "govshare/decision", "govshare/decision/allow", "govshare/allow/x", "nothing/here"])
def test_an_opa_answer_is_what_jsonresponse_writes(client, path, flags):
    for event in (USE, THIRD_PARTY_TRANSFER):
        response = client.get(f"/v1/data/{path}", params={"input": json.dumps(event, ensure_ascii=False), **flags})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == _json_dumps(response.json())


def test_a_get_decision_is_counted(client):
    before = client.get("/metrics").text
    client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)})
    after = client.get("/metrics").text
    count = lambda text: float(re.search(r'^govshare_decisions_total\{outcome="allow"\} (\S+)$', text, re.M).group(1))  # noqa: E731
    assert count(after) == count(before) + 1


@pytest.mark.parametrize("headers", [{"authorization": ""}, {"authorization": "Bearer nope"}])
def test_opa_refuses_a_bad_token_in_opas_shape(client, headers):
    response = client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)}, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
