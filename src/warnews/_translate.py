"""The translate stage: which paragraphs go to the translator, in which language, through
which engine, and the checks that keep paragraph structure whatever an engine answers.

- A paragraph with no letters, or written entirely in the target language, is kept as
  it is (conservatively: for a Latin-script target, a Cyrillic letter means it is sent).
- Paragraphs are packed into as few requests as the engine's limit allows, numbered
  markers between them. When an answer does not bring every marker back, in order,
  the pieces of that request are sent again one by one; the result always has exactly
  one paragraph for each given one.
- An answer that is empty, an HTML page, or the input back untranslated is a failure.
- Glossary terms: an engine that takes a glossary (DeepL's API, an LLM's instructions)
  is given the terms of each request; any other gets them as placeholders ([[T1]]), and
  the English is put in after. A placeholder lost sends that piece alone, and lost again,
  alone with the English written in.
- The quality gate (_quality) checks every paragraph's answer: one that fails is sent
  again alone; still failing, the engine failed the article. When every engine fails,
  the best translation is kept (its failures said), or nothing with `strict`.
- An article is translated by one engine: when an engine fails, the next one in the
  chain translates the whole article, and the provenance line names the one that did.
  An engine out of quota or refusing its key is not tried again in the run; in a chain,
  one that fails three articles in a row neither.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from . import _quality
from ._cache import Memory, SharedMemory
from ._detect import CYRILLIC, CYRILLIC_LANGUAGES, alphabet_vote, paragraph_candidates
from ._errors import EngineError, FailureKind, TranslateError
from ._glossary import Glossary, Match
from ._normalize import normalize_paragraph
from ._split import Limit, has_letters, plan_requests, split_text, unpack

_log = logging.getLogger("warnews")  # -v (see _report.Verbose)

_HTML_PAGE = re.compile(r"<\s*(!doctype|html|head|body|script|style|title)\b", re.IGNORECASE)
_KEEP_CONFIDENCE = 0.9  # langdetect's certainty before a paragraph is kept untranslated
_KEEP_LETTERS = 20  # and no fewer letters than this (short text fools every detector)
_FAILURES_IN_A_ROW = 3
PLACEHOLDER = re.compile(r"\[\[\s*T(\d+)\s*\]\]")
_OPENERS = frozenset("«\"“„‘'([")  # what may open a sentence before its first word
_CLOSERS = frozenset("'\"»”’)")  # what may follow its end mark


class Engine(Protocol):
    """What the stage needs of an engine (engines.Engine is the real one)."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    def limit(self, source: str, target: str) -> Limit: ...

    def translate(self, text: str, source: str, target: str) -> str: ...


@dataclass(frozen=True)
class Fallback:
    """An engine of the chain that did not translate an article, and why."""

    engine: str  # its key ("deepl")
    name: str  # its proper name ("DeepL")
    error: str
    tried: bool  # False: out of the run already, the article was not offered to it
    disabled: bool = False  # this failure took it out of the run


@dataclass(frozen=True)
class Translation:
    paragraphs: list[str]  # exactly one for each given paragraph
    engine: str  # the proper name of the engine that translated
    requests: int  # translator requests this article cost, over every engine tried
    sent: int  # paragraphs translated by requests
    cached: int  # paragraphs taken from the translation memory
    kept: int  # paragraphs kept as they were
    fallback: tuple[Fallback, ...] = ()  # the engines before it in the chain, when they failed
    # What the quality gate measured on each paragraph (None: kept as it was).
    figures: tuple[_quality.Figures | None, ...] = ()
    # Every check failed by an answer kept, and by the engines before: (engine key, paragraph, failure).
    failures: tuple[tuple[str, int, _quality.Failure], ...] = ()
    passed: bool = True  # False: every engine failed the gate and this is the best translation
    found: tuple[tuple[str, int], ...] = ()  # glossary terms in the source, with their occurrences
    enforced: tuple[str, ...] = ()  # found terms whose English the translation holds
    missed: tuple[str, ...] = ()  # found terms whose English it lacks somewhere
    engine_key: str = ""  # the key of the engine that translated ("google")
    titled: bool = False  # the first paragraph is the title


