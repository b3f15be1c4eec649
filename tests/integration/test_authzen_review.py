"""Adversarial review of the AuthZEN endpoints: contradictory subject claims,
grants listed as permitted that no evaluation would allow, bilingual parse
errors, and null page parameters."""

from __future__ import annotations

import pytest

from engine.models import Grant, GrantStatus
from tests.integration.test_authzen import ALLOWED_USE, evaluate, fields
from tests.integration.test_authzen_spec import RESOURCE_SEARCH, SUBJECT_SEARCH, search


@pytest.mark.parametrize(("path", "subject_type", "claimed_kind"), [
    ("/access/v1/evaluation", "department", "citizen"),
    ("/access/v1/evaluation", "citizen", "department"),
    ("/access/v1/search/resource", "department", "citizen"),
])
def test_a_subject_properties_kind_contradicting_subject_type_is_400_not_a_second_say(client, service, path, subject_type, claimed_kind):
    body = ALLOWED_USE if path.endswith("evaluation") else RESOURCE_SEARCH
    subject = {**body["subject"], "type": subject_type, "properties": {**body["subject"].get("properties", {}), "kind": claimed_kind}}
    before = service.store.ledger_length()
    response = client.post(path, json={**body, "subject": subject})
    assert response.status_code == 400, response.text
    problem = fields(response)["subject.properties.kind"]["problem"]
    assert "subject.type" in problem["zh"] and "subject.type" in problem["en"]
    assert service.store.ledger_length() == before


def test_a_subject_properties_kind_agreeing_with_subject_type_is_accepted(client):
    subject = {**ALLOWED_USE["subject"], "properties": {**ALLOWED_USE["subject"]["properties"], "kind": "department"}}
    response = evaluate(client, {**ALLOWED_USE, "subject": subject})
    assert response.status_code == 200 and response.json()["decision"] is True


def _store_grants(service, *grants: Grant) -> None:
    from adapters.storage.store import Store

    def work(session):
        for grant in grants:
            Store.put_grant_in(session, grant)
        Store.bump_generation(session)

    service.store.transaction(work)


def test_subject_search_permitted_leaves_out_active_grants_outside_their_validity_on_the_search_date(client, service):
    _store_grants(service,
                  Grant(id="g-review-lapsed", dataset="ds-population-basic", requester="示范区审计局", fields=["name"],
                        purposes=["审计"], valid_from="2020-01-01", valid_until="2020-12-31", status=GrantStatus.active),
                  Grant(id="g-review-future", dataset="ds-population-basic", requester="示范区统计局", fields=["name"],
                        purposes=["统计"], valid_from="2099-01-01", valid_until="2099-12-31", status=GrantStatus.active))
    on_a_day = {**SUBJECT_SEARCH, "context": {"time": "2026-03-02T10:00:00+08:00"}}
    permitted = search(client, "/access/v1/search/subject", on_a_day)
    assert permitted.status_code == 200, permitted.text
    holders = {r["id"] for r in permitted.json()["results"]}
    assert holders == {"示范区民政局", "示范区医疗保障局"}
    # `all` still shows them, with their stored status and dates.
    every = search(client, "/access/v1/search/subject", {**on_a_day, "page": {"properties": {"govshare_include": "all"}}}).json()
    assert {"示范区审计局", "示范区统计局"} <= {r["id"] for r in every["results"]}
    # The date is the search's context.time: in 2020 the lapsed grant was valid.
    in_2020 = search(client, "/access/v1/search/subject", {**SUBJECT_SEARCH, "context": {"time": "2020-06-01T10:00:00+08:00"}}).json()
    assert "示范区审计局" in {r["id"] for r in in_2020["results"]}


@pytest.mark.parametrize("time", ["yesterday", "", ["2026-03-02"], {"at": 1}, "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_subject_search_with_a_bad_context_time_is_400_naming_it(client, time):
    response = search(client, "/access/v1/search/subject", {**SUBJECT_SEARCH, "context": {"time": time}})
    assert response.status_code == 400, response.text
    problem = fields(response)["context.time"]["problem"]
    assert problem["zh"] and problem["en"]


@pytest.mark.parametrize("path", ["/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/resource"])
def test_malformed_json_names_line_and_column_in_chinese_as_well_as_english(client, path):
    response = client.post(path, content=b'{\n  "subject": ,\n}', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    problem = fields(response)["body"]["problem"]
    assert "第 2 行" in problem["zh"] and "第 14 列" in problem["zh"]
    assert "line 2" in problem["en"] and "column 14" in problem["en"]


def test_null_page_members_are_taken_as_absent(client):
    """AuthZEN §11.5 asks senders to omit nulls; a PEP that sends one means "not given"."""
    body = {**RESOURCE_SEARCH, "page": {"limit": None, "token": None, "properties": {"govshare_include": None}}}
    response = search(client, "/access/v1/search/resource", body)
    assert response.status_code == 200, response.text
    assert response.json()["context"]["govshare_include"] == "permitted"
    assert response.json() == search(client, "/access/v1/search/resource", RESOURCE_SEARCH).json()
