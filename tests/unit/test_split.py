from urllib.parse import quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews._split import (
    Limit,
    encoded_size,
    has_letters,
    minimum_requests,
    pack,
    plan_requests,
    split_text,
    unpack,
)

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=3000)
paragraph_texts = st.text(
    alphabet=st.sampled_from(list("абвгдіїєґ abc.!?,«»–\n0123456789Ж😀")), min_size=1, max_size=600
)
url_limits = st.builds(Limit, max_bytes=st.integers(12, 2000), max_chars=st.integers(1, 800))
utf8_limits = st.builds(
    Limit, max_bytes=st.integers(4, 600), max_chars=st.integers(1, 500), encoding=st.just("utf-8")
)
limits = st.one_of(url_limits, utf8_limits)


@given(texts)
def test_encoded_size_is_what_requests_sends(text):
    assert encoded_size(text) == len(quote_plus(text))
    assert Limit(1, 1, "utf-8").size(text) == len(text.encode("utf-8", "surrogatepass"))


@given(texts, limits)
@settings(max_examples=300)
def test_every_piece_fits_and_pieces_join_back(text, limit):
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(piece and limit.fits(piece) for piece in pieces)


def test_cuts_at_sentence_ends_first():
    text = "Перше речення тут. Друге речення тут! Третє?"
    limit = Limit(max_bytes=encoded_size("Перше речення тут. Друге речення тут! "), max_chars=999)
    assert split_text(text, limit) == ["Перше речення тут. Друге речення тут! ", "Третє?"]


def test_cuts_at_spaces_when_a_sentence_is_too_long():
    text = "один два три чотири п'ять"
    pieces = split_text(text, Limit(max_bytes=60, max_chars=999))
    assert "".join(pieces) == text
    assert all(piece.endswith(" ") for piece in pieces[:-1])


def test_a_limit_too_small_for_any_character_is_refused():
    with pytest.raises(ValueError):
        split_text("ж", Limit(max_bytes=5, max_chars=10))
    with pytest.raises(ValueError):
        split_text("ж", Limit(max_bytes=3, max_chars=10, encoding="utf-8"))


@given(st.lists(paragraph_texts, min_size=1, max_size=30), limits)
@settings(max_examples=400, deadline=None)
def test_a_plan_fits_every_request_and_gives_back_every_paragraph(paragraphs, limit):
    plan = plan_requests(paragraphs, limit)
    for number, carried in enumerate(plan.requests):
        assert carried, "no empty request"
        assert limit.fits(plan.text(number)), "every request fits the limit"
        owners = [plan.pieces[index].paragraph for index in carried]
        assert owners == sorted(set(owners)), "in order, one piece of a paragraph per request at most"
        assert all(plan.pieces[index].request == number for index in carried)
    carried_anywhere = sorted(index for carried in plan.requests for index in carried)
    lettered = [index for index, piece in enumerate(plan.pieces) if piece.request is not None]
    assert carried_anywhere == lettered, "each piece with letters travels exactly once"
    assert all(has_letters(piece.text) == (piece.request is not None) for piece in plan.pieces)
    owners = [piece.paragraph for piece in plan.pieces]
    assert owners == sorted(owners)
    for index, paragraph in enumerate(paragraphs):
        assert "".join(p.text for p in plan.pieces if p.paragraph == index) == paragraph
    sent = [piece.text for piece in plan.pieces if piece.request is not None]
    assert len(plan.requests) >= minimum_requests(sent, limit) if sent else not plan.requests


def test_packing_uses_one_request_when_everything_fits():
    paragraphs = [f"Абзац номер {i} про новини." for i in range(50)]
    plan = plan_requests(paragraphs, Limit(max_bytes=15000, max_chars=4999))
    assert len(plan.requests) == 1 and len(plan.requests[0]) == 50
    assert [piece.text for piece in plan.pieces] == paragraphs, "nothing cut that needed no cut"


def test_paragraphs_are_cut_at_sentence_ends_only_when_that_saves_a_request():
    sentence = "Речення про події на фронті. "
    paragraph = (sentence * 6).strip()
    limit = Limit(max_bytes=int(encoded_size(paragraph) * 1.5) + 40, max_chars=10_000)
    plan = plan_requests([paragraph] * 3, limit)  # whole, they would need 3 requests
    assert len(plan.requests) == 2 == minimum_requests([paragraph] * 3, limit)
    cut = [piece.text for piece in plan.pieces if piece.text != paragraph]
    assert cut and all(piece.endswith(". ") or piece.startswith("Речення") for piece in cut)
    assert all(piece.text.rstrip().endswith(".") for piece in plan.pieces)


def test_a_paragraph_that_looks_like_a_marker_travels_alone():
    plan = plan_requests(["a", "see [[1]] here", "b"], Limit(1000, 1000))
    assert [[plan.pieces[i].text for i in carried] for carried in plan.requests] == [
        ["a"],
        ["see [[1]] here"],
        ["b"],
    ]


def test_pieces_without_letters_are_not_sent():
    plan = plan_requests(["2024", "Текст.", "— 15 —"], Limit(1000, 1000))
    assert [piece.request for piece in plan.pieces] == [None, 0, None]


@given(st.lists(st.text(alphabet="abc xyz.", min_size=1).filter(str.strip), min_size=1, max_size=10))
def test_unpack_inverts_pack_even_with_collapsed_whitespace(paragraphs):
    stripped = [" ".join(p.split()) for p in paragraphs]
    answer = " ".join(pack(stripped).split())  # what Google does to newlines
    assert unpack(answer, len(stripped)) == stripped


def test_unpack_refuses_lost_reordered_or_empty_parts():
    assert unpack("one [[1]] two [[2]] three", 3) == ["one", "two", "three"]
    assert unpack("one [[ 1 ]] two [[2]]three", 3) == ["one", "two", "three"]
    assert unpack("one two [[2]] three", 3) is None
    assert unpack("one [[2]] two [[1]] three", 3) is None
    assert unpack("one [[1]] [[2]] three", 3) is None
    assert unpack("one [[1]] two [[2]] three [[3]] four", 3) is None
