"""source -> fetch -> extract -> detect -> translate -> render -> store: the stages of one article."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._cache import open_memory
from ._dates import STRONG, crawl_day, fetched_at, file_fetched, last_modified, publication
from ._detect import Detection, detect_language
from ._errors import FetchError, InputError, NotAnArticle, Stopped, UsageError
from ._extract import Article, extract
from ._formats import Content, render
from ._glossary import load as load_glossary
from ._hints import not_a_file, not_a_url
from ._languages import language_name
from ._model import Document, Extracted, Metadata, Source
from ._net import Download, HostLimits, Throttle, download, make_client
from ._normalize import normalize_paragraph
from ._pace import Learned, Pace
from ._redact import redact
from ._render import header
from ._settings import Settings, secret_values
from ._state import site
from ._store import copy_saved
from ._translate import Fallback, Translator, gate_report
from .engines import Engine, make_engines
from .sources import preview, telegram
from .sources.telegram import Post

_log = logging.getLogger("warnews")  # -v (see _report.Verbose)


def _home(url: str) -> bool:
    """Whether a URL is a site's home page (no path, no query)."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def read_file(name: str, max_bytes: int) -> Source:
    """A local file, or standard input for '-'."""
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        path, fetched = None, datetime.now(UTC)
    else:
        path = Path(name)
        fetched = None
        if path.is_dir():
            raise InputError("is a folder, not a file")
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size  # refused before a byte is read
                if size > max_bytes:
                    raise InputError(f"{size:,} bytes, over the {max_bytes:,}-byte limit (--max-page-bytes)")
                data = handle.read(max_bytes + 1)
                fetched = file_fetched(os.fstat(handle.fileno()).st_mtime)
        except FileNotFoundError:
            raise InputError(not_a_file(name)) from None
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(f"over the {max_bytes:,}-byte limit (--max-page-bytes)")
    return Source(name=name, data=data, path=path, fetched=fetched)


def published_date(
    article: Article, source: Source, feed_date: date | None, made: date
) -> tuple[date | None, str | None, str | None]:
    """The date an article's file states, where it came from (the sidecar's published_from)
    and how the page stated it (published_evidence): what the article states about itself
    first, then the post's time and the feed item's date, then a date read from the page's
    words, then Last-Modified; none after the crawl."""
    strong = article.post is not None or article.published_evidence in STRONG
    stated, read = (article.published, None) if strong else (None, article.published)
    crawled = crawl_day(source.fetched, source.url)
    if crawled is not None and stated is not None and article.post is None:
        # page_date held the page's own date to the crawl, in the zone it is written in:
        # "00:16+03:00" on the 10th, read at 23:30 on the 9th in Kyiv, is not after it.
        crawled = max(crawled, stated)
    published, published_from = publication(
        [
            ("post" if article.post is not None else "page", stated),
            ("feed", feed_date),
            ("page", read),
            ("last-modified", source.modified),
        ],
        made,
        crawled=crawled,
    )
    return published, published_from, article.published_evidence if published_from == "page" else None


