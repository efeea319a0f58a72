import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews import DetectError
from warnews._detect import alphabet_vote, detect_language, language_prior

UKRAINIAN = [
    "Окупанти відмовляються йти в атаку",
    "Їхні позиції",
    "Євген ґрунтовно пояснив",
    "На Таврійському напрямку фронту в Україні стає дедалі більше окупантів.",
]
RUSSIAN = [
    "Это был тёплый вечер",
    "Мы подъехали к дому",
    "Оккупанты отказываются идти в атаку, сообщил представитель штаба.",
]


@pytest.mark.parametrize("text", UKRAINIAN)
def test_ukrainian_letters_settle_ukrainian(text):
    assert detect_language([text]).language == "uk"


@pytest.mark.parametrize("text", RUSSIAN)
def test_russian_letters_settle_russian(text):
    assert detect_language([text]).language == "ru"


def test_belarusian_short_u():
    assert detect_language(["Вайна працягваецца ўжо трэці год."]).language == "be"


def test_bulgarian_hard_sign_is_not_russian():
    assert detect_language(["Войната продължава вече трета година, съобщи министърът."]).language == "bg"


def test_ukrainian_article_quoting_russian_speech_stays_ukrainian():
    paragraphs = [
        "Військові повідомили, що окупанти відмовляються йти в наступ на цій ділянці фронту.",
        "«Мы не пойдём туда, это верная смерть», – кричав один з них.",
        "Українські захисники продовжують утримувати позиції і завдають втрат ворогу.",
    ]
    detection = detect_language(paragraphs)
    assert (detection.language, detection.method) == ("uk", "alphabet")
    assert 0.5 < detection.confidence < 1.0


def test_english_goes_to_langdetect():
    detection = detect_language(
        ["Russian troops refuse to attack near the river, officials said on Wednesday."]
    )
    assert (detection.language, detection.method) == ("en", "langdetect")
    assert detection.confidence > 0.9


def test_detection_is_deterministic():
    text = ["Сьогодні", "Вчора було тепло і сонячно"]
    assert len({detect_language(text).language for _ in range(20)}) == 1


def test_no_letters_is_an_error():
    with pytest.raises(DetectError):
        detect_language(["2024 — 12:30", "***"])


def test_vote_of_a_paragraph_without_telling_letters():
    assert alphabet_vote("Привет мир") is None


COMMON = "абвгдежзийклмнопрстуфхцчшщьюя"
words = st.text(alphabet=COMMON, min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=12), st.sampled_from("іїєґІЇЄҐ"), st.integers(0, 12))
@settings(max_examples=200, deadline=None)
def test_ukrainian_letters_alone_always_mean_ukrainian(text_words, letter, position):
    text_words.insert(min(position, len(text_words)), letter + text_words[0])
    assert detect_language([" ".join(text_words)]).language == "uk"


@given(st.lists(words, min_size=1, max_size=12), st.sampled_from("ыэёЫЭЁ"), st.integers(0, 12))
@settings(max_examples=200, deadline=None)
def test_russian_letters_alone_always_mean_russian(text_words, letter, position):
    text_words.insert(min(position, len(text_words)), text_words[0] + letter)
    assert detect_language([" ".join(text_words)]).language == "ru"


def test_letters_that_settle_the_language_spare_langdetect():
    """langdetect's profiles cost a quarter of a second to load: Ukrainian or Russian
    letters decide without it (and the candidates are the letters' votes)."""
    import subprocess
    import sys

    code = (
        "import sys; from warnews._detect import detect_language;"
        "d = detect_language(['Уряд ухвалив рішення про відновлення.', 'Он сказал: это важно.']);"
        "print(d.language, d.method, *sorted(d.candidates), 'langdetect' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["uk", "alphabet", "ru", "uk", "False"]


UKRAINIAN_CHANNEL = {"uk": 0.95, "ru": 0.05}


@pytest.mark.parametrize("post", ["Тривога!", "Ракетна небезпека", "Слава ЗСУ"])
def test_a_short_post_without_letters_of_its_own_takes_the_channels_language(post):
    alone = detect_language([post])
    assert alone.language != "uk"  # what the channel prior is for: alone, a detector is fooled
    within = detect_language([post], UKRAINIAN_CHANNEL)
    assert (within.language, within.method) == ("uk", "channel")
    assert detect_language([post], {"ru": 1.0}).language == "ru"


def test_letters_of_its_own_keep_a_posts_language_in_any_channel():
    assert detect_language(["Мы будем бороться до конца."], UKRAINIAN_CHANNEL).language == "ru"
    assert detect_language(["Повітряна тривога в Києві."], {"ru": 1.0}).language == "uk"


def test_a_post_in_another_script_ignores_a_cyrillic_channel():
    detection = detect_language(["Breaking: explosions reported in Kyiv"], UKRAINIAN_CHANNEL)
    assert (detection.language, detection.method) == ("en", "langdetect")


def test_no_prior_is_the_detection_of_old():
    assert (
        detect_language(["Тривога!"], {})
        == detect_language(["Тривога!"], None)
        == detect_language(["Тривога!"])
    )


def test_a_channels_prior_is_what_its_posts_letters_say_by_length():
    prior = language_prior(["Повітряна тривога в Києві, всі в укриття.", "Мы будем бороться.", "Тривога"])
    assert set(prior) == {"uk", "ru"} and prior["uk"] > prior["ru"] and abs(sum(prior.values()) - 1) < 0.01
    assert language_prior(["Breaking news", "🔥"]) == {}


def test_a_latin_i_in_cyrillic_words_is_the_ukrainian_letter():
    # Real Ukrainian text typed without the Ukrainian layout (from lingua's test sentences).
    text = "Милував i заспокоював око бiйцiв цей шмат рiвнинного простору."
    assert detect_language([text]).language == "uk"
    assert alphabet_vote("Він сказав: Київ i Харків") == "uk"
    assert alphabet_vote("Он сказал: Wi-Fi, iPhone") is None  # Latin words keep their i
