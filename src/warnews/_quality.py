"""The quality gate: cheap checks of one translated paragraph against its source.

Every engine's answer is checked, paragraph by paragraph; a paragraph that fails is sent
again, and an engine whose answer still fails has failed the article (see _translate).

- script: letters of the source's script left in the answer (Cyrillic in English).
- length: the answer's length over the source's, far outside what a language pair gives.
- loop: a phrase repeated back to back, more often than the source repeats anything.
- commentary: a model's refusal or chatter instead of, or around, a translation.
- numbers: most of the source's numbers missing from the answer (a model that wrote
  something else, a paragraph dropped).
- language: prose in another language (German, French, Spanish, Italian: their
  own common words, and none of English's), for an English target.
- repeat: another paragraph's translation given again (see _translate).
- terms: a glossary term's English missing from the answer.

Pure functions: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Letters of the source's script tolerated in an answer: a name or a quoted word left as
# it is; more means text left untranslated.
MAX_SCRIPT_SHARE = 0.2
MIN_SCRIPT_LETTERS = 8
# Length ratios (answer over source, in characters) outside which a translation is not one;
# measured on short texts they vary too much: below MIN_LENGTH source characters, no check.
LENGTH_RATIO = (0.5, 3.0)  # human translations uk->en measure 0.8 to 1.5 (samples/src/phrasebook.json)
WIDE_LENGTH_RATIO = (0.5, 8.0)  # from scripts that write a word in one or two characters
_WIDE_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR"})
MIN_LENGTH = 40
# A phrase of up to LOOP_WORDS words said LOOP_TIMES times back to back is a loop, unless
# the source repeats something (nearly) as often.
LOOP_WORDS = 8
LOOP_TIMES = 4
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# A model's refusal or chatter: in its own voice ("I"), at the start of its answer, never
# after an opening quote mark (a quoted "I can't comment" is news); a note only after the
# translation.
_COMMENTARY = (
    re.compile(
        r"^\s*(i'?m sorry|i am sorry|i apologi[sz]e|sorry)[,.!]?\s+(but\s+)?(i|as an ai)\b[^\n]*?"
        r"\b(can(no|')t|unable|not able|won'?t|will not)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*i\s+(can(no|')t|am unable to|'m unable to|won'?t|will not)\s+(help|assist|translate|comply|"
        r"provide|do that|fulfil|complete)",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(sure|certainly|of course|okay|ok)[,!.]?\s+(here|below|i)\b[^\n]*\btranslat", re.IGNORECASE
    ),
    re.compile(r"^\s*(here is|here's|below is)\b[^\n]{0,40}\btranslation\b", re.IGNORECASE),
    re.compile(r"^\s*(the )?(english )?translation( is)?\s*:", re.IGNORECASE),
    re.compile(r"\bas an ai\b|\bas a (large )?language model\b", re.IGNORECASE),
    re.compile(
        r"\S\s*\n\s*\(?(note|translator'?s note)\s*:|\((translator'?s )?note:[^)]*\)\s*$", re.IGNORECASE
    ),
)
# Words only English has among the common ones (not in, an, was, will: German has them too):
# fluent English prose is never without them.
_ENGLISH = frozenset(
    "the of and to is were for on that with by at from this are has have had which their its after said "
    "they been who than about into during also but it he she his her not".split()
)
# And what other languages' prose is never without: an answer in one of them is not English.
_OTHERS = {
    "German": frozenset("der die das und ist nicht mit von den dem des ein eine wurde sich auf für".split()),
    "French": frozenset("le la les des et est une dans pour que qui sur par au aux du pas".split()),
    "Spanish": frozenset("el los las del y es una por para que con se al como su".split()),
    "Italian": frozenset("il gli della delle che di è una per con sono nel alla".split()),
}
MIN_PROSE_WORDS = 12
MIN_ENGLISH_SHARE = 0.05
MIN_OTHER_SHARE = 0.15
# Numbers compared as digits without leading zeros, thousands grouped or not (8 300, 8,300
# and 8300 are one); otherwise each run of digits alone: 04:00 is 4 and 0, 01.03.2024 is 1, 3
# and 2024, 2,5 is 2 and 5. A source's 5 is kept by an answer's 5000 (5 тис. is 5,000).
_NUMBER = re.compile(r"\b\d{1,3}(?:[,\u00a0\u202f ]\d{3})+\b|\d+")
MIN_NUMBERS_MISSING = 2
CHECKS = ("script", "length", "loop", "commentary", "numbers", "language", "terms", "repeat")


@dataclass(frozen=True)
class Failure:
    """A check a paragraph's translation failed."""

    check: str  # one of CHECKS
    figure: float  # what was measured: a share, a ratio, repeats, terms missing
    detail: str  # for a person: "Cyrillic letters left: 45%"


@dataclass(frozen=True)
class Figures:
    """What the checks measured on one paragraph (None: not measured there)."""

    script: float | None  # share of the answer's letters in the source's script
    length: float | None  # answer length over source length
    loop: int  # the most times a phrase comes back to back in the answer
    failures: tuple[Failure, ...]


def script_of(char: str) -> str:
    """A letter's script, as the first word of its Unicode name: LATIN, CYRILLIC, CJK..."""
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return ""


