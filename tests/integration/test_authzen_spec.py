"""AuthZEN Authorization API 1.0 as written (openid/authzen, api/authorization-api-1_0.md),
and its Obligations Profile: each test is named after the section it proves."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN
from tests.integration.test_authzen import ALLOWED_USE, CONTEXT, THIRD_PARTY, evaluate, fields

ENDPOINTS = ["/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/resource", "/access/v1/search/subject"]

SEARCH_CONTEXT = {k: CONTEXT[k] for k in ("at", "purpose", "pi_basis", "controls")}
RESOURCE_SEARCH = {
    "subject": {"type": "department", "id": "示范区民政局", "properties": {"level": "county", "region": "419001"}},
    "action": {"name": "use"},
    "resource": {"type": "dataset"},
    "context": SEARCH_CONTEXT,
}
SUBJECT_SEARCH = {"subject": {"type": "department"}, "action": {"name": "use"}, "resource": {"type": "dataset", "id": "ds-population-basic"},
                  "context": {"time": "2026-03-02T10:00:00+08:00"}}  # a fixed day: grants' validity is judged on it


def nulls_in(value: Any, path: str = "") -> list[str]:
    """Every object member whose value is null, by path."""
    if isinstance(value, dict):
        return [f"{path}.{k}" if v is None else p for k, v in value.items() for p in ([f"{path}.{k}"] if v is None else nulls_in(v, f"{path}.{k}"))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls_in(v, f"{path}[{i}]")]
    return []


def search(client: TestClient, path: str, body: dict, **kwargs):
    return client.post(path, json=body, **kwargs)


def resources(client: TestClient, body: dict | None = None, **page: Any):
    request = {**(body or RESOURCE_SEARCH), **({"page": page} if page else {})}
    response = search(client, "/access/v1/search/resource", request)
    assert response.status_code == 200, response.text
    return response.json()


def bound_token(client: TestClient, *departments: str) -> dict[str, str]:
    issued = client.post("/v1/tokens", json={"name": f"platform of {'、'.join(departments)}", "role": "platform",
                                             "departments": list(departments)})
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def catalogue_ids(service) -> list[str]:
    return sorted(e.id for e in service.store.catalog())


# --- §7.1 The Access Evaluations API Request ------------------------------------------------


@pytest.mark.parametrize("top_level", [ALLOWED_USE, THIRD_PARTY])
def test_spec_7_1_an_empty_evaluations_array_is_a_single_evaluation_of_the_top_level_keys(client, service, top_level):
    before = service.store.ledger_length()
    empty = client.post("/access/v1/evaluations", json={**top_level, "evaluations": []})
    absent = client.post("/access/v1/evaluations", json=top_level)
    assert empty.status_code == absent.status_code == 200
    # Backwards compatible with the single evaluation: one Decision, not an evaluations array.
    assert "evaluations" not in empty.json() and empty.json()["decision"] is absent.json()["decision"]
    assert empty.json()["decision"] is (top_level is ALLOWED_USE)
    decided = [e.ref for e in list(service.store.ledger())[before:] if e.kind == "decision"]
    assert empty.json()["context"]["decision_id"] in decided


# --- §10.1 HTTPS JSON Binding: Content-Type ---------------------------------------------------


@pytest.fixture
def slow_client(service, monkeypatch) -> TestClient:
    """An app whose AuthZEN routes have no fast path: every request takes FastAPI's own."""
    from adapters.http import authzen_routes, authzen_search
    from adapters.http.app import create_app

    def no_fast_path(allowed):
        return lambda endpoint: endpoint

    monkeypatch.setattr(authzen_routes, "fast_if", no_fast_path)
    monkeypatch.setattr(authzen_search, "fast_if", no_fast_path)
    app = create_app(service)
    routes = [r for r in app.router.routes if getattr(r, "path", "") in ENDPOINTS]
    assert len(routes) == len(ENDPOINTS) and not any(hasattr(r.endpoint, "__fast_path__") for r in routes)
    return TestClient(app, headers=ADMIN)


BODIES = {"/access/v1/evaluation": ALLOWED_USE, "/access/v1/evaluations": {**ALLOWED_USE, "evaluations": [{}]},
          "/access/v1/search/resource": RESOURCE_SEARCH, "/access/v1/search/subject": SUBJECT_SEARCH}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
