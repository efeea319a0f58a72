"""Which publication date an article's file may state, and where it came from.

A date is only ever one a source gave, in this order of trust: what the page states
about its article (JSON-LD, meta tags, a <time> in it, its URL: page_date), a Telegram
post's time, the feed item that brought the URL, a date the page writes in words beside
its headline, the page's Last-Modified header. A date no source gave is unknown, and the
provenance line says so instead of guessing; none is ever after the crawl.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html

EARLIEST = date(1990, 1, 1)  # before any Ukrainian news site: a zeroed or made-up date
# Kyiv is two or three hours ahead of UTC: an article published after midnight there
# is dated the day after the made day (a UTC day).
AHEAD = timedelta(days=1)
# A Last-Modified this close to the answer's Date is the moment the page was generated,
# not when the article was published.
GENERATED = timedelta(seconds=60)


def sensible(day: date, made: date, today: date | None = None, crawled: date | None = None) -> bool:
    """Not absurd (1970, year 2999) and not in the future: not after the crawl's day
    where the site is (crawled), or without one, not after today (UTC) or the made day,
    whichever is later (SOURCE_DATE_EPOCH may fix the made day in the past; an article
    published since is no less real)."""
    if crawled is not None:
        return EARLIEST <= day <= crawled
    latest = max(made, today or datetime.now(UTC).date())
    return EARLIEST <= day <= latest + AHEAD


def publication(
    candidates: Sequence[tuple[str, date | None]],
    made: date,
    today: date | None = None,
    crawled: date | None = None,
) -> tuple[date | None, str | None]:
    """The first sensible (date, where it came from) of the candidates, in their order;
    (None, None) when none is."""
    for source, day in candidates:
        if day is not None and sensible(day, made, today, crawled):
            return day, source
    return None, None


def crawl_day(fetched: datetime | None, url: str | None) -> date | None:
    """The day a page was fetched, where its site is (None: not known)."""
    if fetched is None:
        return None
    zone = site_zone(url)
    return (fetched.astimezone(zone) if fetched.tzinfo else fetched.replace(tzinfo=zone)).date()


# A server clock this far from ours is wrong: ours says when the page was fetched.
_CLOCK_SKEW = timedelta(hours=1)


def fetched_at(headers: Mapping[str, str], now: datetime | None = None) -> datetime:
    """When an answer was made: its Date header (lower-case names) when it is near our
    clock, else the clock."""
    clock = now or datetime.now(UTC)
    stated = _moment(headers.get("date", ""))
    if stated is not None and stated.tzinfo is not None and abs(stated - clock) <= _CLOCK_SKEW:
        return stated
    return clock


def file_fetched(mtime: float) -> datetime:
    """When a saved page was fetched: when its file was last written (mtime), unless its clock ran
    ahead of ours or stood at zero (1970, a zip's 1980): then now."""
    now = datetime.now(UTC)
    earliest = datetime.combine(EARLIEST, time(), UTC).timestamp()
    return datetime.fromtimestamp(mtime, UTC) if earliest <= mtime <= now.timestamp() else now


def _moment(text: str) -> datetime | None:
    """An RFC 822 (RSS, HTTP) or ISO 8601 (Atom) date and time, in its own time zone."""
    text = text.strip()
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def written_date(text: str) -> date | None:
    """The day a date is written as, in the time zone it is written in (a feed's
    'Thu, 11 Jan 2024 00:30 +0200' is 11 January, as the publisher's readers saw it)."""
    moment = _moment(text)
    return moment.date() if moment is not None else None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def last_modified(headers: Mapping[str, str], now: datetime | None = None) -> date | None:
    """The day of an answer's Last-Modified (lower-case header names), when it is more
    than a minute earlier than the answer's Date (or the clock, without one)."""
    modified = _moment(headers.get("last-modified", ""))
    if modified is None:
        return None
    answered = _moment(headers.get("date", "")) if headers.get("date") else now or datetime.now(UTC)
    if answered is None:
        return None
    try:
        if _utc(modified) > _utc(answered) - GENERATED:
            return None
        return _utc(modified).date()
    except OverflowError:  # year 9999 at -12:00, or year 1: no day a page was changed
        return None


# --- The page's own date ---------------------------------------------------------------
#
# What an article states about itself (its JSON-LD, its meta tags, a <time> inside it,
# its URL) is STRONG evidence; a date read from the page's words after the headline is
# WEAK: page chrome (a header that shows the day the page was served, a list of related
# news) writes dates too, and the feed item's date is trusted before it.

STRONG = frozenset({"json-ld", "meta", "time", "url"})
_ZONES = {"ru": "Europe/Moscow", "by": "Europe/Minsk", "kz": "Asia/Almaty"}
_KYIV = "Europe/Kyiv"
_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
     "report", "scholarlyarticle", "techarticle", "socialmediaposting"}
)  # fmt: skip
_META_NAMES = frozenset(
    {"article:published_time", "og:published_time", "og:article:published_time", "datepublished",
     "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
     "dc.date.created", "dcterms.created", "dcterms.issued", "dcterms.date", "sailthru.date",
     "parsely-pub-date", "article.published", "article_date_original", "published_time",
     "publication_date", "cxenseparse:recs:publishtime", "mediator_published_time", "pub_date",
     "original-publish-date", "ya:ovs:upload_date", "citation_publication_date"}
)  # fmt: skip
# Blocks around an article that list other articles, each with its own date.
_RELATED = re.compile(
    r"relat|similar|more-?news|read-?also|readmore|also-|recommend|popular|sidebar|widget|teaser|"
    r"comment|news-?list|newsfeed|lenta|latest|other-?news|breadcrumb|menu|banner|subscri",
    re.I,
)
# A header or footer that is the article's own, though no <article> holds it.
_ARTICLE_MARK = re.compile(r"article|post|story|entry|news|material|publication", re.I)
_CHROME = frozenset({"nav", "aside"})
_SECTION_CHROME = frozenset({"header", "footer"})  # chrome unless the article's own
_HOLDERS = frozenset({"article", "main"})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "select", "option", "button"})
_BLOCKS = frozenset(
    {"p", "div", "li", "td", "th", "section", "article", "main", "header", "footer",
     "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "blockquote", "figcaption", "table", "tr", "ul"}
)  # fmt: skip
# A date in running prose ("on Thursday, 1 January, at 8:00 ...") is an event's, not the
# article's: only a date that stands alone in a short block (a byline: "24 жовтня 2024,
# 14:05") or opens a dateline ("КИЇВ, 24 жовтня. /Укрінформ/.") is read; so is a
# relative one only beside a time ("вчора о 18:30") or on its own.
_SHORT_BLOCK = 100
# What is read of a text to tell a byline or a dateline from a paragraph: a date further
# in is a sentence's (and a huge paragraph full of dates costs no more than a short one).
_OPENING = 2 * _SHORT_BLOCK
# What may stand before a dateline's date: a city in capitals ("КИЇВ, ", "МОСКВА, "), a
# capitalised name ("Київ, ") or a label ("Опубліковано: "); and after it, a stop, a
# dash, the agency or a time: "24 жовтня. /Укрінформ/", "24 жовтня 2024 року, 14:05".
_DATELINE_PREFIX = re.compile(
    r"(?:[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ'’ -]{1,30}[,.]?\s*|[A-ZА-ЯІЇЄҐ][\w'’-]{1,20}[,.]\s*|[\w ]{1,30}:\s*)?$"
)
_DATELINE_END = re.compile(
    r"\s*(?:(?:року|рік|р\.|года|год|г\.)\s*)?"
    r"(?:$|[.:;|/–—)(-]|,?\s*(?:(?:[вуо]|at|об)\s+)?\d{1,2}[:.]\d\d(?!\d))",
    re.I,
)
_PRINTED = "№"  # "in the paper's issue № 28372 of 24 September": the print edition's day
_DATELINE_LEAD = 48  # "КИЇВ, " or "Опубліковано: " before a dateline's date
_BESIDE_TIME = re.compile(r"\W*(?:(?:[вуо]|at|об)\s*)?\d{1,2}[:.]\d\d(?!\d)|\W*$", re.I)
_LINK_TEXT = 40  # a link with more text than a date and a time is another article's headline
_TITLE_PARTS = re.compile(r"\s+[-|–—:/»]+\s+")  # "Headline - Site", "Site | Headline"
_TITLE_SHORTEST = 12  # a site's name is no headline
# Where an old layout without an <h1> shows its headline.
_TITLE_HOLDERS = ("h2", "h3", "h4", "b", "strong", "font", "span", "div", "td", "p")
_TEXT_WINDOW = 4000  # characters after the headline that may hold its date
# A date line just above the headline is the article's ("Політика | 24 жовтня, 14:05"),
# one further up is the page's: the day it was served, in its header.
_ABOVE = 80

_MONTH_FORMS = tuple(
    # Ukrainian, Russian and English month names in every form they are written in:
    # "24 жовтня", "жовтень 2024", "24 окт.", "октября", "Oct 24", "24 січ."
    re.compile(rf"(?:{forms})\.?", re.I)
    for forms in (
        "січ|січень|січня|янв|январь|января|jan|january",
        "лют|лютий|лютого|фев|февр|февраль|февраля|feb|february",
        "бер|берез|березень|березня|мар|март|марта|mar|march",
        "квіт|квітень|квітня|апр|апрель|апреля|apr|april",
        "трав|травень|травня|май|мая|may",
        "черв|червень|червня|июн|июнь|июня|jun|june",
        "лип|липень|липня|июл|июль|июля|jul|july",
        "серп|серпень|серпня|авг|август|августа|aug|august",
        "вер|верес|вересень|вересня|сен|сент|сентябрь|сентября|sep|sept|september",
        "жовт|жовтень|жовтня|окт|октябрь|октября|oct|october",
        "лист|листоп|листопад|листопада|ноя|нояб|ноябрь|ноября|nov|november",
        "груд|грудень|грудня|дек|декабрь|декабря|dec|december",
    )
)
_MONTH = r"(?P<month>[а-яіїєґa-z]{3,12}\.?)"
_WORDY = re.compile(
    r"(?<![\w.])(?P<day>[0-3]?\d)(?:-?(?:го|е|th|st|nd|rd))?\s+"
    + _MONTH
    + r"(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?",
    re.I,
)
_ENGLISH = re.compile(
    r"(?<![\w])"
    + _MONTH
    + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?(?![\d:])",
    re.I,
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)(?:[./](?P<year>(?:19|20)\d\d))?(?![\d]|\.\d)"
)
_ISO_DAY = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_RELATIVE_WORDS = {
    "сьогодні": 0, "сегодня": 0, "today": 0,
    "вчора": 1, "учора": 1, "вчера": 1, "yesterday": 1,
    "позавчора": 2, "позавчера": 2,
}  # fmt: skip
_RELATIVE = re.compile(r"(?<!\w)(" + "|".join(_RELATIVE_WORDS) + r")(?!\w)", re.I)
# Ukrainian "годин", "год." or "год тому" is hours; Russian "год", "года назад" is years.
_AGO = re.compile(
    r"(?<!\w)(?P<count>\d{1,3})\s+(?P<unit>хв|мин|min|годин|год(?=\.|\s+тому)|час|hour|сек|sec|дн|day|доб|сут)"
    r"\w*\.?\s+(?:тому|назад|ago)(?!\w)",
    re.I,
)
_UNITS = {"хв": 60, "мин": 60, "min": 60, "сек": 1, "sec": 1, "год": 3600, "час": 3600, "hour": 3600,
          "дн": 86400, "day": 86400, "доб": 86400, "сут": 86400}  # fmt: skip
