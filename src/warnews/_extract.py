"""The article inside a page or a text file: title, body paragraphs and metadata."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from html import unescape
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from ._dates import first_words, headline_element, is_logo, page_date, parse_page
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

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Dropped:
    """A paragraph of the page left out of the article, and why: "notice" (a line every
    site has, data/notices.txt), "navigation" (a menu or a list of links around the
    article), "site" (a paragraph this site repeats under its articles)."""

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
    # What was left out of the page as not the article (the sidecar's "dropped").
    dropped: tuple[Dropped, ...] = ()
    # How the page states `published` (see _dates.page_date); None: it does not.
    published_evidence: str | None = None


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


def _visible_text(html: str) -> str:
    return _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", html))


# Where a paragraph ends in HTML: a CMS puts the body's HTML into JSON-LD's articleBody.
_BLOCK_BREAK = re.compile(r"<(?:br|/?(?:p|div|h[1-6]|li|blockquote|tr))\b[^>]*>", re.I)


def _stated_paragraphs(text: str) -> list[str]:
    """The paragraphs of an articleBody: its lines, or its HTML's blocks; its entities read."""
    if _BLOCK_BREAK.search(text):
        text = _BLOCK_BREAK.sub("\n", re.sub(r"\s+", " ", _SCRIPT_OR_STYLE.sub(" ", text)))
    return split_paragraphs(unescape(_visible_text(text)).replace("\n", "\n\n"))


def _optional(value: object) -> str | None:
    text = normalize_paragraph(value) if isinstance(value, str) else ""
    return text or None


@dataclass(frozen=True)
class Body:
    """An extractor's paragraphs once cleaned: the article's, and what was left out."""

    paragraphs: tuple[str, ...]
    dropped: tuple[Dropped, ...] = ()
    refusal: str = ""  # why this is no article; "" when it is one

    @property
    def article(self) -> bool:
        return not self.refusal


# A notice is a short line: a long paragraph that starts as one is the article's own.
NOTICE_MAX = 300
# A menu's lines: a few words, no sentence. Three in a row at the body's start or end
# are a menu or a list of links around the article; a body mostly made of them
# (NAVIGATION_SHARE of NAVIGATION_LINES or more) is a page's navigation, not its article.
_NAVIGATION_WORDS = 6
_NAVIGATION_CHARS = 60
_NAVIGATION_RUN = 3
_NAVIGATION_LINES = 10
_NAVIGATION_SHARE = 0.7
_SENTENCE_END = tuple(".!?…")
_CLOSING_QUOTES = "»”\"'"


@functools.cache
def _notices() -> re.Pattern[str]:
    text = resources.files("warnews").joinpath("data", "notices.txt").read_text("utf-8")
    patterns = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.I)


def is_notice(paragraph: str) -> bool:
    """A site's furniture rather than its article: "Читайте також: …", "Found a typo?
    Press Ctrl+Enter", a comment form's terms, a subscription line, a copyright line."""
    return len(paragraph) <= NOTICE_MAX and _notices().match(paragraph) is not None


def _menu_line(paragraph: str) -> bool:
    return (
        not paragraph.startswith("|")  # a table's row (trafilatura writes "| cell | cell |")
        and len(paragraph) <= _NAVIGATION_CHARS
        and len(paragraph.split()) <= _NAVIGATION_WORDS
        and not paragraph.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)
    )


def _link_words(page: Any) -> frozenset[str]:
    """The words of a page's links (see body)."""
    return frozenset(word for link in page.iter("a") for word in _WORD.findall(_plain(link.text_content())))


def _linked(line: str, links: frozenset[str]) -> bool:
    """Whether a line's words are all words of the page's links."""
    return set(_WORD.findall(_plain(line))) <= links


_WORD = re.compile(r"\w+")


def _edge_run(flags: list[bool]) -> int:
    """How many menu lines the body starts with, when they are a run long enough to be a menu."""
    run = 0
    while run < len(flags) and flags[run]:
        run += 1
    return run if run >= _NAVIGATION_RUN else 0