@pytest.mark.parametrize("which", ["fast", "slow"])
def test_spec_10_1_a_request_without_content_type_application_json_is_400_naming_the_header(
        client, request, service, path, content_type, which):
    import orjson

    before = service.store.ledger_length()
    headers = {"content-type": content_type} if content_type else {}
    sender = client if which == "fast" else request.getfixturevalue("slow_client")
    response = sender.post(path, content=orjson.dumps(BODIES[path]), headers=headers)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert "Content-Type" in error["message"]["zh"] and "Content-Type" in error["message"]["en"]
    (problem,) = error["fields"]
    assert problem["field"] == "Content-Type" and problem["problem"]["zh"] and problem["problem"]["en"]
    assert service.store.ledger_length() == before  # nothing was decided


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_spec_10_1_content_type_application_json_with_or_without_parameters_is_accepted(client, slow_client, path, content_type):
    import orjson

    body = {**BODIES[path], "options": {"govshare_dry_run": True}} if "evaluation" in path else BODIES[path]
    for sender in (client, slow_client):
        response = sender.post(path, content=orjson.dumps(body), headers={"content-type": content_type})
        assert response.status_code == 200, response.text


# --- §11.5 JSON Payload Considerations: no null members --------------------------------------


def test_spec_11_5_null_members_are_omitted_from_every_authzen_response(client, app):
    denied = evaluate(client, {**THIRD_PARTY, "options": {"govshare_dry_run": True}}).json()
    (violation,) = [v for v in denied["context"]["violations"] if v["code"] == "GDSR-25-THIRD-PARTY"]
    # This violation has no item: the member is left out, not sent as null; what it has stays.
    assert "item" not in violation and violation["liability"] == "40(3)" and violation["paragraph"] == 1
    answers = [
        denied,
        evaluate(client, {**ALLOWED_USE, "options": {"govshare_dry_run": True}}).json(),
        client.post("/access/v1/evaluations", json={**ALLOWED_USE, "evaluations": [{}, THIRD_PARTY, {"action": {"name": "steal"}}],
                                                     "options": {"govshare_dry_run": True}}).json(),
        resources(client, limit=100, properties={"govshare_include": "all"}),
        search(client, "/access/v1/search/subject", {**SUBJECT_SEARCH, "page": {"properties": {"govshare_include": "all"}}}).json(),
        TestClient(app).get("/.well-known/authzen-configuration").json(),
        evaluate(client, {"subject": {"type": "department"}}).json(),
    ]
    for answer in answers:
        assert nulls_in(answer) == []


# --- §5.5.1 Decision Context: obligations as the Obligations Profile defines them -------------


def test_spec_5_5_1_obligations_in_the_decision_context_follow_the_obligations_profile(client, app):
    allowed = evaluate(client, {**ALLOWED_USE, "options": {"govshare_dry_run": True}}).json()
    obligations = allowed["context"]["obligations"]
    # Profile, "The Obligation Object": id, type and properties, all REQUIRED; govshare's are bilateral: custom.
    assert obligations and all(set(o) == {"id", "type", "properties"} and o["type"] == "custom" for o in obligations)
    assert len({o["id"] for o in obligations}) == len(obligations)
    (record,) = obligations
    assert record["properties"]["code"] == "GDSR-29-RECORD-USE" and record["properties"]["article"] == 29
    assert record["properties"]["citation"]["zh"].startswith("《政务数据共享条例》第29条")
    assert record["properties"]["message"]["zh"] and record["properties"]["message"]["en"]
    # Nothing to say about obligations: the key is left out (the profile's design overview).
    denied = evaluate(client, {**THIRD_PARTY, "options": {"govshare_dry_run": True}}).json()
    assert "obligations" not in denied["context"]
    # Profile, "Discovery": a PDP implementing it MUST advertise supported_obligations.
    assert TestClient(app).get("/.well-known/authzen-configuration").json()["supported_obligations"] == ["custom"]


# --- §7.1.2 Evaluations options: govshare_dry_run ----------------------------------------------


