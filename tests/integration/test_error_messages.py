"""Errors that help: each names the header, the field, or the line and column,
in Chinese and English (issue 16)."""

from __future__ import annotations

import json

import pytest

from adapters.cli import app as cli
from tests.conftest import THIRD_PARTY_TRANSFER

EVENT = json.dumps(THIRD_PARTY_TRANSFER, ensure_ascii=False).encode()


def only_field(response) -> dict:
    (field,) = response.json()["error"]["fields"]
    return field


# --- a body not sent as JSON ------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"content-type": "text/plain"}, {"content-type": "application/x-www-form-urlencoded"}],
                         ids=["no content type", "text/plain", "form"])
def test_a_decision_body_not_sent_as_json_is_415_naming_the_header(client, headers):
    response = client.post("/v1/decisions?dry_run=true", content=EVENT, headers=headers)
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "Content-Type: application/json" in error["message"]["zh"]
    assert "Content-Type: application/json" in error["message"]["en"]
    given = headers.get("content-type")
    if given:
        assert given in error["message"]["zh"] and given in error["message"]["en"]
    else:
        assert "未带 Content-Type" in error["message"]["zh"] and "no Content-Type header" in error["message"]["en"]
    assert only_field(response) == {"field": "Content-Type", "type": "unsupported_media_type",
                                    "problem": {"zh": "应为 application/json", "en": "must be application/json"}}


@pytest.mark.parametrize("path", ["/v1/decisions", "/v1/decisions:batch", "/v1/tokens", "/v1/applications"])
def test_every_json_endpoint_answers_415_to_a_text_body(client, path):
    body = json.dumps({"events": [THIRD_PARTY_TRANSFER]} if path.endswith("batch") else THIRD_PARTY_TRANSFER)
    response = client.post(path, content=body, headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_415_decides_and_writes_nothing(client, service):
    before = service.store.ledger_length()
    response = client.post("/v1/decisions", content=EVENT, headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert service.store.ledger_length() == before


def test_a_json_subtype_is_read_as_json(client):
    response = client.post("/v1/decisions?dry_run=true", content=EVENT, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200 and response.json()["outcome"] == "deny"


def test_authzen_keeps_its_own_answer_to_a_text_body(client):
    # AuthZEN's own rules apply under /access/ (a 400), not the 415.
    body = {"subject": {"type": "department", "id": "示范区民政局"}, "action": {"name": "use"},
            "resource": {"type": "dataset", "id": "ds-population-basic"}}
    response = client.post("/access/v1/evaluation", content=json.dumps(body), headers={"content-type": "text/plain"})
    assert response.status_code != 415


def test_the_opa_data_api_reads_the_body_whatever_its_content_type_as_opa_does(client):
    response = client.post("/v1/data/govshare/allow", content=json.dumps({"input": THIRD_PARTY_TRANSFER}),
                           headers={"content-type": "text/plain"})
    assert response.status_code == 200 and response.json()["result"] is False


# --- malformed JSON: line and column ----------------------------------------------


def test_malformed_json_names_line_and_column_in_both_languages(client):
    body = '{\n  "action": "use",\n  "dataset": ,\n  "at": "2026-03-02T10:00:00+08:00"\n}'
    response = client.post("/v1/decisions", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    field = only_field(response)
    assert (field["field"], field["line"], field["column"]) == ("body", 3, 14)
    assert field["problem"]["zh"].startswith("第 3 行第 14 列：") and "应为一个值" in field["problem"]["zh"]
    assert field["problem"]["en"] == "line 3, column 14: Expecting value"


def test_a_missing_comma_is_named_where_it_is_missing(client):
    body = '{"action": "use"\n "at": "2026-03-02T10:00:00+08:00"}'
    field = only_field(client.post("/v1/decisions", content=body, headers={"content-type": "application/json"}))
    assert (field["line"], field["column"]) == (2, 2)
    assert field["problem"] == {"zh": "第 2 行第 2 列：此处缺少逗号", "en": "line 2, column 2: Expecting ',' delimiter"}


def test_line_and_column_count_characters_not_bytes(client):
    body = '{"purpose": "社会救助", "at": }'
    field = only_field(client.post("/v1/decisions", content=body.encode(), headers={"content-type": "application/json"}))
    assert (field["line"], field["column"]) == (1, body.index("}") + 1)


# --- field errors: the expected format, all-Chinese zh ----------------------------


def test_a_bad_time_shows_the_expected_format_in_english_as_in_chinese(client):
    response = client.post("/v1/decisions?dry_run=true", json={**THIRD_PARTY_TRANSFER, "at": "yesterday"})
    assert response.status_code == 422
    field = only_field(response)
    assert field["field"] == "at"
    assert "2026-03-02T10:00:00+08:00" in field["problem"]["zh"]
    assert "2026-03-02T10:00:00+08:00" in field["problem"]["en"]


def test_a_bad_date_shows_the_expected_format_in_english_as_in_chinese(client):
    event = {**THIRD_PARTY_TRANSFER, "action": "reply", "application": {"received_on": "3 March"}}
    response = client.post("/v1/decisions?dry_run=true", json=event)
    assert response.status_code == 422
    field = only_field(response)
    assert field["field"] == "application.received_on"
    assert "2026-12-31" in field["problem"]["zh"] and "2026-12-31" in field["problem"]["en"]


def test_chinese_enum_errors_are_all_chinese_listing_the_allowed_values(client):
    response = client.post("/v1/decisions?dry_run=true", json={**THIRD_PARTY_TRANSFER, "recipient": {"kind": "company"}})
    assert response.status_code == 422
    field = only_field(response)
    assert field["field"] == "recipient.kind"
    assert field["problem"]["zh"] == "取值不在允许范围内，应为以下之一：self、department、third_party"
    assert field["problem"]["en"] == "Input should be 'self', 'department' or 'third_party'"


def test_an_unknown_action_lists_the_actions_in_chinese(client):
    field = only_field(client.post("/v1/decisions?dry_run=true", json={**THIRD_PARTY_TRANSFER, "action": "steal"}))
    zh = field["problem"]["zh"]
    assert field["field"] == "action"
    assert "use、transfer" in zh and " or " not in zh and "Input should" not in zh and "'" not in zh


# --- the CLI ----------------------------------------------------------------------


@pytest.mark.parametrize("lang, expected", [
    ("zh", "不是策略目录（其中没有 .rego 文件），不作影响分析"),
    ("en", "is not a policy directory (it holds no .rego file); no impact analysis"),
])
def test_impact_on_a_directory_that_is_not_a_policy_directory_says_so_in_one_line(runner, tmp_path, lang, expected):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("not a policy\n")
    result = runner.invoke(cli, ["impact", "--policies", str(tmp_path / "notes"), "--lang", lang])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert expected in lines[0] and str(tmp_path / "notes") in lines[0]


def test_eval_of_a_malformed_file_names_its_line_and_column(runner, tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{\n  "action": "use",\n  "at": ,\n}\n', encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(event), "--lang", "en"])
    assert result.exit_code == 2
    assert f"{event}:3:9: " in result.output and "The file is not valid JSON" in result.output