_URL_DAY = (
    re.compile(r"(?<![\d])(?P<year>(?:19|20)\d\d)[/_.-](?P<month>[01]?\d)[/_.-](?P<day>[0-3]?\d)(?![\d])"),
    re.compile(r"(?:^|[/_.-])(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?=$|[/_.-])"),
    re.compile(r"(?:^|[/_.-])(?P<day>[0-3]\d)[_.-](?P<month>[01]\d)[_.-](?P<year>(?:19|20)\d\d)(?=$|[/_.-])"),
)
_URL_YEAR = re.compile(r"/(?P<year>(?:19|20)\d\d)(?=/|[_.-]?\d{2}\b)")


def site_zone(url: str | None) -> ZoneInfo:
    """The time zone a site's readers live in, by its country's domain: Kyiv's unless the
    site is Russian, Belarusian or Kazakh."""
    host = (urlsplit(url).hostname or "") if url else ""
    return ZoneInfo(_ZONES.get(host.rsplit(".", 1)[-1].lower(), _KYIV))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The day a moment is on where the site is. A time written with its offset is the
    day it is written in (00:16+03:00 is that day, not the UTC day before); a UTC time is
    turned into the site's zone; a time without an offset is already the site's."""
    offset = moment.utcoffset()
    if offset is not None and offset == timedelta(0):
        return moment.astimezone(zone).date()
    return moment.date()


def _month(name: str) -> int | None:
    for number, forms in enumerate(_MONTH_FORMS, 1):
        if forms.fullmatch(name):
            return number
    return None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _moment_of(text: str) -> datetime | date | None:
    """A machine-written date: ISO 8601 (with or without a time or an offset), RFC 822,
    or a plain '24.10.2024 14:05'."""
    text = " ".join(text.split())
    if not text:
        return None
    iso = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso.replace(" ", ""))
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    moment = _moment(text)
    if moment is not None:
        return moment
    match = _ISO_DAY.search(text) or _NUMERIC.search(text)
    if match and match["year"]:
        return _day(int(match["year"]), int(match["month"]), int(match["day"]))
    return None


def _stated_day(text: str, context: _Context) -> date | None:
    """The day a machine-written date states, when it is not after the crawl: its day no
    later than the crawl's day, or, for a time written with its offset, its moment no later
    than the crawl's (its day is the one written, which may be after the crawl's day where
    the site is: 00:16+03:00 on the 10th, read at 23:30 on the 9th in Kyiv at +02:00)."""
    moment = _moment_of(text)
    if not isinstance(moment, datetime):
        return moment if moment is not None and EARLIEST <= moment <= context.crawled else None
    day = local_day(moment, context.zone)
    if not EARLIEST <= day:
        return None
    if day <= context.crawled or (moment.tzinfo is not None and moment <= context.now):
        return day
    return None


def _year_for(month: int, day: int, year: int | None, context: _Context) -> date | None:
    """A year-less day's year: the URL's, else the one nearest the feed item's date, else
    the latest that does not put it after the crawl (24 October seen on 5 January is last
    year's)."""
    if year is not None:
        return _day(year, month, day)
    if context.url_year is not None:
        return _day(context.url_year, month, day)
    near = context.hint or context.crawled
    days = [_day(near.year + step, month, day) for step in (-1, 0, 1)]
    possible = [found for found in days if found is not None and found <= context.crawled]
    return min(possible, key=lambda found: abs((found - near).days)) if possible else None


@dataclass(frozen=True)
class _Context:
    zone: ZoneInfo
    crawled: date  # the crawl's day where the site is
    now: datetime  # the crawl's moment, in the site's zone
    hint: date | None
    url_year: int | None


def _written_dates(text: str, context: _Context) -> list[tuple[int, int, date | None]]:
    """The dates written in a piece of text, by where they start."""
    found: list[tuple[int, int, date | None]] = []
    for pattern in (_WORDY, _ENGLISH):
        for match in pattern.finditer(text):
            month = _month(match["month"])
            if month is None:
                continue
            year = int(match["year"]) if match["year"] else None
            found.append((match.start(), match.end(), _year_for(month, int(match["day"]), year, context)))
    for match in _ISO_DAY.finditer(text):
        found.append(
            (match.start(), match.end(), _day(int(match["year"]), int(match["month"]), int(match["day"])))
        )
    for match in _NUMERIC.finditer(text):
        if not match["year"] and not re.match(r"\s*(?:[,|/–—-]\s*)?(?:\d{1,2}:\d\d|$)", text[match.end() :]):
            continue  # a year-less 24.10 only beside a time (or on its own): 3.5 is a number
        month, day = int(match["month"]), int(match["day"])
        year = int(match["year"]) if match["year"] else None
        found.append(
            (match.start(), match.end(), _year_for(month, day, year, context) if 1 <= month <= 12 else None)
        )
    return sorted(found, key=lambda item: item[0])


def _relative_dates(text: str, context: _Context) -> list[tuple[int, int, date | None]]:
    found: list[tuple[int, int, date | None]] = []
    for match in _RELATIVE.finditer(text):
        found.append(
            (match.start(), match.end(), context.crawled - timedelta(days=_RELATIVE_WORDS[match[1].lower()]))
        )
    for match in _AGO.finditer(text):
        unit = next(seconds for stem, seconds in _UNITS.items() if match["unit"].lower().startswith(stem))
        found.append(
            (match.start(), match.end(), (context.now - timedelta(seconds=int(match["count"]) * unit)).date())
        )
    return found


def _classes(element: Any) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _chrome(element: Any) -> bool:
    """Whether an element is in the page's chrome: navigation, a side column, a list of
    related news, or a header or footer that is the page's rather than the article's."""
    section = False
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _HOLDERS:
            return False  # the article's own header or footer from here up
        if tag in _CHROME or tag in _SKIPPED or _RELATED.search(_classes(node)):
            return True
        if tag in _SECTION_CHROME and not _ARTICLE_MARK.search(_classes(node)):
            section = True
        node = node.getparent()
    return section


def _in_holder(element: Any) -> bool:
    return any(ancestor.tag in _HOLDERS for ancestor in element.iterancestors())


def headline_element(tree: Any, title: str = "") -> Any | None:
    """The element that shows the article's headline: the heading (an <h1> first) that says
    the title, when it is known (_extract's headline: not a section's name in an <h1> above
    it); else the first <h1> that is no logo; on a page without one (an old table layout),
    the element that shows the page's title (og:title, or <title> without the site's name)."""
    said = " ".join(title.split()).casefold()
    for tags in (("h1",), ("h2", "h3", "h4")) if said else ():
        for heading in tree.iter(*tags):
            if _words(heading).casefold() == said:  # in a <header> too: it says the title
                return heading
    for heading in tree.iter("h1"):
        if not _chrome(heading) and not is_logo(heading) and _words(heading):
            return heading
    titles = [" ".join(value.split()) for value in tree.xpath("//meta[@property='og:title']/@content")]
    for element in tree.iter("title"):
        whole = _words(element)
        titles += [whole, *(part.strip() for part in _TITLE_PARTS.split(whole))]
    wanted = {text.casefold() for text in titles if len(text) >= _TITLE_SHORTEST}
    if not wanted:
        return None
    for element in tree.iter(*_TITLE_HOLDERS):
        if _words(element).casefold() in wanted and not _chrome(element):
            return element
    return None


_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.php"})


def is_logo(heading: Any) -> bool:
    """Whether a heading is the site's logo, not a headline: its text is a link to the
    site's front page (also _extract's headline and lead)."""
    home = [
        link
        for link in heading.iter("a")
        if (href := (link.get("href") or "").strip())
        and not href.startswith("#")
        and urlsplit(href).path.lower() in _HOME_PATHS
        and not urlsplit(href).query
    ]
    return bool(home) and sum(len(_words(link)) for link in home) >= len(_words(heading))


def _words(element: Any) -> str:
    return " ".join(element.text_content().split())


def _json_ld(tree: Any) -> list[str]:
    """datePublished of the page's articles (not of its WebSite or WebPage)."""
    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(item, str) and item.lower() in _ARTICLE_TYPES for item in kinds):
                value = node.get("datePublished")
                if isinstance(value, str):
                    found.append(value)
            visit(node.get("@graph"))
            visit(node.get("mainEntity"))

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            visit(json.loads(script.text or "", strict=False))
        except (ValueError, RecursionError):  # broken, or nested deeper than Python goes
            continue
    return found


