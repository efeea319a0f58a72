"""Public Telegram channels, read from their web preview (https://t.me/s/NAME): no account,
no API key. A page holds about 20 posts, oldest first; `?before=ID` holds the ones before
post ID. Each post is an article: its text, its time, its permalink https://t.me/NAME/ID.

The markup read is the widget's (tgme_widget_message ...), as public tools read it;
a page that has none of it is said to be so, never taken for a channel without posts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from .._errors import FetchError
from .._extract import Article
from .._normalize import normalize_paragraph

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from lxml.html import HtmlElement

    from .._net import Download

PERMALINK_HOST = "https://t.me"
HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
# Telegram usernames: 5 to 32 letters, digits and underscores, starting with a letter (a
# few old ones are shorter).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,31}")
# Paths of t.me that are not channels.
_NOT_CHANNELS = frozenset(
    {"s", "c", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "login", "iv", "setlanguage"}
)
TITLE_MAX = 150  # a first line up to this long is the title
_TITLE_CUT = 120  # a longer first sentence is cut near here
PAGE_RATE = 2.0  # page requests a second to the preview's host: t.me answers 429 when polled fast
KYIV = "Europe/Kyiv"  # a post's day is its day where its readers are

_URL = re.compile(r"(?:https?://|www\.|t\.me/)\S+", re.I)
_HASHTAG = re.compile(r"#\w+")
_MENTION = re.compile(r"@\w+")
_LEADING_SYMBOLS = re.compile(r"^[^\w«\"'(„“]+")  # emoji, arrows, bullets before a title
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_BLOCKS = frozenset(
    {"div", "p", "blockquote", "pre", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "table"}
)
_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.I)
_MEDIA_NAMES = {
    "photo": ("photo", "photos"),
    "video": ("video", "videos"),
    "gif": ("GIF", "GIFs"),
    "document": ("document", "documents"),
    "audio": ("audio file", "audio files"),
    "voice": ("voice message", "voice messages"),
    "sticker": ("sticker", "stickers"),
    "poll": ("poll", "polls"),
    "location": ("location", "locations"),
    "contact": ("contact", "contacts"),
}


# --- names ---


@dataclass(frozen=True)
class Address:
    """What a name given as a feed means on Telegram: a channel, or something that is not
    one (a post, an invite link), said in `refusal`."""

    channel: str  # the username as given
    refusal: str | None = None

    @property
    def key(self) -> str:
        """The channel's feed URL in the state: https://t.me/s/name (usernames ignore case)."""
        return channel_key(self.channel)


def channel_key(name: str) -> str:
    return f"{PERMALINK_HOST}/s/{name.lower()}"


def _hosts(base_url: str) -> set[str]:
    hosts = set(HOSTS)
    try:
        parts = urlsplit(base_url)
        if parts.hostname:
            hosts.add(parts.netloc.lower())
    except ValueError:
        pass
    return hosts


def address(name: str, base_url: str = PERMALINK_HOST) -> Address | None:
    """The Telegram channel a feed's name means (t.me/s/NAME, t.me/NAME, @NAME,
    telegram.me/NAME, the same under base_url), else None: not Telegram at all."""
    text = name.strip()
    if text.startswith("@") and _NAME.fullmatch(text[1:]):
        return Address(text[1:])
    bare = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(bare)
        host = parts.netloc.lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host.removeprefix("www.") not in _hosts(base_url):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if not segments:
        return Address("", "a Telegram address without a channel name: give https://t.me/s/NAME")
    first = segments[0]
    if first.startswith("+") or first.lower() in ("joinchat", "c"):
        return Address(
            first, "a private channel's link: warnews reads public channels only (https://t.me/s/NAME)"
        )
    if first.lower() in _NOT_CHANNELS or not _NAME.fullmatch(first):
        return Address(first, f"not a public channel's address: give https://t.me/s/NAME (not {text})")
    if len(segments) > 1 and segments[1].isdigit():
        return Address(
            first,
            f"a post, not a channel: to read the channel, warnews feed {channel_key(first)};"
            f" to translate this post, warnews fetch {PERMALINK_HOST}/{first}/{segments[1]}",
        )
    return Address(first)


