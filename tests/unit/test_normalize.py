import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from warnews._normalize import clean, normalize_paragraph, split_paragraphs

FORBIDDEN = "\u00a0\u00ad\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\r\t\x1b\x00"


def test_invisible_and_space_like_characters():
    text = "Zel\u00adensky\u200b said:\u00a0«Ми\u2060 вистоїмо»\u202f– \x1b[31mred\x1b[0m\r\n"
    assert normalize_paragraph(text) == "Zelensky said: «Ми вистоїмо» – [31mred[0m"


def test_typographic_quotes_and_dashes_are_kept():
    text = "“Quote” — «лапки» – ‘single’ „German“"
    assert normalize_paragraph(text) == text


def test_nfc():
    decomposed = "и\u0306 e\u0301"  # й as и + breve, é as e + acute
    assert normalize_paragraph(decomposed) == "й é"


def test_clean_keeps_lines_and_unifies_endings():
    assert clean("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


def test_paragraphs_by_blank_lines_join_wrapped_lines():
    text = "First paragraph\nwrapped here.\n\n\n  Second one.  \n \nThird.\n"
    assert split_paragraphs(text) == ["First paragraph wrapped here.", "Second one.", "Third."]


def test_paragraphs_one_per_line_without_blank_lines():
    assert split_paragraphs("One.\nTwo.\r\nThree.") == ["One.", "Two.", "Three."]


def test_empty_and_blank_text_has_no_paragraphs():
    assert split_paragraphs(" \n\u200b\n\t") == []


@given(st.text())
def test_normalize_paragraph_is_idempotent_and_clean(text):
    once = normalize_paragraph(text)
    assert normalize_paragraph(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not any(char in once for char in FORBIDDEN + "\n")
    assert "  " not in once and once == once.strip()


@given(st.text())
def test_split_paragraphs_is_idempotent(text):
    paragraphs = split_paragraphs(text)
    assert split_paragraphs("\n\n".join(paragraphs)) == paragraphs
    assert all(paragraph and paragraph == normalize_paragraph(paragraph) for paragraph in paragraphs)
