"""Bytes to text: BOMs, UTF-8, and the legacy Cyrillic encodings older Ukrainian sites use."""

from __future__ import annotations

import codecs
import re

from ._errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried when the bytes are not UTF-8, whatever the page declares: sites declare these
# wrongly as often as they declare them at all.
_CYRILLIC_CODECS = ("windows-1251", "koi8_u")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_WORD = re.compile(r"\w+")
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in a <meta> tag near its start."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def looks_binary(data: bytes) -> bool:
    """More than 1% control bytes (NUL among them) near the start: a stray NUL or
    escape in a page is hostile or broken text, which normalization removes."""
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return controls > len(sample) // 100


def _is_cyrillic_letter(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff" and char.isalpha()


def cyrillic_score(text: str) -> float:
    """Share of the non-ASCII characters that are lowercase letters of all-Cyrillic words.

    Decoding Cyrillic bytes with the right codec gives whole words of mostly lowercase
    letters; the wrong Cyrillic codec gives mostly capitals, and Latin text with accents
    decoded as Cyrillic gives words of mixed scripts.
    """
    non_ascii = sum(1 for char in text if ord(char) > 127)
    if not non_ascii:
        return 0.0
    good = 0
    for word in _WORD.findall(text):
        if all(_is_cyrillic_letter(char) for char in word):
            good += sum(1 for char in word if char.islower())
    return good / non_ascii


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; return the text and the encoding used.

    Order: a byte-order mark; strict UTF-8; the better scoring of windows-1251 and
    KOI8-U when it looks like real Cyrillic; the declared charset; UTF-8 without its
    broken bytes when they are under 1% of it; otherwise an error.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise InputError(f"text starts with a {encoding} byte-order mark but is not {encoding}")
            return text, encoding
    if looks_binary(data):
        raise InputError("binary data, not text")
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates = [(encoding, _strict(data, encoding)) for encoding in _CYRILLIC_CODECS]
    scored = [(cyrillic_score(text), encoding, text) for encoding, text in candidates if text]
    if scored:
        score, encoding, text = max(scored)
        if score >= 0.5:
            return text, encoding
    if declared:
        text = _strict(data, declared)
        if text is not None:
            return text, declared.lower()
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= len(lenient) // 100:
        # UTF-8 with a few broken bytes (a truncated multibyte character, a stray
        # windows-1252 quote): the broken bytes go, the article stays.
        return lenient.replace("\ufffd", ""), "utf-8"
    raise InputError("cannot decode the text: it is not UTF-8, windows-1251 or KOI8-U")
