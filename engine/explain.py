"""Turn the facts a rule emits into the cited, bilingual explanation."""

from __future__ import annotations

import re
from typing import Any

from .lawtext import article_ref
from .metadata import RuleMeta
from .models import Obligation, Text, Violation

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MISSING = {"zh": "（未提供）", "en": "(not given)"}
_JOIN = {"zh": "、", "en": ", "}


def _localise(value: Any, lang: str, labels: dict[str, Text]) -> str:
    if isinstance(value, list):
        return _JOIN[lang].join(_localise(v, lang, labels) for v in value) or _MISSING[lang]
    if isinstance(value, str) and value in labels:
        return getattr(labels[value], lang)
    if value is None or value == "":
        return _MISSING[lang]
    if isinstance(value, bool):
        return {"zh": "是" if value else "否", "en": "yes" if value else "no"}[lang]
    return str(value)


def render(template: str, facts: dict[str, Any], lang: str, labels: dict[str, Text]) -> str:
    return _PLACEHOLDER.sub(lambda m: _localise(facts.get(m.group(1)), lang, labels), template)


def render_text(text: Text, facts: dict[str, Any], labels: dict[str, Text]) -> Text:
    return Text(zh=render(text.zh, facts, "zh", labels), en=render(text.en, facts, "en", labels))


def explain_violation(meta: RuleMeta, facts: dict[str, Any]) -> Violation:
    # A rule may name the liability item itself when it depends on who acts
    # (provider vs requester); the loader and the checks validate both forms.
    liability = facts.get("liability", meta.liability)
    return Violation(
        code=meta.code,
        regulation=meta.regulation,
        article=meta.article,
        paragraph=meta.paragraph,
        item=meta.item,
        liability=str(liability) if liability is not None else None,
        severity=meta.severity,
        title=meta.title,
        message=render_text(meta.message, facts, meta.labels),
        remedy=render_text(meta.remedy, facts, meta.labels),
        facts=facts,
        rule=meta.package,
        article_ref=article_ref(meta.regulation, meta.article),
    )


def explain_obligation(meta: RuleMeta, facts: dict[str, Any]) -> Obligation:
    return Obligation(
        code=meta.code,
        regulation=meta.regulation,
        article=meta.article,
        paragraph=meta.paragraph,
        title=meta.title,
        message=render_text(meta.message, facts, meta.labels),
        facts=facts,
        rule=meta.package,
    )