def post_address(url: str, base_url: str = PERMALINK_HOST) -> tuple[str, int] | None:
    """(channel, post id) of a post's permalink (https://t.me/NAME/ID, or t.me/s/NAME/ID)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host.removeprefix("www.") not in _hosts(base_url):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if len(segments) != 2 or not _NAME.fullmatch(segments[0]) or not segments[1].isdigit():
        return None
    if segments[0].lower() in _NOT_CHANNELS:
        return None
    return segments[0], int(segments[1])


def page_url(base_url: str, channel: str, before: int | None = None) -> str:
    url = f"{base_url.rstrip('/')}/s/{channel}"
    return url if before is None else f"{url}?before={before}"


def embed_url(base_url: str, channel: str, post: int) -> str:
    return f"{base_url.rstrip('/')}/{channel}/{post}?embed=1&mode=tme"


# --- posts ---


@dataclass(frozen=True)
class Post:
    """One message of a channel, as its preview shows it."""

    channel: str  # the username, as the page spells it
    id: int
    posted_at: str | None  # ISO 8601, as the page gives it
    paragraphs: tuple[str, ...] = ()
    channel_title: str | None = None
    edited: bool = False
    views: str | None = None  # as shown: "12.3K"
    author: str | None = None  # the signature of a post in a channel that signs them
    forwarded_from: dict[str, str | None] | None = None
    reply_to: dict[str, str | None] | None = None
    link_previews: tuple[dict[str, str | None], ...] = ()
    media: tuple[dict[str, str | None], ...] = ()
    links: tuple[str, ...] = ()
    service: bool = False  # pinned, channel created, photo changed: not an article
    unsupported: bool = False  # the preview cannot show its content
    # The languages of the channel's posts read with it (see _detect.language_prior).
    prior: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The post's permalink: its identity, whatever host it was read from."""
        return f"{PERMALINK_HOST}/{self.channel}/{self.id}"

    @property
    def moment(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.posted_at) if self.posted_at else None
        except ValueError:
            return None

    @property
    def day(self) -> date | None:
        """The day it was posted, in Kyiv."""
        moment = self.moment
        if moment is None:
            return None
        return moment.astimezone(_kyiv()).date() if moment.tzinfo else moment.date()

    @property
    def skip_reason(self) -> str | None:
        """Why the post is not an article, or None: it has words to translate."""
        if self.service:
            return "a service message, not an article"
        text = "\n".join(self.paragraphs)
        if any(char.isalpha() for char in _MENTION.sub(" ", _HASHTAG.sub(" ", _URL.sub(" ", text)))):
            return None
        if not text.strip():
            if self.media:
                return f"no text to translate: only media ({_count_media(self.media)})"
            if self.unsupported:
                return "no text to translate: not shown in the web preview (open it in Telegram)"
            if self.link_previews:
                return "no text to translate: only a link"
            return "no text to translate: the post is empty"
        if _URL.search(text):
            return "no text to translate: only a link"
        if _HASHTAG.search(text):
            return "no text to translate: only hashtags"
        if _MENTION.search(text):
            return "no text to translate: only a mention"
        if any(not char.isspace() and not char.isalnum() for char in text):
            return "no text to translate: only emoji"
        return "no text to translate: no words"

    @property
    def title(self) -> str:
        """A short title: the first line when it is short, else its first sentence (cut near
        _TITLE_CUT characters); leading emoji and lines of hashtags only are left out."""
        for paragraph in self.paragraphs:
            if not any(char.isalpha() for char in _HASHTAG.sub(" ", _URL.sub(" ", paragraph))):
                continue  # hashtags, a link, emoji: no title
            line = _LEADING_SYMBOLS.sub("", paragraph).strip()
            if len(line) <= TITLE_MAX:
                return line
            sentence = _SENTENCE_END.split(line, maxsplit=1)[0]
            if len(sentence) <= TITLE_MAX:
                return sentence
            cut = sentence[:_TITLE_CUT].rsplit(" ", 1)[0].rstrip(",;:—–- ")
            return f"{cut}…"
        return ""

    def sidecar(self) -> dict[str, Any]:
        """The sidecar's "telegram" record."""
        return {
            "channel": self.channel,
            "channel_title": self.channel_title,
            "post": self.id,
            "posted_at": self.posted_at,
            "edited": self.edited,
            "views": self.views,
            "author": self.author,
            "forwarded_from": self.forwarded_from,
            "reply_to": self.reply_to,
            "link_previews": list(self.link_previews),
            "media": list(self.media),
            "links": list(self.links),
        }

    def article(self) -> Article:
        return Article(
            title=self.title,
            paragraphs=list(self.paragraphs),
            published=self.day,
            author=self.author,
            sitename=self.channel_title or f"@{self.channel}",
            canonical_url=self.url,
            post=self.sidecar(),
            prior=self.prior,
        )

    def to_json(self) -> str:
        record = self.sidecar()
        record.update(paragraphs=list(self.paragraphs), service=self.service, prior=self.prior)
        record["unsupported"] = self.unsupported
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Post:
        record = json.loads(text)
        return cls(
            channel=record["channel"],
            id=int(record["post"]),
            posted_at=record.get("posted_at"),
            paragraphs=tuple(record.get("paragraphs", ())),
            channel_title=record.get("channel_title"),
            edited=bool(record.get("edited")),
            views=record.get("views"),
            author=record.get("author"),
            forwarded_from=record.get("forwarded_from"),
            reply_to=record.get("reply_to"),
            link_previews=tuple(record.get("link_previews", ())),
            media=tuple(record.get("media", ())),
            links=tuple(record.get("links", ())),
            service=bool(record.get("service")),
            unsupported=bool(record.get("unsupported")),
            prior={str(key): float(value) for key, value in record.get("prior", {}).items()},
        )


