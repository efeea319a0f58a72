"""The default glossary (src/warnews/data/glossary.txt) checked as data: it parses, no
term is there twice, place names follow one romanization (KMU 2010), the Russian names
get the English of their Ukrainian ones, and the English is plain text to put in a
sentence."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import pytest

from warnews import _glossary
from warnews._glossary import Glossary, Term

# The sections of the file (`# ==== Places, Ukrainian ====`), and the languages whose texts
# their terms are for.
SECTION = re.compile(r"#\s*====\s*(.+?)\s*====\s*$")
LANGUAGES = {
    "Places, Ukrainian": ("uk",),
    "Oblasts, Ukrainian": ("uk",),
    "Regions, Ukrainian": ("uk",),
    "Institutions, Ukrainian": ("uk",),
    "Institutions, Ukrainian and Russian": ("uk", "ru"),
    "Places, Russian": ("ru",),
    "Oblasts, Russian": ("ru",),
    "Regions, Russian": ("ru",),
    "Institutions, Russian": ("ru",),
}
UKRAINIAN_ONLY = set("іїєґІЇЄҐ'’ʼ")
RUSSIAN_ONLY = set("ыэёъЫЭЁЪ")

# Ukrainian names English does not romanize, because its own name is settled usage; every
# other Ukrainian place is spelt the KMU 2010 way.
EXONYMS = {
    "Україна": "Ukraine",  # the country's English name, used by Ukraine itself
    "Крим": "Crimea",  # "Krym" is unknown to English readers; Ukraine's English says Crimea
    "Автономна Республіка Крим": "Autonomous Republic of Crimea",  # its official English name
    "Чорне море": "Black Sea",  # seas are translated, not romanized
    "Азовське море": "Sea of Azov",
}

# KMU 2010 (Cabinet of Ministers of Ukraine resolution 55 of 27 January 2010): є ї й ю я
# are ye yi y yu ya at the start of a word and ie i i iu ia elsewhere; зг is zgh; the
# soft sign and the apostrophe are not written.
KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

# Each oblast's adjective and the place it is named after.
OBLAST_PLACES = {
    "Вінницька": "Вінниця",
    "Волинська": "Волинь",
    "Дніпропетровська": "Дніпропетровськ",  # the oblast keeps Dnipro's old name
    "Донецька": "Донецьк",
    "Житомирська": "Житомир",
    "Закарпатська": "Закарпаття",
    "Запорізька": "Запоріжжя",
    "Івано-Франківська": "Івано-Франківськ",
    "Київська": "Київ",
    "Кіровоградська": "Кіровоград",  # and this one Kropyvnytskyi's
    "Луганська": "Луганськ",
    "Львівська": "Львів",
    "Миколаївська": "Миколаїв",
    "Одеська": "Одеса",
    "Полтавська": "Полтава",
    "Рівненська": "Рівне",
    "Сумська": "Суми",
    "Тернопільська": "Тернопіль",
    "Харківська": "Харків",
    "Херсонська": "Херсон",
    "Хмельницька": "Хмельницький",
    "Черкаська": "Черкаси",
    "Чернівецька": "Чернівці",
    "Чернігівська": "Чернігів",
}


def kmu(name: str) -> str:
    """name in the national romanization of Ukrainian."""
    out: list[str] = []
    for index, letter in enumerate(name):
        lower = letter.lower()
        initial = index == 0 or not (name[index - 1].isalpha() or name[index - 1] in "'’ʼ")
        if lower not in KMU:
            out.append(letter)  # spaces and hyphens
            continue
        latin = KMU_INITIAL[lower] if initial and lower in KMU_INITIAL else KMU[lower]
        if lower == "г" and index and name[index - 1].lower() == "з":
            latin = "gh"
        out.append(latin.capitalize() if letter.isupper() else latin)
    return "".join(out)


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Згурівка", "Zghurivka"),  # the table's own examples
        ("Розгон", "Rozghon"),
        ("Єнакієве", "Yenakiieve"),
        ("Гаєвич", "Haievych"),
        ("Їжакевич", "Yizhakevych"),
        ("Кадиївка", "Kadyivka"),
        ("Йосипівка", "Yosypivka"),
        ("Стрий", "Stryi"),
        ("Юрій", "Yurii"),
        ("Корюківка", "Koriukivka"),
        ("Яготин", "Yahotyn"),
        ("Костянтин", "Kostiantyn"),
        ("Знам'янка", "Znamianka"),
        ("Щербухи", "Shcherbukhy"),
        ("Гоща", "Hoshcha"),
        ("Ґорґани", "Gorgany"),
        ("Біла Церква", "Bila Tserkva"),
    ],
)
def test_the_romanization_table_gives_kmu_2010_examples(ukrainian: str, latin: str) -> None:
    assert kmu(ukrainian) == latin


@dataclass(frozen=True)
class Entry:
    term: Term
    section: str

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES[self.section]


@cache
def entries() -> tuple[Entry, ...]:
    text = _glossary.default_text()
    sections: dict[int, str] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        heading = SECTION.match(line.strip())
        section = heading.group(1) if heading else section
        sections[number] = section
    terms = _glossary.parse(text, _glossary.DEFAULT)
    return tuple(Entry(term, sections[int(term.origin.rsplit(" ", 1)[1])]) for term in terms)


def of(*sections: str) -> list[Entry]:
    return [entry for entry in entries() if entry.section in sections]


def test_the_default_glossary_parses_into_every_section() -> None:
    found = {entry.section for entry in entries()}
    assert found == set(LANGUAGES), "every term is under a known section heading"
    assert len(entries()) > 300
    assert len(_glossary.load()) == len(entries()), "no default term is empty"


def test_no_term_is_there_twice() -> None:
    # parse() refuses a term twice in one file; this says so of the shipped file in words
    # that catch the apostrophes and ё written differently too.
    keys: dict[str, str] = {}
    for entry in entries():
        key = entry.term.source.casefold().replace("’", "'").replace("ʼ", "'").replace("ё", "е")
        assert key not in keys, f"{entry.term.origin}: {entry.term.source} is also {keys[key]}"
        keys[key] = entry.term.origin


def test_every_term_is_found_in_itself_as_itself_by_the_whole_glossary() -> None:
    glossary = _glossary.load()
    for entry in entries():
        source = entry.term.source
        for language in entry.languages:
            assert [(m.start, m.end, m.term) for m in Glossary([entry.term]).find(source, language)] == [
                (0, len(source), entry.term)
            ], f"{source} ({language})"
            # and no other entry takes its place (longer, or listed before it)
            assert [(m.start, m.end, m.term) for m in glossary.find(source, language)] == [
                (0, len(source), entry.term)
            ], f"{source} ({language})"


def test_no_two_terms_are_one_for_the_matcher() -> None:
    """An entry whose name another entry's matcher finds at the same span would be a
    duplicate under another spelling. Allowed only across languages with the same English:
    pymorphy3 reads a Russian name in a Ukrainian text too (Попасная is Попасна to the uk
    dictionary); the Ukrainian entry, listed first, is the one found (checked above)."""
    by_size: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries():
        by_size[len(_glossary._words(entry.term.source))].append(entry)
    same: list[str] = []
    for entry in entries():
        source = entry.term.source
        for other in by_size[len(_glossary._words(source))]:
            if other is entry:
                continue
            for language in entry.languages:
                spans = [(m.start, m.end) for m in Glossary([other.term]).find(source, language)]
                if (0, len(source)) not in spans:
                    continue
                if other.term.english == entry.term.english and language not in other.languages:
                    continue
                same.append(f"{source} is {other.term.source} in {language}")
    assert same == []


def test_the_letters_fit_the_language_of_the_section() -> None:
    for entry in entries():
        letters = set(entry.term.source)
        if entry.languages == ("uk",):
            assert not letters & RUSSIAN_ONLY, entry.term
        elif entry.languages == ("ru",):
            assert not letters & UKRAINIAN_ONLY, entry.term
        else:
            assert not letters & (RUSSIAN_ONLY | UKRAINIAN_ONLY), entry.term


def test_ukrainian_places_are_spelt_the_kmu_2010_way() -> None:
    wrong = [
        f"{entry.term.source} = {entry.term.english}, not {kmu(entry.term.source)}"
        for entry in of("Places, Ukrainian")
        if entry.term.source not in EXONYMS and entry.term.english != kmu(entry.term.source)
    ]
    assert wrong == []


def test_the_exonyms_are_in_the_glossary_as_listed() -> None:
    places = {entry.term.source: entry.term.english for entry in of("Places, Ukrainian")}
    assert {source: places.get(source) for source in EXONYMS} == EXONYMS


def test_every_oblast_is_its_place_and_oblast() -> None:
    oblasts = {entry.term.source: entry.term.english for entry in of("Oblasts, Ukrainian")}
    assert oblasts == {
        f"{adjective} область": f"{kmu(place)} Oblast" for adjective, place in OBLAST_PLACES.items()
    }


def shared_start(one: str, other: str) -> int:
    return next(
        (index for index, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


def test_the_regional_names_are_the_oblasts_they_name() -> None:
    oblasts = {entry.term.source: entry.term.english for entry in of("Oblasts, Ukrainian")}
    for entry in of("Regions, Ukrainian"):
        # Харківщина is the oblast whose name starts most like it: Харківська, not Херсонська
        nearest = max(oblasts, key=lambda oblast: shared_start(oblast, entry.term.source))
        assert entry.term.english == oblasts[nearest], entry.term


@pytest.mark.parametrize(
    ("russian", "ukrainian"),
    [
        (("Places, Russian",), ("Places, Ukrainian",)),
        (("Oblasts, Russian", "Regions, Russian"), ("Oblasts, Ukrainian",)),
        (("Institutions, Russian",), ("Institutions, Ukrainian", "Institutions, Ukrainian and Russian")),
    ],
)
def test_every_russian_name_has_the_english_of_a_ukrainian_one(
    russian: tuple[str, ...], ukrainian: tuple[str, ...]
) -> None:
    english = {entry.term.english for entry in of(*ukrainian)}
    assert [entry.term for entry in of(*russian) if entry.term.english not in english] == []


def test_the_russian_oblasts_are_the_ukrainian_ones() -> None:
    assert {entry.term.english for entry in of("Oblasts, Russian")} == {
        entry.term.english for entry in of("Oblasts, Ukrainian")
    }


def test_every_english_is_plain_text_for_the_middle_of_a_sentence() -> None:
    lines = _glossary.default_text().splitlines()
    for entry in entries():
        english = entry.term.english
        # parse() would forgive stray spaces; the file is written without them
        assert lines[int(entry.term.origin.rsplit(" ", 1)[1]) - 1] == f"{entry.term.source} = {english}"
        assert not re.search(r"[\u0400-\u04ff]", english), entry.term
        assert not re.match(r"(?i)the\b", english), entry.term
        assert re.fullmatch(r"[A-Za-z][A-Za-z' -]*[A-Za-z]", english), entry.term
        # American spelling, as the rest of warnews's English
        assert not re.search(r"(?i)defence|centre|programme|[a-z]is(e|ed|ation)\b", english), entry.term