def body(paragraphs: Sequence[str], title: str = "", links: frozenset[str] | None = None) -> Body:
    """An extractor's paragraphs without what is not the article: the title repeated
    as a line, notices, and the menus at the body's start and end. A body that is
    mostly menu lines, or too short, is no article (refusal says why). links: the words
    of the page's links (_link_words), when known: a navigation's lines are links, a
    list in the article (a schedule, names) is not."""
    kept: list[str] = []
    dropped: list[Dropped] = []
    for paragraph in paragraphs:
        if not kept and title and paragraph.casefold() == title.casefold():
            continue  # trafilatura starts the body with the <h1>: it is the title
        if is_notice(paragraph):
            dropped.append(Dropped(paragraph, "notice"))
        else:
            kept.append(paragraph)
    linked = [_menu_line(line) and (links is None or _linked(line, links)) for line in kept]
    if len(kept) >= _NAVIGATION_LINES and sum(linked) >= _NAVIGATION_SHARE * len(kept):
        return Body((), tuple(dropped), "no article text found on the page (only its navigation)")
    start = _edge_run(linked)
    end = len(kept) - _edge_run(linked[::-1])
    if start < end:
        dropped += [Dropped(line, "navigation") for line in kept[:start] + kept[end:]]
        kept = kept[start:end]
    size = sum(len(paragraph) for paragraph in kept)
    if size < MIN_ARTICLE_CHARS:
        return Body((), tuple(dropped), f"no article text found on the page ({size} characters of text)")
    return Body(tuple(kept), tuple(dropped))


# Between a headline and the site's name in a <title> or og:title: "Новина - ZAXID.NET",
# "Газета.Ru - Новина", "Новина | Політика | Сайт".
_TITLE_PARTS = re.compile(r"\s+[|–—\-:·•/»«~]+\s+")
_DOMAIN_LIKE = re.compile(r"\b[\w-]+\.(ru|ua|net|com|org|info|kz|by|media|news|tv)\b", re.I)
_SITE_NAME_MAX = 40
_SITE_NAME_WORDS = 2  # "Газета.Ru", "Новости Mail.ru"; "Хакери зламали mil.ru" is a headline
_HEADLINE_MIN = 10
# An element holding the article's first paragraph holds little else: not a page's wrapper.
_NEST_MAX = 20


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[«»„“”\"'’]", "", text).casefold().split())


def strip_site_name(title: str, names: Sequence[str] = ()) -> str:
    """A title without the site's name glued before or after it: one of names (the
    page's og:site_name, its domain), or a part that reads like a domain ("Газета.Ru")."""
    known = {_plain(name) for name in names if name}
    parts = _TITLE_PARTS.split(title)

    def site_like(part: str) -> bool:
        plain = _plain(part)
        return plain in known or (
            len(part) <= _SITE_NAME_MAX
            and len(part.split()) <= _SITE_NAME_WORDS
            and bool(_DOMAIN_LIKE.search(part))
        )

    while len(parts) > 1 and site_like(parts[-1]):
        parts.pop()
    while len(parts) > 1 and site_like(parts[0]):
        parts.pop(0)
    if len(parts) == len(_TITLE_PARTS.split(title)):
        return title
    # What is left is rejoined from the original, so its own dashes and bars are kept.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else title


def _text(element: Any) -> str:
    return normalize_paragraph(element.text_content())


def _site_names(page: Any, sitename: str | None, url: str | None) -> list[str]:
    names = [sitename or ""]
    names += page.xpath('//meta[@property="og:site_name"]/@content') if page is not None else []
    if url:
        host = urlsplit(url).hostname or ""
        names += [host, host.removeprefix("www.")]
    return [normalize_paragraph(name) for name in names if name]


def _heading_before(page: Any, text: str) -> str:
    """The heading right above the paragraph that starts with text: an old layout's
    <h2> or <h3> headline over its article, where the page has no <h1>; not one in another
    column of a layout table (a side column's "Рубрики")."""
    probe = _plain(text)[:_LEAD_MIN]
    for element in page.iter("p", "div", "td"):
        if len(element) > _NEST_MAX or not _plain(first_words(element)).startswith(probe):
            continue
        cell = element.xpath("ancestor-or-self::td[1]")
        for heading in element.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4][1]"):
            return _text(heading) if heading.xpath("ancestor::td[1]") == cell else ""
        return ""
    return ""


