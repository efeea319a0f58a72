"""Review of issue 15: `feed --titles-only` on a channel reads a bounded number of pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from warnews import _digest
from warnews.sources.preview import Page
from warnews.sources.telegram import Post


def media_only(first: int) -> tuple[Post, ...]:
    """A page's worth of posts with nothing to translate (photos without a caption)."""
    return tuple(
        Post("photos", number, "2024-01-10T10:00:00+00:00", media=({"kind": "photo", "url": None},))
        for number in range(first, first - 20, -1)
    )


class Channel:
    """A channel's pages, read by the digest: `before` says where its link points."""

    def __init__(self, before) -> None:
        self.before = before
        self.pages = 0

    def channel_page(self, channel: str, before: int | None) -> Page:
        self.pages += 1
        if self.pages > 1000:
            raise AssertionError("the digest never stops reading pages")
        start = 100_000 if before is None else before - 1
        return Page(channel, "Photos", media_only(start), self.before(start))


@pytest.mark.parametrize(
    "next_before",
    [
        lambda start: start - 19,  # a channel of photos without captions, years of them
        lambda start: 50_000 if start > 55_000 else 60_000,  # a link that goes back and forth
    ],
)
def test_a_channel_of_posts_with_nothing_to_translate_is_read_a_bounded_number_of_pages(next_before):
    channel = Channel(next_before)
    pipeline = SimpleNamespace(
        settings=SimpleNamespace(feed_items=30, since=None), channel_page=channel.channel_page
    )
    assert _digest._posts(pipeline, "photos") == []  # type: ignore[arg-type]
    assert channel.pages <= 30 // 10 + 5, "as many pages as a run's reading of the channel"


@pytest.mark.parametrize(
    ("text", "limit", "short"),
    [
        ("Коротко.", 20, "Коротко."),
        ("Перше речення. Друге речення. Третє речення тут.", 30, "Перше речення. Друге речення."),
        ("Одне дуже довге речення без кінця і краю", 20, "Одне дуже довге…"),
        ("А" * 50, 10, "А" * 9 + "…"),
    ],
)
def test_a_summary_or_title_is_kept_short_at_a_sentence_or_a_word(text, limit, short):
    assert _digest._short(text, limit) == short
    assert len(_digest._short(text, limit)) <= limit