def main_script(text: str) -> str | None:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = script_of(char)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _script_share(answer: str, script: str) -> tuple[float, int]:
    letters = [char for char in answer if char.isalpha()]
    left = sum(1 for char in letters if script_of(char) == script)
    return (left / len(letters) if letters else 0.0), left


def repeats(text: str) -> int:
    """The most times any phrase of up to LOOP_WORDS words comes back to back in text."""
    words = [word.casefold() for word in _WORD.findall(text)]
    best = 1
    for size in range(1, LOOP_WORDS + 1):
        # A phrase of `size` words said k times in a row is a run of (k - 1) * size words
        # each equal to the word `size` before it: one pass, whatever the answer's length
        # (a model's loop may fill the whole answer).
        run = 0
        for position in range(size, len(words)):
            run = run + 1 if words[position] == words[position - size] else 0
            best = max(best, run // size + 1)
    return best


def commentary(answer: str) -> str | None:
    """The chatter an answer holds, or None."""
    for pattern in _COMMENTARY:
        found = pattern.search(answer)
        if found:
            return found.group().strip()[:60]
    return None


def numbers(text: str) -> list[str]:
    return [re.sub(r"\D", "", found).lstrip("0") or "0" for found in _NUMBER.findall(text)]


def missing_numbers(source: str, answer: str) -> int:
    """How many of the source's numbers the answer lacks (each as often as the source has
    it; one the answer writes with zeros after it counts: 5 тис., 5,000)."""
    left = numbers(answer)
    missing = 0
    for number in numbers(source):
        kept = next((other for other in left if other == number), None) or next(
            (other for other in left if other.startswith(number) and set(other[len(number) :]) == {"0"}), None
        )
        if kept is None:
            missing += 1
        else:
            left.remove(kept)
    return missing


def other_language(answer: str) -> tuple[str, float] | None:
    """The language an answer is written in instead of English, with the share of its
    words that say so: prose (12 words or more, mostly lower case) without a word only
    English has, and with another language's own words; None otherwise (a list of names, a
    headline, English)."""
    words = [word.casefold() for word in _WORD.findall(answer)]
    if len(words) < MIN_PROSE_WORDS or sum(word[0].islower() for word in words) < 0.4 * len(words):
        return None
    if sum(word in _ENGLISH for word in words) >= MIN_ENGLISH_SHARE * len(words):
        return None
    shares = {name: sum(word in own for word in words) / len(words) for name, own in _OTHERS.items()}
    name = max(shares, key=shares.__getitem__)
    return (name, shares[name]) if shares[name] >= MIN_OTHER_SHARE else None


def missing_terms(answer: str, english: Iterable[str]) -> list[str]:
    """The English of glossary terms that an answer does not hold (any case; a plural's
    ending may follow)."""
    flat = " ".join(answer.split()).casefold()
    return [
        term
        for term in dict.fromkeys(english)
        if not re.search(r"(?<!\w)" + re.escape(term.casefold()), flat)
    ]


def check(source: str, answer: str, target: str, english: Sequence[str] = ()) -> Figures:
    """Check a paragraph's translation: the figures, and the checks it failed."""
    failures: list[Failure] = []
    script = main_script(source)
    target_script = "LATIN"  # every target warnews writes to today is in Latin letters
    left_share: float | None = None
    if script and script != target_script:
        left_share, left = _script_share(answer, script)
        if left_share > MAX_SCRIPT_SHARE and left >= MIN_SCRIPT_LETTERS:
            failures.append(
                Failure("script", round(left_share, 3), f"{script.title()} letters left: {left_share:.0%}")
            )
    ratio: float | None = None
    size = len(" ".join(source.split()))
    if size >= MIN_LENGTH:  # the glossary's English does not count: ЗСУ is Armed Forces of Ukraine
        measured = " ".join(answer.split())
        for term, times in Counter(english).items():  # each distinct term once: a pass each
            measured = re.sub(re.escape(term), "", measured, count=times, flags=re.IGNORECASE)
        ratio = len(" ".join(measured.split())) / size
        low, high = WIDE_LENGTH_RATIO if script in _WIDE_SCRIPTS else LENGTH_RATIO
        if not low <= ratio <= high:
            failures.append(Failure("length", round(ratio, 2), f"{ratio:.2f} times as long as the source"))
    loop = repeats(answer)
    if loop >= LOOP_TIMES and loop > repeats(source) + 1:
        failures.append(Failure("loop", float(loop), f"a phrase repeated {loop} times"))
    chatter = commentary(answer)
    if chatter:
        failures.append(Failure("commentary", 1.0, f'commentary, not a translation: "{chatter}"'))
    lost, total = missing_numbers(source, answer), len(numbers(source))
    if lost >= MIN_NUMBERS_MISSING and lost * 2 > total:
        failures.append(Failure("numbers", float(lost), f"{lost} of the source's {total} numbers missing"))
    other = other_language(answer) if target == "en" else None
    if other is not None:
        failures.append(Failure("language", round(other[1], 3), f"{other[0]}, not English"))
    missed = missing_terms(answer, english)
    if missed:
        failures.append(Failure("terms", float(len(missed)), "glossary terms missed: " + ", ".join(missed)))
    return Figures(left_share, round(ratio, 3) if ratio is not None else None, loop, tuple(failures))
