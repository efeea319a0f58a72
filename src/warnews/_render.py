"""Pure rendering: the provenance line, the document, and the file's name."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ._normalize import normalize_paragraph

UNKNOWN = "unknown"  # the provenance line's publication date when no source gave one
MAX_SLUG = 60  # with the date, a suffix and the extension a name stays under 90 characters
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Ukrainian (KMU 2010, simplified) and Russian letters, for names of non-Latin titles.
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "h",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "ye",
        "ж": "zh",
        "з": "z",
        "и": "y",
        "і": "i",
        "ї": "yi",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ь": "",
        "ю": "iu",
        "я": "ia",
        "ы": "y",
        "э": "e",
        "ё": "yo",
        "ъ": "",
        "ў": "u",
        "'": "",
        "’": "",
        "ʼ": "",
    }
)


def header(
    made: date,
    published: date | None,
    source_language: str,
    engine: str | None,
    credit: str | None = None,
) -> str:
    """Line 1 of a file: 'date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google and OFP'.

    published None: the date is unknown, and the line says `unknown` in its place (never
    the made day, which would be a false publication date). engine is None for a text
    that is not translated ('Original in English', or --keep-original's source), whose
    credit reads ', via OFP'. Every field keeps its position for awk.
    """
    day = f"{published.month:02}/{published.day:02}/{published.year:04}" if published else UNKNOWN
    origin = f"Translated from {source_language} via {engine}" if engine else f"Original in {source_language}"
    line = f"date {made.isoformat()} {day} \u2013 {origin}"
    credit = normalize_paragraph(credit or "")
    if not credit:
        return line
    return f"{line} and {credit}" if engine else f"{line}, via {credit}"


def document(first_line: str, paragraphs: list[str]) -> str:
    """The whole file: the header, a blank line, paragraphs one blank line apart, one final newline.

    Every paragraph is kept, even one that normalizes to nothing: document_problem then
    refuses the file instead of letting a paragraph go missing.
    """
    body = [normalize_paragraph(paragraph) for paragraph in paragraphs]
    return "\n\n".join([normalize_paragraph(first_line), *body]) + "\n"


HEADER = re.compile(rf"date \d{{4}}-\d{{2}}-\d{{2}} (\d{{2}}/\d{{2}}/\d{{4}}|{UNKNOWN}) \u2013 \S")


def document_problem(text: str, paragraphs: int) -> str | None:
    """Why text is not a file the README promises (a provenance line, a blank line, then
    `paragraphs` non-empty normalized paragraphs one blank line apart, one final
    newline), or None."""
    if not text.endswith("\n") or text.endswith("\n\n"):
        return "it does not end with exactly one newline"
    first, *body = text[:-1].split("\n\n")
    if "\n" in first or not HEADER.match(first) or first != normalize_paragraph(first):
        return "its first line is not a provenance line"
    if len(body) != paragraphs:
        return f"it has {len(body)} paragraphs for {paragraphs} in the source"
    for number, paragraph in enumerate(body, start=1):
        if not paragraph or paragraph != normalize_paragraph(paragraph):
            return f"paragraph {number} is empty or not normalized"
    return None


def slug(title: str, limit: int = MAX_SLUG) -> str:
    """An ASCII, lowercase, hyphenated, bounded form of a title; 'article' if nothing is left."""
    text = normalize_paragraph(title).lower().translate(_CYRILLIC_TO_LATIN)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(words) > limit:
        cut = words[: limit + 1]
        end = cut.rfind("-")  # end on a whole word when that keeps most of the room
        words = (cut[:end] if end > limit // 2 else cut[:limit]).strip("-")
    return words or "article"


def file_stem(day: date, title: str) -> str:
    return f"{day.isoformat()}-{slug(title)}"