def _meta(tree: Any) -> list[str]:
    found = []
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if name in _META_NAMES and meta.get("content"):
            found.append(meta.get("content"))
    return found


# How many <time> elements a page is searched through: each costs a walk up its ancestors.
_TIMES_MAX = 200


def _times(tree: Any, headline: Any | None) -> list[str]:
    """<time datetime> (or an itemprop=datePublished element) inside the article, in order."""
    after = headline is None
    found = []
    examined = 0
    for element in tree.iter():
        if element is headline:
            after = True
            continue
        if element.tag == "meta" or not isinstance(element.tag, str):
            continue
        published = (element.get("itemprop") or "").lower() == "datepublished"
        if not (element.tag == "time" or published):
            continue
        examined += 1
        if examined > _TIMES_MAX:
            break  # an article's own time is among a page's first; tens of thousands are an attack
        value = (
            element.get("datetime") or element.get("content") or (element.text_content() if published else "")
        )
        if not value or _chrome(element) or not (_in_holder(element) or (after and headline is not None)):
            continue
        found.append(value)
    return found


def url_date(url: str | None) -> date | None:
    """The day a URL's path states: /2020/02/18/, /20200218/, 2020-02-18, 18-02-2020 (a
    year and month alone are no day)."""
    if not url:
        return None
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    for pattern in _URL_DAY:
        for match in pattern.finditer(path):
            found = _day(int(match["year"]), int(match["month"]), int(match["day"]))
            if found is not None:
                return found
    return None