def headline(
    page: Any, title: str, sitename: str | None = None, url: str | None = None, start: str = ""
) -> str:
    """The article's headline: its <h1> when the page has one that is it (the one
    the page marks as its headline, the only headline-sized one, or the one its title
    names); else the page's og:title; else the heading right above the article's text
    (start, its first words); else the title trafilatura read; without the site's name."""
    names = _site_names(page, sitename, url)
    if page is not None:
        named = {_plain(name) for name in names}

        def fits(text: str) -> bool:
            return _HEADLINE_MIN <= len(text) <= _TITLE_MAX and _plain(text) not in named

        stated = page.xpath(
            '//h1[@itemprop="headline"] | //article//h1 | //*[@itemprop="headline"][self::h1 or self::h2]'
        )
        for text in (_text(element) for element in stated):
            if fits(text):
                return text
        headings = [
            text
            for text in (_text(element) for element in page.iter("h1") if not is_logo(element))
            if fits(text)
        ]
        if len(set(headings)) == 1:
            return headings[0]
        plain = _plain(title)
        for text in headings:
            if plain and _plain(text) in plain:
                return text
        social = [normalize_paragraph(text) for text in page.xpath('//meta[@property="og:title"]/@content')]
        if not any(social) and start:
            above = _heading_before(page, start)
            if fits(above):
                return above
    return strip_site_name(title, names)[:_TITLE_MAX]


# A lead paragraph: what sites call the short text between a headline and the body.
_LEAD_CLASS = re.compile(
    r"lead|intro|heading|subtitle|sub-title|standfirst|summary|anons|annot|excerpt|kicker|deck|description",
    re.I,
)
_NOT_LEAD = re.compile(
    r"related|similar|more|list|feed|widget|sidebar|promo|banner|card|item|menu|nav|footer|comment|popup|modal|subscri|img|image|photo|caption|video|header__",
    re.I,
)
_LEAD_MIN = 40
_LEAD_MAX = 1200
_LEAD_WORDS = 6


_NEVER_LEAD = frozenset({"a", "li", "ul", "ol", "nav", "aside", "header", "footer", "h1", "script", "style"})
_LEADS_MAX = 2  # a subtitle and a lead


def _lead_like(element: Any) -> bool:
    marks = " ".join(element.get(name, "") for name in ("class", "id", "itemprop"))
    if element.tag in _NEVER_LEAD or not _LEAD_CLASS.search(marks) or _NOT_LEAD.search(marks):
        return False
    return not any(
        up.tag in {"nav", "aside", "footer", "a", "li"}
        or _NOT_LEAD.search(" ".join(up.get(name, "") for name in ("class", "id")))
        for up in element.iterancestors()
    )


def _leads(page: Any, paragraphs: Sequence[str], title: str) -> list[str]:
    """The lead paragraphs trafilatura left out: the elements between the headline and
    the body that the page marks as a lead or subtitle (class "lead", "intro",
    "newsHeading", "subtitle", itemprop "description"…), each a sentence or more, not a
    link, and not in the body already; at most two."""
    heading = headline_element(page, title)  # the one page_date reads the date after
    if heading is None or not paragraphs:
        return []
    joined = _plain(" ".join(paragraphs))
    probe = _plain(paragraphs[0])[:_LEAD_MIN]
    found: list[str] = []
    taken: list[Any] = []
    inside: set[Any] = set()  # what the leads taken hold
    after = False
    for element in page.iter():
        if element is heading:
            after = True
            continue
        if not after or not isinstance(element.tag, str):
            continue
        if element.tag == "p" and _plain(first_words(element)).startswith(probe):
            break  # the body begins
        if element in inside or not _lead_like(element):
            continue
        text = _text(element)
        if not (_LEAD_MIN <= len(text) <= _LEAD_MAX) or len(text.split()) < _LEAD_WORDS or is_notice(text):
            continue
        if sum(len(_text(link)) for link in element.iter("a")) * 2 > len(text):
            continue
        plain = _plain(text)
        if probe in plain:
            break  # this wraps the body
        taken.append(element)
        inside.update(element.iterdescendants())
        if plain[:_LEAD_MIN] not in joined:
            found.append(text)
        if len(taken) == _LEADS_MAX:
            break
    return found


