"""Titles first (`warnews feed URL --titles-only`): a feed's items (a channel's posts) with
their titles (and summaries) translated, one line each, for deciding what to read in full.

A feed's titles and summaries are sent as the paragraphs of one article, so that the
translate stage packs them into as few requests as the engine's limit allows, through
the translation memory like any paragraph. Nothing is saved: no file, no state row, no
conditional-GET memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from ._detect import CYRILLIC, CYRILLIC_LANGUAGES, Detection, detect_language
from ._errors import UsageError, WarnewsError
from ._hints import as_url
from ._normalize import normalize_paragraph
from ._pipeline import Pipeline
from ._redact import printable, redact
from ._render import UNKNOWN
from ._settings import secret_values
from .sources import telegram
from .sources.channel import page_limit
from .sources.discover import read_feed
from .sources.feeds import Entry, conditional_headers, wanted

# A digest is for deciding what to read: a summary is its first sentences up to
# SUMMARY_MAX characters, a title at most TITLE_MAX. Many feeds give an item's whole text
# as its summary, and a hostile one any title: at full length, a feed of 30 such items
# cost 53 requests where the digest promises one or two.
SUMMARY_MAX = 200
TITLE_MAX = 300
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def _short(text: str, limit: int) -> str:
    """text if it is no longer than limit, else its first sentences within it, else its
    first words within it and an ellipsis."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}" if kept else sentence
    if kept:
        return kept
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return f"{cut.rstrip(',;:—–- ')}…"


@dataclass(frozen=True)
class Item:
    """One line of the digest (its --json object, key for key)."""

    date: str | None  # the item's publication day (ISO), None: unknown
    title: str
    original_title: str
    summary: str | None
    original_summary: str | None
    link: str
    feed: str  # the feed as it was named (pasted without a scheme: the https:// URL read)
    language: str  # the items' language, detected for the whole feed
    engine: str | None  # None: not translated (already in the target language)

    def line(self) -> str:
        """date, English title, link: tab-separated, nothing that could drive a terminal."""
        fields = (self.date or UNKNOWN, self.title or "-", self.link)
        return "\t".join(printable(field).replace("\t", " ") for field in fields)

    def json(self) -> str:
        return json.dumps(asdict(self))  # ASCII escapes: no control character is printed


def refuse(feeds: list[str], telegram_url: str) -> None:
    """What is no feed nor channel on Telegram (a post, an invite link) is refused before
    anything is read."""
    for name in feeds:
        target = telegram.address(name, telegram_url)
        if target is not None and target.refusal is not None:
            raise UsageError(f"{printable(name)}: {target.refusal}")
        if target is None and telegram.post_address(name, telegram_url):
            raise UsageError(f"{printable(name)} is a Telegram post: --titles-only reads feeds and channels")


def read(pipeline: Pipeline, url: str) -> tuple[list[Entry], str | None]:
    """A feed's items (a channel's posts), as many as feed_items and of `since` or later
    (an undated one is), and the feed read for it when url is a web page (None: url is the feed)."""
    settings = pipeline.settings
    target = telegram.address(url, settings.telegram_url)
    if target is not None:
        return _posts(pipeline, target.channel), None
    answer = pipeline.download(url, conditional_headers(None, None))
    _, items, found = read_feed(answer, pipeline.download)
    entries = [entry for entry in items.entries if wanted(entry.published, settings.since)]
    return entries[: settings.feed_items], found


def _posts(pipeline: Pipeline, channel: str) -> list[Entry]:
    """A channel's newest posts that are articles, each titled as its article would be
    (its first line, or first sentence), newest first: pages read back as far as
    feed_items and `since` want."""
    settings, since = pipeline.settings, pipeline.settings.since
    entries: list[Entry] = []
    before: int | None = None
    for _ in range(page_limit(settings.feed_items)):  # as many pages as a run reads
        if len(entries) >= settings.feed_items:
            break
        page = pipeline.channel_page(channel, before)
        for post in page.posts:
            if since is not None and post.day is not None and post.day < since:
                return entries
            if post.skip_reason is None and len(entries) < settings.feed_items:
                entries.append(Entry(post.url, post.title, "", post.day))
        if page.before is None or (before is not None and page.before >= before):
            break  # the link goes back no further: a page read again would be read forever
        before = page.before
    return entries


def translate(pipeline: Pipeline, entries: list[Entry], feed: str) -> list[Item]:
    """The items with their titles and summaries translated: one article of paragraphs
    for the whole feed, its language detected from all of them together (a title alone
    is too short to tell)."""
    settings = pipeline.settings
    titles = [_short(normalize_paragraph(entry.title), TITLE_MAX) for entry in entries]
    summaries = [_short(normalize_paragraph(entry.summary), SUMMARY_MAX) for entry in entries]
    units = list(dict.fromkeys(text for text in [*titles, *summaries] if text))  # a repeated title once
    if not units:
        return [_item(entry, feed, "", "", "", "", "und", None) for entry in entries]
    if settings.source_language:
        detection = Detection(settings.source_language, 1.0, "given")
    else:
        detection = detect_language(units)
    language, engine = detection.language, None
    translated = dict(zip(units, units, strict=True))
    # In a feed in Cyrillic, a title in Latin letters only ("NATO", "iPhone 15 Pro Max") is
    # a name or English already, and comes back as it is: a request of nothing else (the
    # rest in the translation memory) would be taken for an echo and fail the whole feed.
    sent = [text for text in units if language not in CYRILLIC_LANGUAGES or CYRILLIC.search(text) is not None]
    if language != settings.target_language and sent:
        translation = pipeline.translator.translate(
            sent, language, settings.target_language, given=detection.method == "given"
        )
        translated.update(zip(sent, translation.paragraphs, strict=True))
        engine = translation.engine
    return [
        _item(
            entry,
            feed,
            title,
            translated.get(title, ""),
            summary,
            translated.get(summary, ""),
            language,
            engine,
        )
        for entry, title, summary in zip(entries, titles, summaries, strict=True)
    ]


def _item(
    entry: Entry,
    feed: str,
    title: str,
    english: str,
    summary: str,
    english_summary: str,
    language: str,
    engine: str | None,
) -> Item:
    return Item(
        date=entry.published.isoformat() if isinstance(entry.published, date) else None,
        title=english,
        original_title=title,
        summary=english_summary or None,
        original_summary=summary or None,
        link=entry.link,
        feed=feed,
        language=language,
        engine=engine,
    )


def digest(
    pipeline: Pipeline,
    feeds: list[str],
    emit: Callable[[Item], None],
    fail: Callable[[str], None],
) -> bool:
    """Each feed's digest, in the order named, one item at a time to emit; a feed that
    cannot be read or translated is said (fail) and the others go on. True if none failed."""
    ok = True
    for name in dict.fromkeys(feeds):
        feed, note = (name, None) if telegram.address(name, pipeline.settings.telegram_url) else as_url(name)
        if note:  # a URL pasted without its scheme, as a run takes it
            pipeline.warn(note)
        try:
            entries, found = read(pipeline, feed)
            if found:
                pipeline.warn(f"{feed} is a web page; reading its feed {found}")
            items = translate(pipeline, entries, feed)
        except Exception as error:  # one feed's failure, even a bug, never stops the others
            said = (
                str(error)
                if isinstance(error, WarnewsError)
                else f"unexpected {type(error).__name__}: {error}"
            )
            fail(f"{feed}: feed: {redact(said, secret_values(pipeline.settings), fragments=False)}")
            ok = False
            continue
        for item in items:
            emit(item)
    return ok