def _count_media(media: Iterable[Mapping[str, str | None]]) -> str:
    counts = Counter(item.get("kind") or "photo" for item in media)
    parts = []
    for kind, count in counts.items():
        one, many = _MEDIA_NAMES.get(kind, (kind, f"{kind}s"))
        parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


@cache
def _kyiv() -> ZoneInfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(KYIV)


# --- pages ---


@dataclass(frozen=True)
class Page:
    """One page of a channel's preview: its posts, newest first, and the id to ask the
    older ones with (None: the channel's first post is on this page)."""

    channel: str | None
    title: str | None
    posts: tuple[Post, ...]
    before: int | None


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _find(element: HtmlElement, name: str) -> list[HtmlElement]:
    found: list[HtmlElement] = element.xpath(
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )
    return found


def _first(element: HtmlElement, name: str) -> HtmlElement | None:
    found = _find(element, name)
    return found[0] if found else None


def _text_of(element: HtmlElement | None) -> str | None:
    if element is None:
        return None
    return normalize_paragraph(element.text_content()) or None


def _href(element: HtmlElement | None, base: str) -> str | None:
    if element is None or not element.get("href"):
        return None
    # t.me/s/ pages escape "&" twice in the links of posts (since 2024): undone here.
    return urljoin(base, str(element.get("href", "")).strip().replace("&amp;", "&"))


def _background(element: HtmlElement | None, base: str) -> str | None:
    if element is None:
        return None
    match = _BACKGROUND.search(element.get("style") or "")
    return urljoin(base, str(match[1])) if match else None