def _url_year(url: str | None) -> int | None:
    if not url:
        return None
    match = _URL_YEAR.search(urlsplit(url).path)
    return int(match["year"]) if match else None


def _pieces(tree: Any, headline: Any) -> Iterator[tuple[str, Any]]:
    """The page's text after the headline (or else all of it), piece by piece: (text,
    the element it is in)."""
    started = headline is None
    inside = set(headline.iterdescendants()) if headline is not None else set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element is headline:
            started = True
            if element.tail:
                yield from _piece(element.tail, element.getparent())
            continue
        if not started or element in inside:
            continue
        if element.text and element.tag not in _SKIPPED:
            yield from _piece(element.text, element)
        if element.tail:
            yield from _piece(element.tail, element.getparent())


def _piece(text: str, holder: Any) -> Iterator[tuple[str, Any]]:
    if holder is not None and text.strip():
        yield text, holder


def _block(element: Any) -> Any:
    node = element
    while node is not None and node.tag not in _BLOCKS:
        node = node.getparent()
    return node if node is not None else element


def _in_headline_link(element: Any, opening: Callable[[Any], str]) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag == "a":
            return len(opening(node)) > _LINK_TEXT
    return False


_FIRST_LETTERS = re.compile(rf"(?:\s*\S){{0,{_OPENING + 1}}}\s*")


