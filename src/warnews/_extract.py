"""The article inside a page or a text file: title, body paragraphs and metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from ._dates import page_date
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
    # How the page states `published` (see _dates.page_date); None: it does not.
    published_evidence: str | None = None


def _optional(value: object) -> str | None:
    text = normalize_paragraph(value) if isinstance(value, str) else ""
    return text or None


def extract_html(
    html: str,
    url: str | None = None,
    encoding: str = "utf-8",
    fetched: datetime | None = None,
    hint: date | None = None,
) -> Article:
    """fetched: when the page was downloaded; hint: the date of the feed item that brought it
    (the year of a date written without one)."""
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
    published, evidence = page_date(html, url, fetched, hint)
    return Article(
        title=title,
        paragraphs=paragraphs,
        published=published,
        author=_optional(getattr(document, "author", None)),
        sitename=_optional(getattr(document, "sitename", None)),
        canonical_url=_optional(getattr(document, "url", None)),
        encoding=encoding,
        published_evidence=evidence,
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
    data: bytes,
    media_type: str | None,
    charset: str | None,
    url: str | None,
    name: str | None,
    fetched: datetime | None = None,
    hint: date | None = None,
) -> Article:
    """Decode and extract an article from a downloaded page or a file's bytes (fetched,
    hint: see extract_html)."""
    if media_type and media_type not in _HTML_TYPES and media_type not in _SNIFF_TYPES:
        raise ExtractError(f"not an article: the server sent {media_type}", permanent=True)
    if not data.strip():
        raise ExtractError("empty: nothing to translate")
    html = is_html(data, media_type, name)
    text, encoding = decode(data, charset or (declared_charset(data) if html else None))
    if html:
        return extract_html(text, url, encoding, fetched, hint)
    return extract_text(text, encoding)
