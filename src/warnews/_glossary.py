"""Terminology: source terms and the English that must be used for them.

A glossary is a text file people edit: one term a line, `source = English`, `#` starts a
comment. warnews ships a default one for Ukrainian news (place names in their
Ukrainian-based spelling, institutions and abbreviations, with the Russian forms of the
same names); a user's file is read after it, so its lines win, and `term =` with no
English takes a default term out.

Terms match in every grammatical form. For Ukrainian and Russian a word matches a term's
word when they share a lemma (pymorphy3 and its dictionaries: Києві, Києва and Київ are
all київ); for other languages, when they are the same word in any case. A term's word
written with a capital matches only capitalized words (Рада the parliament, not рада
"glad"), one written in capitals only words in capitals (abbreviations).
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ._errors import UsageError

DEFAULT = "glossary.txt"  # in the package's data folder
MORPHOLOGY = ("uk", "ru")  # the languages whose words match by lemma
# A word: letters or digits (С-300 is two words, С and 300), with the apostrophes of
# Ukrainian inside (м'ясо, об’єкт).
_WORD = re.compile(r"[^\W_]+(?:['’ʼ`][^\W_]+)*")
MAX_FILE = 10 * 1024 * 1024  # a glossary file larger than this is not one
# Between the words of a term in a text: spaces, or the hyphen the term itself has.
_GAP = re.compile(r"\s+|-")
_LAST_WORD = re.compile(r"[^\W_]+$")


@dataclass(frozen=True)
class Term:
    """One line of a glossary."""

    source: str  # as written in the glossary: "Київ", "Верховна Рада"
    english: str  # what must be written for it: "Kyiv"
    origin: str  # where it was read: "glossary.txt line 12"


@dataclass(frozen=True)
class Match:
    """Where a term occurs in a text: text[start:end] is the form used there."""

    start: int
    end: int
    term: Term


class GlossaryError(UsageError):
    """A glossary file that cannot be read as one (its name and line in the message)."""


def parse(text: str, name: str) -> list[Term]:
    """The terms of a glossary file's text, in order; a term with no English is kept with
    english "" (it takes that term out of the glossaries read before)."""
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        source, equals, english = line.partition("=")
        source, english = " ".join(source.split()), " ".join(english.split())
        if not equals:
            raise GlossaryError(f"{name} line {number}: expected 'term = English', got {_short(line)!r}")
        if not any(char.isalpha() for char in source):
            raise GlossaryError(f"{name} line {number}: the term before '=' has no letters")
        key = source.casefold()
        if key in seen:
            raise GlossaryError(f"{name} line {number}: {source!r} is already on line {seen[key]}")
        seen[key] = number
        terms.append(Term(source, english, f"{name} line {number}"))
    return terms


def _regular_file(path: str, flags: int) -> int:
    """Open a file only if it is a regular one (O_NONBLOCK: a FIFO does not wait for a writer)."""
    descriptor = os.open(path, flags | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise IsADirectoryError(errno.EISDIR, "not a regular file")
    return descriptor


def _short(line: str) -> str:
    return line if len(line) <= 60 else line[:57] + "..."


def default_text() -> str:
    return resources.files("warnews").joinpath("data", DEFAULT).read_text(encoding="utf-8")


def load(default: bool = True, path: Path | None = None) -> Glossary:
    """The glossary of a run: the default one (unless default=False), then the user's
    file at path, whose terms replace the default's of the same source."""
    terms: dict[str, Term] = {}
    if default:
        terms.update((term.source.casefold(), term) for term in parse(default_text(), DEFAULT))
    if path is not None:
        try:
            with open(path, "rb", opener=_regular_file) as file:  # a FIFO or a device: refused unopened
                data = file.read(MAX_FILE + 1)
            if len(data) > MAX_FILE:
                raise GlossaryError(f"glossary {path}: larger than {MAX_FILE // 1024 // 1024} MiB")
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise GlossaryError(f"glossary {path}: not UTF-8 text") from None
        except OSError as error:
            raise GlossaryError(f"glossary {path}: {error.strerror or error}") from None
        terms.update((term.source.casefold(), term) for term in parse(text, str(path)))
    return Glossary(term for term in terms.values() if term.english)


