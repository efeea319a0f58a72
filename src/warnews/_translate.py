"""The translate stage: which paragraphs go to the translator, in which language, through
which engine, and the checks that keep paragraph structure whatever an engine answers.

- A paragraph with no letters, or written entirely in the target language, is kept as
  it is (conservatively: for a Latin-script target, a Cyrillic letter means it is sent).
- Paragraphs are packed into as few requests as the engine's limit allows, numbered
  markers between them. When an answer does not bring every marker back, in order,
  the pieces of that request are sent again one by one; the result always has exactly
  one paragraph for each given one.
- An answer that is empty, an HTML page, or the input back untranslated is a failure.
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
from dataclasses import dataclass
from typing import Protocol

from ._cache import Memory
from ._detect import CYRILLIC, CYRILLIC_LANGUAGES, alphabet_vote, paragraph_candidates
from ._errors import EngineError, FailureKind, TranslateError
from ._normalize import normalize_paragraph
from ._split import Limit, has_letters, plan_requests, unpack

_log = logging.getLogger("warnews")  # -v (see _report.Verbose)

_HTML_PAGE = re.compile(r"<\s*(!doctype|html|head|body|script|style|title)\b", re.IGNORECASE)
_KEEP_CONFIDENCE = 0.9  # langdetect's certainty before a paragraph is kept untranslated
_KEEP_LETTERS = 20  # and no fewer letters than this (short text fools every detector)
_FAILURES_IN_A_ROW = 3


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


class _Counting:
    """An engine seen through a counter, for the requests one article costs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.key, self.name = engine.key, engine.name
        self.requests = 0

    def limit(self, source: str, target: str) -> Limit:
        return self.engine.limit(source, target)

    def translate(self, text: str, source: str, target: str) -> str:
        self.requests += 1
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


def translate_paragraphs(paragraphs: Sequence[str], engine: Engine, source: str, target: str) -> list[str]:
    """Translate each paragraph with one engine; exactly one paragraph comes back for each."""
    counted = engine if isinstance(engine, _Counting) else _Counting(engine)
    plan = plan_requests(paragraphs, engine.limit(source, target))
    answers = [piece.text for piece in plan.pieces]  # pieces without letters stay as they are
    for number, carried in enumerate(plan.requests):
        texts = [plan.pieces[index].text for index in carried]
        if len(carried) == 1:
            answers[carried[0]] = counted.translate(texts[0], source, target)
            continue
        unpacked = unpack(counted.translate(plan.text(number), source, target), len(carried))
        parts: list[str | None] = list(unpacked) if unpacked else [None] * len(carried)
        for index, text, part in zip(carried, texts, parts, strict=True):
            if part is None or answer_problem(text, part):  # marks lost or moved: this one alone
                part = counted.translate(text, source, target)
            answers[index] = part
    pieces: list[list[tuple[str, str]]] = [[] for _ in paragraphs]
    for piece, answer in zip(plan.pieces, answers, strict=True):
        pieces[piece.paragraph].append((piece.text, answer))
    translated = [normalize_paragraph(_join(parts)) if parts else "" for parts in pieces]
    for paragraph, result in zip(paragraphs, translated, strict=True):
        if normalize_paragraph(paragraph) and not result:  # never a paragraph lost in silence
            raise EngineError(engine.name, FailureKind.BAD_ANSWER, "an empty answer")
    return translated


class Translator:
    """The run's engines in fallback order, and the translation memory; shared by threads."""

    def __init__(self, engines: Sequence[Engine], memory: Memory | None = None) -> None:
        if not engines:
            raise ValueError("no engine")
        self.engines = list(engines)
        self.memory = memory
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}  # engine key -> why it is not tried again
        self._failures: dict[str, int] = defaultdict(int)

    @property
    def requests(self) -> int:
        return sum(getattr(engine, "requests", 0) for engine in self.engines)

    def translate(
        self, paragraphs: Sequence[str], article: str, target: str, given: bool = False
    ) -> Translation:
        """Translate an article's paragraphs from its main language `article`; `given`: the
        user named it, so every paragraph sent is sent as that language."""
        languages = [paragraph_language(paragraph, article, target) for paragraph in paragraphs]
        if given:
            languages = [None if language is None else article for language in languages]
        requests, reasons, fallback = 0, [], []
        for engine in self.engines:
            with self._lock:
                down = self._down.get(engine.key)
            if down:
                reasons.append((engine.name, down))
                fallback.append(Fallback(engine.key, engine.name, down, tried=False))
                continue
            counted = _Counting(engine)
            try:
                paragraphs_out, sent, cached, kept = self._translate(paragraphs, languages, counted, target)
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
                continue
            with self._lock:
                self._failures[engine.key] = 0
            return Translation(
                paragraphs_out, engine.name, requests + counted.requests, sent, cached, kept, tuple(fallback)
            )
        if len(reasons) == 1:
            raise TranslateError(f"{reasons[0][0]} failed: {reasons[0][1]}")
        raise TranslateError("every engine failed: " + "; ".join(f"{name}: {why}" for name, why in reasons))

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
        self, paragraphs: Sequence[str], languages: list[str | None], engine: _Counting, target: str
    ) -> tuple[list[str], int, int, int]:
        results = [normalize_paragraph(paragraph) for paragraph in paragraphs]
        waiting: dict[str, list[int]] = defaultdict(list)
        cached = 0
        for index, language in enumerate(languages):
            if language is None:
                continue
            hit = self.memory.get(engine.key, language, target, results[index]) if self.memory else None
            if hit is None:
                waiting[language].append(index)
            else:
                results[index], cached = hit, cached + 1
        for language, indices in waiting.items():
            translated = translate_paragraphs([paragraphs[i] for i in indices], engine, language, target)
            for index, text in zip(indices, translated, strict=True):
                if self.memory:
                    self.memory.put(engine.key, language, target, results[index], text)
                results[index] = text
        sent = sum(len(indices) for indices in waiting.values())
        kept = languages.count(None)
        return results, sent, cached, kept
