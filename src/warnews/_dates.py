"""Which publication date an article's file may state, and where it came from.

A date is only ever one a source gave: the page's own metadata, the feed item that
brought the URL, or the page's Last-Modified header, in that order of trust. A date
no source gave is unknown, and the provenance line says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

EARLIEST = date(1990, 1, 1)  # before any Ukrainian news site: a zeroed or made-up date
# Kyiv is two or three hours ahead of UTC: an article published after midnight there
# is dated the day after the made day (a UTC day).
AHEAD = timedelta(days=1)
# A Last-Modified this close to the answer's Date is the moment the page was generated,
# not when the article was published.
GENERATED = timedelta(seconds=60)


def sensible(day: date, made: date, today: date | None = None) -> bool:
    """Not absurd (1970, year 2999) and not in the future: not after today (UTC) or the
    made day, whichever is later (SOURCE_DATE_EPOCH may fix the made day in the past;
    an article published since is no less real)."""
    latest = max(made, today or datetime.now(UTC).date())
    return EARLIEST <= day <= latest + AHEAD


def publication(
    candidates: Sequence[tuple[str, date | None]], made: date, today: date | None = None
) -> tuple[date | None, str | None]:
    """The first sensible (date, where it came from) of the candidates, in their order;
    (None, None) when none is."""
    for source, day in candidates:
        if day is not None and sensible(day, made, today):
            return day, source
    return None, None


def _moment(text: str) -> datetime | None:
    """An RFC 822 (RSS, HTTP) or ISO 8601 (Atom) date and time, in its own time zone."""
    text = text.strip()
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def written_date(text: str) -> date | None:
    """The day a date is written as, in the time zone it is written in (a feed's
    'Thu, 11 Jan 2024 00:30 +0200' is 11 January, as the publisher's readers saw it)."""
    moment = _moment(text)
    return moment.date() if moment is not None else None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def last_modified(headers: Mapping[str, str], now: datetime | None = None) -> date | None:
    """The day of an answer's Last-Modified (lower-case header names), when it is more
    than a minute earlier than the answer's Date (or the clock, without one)."""
    modified = _moment(headers.get("last-modified", ""))
    if modified is None:
        return None
    answered = _moment(headers.get("date", "")) if headers.get("date") else now or datetime.now(UTC)
    if answered is None:
        return None
    if _utc(modified) > _utc(answered) - GENERATED:
        return None
    return _utc(modified).date()
