"""source -> fetch -> extract -> detect -> translate -> render -> store: the stages of one article."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from ._cache import Memory
from ._dates import last_modified, publication
from ._detect import Detection, detect_language
from ._errors import FetchError, InputError, Stopped
from ._extract import Article, extract
from ._hints import not_a_file, not_a_url
from ._languages import language_name
from ._net import Download, HostLimits, Throttle, download, make_client
from ._redact import redact
from ._render import document, file_stem, header
from ._settings import Settings, secret_values
from ._state import site
from ._store import choose_path, copy_saved, folder_lock, save
from ._translate import Fallback, Translator, fallback_note
from .engines import make_engines

_log = logging.getLogger("warnews")  # -v (see _report.Verbose)

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Source:
    """An article's bytes and where they came from."""

    name: str  # as the user gave it: a URL, a path, or "-"
    data: bytes
    url: str | None = None  # after redirects, for downloaded pages
    media_type: str | None = None
    charset: str | None = None
    path: Path | None = None
    modified: date | None = None  # its Last-Modified day, when the server did not make it now


@dataclass(frozen=True)
class Extracted:
    """An article taken out of its source, before translation."""

    source: Source
    article: Article

    @property
    def origin(self) -> str:
        """Where the article lives: its canonical URL, the final URL, or the file."""
        if self.source.url:
            return self.article.canonical_url or self.source.url
        if self.source.path:
            return self.source.path.resolve().as_uri()
        return ""

    @property
    def sha256(self) -> str:
        text = "\n".join([self.article.title, *self.article.paragraphs])
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def identity(self) -> dict[str, str]:
        """What makes two saves the same article: where it came from, or its exact text."""
        return {"source_id": self.origin, "source_sha256": self.sha256}


@dataclass(frozen=True)
class Result:
    source: str
    document: str
    metadata: dict[str, Any]
    stem: str
    identity: dict[str, str]
    original: tuple[str, str] | None = None  # (language, document) with --keep-original
    fallback: tuple[Fallback, ...] = ()  # engines of the chain that did not translate it (no secret)

    @property
    def warning(self) -> str | None:
        """The warning line of an engine that failed this article, or None."""
        return fallback_note(self.fallback, self.metadata["engine"], untried=False)

    @property
    def note(self) -> str | None:
        """Every engine passed over, for the state and `warnews status`."""
        return fallback_note(self.fallback, self.metadata["engine"])


def read_file(name: str, max_bytes: int) -> Source:
    """A local file, or standard input for '-'."""
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        path = None
    else:
        path = Path(name)
        if path.is_dir():
            raise InputError("is a folder, not a file")
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size  # refused before a byte is read
                if size > max_bytes:
                    raise InputError(f"{size:,} bytes, over the {max_bytes:,}-byte limit (--max-page-bytes)")
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise InputError(not_a_file(name)) from None
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(f"over the {max_bytes:,}-byte limit (--max-page-bytes)")
    return Source(name=name, data=data, path=path)