def first_words(element: Any) -> str:
    """An element's text, spaces collapsed, cut a character after _OPENING (its first
    words, and whether there are more), read no further than that: not all of its text,
    which on a page of nested blocks would be read once per level."""
    chunks: list[str] = []
    wanted = _OPENING + 1  # characters other than spaces
    for chunk in element.itertext():
        match = _FIRST_LETTERS.match(chunk)
        taken = match[0] if match else chunk
        chunks.append(taken)
        wanted -= len(taken) - sum(map(str.isspace, taken))
        if wanted <= 0:
            break
    return " ".join("".join(chunks).split())[: _OPENING + 1]


def _alone_in(text: str, written: str, kind: str) -> bool:
    where = text.find(written)
    if where < 0:
        return False
    before, after = text[:where], text[where + len(written) :]
    if kind == "relative":  # "сьогодні" alone or beside a time; never "Сьогодні у Києві ..."
        opens = len(text) <= _SHORT_BLOCK or (
            len(before) <= _DATELINE_LEAD and bool(_DATELINE_PREFIX.match(before))
        )
        return opens and bool(_BESIDE_TIME.match(after))  # "... стався вчора о 18:30" is the story's
    if len(text) <= _SHORT_BLOCK:
        return _PRINTED not in text
    return len(before) <= _DATELINE_LEAD and bool(
        _DATELINE_PREFIX.match(before) and _DATELINE_END.match(after)
    )


