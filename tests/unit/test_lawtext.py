"""The official texts ship with the engine, parse into articles, paragraphs and
items, and hold every rule's `quote:` to the words of the article it cites."""

from __future__ import annotations

import pytest

from adapters.regorus_backend import RegorusBackend
from engine.lawtext import article_text, chinese_numeral, law_text, parse_articles, quote_problem
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR
from tests.unit.test_policy_loading import GOOD_RULE, problems_of, write_rule

QUOTED = '#   quote: "不得擅自将获得的政务数据提供给第三方"\n'


@pytest.mark.parametrize(("numeral", "number"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("四十二", 42), ("六十五", 65), ("一百零一", 101)])
def test_chinese_numerals_become_numbers(numeral, number):
    assert chinese_numeral(numeral) == number


def test_every_article_of_both_texts_is_found_in_order():
    assert sorted(law_text("gdsr")) == list(range(1, 45))
    assert sorted(law_text("jiyuan")) == list(range(1, 66))


def test_gdsr_article_42_has_no_items():
    (paragraph,) = article_text("gdsr", 42).paragraphs
    assert paragraph.items == ()
    assert paragraph.lead.startswith("政府部门及其工作人员泄露、出售或者非法向他人提供")


def test_gdsr_article_24_paragraph_1_reads_as_the_official_text():
    text = article_text("gdsr", 24).clause(1)
    assert "回流业务信息系统收集和产生的下级政府行政区域内的政务数据" in text
    assert text.startswith("上级政府部门应当") and text.endswith("不得设置额外的限制条件。")
    assert article_text("gdsr", 24).clause(2).startswith("下级政府部门获得回流的政务数据后")


def test_gdsr_article_40_has_seven_items_and_its_opening_words():
    article = article_text("gdsr", 40)
    (paragraph,) = article.paragraphs
    assert len(paragraph.items) == 7
    assert paragraph.lead.startswith("政务数据需求部门违反本条例规定，有下列情形之一的")
    assert article.clause(1, 3) == "（三）擅自将通过共享获取的政务数据提供给第三方；"
    assert article.clause(item=3) == article.clause(1, 3)  # 第四十条第三项


def test_an_item_is_found_without_its_paragraph_when_only_one_paragraph_has_items():
    assert article_text("gdsr", 14).clause(item=3).startswith("（三）法律、行政法规以及国务院决定明确规定不能提供")
    with pytest.raises(LookupError):
        article_text("gdsr", 40).clause(1, 8)
    with pytest.raises(LookupError):
        article_text("gdsr", 25).clause(3)


def test_the_wrapped_jiyuan_text_keeps_paragraphs_and_items_apart():
    article = article_text("jiyuan", 32)
    assert [p.lead for p in article.paragraphs] == ["政务数据以共享为原则、不共享为例外。", "政务数据共享应当遵守下列规定："]
    assert len(article.paragraphs[1].items) == 3
    assert article.clause(2, 1) == "（一）凡列入有条件共享类和不予共享类的政务数据，应当有法律、行政法规或者党中央、国务院政策依据；"
    assert len(article_text("jiyuan", 57).clause(item=7)) and len(article_text("jiyuan", 57).paragraphs[0].items) == 8
    assert article_text("jiyuan", 31).clause(2).startswith("各政务部门不得建设其他跨部门的数据共享平台。")
    # the issuing office's footer after the last article is not part of it
    assert article_text("jiyuan", 65).text == "本办法自公布之日起施行。"


def test_a_cross_reference_at_the_start_of_a_wrapped_line_is_not_a_new_article():
    text = "第一条 甲应当依照本办法\n第三条规定办理。\n第二条 乙。\n"
    articles = parse_articles("x", text, wrapped=True)
    assert sorted(articles) == [1, 2]
    assert articles[1].text == "甲应当依照本办法第三条规定办理。"


def test_quotes_are_compared_without_whitespace():
    assert quote_problem("jiyuan", 28, "日志记录保存时间不得少于6个月") is None  # the text has "不得少于 6 个月"
    assert quote_problem("gdsr", 25, "不得擅自将获得的政务数据\n  提供给第三方") is None
    assert "custom.quote" in quote_problem("gdsr", 25, "不得将获得的政务数据提供给第三方")
    assert "custom.quote is missing" in quote_problem("gdsr", 25, None)
    assert "custom.quote is missing" in quote_problem("gdsr", 25, "  ")


def test_a_rule_whose_quote_is_not_in_its_article_is_refused(tmp_path):
    # the words are GDSR art 25's, but the rule cites art 24
    write_rule(tmp_path, GOOD_RULE.format(article=24, liability="40(3)", body="true"))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("gdsr/test/rule/rule.rego:1:")
    assert "custom.quote 不是 gdsr 第24条原文的一部分" in problem
    assert "is not, whitespace aside, part of the text of gdsr art 24" in problem


def test_a_rule_without_a_quote_is_refused(tmp_path):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="true").replace(QUOTED, ""))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("gdsr/test/rule/rule.rego:1:")
    assert "缺少 custom.quote" in problem and "custom.quote is missing" in problem


def test_a_quote_that_differs_only_in_whitespace_is_accepted(tmp_path):
    spaced = '#   quote: "不得擅自将获得的 政务数据\u3000提供给第三方"\n'
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="true").replace(QUOTED, spaced))
    policy_set = load_policy_set(tmp_path, RegorusBackend())
    assert policy_set.rules["gdsr.test.rule"].quote == "不得擅自将获得的 政务数据\u3000提供给第三方"


def test_every_shipped_rule_quotes_the_article_it_cites():
    policy_set = load_policy_set(POLICY_DIR, RegorusBackend())
    for meta in policy_set.rules.values():
        assert meta.quote and article_text(meta.regulation, meta.article).contains(meta.quote), meta.file