def fallback_note(fallback: Sequence[Fallback], engine: str, untried: bool = True) -> str | None:
    """What an article's fallback says: 'DeepL failed (…); translated by Google', or None
    when there was none (untried=False: engines that failed this very article only)."""
    parts = [
        f"{item.name} failed ({item.error})" if item.tried else f"{item.name} skipped ({item.error})"
        for item in fallback
        if item.tried or untried
    ]
    if not parts:
        return None
    note = f"{', '.join(parts)}; translated by {engine}"
    disabled = [item.name for item in fallback if item.disabled]
    if disabled:
        note += (
            f"; {' and '.join(disabled)} {'is' if len(disabled) == 1 else 'are'} not tried again in this run"
        )
    return note


def paragraph_language(text: str, article: str, target: str) -> str | None:
    """The language to translate a paragraph from, or None to keep it as it is."""
    if not has_letters(text):
        return None
    vote = alphabet_vote(text)  # letters only one of uk, ru, be has
    if vote:
        return None if vote == target else vote
    if CYRILLIC.search(text) and target not in CYRILLIC_LANGUAGES:
        return article if article in CYRILLIC_LANGUAGES else "auto"
    if sum(char.isalpha() for char in text) >= _KEEP_LETTERS:
        candidates = paragraph_candidates(text)
        top = max(candidates, key=candidates.__getitem__, default=None)
        if top is not None and candidates[top] >= _KEEP_CONFIDENCE:
            return None if top == target else top
    return article


def answer_problem(text: str, answer: str) -> str | None:
    """Why an answer is not a translation of text, or None if it may be one."""
    if not normalize_paragraph(answer):  # nothing but spaces, zero-width or control characters
        return "an empty answer"
    if _HTML_PAGE.search(answer) and not _HTML_PAGE.search(text):
        return "an HTML page instead of a translation"
    if _same(text, answer) and len(text.split()) >= 3 and sum(c.isalpha() for c in text) >= 15:
        return "the text back untranslated"
    return None


def _same(text: str, answer: str) -> bool:
    return " ".join(text.split()) == " ".join(answer.split())


@dataclass(frozen=True)
class Unit:
    """One paragraph as an engine is asked for it."""

    source: str  # the paragraph
    text: str  # what is sent: the paragraph, its terms as placeholders when protected
    terms: tuple[tuple[str, str], ...] = ()  # (the form in the source, its English), in order
    protected: bool = False  # text holds [[T<after+1>]] for terms[0], [[T<after+2>]] for terms[1], ...
    after: int = 0  # the placeholders are numbered after any the paragraph itself holds

    @property
    def english(self) -> tuple[str, ...]:
        return tuple(english for _, english in self.terms)

    def raw(self, text: str) -> str:
        """A piece of text as the source has it: placeholders back to the source's forms."""
        return self._fill(text, [form for form, _ in self.terms])

    def restore(self, answer: str) -> str:
        """An answer with the English of its terms put in for their placeholders."""
        return self._fill(answer, list(self.english), capitalize=True)

    def _fill(self, text: str, values: list[str], capitalize: bool = False) -> str:
        if not self.protected:
            return text

        def value(match: re.Match[str]) -> str:
            number = int(match.group(1)) - self.after
            if not 1 <= number <= len(values):  # not one of ours: text as the source has it
                return match.group()
            found = values[number - 1]
            if capitalize and _starts_a_sentence(text, match.start()):
                return found[:1].upper() + found[1:]
            return found

        return PLACEHOLDER.sub(value, text)

    def numbers(self, text: str) -> list[int]:
        return [int(number) for number in PLACEHOLDER.findall(text)] if self.protected else []

    def english_in(self, text: str, pairs: bool = False) -> list[Any]:
        """The English its terms in a piece of what is sent must come back with (pairs:
        with the form the source has, (form, English))."""
        if self.protected:
            found = [
                self.terms[number - self.after - 1]
                for number in self.numbers(text)
                if 1 <= number - self.after <= len(self.terms)
            ]
        else:  # each distinct term looked for once
            found = [term for term in dict.fromkeys(self.terms) if term[0] in text]
        return found if pairs else [english for _, english in found]


