"""The data that travels from stage to stage: a source's bytes, what the sidecar says
(Metadata), and the finished Document. Frozen dataclasses, no I/O but Document.save."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import __version__
from ._detect import Detection
from ._extract import Article, Dropped
from ._render import file_stem
from ._translate import Fallback, fallback_note

FORMAT_VERSION = 1  # the sidecar's "format"


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
    # When it was downloaded (the answer's Date, else the clock) or last written (a file):
    # a page's relative dates count from it, and nothing published after it is believed.
    fetched: datetime | None = None


@dataclass(frozen=True)
class Extracted:
    """An article taken out of its source, before translation."""

    source: Source
    article: Article
    # The sha256 of the text as extracted, kept when a site's boilerplate is dropped from
    # the article later (see pruned): an article is the same article whatever a site has
    # taught since.
    extracted_sha256: str | None = None

    def pruned(self, article: Article) -> Extracted:
        """The same extraction with the article made shorter (its site's boilerplate out)."""
        return replace(self, article=article, extracted_sha256=self.sha256)

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
        if self.extracted_sha256:
            return self.extracted_sha256
        text = "\n".join([self.article.title, *self.article.paragraphs])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Metadata:
    """Everything known about a document, as its JSON sidecar says it (`to_dict`).

    One record from extraction to the file: the runner, the state database and the
    sidecar all read these fields, never a dictionary's keys.
    """

    title: str | None  # the translated title
    original_title: str | None
    source: str  # as the user named it: a URL, a path, "-"
    url: str | None  # the page's URL after redirects
    canonical_url: str | None  # the page's own, when it is on the page's site
    published: date | None  # what the provenance line states; None: unknown
    published_from: str | None  # "page", "post" (a Telegram post's time), "feed", "last-modified", or None
    made: date
    author: str | None
    sitename: str | None
    source_language: str
    source_language_name: str
    detection: Detection
    source_encoding: str | None
    target_language: str
    engine: str | None  # the engine that translated it; None: not translated
    credit: str | None
    paragraphs: int  # the body's paragraphs
    translator_requests: int = 0
    paragraphs_sent: int = 0
    paragraphs_cached: int = 0
    paragraphs_kept: int = 0
    # The engines of the chain that did not translate it, and why (no secret in them).
    fallback: tuple[Fallback, ...] = ()
    # Glossary terms found in the source, enforced, missed; and what the quality gate
    # measured and which checks failed (None: not translated; no such keys in the sidecar).
    glossary: Mapping[str, Any] | None = None
    quality: Mapping[str, Any] | None = None
    source_id: str = ""  # where it lives: its canonical URL, final URL or file URI
    source_sha256: str = ""  # of its source title and paragraphs
    # A Telegram post's record: channel, post id, views, forwarded-from, reply-to, link
    # previews, media URLs (None: not a post; then the sidecar has no "telegram" key).
    telegram: Mapping[str, Any] | None = None
    # The page's paragraphs left out of the article, and why (see _extract.Dropped).
    dropped: tuple[Dropped, ...] = ()
    file: str | None = None  # the text file's name, once saved
    original_file: str | None = None  # the source text's file name (keep_original), once saved
    bilingual: bool = False  # its file pairs each source paragraph with its translation (md, html)
    # How the page states its date ("json-ld", "meta", "time", "url", "text", "relative"),
    # when the date is the page's; None otherwise.
    published_evidence: str | None = None
    # The host that made it, where several share the state (None: one machine; no such key).
    host: str | None = None
    format: int = FORMAT_VERSION
    warnews_version: str = __version__

    @property
    def identity(self) -> dict[str, str]:
        """What makes two saves the same article: where it came from, or its exact text. A
        Telegram post is its permalink only: a channel repeats short texts ("air raid
        alert") in posts that are each news of their own."""
        if self.telegram is not None:
            return {"source_id": self.source_id}
        return {"source_id": self.source_id, "source_sha256": self.source_sha256}

    def to_dict(self) -> dict[str, Any]:
        """The sidecar, as JSON-ready values, its keys in the order of the format."""
        sidecar: dict[str, Any] = {
            "format": self.format,
            "warnews_version": self.warnews_version,
            "title": self.title,
            "original_title": self.original_title,
            "source": self.source,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "published": self.published.isoformat() if self.published else None,
            "published_from": self.published_from,
            "published_evidence": self.published_evidence,
            "made": self.made.isoformat(),
            "author": self.author,
            "sitename": self.sitename,
            "source_language": self.source_language,
            "source_language_name": self.source_language_name,
            "detection": {
                "method": self.detection.method,
                "confidence": self.detection.confidence,
                "candidates": dict(self.detection.candidates),
            },
            "source_encoding": self.source_encoding,
            "target_language": self.target_language,
            "engine": self.engine,
            "fallback": [{"engine": item.engine, "error": item.error} for item in self.fallback],
            "credit": self.credit,
            "paragraphs": self.paragraphs,
            "translator_requests": self.translator_requests,
            "paragraphs_sent": self.paragraphs_sent,
            "paragraphs_cached": self.paragraphs_cached,
            "paragraphs_kept": self.paragraphs_kept,
            "dropped": [{"text": item.text, "why": item.why} for item in self.dropped],
            **({"glossary": dict(self.glossary)} if self.glossary is not None else {}),
            **({"quality": dict(self.quality)} if self.quality is not None else {}),
            "source_id": self.source_id,
            "source_sha256": self.source_sha256,
        }
        if self.telegram is not None:
            sidecar["telegram"] = dict(self.telegram)
        if self.host is not None:
            sidecar["host"] = self.host
        if self.file is not None:
            sidecar["file"] = self.file
        if self.original_file is not None:
            sidecar["original_file"] = self.original_file
        if self.bilingual:
            sidecar["bilingual"] = True
        return sidecar


def _joined(*notes: str | None) -> str | None:
    said = [note for note in notes if note]
    return "; ".join(said) if said else None


@dataclass(frozen=True)
class Document:
    """One translated article: exactly the text its file holds, and what its sidecar says.

    `warnews.fetch`, `warnews.translate_file` and `warnews.translate_text` make them;
    `save(folder)` writes them as `warnews fetch` does.
    """

    text: str  # the whole file, in its format: for txt the provenance line, a blank line, the paragraphs
    paragraphs: tuple[str, ...]  # the body, translated (the title is in metadata.title)
    metadata: Metadata
    # The normalized source text as its own document, in the same format (keep_original), else None.
    original: str | None = field(default=None, repr=False)
    header: str = ""  # the provenance line
    source: tuple[str, ...] = field(default=(), repr=False)  # the body as the source has it, normalized
    format: str = "txt"  # the file's: txt, md or html

    def __post_init__(self) -> None:
        if not self.header and self.format == "txt":  # a txt file's first line is its provenance line
            object.__setattr__(self, "header", self.text.split("\n", 1)[0])

    @property
    def title(self) -> str | None:
        """The translated title; None when the source had none."""
        return self.metadata.title

    @property
    def stem(self) -> str:
        """The file's name without its suffix: the date, then the title's words."""
        metadata = self.metadata
        return file_stem(
            metadata.published or metadata.made, metadata.title or " ".join(self.paragraphs[0].split()[:8])
        )

    @property
    def warning(self) -> str | None:
        """What an engine that failed this very article says, or None."""
        return _joined(
            fallback_note(self.metadata.fallback, self.metadata.engine or "", untried=False), self._failed
        )

    @property
    def note(self) -> str | None:
        """Every engine passed over, for the state and `warnews status`."""
        return _joined(fallback_note(self.metadata.fallback, self.metadata.engine or ""), self._failed)

    @property
    def _failed(self) -> str | None:
        """What the quality gate says of a translation kept though it failed."""
        quality = self.metadata.quality
        if not quality or quality.get("passed", True):
            return None
        mine = [item for item in quality.get("failures", ()) if item.get("engine") == quality.get("engine")]
        first = (mine or list(quality.get("failures", ())) or [{}])[0]
        number = first.get("paragraph")
        where = "" if number is None else ", in the title" if number == 0 else f", in paragraph {number}"
        return (
            f"the translation failed the quality check: {first.get('detail', 'see the sidecar')}{where}; "
            "saved as it is, the failures in its sidecar"
        )

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Save the text file and its JSON sidecar in folder (created if missing); return the
        text file's path.

        As the command line saves: named DATE-TITLE.txt (.md or .html by its format; -2, -3 …
        when another article has the name; this article's own files are replaced, and one
        sidecar serves all its formats), the sidecar first, each
        file written whole to a temporary file and renamed into place, and nothing written
        if the document breaks the format (StoreError).
        """
        from ._store import prepare_folder

        path = Path(folder)
        prepare_folder(path)
        return self.save_in(path)

    def save_in(
        self,
        folder: Path,
        preferred: Path | None = None,
        before: Callable[[Path], None] | None = None,
        reserve: Callable[[Path], bool] | None = None,
    ) -> Path:
        """save() into a folder that exists. preferred: the name an interrupted earlier run
        chose for this article; before: told the path before anything is written; reserve:
        whether a free name may be taken (False: it is reserved for another article, by
        another host writing to the same folder)."""
        from ._store import choose_path, folder_lock, save

        # Other processes and threads saving into the folder wait their turn, or two
        # articles could choose one name.
        with folder_lock(folder):
            path = choose_path(
                folder, self.stem, self.metadata.identity, preferred, f".{self.format}", reserve
            )
            if before is not None:
                before(path)
            return save(path, self)

    def saved_as(self, path: Path) -> Metadata:
        """The metadata of this document saved at path (its file names filled in)."""
        from ._store import original_path

        original = original_path(path, self.metadata.source_language).name if self.original else None
        return replace(self.metadata, file=path.name, original_file=original)
