"""Which language an article is written in, deterministically.

langdetect decides in general; the letters that only one of Ukrainian, Russian and
Belarusian has decide between those three, which langdetect confuses on short text.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ._errors import DetectError
from ._languages import normalize_code

_UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ")
_RUSSIAN_ONLY = frozenset("ыэёъЫЭЁЪ")
_RUSSIAN_NOT_BULGARIAN = frozenset("ыэёЫЭЁ")  # Bulgarian writes ъ constantly
_BELARUSIAN_ONLY = frozenset("ўЎ")
_UKRAINIAN_NOT_BELARUSIAN = frozenset("їєґЇЄҐ")
_SOUTH_SLAVIC = frozenset({"bg", "mk", "sr"})
_SAMPLE_CHARS = 20_000


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    method: str  # "langdetect", "alphabet" or "given"
    candidates: dict[str, float] = field(default_factory=dict)


# A Latin i typed for the Ukrainian і, inside or beside Cyrillic words ("вiн", "бiйцiв",
# "Київ i Харків"): keyboards without the Ukrainian layout write it so, and real texts
# keep it. Russian has no і at all, so it counts as one.
_LATIN_I = re.compile(
    r"(?<=[\u0400-\u04ff])[iI]|[iI](?=[\u0400-\u04ff])|(?<=[\u0400-\u04ff] )[iI](?= [\u0400-\u04ff])"
)


def _letters(text: str) -> str:
    return _LATIN_I.sub("і", text)


def alphabet_vote(text: str) -> str | None:
    """The language the alphabet-specific letters of one paragraph point to, if any."""
    text = _letters(text)
    counts = Counter(char for char in text if char in _UKRAINIAN_ONLY | _RUSSIAN_ONLY | _BELARUSIAN_ONLY)
    if not counts:
        return None
    ukrainian = sum(counts[char] for char in _UKRAINIAN_ONLY)
    russian = sum(counts[char] for char in _RUSSIAN_ONLY)
    if sum(counts[char] for char in _BELARUSIAN_ONLY) and not any(
        counts[char] for char in _UKRAINIAN_NOT_BELARUSIAN
    ):
        return "be"
    if ukrainian > russian:
        return "uk"
    if russian > ukrainian:
        return "ru"
    return None


def _alphabet_shares(paragraphs: list[str]) -> dict[str, float]:
    """The languages the paragraphs' letters vote for, each with its share of the votes
    (by length), most first; {} when no paragraph's letters vote."""
    weights: Counter[str] = Counter()
    for paragraph in paragraphs:
        vote = alphabet_vote(paragraph)
        if vote:
            weights[vote] += len(paragraph)
    total = sum(weights.values())
    return {language: round(weight / total, 4) for language, weight in weights.most_common()}


def _alphabet_language(paragraphs: list[str]) -> tuple[str, float] | None:
    """The language most of the text (by length) votes for, with the share of the votes."""
    shares = _alphabet_shares(paragraphs)
    return next(iter(shares.items()), None)


_LANGDETECT = threading.Lock()


def _langdetect(text: str) -> dict[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _LANGDETECT:  # its profiles load on first use, racily; and the seed is global
        DetectorFactory.seed = 0  # langdetect samples at random unless seeded
        try:
            found = detect_langs(text[:_SAMPLE_CHARS])
        except LangDetectException:
            return {}
    return {normalize_code(item.lang): round(item.prob, 4) for item in found}


def paragraph_candidates(text: str) -> dict[str, float]:
    """langdetect's languages for one paragraph, with their probabilities."""
    return _langdetect(text)


def language_prior(texts: Sequence[str]) -> dict[str, float]:
    """What a channel writes in, from its posts together: the languages their own letters
    vote for (Ukrainian, Russian, Belarusian), each with its share by length; {} when no
    post's letters vote (a channel in another language needs no prior: see detect_language)."""
    return _alphabet_shares(list(texts))


# When a channel's prior meets a short text's own evidence (langdetect's probabilities),
# each gets this much on top, so that neither rules alone: measured on real news sentences
# with bench/channel_language.py (a larger floor for the text lets the prior overrule
# Russian posts in a Ukrainian channel).
_OWN_FLOOR = 0.03
_PRIOR_FLOOR = 0.05
# Languages written in Cyrillic, and the Cyrillic letters (with the supplement).
CYRILLIC_LANGUAGES = frozenset({"uk", "ru", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg", "tt", "ba", "cv"})
CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")


def detect_language(paragraphs: list[str], prior: Mapping[str, float] | None = None) -> Detection:
    """The language of a text: the letters only one of Ukrainian, Russian and Belarusian
    uses decide between those; langdetect decides in general. prior: the languages of the
    text's surroundings (a channel's posts, language_prior): a Cyrillic text too short for
    its letters to decide takes the language its words and the prior make likeliest
    together, among the prior's languages (method "channel"); letters that decide still
    do, so a Russian post in a Ukrainian channel stays Russian."""
    text = "\n".join(paragraphs)
    if not any(char.isalpha() for char in text):
        raise DetectError("no letters to tell the language by; name it with --from")
    alphabet = _alphabet_language(paragraphs)
    if alphabet and _settles_south_slavic(text):
        # The letters settle it, whatever langdetect says: it is not asked (loading its
        # profiles costs a quarter of a second of CPU, half of a short run's).
        return Detection(alphabet[0], alphabet[1], "alphabet", _alphabet_shares(paragraphs))
    candidates = _langdetect(text)
    top = max(candidates, key=candidates.__getitem__, default=None)
    cyrillic_prior = {
        language: share for language, share in (prior or {}).items() if language in CYRILLIC_LANGUAGES
    }
    if cyrillic_prior and _mostly_cyrillic(text):
        # Among the channel's own languages: on a short text langdetect's Bulgarian or
        # Macedonian is noise, not news from a Ukrainian channel in Macedonian.
        scores = {
            language: (candidates.get(language, 0.0) + _OWN_FLOOR) * (share + _PRIOR_FLOOR)
            for language, share in cyrillic_prior.items()
        }
        total = sum(scores.values())
        chosen = max(sorted(scores), key=scores.__getitem__)
        return Detection(chosen, round(scores[chosen] / total, 4), "channel", candidates)
    if alphabet and not (top in _SOUTH_SLAVIC and not _settles_south_slavic(text)):
        language, share = alphabet
        return Detection(language, round(share, 4), "alphabet", candidates)
    if top is None:
        raise DetectError("cannot tell the language; name it with --from")
    return Detection(top, candidates[top], "langdetect", candidates)


def _mostly_cyrillic(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return sum(bool(CYRILLIC.match(char)) for char in letters) * 2 > len(letters)


def _settles_south_slavic(text: str) -> bool:
    """Letters Bulgarian, Macedonian and Serbian never use rule them out."""
    return any(char in _UKRAINIAN_ONLY or char in _RUSSIAN_NOT_BULGARIAN for char in _letters(text))