@pytest.mark.parametrize("path", ["/access/v1/evaluation", "/access/v1/evaluations"])
def test_spec_7_1_2_the_govshare_dry_run_option_neither_logs_nor_suspends_a_misused_grant(client, service, path):
    def misuse(options: dict | None):
        body = {**THIRD_PARTY, **({"options": options} if options else {})}
        if path.endswith("evaluations"):
            body["evaluations"] = [{}]
        response = client.post(path, json=body)
        assert response.status_code == 200, response.text
        answer = response.json()
        return answer["evaluations"][0] if "evaluations" in answer else answer

    before = service.store.ledger_length()
    trial = misuse({"govshare_dry_run": True})
    assert trial["decision"] is False and trial["context"]["govshare_dry_run"] is True
    assert "GDSR-25-THIRD-PARTY" in {v["code"] for v in trial["context"]["violations"]}
    assert service.store.ledger_length() == before  # no ledger entry
    assert service.store.grant("g-2026-0001").status.value == "active"  # not suspended
    assert evaluate(client, {**ALLOWED_USE, "options": {"govshare_dry_run": True}}).json()["decision"] is True

    decided = misuse(None)  # the same without the option is a decision of record
    assert decided["decision"] is False and "govshare_dry_run" not in decided["context"]
    assert decided["context"]["decision_id"] in [e.ref for e in list(service.store.ledger())[before:]]
    assert service.store.grant("g-2026-0001").status.value == "suspended"


def test_spec_7_1_2_a_govshare_dry_run_that_is_not_a_boolean_is_400_and_the_option_is_in_the_metadata(client, app, service):
    before = service.store.ledger_length()
    for path in ("/access/v1/evaluation", "/access/v1/evaluations"):
        response = client.post(path, json={**ALLOWED_USE, "options": {"govshare_dry_run": "yes"}})
        assert response.status_code == 400
        problem = fields(response)["options.govshare_dry_run"]["problem"]
        assert problem["zh"] and problem["en"]
    assert service.store.ledger_length() == before
    documented = TestClient(app).get("/.well-known/authzen-configuration").json()["govshare_evaluation_options"]["govshare_dry_run"]
    assert documented["type"] == "boolean" and documented["default"] is False
    assert "台账" in documented["description"]["zh"] and "ledger" in documented["description"]["en"]


# --- §9 Policy Decision Point Metadata ---------------------------------------------------------


def test_spec_9_2_metadata_is_also_at_the_path_suffix_of_a_pdp_identifier_with_a_path(app, service, monkeypatch):
    monkeypatch.setattr(service.settings, "public_url", "https://pdp.example.gov.cn/govshare/")
    anonymous = TestClient(app)
    response = anonymous.get("/.well-known/authzen-configuration/govshare")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    metadata = response.json()
    # §9.2.3: the identifier is the one the well-known string was inserted into.
    assert metadata["policy_decision_point"] == "https://pdp.example.gov.cn/govshare"
    assert metadata["access_evaluation_endpoint"] == "https://pdp.example.gov.cn/govshare/access/v1/evaluation"
    assert metadata["search_resource_endpoint"] == "https://pdp.example.gov.cn/govshare/access/v1/search/resource"
    other = anonymous.get("/.well-known/authzen-configuration/tenant2")
    assert other.status_code == 404
    assert "https://pdp.example.gov.cn/govshare" in other.json()["error"]["message"]["zh"]
    assert "https://pdp.example.gov.cn/govshare" in other.json()["error"]["message"]["en"]


def test_spec_9_2_a_suffix_is_404_when_the_pdp_identifier_has_no_path(app, service, monkeypatch):
    monkeypatch.setattr(service.settings, "public_url", "https://pdp.example.gov.cn")
    assert TestClient(app).get("/.well-known/authzen-configuration/govshare").status_code == 404


@pytest.mark.parametrize("path", ["/.well-known/authzen-configuration", "/.well-known/authzen-configuration/govshare"])
def test_spec_11_9_metadata_is_sent_with_cache_control_max_age(app, service, monkeypatch, path):
    monkeypatch.setattr(service.settings, "public_url", "https://pdp.example.gov.cn/govshare")
    response = TestClient(app).get(path)
    assert response.status_code == 200
    directives = {d.strip().split("=")[0]: d.strip() for d in response.headers["cache-control"].split(",")}
    assert "max-age" in directives and int(directives["max-age"].split("=")[1]) > 0


