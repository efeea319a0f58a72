"""What many saved articles make: the Atom feed (the `atom` setting, `warnews export
--format atom`), JSON Lines and CSV; and the record each done article keeps in the state
(`pack`), from which they are made without reading a file.

Rendering is pure (`atom`, `jsonl`, `csv_text`); `load` and `write_atom` are the edges
(the state database, one file written atomically).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from ._database import DatabaseURL
from ._errors import StoreError
from ._render import document_problem
from ._state import url_key
from ._store import META_SUFFIX, remove_leftovers_of, write_atomic

if TYPE_CHECKING:
    from ._model import Document
    from ._state import State

FEED_TITLE = "warnews: translated news"
LANGUAGE_SCHEME = "urn:warnews:source-language"  # an entry's <category>: the language it was translated from
ENGINE_SCHEME = "urn:warnews:engine"  # and the engine that translated it
# What JSON Lines and CSV give beyond `warnews list --json`: from the article as saved.
EXTRA_COLUMNS = ("made", "language", "engine", "file_published", "original_title")
LIST_COLUMNS = (
    "url",
    "status",
    "permanent",
    "file",
    "title",
    "published",
    "updated_at",
    "source",
    "error",
    "reason",
)
COLUMNS = (*LIST_COLUMNS, *EXTRA_COLUMNS)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such a cell is written after a single quote, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot carry (C0 controls but tab and newline, surrogates, U+FFFE/FFFF),
# and C1 controls, which it can but no reader should show.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def pack(document: Document, path: Path, saved_at: float) -> bytes:
    """The record of a document saved at path: its sidecar, provenance line and translated
    paragraphs, and when it was saved, as zlib-compressed JSON."""
    record = {
        "sidecar": document.saved_as(path).to_dict(),
        "header": document.header,
        "paragraphs": list(document.paragraphs),
        "saved_at": saved_at,
    }
    return zlib.compress(json.dumps(record, ensure_ascii=False).encode(), 6)


def unpack(blob: bytes | None) -> dict[str, Any] | None:
    """A record as pack made it; None for none, or one that cannot be read."""
    if not blob:
        return None
    try:
        record = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError):
        return None
    return record if _usable(record) else None


def from_files(path: Path, saved_at: float) -> dict[str, Any] | None:
    """The record of an article saved before records were kept (schema 5), from its files,
    when they are still there and are what warnews wrote; else None."""
    try:
        sidecar = json.loads(path.with_suffix(META_SUFFIX).read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        if document_problem(text, int(sidecar["paragraphs"])):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    first, *body = text[:-1].split("\n\n")
    record = {"sidecar": sidecar, "header": first, "paragraphs": body, "saved_at": saved_at}
    return record if _usable(record) else None


def _usable(record: object) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("sidecar"), dict)
        and isinstance(record.get("header"), str)
        and isinstance(record.get("paragraphs"), list)
        and all(isinstance(paragraph, str) for paragraph in record["paragraphs"])
        and isinstance(record.get("saved_at"), (int, float))
    )


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Exported:
    """One article of the state: its row as `warnews list` shows it, and its record (None:
    not done, or done before records were kept and its files are gone)."""

    article: dict[str, Any]
    record: dict[str, Any] | None = None

    @property
    def sidecar(self) -> dict[str, Any]:
        return self.record["sidecar"] if self.record else {}

    @property
    def published(self) -> date | None:
        """The publication date the file states; None: unknown."""
        return _day(self.sidecar.get("published"))

    @property
    def saved_at(self) -> float:
        return float(self.record["saved_at"] if self.record else self.article.get("updated_at") or 0)

    @property
    def entry_id(self) -> str:
        """Stable: where the article lives (its canonical URL, compared as warnews compares
        URLs), so that the article made again keeps its id, and two articles never share it."""
        where = self.sidecar.get("source_id") or self.article["url"]
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url_key(str(where)))}"

    def columns(self) -> dict[str, Any]:
        """Its JSON Lines object and CSV row: `warnews list --json`'s keys, then the record's."""
        sidecar = self.sidecar
        return {
            **{key: self.article.get(key) for key in LIST_COLUMNS},
            "made": sidecar.get("made"),
            "language": sidecar.get("source_language"),
            "engine": sidecar.get("engine"),
            "file_published": sidecar.get("published"),
            "original_title": sidecar.get("original_title"),
        }


# --- renderings ---


def jsonl(items: Iterable[Exported]) -> str:
    """One JSON object a line (ASCII escapes: no character can drive a terminal)."""
    return "".join(json.dumps(item.columns()) + "\n" for item in items)


def csv_text(items: Iterable[Exported]) -> str:
    """CSV with a header row (RFC 4180 quoting, CRLF line ends): true/false, empty for null,
    and a cell that a spreadsheet would run as a formula written after a single quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([_cell(value) for value in item.columns().values()])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def feed_id(state: Path | DatabaseURL) -> str:
    """The feed's id: one per state database, whoever writes its feed (a run, export, any
    host of a shared one)."""
    where = state.shown if isinstance(state, DatabaseURL) else Path(state).resolve().as_uri()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, where)}"


