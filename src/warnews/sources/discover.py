"""A web page named as a feed: the feed it names (<link rel="alternate">), or, when it
names none, the one at a usual path of its site (/feed, /rss, /rss.xml, ...)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from .._errors import FetchError
from .._net import Download
from .._state import site
from .feeds import FeedItems, conditional_headers, looks_like_html, parse_feed

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
USUAL_PATHS = ("feed", "rss", "rss.xml", "feed.xml", "atom.xml", "index.xml")
# A page naming hundreds of feeds costs no more requests than the usual paths would.
MAX_NAMED = len(USUAL_PATHS)
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})

Downloader = Callable[[str, dict[str, str]], Download]


def is_web_page(media_type: str | None, data: bytes) -> bool:
    """Whether an answer is an HTML page (by its media type, or by how it starts)."""
    return media_type in _PAGE_TYPES or looks_like_html(data)


def feed_links(page: bytes, page_url: str) -> tuple[list[str], list[str]]:
    """The RSS and Atom feeds a page names (rel="alternate"), resolved against its URL,
    each once, in page order: (those on the page's own site, those on other sites)."""
    import lxml.etree  # here: only pages given as feeds need it
    import lxml.html

    try:
        root = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):  # empty, or not HTML
        return [], []
    base = page_url
    for element in root.iter("base"):
        if element.get("href"):
            base = urljoin(page_url, element.get("href", "").strip())
            break
    own: list[str] = []
    elsewhere: list[str] = []
    seen: set[str] = set()
    home = site(page_url)
    for element in root.iter("link", "a"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        href = (element.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        # Any page can name any URL: a feed on another site is not this site's feed.
        (own if site(url) == home else elsewhere).append(url)
    return own, elsewhere


def usual_feeds(page_url: str) -> list[str]:
    """Where sites usually keep their feed, on the page's origin."""
    parts = urlsplit(page_url)
    return [f"{parts.scheme}://{parts.netloc}/{path}" for path in USUAL_PATHS]


def read_feed(answer: Download, download: Downloader) -> tuple[Download, FeedItems, str | None]:
    """The items of a feed's answer; for a web page, those of the first feed it names that
    parses (or, if it names none on its site, of the first usual path that does), with
    that feed's URL (None: the answer was the feed). One request per candidate."""
    try:
        return answer, parse_feed(answer.content, answer.final_url), None
    except FetchError:
        if not is_web_page(answer.media_type, answer.content):
            raise
    named, elsewhere = feed_links(answer.content, answer.final_url)
    failures = []
    for candidate in named[:MAX_NAMED] or usual_feeds(answer.final_url):
        if candidate == answer.final_url:
            continue
        try:
            found = download(candidate, conditional_headers(None, None))
            return found, parse_feed(found.content, found.final_url), candidate
        except FetchError as error:
            if named:  # a feed the page names that fails is worth saying; a guess is not
                failures.append(f"its feed {candidate}: {error}")
    failures += [f"its feed on another site, {url}, is not read" for url in elsewhere[:1]]
    detail = "".join(f"; {failure}" for failure in failures[:2])
    raise FetchError(
        "no RSS or Atom feed found there (a web page, and none of its links or the usual paths is a feed"
        f"{detail})"
    )
