"""The words of the law beside the rules: `govshare articles --text`, the
console's regulation map, `GET /v1/articles/{regulation}/{number}`, and the
reference from each explained violation to its article's text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.cli import app
from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, make_settings

# Wide enough that no paragraph of the official text is folded inside its cell.
HUGE = {"COLUMNS": "2000"}
ART_25_1 = ("政府部门通过共享获得政务数据的，不得擅自扩大使用范围以及用于或者变相用于其他目的，不得擅自将获得的政务数据提供给第三方。"
            "确需扩大使用范围、用于其他目的或者提供给第三方的，应当经政务数据提供部门同意。")
TRANSFER = {
    "action": "transfer", "at": "2026-03-02T10:00:00+08:00",
    "requester": {"department": "示范区民政局", "level": "county", "region": "419001"},
    "dataset": "ds-population-basic", "fields": ["name", "id_number"], "purpose": "社会救助资格审核",
    "scenario": "最低生活保障申请审核", "method": "api", "grant": "g-2026-0001",
    "recipient": {"kind": "third_party", "name": "某科技有限公司"},
    "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"],
}


def test_articles_text_shows_each_articles_official_text_beside_its_rules():
    result = CliRunner().invoke(app, ["articles", "--text", "--jurisdiction", "jiyuan", "--lang", "en"], env=HUGE)
    lines = result.output.splitlines()
    assert any("Official text (Chinese)" in line for line in lines), result.output
    row = next(line for line in lines if ART_25_1 in line)
    assert "GDSR-25-" in row  # on the article's own row, beside its rules
    assert any("日志记录保存时间不得少于 6 个月" in line for line in lines)  # the Jiyuan text, too


def test_articles_without_text_shows_no_text():
    result = CliRunner().invoke(app, ["articles", "--lang", "en"], env=HUGE)
    assert "GDSR-25-THIRD-PARTY" in result.output
    assert "Official text" not in result.output and ART_25_1 not in result.output


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(create_app(build_service(make_settings(tmp_path_factory.mktemp("article-texts")))))


def test_the_regulation_map_carries_each_articles_text_and_each_rules_quote(client):
    body = client.get("/v1/regulation-map", headers=ADMIN).json()
    articles = {(law["key"], a["number"]): a for law in body["regulations"] for ch in law["chapters"] for a in ch["articles"]}
    art25 = articles[("gdsr", 25)]
    assert art25["ref"] == "gdsr-25"
    assert art25["text"].split("\n")[0] == ART_25_1
    third_party = next(r for r in art25["rules"] if r["code"] == "GDSR-25-THIRD-PARTY")
    assert third_party["quote"] and third_party["quote"] in art25["text"]
    assert articles[("gdsr", 42)]["text"].startswith("政府部门及其工作人员泄露、出售")
    assert articles[("jiyuan", 65)]["text"] == "本办法自公布之日起施行。"
    assert all(a["text"] for a in articles.values())


def test_an_article_is_served_with_its_paragraphs_items_and_rules(client):
    response = client.get("/v1/articles/gdsr/40", headers=ADMIN)
    assert response.status_code == 200
    body = response.json()
    assert (body["regulation"], body["number"], body["ref"]) == ("gdsr", 40, "gdsr-40")
    (paragraph,) = body["paragraphs"]
    assert paragraph["text"].startswith("政务数据需求部门违反本条例规定，有下列情形之一的")
    assert len(paragraph["items"]) == 7 and paragraph["items"][2] == "（三）擅自将通过共享获取的政务数据提供给第三方；"
    art25 = client.get("/v1/articles/gdsr/25", headers=ADMIN).json()
    assert {r["code"] for r in art25["rules"]} >= {"GDSR-25-THIRD-PARTY", "GDSR-25-PURPOSE"}
    assert all(r["quote"] for r in art25["rules"])
    assert client.get("/v1/articles/jiyuan/33", headers=ADMIN).json()["title"]["zh"]


@pytest.mark.parametrize("path", ["/v1/articles/gdsr/45", "/v1/articles/gdsr/0", "/v1/articles/nowhere/1"])
def test_an_article_that_does_not_exist_is_not_found(client, path):
    assert client.get(path, headers=ADMIN).status_code == 404


def test_the_article_route_needs_a_token(client):
    assert client.get("/v1/articles/gdsr/25").status_code == 401


def test_each_explained_violation_refers_to_its_articles_text(client):
    decision = client.post("/v1/decisions", json=TRANSFER, headers=ADMIN).json()
    assert decision["outcome"] == "deny", decision
    for violation in decision["violations"] + decision["breaches"]:
        assert violation["article_ref"] == f"{violation['regulation']}-{violation['article']}"
        regulation, number = violation["article_ref"].rsplit("-", 1)
        text = client.get(f"/v1/articles/{regulation}/{number}", headers=ADMIN)
        assert text.status_code == 200 and text.json()["ref"] == violation["article_ref"]
    assert "GDSR-25-THIRD-PARTY" in {v["code"] for v in decision["violations"]}


def test_the_console_links_a_violation_to_the_article_on_the_map(client):
    script = client.get("/console/app.js").text
    assert 'href: "#" + v.article_ref' in script and "openArticle(v.article_ref)" in script
    assert "id: a.ref" in script and "law-text" in script
