"""The provenance line: the date it states is one a source gave or `unknown`, the credit
reads right on translated and untranslated files, and every field keeps its position."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warnews._dates import last_modified, publication, sensible, written_date
from warnews._render import document, document_problem, header
from warnews.sources.feeds import parse_feed

MADE = date(2024, 1, 11)


def test_an_unknown_date_is_unknown_not_the_made_day():
    assert (
        header(MADE, None, "Ukrainian", "Google")
        == "date 2024-01-11 unknown – Translated from Ukrainian via Google"
    )


@pytest.mark.parametrize(
    ("engine", "credit", "origin"),
    [
        ("Google", None, "Translated from Ukrainian via Google"),
        ("Google", "OFP", "Translated from Ukrainian via Google and OFP"),
        (None, None, "Original in Ukrainian"),
        (None, "OFP", "Original in Ukrainian, via OFP"),
    ],
)
def test_the_credit_reads_right_translated_or_not(engine, credit, origin):
    assert (
        header(MADE, date(2024, 1, 10), "Ukrainian", engine, credit)
        == f"date 2024-01-11 01/10/2024 – {origin}"
    )


@given(
    st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1))),
    st.sampled_from(["Ukrainian", "English"]),
    st.one_of(st.none(), st.sampled_from(["Google", "DeepL", "LibreTranslate"])),
    st.one_of(st.none(), st.text(max_size=20)),
)
def test_every_field_keeps_its_position(published, language, engine, credit):
    fields = header(MADE, published, language, engine, credit).split()
    assert fields[:2] == ["date", "2024-01-11"] and fields[3] == "–"
    assert fields[2] == (f"{published:%m/%d/%Y}" if published else "unknown")
    assert fields[4] == ("Translated" if engine else "Original")


def test_the_pre_write_check_takes_an_unknown_date_and_nothing_else():
    body = ["One.", "Two."]
    assert document_problem(document(header(MADE, None, "Ukrainian", "Google"), body), 2) is None
    for wrong in (
        "date 2024-01-11 sometime – Translated",
        "date 2024-01-11 – Translated",
        "date 2024-01-11 1/10/2024 – X",
    ):
        assert document_problem(document(wrong, body), 2) == "its first line is not a provenance line"


@pytest.mark.parametrize(
    ("candidates", "chosen"),
    [
        (
            [("page", date(2024, 1, 10)), ("feed", date(2024, 1, 9)), ("last-modified", date(2024, 1, 8))],
            "page",
        ),
        ([("page", None), ("feed", date(2024, 1, 9)), ("last-modified", date(2024, 1, 8))], "feed"),
        ([("page", None), ("feed", None), ("last-modified", date(2024, 1, 8))], "last-modified"),
        ([("page", date(1970, 1, 1)), ("feed", date(2024, 1, 9))], "feed"),
        ([("page", date(2999, 1, 1)), ("feed", None), ("last-modified", date(2024, 1, 8))], "last-modified"),
        ([("page", None), ("feed", None), ("last-modified", None)], None),
        ([("page", date(1989, 12, 31)), ("feed", date(2024, 1, 13))], None),
    ],
)
def test_the_first_sensible_date_in_order_of_trust(candidates, chosen):
    day, source = publication(candidates, MADE, today=MADE)
    assert source == chosen
    assert day == (dict(candidates)[chosen] if chosen else None)


def test_sensible_dates_lie_between_1990_and_the_day_after_today():
    assert sensible(date(1990, 1, 1), MADE, MADE) and sensible(date(2024, 1, 12), MADE, MADE), "Kyiv is ahead"
    assert not sensible(date(1989, 12, 31), MADE, MADE) and not sensible(date(2024, 1, 13), MADE, MADE)


def test_a_made_day_fixed_in_the_past_does_not_make_later_articles_future():
    later = date(2024, 3, 1)
    assert sensible(later, MADE, today=date(2024, 6, 1)) and not sensible(later, MADE, today=MADE)
    assert sensible(date(2024, 6, 2), date(2024, 6, 1), today=MADE), "nor the other way round"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Thu, 11 Jan 2024 00:30:00 +0200", date(2024, 1, 11)),  # the day as written, not UTC's
        ("Wed, 10 Jan 2024 22:30:00 GMT", date(2024, 1, 10)),
        ("2024-01-08T23:10:00+02:00", date(2024, 1, 8)),
        ("2024-01-08T23:10:00Z", date(2024, 1, 8)),
        ("2024-01-08", date(2024, 1, 8)),
        ("10 січня 2024", None),
        ("", None),
        ("Mon, 99 Foo 2024", None),
    ],
)
def test_written_dates(text, day):
    assert written_date(text) == day


@pytest.mark.parametrize(
    ("headers", "day"),
    [
        (
            {"last-modified": "Tue, 09 Jan 2024 08:00:00 GMT", "date": "Thu, 11 Jan 2024 10:00:00 GMT"},
            date(2024, 1, 9),
        ),
        ({"last-modified": "Thu, 11 Jan 2024 10:00:00 GMT", "date": "Thu, 11 Jan 2024 10:00:00 GMT"}, None),
        ({"last-modified": "Thu, 11 Jan 2024 09:59:30 GMT", "date": "Thu, 11 Jan 2024 10:00:00 GMT"}, None),
        ({"last-modified": "Thu, 11 Jan 2024 10:05:00 GMT", "date": "Thu, 11 Jan 2024 10:00:00 GMT"}, None),
        ({"last-modified": "Tue, 09 Jan 2024 08:00:00 GMT"}, date(2024, 1, 9)),
        ({"last-modified": "yesterday", "date": "Thu, 11 Jan 2024 10:00:00 GMT"}, None),
        ({"date": "Thu, 11 Jan 2024 10:00:00 GMT"}, None),
        ({}, None),
    ],
)
def test_last_modified_counts_only_when_earlier_than_the_answer(headers, day):
    assert last_modified(headers) == day


def _feed(items):
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>N</title>'
        + "".join(
            f"<item><link>https://n.example/{n}</link>{date_tag}</item>" for n, date_tag in enumerate(items)
        )
        + "</channel></rss>"
    ).encode()


def test_a_feed_gives_each_items_date_as_written():
    items = parse_feed(
        _feed(["<pubDate>Thu, 11 Jan 2024 00:30:00 +0200</pubDate>", "", "<pubDate>soon</pubDate>"]),
        "https://n.example/rss",
    )
    assert items.published == {"https://n.example/0": date(2024, 1, 11)}, "a day as Kyiv saw it, no guess"


def test_an_atom_entry_falls_back_to_updated():
    feed = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title><id>urn:f</id>'
        b'<entry><id>urn:1</id><title>A</title><link href="https://n.example/a"/>'
        b"<published>2024-01-07T09:00:00+02:00</published><updated>2024-01-09T09:00:00+02:00</updated></entry>"
        b'<entry><id>urn:2</id><title>B</title><link href="https://n.example/b"/>'
        b"<updated>2024-01-08T23:30:00+02:00</updated></entry></feed>"
    )
    assert parse_feed(feed, "https://n.example/atom").published == {
        "https://n.example/a": date(2024, 1, 7),
        "https://n.example/b": date(2024, 1, 8),
    }
