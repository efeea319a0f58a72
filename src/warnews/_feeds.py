"""RSS and Atom feeds: a conditional GET, then the article links of the items (feedparser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

import feedparser

from ._dates import written_date
from ._errors import FetchError

# Entity declarations have no business in a feed, and are how a small document expands
# to gigabytes ("billion laughs") or reads local files (external entities).
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)


@dataclass(frozen=True)
class FeedItems:
    links: list[str]  # absolute http(s) links, in feed order, each once
    without_link: int  # items that name no article
    published: dict[str, date] = field(default_factory=dict)  # link -> its item's date, when it has one


@dataclass(frozen=True)
class FeedAnswer:
    changed: bool  # False: 304 Not Modified, nothing to read
    items: FeedItems
    etag: str | None
    last_modified: str | None


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def parse_feed(data: bytes, base_url: str) -> FeedItems:
    """The article links of a feed document; relative links are resolved against base_url."""
    if _ENTITY_DECLARATION.search(data):
        raise FetchError("it declares XML entities (<!ENTITY>), refused without expanding them")
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        cause = parsed.get("bozo_exception")
        detail = f": {cause}" if cause else ""
        raise FetchError(f"not an RSS or Atom feed{detail}")
    if not parsed.entries and not parsed.get("version"):
        raise FetchError("not an RSS or Atom feed")
    links: list[str] = []
    seen: set[str] = set()
    without_link = 0
    published: dict[str, date] = {}
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
    return FeedItems(links, without_link, published)


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


def _entry_link(entry: feedparser.FeedParserDict) -> str:
    link = entry.get("link")
    if isinstance(link, str) and link.strip():
        return link.strip()
    for candidate in entry.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"]).strip()
    return ""