def atom(items: Sequence[Exported], feed: str, now: datetime | None = None) -> str:
    """An Atom feed (RFC 4287) of these articles in their order: those without a record
    are left out, and an article met twice (one id) is given once.

    Each entry: the English title, the provenance line and the paragraphs as its content
    (HTML, escaped), published (the publication date, when known) and updated (when it was
    saved), the source URL as its link, the source language and the engine as categories.
    """
    from feedgen.feed import FeedGenerator  # imported when a feed is written: most runs write none

    entries, seen = [], set()
    for item in items:
        if item.record is not None and item.entry_id not in seen:
            seen.add(item.entry_id)
            entries.append(item)
    generator = FeedGenerator()
    generator.id(feed)
    generator.title(FEED_TITLE)
    generator.author({"name": "warnews"})
    generator.generator("warnews", __version__)
    targets = {item.sidecar.get("target_language") for item in entries}
    if len(targets) == 1 and isinstance(next(iter(targets)), str):
        generator.language(next(iter(targets)))  # xml:lang of the whole feed: its entries' language
    saved = [_moment(item.saved_at) for item in entries]
    try:
        generator.updated(max(saved, default=now or datetime.now(UTC)))
        for item, updated in zip(entries, saved, strict=True):
            _entry(generator.add_entry(order="append"), item, updated)
        text = str(generator.atom_str(pretty=True).decode("utf-8"))
    except (
        ValueError,
        TypeError,
    ) as error:  # a value feedgen (or lxml) refuses: a record warnews did not make
        raise StoreError(f"cannot make the Atom feed: {error}") from None
    wrong = atom_problem(text, len(entries))
    if wrong:
        raise StoreError(f"refusing to write a wrong file: the Atom feed {wrong}")
    return text


_ATOM = "{http://www.w3.org/2005/Atom}"


def atom_problem(text: str, entries: int) -> str | None:
    """Why text is not the Atom feed of `entries` articles the README promises (RFC 4287's
    musts: a feed with an id, a title and updated; each entry with its own id, a title,
    updated, its content and a link), or None."""
    from lxml import etree

    try:
        feed = etree.fromstring(
            text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return "is not well-formed XML"
    if feed.tag != f"{_ATOM}feed" or any(
        feed.find(f"{_ATOM}{name}") is None for name in ("id", "title", "updated")
    ):
        return "lacks the feed's id, title or updated"
    found = feed.findall(f"{_ATOM}entry")
    if len(found) != entries:
        return f"has {len(found)} entries for {entries} articles"
    ids = [entry.findtext(f"{_ATOM}id") for entry in found]
    if len(set(ids)) != len(ids) or not all(ids):
        return "has an entry without an id of its own"
    for entry in found:
        if any(entry.find(f"{_ATOM}{name}") is None for name in ("title", "updated", "content", "link")):
            return "has an entry without its title, updated, content or link"
    return None


def _entry(entry: Any, item: Exported, updated: datetime) -> None:
    record, sidecar = item.record or {}, item.sidecar
    paragraphs = [record["header"], *record["paragraphs"]]
    entry.id(item.entry_id)
    entry.title(_xml(sidecar.get("title") or _untitled(record["paragraphs"])))
    entry.updated(updated)
    if item.published is not None:
        entry.published(datetime(item.published.year, item.published.month, item.published.day, tzinfo=UTC))
    entry.content(
        "".join(f"<p>{html.escape(_xml(text), quote=False)}</p>" for text in paragraphs), type="html"
    )
    link = sidecar.get("url") or item.article["url"]
    entry.link(href=_xml(str(link)), rel="alternate")
    language = sidecar.get("source_language")
    if language:
        name = sidecar.get("source_language_name") or language
        entry.category(term=_xml(str(language)), scheme=LANGUAGE_SCHEME, label=_xml(str(name)))
    engine = sidecar.get("engine")
    if engine:
        entry.category(term=_xml(str(engine)), scheme=ENGINE_SCHEME, label=_xml(str(engine)))


def _untitled(paragraphs: Sequence[str]) -> str:
    words = " ".join(paragraphs[:1]).split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "") if words else "(untitled)"


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)  # whole seconds: the feed reads plainly


# --- the edges ---


def load(
    state: State,
    status: str | None = None,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[Exported]:
    """The state's articles with their records, newest first (see State.saved), read as
    they are used; a done article saved before records were kept takes its record from
    its files, if they are still there and sound."""
    rows = state.saved(
        status, source, since.isoformat() if since else None, until.isoformat() if until else None
    )
    for article, blob in rows:
        record = unpack(blob)
        if record is None and article["status"] == "done" and article["file"]:
            record = from_files(Path(article["file"]), float(article["updated_at"]))
        yield Exported(article, record)


def atom_feed(
    state: State,
    count: int,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> tuple[str, int]:
    """The Atom feed of the newest `count` done articles (of a source, between two days),
    and how many done articles among the newest were left out for want of a record: only
    as many records are read as the feed takes."""
    kept: list[Exported] = []
    left = 0
    for item in load(state, "done", source, since, until):
        if item.record is None:
            left += 1
            continue
        kept.append(item)
        if len(kept) >= count:
            break
    return atom(kept, feed_id(state.where)), left


def write_atom(state: State, path: Path, count: int) -> None:
    """Rewrite the Atom feed at path (atomically) with the newest `count` done articles."""
    text, _ = atom_feed(state, count)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create {path.parent}: {error.strerror or error}") from None
    remove_leftovers_of(path)  # a run killed while writing the feed left its temporary file
    write_atomic(path, text)
