"""Issue 14: stored state wins, always. Inline state (a platform's own
records sent with the event) is off by default; when a site turns it on, it can
neither shadow nor stand in for what govshare stores, and a misuse under it is
still a recorded breach."""

from __future__ import annotations

import pytest

from adapters.http.app import create_app
from adapters.service import Settings, build_service
from tests.conftest import admin_client, make_settings

# g-2026-0003 is stored, and suspended: 示范区住房和城乡建设局's grant on real-estate data.
SUSPENDED = {"id": "g-2026-0003", "dataset": "ds-real-estate-registration", "requester": "示范区住房和城乡建设局",
             "fields": ["owner_name"], "purposes": ["住房保障资格审核"], "status": "active"}
USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区住房和城乡建设局"},
       "dataset": "ds-real-estate-registration", "fields": ["owner_name"], "purpose": "住房保障资格审核",
       "controls": ["传输加密", "访问权限控制", "操作日志留存"]}
MADE_UP = {"id": "g-mine", "dataset": "ds-population-basic", "requester": "示范区民政局", "fields": ["name"], "purposes": ["招商引资"]}


def error_fields(response) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


@pytest.fixture
def kept(tmp_path):
    """A service of a site that accepts platforms' own records, and its client."""
    service = build_service(make_settings(tmp_path, accept_inline_state=True))
    return service, admin_client(create_app(service))


@pytest.fixture
def platform_kept(kept):
    return kept[1]


def test_inline_state_is_off_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVSHARE_ACCEPT_INLINE_STATE", raising=False)
    assert Settings().accept_inline_state is False
    settings = make_settings(tmp_path)
    settings.accept_inline_state = Settings().accept_inline_state
    client = admin_client(create_app(build_service(settings)))
    response = client.post("/v1/decisions", json={**USE, "dataset": "ds-population-basic", "grant": "g-mine",
                                                  "requester": {"department": "示范区民政局"}, "inline": {"grant": MADE_UP}})
    assert response.status_code == 422, response.text
    assert "inline" in error_fields(response)


@pytest.mark.parametrize("shadow_id", ["g-2026-0003-copy", "g-2026-0003\u200b", "G-2026-0003", " g-2026-0003", "ｇ-2026-0003"])
def test_a_suspended_stored_grant_cannot_be_used_again_through_inline_state(platform_kept, shadow_id):
    response = platform_kept.post("/v1/decisions", json={**USE, "grant": shadow_id, "inline": {"grant": {**SUSPENDED, "id": shadow_id}}})
    assert response.status_code == 422, response.text
    (field,) = [f for f in response.json()["error"]["fields"] if f["field"].startswith("inline.grant")]
    problem = field["problem"]
    assert problem["zh"] and problem["en"]


def test_an_inline_dataset_shadowing_a_stored_entry_is_refused(platform_kept):
    entry = {"id": "DS-Population-Basic", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"}
    response = platform_kept.post("/v1/decisions", json={**USE, "dataset": "DS-Population-Basic", "inline": {"dataset": entry}})
    assert response.status_code == 422, response.text
    assert "inline.dataset" in error_fields(response)


def test_an_inline_grant_under_the_same_id_as_a_stored_one_is_refused(platform_kept):
    response = platform_kept.post("/v1/decisions", json={**USE, "grant": "g-2026-0001", "inline": {"grant": {**MADE_UP, "id": "g-2026-0001"}}})
    assert response.status_code == 422, response.text
    assert "inline.grant" in error_fields(response)


def test_a_misuse_under_an_inline_grant_is_a_recorded_breach(kept):
    service, platform_kept = kept
    own = {**MADE_UP, "purposes": ["社会救助资格审核"]}
    event = {**USE, "action": "transfer", "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核",
             "requester": {"department": "示范区民政局"}, "grant": "g-mine", "inline": {"grant": own},
             "pi_basis": "《个人信息保护法》第十三条第一款第三项", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}
    response = platform_kept.post("/v1/decisions", json=event)
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["outcome"] == "deny" and "GDSR-25-THIRD-PARTY" in {v["code"] for v in decision["violations"]}
    breaches = [e for e in service.store.ledger() if e.kind == "breach"]
    assert breaches, "the misuse is on record"
    body = breaches[-1].body
    assert body["grant"] == "g-mine" and body["inline"] is True and body["decision_id"] == decision["decision_id"]
    assert body["article"] == "27(2)" and "GDSR-25-THIRD-PARTY" in body["codes"]
    assert body["requester"] == "示范区民政局"


@pytest.mark.parametrize("shadow_id", ["ds\u2010real-estate-registration", "ds-re\u0430l-estate-registration"])
def test_look_alike_ids_are_refused(platform_kept, shadow_id):
    grant = {**SUSPENDED, "id": "g-new", "dataset": shadow_id}
    response = platform_kept.post("/v1/decisions", json={**USE, "dataset": shadow_id, "grant": "g-new", "inline": {"grant": grant}})
    assert response.status_code == 422, response.text
    assert "inline.grant.dataset" in error_fields(response)


def test_an_expired_stored_grant_cannot_be_renewed_inline(platform_kept):
    # g-2026-0004: 示范区教育体育局 on ds-household-registration, valid until 2026-06-30.
    expired = {"id": "g-2026-0004-renewed", "dataset": "ds-household-registration", "requester": "示范区教育体育局",
               "fields": ["name"], "purposes": ["学籍核验"], "valid_until": "2027-12-31"}
    response = platform_kept.post("/v1/decisions", json={**USE, "requester": {"department": "示范区教育体育局"}, "dataset": "ds-household-registration",
                                                         "grant": "g-2026-0004-renewed", "inline": {"grant": expired}})
    assert response.status_code == 422, response.text
    assert "inline.grant" in error_fields(response)


def test_a_suspended_grant_cannot_be_worked_around_by_copying_its_entry_under_a_new_id(platform_kept):
    copied = {"id": "ds-real-estate-registration-copy", "name": "不动产登记信息", "provider": "示范区不动产登记中心",
              "share_attribute": "conditional"}
    grant = {**SUSPENDED, "id": "g-own", "dataset": copied["id"]}
    response = platform_kept.post("/v1/decisions", json={**USE, "dataset": copied["id"], "grant": "g-own",
                                                         "inline": {"dataset": copied, "grant": grant}})
    assert response.status_code == 422, response.text
    assert "inline.grant" in error_fields(response)
