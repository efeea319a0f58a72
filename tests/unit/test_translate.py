"""The translate stage against in-process engines whose answers can be made to misbehave."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews import TranslateError
from warnews._cache import Memory
from warnews._errors import EngineError, FailureKind
from warnews._split import Limit
from warnews._translate import Translator, answer_problem, paragraph_language, translate_paragraphs

_LATIN = str.maketrans(
    dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ", "abvhgdeezzyiiyklmnoprstufhccss_uayee_", strict=True))
)


def english(text):
    """What the fake "translates" to: Latin letters in upper case (Cyrillic would fail the
    quality gate), whitespace collapsed, as Google does to newlines."""
    return " ".join(text.lower().translate(_LATIN).replace("_", "").upper().split())


class FakeEngine:
    """Transliterates and upper-cases text and collapses whitespace, like Google does to newlines."""

    def __init__(self, limit=None, marks="keep", fail=None, key="fake", name="Fake"):
        self._limit = limit or Limit(2000, 1000)
        self.marks, self.fail = marks, fail
        self.key, self.name = key, name
        self.sent: list[str] = []
        self.requests = 0

    def limit(self, source, target):
        return self._limit

    def translate(self, text, source, target):
        assert self._limit.fits(text), "a request over the limit was sent"
        self.sent.append(text)
        self.requests += 1
        if self.fail:
            raise EngineError(self.name, FailureKind(self.fail), f"{self.fail} trouble")
        answer = english(text)
        if self.marks == "drop":
            return re.sub(r"\[\[\d+\]\]", "", answer)
        if self.marks == "swap":  # the paragraphs after marks 1 and 2 change places, marks and all
            parts = re.split(r"(\[\[\d+\]\])", answer)
            if len(parts) >= 5:
                parts[1:3], parts[3:5] = parts[3:5], parts[1:3]
            return "".join(parts)
        if self.marks == "identity":
            return text
        return answer


def expected(paragraphs):
    return [english(p) for p in paragraphs]


PARAGRAPHS = ["Перший абзац. Ще речення.", "Другий абзац!", "2024", "Третій абзац « з лапками »."]


def test_packed_into_one_request_when_it_fits():
    engine = FakeEngine()
    assert translate_paragraphs(PARAGRAPHS, engine, "uk", "en") == expected(PARAGRAPHS)
    assert engine.requests == 1
    assert "2024" not in engine.sent[0], "a paragraph without letters needs no translation"


@pytest.mark.parametrize("marks", ["drop", "swap"])
def test_lost_or_moved_markers_fall_back_to_one_request_per_paragraph(marks):
    engine = FakeEngine(marks=marks)
    assert translate_paragraphs(PARAGRAPHS, engine, "uk", "en") == expected(PARAGRAPHS)
    assert engine.requests == 1 + 3


def test_long_paragraph_is_sent_in_pieces_and_comes_back_whole():
    long = " ".join(f"Речення номер {i} про події на фронті." for i in range(200))
    engine = FakeEngine(limit=Limit(1500, 1000))
    assert translate_paragraphs(["Вступ.", long, "Кінець."], engine, "uk", "en") == expected(
        ["Вступ.", long, "Кінець."]
    )
    assert engine.requests > 5


def test_an_untranslated_answer_is_a_failure():
    with pytest.raises(EngineError, match="untranslated"):
        translate_paragraphs(
            ["Це речення має бути перекладене повністю."], FakeEngine(marks="identity"), "uk", "en"
        )


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("<!DOCTYPE html><html><body>Error 502</body></html>", "HTML page"),
        ("<HTML><head><title>Captcha</title>", "HTML page"),
        ("Сили оборони повідомили про   відновлення", "untranslated"),
    ],
)
def test_answers_that_are_not_translations(answer, problem):
    assert problem in answer_problem("Сили оборони повідомили про відновлення", answer)


def test_answers_that_may_be_translations():
    assert answer_problem("Сили оборони повідомили", "Defense forces reported") is None
    assert answer_problem("Київ", "Київ") is None, "a short text may come back as it was"
    assert answer_problem("<b>Жирний</b> текст тут", "<b>Bold</b> text here") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Сили оборони повідомили про відновлення електромережі.", "uk"),
        ("Мэр заявил, что электричество вернётся.", "ru"),
        ("Це речення.", "uk"),
        ("Привет, как дела у всех вас сегодня", "uk"),  # no letter tells: the article's language
        ("The minister said the repairs would take at least three more weeks.", None),
        ("The Kyiv district of Оболонь was without power.", "uk"),
        ("— 15:30 —", None),
        ("Minister powiedział, że naprawy potrwają jeszcze co najmniej trzy tygodnie.", "pl"),
        ("Photo: Reuters", "uk"),  # too short to be sure: sent
    ],
)
def test_paragraph_language(text, language):
    assert paragraph_language(text, "uk", "en") == language


def test_paragraph_language_for_a_cyrillic_target():
    assert paragraph_language("Це речення українською мовою.", "ru", "uk") is None
    assert paragraph_language("Мэр заявил, что всё хорошо.", "ru", "uk") == "ru"


def test_a_failing_engine_hands_the_article_to_the_next():
    first, second = FakeEngine(fail="failing", key="a", name="A"), FakeEngine(key="b", name="B")
    translation = Translator([first, second]).translate(PARAGRAPHS, "uk", "en")
    assert translation.engine == "B" and translation.paragraphs == expected(PARAGRAPHS)
    assert translation.requests == first.requests + second.requests == 2


def test_an_engine_out_of_quota_is_not_tried_again_and_one_that_keeps_failing_neither():
    quota, other = FakeEngine(fail="quota", key="q", name="Q"), FakeEngine(key="g", name="G")
    translator = Translator([quota, other])
    for _ in range(3):
        assert translator.translate(PARAGRAPHS, "uk", "en").engine == "G"
    assert quota.requests == 1
    failing, other = FakeEngine(fail="failing", key="f", name="F"), FakeEngine(key="g", name="G")
    translator = Translator([failing, other])
    for _ in range(5):
        translator.translate(PARAGRAPHS, "uk", "en")
    assert failing.requests == 3
    alone = FakeEngine(fail="failing")
    translator = Translator([alone])
    for _ in range(5):
        with pytest.raises(TranslateError):
            translator.translate(PARAGRAPHS, "uk", "en")
    assert alone.requests == 5, "without another engine, every article still tries"


def test_when_every_engine_fails_the_error_names_each():
    single = Translator([FakeEngine(fail="failing", name="A")])
    with pytest.raises(TranslateError, match=r"^A failed: failing trouble$"):
        single.translate(PARAGRAPHS, "uk", "en")
    both = Translator(
        [FakeEngine(fail="auth", key="a", name="A"), FakeEngine(fail="failing", key="b", name="B")]
    )
    with pytest.raises(TranslateError, match=r"^every engine failed: A: auth trouble; B: failing trouble$"):
        both.translate(PARAGRAPHS, "uk", "en")
    with pytest.raises(TranslateError, match=r"A: not tried again in this run after: auth trouble"):
        both.translate(PARAGRAPHS, "uk", "en")


def test_the_memory_answers_what_was_translated_before(tmp_path):
    memory = Memory(tmp_path / "memory.sqlite3")
    engine = FakeEngine()
    translator = Translator([engine], memory)
    first = translator.translate(PARAGRAPHS, "uk", "en")
    assert (first.sent, first.cached, first.kept, engine.requests) == (3, 0, 1, 1)
    again = translator.translate(["  Другий   абзац!", "Новий абзац."], "uk", "en")
    assert again.paragraphs == ["DRUHYY ABZAC!", "NOVYY ABZAC."]
    assert (again.sent, again.cached, engine.requests) == (1, 1, 2)
    assert engine.sent[-1] == "Новий абзац.", "only what the memory lacks is sent"
    other = Translator([FakeEngine(key="other")], memory)
    assert other.translate(["Другий абзац!"], "uk", "en").cached == 0, "keyed by engine"
    assert Translator([engine], memory).translate(["Другий абзац!"], "uk", "de").cached == 0, "and target"
    stats = memory.stats()
    assert stats["paragraphs"] == 6 and stats["hits"] == 1
    assert memory.clear("other") == 1 and memory.clear() == 5 and memory.stats()["paragraphs"] == 0
    memory.close()


@given(
    st.lists(
        st.text(alphabet="абв гґ.!?\n«»1", min_size=1, max_size=300).filter(lambda t: t.strip()),
        min_size=1,
        max_size=20,
    ),
    st.integers(60, 800),
    st.sampled_from(["keep", "drop", "swap"]),
)
@settings(max_examples=150, deadline=None)
def test_paragraph_count_and_order_survive(paragraphs, max_bytes, marks):
    engine = FakeEngine(limit=Limit(max_bytes, 400), marks=marks)
    result = translate_paragraphs(paragraphs, engine, "uk", "en")
    assert len(result) == len(paragraphs)
    for source, translated in zip(paragraphs, result, strict=True):
        if any(c.isalpha() for c in source):
            assert translated == english(source)
        else:
            assert translated == " ".join(source.split())
