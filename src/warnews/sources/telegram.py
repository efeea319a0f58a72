"""Public Telegram channels: what a name means (a channel, a post), and a post as an
article: its text, its time (its day in Kyiv), its permalink https://t.me/NAME/ID, and
why it is no article when it has nothing to translate. The preview's pages are read in
preview.py; a channel's reading over runs is channel.py's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .._extract import Article

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

PERMALINK_HOST = "https://t.me"
HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
# Telegram usernames: 5 to 32 letters, digits and underscores, starting with a letter (a
# few old ones are shorter).
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,31}")
# Paths of t.me that are not channels.
_NOT_CHANNELS = frozenset(
    {"s", "c", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "login", "iv", "setlanguage"}
)
TITLE_MAX = 150  # a first line up to this long is the title
_TITLE_CUT = 120  # a longer first sentence is cut near here
KYIV = "Europe/Kyiv"  # a post's day is its day where its readers are

_URL = re.compile(r"(?:https?://|www\.|t\.me/)\S+", re.I)
_HASHTAG = re.compile(r"#\w+")
_MENTION = re.compile(r"@\w+")
_LEADING_SYMBOLS = re.compile(r"^[^\w«\"'(„“]+")  # emoji, arrows, bullets before a title
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
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


def _segments(text: str, base_url: str) -> list[str] | None:
    """The path of a Telegram address (with or without its scheme; the /s/ of a preview left
    out), or None: not an address on Telegram's hosts or base_url's."""
    text = text.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = parts.netloc.lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host.removeprefix("www.") not in _hosts(base_url):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    return segments[1:] if segments[:1] == ["s"] else segments


def address(name: str, base_url: str = PERMALINK_HOST) -> Address | None:
    """The Telegram channel a feed's name means (t.me/s/NAME, t.me/NAME, @NAME,
    telegram.me/NAME, the same under base_url), else None: not Telegram at all."""
    text = name.strip()
    if text.startswith("@") and NAME.fullmatch(text[1:]):
        return Address(text[1:])
    segments = _segments(text, base_url)
    if segments is None:
        return None
    if not segments:
        return Address("", "a Telegram address without a channel name: give https://t.me/s/NAME")
    first = segments[0]
    if first.startswith("+") or first.lower() in ("joinchat", "c"):
        return Address(
            first, "a private channel's link: warnews reads public channels only (https://t.me/s/NAME)"
        )
    if first.lower() in _NOT_CHANNELS or not NAME.fullmatch(first):
        return Address(first, f"not a public channel's address: give https://t.me/s/NAME (not {text})")
    if len(segments) > 1 and segments[1].isdigit():
        return Address(
            first,
            f"a post, not a channel: to read the channel, warnews feed {channel_key(first)};"
            f" to translate this post, warnews fetch {PERMALINK_HOST}/{first}/{segments[1]}",
        )
    return Address(first)


def post_address(url: str, base_url: str = PERMALINK_HOST) -> tuple[str, int] | None:
    """(channel, post id) of a post's permalink (https://t.me/NAME/ID, or t.me/s/NAME/ID,
    with or without its scheme)."""
    segments = _segments(url, base_url)
    if segments is None or len(segments) != 2 or not NAME.fullmatch(segments[0]) or not segments[1].isdigit():
        return None
    if segments[0].lower() in _NOT_CHANNELS:
        return None
    return segments[0], int(segments[1])


def permalink(channel: str, post: int) -> str:
    return f"{PERMALINK_HOST}/{channel}/{post}"


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
        return permalink(self.channel, self.id)

    @property
    def original(self) -> str:
        """Where the article lives: the post it forwards (its permalink), else itself. A
        forward and its original are one article, whichever is read first."""
        forwarded = (self.forwarded_from or {}).get("url")
        address = post_address(forwarded) if forwarded else None
        return permalink(*address) if address else self.url

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
        if any(unicodedata.category(char) in ("So", "Sk") for char in text):
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
            canonical_url=self.original,
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
