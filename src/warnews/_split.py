"""Pure planning of translator requests: what goes into each one, by encoded size.

A plan cuts an article's paragraphs into pieces and packs the pieces into requests,
numbered markers between them. Every request fits the engine's limit, measured the way
that engine's request carries text; the pieces of a paragraph join back to exactly that
paragraph. A paragraph is cut only where that saves a request, and then at a sentence
end; a paragraph too large for any request is cut at sentence ends, then at spaces,
then between characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# What quote_plus leaves as it is (one byte each); a space becomes '+' (one byte).
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~ ")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
_SPACE_RUN = re.compile(r"\s+")
MARKER_RE = re.compile(r"\s*\[\[\s*(\d+)\s*\]\]\s*")


def marker(number: int) -> str:
    return f"\n[[{number}]]\n"


def char_size(char: str) -> int:
    """Bytes of one character in a query string or form body (percent-encoded)."""
    if char in _SAFE:
        return 1
    return 3 * len(char.encode("utf-8", "surrogatepass"))


def encoded_size(text: str) -> int:
    """Length of quote_plus(text), the way requests and deep-translator encode a query."""
    return sum(char_size(char) for char in text)


def has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


@dataclass(frozen=True)
class Limit:
    """What one request may carry: bytes of the text as the engine sends it, and characters.

    encoding "url": percent-encoded, as in a URL's query or a form body; "utf-8": raw bytes.
    """

    max_bytes: int
    max_chars: int
    encoding: str = "url"

    def cost(self, char: str) -> int:
        if self.encoding == "url":
            return char_size(char)
        return len(char.encode("utf-8", "surrogatepass"))

    def size(self, text: str) -> int:
        if self.encoding == "url":
            return encoded_size(text)
        return len(text.encode("utf-8", "surrogatepass"))

    def fits(self, text: str) -> bool:
        return len(text) <= self.max_chars and self.size(text) <= self.max_bytes

    @property
    def usable(self) -> bool:
        """Whether any single character fits."""
        return self.max_chars >= 1 and self.max_bytes >= (12 if self.encoding == "url" else 4)


def minimum_requests(paragraphs: Sequence[str], limit: Limit) -> int:
    """The fewest requests the text could take: its size over the limit, rounded up."""
    letters = [paragraph for paragraph in paragraphs if has_letters(paragraph)]
    size = sum(limit.size(paragraph) for paragraph in letters)
    chars = sum(len(paragraph) for paragraph in letters)
    return max(math.ceil(size / limit.max_bytes), math.ceil(chars / limit.max_chars))


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
        cost = limit.cost(char)
        if piece and (size + cost > limit.max_bytes or len(piece) + 1 > limit.max_chars):
            yield piece
            piece, size = "", 0
        piece, size = piece + char, size + cost
    if piece:
        yield piece


def split_text(text: str, limit: Limit) -> list[str]:
    """Cut text into pieces that each fit the limit, at the coarsest boundary that works.

    "".join(split_text(text, limit)) == text, always.
    """
    if not limit.usable:
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


def pack(texts: Sequence[str]) -> str:
    """Join paragraphs into one request text with numbered markers between them."""
    return texts[0] + "".join(marker(number) + text for number, text in enumerate(texts[1:], 1))


def unpack(answer: str, count: int) -> list[str] | None:
    """The translated parts of a packed answer, or None when a marker was lost, moved or
    doubled, or a part came back empty."""
    parts = MARKER_RE.split(answer)
    numbers, texts = parts[1::2], [part.strip() for part in parts[0::2]]
    if numbers != [str(number) for number in range(1, count)] or not all(texts):
        return None
    return texts


@dataclass(frozen=True)
class Piece:
    """A paragraph or a cut of one. request is the request that carries it, or None for
    a piece without letters, which is kept as it is."""

    paragraph: int
    text: str
    request: int | None


@dataclass(frozen=True)
class Plan:
    pieces: tuple[Piece, ...]  # in paragraph order; a paragraph's pieces join back to it
    requests: tuple[tuple[int, ...], ...]  # the pieces each request carries, in order

    def text(self, request: int) -> str:
        return pack([self.pieces[index].text for index in self.requests[request]])


class _Builder:
    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.pieces: list[Piece] = []
        self.requests: list[tuple[int, ...]] = []
        self.current: list[int] = []
        self.size = self.chars = 0

    def room(self) -> Limit:
        """What the open request can still take, the next marker included."""
        if not self.current:
            return self.limit
        separator = marker(len(self.current))
        return Limit(
            self.limit.max_bytes - self.size - self.limit.size(separator),
            self.limit.max_chars - self.chars - len(separator),
            self.limit.encoding,
        )

    def add(self, paragraph: int, text: str) -> None:
        if not has_letters(text):
            self.pieces.append(Piece(paragraph, text, None))
            return
        if self.current:
            separator = marker(len(self.current))
            self.size += self.limit.size(separator)
            self.chars += len(separator)
        self.size += self.limit.size(text)
        self.chars += len(text)
        self.current.append(len(self.pieces))
        self.pieces.append(Piece(paragraph, text, len(self.requests)))

    def close(self) -> None:
        if self.current:
            self.requests.append(tuple(self.current))
            self.current, self.size, self.chars = [], 0, 0

    def plan(self) -> Plan:
        self.close()
        return Plan(tuple(self.pieces), tuple(self.requests))


def _sentences_that_fit(text: str, room: Limit) -> str:
    """The longest run of whole sentences from the start of text that fits room ('' if none)."""
    best, size, start = 0, 0, 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        size += room.size(text[start:end])
        start = end
        if end >= len(text) or size > room.max_bytes or end > room.max_chars:
            break
        best = end
    return text[:best]


def _plan(paragraphs: Sequence[str], limit: Limit, cut: bool) -> Plan:
    builder = _Builder(limit)
    for index, paragraph in enumerate(paragraphs):
        if not has_letters(paragraph):
            builder.add(index, paragraph)
            continue
        if MARKER_RE.search(paragraph):  # text that reads like a marker travels alone
            builder.close()
            for piece in split_text(paragraph, limit):
                builder.add(index, piece)
                builder.close()
            continue
        rest = paragraph
        while rest:
            room = builder.room()
            if room.usable and room.fits(rest):
                builder.add(index, rest)
                break
            if builder.current:
                head = _sentences_that_fit(rest, room) if cut and room.usable else ""
                if head:
                    builder.add(index, head)
                    rest = rest[len(head) :]
                builder.close()
                continue
            pieces = split_text(rest, limit)  # too large for any request
            for piece in pieces[:-1]:
                builder.add(index, piece)
                builder.close()
            rest = pieces[-1]
    return builder.plan()


def plan_requests(paragraphs: Sequence[str], limit: Limit) -> Plan:
    """The requests that translate these paragraphs, as few as fit the limit.

    Paragraphs stay whole unless cutting some at sentence ends saves a request.
    """
    whole = _plan(paragraphs, limit, cut=False)
    if len(whole.requests) <= minimum_requests(paragraphs, limit):
        return whole
    cut = _plan(paragraphs, limit, cut=True)
    return cut if len(cut.requests) < len(whole.requests) else whole
