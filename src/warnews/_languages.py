"""Language codes and their English names, as Google Translate knows them."""

from __future__ import annotations

from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES

from ._errors import UsageError

_CODES: dict[str, str] = dict(GOOGLE_LANGUAGES_TO_CODES)
_NAMES = {code: name for name, code in _CODES.items()}
# langdetect speaks ISO 639-1 in lower case; Google keeps a few older or regional codes.
_ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-tw": "zh-TW", "he": "iw", "jv": "jw"}


def language_name(code: str) -> str:
    """The English name for a code, as the provenance line prints it: 'Ukrainian'."""
    name = _NAMES.get(code)
    if name is None:
        return code
    return " ".join(word.capitalize() if word.isalpha() else word.title() for word in name.split())


def normalize_code(code: str) -> str:
    """Map a detector's code onto Google's spelling of it; unknown codes pass through."""
    lowered = code.strip().lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for known in _NAMES:
        if known.lower() == lowered:
            return known
    return code


def resolve_language(value: str) -> str:
    """A code ('uk') or an English name ('Ukrainian') from the command line, as a code."""
    wanted = value.strip().lower()
    if wanted in _CODES:
        return _CODES[wanted]
    code = normalize_code(wanted)
    if code in _NAMES:
        return code
    raise UsageError(f"unknown language {value!r}: use a code such as uk, ru, en, de")