class Pipeline:
    """What articles share: settings, the HTTP clients, the limits, the engines.

    Its methods are the stages of one article and may run in several threads at once.
    It writes nothing: the translation memory is opened only if settings.cache says so,
    and documents are saved by their own save().
    """

    def __init__(
        self,
        settings: Settings,
        stop: threading.Event | None = None,
        warn: Callable[[str], None] | None = None,
        client: httpx.Client | None = None,
        paces: Mapping[str, Learned] | None = None,
    ) -> None:
        """client: the caller's own httpx client, for pages and the translator alike (its
        timeouts, proxy and transport then apply; it is not closed here); paces: what earlier
        runs learned of each translator's pace (Engine.translator: Learned)."""
        if client is not None and settings.public_only:
            raise UsageError("public_only needs warnews's own HTTP client: give one or the other")
        self.settings = settings
        self.stop = stop or threading.Event()
        self.warn = warn or (lambda message: None)
        self._owned = client is None
        self._client = client or make_client(settings.timeout, settings.proxy)
        # --public-only guards the pages and feeds that users name, not the translator,
        # which the operator configured (a LibreTranslate server on localhost is normal).
        self._pages = (
            make_client(settings.timeout, settings.proxy, public_only=True)
            if settings.public_only
            else self._client
        )
        self._hosts = HostLimits(settings.per_host, self.stop)
        # Channel previews come from one host, which answers 429 when polled fast.
        self._hosts.pace(settings.telegram_url, preview.PAGE_RATE)
        self._paces: dict[str, Pace] = {}

        def pace(engine: Engine) -> Throttle:  # each translator its own, from what was learned
            learned = (paces or {}).get(engine.translator)
            self._paces[engine.translator] = Pace(
                settings.translator_rate, learned, settings.translator_start
            )
            return Throttle(settings.translator_concurrency, self._paces[engine.translator], self.stop)

        try:
            glossary = load_glossary(settings.default_glossary, settings.glossary)
            engines = make_engines(settings, self._client, pace)
            memory = open_memory(settings, warn) if settings.cache else None
        except BaseException:
            self._close_clients()
            raise
        self.translator = Translator(engines, memory, glossary or None, strict=settings.quality == "strict")

    def learned(self) -> dict[str, Learned]:
        """The pace of each translator this pipeline asked anything, as it is now."""
        return {translator: pace.learned for translator, pace in self._paces.items() if pace.used}

    def _close_clients(self) -> None:
        if self._owned:
            self._client.close()
        if self._pages is not self._client:
            self._pages.close()

    def close(self) -> None:
        self._close_clients()
        if self.translator.memory is not None:
            self.translator.memory.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check(self) -> None:
        if self.stop.is_set():
            raise Stopped

    def download(self, url: str, headers: dict[str, str] | None = None) -> Download:
        self._check()
        settings = self.settings
        return download(
            self._pages, url, settings.max_page_bytes, settings.retries, self._hosts[url], headers
        )

    def fetch(self, url: str) -> Source:
        hint = not_a_url(url)
        if hint:
            raise FetchError(hint, permanent=True)
        page = self.download(url)
        return Source(
            url,
            page.content,
            page.final_url,
            page.media_type,
            page.charset,
            modified=last_modified(page.headers),
            fetched=fetched_at(page.headers),
        )

    def article(self, url: str, post: Post | None = None, hint: date | None = None) -> Extracted:
        """The article at a URL: a Telegram post (as read from its channel, or else from its
        embed page), or a page downloaded and extracted. NotAnArticle: a post with nothing
        to translate. hint: the date of the feed item that brought it."""
        if post is None and telegram.post_address(url, self.settings.telegram_url):
            post = self.read_post(url)
        channel = telegram.address(url, self.settings.telegram_url) if post is None else None
        if channel is not None and channel.refusal is None:
            raise FetchError(
                f"a Telegram channel, not an article: to translate its posts, warnews feed {channel.key}",
                permanent=True,
            )
        if post is None:
            return self.extract(self.fetch(url), hint)
        reason = post.skip_reason
        if reason:
            raise NotAnArticle(reason)
        return self.post(post)

    def read_post(self, url: str) -> Post:
        """One Telegram post, named by its permalink, from its embed page (the same widget
        as the channel's page shows)."""
        channel, number = telegram.post_address(url, self.settings.telegram_url) or ("", 0)
        answer = self.download(telegram.embed_url(self.settings.telegram_url, channel, number))
        page = preview.parse_page(answer, channel, single=True)
        for post in page.posts:
            if post.id == number:
                return post
        raise FetchError(f"post {number} of @{channel} is not on its page (deleted, or not public)")

    def channel_page(self, channel: str, before: int | None = None) -> preview.Page:
        """A page of a Telegram channel's preview."""
        try:
            answer = self.download(telegram.page_url(self.settings.telegram_url, channel, before))
        except FetchError as error:
            if error.status in (404, 410):
                raise FetchError(f"no public channel @{channel} ({error})", permanent=True) from None
            raise
        return preview.parse_page(answer, channel)

    def post(self, post: Post) -> Extracted:
        """A Telegram post as an extracted article: nothing to download or extract."""
        self._check()
        return Extracted(Source(post.url, b"", post.url, "text/html", "utf-8"), post.article())

    def read(self, name: str) -> Source:
        self._check()
        return read_file(name, self.settings.max_page_bytes)

    def extract(self, source: Source, hint: date | None = None) -> Extracted:
        """hint: the date of the feed item that brought the source (a year for its dates
        written without one)."""
        self._check()
        article = extract(
            source.data, source.media_type, source.charset, source.url, source.name, source.fetched, hint
        )
        canonical = article.canonical_url
        if (
            canonical
            and source.url
            and (site(canonical) != site(source.url) or (_home(canonical) and not _home(source.url)))
        ):
            # Any page can name any URL as its canonical one: only the page's own site is
            # believed, or a page could make another site's article a "duplicate" of itself.
            # Nor the site's home page, which a careless template names on every article:
            # each would be a "duplicate" of the first.
            article = replace(article, canonical_url=None)
        return Extracted(source, article)

    def translate(self, extracted: Extracted, feed_date: date | None = None) -> Document:
        """detect -> translate -> render. feed_date: the date of the feed item that
        brought the article, if any."""
        self._check()
        settings, source, article = self.settings, extracted.source, extracted.article
        published, published_from, evidence = published_date(article, source, feed_date, settings.made)
        units = [article.title, *article.paragraphs] if article.title else article.paragraphs
        if settings.source_language:
            detection = Detection(settings.source_language, 1.0, "given")
        else:
            detection = detect_language(units, article.prior or None)
        source_name = language_name(detection.language)
        original = None
        fallback: tuple[Fallback, ...] = ()
        glossary: dict[str, Any] | None = None
        quality: dict[str, Any] | None = None
        if detection.language == settings.target_language:
            translated, engine_name = units, None
            requests, sent, cached, kept = 0, 0, 0, len(units)
        else:
            translation = self.translator.translate(
                units,
                detection.language,
                settings.target_language,
                given=detection.method == "given",
                titled=bool(article.title),
            )
            translated, engine_name = translation.paragraphs, translation.engine
            requests, sent, cached, kept = (
                translation.requests,
                translation.sent,
                translation.cached,
                translation.kept,
            )
            _log.info(
                "%s: %d paragraphs sent to %s, %d taken from the translation memory, %d kept as they were",
                source.name,
                sent,
                engine_name,
                cached,
                kept,
            )
            secrets = secret_values(settings)
            fallback = tuple(
                replace(item, error=redact(item.error, secrets, fragments=False))
                for item in translation.fallback
            )
            glossary, quality = gate_report(translation)
        title = translated[0] if article.title else ""
        body = translated[1:] if article.title else translated
        bilingual = settings.bilingual and engine_name is not None  # an English article has no pairs
        metadata = Metadata(
            title=title or None,
            original_title=article.title or None,
            source=source.name,
            url=source.url,
            canonical_url=article.canonical_url,
            published=published,
            published_from=published_from,
            published_evidence=evidence,
            made=settings.made,
            author=article.author,
            sitename=article.sitename,
            source_language=detection.language,
            source_language_name=source_name,
            detection=detection,
            source_encoding=article.encoding,
            target_language=settings.target_language,
            engine=engine_name,
            credit=settings.credit,
            paragraphs=len(body),
            translator_requests=requests,
            paragraphs_sent=sent,
            paragraphs_cached=cached,
            paragraphs_kept=kept,
            fallback=fallback,
            glossary=glossary,
            quality=quality,
            source_id=extracted.origin,
            source_sha256=extracted.sha256,
            telegram=article.post,
            dropped=article.dropped,
            bilingual=bilingual,
        )
        first_line = header(settings.made, published, source_name, engine_name, settings.credit)
        paragraphs = tuple(normalize_paragraph(paragraph) for paragraph in body)
        source_body = tuple(normalize_paragraph(paragraph) for paragraph in article.paragraphs)
        link = article.canonical_url or source.url
        content = Content(first_line, title or None, paragraphs, settings.target_language, link)
        if bilingual:
            content = replace(
                content,
                source_title=article.title or None,
                source_paragraphs=source_body,
                source_language=detection.language,
            )
        if settings.keep_original and engine_name is not None:
            first = header(settings.made, published, source_name, None, settings.credit)
            as_written = Content(first, article.title or None, source_body, detection.language, link)
            original = render(settings.format, as_written)
        return Document(
            render(settings.format, content),
            paragraphs,
            metadata,
            original,
            header=first_line,
            source=source_body,
            format=settings.format,
        )

    def copy(self, saved: Path) -> tuple[Path, bool, dict[str, Any]] | None:
        """An article saved elsewhere, made in the output folder from its files (see copy_saved)."""
        self._check()
        settings = self.settings
        return copy_saved(saved, settings.out, settings.format, settings.bilingual, settings.keep_original)