def _set_apart(element: Any) -> bool:
    """Whether an inline element is a line of its own (<br><small>23.12.2011</small><p>),
    not words of a sentence (<strong>8 червня</strong>, в Україні ...)."""
    previous = element.getprevious()
    before = (previous.tail if previous is not None else element.getparent().text) or ""
    return not before.strip() and not (element.tail or "").strip()


def _stands_alone(holder: Any, block: Any, written: str, kind: str, opening: Callable[[Any], str]) -> bool:
    """Whether a date is a byline's or a dateline's rather than a sentence's: alone (or
    with a time) in a short block, or in an element styled as one (span.date), or
    opening a dateline."""
    texts = [opening(block)]
    if holder is not block and (holder.get("class") or holder.get("itemprop") or _set_apart(holder)):
        texts.insert(0, opening(holder))
    return any(_alone_in(text, written, kind) for text in texts)


def _just_above(tree: Any, headline: Any) -> list[tuple[str, Any]]:
    """The last few words before the headline (a rubric and date line above it)."""
    pieces: list[tuple[str, Any]] = []
    around = set(headline.iterancestors())  # their tails come after it
    for element in tree.iter():
        if element is headline:
            break
        if not isinstance(element.tag, str):
            continue
        if element.text and element.text.strip() and element.tag not in _SKIPPED:
            pieces.append((element.text, element))
        if (
            element.tail
            and element.tail.strip()
            and element.getparent() is not None
            and element not in around
        ):
            pieces.append((element.tail, element.getparent()))
    kept: list[tuple[str, Any]] = []
    size = 0
    links = 0
    for text, holder in reversed(pieces):
        if holder.tag == "a" or any(up.tag == "a" for up in holder.iterancestors()):
            links += 1  # the rubric's link is the article's; a menu's links are the page's
            if links > 1:
                break
        size += len(text.strip())
        if size > _ABOVE:
            break
        kept.insert(0, (text, holder))
    return kept


