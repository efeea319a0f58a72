"""The quality gate's checks, one by one, on translations good and bad."""

import pytest

from warnews._quality import check, commentary, missing_numbers, missing_terms, repeats

SOURCE = (
    "Увечері 24 лютого російські війська завдали удару по Харкову, "
    "загинули 3 людини, ще 12 поранені, повідомив голова обласної адміністрації."
)
GOOD = (
    "On the evening of February 24, Russian troops struck Kharkiv, "
    "3 people were killed and 12 more were injured, the head of the regional administration said."
)


def failed(source, answer, english=()):
    return [failure.check for failure in check(source, answer, "en", english).failures]


def test_a_good_translation_passes_with_its_figures():
    figures = check(SOURCE, GOOD, "en", ["Kharkiv"])
    assert figures.failures == ()
    assert figures.script == 0.0 and 0.8 < figures.length < 1.3 and figures.loop == 1


def test_source_letters_left_untranslated():
    half = GOOD[: len(GOOD) // 2] + " " + SOURCE[len(SOURCE) // 2 :]
    assert failed(SOURCE, half) == ["script"]
    # one name left in Cyrillic is tolerated
    assert failed(SOURCE, GOOD.replace("Kharkiv", "Харків")) == []


@pytest.mark.parametrize(
    ("answer", "why"),
    [("OK.", "length"), ("The war is over.", "length"), (GOOD * 4, "length")],
)
def test_a_length_far_from_the_sources(answer, why):
    assert why in failed(SOURCE, answer)


def test_short_texts_have_no_length_check():
    assert failed("Тривога!", "Air raid alert in the whole country!") == []


def test_a_phrase_repeated_back_to_back_is_a_loop_unless_the_source_repeats_it():
    looping = GOOD + " The head of the administration said." * 6
    assert "loop" in failed(SOURCE + " " + SOURCE, looping + " " + GOOD)
    assert repeats("air raid alert air raid alert air raid alert air raid alert") == 4
    chant = "Слава Україні! Слава Україні! Слава Україні! Слава Україні!"
    assert failed(chant, "Glory to Ukraine! Glory to Ukraine! Glory to Ukraine! Glory to Ukraine!") == []


@pytest.mark.parametrize(
    "answer",
    [
        "I'm sorry, but I can't help with that.",
        "I cannot translate this text.",
        "Here is the translation: " + GOOD,
        "Sure! Here is the English translation:\n" + GOOD,
        "Translation: " + GOOD,
        GOOD + "\n\nNote: the names were transliterated.",
        "As an AI language model, I " + GOOD,
    ],
)
def test_a_models_refusal_or_chatter(answer):
    assert "commentary" in failed(SOURCE, answer)


@pytest.mark.parametrize(
    "answer",
    [
        "I'm sorry for your loss, said the mayor of Kharkiv to the families on the evening of February 24.",
        "Here in Kharkiv, the translation of the street names into English began on 24 February.",
        "The notebook was left on the table.",
    ],
)
def test_translations_that_merely_start_like_chatter_pass(answer):
    assert commentary(answer) is None


def test_most_numbers_missing():
    assert (
        missing_numbers(
            "У 2024 році 25 людей і 1 500 гривень, 2,5 млн", "In 2024, 25 people, 1,500, 2.5 million"
        )
        == 0
    )
    assert "numbers" in failed(
        SOURCE, "In the evening Russian troops attacked the city, people died, others injured."
    )
    assert "numbers" not in failed(SOURCE, GOOD.replace("12", "twelve")), "one number written out is fine"


def test_glossary_terms_missed():
    assert (
        missing_terms(
            "Strikes on Kyiv's outskirts and the Armed Forces of Ukraine", ["Kyiv", "Armed Forces of Ukraine"]
        )
        == []
    )
    assert missing_terms("Strikes on Kiev", ["Kyiv"]) == ["Kyiv"]
    assert missing_terms("territorial recruitment centers opened", ["territorial recruitment center"]) == []
    assert failed(SOURCE, GOOD.replace("Kharkiv", "Kharkov"), ["Kharkiv"]) == ["terms"]


def test_real_reference_translations_pass():
    """The samples' 172 human-checked sentence translations (samples/src/phrasebook.json):
    none may fail a check (its [[T]] slots filled with a term and its English)."""
    import json
    import re
    from pathlib import Path

    book = json.loads((Path(__file__).parents[2] / "samples" / "src" / "phrasebook.json").read_text("utf-8"))
    assert len(book) > 150
    for source, english in book.items():
        source, english = source.replace("[[T]]", "Київ"), re.sub(r"\[\[T#\d\]\]", "Kyiv", english)
        assert check(source, english, "en", ["Kyiv"] if "Київ" in source else []).failures == (), source


def test_a_loop_filling_a_whole_answer_is_measured_in_one_pass():
    # Measured phrase by phrase, a model's answer of one phrase repeated for 200,000 words
    # took hours (quadratic); the suite's timeout catches that.
    assert repeats("air raid alert " * 70_000) == 70_000
    assert repeats("a b c d e f g h " * 3 + "x") == 3
    assert repeats("one two three") == 1