def _paragraphs(element: HtmlElement) -> tuple[str, ...]:
    """A message's text, one paragraph per line: <br> and block elements break lines."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        block = tag in _BLOCKS
        if block:
            parts.append("\n")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(element)
    lines = (normalize_paragraph(line) for line in "".join(parts).split("\n"))
    return tuple(line for line in lines if line)


def _outside(element: HtmlElement, container: HtmlElement, excluded: Sequence[str]) -> bool:
    """Whether element is not inside a part of container with one of these classes."""
    node = element.getparent()
    while node is not None and node is not container:
        if _classes(node) & set(excluded):
            return False
        node = node.getparent()
    return True


_QUOTED = ("tgme_widget_message_reply", "tgme_widget_message_link_preview", "tgme_widget_message_poll")


def _media(message: HtmlElement, base: str) -> tuple[dict[str, str | None], ...]:
    media: list[dict[str, str | None]] = []

    def add(kind: str, url: str | None) -> None:
        media.append({"kind": kind, "url": url})

    for element in message.iter():
        classes = _classes(element)
        if not classes or not _outside(element, message, _QUOTED):
            continue
        if "tgme_widget_message_photo_wrap" in classes:
            add("photo", _background(element, base) or _href(element, base))
        elif (
            "tgme_widget_message_video_player" in classes
            or "tgme_widget_message_roundvideo_player" in classes
        ):
            video = element.xpath(".//video[@src]")
            url = urljoin(base, video[0].get("src")) if video else _href(element, base)
            add("video" if _find(element, "message_video_play") or not video else "gif", url)
        elif "tgme_widget_message_document_wrap" in classes:
            add("audio" if _find(element, "audio") else "document", _href(element, base))
        elif element.tag == "audio" and "tgme_widget_message_voice" in classes:
            add("voice", urljoin(base, element.get("src", "")) or None)
        elif classes & {
            "tgme_widget_message_sticker",
            "tgme_widget_message_tgsticker",
            "tgme_widget_message_videosticker",
        }:
            add("sticker", element.get("data-webp") or _background(element, base))
        elif "tgme_widget_message_poll" in classes:
            add("poll", None)
        elif "tgme_widget_message_location_wrap" in classes:
            add("location", _href(element, base))
        elif "tgme_widget_message_contact" in classes:
            add("contact", None)
    return tuple(media)


def _post(message: HtmlElement, base: str, channel_title: str | None) -> Post:
    data_post = message.get("data-post") or ""
    name, _, number = data_post.rpartition("/")
    if not _NAME.fullmatch(name) or not number.isdigit():
        raise FetchError(_changed(f"a post's data-post is {data_post!r}, not NAME/ID"))
    dates = _find(message, "tgme_widget_message_date")
    moments = [moment for element in dates for moment in element.iter("time") if moment.get("datetime")]
    moments = moments or message.xpath(".//time[@datetime]")
    posted_at = moments[0].get("datetime").strip() if moments else None
    texts = [
        element
        for element in _find(message, "tgme_widget_message_text")
        if _outside(element, message, _QUOTED)
    ]
    paragraphs = tuple(line for element in texts for line in _paragraphs(element))
    links = tuple(
        dict.fromkeys(
            url
            for element in texts
            for anchor in element.iter("a")
            if (url := _href(anchor, base))
            and urlsplit(url).scheme in ("http", "https")
            and "?q=%23" not in url
        )
    )
    forwarded = _first(message, "tgme_widget_message_forwarded_from")
    forwarded_from = None
    if forwarded is not None:
        name_element = _first(forwarded, "tgme_widget_message_forwarded_from_name")
        forwarded_from = {
            "name": _text_of(name_element) or _text_of(forwarded),
            "url": _href(name_element, base),
            "author": _text_of(_first(forwarded, "tgme_widget_message_forwarded_from_author")),
        }
    reply = _first(message, "tgme_widget_message_reply")
    reply_to = None
    if reply is not None:
        reply_to = {
            "url": _href(reply, base),
            "author": _text_of(_first(reply, "tgme_widget_message_author_name")),
            "text": _text_of(_first(reply, "tgme_widget_message_metatext"))
            or _text_of(_first(reply, "tgme_widget_message_text")),
        }
    previews = tuple(
        {
            "url": _href(preview, base),
            "site": _text_of(_first(preview, "link_preview_site_name")),
            "title": _text_of(_first(preview, "link_preview_title")),
            "description": _text_of(_first(preview, "link_preview_description")),
        }
        for preview in _find(message, "tgme_widget_message_link_preview")
    )
    meta = _first(message, "tgme_widget_message_meta")
    unsupported = any(
        _first(element, "media_supported_cont") is None
        for element in _find(message, "message_media_not_supported")
    )
    return Post(
        channel=name,
        id=int(number),
        posted_at=posted_at,
        paragraphs=paragraphs,
        channel_title=channel_title,
        edited=meta is not None
        and "edited" in " ".join([meta.text or "", *(c.tail or "" for c in meta)]).lower(),
        views=_text_of(_first(message, "tgme_widget_message_views")),
        author=_text_of(_first(message, "tgme_widget_message_from_author")),
        forwarded_from=forwarded_from,
        reply_to=reply_to,
        link_previews=previews,
        media=_media(message, base),
        links=links,
        service="service_message" in _classes(message),
        unsupported=unsupported,
    )


def _changed(detail: str) -> str:
    return (
        f"not a Telegram channel preview as warnews reads it (the page's markup may have changed: {detail})"
    )


def parse_page(answer: Download, channel: str, single: bool = False) -> Page:
    """A page of a channel's preview, or the FetchError that says what the page is instead:
    no such public channel, a channel without a web preview, or markup warnews cannot read.
    single: the embed page of one post (no channel history there)."""
    import lxml.etree
    import lxml.html

    shown = f"@{channel}"
    try:
        root = lxml.html.document_fromstring(answer.content.decode("utf-8", "replace"))
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        raise FetchError(_changed("the answer is empty or not HTML")) from None
    base = answer.final_url
    messages = [
        element for element in _find(root, "tgme_widget_message") if element.get("data-post") is not None
    ]
    history = _first(root, "tgme_channel_history")
    # t.me sends a channel it shows no preview of (or no channel at all) to its landing page.
    redirected = not single and "/s/" not in urlsplit(answer.final_url).path
    if single and not messages:
        raise FetchError(f"no public post there: {channel} shows none (deleted, private, or not a channel)")
    if not messages and (history is None or redirected):
        landing = _first(root, "tgme_page")
        if landing is not None or redirected:
            extra = (_text_of(_first(root, "tgme_page_extra")) or "").lower()
            if "subscriber" in extra or "member" in extra:
                raise FetchError(
                    f"channel {shown} has no web preview (disabled by the channel, or blocked by Telegram):"
                    f" warnews reads channels that https://t.me/s/{channel} shows",
                    permanent=True,
                )
            raise FetchError(
                f"no public channel {shown} (it does not exist, is private, or is not a channel)",
                permanent=True,
            )
        raise FetchError(_changed("no channel history and no posts found"))
    title_element = _first(root, "tgme_channel_info_header_title")
    title = _text_of(title_element)
    if title is None:
        meta = root.xpath("//meta[@property='og:title']/@content")
        title = normalize_paragraph(str(meta[0])) if meta else None
    posts = [_post(message, base, title) for message in messages]
    if not posts:
        raise FetchError(f"channel {shown} shows no posts in its web preview (blocked, or empty)")
    if any(not post.service for post in posts) and all(
        post.moment is None for post in posts if not post.service
    ):
        raise FetchError(_changed("posts without a time"))
    more = root.xpath(
        "//a[contains(concat(' ', normalize-space(@class), ' '), ' tme_messages_more ')][@data-before]"
    )
    before = None
    for element in more:
        value = (element.get("data-before") or "").strip()
        if value.isdigit():
            before = int(value)
            break
    ordered = tuple(sorted({post.id: post for post in posts}.values(), key=lambda post: -post.id))
    return Page(ordered[0].channel if ordered else None, title, ordered, before)


# --- reading a channel: new posts, gaps, backfill ---


@dataclass(frozen=True)
class Memory:
    """What the state remembers of a channel between runs."""

    newest: int | None = None  # the newest post id read
    oldest: int | None = None  # the oldest post id read, going back from the newest
    older_day: str | None = None  # the day of the newest post seen below `oldest` and not taken
    start: bool = False  # the channel's first post was reached
    gaps: tuple[tuple[int, int], ...] = ()  # (above, below): posts between not read yet

    def to_json(self) -> str:
        record = {
            "newest": self.newest,
            "oldest": self.oldest,
            "older_day": self.older_day,
            "start": self.start,
            "gaps": [list(gap) for gap in self.gaps],
        }
        return json.dumps(record, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Memory:
        if not text:
            return cls()
        record = json.loads(text)
        return cls(
            newest=record.get("newest"),
            oldest=record.get("oldest"),
            older_day=record.get("older_day"),
            start=bool(record.get("start")),
            gaps=tuple((int(above), int(below)) for above, below in record.get("gaps", ())),
        )


@dataclass(frozen=True)
class Reading:
    """What one run read of a channel: the posts to take (oldest first), every post's text
    seen (for the language prior), the memory to keep, and the error that cut it short."""

    posts: tuple[Post, ...]
    memory: Memory
    pages: int
    texts: tuple[str, ...] = ()
    title: str | None = None
    error: FetchError | None = None


PageReader = Callable[[int | None], Page]


@dataclass
class _Walk:
    """One run's reading of a channel, page by page (see read_channel)."""

    get_page: PageReader
    known: Callable[[Sequence[str]], set[str]]
    budget: int
    force: bool
    page_limit: int
    taken: dict[int, Post] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    pages: int = 0
    title: str | None = None
    seen: set[int] = field(default_factory=set)

    def page(self, before: int | None) -> Page:
        if self.pages >= self.page_limit:
            raise _Enough
        page = self.get_page(before)
        self.pages += 1
        self.title = self.title or page.title
        if before is not None and any(post.id >= before for post in page.posts):
            raise FetchError(_changed(f"the page before post {before} holds later posts"))
        fresh = [post for post in page.posts if post.id not in self.seen]
        self.seen.update(post.id for post in fresh)
        self.texts.extend(
            "\n".join(post.paragraphs) for post in fresh if not post.service and post.paragraphs
        )
        return page

    def take(self, posts: Sequence[Post]) -> None:
        """Take these posts (newest first) unless known (with force, known ones too)."""
        articles = [post for post in posts if not post.service and post.id not in self.taken]
        known = set() if self.force else self.known([post.url for post in articles])
        for post in articles:
            if post.url not in known:
                self.taken[post.id] = post

    @property
    def full(self) -> bool:
        return len(self.taken) >= self.budget


