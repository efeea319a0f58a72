"""RSS and Atom feeds: a conditional GET, then the article links of the items (feedparser)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

from .._dates import written_date
from .._errors import FetchError

if TYPE_CHECKING:  # imported when a feed is parsed: most runs read none
    import feedparser

# Entity declarations have no business in a feed, and are how a small document expands
# to gigabytes ("billion laughs") or reads local files (external entities).
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)


@dataclass(frozen=True)
class Entry:
    """An item as a digest shows it (`warnews feed --titles-only`): plain text, no markup."""

    link: str
    title: str
    summary: str
    published: date | None


@dataclass(frozen=True)
class FeedItems:
    links: list[str]  # absolute http(s) links, in feed order, each once
    without_link: int  # items that name no article
    published: dict[str, date] = field(default_factory=dict)  # link -> its item's date, when it has one
    entries: tuple[Entry, ...] = ()  # the items of `links`, in their order


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def wanted(day: date | None, since: date | None) -> bool:
    """Whether a feed item of this day is wanted (--since); an undated one is."""
    return since is None or day is None or day >= since


def parse_feed(data: bytes, base_url: str) -> FeedItems:
    """The article links of a feed document; relative links are resolved against base_url."""
    if _ENTITY_DECLARATION.search(data):
        raise FetchError("it declares XML entities (<!ENTITY>), refused without expanding them")
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise FetchError(_not_a_feed(data, bool(parsed.bozo)))
    links: list[str] = []
    seen: set[str] = set()
    without_link = 0
    published: dict[str, date] = {}
    entries: list[Entry] = []
    for entry in parsed.entries:
        link = _entry_link(entry)
        absolute = urljoin(base_url, link) if link else ""
        if urlsplit(absolute).scheme not in ("http", "https"):
            without_link += 1
            continue
        if absolute not in seen:
            seen.add(absolute)
            links.append(absolute)
            day = _entry_date(entry)
            if day is not None:
                published[absolute] = day
            entries.append(Entry(absolute, _plain(entry, "title"), _plain(entry, "summary"), day))
    if not links and parsed.bozo and isinstance(parsed.get("bozo_exception"), SAXException):
        # Broken XML that gave items without links (a cut or mangled document): no feed
        # read, said so, rather than a feed that seems empty.
        raise FetchError(_not_a_feed(data, True))
    return FeedItems(links, without_link, published, tuple(entries))


_TAG = re.compile(r"<[^>]*>")


def _plain(entry: feedparser.FeedParserDict, name: str) -> str:
    """An item's title or summary as plain text: markup (an HTML title, a summary's
    paragraphs and images) taken out, its entities read; not yet normalized."""
    text = dict.get(entry, name)
    if not isinstance(text, str):
        return ""
    detail = dict.get(entry, f"{name}_detail") or {}
    if "html" in str(detail.get("type", "text/html")):
        text = html.unescape(_TAG.sub(" ", text))
    return text


def _entry_date(entry: feedparser.FeedParserDict) -> date | None:
    """An item's publication date (RSS pubDate, Atom published), else when it was last
    updated (Atom's only required date): the day as the feed wrote it."""
    for name in ("published", "updated"):
        # dict.get: feedparser's own get maps one key to the other, with a DeprecationWarning.
        text = dict.get(entry, name)
        day = written_date(text) if isinstance(text, str) else None
        parsed = dict.get(entry, f"{name}_parsed")
        if day is None and parsed:  # a form feedparser reads and the standard library does not
            day = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        if day is not None:
            return day
    return None


def looks_like_html(data: bytes) -> bool:
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _not_a_feed(data: bytes, broken: bool) -> str:
    """What a document that is no feed is, in plain words (the XML parser's message names
    positions in a document that feedparser rewrote, and its own internals)."""
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if looks_like_html(data):
        return "a web page, not an RSS or Atom feed"
    if start[:1] in (b"{", b"["):
        return "a JSON document, not an RSS or Atom feed"
    if not start:
        return "not an RSS or Atom feed (the answer is empty)"
    return "not an RSS or Atom feed (its XML is not well-formed)" if broken else "not an RSS or Atom feed"


def _entry_link(entry: feedparser.FeedParserDict) -> str:
    link = entry.get("link")
    if isinstance(link, str) and link.strip():
        return link.strip()
    for candidate in entry.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"]).strip()
    return ""