def _article_body(page: Any) -> list[str]:
    """The article's text as its JSON-LD states it (articleBody), else as the element the
    page marks as the article's body (itemprop="articleBody", <article>) holds it."""
    for script in page.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                text = item.get("articleBody")
                if isinstance(text, str) and len(text) >= MIN_ARTICLE_CHARS:
                    return _stated_paragraphs(text)
                stack.extend(value for value in item.values() if isinstance(value, (dict, list)))
    for element in page.xpath('//*[@itemprop="articleBody"] | //article'):
        blocks = element.xpath(".//p | .//blockquote | .//h2 | .//h3 | .//li")
        inner = {child for block in blocks for child in block.iterdescendants()}
        # A block inside another (a quote's <p>, a list item's) is read with it, once.
        lines = [_text(block) for block in blocks if block not in inner]
        lines = [line for line in lines if line]
        if sum(len(line) for line in lines) >= MIN_ARTICLE_CHARS:
            return lines
    return []


def _second_opinions(html: str, page: Any, url: str | None) -> Iterator[list[str]]:
    """Other readings of a page whose first reading held no article (navigation, or
    too little text): what the page states as its article's body, then trafilatura
    favouring recall."""
    import trafilatura

    if page is not None:
        yield _article_body(page)
    document = trafilatura.bare_extraction(
        html, url=url, favor_recall=True, include_comments=False, include_tables=True
    )
    yield split_paragraphs((getattr(document, "text", None) or "").replace("\n", "\n\n"))


def _without_layout_tables(html: str, page: Any) -> Any:
    """A copy of the page whose layout tables (a 2000s site's columns: cells that hold
    several paragraphs, headings, lists or other tables) are blocks, as a newer page's columns
    are; or the page's HTML when it has none (trafilatura changes a tree it is given).
    trafilatura reads a layout table as a table: the menu, the article and the side
    column glued into one paragraph."""
    if page is None or not page.xpath(_LAYOUT_TABLE):
        return html
    copied = copy.deepcopy(page)
    for table in copied.xpath(_LAYOUT_TABLE):
        for element in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
            element.tag = "div"
    return copied


# A layout table's cell holds a column: headings, a list, a table, or several blocks. A
# data table's cell holds one (a word processor writes each cell as a <p>).
_LAYOUT_TABLE = "//table[.//td[.//h1 or .//h2 or .//h3 or .//table or .//ul or count(.//p | .//div) > 1]]"


def _first_prose(lines: Sequence[str]) -> str:
    return next((line for line in lines if not _menu_line(line)), "")


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

    page = parse_page(html)
    document = trafilatura.bare_extraction(
        _without_layout_tables(html, page),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # trafilatura's metadata always runs htmldate, whose date is not used (page_date's
        # is): its quick search halves the time of a page, the extensive one reads all its text.
        date_extraction_params={"extensive_search": False},
    )
    sitename = _optional(getattr(document, "sitename", None))
    lines = split_paragraphs((getattr(document, "text", None) or "").replace("\n", "\n\n"))
    read = normalize_paragraph(getattr(document, "title", None) or "")
    title = headline(page, read, sitename, url, _first_prose(lines))
    links = _link_words(page) if page is not None else None
    found = body(lines, title, links)
    if not found.article:
        for opinion in _second_opinions(html, page, url):
            found = body(opinion, title, links)
            if found.article:
                break
    if not found.article:
        raise ExtractError(found.refusal)
    paragraphs, dropped = list(found.paragraphs), found.dropped
    if page is not None:
        paragraphs[:0] = _leads(page, paragraphs, title)
    published, evidence = page_date(html, url, fetched, hint, title, page)
    return Article(
        title=title,
        paragraphs=paragraphs,
        published=published,
        author=_optional(getattr(document, "author", None)),
        sitename=sitename,
        canonical_url=_optional(getattr(document, "url", None)),
        encoding=encoding,
        dropped=dropped,
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
