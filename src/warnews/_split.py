"""Pure planning of translator requests: what goes into each one, by encoded size.

A request carries either several whole paragraphs joined by numbered markers, or one
piece of a paragraph too large for any request (cut at sentence ends, then at spaces,
then between characters). Every request fits the engine's limit; the pieces of a
paragraph join back to exactly that paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# What quote_plus leaves as it is (one byte each); a space becomes '+' (one byte).
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~ ")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
_SPACE_RUN = re.compile(r"\s+")
MARKER_RE = re.compile(r"\s*\[\[\s*(\d+)\s*\]\]\s*")


def marker(number: int) -> str:
    return f"\n[[{number}]]\n"


@dataclass(frozen=True)
class Limit:
    """What one request may carry: percent-encoded bytes of the text, and characters."""

    max_encoded: int
    max_chars: int

    def fits(self, text: str) -> bool:
        return len(text) <= self.max_chars and encoded_size(text) <= self.max_encoded


@dataclass(frozen=True)
class Batch:
    """One or more whole paragraphs sent as one request, or one paragraph sent in pieces."""

    indices: tuple[int, ...]
    texts: tuple[str, ...]

    @property
    def packed(self) -> bool:
        return len(self.indices) > 1


def char_size(char: str) -> int:
    if char in _SAFE:
        return 1
    return 3 * len(char.encode("utf-8", "surrogatepass"))


def encoded_size(text: str) -> int:
    """Length of quote_plus(text), the way requests and deep-translator encode a query."""
    return sum(char_size(char) for char in text)


def _cuts(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after every match of pattern, keeping all characters: the pieces join back to text."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        if match.end() < len(text):
            pieces.append(text[start : match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _characters(text: str, limit: Limit) -> Iterator[str]:
    piece, size = "", 0
    for char in text:
        cost = char_size(char)
        if piece and (size + cost > limit.max_encoded or len(piece) + 1 > limit.max_chars):
            yield piece
            piece, size = "", 0
        piece, size = piece + char, size + cost
    if piece:
        yield piece


def split_text(text: str, limit: Limit) -> list[str]:
    """Cut text into pieces that each fit the limit, at the coarsest boundary that works.

    "".join(split_text(text, limit)) == text, always.
    """
    if limit.max_encoded < 12 or limit.max_chars < 1:
        raise ValueError("a limit must allow at least one character of any kind")
    return list(_split(text, limit, level=0)) if text else []


def _split(text: str, limit: Limit, level: int) -> Iterator[str]:
    if limit.fits(text):
        yield text
        return
    if level == 2:
        yield from _characters(text, limit)
        return
    pattern = _SENTENCE_END if level == 0 else _SPACE_RUN
    current = ""
    for piece in _cuts(text, pattern):
        if limit.fits(current + piece):
            current += piece
            continue
        if current:
            yield current
        current = ""
        if limit.fits(piece):
            current = piece
        else:
            yield from _split(piece, limit, level + 1)
    if current:
        yield current


def pack(texts: list[str]) -> str:
    """Join paragraphs into one request text with numbered markers between them."""
    return texts[0] + "".join(marker(number) + text for number, text in enumerate(texts[1:], 1))


def unpack(answer: str, count: int) -> list[str] | None:
    """The translated paragraphs of a packed answer, or None when a marker was lost or moved."""
    parts = MARKER_RE.split(answer)
    numbers, texts = parts[1::2], [part.strip() for part in parts[0::2]]
    if numbers != [str(number) for number in range(1, count)] or not all(texts):
        return None
    return texts


def plan_batches(paragraphs: list[str], limit: Limit) -> list[Batch]:
    """Group paragraphs, in order, into as few requests as fit the limit."""
    batches: list[Batch] = []
    group: list[int] = []

    def close_group() -> None:
        if group:
            batches.append(Batch(tuple(group), (pack([paragraphs[i] for i in group]),)))
            group.clear()

    for index, paragraph in enumerate(paragraphs):
        if not limit.fits(paragraph) or MARKER_RE.search(paragraph):
            # Too large for one request, or holding text that reads like a marker: alone.
            close_group()
            batches.append(Batch((index,), tuple(split_text(paragraph, limit))))
            continue
        if group and not limit.fits(pack([paragraphs[i] for i in [*group, index]])):
            close_group()
        group.append(index)
    close_group()
    return batches
