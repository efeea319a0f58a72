"""Glossary terms through the translate stage, and the quality gate's retries and fallbacks,
against in-process engines."""

import re

import pytest

from warnews import TranslateError
from warnews._cache import Memory
from warnews._glossary import Glossary, parse
from warnews._split import Limit
from warnews._translate import Translator, make_unit, translate_paragraphs

GLOSSARY = Glossary(
    parse(
        "Київ = Kyiv\nХарків = Kharkiv\nЗСУ = Armed Forces of Ukraine\nППО = air defense\n"
        "Верховна Рада = Verkhovna Rada\nКиев = Kyiv\n",
        "test",
    )
)
_PAIRS = dict(
    zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ", "abvhgdeezzyiiyklmnoprstufhccss_uayee_", strict=True)
)
_LATIN = str.maketrans({**_PAIRS, **{k.upper(): v.upper() for k, v in _PAIRS.items()}})


def latin(text):
    return " ".join(text.translate(_LATIN).replace("_", "").split())


class Engine:
    """Transliterates. `answers` rewrites an answer (misbehaviour on command);
    `glossary`: it takes the terms itself, and writes their English for their forms."""

    def __init__(self, key="fake", name="Fake", answers=None, glossary=False, limit=None):
        self.key, self.name = key, name
        self.answers = answers or (lambda text, answer: answer)
        self.glossary = glossary
        self._limit = limit or Limit(4000, 2000)
        self.sent, self.terms = [], []
        self.requests = 0

    def limit(self, source, target):
        return self._limit

    def takes_glossary(self, source, target):
        return self.glossary

    def translate(self, text, source, target, terms=()):
        self.sent.append(text)
        self.terms.append(list(terms))
        self.requests += 1
        for form, english in terms:
            text = text.replace(form, english)
        return self.answers(text, latin(text))


def test_terms_travel_as_placeholders_and_their_english_is_put_in_after():
    engine = Engine()
    translation = Translator([engine], glossary=GLOSSARY).translate(
        ["Вибухи у Києві та Харкові.", "ППО працювала всю ніч над Києвом."], "uk", "en"
    )
    assert engine.sent == ["Вибухи у [[T1]] та [[T2]].\n[[1]]\n[[T1]] працювала всю ніч над [[T2]]."]
    assert translation.paragraphs == ["Vybuhy u Kyiv ta Kharkiv.", "Air defense pracuvala vsu nic nad Kyiv."]
    assert translation.found == (("Київ", 2), ("Харків", 1), ("ППО", 1))
    assert translation.enforced == ("Київ", "Харків", "ППО") and translation.missed == ()
    assert translation.passed and translation.failures == ()


def test_text_that_looks_like_a_placeholder_keeps_it_and_the_terms_are_numbered_after_it():
    text = "Код [[T1]] у Києві, [[T3]] у Харкові"
    unit = make_unit(text, GLOSSARY.find(text, "uk"), protect=True)
    assert unit.text == "Код [[T1]] у [[T4]], [[T3]] у [[T5]]"
    assert unit.restore("Code [[T1]] in [[T4]], [[T3]] in [[T5]]") == "Code [[T1]] in Kyiv, [[T3]] in Kharkiv"
    assert unit.raw(unit.text) == text and unit.english_in("у [[T5]]") == ["Kharkiv"]
    engine = Engine()
    translation = Translator([engine], glossary=GLOSSARY).translate([text], "uk", "en")
    assert translation.paragraphs == ["Kod [[T1]] u Kyiv, [[T3]] u Kharkiv"] and translation.passed


def test_a_placeholder_lost_in_a_packed_request_sends_that_paragraph_alone():
    lose_once = {"done": False}

    def answers(text, answer):
        if "[[1]]" in text and not lose_once["done"]:
            lose_once["done"] = True
            return answer.replace("[[T1]]", "", 1)
        return answer

    engine = Engine(answers=answers)
    result = translate_paragraphs(
        ["У Києві тихо.", "У Харкові ні."],
        engine,
        "uk",
        "en",
        [make_unit(p, GLOSSARY.find(p, "uk"), True) for p in ["У Києві тихо.", "У Харкові ні."]],
    )
    assert result == ["U Kyiv tyho.", "U Kharkiv ni."]
    assert engine.sent[1:] == ["У [[T1]] тихо."], "only the paragraph that lost it, alone"


def test_a_placeholder_lost_again_alone_gets_the_english_written_in():
    engine = Engine(answers=lambda text, answer: re.sub(r"\[\[T\d\]\]", "[T]", answer))
    translation = Translator([engine], glossary=GLOSSARY).translate(["Удар по Харкову вночі."], "uk", "en")
    assert engine.sent == ["Удар по [[T1]] вночі.", "Удар по [[T1]] вночі.", "Удар по Kharkiv вночі."]
    assert translation.paragraphs == ["Udar po Kharkiv vnoci."] and translation.enforced == ("Харків",)
    assert translation.passed


def test_the_english_written_in_and_changed_by_the_engine_is_a_term_missed():
    def answers(text, answer):
        return re.sub(r"\[\[T\d\]\]", "[T]", answer).replace("Kharkiv", "Kharkov")

    translation = Translator([Engine(answers=answers)], glossary=GLOSSARY).translate(
        ["Удар по Харкову."], "uk", "en"
    )
    assert translation.paragraphs == ["Udar po Kharkov."] and translation.missed == ("Харків",)
    assert not translation.passed and translation.failures[0][2].check == "terms"