class _Enough(Exception):
    """The page limit of one run is reached."""


def read_channel(
    get_page: PageReader,
    memory: Memory,
    *,
    budget: int,
    known: Callable[[Sequence[str]], set[str]],
    known_count: int,
    since: date | None = None,
    force: bool = False,
) -> Reading:
    """Read a channel's new posts, its gaps, then older posts while the target wants them.

    The new posts are those above the newest one read before (pages followed back until
    it is reached); a channel read for the first time gives its newest posts. At most
    `budget` posts are taken in one run; what is left between is remembered as a gap and
    read first the next time. The target: with `since`, every post of that day or later;
    else the channel's newest `budget` posts (`known_count` of them are known already).
    A failure of a page ends the reading with what was read, remembered consistently.
    """
    walk = _Walk(get_page, known, budget, force, page_limit=budget // 10 + 5)
    newest, oldest, older_day, start = memory.newest, memory.oldest, memory.older_day, memory.start
    gaps = list(memory.gaps)
    error: FetchError | None = None

    def fetch(before: int | None) -> Page | None:
        nonlocal error
        try:
            return walk.page(before)
        except _Enough:
            return None
        except FetchError as failure:
            error = failure
            return None

    def room() -> int:
        """Posts that may still be taken: this run's budget, and without since, the target's."""
        left = budget - len(walk.taken)
        return left if since is not None else min(left, budget - known_count - len(walk.taken))

    def older(posts: Sequence[Post]) -> tuple[list[Post], str | None]:
        """The posts (newest first) down to the first one older than since, and that one's day."""
        kept: list[Post] = []
        for post in posts:
            if since is not None and not post.service and post.day is not None and post.day < since:
                return kept, post.day.isoformat()
            kept.append(post)
        return kept, None

    def fit(posts: list[Post], limit: int) -> tuple[list[Post], bool]:
        """The newest posts of these that fit in limit articles; whether any were cut."""
        articles = [post for post in posts if not post.service]
        if len(articles) <= limit:
            return posts, False
        if limit <= 0:
            return [], True
        return [post for post in posts if post.id >= articles[limit - 1].id], True

    # 1. The head: the newest posts, down to the newest one read before (a first read: as
    # far back as the target wants).
    before: int | None = None
    lowest: int | None = None
    top: int | None = None
    reached = False
    while True:
        page = fetch(before)
        if page is None:
            break
        posts = list(page.posts)
        if top is None and posts:
            top = posts[0].id
        cut_day = None
        if newest is not None:
            reached = any(post.id <= newest for post in posts)
            posts = [post for post in posts if post.id > newest]
            posts, cut = fit(posts, budget - len(walk.taken))
        else:
            posts, cut_day = older(posts)
            posts, cut = fit(posts, room())
        walk.take(posts)
        if posts:
            lowest = posts[-1].id
        if cut_day is not None:
            older_day, reached = cut_day, True
        if page.before is None and not cut:
            reached = True
            start = start or newest is None
        if reached or cut:
            break
        before = page.before
    if newest is None:
        # Nothing taken (every post older than since): a later backfill starts at the top.
        oldest = lowest if lowest is not None else (top + 1 if top is not None else None)
    elif not reached and lowest is not None:
        gaps.insert(0, (lowest, newest))  # posted since the last run and not read yet
    elif not reached and top is not None:
        gaps.insert(0, (top + 1, newest))
    newest = max((number for number in (newest, top) if number is not None), default=None)

    # 2. Gaps left by earlier runs, newest first.
    for index, (above, below) in enumerate(list(gaps)):
        if error is not None or budget - len(walk.taken) <= 0:
            break
        closed = False
        before = above
        while True:
            page = fetch(before)
            if page is None:
                break
            closed = page.before is None or any(post.id <= below for post in page.posts)
            posts, cut = fit(
                [post for post in page.posts if below < post.id < above], budget - len(walk.taken)
            )
            walk.take(posts)
            if posts:
                above = posts[-1].id
            if cut:
                closed = False
            if closed or cut:
                break
            before = page.before
        gaps[index] = (0, 0) if closed else (above, below)
    gaps = [gap for gap in gaps if gap != (0, 0)]

    # 3. Older posts, while the target wants them.
    def more() -> bool:
        if start or oldest is None or error is not None or room() <= 0:
            return False
        return since is None or older_day is None or date.fromisoformat(older_day) >= since

    while more():
        assert oldest is not None
        page = fetch(oldest)
        if page is None:
            break
        posts, cut_day = older(list(page.posts))
        posts, cut = fit(posts, room())
        walk.take(posts)
        if posts:
            oldest = posts[-1].id
        if cut_day is not None:
            older_day = cut_day
            break
        older_day = None
        if page.before is None and not cut:
            start = True
        if cut or not posts:
            break
    kept = Memory(newest, oldest, older_day, start, tuple(gaps))
    taken = tuple(sorted(walk.taken.values(), key=lambda post: post.id))
    return Reading(taken, kept, walk.pages, tuple(walk.texts), walk.title, error)


def with_prior(posts: Iterable[Post], prior: Mapping[str, float]) -> tuple[Post, ...]:
    return tuple(replace(post, prior=dict(prior)) for post in posts)