def _starts_a_sentence(text: str, position: int) -> bool:
    """Whether text[position] begins a sentence: at the start, or after an end mark and a
    space, opening quotes allowed between. Looks back only as far as it needs (a paragraph
    may hold thousands of terms)."""
    start = position
    while start and text[start - 1] in _OPENERS:
        start -= 1
    if not start:
        return True
    end = start
    while end and text[end - 1].isspace():
        end -= 1
    if end == start:
        return False
    while end and text[end - 1] in _CLOSERS:
        end -= 1
    return bool(end) and text[end - 1] in ".!?…"


def make_unit(paragraph: str, matches: Sequence[Match], protect: bool) -> Unit:
    """A paragraph to send, and its terms: as placeholders when protect, else as they are."""
    terms = tuple((paragraph[match.start : match.end], match.term.english) for match in matches)
    if not protect or not matches:
        return Unit(paragraph, paragraph, terms)
    after = max((int(number) for number in PLACEHOLDER.findall(paragraph)), default=0)  # text's own [[T1]]
    parts, end = [], 0
    for number, match in enumerate(matches, after + 1):
        parts += [paragraph[end : match.start], f"[[T{number}]]"]
        end = match.end
    parts.append(paragraph[end:])
    return Unit(paragraph, "".join(parts), terms, protected=True, after=after)


