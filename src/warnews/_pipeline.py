"""source -> fetch -> extract -> detect -> translate -> render -> store, for one article at a time."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from ._detect import Detection, detect_language
from ._errors import InputError
from ._extract import Article, extract
from ._languages import language_name
from ._net import download, make_client
from ._render import document, file_stem, header
from ._settings import Settings
from ._store import save
from ._translate import Engine, GoogleEngine, translate_paragraphs

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


@dataclass(frozen=True)
class Result:
    source: str
    document: str
    metadata: dict[str, Any]
    path: Path | None = None


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
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise InputError("no such file") from None
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(f"larger than the {max_bytes:,}-byte limit")
    return Source(name=name, data=data, path=path)


class Pipeline:
    """Everything a run shares: settings, one HTTP client, one translator engine."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._client = make_client(settings.timeout, settings.proxy)
        self.engine = engine or GoogleEngine(self._client, settings.google_url, settings.retries)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch(self, url: str) -> Result:
        page = download(self._client, url, self.settings.max_bytes)
        return self.process(Source(url, page.content, page.final_url, page.media_type, page.charset))

    def translate_file(self, name: str) -> Result:
        return self.process(read_file(name, self.settings.max_bytes))

    def process(self, source: Source) -> Result:
        settings = self.settings
        article = extract(source.data, source.media_type, source.charset, source.url, source.name)
        units = [article.title, *article.paragraphs] if article.title else article.paragraphs
        if settings.source_language:
            detection = Detection(settings.source_language, 1.0, "given")
        else:
            detection = detect_language(units)
        requests_before = self.engine.requests
        if detection.language == settings.target_language:
            translated, engine_name = units, None
        else:
            translated = translate_paragraphs(
                units, self.engine, detection.language, settings.target_language
            )
            engine_name = self.engine.name
        title = translated[0] if article.title else ""
        body = translated[1:] if article.title else translated
        first_line = header(
            settings.made, article.published, language_name(detection.language), engine_name, settings.credit
        )
        text = document(first_line, body)
        metadata = self._metadata(source, article, detection, title, engine_name, len(body))
        metadata["translator_requests"] = self.engine.requests - requests_before
        if settings.to_stdout:
            return Result(source.name, text, metadata)
        stem = file_stem(article.published or settings.made, title or " ".join(body[0].split()[:8]))
        path = save(settings.out_dir, stem, self._identity(source, article), text, metadata)
        return Result(source.name, text, metadata, path)

    def _identity(self, source: Source, article: Article) -> dict[str, str]:
        """What makes two saves the same article: where it came from, or its exact text."""
        if source.url:
            origin = article.canonical_url or source.url
        elif source.path:
            origin = source.path.resolve().as_uri()
        else:
            origin = ""
        digest = hashlib.sha256("\n".join([article.title, *article.paragraphs]).encode()).hexdigest()
        return {"source_id": origin, "source_sha256": digest}

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
            "published": article.published.isoformat() if article.published else None,
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
            "credit": settings.credit,
            "paragraphs": paragraphs,
        }
