import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from warnews._render import MAX_SLUG, document, file_stem, header, slug

MADE, PUBLISHED = date(2024, 1, 11), date(2024, 1, 10)


def test_header_matches_the_seed_layout():
    line = header(MADE, PUBLISHED, "Ukrainian", "Google", "OFP")
    assert line == "date 2024-01-11 01/10/2024 \u2013 Translated from Ukrainian via Google and OFP"


def test_header_without_credit_and_without_publication_date():
    assert (
        header(MADE, None, "Russian", "Google")
        == "date 2024-01-11 unknown – Translated from Russian via Google"
    )


def test_header_for_an_original():
    assert (
        header(MADE, PUBLISHED, "English", None, "OFP")
        == "date 2024-01-11 01/10/2024 – Original in English, via OFP"
    )


def test_blank_credit_is_no_credit():
    assert header(MADE, PUBLISHED, "Ukrainian", "Google", " \u200b ").endswith("via Google")


def test_document_layout():
    text = document(
        "date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google", ["One.", " Two  two. "]
    )
    assert text == "date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google\n\nOne.\n\nTwo two.\n"


def test_slug_examples():
    assert slug("Russian occupiers refuse to attack!") == "russian-occupiers-refuse-to-attack"
    assert slug("Окупанти відмовляються йти в атаку") == "okupanty-vidmovliaiutsia-ity-v-ataku"
    assert slug("../../etc/passwd\x00") == "etc-passwd"
    assert slug("🚀🔥") == "article"
    assert slug("") == "article"
    assert file_stem(PUBLISHED, "Hello, World") == "2024-01-10-hello-world"


def test_long_titles_end_on_a_word():
    title = "word " * 100
    assert slug(title) == "-".join(["word"] * (MAX_SLUG // 5))


@given(st.text())
def test_slug_is_always_a_safe_bounded_name(title):
    name = slug(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    assert len(name) <= MAX_SLUG


@given(
    st.dates(),
    st.one_of(st.none(), st.dates()),
    st.text(max_size=30),
    st.one_of(st.none(), st.text(max_size=30)),
)
def test_header_is_one_normalized_line(made, published, language, credit):
    line = header(made, published, language.replace("\n", " "), "Google", credit)
    assert "\n" not in line and line.startswith(f"date {made.isoformat()} ")
    assert re.match(r"date \d{4}-\d{2}-\d{2} (\d{2}/\d{2}/\d{4}|unknown) – ", line)