def _dates_in(
    pieces: Iterable[tuple[str, Any]], context: _Context, anywhere: bool = True
) -> Iterator[tuple[str, date | None]]:
    read = 0
    openings: dict[Any, str] = {}  # each element's text is read once, however many dates it holds

    def opening(element: Any) -> str:
        if element not in openings:
            openings[element] = first_words(element)
        return openings[element]

    for text, holder in pieces:
        if read > _TEXT_WINDOW:
            return
        read += len(text.strip())
        text = " ".join(text.split())[:_OPENING]  # a byline's date opens its text
        found = [(start, end, "text", day) for start, end, day in _written_dates(text, context)]
        found += [(start, end, "relative", day) for start, end, day in _relative_dates(text, context)]
        if not found:
            continue
        if _chrome(holder) or _in_headline_link(holder, opening) or not (anywhere or _in_holder(holder)):
            continue
        block = _block(holder)
        for start, end, kind, day in sorted(found, key=lambda item: item[0]):
            if _stands_alone(holder, block, " ".join(text[start:end].split()), kind, opening):
                yield kind, day


def _read_dates(tree: Any, headline: Any | None, context: _Context) -> Iterator[tuple[str, date | None]]:
    """The weak dates after the headline (without one, inside the article) in the order
    they are written, then one just above the headline."""
    yield from _dates_in(_pieces(tree, headline), context, anywhere=headline is not None)
    if headline is not None:
        yield from _dates_in(_just_above(tree, headline), context)


def page_date(
    html: str,
    url: str | None,
    fetched: datetime | None = None,
    hint: date | None = None,
    title: str = "",
    tree: Any | None = None,
) -> tuple[date | None, str | None]:
    """The day a page says its article was published, and how it says it: "json-ld",
    "meta", "time" or "url" (the article states it) or "text" or "relative" (read from
    the page's words after the headline: the heading that says `title`, when it is known).
    Never a day after the crawl (`fetched`, else now, in the site's zone) or before 1990:
    such a date is passed over for the next. tree: the page already parsed (parse_page)."""
    zone = site_zone(url)
    moment = fetched or datetime.now(UTC)
    now = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    context = _Context(zone, now.date(), now, hint, _url_year(url))

    def fits(day: date | None) -> bool:
        return day is not None and EARLIEST <= day <= context.crawled

    tree = parse_page(html) if tree is None else tree
    headline = headline_element(tree, title) if tree is not None else None
    if tree is not None:
        for kind, values in (
            ("json-ld", _json_ld(tree)),
            ("meta", _meta(tree)),
            ("time", _times(tree, headline)),
        ):
            for value in values:
                day = _stated_day(value, context)
                if day is not None:
                    return day, kind
    day = url_date(url)
    if fits(day):
        return day, "url"
    if tree is not None:
        for kind, day in _read_dates(tree, headline, context):
            if fits(day):
                return day, kind
    return None, None


_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def parse_page(html: str) -> Any | None:
    """A page's tree (lxml.html), whatever its text declares (an XML declaration naming an
    encoding is refused in a str): None when it holds no HTML at all."""
    try:
        return lxml_html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