class _Counting:
    """An engine seen through a counter, for the requests one article costs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.key, self.name = engine.key, engine.name
        self.requests = 0

    def limit(self, source: str, target: str) -> Limit:
        return self.engine.limit(source, target)

    def takes_glossary(self, source: str, target: str) -> bool:
        takes = getattr(self.engine, "takes_glossary", None)
        return bool(takes(source, target)) if callable(takes) else False

    def translate(self, text: str, source: str, target: str, terms: Sequence[tuple[str, str]] = ()) -> str:
        self.requests += 1
        if terms:
            answer = self.engine.translate(text, source, target, terms=terms)  # type: ignore[call-arg]
        else:
            answer = self.engine.translate(text, source, target)
        problem = answer_problem(text, answer)
        if problem:
            raise EngineError(self.name, FailureKind.BAD_ANSWER, problem)
        return answer


def _join(pieces: Sequence[tuple[str, str]]) -> str:
    """Join a paragraph's translated pieces where it was cut: with a space after a piece
    that ended in whitespace (a sentence end, a space), directly after one cut between
    characters."""
    return "".join(
        translated.strip() + (" " if source[-1].isspace() else "") for source, translated in pieces
    )


def translate_paragraphs(
    paragraphs: Sequence[str], engine: Engine, source: str, target: str, units: Sequence[Unit] | None = None
) -> list[str]:
    """Translate each paragraph with one engine; exactly one paragraph comes back for
    each (with their terms' English in, when units say what they are)."""
    units = list(units) if units is not None else [Unit(paragraph, paragraph) for paragraph in paragraphs]
    return [
        unit.restore(answer)
        for unit, answer in zip(units, _answers(units, engine, source, target), strict=True)
    ]


def _answers(units: Sequence[Unit], engine: Engine, source: str, target: str) -> list[str]:
    """Each unit's answer, placeholders still in (as the translation memory keeps it)."""
    counted = engine if isinstance(engine, _Counting) else _Counting(engine)
    glossary = counted.takes_glossary(source, target)
    limit = engine.limit(source, target)
    plan = plan_requests([unit.text for unit in units], limit)
    owner = [units[piece.paragraph] for piece in plan.pieces]

    def ask(text: str, carried: Sequence[int]) -> str:
        terms: dict[tuple[str, str], None] = {}
        if glossary:
            for index in carried:  # each distinct term once (a long paragraph repeats its names)
                terms.update(dict.fromkeys(owner[index].english_in(plan.pieces[index].text, pairs=True)))
        return counted.translate(text, source, target, list(terms))

    def problem(index: int, answer: str) -> str | None:
        text, unit = plan.pieces[index].text, owner[index]
        trouble = answer_problem(text, answer)
        if trouble:
            return trouble
        if sorted(unit.numbers(answer)) != sorted(unit.numbers(text)):
            return "a protected term lost"
        figures = _quality.check(unit.raw(text), unit.restore(answer), target, unit.english_in(text))
        return figures.failures[0].detail if figures.failures else None

    def alone(index: int) -> str:
        text, unit = plan.pieces[index].text, owner[index]
        answer = ask(text, [index])
        if unit.protected and sorted(unit.numbers(answer)) != sorted(unit.numbers(text)):
            # The English written in (the gate checks it is kept), cut at sentence ends where it
            # no longer fits one request: never a request over the engine's limit.
            written = split_text(unit.restore(text), limit)
            return _join([(part, ask(part, [index])) for part in written])
        return answer

    answers = [piece.text for piece in plan.pieces]  # pieces without letters stay as they are
    for number, carried in enumerate(plan.requests):
        if len(carried) == 1:
            parts: list[str | None] = [ask(plan.text(number), carried)]
        else:
            unpacked = unpack(ask(plan.text(number), carried), len(carried))
            parts = list(unpacked) if unpacked else [None] * len(carried)
        for index, part in zip(carried, parts, strict=True):
            if part is None or problem(index, part):  # marks lost or moved, a check failed: this one alone
                part = alone(index)
            answers[index] = part
    pieces: list[list[tuple[str, str]]] = [[] for _ in units]
    for piece, answer in zip(plan.pieces, answers, strict=True):
        pieces[piece.paragraph].append((piece.text, answer))
    translated = [normalize_paragraph(_join(parts)) if parts else "" for parts in pieces]
    for unit, result in zip(units, translated, strict=True):
        if normalize_paragraph(unit.source) and not result:  # never a paragraph lost in silence
            raise EngineError(engine.name, FailureKind.BAD_ANSWER, "an empty answer")
    return translated


@dataclass
class _Attempt:
    """One engine's translation of an article."""

    engine: Engine
    paragraphs: list[str]
    sent: int
    cached: int
    kept: int
    figures: list[_quality.Figures | None]

    @property
    def failures(self) -> list[tuple[int, _quality.Failure]]:
        return [
            (index, failure)
            for index, figures in enumerate(self.figures)
            if figures
            for failure in figures.failures
        ]

    def reason(self, titled: bool) -> str:
        index, failure = self.failures[0]
        more = len({index for index, _ in self.failures}) - 1
        also = f", and {more} more paragraph{'s' if more > 1 else ''}" if more else ""
        return f"its translation failed the quality check: {failure.detail}, {where(index, titled)}{also}"


def paragraph_number(index: int, titled: bool) -> int:
    """How a unit is numbered for people and in the sidecar: the title 0, the body from 1."""
    return index if titled else index + 1


def where(index: int, titled: bool) -> str:
    return "in the title" if titled and index == 0 else f"in paragraph {paragraph_number(index, titled)}"


class Translator:
    """The run's engines in fallback order, the translation memory and the glossary;
    shared by threads. strict: rather no translation than one that fails the gate."""

    def __init__(
        self,
        engines: Sequence[Engine],
        memory: Memory | SharedMemory | None = None,
        glossary: Glossary | None = None,
        strict: bool = False,
    ) -> None:
        if not engines:
            raise ValueError("no engine")
        self.engines = list(engines)
        self.memory = memory
        self.glossary = glossary
        self.strict = strict
        for engine in self.engines:  # an engine that keeps a glossary of its own (DeepL's)
            use = getattr(engine, "use_glossary", None)
            if callable(use):
                use(glossary)
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}  # engine key -> why it is not tried again
        self._failures: dict[str, int] = defaultdict(int)

    @property
    def requests(self) -> int:
        return sum(getattr(engine, "requests", 0) for engine in self.engines)

    def translate(
        self, paragraphs: Sequence[str], article: str, target: str, given: bool = False, titled: bool = False
    ) -> Translation:
        """Translate an article's paragraphs from its main language `article`; `given`: the
        user named it, so every paragraph sent is sent as that language; `titled`: the first
        is the title (as failures are said)."""
        languages = [paragraph_language(paragraph, article, target) for paragraph in paragraphs]
        if given:
            languages = [None if language is None else article for language in languages]
        matches = [  # found in the paragraph as it is sent: normalized
            self.glossary.find(normalize_paragraph(paragraph), language) if self.glossary and language else []
            for paragraph, language in zip(paragraphs, languages, strict=True)
        ]
        requests, reasons, fallback = 0, [], []
        failed: list[_Attempt] = []
        for engine in self.engines:
            with self._lock:
                down = self._down.get(engine.key)
            if down:
                reasons.append((engine.name, down))
                fallback.append(Fallback(engine.key, engine.name, down, tried=False))
                continue
            counted = _Counting(engine)
            attempt: _Attempt | None = None
            try:
                attempt = self._translate(paragraphs, languages, matches, counted, target)
                if attempt.failures:
                    raise EngineError(engine.name, FailureKind.BAD_ANSWER, attempt.reason(titled))
            except EngineError as error:
                requests += counted.requests
                reasons.append((engine.name, error.reason))
                disabled = self._failed(engine, error)
                _log.info(
                    "%s failed: %s; the next engine of the chain, if any, is tried", engine.name, error.reason
                )
                fallback.append(
                    Fallback(engine.key, engine.name, error.reason, tried=True, disabled=disabled)
                )
                if attempt is not None and attempt.failures:
                    failed.append(attempt)
                continue
            with self._lock:
                self._failures[engine.key] = 0
            return self._result(
                attempt, requests + counted.requests, fallback, failed, matches, passed=True, titled=titled
            )
        if failed and not self.strict:  # every engine failed the gate: the best of theirs, said so
            best = min(failed, key=lambda attempt: len({index for index, _ in attempt.failures}))
            kept = [item for item in fallback if item.engine != best.engine.key]
            return self._result(best, requests, kept, failed, matches, passed=False, titled=titled)
        if len(reasons) == 1:
            raise TranslateError(f"{reasons[0][0]} failed: {reasons[0][1]}")
        raise TranslateError("every engine failed: " + "; ".join(f"{name}: {why}" for name, why in reasons))

    def _result(
        self,
        attempt: _Attempt,
        requests: int,
        fallback: Sequence[Fallback],
        failed: Sequence[_Attempt],
        matches: Sequence[Sequence[Match]],
        passed: bool,
        titled: bool,
    ) -> Translation:
        found: dict[str, int] = {}
        missed: set[str] = set()
        for match_list, text in zip(matches, attempt.paragraphs, strict=True):
            for match in match_list:
                found[match.term.source] = found.get(match.term.source, 0) + 1
            for english in _quality.missing_terms(text, [match.term.english for match in match_list]):
                missed.update(match.term.source for match in match_list if match.term.english == english)
        failures = [
            (item.engine.key, index, failure)
            for item in [*[other for other in failed if other is not attempt], attempt]
            for index, failure in item.failures
        ]
        return Translation(
            attempt.paragraphs,
            attempt.engine.name,
            requests,
            attempt.sent,
            attempt.cached,
            attempt.kept,
            tuple(fallback),
            tuple(attempt.figures),
            tuple(failures),
            passed,
            tuple(found.items()),
            tuple(term for term in found if term not in missed),
            tuple(term for term in found if term in missed),
            attempt.engine.key,
            titled,
        )

    def _failed(self, engine: Engine, error: EngineError) -> bool:
        """Count a failure; True if it takes the engine out of the run (the first time)."""
        with self._lock:
            if engine.key in self._down:  # another thread's article took it out already
                return False
            if error.kind in (FailureKind.QUOTA, FailureKind.AUTH):
                self._down[engine.key] = f"not tried again in this run after: {error.reason}"
                return True
            if (
                error.kind is not FailureKind.UNSUPPORTED and len(self.engines) > 1
            ):  # alone, it is all there is
                self._failures[engine.key] += 1
                if self._failures[engine.key] >= _FAILURES_IN_A_ROW:
                    self._down[engine.key] = (
                        f"not tried again in this run after {_FAILURES_IN_A_ROW} failed articles in a row"
                    )
                    return True
            return False

    def _translate(
        self,
        paragraphs: Sequence[str],
        languages: list[str | None],
        matches: Sequence[Sequence[Match]],
        engine: _Counting,
        target: str,
    ) -> _Attempt:
        results = [normalize_paragraph(paragraph) for paragraph in paragraphs]
        units: dict[int, Unit] = {}
        keys: dict[int, str] = {}
        waiting: dict[str, list[int]] = defaultdict(list)
        cached = glossed = 0  # glossed: paragraphs that are glossary terms alone, sent as translated
        for index, language in enumerate(languages):
            if language is None:
                continue
            glossary = engine.takes_glossary(language, target)
            unit = units[index] = make_unit(results[index], matches[index], protect=not glossary)
            keys[index] = _memory_key(unit, glossary)
            if unit.protected and not has_letters(PLACEHOLDER.sub("", unit.text)):  # "Харків": nothing to ask
                results[index], glossed = unit.restore(unit.text), glossed + 1
                continue
            hit = self.memory.get(engine.key, language, target, keys[index]) if self.memory else None
            if hit is None:
                waiting[language].append(index)
            else:
                results[index], cached = unit.restore(hit), cached + 1
        answers: dict[int, str] = {}
        for language, indices in waiting.items():
            translated = _answers([units[i] for i in indices], engine, language, target)
            for index, text in zip(indices, translated, strict=True):
                answers[index] = text
                results[index] = units[index].restore(text)
        figures: list[_quality.Figures | None] = [None] * len(paragraphs)
        for index, unit in units.items():
            figures[index] = _quality.check(unit.source, results[index], target, unit.english)
        _repeats(units, results, figures)
        for index, checked in enumerate(figures):
            if self.memory and index in answers and checked is not None and not checked.failures:
                self.memory.put(engine.key, str(languages[index]), target, keys[index], answers[index])
        sent = sum(len(indices) for indices in waiting.values()) + glossed
        kept = languages.count(None)
        return _Attempt(engine.engine, results, sent, cached, kept, figures)


