"""The article inside a page or a text file: title, body paragraphs and metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePath
from typing import Any

from ._decode import declared_charset, decode
from ._errors import ExtractError
from ._normalize import clean, normalize_paragraph, split_paragraphs

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFF_TYPES = frozenset({"text/plain", "application/octet-stream", "text/markdown"})
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TITLE_MAX = 200
# trafilatura falls back to whatever text a page has (a menu, a cookie notice); below
# this many characters a page is taken to hold no article.
MIN_ARTICLE_CHARS = 80
_SENTENCE_PUNCTUATION = tuple(".!?…:;,")

MONTHS = {
    # Ukrainian and Russian genitive month names, as dates are written in running text.
    **{
        name: number
        for number, name in enumerate(
            "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split(),
            1,
        )
    },
    **{
        name: number
        for number, name in enumerate(
            "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(), 1
        )
    },
    **{
        name: number
        for number, name in enumerate(
            "january february march april may june july august september october november december".split(), 1
        )
    },
}
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_ENGLISH_DATE = re.compile(r"\b(" + "|".join(list(MONTHS)[24:]) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Dropped:
    """A paragraph of the page left out of the article, and why: "notice" (a notice warnews
    knows: comment rules, "found a typo?"), "site" (it recurs across the site's articles:
    see drop_recurring), "navigation" (menus, "read also" links)."""

    text: str
    why: str


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: list[str]
    published: date | None = None
    author: str | None = None
    sitename: str | None = None
    canonical_url: str | None = None
    encoding: str = "utf-8"
    # A Telegram post's own record (the sidecar's "telegram"), for an article that is one.
    post: Mapping[str, Any] | None = None
    # The languages of the text around the article (a channel's posts): what its own
    # language is likely to be, for a text too short to tell (see detect_language).
    prior: Mapping[str, float] = field(default_factory=dict)
    # Paragraphs of the page left out of the body, and why (the sidecar's "dropped").
    dropped: tuple[Dropped, ...] = ()


def paragraph_key(text: str) -> bytes:
    """What a paragraph is compared by across a site's articles: a 16-byte digest of its
    text normalized (NFC, invisible characters out, whitespace runs one space) and casefolded."""
    return hashlib.blake2b(normalize_paragraph(text).casefold().encode(), digest_size=16).digest()


def _recurring_indexes(article: Article, recurring: Collection[bytes]) -> list[int]:
    """The body paragraphs whose key is in recurring, the title never (a body paragraph
    that repeats the title stays with it)."""
    title = paragraph_key(article.title) if article.title else None
    keys = [paragraph_key(paragraph) for paragraph in article.paragraphs]
    return [index for index, key in enumerate(keys) if key in recurring and key != title]


def republished(article: Article, recurring: Collection[bytes]) -> bool:
    """Whether the paragraphs of the article seen before make more than half of its body's
    characters: then it is no article carrying a site's boilerplate but an article published
    again (at another address, or in another form), and nothing is dropped from it."""
    indexes = _recurring_indexes(article, recurring)
    total = sum(len(paragraph) for paragraph in article.paragraphs)
    return 2 * sum(len(article.paragraphs[index]) for index in indexes) > total


def drop_recurring(article: Article, recurring: Collection[bytes]) -> Article:
    """The article without the body paragraphs whose key (paragraph_key) is in recurring:
    what its site repeats across its articles (a notice, a "read also" block, a channel's
    signature line), each recorded in `dropped` as "site". Never the title, nor a paragraph
    that repeats it; nothing at all when what would go is more than half of the body (see
    republished)."""
    indexes = set(_recurring_indexes(article, recurring))
    if not indexes or republished(article, recurring):
        return article
    return replace(
        article,
        paragraphs=[paragraph for index, paragraph in enumerate(article.paragraphs) if index not in indexes],
        dropped=(
            *article.dropped,
            *(Dropped(article.paragraphs[index], "site") for index in sorted(indexes)),
        ),
    )


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 1990 <= year <= 2100 else None


def find_date(text: str) -> date | None:
    """The first full date written out in text: '10 січня 2024', 'January 10, 2024', '10.01.2024'."""
    found: list[tuple[int, date]] = []
    for match in _WORD_DATE.finditer(text):
        day = _valid_date(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
        if day:
            found.append((match.start(), day))
            break
    for match in _ENGLISH_DATE.finditer(text):
        day = _valid_date(int(match[3]), MONTHS[match[1].lower()], int(match[2]))
        if day:
            found.append((match.start(), day))
            break
    for match in _DOTTED_DATE.finditer(text):
        day = _valid_date(int(match[3]), int(match[2]), int(match[1]))
        if day:
            found.append((match.start(), day))
            break
    return min(found)[1] if found else None


def _visible_text(html: str) -> str:
    return _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", html))


def _optional(value: object) -> str | None:
    text = normalize_paragraph(value) if isinstance(value, str) else ""
    return text or None


def extract_html(html: str, url: str | None = None, encoding: str = "utf-8") -> Article:
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Only dates the page states (meta tags, JSON-LD, <time>, the URL): htmldate's
        # extensive search guesses, e.g. 1 January from a bare year.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(document, "text", None) or ""
    title = normalize_paragraph(getattr(document, "title", None) or "")
    paragraphs = split_paragraphs(body.replace("\n", "\n\n"))
    # trafilatura keeps the page's <h1> as the first line of the body: it is the title.
    while paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs.pop(0)
    size = sum(len(paragraph) for paragraph in paragraphs)
    if size < MIN_ARTICLE_CHARS:
        raise ExtractError(f"no article text found on the page ({size} characters of text)")
    stated = getattr(document, "date", None)
    if isinstance(stated, str) and stated:
        published: date | None = date.fromisoformat(stated[:10])
    else:
        published = find_date(_visible_text(html)[:50_000])
    return Article(
        title=title,
        paragraphs=paragraphs,
        published=published,
        author=_optional(getattr(document, "author", None)),
        sitename=_optional(getattr(document, "sitename", None)),
        canonical_url=_optional(getattr(document, "url", None)),
        encoding=encoding,
    )


def _heading_like(line: str) -> bool:
    line = normalize_paragraph(line)
    return 0 < len(line) <= _TITLE_MAX and not line.endswith(_SENTENCE_PUNCTUATION)


def extract_text(text: str, encoding: str = "utf-8") -> Article:
    """A plain-text article: a heading-like first line followed by a blank line is its title."""
    lines = clean(text).strip().split("\n")
    title = ""
    if len(lines) > 2 and not lines[1].strip() and _heading_like(lines[0]):
        title, lines = normalize_paragraph(lines[0]), lines[2:]
    paragraphs = split_paragraphs("\n".join(lines))
    if not paragraphs:
        raise ExtractError("no text to translate")
    return Article(title=title, paragraphs=paragraphs, encoding=encoding)


def is_html(data: bytes, media_type: str | None, name: str | None = None) -> bool:
    if media_type in _HTML_TYPES:
        return True
    if name and PurePath(name).suffix.lower() in _HTML_SUFFIXES:
        return True
    return bool(_HTML_START.match(data[:4096]))


def extract(
    data: bytes, media_type: str | None, charset: str | None, url: str | None, name: str | None
) -> Article:
    """Decode and extract an article from a downloaded page or a file's bytes."""
    if media_type and media_type not in _HTML_TYPES and media_type not in _SNIFF_TYPES:
        raise ExtractError(f"not an article: the server sent {media_type}", permanent=True)
    if not data.strip():
        raise ExtractError("empty: nothing to translate")
    html = is_html(data, media_type, name)
    text, encoding = decode(data, charset or (declared_charset(data) if html else None))
    if html:
        return extract_html(text, url, encoding)
    return extract_text(text, encoding)