def test_spec_9_1_1_the_metadata_names_the_search_endpoints_and_leaves_out_what_is_not_offered(app, service, monkeypatch):
    monkeypatch.setattr(service.settings, "public_url", "https://pdp.example.gov.cn")
    metadata = TestClient(app).get("/.well-known/authzen-configuration").json()
    assert metadata["search_subject_endpoint"] == "https://pdp.example.gov.cn/access/v1/search/subject"
    assert metadata["search_resource_endpoint"] == "https://pdp.example.gov.cn/access/v1/search/resource"
    # No action search, no capabilities, no signed metadata: left out (§9.2.2), never null or empty.
    assert not {"search_action_endpoint", "capabilities", "signed_metadata"} & set(metadata)
    assert metadata["govshare_search"]["max_limit"] >= metadata["govshare_search"]["default_limit"] > 0


# --- §8.5 Resource Search API ----------------------------------------------------------------


def test_spec_8_5_resource_search_returns_the_datasets_the_department_may_use_for_the_purpose(client, service):
    before = service.store.ledger_length()
    answer = resources(client)
    assert list(answer)[0] == "page"  # §8.3: RECOMMENDED first
    results = answer["results"]
    assert all(r["type"] == "dataset" and r["properties"]["status"] == "grant_held" for r in results)
    (population,) = [r for r in results if r["id"] == "ds-population-basic"]
    assert population["properties"]["grant"] == "g-2026-0001" and population["properties"]["name"] == "人口基础信息"
    assert population["properties"]["share_attribute"] == "unconditional"
    # g-2026-0006 is 民政局's, but for 医疗救助, not this purpose: not permitted, so not listed.
    assert "ds-medical-insurance-enrolment" not in {r["id"] for r in results}
    assert answer["page"]["next_token"] == "" and answer["page"]["count"] == len(results)
    assert service.store.ledger_length() == before  # trials only


def test_spec_8_1_every_resource_search_result_evaluates_to_decision_true(client, service):
    results = resources(client)["results"]
    assert results
    for result in results:
        # The PEP's use as the search tried it: its context, under the grant named, for the grant's fields and method.
        grant = service.store.grant(result["properties"]["grant"])
        response = evaluate(client, {
            **ALLOWED_USE,
            "resource": {"type": "dataset", "id": result["id"], "properties": {"fields": grant.fields}},
            "context": {**CONTEXT, "grant": grant.id, "method": grant.method.value, "scenario": grant.scenario},
            "options": {"govshare_dry_run": True},
        })
        assert response.json()["decision"] is True, response.text


def test_spec_8_5_resource_search_with_govshare_include_all_says_what_each_dataset_still_needs(client, service):
    before, grants_before = service.store.ledger_length(), [g.status for g in service.store.grants()]
    results = {r["id"]: r["properties"] for r in resources(client, limit=100, properties={"govshare_include": "all"})["results"]}
    assert sorted(results) == catalogue_ids(service)
    assert results["ds-population-basic"]["status"] == "grant_held" and results["ds-population-basic"]["grant"] == "g-2026-0001"
    # Not shareable: the articles the engine cites (art 14 for a not-shareable entry).
    sealed = results["ds-juvenile-record-sealed"]
    assert sealed["status"] == "not_shareable" and sealed["share_attribute"] == "not_shareable"
    assert 14 in {v["article"] for v in sealed["violations"]} and all(v["citation"]["zh"] and v["citation"]["en"] for v in sealed["violations"])
    # Apply: the catalogue's conditions and what the application still lacks (art 20(2)).
    household = results["ds-household-registration"]
    assert household["status"] == "apply" and "社会救助资格审核" in household["conditions"]["purposes"]
    assert household["to_complete"] and {v["article"] for v in household["to_complete"]} == {20}
    # A grant of the department that does not cover this purpose is named, and it must apply.
    medical = results["ds-medical-insurance-enrolment"]
    assert medical["status"] == "apply" and medical["grants_not_covering"] == ["g-2026-0006"]
    assert {r["status"] for r in results.values()} <= {"grant_held", "grant_to_complete", "apply", "not_shareable"}
    # Decided by trials: nothing written, no grant touched.
    assert service.store.ledger_length() == before and [g.status for g in service.store.grants()] == grants_before


