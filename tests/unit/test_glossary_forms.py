"""Glossary terms found in their inflected forms, in real sentences (bench/data: lingua's
Ukrainian and Russian test sentences, from the Leipzig Corpora Collection) and in news
sentences written for these tests; words that only look like a term are left alone; and
glossary files read and refused."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from warnews import _glossary
from warnews._glossary import Glossary, GlossaryError, Term

BENCH = Path(__file__).resolve().parents[2] / "bench" / "data"


@cache
def default() -> Glossary:
    return _glossary.load()


@cache
def bench_sentences(language: str) -> tuple[str, ...]:
    return tuple((BENCH / f"sentences-{language}.txt").read_text(encoding="utf-8").splitlines())


def bench_sentence(language: str, fragment: str) -> str:
    """The one bench sentence that contains fragment."""
    found = [line for line in bench_sentences(language) if fragment in line]
    assert len(found) == 1, f"{fragment!r} is in {len(found)} {language} bench sentences"
    return found[0]


def spans(text: str, *expected: tuple[str, str]) -> list[tuple[int, int, str]]:
    """Where each (form, English) of expected is in text, searched for in order."""
    result: list[tuple[int, int, str]] = []
    position = 0
    for form, english in expected:
        start = text.index(form, position)
        result.append((start, start + len(form), english))
        position = start + len(form)
    return result


def found(text: str, language: str, glossary: Glossary | None = None) -> list[tuple[int, int, str]]:
    return [
        (m.start, m.end, m.term.english)
        for m in (default() if glossary is None else glossary).find(text, language)
    ]


# From bench/data/sentences-uk.txt: a fragment that picks the sentence out, and every term
# in it, in order, as (form, English).
UKRAINIAN_BENCH = [
    ("Єфросинія повернулася", [("Києва", "Kyiv")]),
    (
        "форпостом Києва",
        [
            ("Києва", "Kyiv"),
            ("Дніпро", "Dnipro"),
            ("Київ", "Kyiv"),
            ("Чернігова", "Chernihiv"),
            ("Києва", "Kyiv"),
            ("Чернігова", "Chernihiv"),
            ("Десни", "Desna"),
        ],
    ),
    ("центром цукроваріння", [("Черкаси", "Cherkasy")]),
    ("У бібліотеках", [("Миколаєва", "Mykolaiv")]),
    (
        "В.ДУЛУБ",
        [
            ("Харківській області", "Kharkiv Oblast"),
            ("Харків", "Kharkiv"),
            ("Харків", "Kharkiv"),
            ("Харкова", "Kharkiv"),
        ],
    ),
    ("благодійною метою", [("Києві", "Kyiv")]),
    ("Art Expo Ukraine", [("Києві", "Kyiv")]),
    ("яскраво одягаються", [("Львові", "Lviv")]),
    ("Академічний експрес", [("Львів", "Lviv")]),
    ("по Чернівцях", [("Чернівцях", "Chernivtsi")]),
    ("Сітніченко", [("Черкаської області", "Cherkasy Oblast")]),
    ("підприємців на Україні", [("Україні", "Ukraine")]),
    ("Рургаз", [("Нафтогаз", "Naftogaz"), ("України", "Ukraine")]),  # Укрросенерго is not Укренерго
    ("Основи теорії літератури", [("Київ", "Kyiv")]),
    ("кримських і ногайських татар", [("Україну", "Ukraine")]),  # not кримських, the adjective
]


@pytest.mark.parametrize(("fragment", "expected"), UKRAINIAN_BENCH, ids=[row[0] for row in UKRAINIAN_BENCH])
def test_terms_in_ukrainian_bench_sentences(fragment: str, expected: list[tuple[str, str]]) -> None:
    sentence = bench_sentence("uk", fragment)
    assert found(sentence, "uk") == spans(sentence, *expected)


# Bench sentences with words that look like terms and are not: Миколая (St Nicholas) and
# the name Микола are not Миколаїв, adjectives (Одеського, Миколаївському, Полтавські) are
# not the place, Львівяни are its people, міська рада is no Verkhovna Rada, Задніпров'я
# is not Dnipro.
UKRAINIAN_BENCH_NEGATIVE = [
    "церкву Святого Миколая",
    "гетьман Микола Потоцький",
    "Микола Біляївський",
    "з Одеського Губотдела",
    "Миколаївському юридичному ліцеї",
    "Полтавські селяни",
    "Полтавської міської ради",
    "Львівяни ж так пишаються",
]


@pytest.mark.parametrize("fragment", UKRAINIAN_BENCH_NEGATIVE)
def test_no_terms_in_ukrainian_bench_sentences_without_them(fragment: str) -> None:
    assert found(bench_sentence("uk", fragment), "uk") == []


def test_terms_in_russian_bench_sentences() -> None:
    sentence = bench_sentence("ru", "властями Крыма")
    assert found(sentence, "ru") == spans(sentence, ("Крыма", "Crimea"), ("Крымом", "Crimea"))


@pytest.mark.parametrize(
    "fragment",
    [
        "Боцман Николай Григорьевич",  # Николай is not Николаев
        "Одесситка, пенсионерка",  # a woman of Odesa, not Odesa
        "Конгрессом и Верховным Судом",  # Верховный, but no Рада
    ],
)
def test_no_terms_in_russian_bench_sentences_without_them(fragment: str) -> None:
    assert found(bench_sentence("ru", fragment), "ru") == []


# News sentences, written for these tests, with the names in every case.
UKRAINIAN_NEWS = [
    (
        "Вночі Київ атакували дрони: у Києві пролунали вибухи, частина Києва без світла.",
        [("Київ", "Kyiv"), ("Києві", "Kyiv"), ("Києва", "Kyiv")],
    ),
    (
        "Між Києвом і Харковом курсує потяг, який Укрзалізниця пустила до Києва вчора.",
        [("Києвом", "Kyiv"), ("Харковом", "Kharkiv"), ("Укрзалізниця", "Ukrzaliznytsia"), ("Києва", "Kyiv")],
    ),
    (
        "Допомогу передали Києву та Харкову; у Харкові й біля Харкова працює ППО.",
        [("Києву", "Kyiv"), ("Харкову", "Kharkiv"), ("Харкові", "Kharkiv"), ("Харкова", "Kharkiv"), ("ППО", "air defense")],
    ),
    (
        "В Одесі та Одесою опікується ОВА; з Одеси вийшло судно, на Одесу летіли ракети.",
        [("Одесі", "Odesa"), ("Одесою", "Odesa"), ("ОВА", "regional military administration"), ("Одеси", "Odesa"), ("Одесу", "Odesa")],
    ),
    (
        "У Миколаєві вимкнули воду; мешканці Миколаєва отримали її, Миколаєву обіцяють ремонт.",
        [("Миколаєві", "Mykolaiv"), ("Миколаєва", "Mykolaiv"), ("Миколаєву", "Mykolaiv")],
    ),
    (
        "У Запоріжжі лунали вибухи, а над Запоріжжям працювала ППО; ЗАЕС знеструмлена.",
        [("Запоріжжі", "Zaporizhzhia"), ("Запоріжжям", "Zaporizhzhia"), ("ППО", "air defense"), ("ЗАЕС", "Zaporizhzhia Nuclear Power Plant")],
    ),
    (
        "ЗСУ звільнили село; Генштаб Збройних сил України повідомив, що ЗСУ тримають оборону.",
        [("ЗСУ", "Armed Forces of Ukraine"), ("Генштаб", "General Staff"), ("Збройних сил України", "Armed Forces of Ukraine"), ("ЗСУ", "Armed Forces of Ukraine")],
    ),
    (
        "Депутати Верховної Ради проголосували; у Верховній Раді зареєстрували законопроєкт Кабміну.",
        [("Верховної Ради", "Verkhovna Rada"), ("Верховній Раді", "Verkhovna Rada"), ("Кабміну", "Cabinet of Ministers")],
    ),
    (
        "Ворог обстріляв Харківщину: на Харківщині, в Харківській області, загинули двоє.",
        [("Харківщину", "Kharkiv Oblast"), ("Харківщині", "Kharkiv Oblast"), ("Харківській області", "Kharkiv Oblast")],
    ),
    (
        "У Кривому Розі та Білій Церкві оголосили тривогу, з Кривого Рогу евакуюють дітей.",
        [("Кривому Розі", "Kryvyi Rih"), ("Білій Церкві", "Bila Tserkva"), ("Кривого Рогу", "Kryvyi Rih")],
    ),
    (
        "Бої тривають біля Часового Яру, у Часовому Яру та під Покровськом, повідомляє ДСНС.",
        [("Часового Яру", "Chasiv Yar"), ("Часовому Яру", "Chasiv Yar"), ("Покровськом", "Pokrovsk"), ("ДСНС", "State Emergency Service")],
    ),
    (
        "У Куп'янську, Слов'янську та Сєвєродонецьку зафіксовано удари; СБУ затримала коригувальника.",
        [("Куп'янську", "Kupiansk"), ("Слов'янську", "Sloviansk"), ("Сєвєродонецьку", "Sievierodonetsk"), ("СБУ", "SBU")],
    ),
    (
        "Укренерго попереджає про відключення у Дніпрі, Сумах і Чернігові, а ТЦК та СП працюють.",
        [("Укренерго", "Ukrenergo"), ("Дніпрі", "Dnipro"), ("Сумах", "Sumy"), ("Чернігові", "Chernihiv"), ("ТЦК та СП", "territorial recruitment center")],
    ),
    (
        "Офіс Президента і Міноборони заявили про удар по Криму й Чорному морю.",
        [("Офіс Президента", "Office of the President"), ("Міноборони", "Ministry of Defense"), ("Криму", "Crimea"), ("Чорному морю", "Black Sea")],
    ),
    (
        "Війська відійшли від Сіверського Донця на Донеччині, у Донецькій області.",
        [("Сіверського Донця", "Siverskyi Donets"), ("Донеччині", "Donetsk Oblast"), ("Донецькій області", "Donetsk Oblast")],
    ),
    (
        "Вибухи лунали в Рівному, Івано-Франківську, Хмельницькому й Кропивницькому.",
        [("Рівному", "Rivne"), ("Івано-Франківську", "Ivano-Frankivsk"), ("Хмельницькому", "Khmelnytskyi"), ("Кропивницькому", "Kropyvnytskyi")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), UKRAINIAN_NEWS, ids=range(len(UKRAINIAN_NEWS)))
def test_terms_in_ukrainian_news_sentences(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert found(sentence, "uk") == spans(sentence, *expected)


RUSSIAN_NEWS = [
    (
        "В Киеве и Харькове прогремели взрывы; из Киева сообщают, что над Харьковом работала ПВО.",
        [("Киеве", "Kyiv"), ("Харькове", "Kharkiv"), ("Киева", "Kyiv"), ("Харьковом", "Kharkiv"), ("ПВО", "air defense")],
    ),
    (
        "В Одессе и Николаеве отключили свет, Одессу и Николаев атаковали дроны.",
        [("Одессе", "Odesa"), ("Николаеве", "Mykolaiv"), ("Одессу", "Odesa"), ("Николаев", "Mykolaiv")],
    ),
    (
        "В Верховной Раде заявили, что ВСУ и Вооруженные силы Украины получат помощь.",
        [("Верховной Раде", "Verkhovna Rada"), ("ВСУ", "Armed Forces of Ukraine"), ("Вооруженные силы Украины", "Armed Forces of Ukraine")],
    ),
    (
        "В Запорожье и Днепре работает ГСЧС, в Харьковской области и на Харьковщине тоже.",
        [("Запорожье", "Zaporizhzhia"), ("Днепре", "Dnipro"), ("ГСЧС", "State Emergency Service"), ("Харьковской области", "Kharkiv Oblast"), ("Харьковщине", "Kharkiv Oblast")],
    ),
    (
        "Бои идут у Артемовска (Бахмута), в Херсоне, Житомире и Кривом Роге спокойно.",
        [("Артемовска", "Bakhmut"), ("Бахмута", "Bakhmut"), ("Херсоне", "Kherson"), ("Житомире", "Zhytomyr"), ("Кривом Роге", "Kryvyi Rih")],
    ),
    (
        "Под Курахово и в Новой Каховке, а также в Крыму и на Донбассе сообщили о взрывах.",
        [("Курахово", "Kurakhove"), ("Новой Каховке", "Nova Kakhovka"), ("Крыму", "Crimea"), ("Донбассе", "Donbas")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), RUSSIAN_NEWS, ids=range(len(RUSSIAN_NEWS)))
def test_terms_in_russian_news_sentences(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert found(sentence, "ru") == spans(sentence, *expected)


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Я дуже рада, що ви прийшли.", "uk"),  # рада "glad", not the Rada
        ("Я рада вас видеть.", "ru"),
        ("За легендою, місто заснував князь Кий.", "uk"),  # Київ's dictionary also reads кий
        ("Степан Харко дав інтерв'ю.", "uk"),  # Харкова and Харкові are his forms too
        ("Біля Степана Харка стояли люди.", "uk"),
        ("Київстар відновив зв'язок.", "uk"),  # a word that starts with a name
        ("Кримінальне провадження відкрито.", "uk"),
        ("Херсонес приваблює туристів.", "uk"),
        ("Харківський університет і київська влада.", "uk"),  # the adjectives
        ("Одеський порт, миколаївські суднобудівники.", "uk"),
        ("Бучанський район та Ірпінська громада.", "uk"),
        ("Тут була справжня буча.", "uk"),  # the words the names are made of
        ("Рибалки вийшли на лиман.", "uk"),
        ("Ясна і десна болять.", "uk"),
        ("Перед нами рівне поле.", "uk"),
        ("суми на рахунках", "uk"),
        ("Сумний день.", "uk"),
        ("Харьковский и киевский вокзалы.", "ru"),
        ("Криминальная хроника.", "ru"),
    ],
)
def test_words_that_are_not_the_term(sentence: str, language: str) -> None:
    assert found(sentence, language) == []


APOSTROPHES = ["’", "ʼ"]  # typographic and modifier-letter apostrophes, common in Ukrainian news


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
def test_inflected_forms_with_other_apostrophes(apostrophe: str) -> None:
    sentence = f"У Куп{apostrophe}янську і Слов{apostrophe}янську вибухи."
    assert found(sentence, "uk") == spans(
        sentence, (f"Куп{apostrophe}янську", "Kupiansk"), (f"Слов{apostrophe}янську", "Sloviansk")
    )


@pytest.mark.parametrize("sentence", ["Он говорил с Сергеем Николаевым.", "Интервью с Анной Николаевой."])
def test_people_named_like_cities(sentence: str) -> None:
    assert found(sentence, "ru") == []


def test_a_name_that_is_a_person_or_the_city_is_the_city() -> None:
    # Николаев and Харкові read as the city too (as well as the surname): the city is meant
    # more often in news, and nothing in the word says otherwise.
    assert found("Сергей Николаев", "ru") == [(7, 15, "Mykolaiv")]
    assert found("Листа надіслали Степанові Харкові.", "uk") == [(26, 33, "Kharkiv")]


@pytest.mark.parametrize("sentence", ["Сума збитків сягнула мільйона.", "Рівні можливості для всіх."])
def test_a_common_word_at_the_start_of_a_sentence(sentence: str) -> None:
    assert found(sentence, "uk") == []


def test_a_term_of_a_user_glossary_in_any_language() -> None:
    glossary = Glossary(_glossary.parse("Rada = Verkhovna Rada\nKyiv Post = Kyiv Post newspaper", "mine"))
    text = "The Rada met; the KYIV POST and Kyiv-Post wrote, rada and kyiv post did not."
    assert found(text, "en", glossary) == spans(
        text,
        ("Rada", "Verkhovna Rada"),
        ("KYIV POST", "Kyiv Post newspaper"),
        ("Kyiv-Post", "Kyiv Post newspaper"),
    )


# parse() and load()


def test_parse_reads_terms_comments_and_blank_lines() -> None:
    text = "\ufeff# mine\n\n  Київ   =  Kyiv  \nВерховна   Рада = Verkhovna  Rada\nЗСУ =\n"
    assert [(t.source, t.english, t.origin) for t in _glossary.parse(text, "mine.txt")] == [
        ("Київ", "Kyiv", "mine.txt line 3"),
        ("Верховна Рада", "Verkhovna Rada", "mine.txt line 4"),
        ("ЗСУ", "", "mine.txt line 5"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Київ = Kyiv\nХарків Kharkiv\n", "mine.txt line 2: expected 'term = English', got 'Харків Kharkiv'"),
        ("Київ = Kyiv\n\nкиїв = Kiev\n", "mine.txt line 3: 'київ' is already on line 1"),
        ("# numbers\n2024 = a year\n", "mine.txt line 2: the term before '=' has no letters"),
        (" = Kyiv\n", "mine.txt line 1: the term before '=' has no letters"),
    ],
)
def test_parse_refuses_what_is_not_a_glossary(text: str, message: str) -> None:
    with pytest.raises(GlossaryError) as caught:
        _glossary.parse(text, "mine.txt")
    assert str(caught.value) == message


def test_a_user_file_overrides_and_removes_default_terms(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("Київ = Kyiv city\nЗСУ =\nАзов = Azov Brigade\n", encoding="utf-8")
    glossary = _glossary.load(path=path)
    text = "У Києві бригада Азов і ЗСУ, у Харкові."
    assert found(text, "uk", glossary) == spans(
        text, ("Києві", "Kyiv city"), ("Азов", "Azov Brigade"), ("Харкові", "Kharkiv")
    )
    assert len(glossary) == len(default()), "one term replaced, one added, one taken out"
    assert found(text, "uk", _glossary.load(default=False, path=path)) == spans(
        text, ("Києві", "Kyiv city"), ("Азов", "Azov Brigade")
    )


def test_no_default_and_no_file_is_an_empty_glossary() -> None:
    glossary = _glossary.load(default=False)
    assert not glossary and found("У Києві.", "uk", glossary) == []


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Київ = Kyiv\n".encode("cp1251"))
    with pytest.raises(GlossaryError, match=r"cp1251\.txt: not UTF-8 text"):
        _glossary.load(path=path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"missing\.txt: No such file"):
        _glossary.load(path=tmp_path / "missing.txt")


def test_a_user_file_with_an_error_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("Київ Kyiv\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=rf"^{path} line 1: expected"):
        _glossary.load(path=path)


def test_terms_are_term_records() -> None:
    # found() compares the English; this keeps the term itself in view
    match = default().find("у Києві", "uk")[0]
    assert match.term == Term("Київ", "Kyiv", match.term.origin)
    assert match.term.origin.startswith("glossary.txt line ")