class Glossary:
    """Terms, ready to be found in texts of any language."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: tuple[Term, ...] = tuple(terms)
        self._words = {term: _words(term.source) for term in self.terms}
        self._order = {term: index for index, term in enumerate(self.terms)}  # ties: the first term
        # Reading a word with the dictionaries is what costs: only words that could start a
        # term are read. Inflection changes a word's end and its vowels (Київ, Києві; Харків,
        # Харкова), not the consonants it starts with; a capitalized term starts with a capital.
        firsts = [self._words[term][0] for term in self.terms if self._words[term]]
        self._heads = frozenset(_head(word) for word in firsts)
        self._any_case = any(not word[0].isupper() for word in firsts)
        self._keys: dict[str, dict[str, list[Term]]] = {}  # language -> a first word's key -> terms
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str, language: str) -> list[Match]:
        """The terms in text, in order, none overlapping; where two could match at one
        place, the longer term."""
        index = self._index(language)
        words = [(match.start(), match.end(), match.group()) for match in _WORD.finditer(text)]
        found: list[Match] = []
        position = 0
        while position < len(words):
            best: tuple[int, Term] | None = None
            head = words[position][2]
            if not (head[0].isupper() or self._any_case) or _head(head) not in self._heads:
                position += 1
                continue
            lemmas = {lemma for lemma, _ in _keys(head, language)}
            candidates = {term for lemma in lemmas for term in index.get(lemma, ())}
            for term in sorted(candidates, key=self._order.__getitem__):  # a tie: the first listed
                size = len(self._words[term])
                if (best is None or size > best[0]) and self._matches(term, words, position, text, language):
                    best = (size, term)
            if best is None:
                position += 1
                continue
            size, term = best
            start, end = words[position][0], words[position + size - 1][1]
            if not _part_of_a_word(text, start, end):
                found.append(Match(start, end, term))
            position += size
        return found

    def _matches(
        self, term: Term, words: Sequence[tuple[int, int, str]], position: int, text: str, language: str
    ) -> bool:
        wanted = self._words[term]
        if position + len(wanted) > len(words):
            return False
        for offset, word in enumerate(wanted):
            start, _, form = words[position + offset]
            if offset and not _GAP.fullmatch(text[words[position + offset - 1][1] : start]):
                return False
            if not _same_shape(word, form) or not _compatible(
                _term_keys(word, language), _keys(form, language)
            ):
                return False
        return True

    def _index(self, language: str) -> dict[str, list[Term]]:
        with self._lock:
            index = self._keys.get(language)
            if index is None:
                index = {}
                for term in self.terms:
                    for lemma in {lemma for lemma, _ in _term_keys(self._words[term][0], language)}:
                        index.setdefault(lemma, []).append(term)
                self._keys[language] = index
            return index


_VOWELS = str.maketrans(dict.fromkeys("аеєиіїоуюяыэёьъaeiouy", "*") | dict.fromkeys("'", None))


def _head(word: str) -> str:
    """What inflection keeps of a word: its first three letters, any vowel as one."""
    return _fold(word).translate(_VOWELS)[:3]


def _part_of_a_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is joined by a hyphen to a lower-case part (ППО-шники, екс-СБУ):
    a word of its own, not the term. Two names so joined (Харків-Київ) are each a name."""
    after = text[end : end + 2]
    if len(after) == 2 and after[0] == "-" and after[1].islower():
        return True
    if start < 2 or text[start - 1] != "-":
        return False
    joined = _LAST_WORD.search(text, 0, start - 1)
    return joined is not None and joined.group()[0].islower()


def _words(source: str) -> tuple[str, ...]:
    return tuple(match.group() for match in _WORD.finditer(source))


def _same_shape(word: str, form: str) -> bool:
    """A term's capitals bind: an abbreviation matches capitals, a name a capital."""
    if len(word) > 1 and word.isupper():
        return form.isupper()
    if word[0].isupper():
        return form[0].isupper()
    return True


def _fold(word: str) -> str:
    return word.casefold().replace("’", "'").replace("ʼ", "'").replace("`", "'").replace("ё", "е")


Key = tuple[str, bool]  # a lemma, and whether the reading is a person's name


def _compatible(wanted: frozenset[Key], keys: frozenset[Key]) -> bool:
    """Whether a word of a text can be a term's word: a lemma in common, and not read only
    as a person's name when the term is not one (Николаевым: a person, not the city)."""
    return any(lemma == other and (person or not named) for lemma, person in wanted for other, named in keys)


def _person(tag: Any) -> bool:
    return any(grammeme in tag for grammeme in ("Surn", "Name", "Patr"))


@functools.lru_cache(maxsize=200_000)
def _keys(form: str, language: str) -> frozenset[Key]:
    """What a word of a text can be: every lemma of every reading of it, and itself."""
    folded = _fold(form)
    analyzer = _analyzer(language)
    if analyzer is None:
        return frozenset({(folded, False)})
    readings = analyzer.parse(_apostrophe(form))
    return frozenset(
        {(folded, False), *((_fold(parse.normal_form), _person(parse.tag)) for parse in readings)}
    )