def _repeats(units: dict[int, Unit], results: list[str], figures: list[_quality.Figures | None]) -> None:
    """The repeat check: a paragraph whose translation is another's, word for word, though
    their sources differ (a model that gave one answer for several)."""
    seen: dict[str, int] = {}
    for index in sorted(units):
        said = " ".join(results[index].casefold().split())
        other = seen.setdefault(said, index)
        checked = figures[index]
        if other == index or checked is None or len(said) < _quality.MIN_LENGTH:
            continue
        if " ".join(units[other].source.split()) != " ".join(units[index].source.split()):
            failure = _quality.Failure("repeat", float(other), "the same translation as another paragraph's")
            figures[index] = replace(checked, failures=(*checked.failures, failure))


def _memory_key(unit: Unit, glossary: bool) -> str:
    """What the translation memory knows a paragraph by: what is sent, and for an engine
    given the terms, the terms (another glossary, another translation)."""
    if glossary and unit.terms:
        return unit.text + "\n\x1f" + "\n".join(f"{form}={english}" for form, english in unit.terms)
    return unit.text


def gate_report(translation: Translation) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sidecar's "glossary" and "quality" records of a translation."""
    glossary = {
        "found": dict(translation.found),
        "enforced": list(translation.enforced),
        "missed": list(translation.missed),
    }
    measured = [figures for figures in translation.figures if figures is not None]
    ratios = [figures.length for figures in measured if figures.length is not None]
    shares = [figures.script for figures in measured if figures.script is not None]
    quality = {
        "passed": translation.passed,
        "engine": translation.engine_key,
        "failures": [
            {
                "engine": engine,
                "paragraph": paragraph_number(paragraph, translation.titled),
                "check": failure.check,
                "figure": failure.figure,
                "detail": failure.detail,
            }
            for engine, paragraph, failure in translation.failures
        ],
        "figures": {
            "script": max(shares, default=0.0),
            "length": [min(ratios), max(ratios)] if ratios else None,
            "loop": max((figures.loop for figures in measured), default=0),
        },
    }
    return glossary, quality
