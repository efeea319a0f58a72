"""translate_paragraphs against an in-process engine whose answers can be made to misbehave."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews import TranslateError
from warnews._split import Limit
from warnews._translate import translate_paragraphs


class FakeEngine:
    """Upper-cases text and collapses whitespace, like Google does to newlines."""

    name = "Fake"

    def __init__(self, limit=None, drop_markers=False, empty=False):
        self._limit = limit or Limit(2000, 1000)
        self.drop_markers, self.empty = drop_markers, empty
        self.sent: list[str] = []
        self.requests = 0

    def limit(self, source, target):
        return self._limit

    def translate(self, text, source, target):
        assert self._limit.fits(text), "a request over the limit was sent"
        self.sent.append(text)
        self.requests += 1
        if self.empty:
            raise TranslateError("no text")
        answer = " ".join(text.upper().split())
        return re.sub(r"\[\[\d+\]\]", "", answer) if self.drop_markers else answer


def expected(paragraphs):
    return [" ".join(p.upper().split()) for p in paragraphs]


PARAGRAPHS = ["Перший абзац. Ще речення.", "Другий абзац!", "2024", "Третій абзац « з лапками »."]


def test_packed_into_one_request_when_it_fits():
    engine = FakeEngine()
    assert translate_paragraphs(PARAGRAPHS, engine, "uk", "en") == expected(PARAGRAPHS)
    assert engine.requests == 1
    assert "2024" not in engine.sent[0], "a paragraph without letters needs no translation"


def test_lost_markers_fall_back_to_one_request_per_paragraph():
    engine = FakeEngine(drop_markers=True)
    assert translate_paragraphs(PARAGRAPHS, engine, "uk", "en") == expected(PARAGRAPHS)
    assert engine.requests == 1 + 3


def test_long_paragraph_is_sent_in_pieces_and_comes_back_whole():
    long = " ".join(f"Речення номер {i} про події на фронті." for i in range(200))
    engine = FakeEngine(limit=Limit(1500, 1000))
    assert translate_paragraphs(["Вступ.", long, "Кінець."], engine, "uk", "en") == expected(
        ["Вступ.", long, "Кінець."]
    )
    assert engine.requests > 5


def test_failure_propagates():
    with pytest.raises(TranslateError):
        translate_paragraphs(PARAGRAPHS, FakeEngine(empty=True), "uk", "en")


@given(
    st.lists(
        st.text(alphabet="абв гґ.!?\n«»1", min_size=1, max_size=300).filter(lambda t: t.strip()),
        min_size=1,
        max_size=20,
    ),
    st.integers(60, 800),
    st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_paragraph_count_and_order_survive(paragraphs, max_encoded, drop):
    engine = FakeEngine(limit=Limit(max_encoded, 400), drop_markers=drop)
    result = translate_paragraphs(paragraphs, engine, "uk", "en")
    assert len(result) == len(paragraphs)
    for source, translated in zip(paragraphs, result, strict=True):
        if any(c.isalpha() for c in source):
            assert translated == " ".join(source.upper().split())
        else:
            assert translated == " ".join(source.split())