@functools.lru_cache(maxsize=20_000)
def _term_keys(word: str, language: str) -> frozenset[Key]:
    """What a term's word is. A glossary writes a name as the dictionary does: the readings
    whose lemma is the word itself (Київ the city, not the genitive plural of кий; Суми, not
    the plural of сума); else those in the nominative (Збройні in Збройні сили); else every
    reading (the genitive України there). Of those, the ones that are not a person's name
    when there are some (Николаев the city, not the surname)."""
    folded = _fold(word)
    analyzer = _analyzer(language)
    if analyzer is None:
        return frozenset({(folded, False)})
    parses = analyzer.parse(_apostrophe(word))
    readings = (
        [parse for parse in parses if _fold(parse.normal_form) == folded]
        or [parse for parse in parses if "nomn" in parse.tag]
        or parses
    )
    if not all(_person(parse.tag) for parse in readings):
        readings = [parse for parse in readings if not _person(parse.tag)]
    keys = {(_fold(parse.normal_form), _person(parse.tag)) for parse in readings}
    if not any(lemma == folded for lemma, _ in keys):  # a word the dictionary lacks: itself
        keys.add((folded, False))
    return frozenset(keys)


def _apostrophe(word: str) -> str:
    """As pymorphy3's dictionaries spell it: Куп'янськ, whichever apostrophe the text has."""
    return word.replace("’", "'").replace("ʼ", "'").replace("`", "'")


def _analyzer(language: str) -> Any:
    """pymorphy3's analyzer for a language it has dictionaries for, else None: made once
    per process (its dictionaries take a tenth of a second to open), whichever thread asks."""
    if language not in MORPHOLOGY:
        return None
    with _opening:
        if language not in _analyzers:
            import pymorphy3

            _analyzers[language] = pymorphy3.MorphAnalyzer(lang=language)
        return _analyzers[language]


_analyzers: dict[str, Any] = {}
_opening = threading.Lock()


CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def forms(term: Term, language: str) -> list[str]:
    """Every form of a term the dictionary knows (DeepL's glossaries match words as
    written): the term itself first. A term of several words in each case, its words in
    the nominative inflected together (Верховної Ради, Харківській області), the others
    kept (України in Збройні сили України)."""
    result = [term.source]
    analyzer = _analyzer(language)
    words = _words(term.source)
    if analyzer is None or not words:
        return result
    if len(words) > 1:
        return result + [form for form in _phrase_forms(term.source, words, analyzer) if form not in result]
    if term.source != words[0]:
        return result
    keys = _term_keys(words[0], language)
    for parse in analyzer.parse(_apostrophe(words[0])):
        if not parse.is_known:  # a guess from the word's ending (a Ukrainian name to the
            continue  # Russian dictionary): its "forms" are not words
        if not _compatible(keys, frozenset({(_fold(parse.normal_form), _person(parse.tag))})):
            continue
        for form in parse.lexeme:
            word = _cased(form.word, words[0])
            if word not in result:
                result.append(word)
    return result


def _phrase_forms(source: str, words: tuple[str, ...], analyzer: Any) -> list[str]:
    # The words up to the first noun agree with it (Верховна Рада, Кривий Ріг); what follows
    # the noun keeps its own case (України in Збройні сили України).
    readings: list[Any] = []
    head = False
    for word in words:
        known = [
            parse
            for parse in analyzer.parse(_apostrophe(word))
            if parse.is_known and "nomn" in parse.tag and not _person(parse.tag)
        ]
        reading = None if head or not known else known[0]
        head = head or (reading is not None and "NOUN" in reading.tag)
        readings.append(reading)
    if not any(readings):
        return []
    found: list[str] = []
    for case in CASES:
        text, end = "", 0
        for match, reading in zip(_WORD.finditer(source), readings, strict=True):
            inflected = reading.inflect({case}) if reading is not None else None
            if reading is not None and inflected is None:
                break
            text += source[end : match.start()] + (
                _cased(inflected.word, match.group()) if inflected else match.group()
            )
            end = match.end()
        else:
            text += source[end:]
            if text not in found:
                found.append(text)
    return found


def _cased(word: str, like: str) -> str:
    if len(like) > 1 and like.isupper():
        return word.upper()
    if like[0].isupper():
        return word[:1].upper() + word[1:]
    return word