class Pipeline:
    """What articles share in a run: settings, one HTTP client, the limits, one engine.

    Its methods are the stages of one article and may run in several threads at once.
    """

    def __init__(
        self,
        settings: Settings,
        stop: threading.Event | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.stop = stop or threading.Event()
        self.warn = warn or (lambda message: None)
        self._client = make_client(settings.timeout, settings.proxy)
        # --public-only guards the pages and feeds that users name, not the translator,
        # which the operator configured (a LibreTranslate server on localhost is normal).
        self._pages = (
            make_client(settings.timeout, settings.proxy, public_only=True)
            if settings.public_only
            else self._client
        )
        self._hosts = HostLimits(settings.per_host, self.stop)
        throttle = Throttle(settings.translator_concurrency, settings.translator_rate, self.stop)
        try:
            engines = make_engines(settings, self._client, throttle)
            memory = Memory(settings.cache_file, warn) if settings.cache else None
        except BaseException:
            self._close_clients()
            raise
        self.translator = Translator(engines, memory)

    def _close_clients(self) -> None:
        self._client.close()
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
        )

    def read(self, name: str) -> Source:
        self._check()
        return read_file(name, self.settings.max_page_bytes)

    def extract(self, source: Source) -> Extracted:
        self._check()
        article = extract(source.data, source.media_type, source.charset, source.url, source.name)
        if article.canonical_url and source.url and site(article.canonical_url) != site(source.url):
            # Any page can name any URL as its canonical one: only the page's own site is
            # believed, or a page could make another site's article a "duplicate" of itself.
            article = replace(article, canonical_url=None)
        return Extracted(source, article)

    def translate(self, extracted: Extracted, feed_date: date | None = None) -> Result:
        """feed_date: the date of the feed item that brought the article, if any."""
        self._check()
        settings, source, article = self.settings, extracted.source, extracted.article
        published, published_from = publication(
            [("page", article.published), ("feed", feed_date), ("last-modified", source.modified)],
            settings.made,
        )
        units = [article.title, *article.paragraphs] if article.title else article.paragraphs
        if settings.source_language:
            detection = Detection(settings.source_language, 1.0, "given")
        else:
            detection = detect_language(units)
        source_name = language_name(detection.language)
        fallback: tuple[Fallback, ...] = ()
        if detection.language == settings.target_language:
            translated, engine_name, original = units, None, None
            counts = {
                "translator_requests": 0,
                "paragraphs_sent": 0,
                "paragraphs_cached": 0,
                "paragraphs_kept": len(units),
            }
        else:
            translation = self.translator.translate(
                units, detection.language, settings.target_language, given=detection.method == "given"
            )
            translated, engine_name = translation.paragraphs, translation.engine
            _log.info(
                "%s: %d paragraphs sent to %s, %d taken from the translation memory, %d kept as they were",
                source.name,
                translation.sent,
                engine_name,
                translation.cached,
                translation.kept,
            )
            secrets = secret_values(settings)
            fallback = tuple(
                replace(item, error=redact(item.error, secrets, fragments=False))
                for item in translation.fallback
            )
            counts = {
                "translator_requests": translation.requests,
                "paragraphs_sent": translation.sent,
                "paragraphs_cached": translation.cached,
                "paragraphs_kept": translation.kept,
            }
            original = None
            if settings.keep_original:
                first = header(settings.made, published, source_name, None, settings.credit)
                original = (detection.language, document(first, units[1:] if article.title else units))
        title = translated[0] if article.title else ""
        body = translated[1:] if article.title else translated
        first_line = header(settings.made, published, source_name, engine_name, settings.credit)
        metadata = self._metadata(source, article, detection, title, engine_name, len(body))
        metadata.update(
            published=published.isoformat() if published else None,
            published_from=published_from,  # page, feed, last-modified, or None: unknown
            fallback=[{"engine": item.engine, "error": item.error} for item in fallback],
            **counts,
        )
        stem = file_stem(published or settings.made, title or " ".join(body[0].split()[:8]))
        return Result(
            source.name, document(first_line, body), metadata, stem, extracted.identity, original, fallback
        )

    def save(
        self, result: Result, preferred: Path | None = None, before: Callable[[Path], None] | None = None
    ) -> Path:
        """Save a result; `before` learns the path first (the state records it there).

        Other processes saving into the same folder wait their turn (folder_lock); threads
        of one process must take turns too, or two articles could choose one name.
        """
        self._check()
        with folder_lock(self.settings.out):
            path = choose_path(self.settings.out, result.stem, result.identity, preferred)
            if before is not None:
                before(path)
            return save(path, result.identity, result.document, result.metadata, result.original)

    def copy(self, saved: Path) -> tuple[Path, bool, dict[str, Any]] | None:
        """An article saved elsewhere, made in the output folder from its files (see copy_saved)."""
        self._check()
        return copy_saved(saved, self.settings.out)

    def _metadata(
        self,
        source: Source,
        article: Article,
        detection: Detection,
        title: str,
        engine_name: str | None,
        paragraphs: int,
    ) -> dict[str, Any]:
        settings = self.settings
        return {
            "format": FORMAT_VERSION,
            "warnews_version": __version__,
            "title": title or None,
            "original_title": article.title or None,
            "source": source.name,
            "url": source.url,
            "canonical_url": article.canonical_url,
            "published": None,  # set by translate: the date the provenance line states
            "published_from": None,
            "made": settings.made.isoformat(),
            "author": article.author,
            "sitename": article.sitename,
            "source_language": detection.language,
            "source_language_name": language_name(detection.language),
            "detection": {
                "method": detection.method,
                "confidence": detection.confidence,
                "candidates": detection.candidates,
            },
            "source_encoding": article.encoding,
            "target_language": settings.target_language,
            "engine": engine_name,
            "fallback": [],
            "credit": settings.credit,
            "paragraphs": paragraphs,
        }
