from engine.explain import render
from engine.models import Text

LABELS = {"scenario": Text(zh="使用场景", en="usage scenario")}


def test_placeholders_take_fact_values():
    assert render("向{recipient}提供", {"recipient": "某公司"}, "zh", {}) == "向某公司提供"


def test_lists_join_per_language():
    assert render("{fields}", {"fields": ["a", "b"]}, "zh", {}) == "a、b"
    assert render("{fields}", {"fields": ["a", "b"]}, "en", {}) == "a, b"


def test_code_words_become_labels_in_the_message_language():
    assert render("缺少{item}", {"item": "scenario"}, "zh", LABELS) == "缺少使用场景"
    assert render("missing {item}", {"item": "scenario"}, "en", LABELS) == "missing usage scenario"


def test_missing_fact_is_said_not_left_as_a_brace():
    assert render("用途{purpose}", {}, "zh", {}) == "用途（未提供）"
    assert render("purpose {purpose}", {"purpose": None}, "en", {}) == "purpose (not given)"