def test_spec_8_2_resource_search_pages_with_limit_and_next_token_until_an_empty_token(client, service):
    everything = catalogue_ids(service)
    request = {**RESOURCE_SEARCH, "page": {"limit": 7, "properties": {"govshare_include": "all"}}}
    seen: list[str] = []
    pages = 0
    while True:
        response = search(client, "/access/v1/search/resource", request)
        assert response.status_code == 200, response.text
        page = response.json()["page"]
        ids = [r["id"] for r in response.json()["results"]]
        assert page["count"] == len(ids) <= 7 and page["total"] == len(everything)
        seen += ids
        pages += 1
        if page["next_token"] == "":
            break
        request = {**request, "page": {**request["page"], "token": page["next_token"]}}
    assert seen == everything and pages == -(-len(everything) // 7)


def test_spec_8_2_a_token_used_with_a_changed_request_or_a_forged_token_is_400(client):
    first = resources(client, limit=3, properties={"govshare_include": "all"})
    token = first["page"]["next_token"]
    assert token
    for changed in ({**RESOURCE_SEARCH, "page": {"limit": 4, "token": token, "properties": {"govshare_include": "all"}}},
                    {**RESOURCE_SEARCH, "context": {**SEARCH_CONTEXT, "purpose": "招商引资"},
                     "page": {"limit": 3, "token": token, "properties": {"govshare_include": "all"}}},
                    {**RESOURCE_SEARCH, "page": {"limit": 3, "token": "not-a-token", "properties": {"govshare_include": "all"}}}):
        response = search(client, "/access/v1/search/resource", changed)
        assert response.status_code == 400
        problem = fields(response)["page.token"]["problem"]
        assert problem["zh"] and problem["en"]


@pytest.mark.parametrize(("page", "field"), [
    ({"limit": 101}, "page.limit"), ({"limit": -1}, "page.limit"), ({"limit": "10"}, "page.limit"), ({"limit": True}, "page.limit"),
    ({"token": 5}, "page.token"), ({"properties": {"govshare_include": "some"}}, "page.properties.govshare_include"),
    ("all", "page"),
])
def test_spec_8_2_1_bad_page_parameters_and_a_limit_over_the_maximum_are_400_naming_the_field(client, page, field):
    for path, body in (("/access/v1/search/resource", RESOURCE_SEARCH), ("/access/v1/search/subject", SUBJECT_SEARCH)):
        response = search(client, path, {**body, "page": page})
        assert response.status_code == 400, response.text
        problem = fields(response)[field]["problem"]
        assert problem["zh"] and problem["en"]


@pytest.mark.parametrize(("change", "field"), [
    ({"subject": None}, "subject"),
    ({"subject": {"type": "department"}}, "subject.id"),
    ({"subject": {"type": "user", "id": "alice"}}, "subject.type"),
    ({"resource": {"type": "book"}}, "resource.type"),
    ({"resource": None}, "resource"),
    ({"action": {"name": "transfer"}}, "action.name"),
    ({"context": {k: v for k, v in SEARCH_CONTEXT.items() if k != "purpose"}}, "context.purpose"),
    ({"context": {**SEARCH_CONTEXT, "at": "yesterday"}}, "context.at"),
    ({"context": {**SEARCH_CONTEXT, "jurisdiction": "atlantis"}}, "context.jurisdiction"),
])
def test_spec_8_5_1_bad_resource_search_input_is_400_naming_the_field_in_zh_and_en(client, change, field):
    body = {k: v for k, v in {**RESOURCE_SEARCH, **change}.items() if v is not None}
    response = search(client, "/access/v1/search/resource", body)
    assert response.status_code == 400, response.text
    problem = fields(response)[field]["problem"]
    assert problem["zh"] and problem["en"]


def test_spec_8_5_1_the_resource_id_is_ignored_and_the_action_defaults_to_use(client):
    expected = resources(client)["results"]
    given = {**RESOURCE_SEARCH, "resource": {"type": "dataset", "id": "ds-juvenile-record-sealed"}}
    assert resources(client, given)["results"] == expected
    assert resources(client, {k: v for k, v in RESOURCE_SEARCH.items() if k != "action"})["results"] == expected


def test_spec_11_2_resource_search_only_for_a_department_the_token_may_act_as(client):
    education = bound_token(client, "示范区教育体育局")
    refused = client.post("/access/v1/search/resource", json=RESOURCE_SEARCH, headers=education)
    assert refused.status_code == 403 and refused.json()["error"]["fields"][0]["field"] == "subject.id"
    own = {**RESOURCE_SEARCH, "subject": {"type": "department", "id": "示范区教育体育局"},
           "context": {**SEARCH_CONTEXT, "purpose": "教育资助"}}
    allowed = client.post("/access/v1/search/resource", json=own, headers=education)
    assert allowed.status_code == 200
    assert [r["properties"]["grant"] for r in allowed.json()["results"]] == ["g-2026-0010"]
    assert TestClient(client.app).post("/access/v1/search/resource", json=RESOURCE_SEARCH).status_code == 401


# --- §8.4 Subject Search API ------------------------------------------------------------------


def test_spec_8_4_subject_search_lists_the_departments_holding_grants_on_the_dataset(client, service):
    before = service.store.ledger_length()
    response = search(client, "/access/v1/search/subject", SUBJECT_SEARCH)
    assert response.status_code == 200, response.text
    holders = {r["id"]: r for r in response.json()["results"]}
    assert set(holders) == {"示范区民政局", "示范区医疗保障局"} and all(r["type"] == "department" for r in holders.values())
    assert [g["id"] for g in holders["示范区民政局"]["properties"]["grants"]] == ["g-2026-0001"]
    # Default: active grants only; `all` adds the suspended one on the real-estate data.
    real_estate = {**SUBJECT_SEARCH, "resource": {"type": "dataset", "id": "ds-real-estate-registration"}}
    active = {r["id"] for r in search(client, "/access/v1/search/subject", real_estate).json()["results"]}
    every = search(client, "/access/v1/search/subject", {**real_estate, "page": {"properties": {"govshare_include": "all"}}}).json()
    assert active == {"国家税务总局济源市税务局"}
    assert {r["id"] for r in every["results"]} == {"国家税务总局济源市税务局", "示范区住房和城乡建设局"}
    (suspended,) = [g for r in every["results"] for g in r["properties"]["grants"] if g["id"] == "g-2026-0003"]
    assert suspended["status"] == "suspended"
    paged = search(client, "/access/v1/search/subject", {**SUBJECT_SEARCH, "page": {"limit": 1}}).json()
    assert paged["page"]["count"] == 1 and paged["page"]["total"] == 2 and paged["page"]["next_token"]
    assert service.store.ledger_length() == before


def test_spec_8_4_subject_search_only_for_the_provider_or_a_platform_wide_token(client):
    provider = bound_token(client, "示范区公安局")
    assert client.post("/access/v1/search/subject", json=SUBJECT_SEARCH, headers=provider).status_code == 200
    holder = bound_token(client, "示范区民政局")
    refused = client.post("/access/v1/search/subject", json=SUBJECT_SEARCH, headers=holder)
    assert refused.status_code == 403 and refused.json()["error"]["fields"][0]["field"] == "resource.id"
    assert refused.json()["error"]["message"]["zh"] and refused.json()["error"]["message"]["en"]


@pytest.mark.parametrize(("change", "field"), [
    ({"resource": {"type": "dataset"}}, "resource.id"),
    ({"resource": {"type": "dataset", "id": "ds-does-not-exist"}}, "resource.id"),
    ({"resource": {"type": "book", "id": "1"}}, "resource.type"),
    ({"subject": {"type": "user"}}, "subject.type"),
    ({"subject": None}, "subject"),
])
def test_spec_8_4_1_bad_subject_search_input_is_400_naming_the_field(client, change, field):
    body = {k: v for k, v in {**SUBJECT_SEARCH, **change}.items() if v is not None}
    response = search(client, "/access/v1/search/subject", body)
    assert response.status_code == 400, response.text
    problem = fields(response)[field]["problem"]
    assert problem["zh"] and problem["en"]


def test_spec_8_5_a_held_grant_whose_use_still_lacks_something_is_grant_to_complete_not_apply(client):
    """The department holds g-2026-0001 for this purpose; a search that does not
    state the personal-information basis and the controls is told what the use
    under that grant lacks, not sent off to apply again, and it is not permitted."""
    bare = {**RESOURCE_SEARCH, "context": {k: SEARCH_CONTEXT[k] for k in ("at", "purpose")}}
    everything = {r["id"]: r["properties"] for r in resources(client, bare, limit=100, properties={"govshare_include": "all"})["results"]}
    population = everything["ds-population-basic"]
    assert population["status"] == "grant_to_complete" and population["grant"] == "g-2026-0001"
    assert population["to_complete"] and all(v["severity"] == "needs_action" for v in population["to_complete"])
    permitted = [r["id"] for r in resources(client, bare, limit=100)["results"]]
    assert "ds-population-basic" not in permitted
