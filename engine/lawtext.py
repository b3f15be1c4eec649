"""The official texts of the regulations, split into articles, paragraphs and items.

The texts ship inside the package (engine/regulation_texts/) so a rule's
`quote:` can be held to the words of the law wherever the checks run. A
citation (article, paragraph 款, item 项) maps to the text it names.

Two layouts: the GDSR file has one paragraph a line; the Jiyuan file is a PDF
extraction wrapped at a fixed width, so there a paragraph (or an item) ends
at a line ending in 。 (an item also at ；), or where the next item begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEXT_DIR = Path(__file__).parent / "regulation_texts"
# regulation key → (file, wrapped at a fixed width)
_SOURCES = {"gdsr": ("gdsr.txt", False), "jiyuan": ("jiyuan.txt", True)}

_NUMERAL = "零〇一二三四五六七八九十百"
_ARTICLE = re.compile(rf"^第([{_NUMERAL}]+)条[\s\u3000]*(.*)$")
_CHAPTER = re.compile(rf"^第[{_NUMERAL}]+章")
_ITEM = re.compile(rf"^（([{_NUMERAL}]+)）")
# What follows the last article in the Jiyuan file: the issuing office's footer.
_TRAILER = re.compile(r"^(主办|抄送)[:：]")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_WHITESPACE = re.compile(r"\s+")


def chinese_numeral(text: str) -> int:
    """第四十二条 → 42: the numerals of article and item numbers (up to 999)."""
    if not text or any(c not in _NUMERAL for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:  # 十 or 百: a bare one counts as one (十二 = 12)
            total += (digit or 1) * (10 if char == "十" else 100)
            digit = 0
    return total + digit


def article_ref(regulation: str, number: int) -> str:
    """A stable reference to an article's text, `gdsr-25`: the console's anchor
    and, as `/v1/articles/gdsr/25`, the API's path."""
    return f"{regulation}-{number}"


def without_whitespace(text: str) -> str:
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Paragraph:
    number: int
    lead: str  # the paragraph's own words, before any items
    items: tuple[str, ...] = ()  # each with its marker, e.g. "（一）……"

    @property
    def text(self) -> str:
        return "\n".join((self.lead, *self.items))


@dataclass(frozen=True)
class ArticleText:
    regulation: str
    number: int
    paragraphs: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        """The article without its heading 第…条, one paragraph or item a line."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def anchor(self) -> str:
        return article_ref(self.regulation, self.number)

    def clause(self, paragraph: int | None = None, item: int | None = None) -> str:
        """The text a citation names. An item cited without a paragraph is an
        item of the one paragraph that has items (第十四条第三项). Raises
        LookupError for a paragraph or item the article does not have."""
        if paragraph is None and item is None:
            return self.text
        if paragraph is not None:
            if not 1 <= paragraph <= len(self.paragraphs):
                raise LookupError(f"{self.regulation} art {self.number} has no paragraph {paragraph} (it has {len(self.paragraphs)})")
            chosen = self.paragraphs[paragraph - 1]
        else:
            with_items = [p for p in self.paragraphs if p.items]
            if len(with_items) != 1:
                raise LookupError(f"{self.regulation} art {self.number}: an item needs its paragraph ({len(with_items)} paragraphs have items)")
            chosen = with_items[0]
        if item is None:
            return chosen.text
        if not 1 <= item <= len(chosen.items):
            raise LookupError(f"{self.regulation} art {self.number}({chosen.number}) has no item {item} (it has {len(chosen.items)})")
        return chosen.items[item - 1]

    def contains(self, quote: str) -> bool:
        """Whether `quote` is this article's words, whitespace aside."""
        wanted = without_whitespace(quote)
        return bool(wanted) and wanted in without_whitespace(self.text)


def parse_articles(regulation: str, text: str, wrapped: bool = False) -> dict[int, ArticleText]:
    """Split a regulation's text into its articles. A heading counts only as
    the next article in sequence, so a wrapped line that happens to begin with
    第…条 (a cross-reference) stays text."""
    articles: dict[int, list[list[str]]] = {}  # number → units (lines of one paragraph lead or item)
    current: list[list[str]] | None = None
    open_unit = False  # whether the last unit may continue on the next line (wrapped layout)
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _ARTICLE.match(line)
        if heading and chinese_numeral(heading[1]) == len(articles) + 1:
            current = articles.setdefault(len(articles) + 1, [])
            line, open_unit = heading[2].strip(), False
            if not line:
                continue
        elif current is None:
            continue  # the source line, the title, chapter 1's heading
        elif _CHAPTER.match(line) or _TRAILER.match(line):
            if _TRAILER.match(line):
                break
            current, open_unit = None, False
            continue
        if wrapped and open_unit and not _ITEM.match(line):
            current[-1].append(line)
        else:
            current.append([line])
        is_item = bool(_ITEM.match(current[-1][0]))
        open_unit = wrapped and not line.endswith("。") and not (is_item and line.endswith("；"))
    return {number: ArticleText(regulation, number, _paragraphs(units)) for number, units in articles.items()}


def _paragraphs(units: list[list[str]]) -> tuple[Paragraph, ...]:
    found: list[Paragraph] = []
    for unit in units:
        words = "".join(unit)
        if _ITEM.match(words) and found:
            last = found[-1]
            found[-1] = Paragraph(last.number, last.lead, (*last.items, words))
        else:
            found.append(Paragraph(len(found) + 1, words))
    return tuple(found)


@cache
def law_text(regulation: str) -> dict[int, ArticleText]:
    """Every article of a shipped regulation text; KeyError for one not shipped."""
    name, wrapped = _SOURCES[regulation]
    return parse_articles(regulation, (TEXT_DIR / name).read_text(encoding="utf-8"), wrapped)


def article_text(regulation: str, number: int) -> ArticleText | None:
    if regulation not in _SOURCES:
        return None
    return law_text(regulation).get(number)


def quote_problem(regulation: str, article: int, quote: str | None) -> str | None:
    """Why a rule's `quote:` is not the words of the article it cites, or None.
    Bilingual, Chinese first, like every message compliance staff read."""
    if quote is None or not str(quote).strip():
        return ("METADATA 缺少 custom.quote：须逐字引用所执行条款的原文 / "
                "METADATA custom.quote is missing: copy the clause the rule enforces from the official text")
    text = article_text(regulation, article)
    if text is None:
        return (f"没有 {regulation} 第{article}条的官方文本，无法核对 custom.quote / "
                f"no official text of {regulation} art {article} ships with govshare: custom.quote cannot be checked")
    if not text.contains(str(quote)):
        return (f"custom.quote 不是 {regulation} 第{article}条原文的一部分（已忽略空白）：{quote} / "
                f"custom.quote is not, whitespace aside, part of the text of {regulation} art {article}")
    return None