def test_an_engine_that_takes_a_glossary_gets_the_terms_of_each_request_and_no_placeholders():
    engine = Engine(glossary=True)
    translation = Translator([engine], glossary=GLOSSARY).translate(
        ["Верховна Рада ухвалила закон.", "Депутати Верховної Ради та ЗСУ."], "uk", "en"
    )
    assert "[[T" not in engine.sent[0]
    assert engine.terms[0] == [
        ("Верховна Рада", "Verkhovna Rada"),
        ("Верховної Ради", "Verkhovna Rada"),
        ("ЗСУ", "Armed Forces of Ukraine"),
    ]
    assert translation.enforced == ("Верховна Рада", "ЗСУ")


def test_a_term_the_engine_ignores_is_missed_and_fails_the_gate_and_the_next_engine_translates():
    ignoring = Engine(
        key="llm", name="LLM", glossary=True, answers=lambda text, answer: answer.replace("Kyiv", "Kiev")
    )
    other = Engine(key="google", name="Google")
    translation = Translator([ignoring, other], glossary=GLOSSARY).translate(["Новини з Києва."], "uk", "en")
    assert translation.engine == "Google" and translation.paragraphs == ["Novyny z Kyiv."]
    assert ignoring.requests == 2, "sent, then once more alone"
    assert "glossary terms missed: Kyiv" in translation.fallback[0].error
    assert [(engine, failure.check) for engine, _, failure in translation.failures] == [("llm", "terms")]
    assert translation.passed


LONG = "Російські війська обстріляли 14 населених пунктів області, загинули 2 людини, 7 поранені."


def test_a_failing_paragraph_is_retried_alone_then_the_article_goes_to_the_next_engine():
    looping = Engine(key="a", name="A", answers=lambda text, answer: answer + " the the the the the the")
    good = Engine(key="b", name="B")
    translation = Translator([looping, good]).translate([LONG, "Другий абзац тут."], "uk", "en")
    assert translation.engine == "B" and translation.passed
    assert looping.sent == [LONG + "\n[[1]]\nДругий абзац тут.", "Другий абзац тут."]
    assert "a phrase repeated 6 times" in translation.fallback[0].error


def test_when_every_engine_fails_the_gate_the_best_is_kept_and_said_or_with_strict_nothing():
    short = Engine(key="a", name="A", answers=lambda text, answer: "OK.")
    partial = Engine(
        key="b", name="B", answers=lambda text, answer: answer if text.startswith("Другий") else "OK."
    )
    texts = [LONG, "Другий абзац, де сказано ще щось важливе про обстріли."]
    translation = Translator([short, partial]).translate(texts, "uk", "en")
    assert translation.engine == "B" and not translation.passed
    assert [item.engine for item in translation.fallback] == ["a"]
    checks = {(engine, index, failure.check) for engine, index, failure in translation.failures}
    assert checks == {
        ("a", 0, "length"),
        ("a", 1, "length"),
        ("a", 0, "numbers"),
        ("b", 0, "length"),
        ("b", 0, "numbers"),
    }
    with pytest.raises(
        TranslateError, match=r"^every engine failed: A: its translation failed the quality check"
    ):
        Translator([short, partial], strict=True).translate(texts, "uk", "en")


def test_the_memory_keeps_only_what_passed_and_knows_the_terms_an_engine_was_given(tmp_path):
    memory = Memory(tmp_path / "memory.sqlite3")
    bad = Engine(answers=lambda text, answer: "OK.")
    Translator([bad], memory).translate([LONG], "uk", "en")
    assert memory.stats()["paragraphs"] == 0, "a translation that failed the gate is not remembered"
    engine = Engine(glossary=True)
    Translator([engine], memory, GLOSSARY).translate(["Новини з Києва."], "uk", "en")
    Translator([engine], memory, GLOSSARY).translate(["Новини з Києва."], "uk", "en")
    assert engine.requests == 1
    other = Glossary(parse("Київ = Kyiv city", "other"))
    assert Translator([engine], memory, other).translate(["Новини з Києва."], "uk", "en").cached == 0
    protected = Engine(key="google")
    first = Translator([protected], memory, GLOSSARY).translate(["Новини з Києва."], "uk", "en")
    renamed = Glossary(parse("Київ = Kyiv (the capital)", "renamed"))
    again = Translator([protected], memory, renamed).translate(["Новини з Києва."], "uk", "en")
    assert protected.requests == 1 and again.cached == 1, "the placeholder's answer is remembered"
    assert (first.paragraphs, again.paragraphs) == (["Novyny z Kyiv."], ["Novyny z Kyiv (the capital)."])
    memory.close()


def test_a_paragraph_of_terms_alone_needs_no_request_and_terms_are_found_in_the_normalized_text():
    engine = Engine()
    translation = Translator([engine], glossary=GLOSSARY).translate(
        ["Харків", "Вибухи  у\u00a0Києві  вночі."], "uk", "en"
    )
    assert translation.paragraphs == ["Kharkiv", "Vybuhy u Kyiv vnoci."]
    assert engine.sent == ["Вибухи у [[T1]] вночі."]
    assert translation.found == (("Харків", 1), ("Київ", 1)) and translation.passed and translation.sent == 2


def test_the_english_written_in_never_makes_a_request_over_the_limit():
    limit = Limit(40, 20)  # "[[T1]] тут." fits; "Armed Forces of Ukraine тут." does not
    engine = Engine(answers=lambda text, answer: answer.replace("[[T1]]", "[T1]"), limit=limit)
    translation = Translator([engine], glossary=GLOSSARY).translate(["ЗСУ тут."], "uk", "en")
    assert engine.sent[:2] == ["[[T1]] тут.", "[[T1]] тут."]
    assert "".join(engine.sent[2:]) == "Armed Forces of Ukraine тут." and len(engine.sent) > 3
    assert all(limit.fits(text) for text in engine.sent)
    assert translation.paragraphs == ["Armed Forces of Ukraine tut."] and translation.passed
