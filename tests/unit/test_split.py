from urllib.parse import quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews._split import Limit, encoded_size, pack, plan_batches, split_text, unpack

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=3000)
paragraph_texts = st.text(
    alphabet=st.sampled_from(list("абвгдіїєґ abc.!?,«»–\n0123456789Ж")), min_size=1, max_size=400
)
limits = st.builds(Limit, max_encoded=st.integers(12, 2000), max_chars=st.integers(1, 800))


@given(texts)
def test_encoded_size_is_what_requests_sends(text):
    assert encoded_size(text) == len(quote_plus(text))


@given(texts, limits)
@settings(max_examples=300)
def test_every_piece_fits_and_pieces_join_back(text, limit):
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(piece and limit.fits(piece) for piece in pieces)


def test_cuts_at_sentence_ends_first():
    text = "Перше речення тут. Друге речення тут! Третє?"
    limit = Limit(max_encoded=encoded_size("Перше речення тут. Друге речення тут! "), max_chars=999)
    assert split_text(text, limit) == ["Перше речення тут. Друге речення тут! ", "Третє?"]


def test_cuts_at_spaces_when_a_sentence_is_too_long():
    text = "один два три чотири п'ять"
    pieces = split_text(text, Limit(max_encoded=60, max_chars=999))
    assert "".join(pieces) == text
    assert all(piece.endswith(" ") for piece in pieces[:-1])


def test_a_limit_too_small_for_any_character_is_refused():
    with pytest.raises(ValueError):
        split_text("ж", Limit(max_encoded=5, max_chars=10))


@given(st.lists(paragraph_texts, min_size=1, max_size=30), limits)
@settings(max_examples=300)
def test_batches_fit_cover_every_paragraph_once_in_order(paragraphs, limit):
    batches = plan_batches(paragraphs, limit)
    order = [index for batch in batches for index in batch.indices]
    assert order == list(range(len(paragraphs)))
    for batch in batches:
        assert all(limit.fits(text) for text in batch.texts)
        if batch.packed:
            assert len(batch.texts) == 1
            assert batch.texts[0] == pack([paragraphs[i] for i in batch.indices])
        else:
            assert "".join(batch.texts) == paragraphs[batch.indices[0]]


def test_packing_uses_few_requests():
    paragraphs = [f"Абзац номер {i} про новини." for i in range(50)]
    batches = plan_batches(paragraphs, Limit(max_encoded=15000, max_chars=4999))
    assert len(batches) == 1 and batches[0].packed


def test_paragraph_that_looks_like_a_marker_is_sent_alone():
    batches = plan_batches(["a", "see [[1]] here", "b"], Limit(1000, 1000))
    assert [batch.indices for batch in batches] == [(0,), (1,), (2,)]


@given(st.lists(st.text(alphabet="abc xyz.", min_size=1).filter(str.strip), min_size=1, max_size=10))
def test_unpack_inverts_pack_even_with_collapsed_whitespace(paragraphs):
    stripped = [" ".join(p.split()) for p in paragraphs]
    answer = " ".join(pack(stripped).split())  # what Google does to newlines
    assert unpack(answer, len(stripped)) == stripped


def test_unpack_refuses_lost_reordered_or_empty_parts():
    assert unpack("one [[1]] two [[2]] three", 3) == ["one", "two", "three"]
    assert unpack("one two [[2]] three", 3) is None
    assert unpack("one [[2]] two [[1]] three", 3) is None
    assert unpack("one [[1]] [[2]] three", 3) is None
    assert unpack("one [[1]] two [[2]] three [[3]] four", 3) is None
