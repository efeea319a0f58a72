"""The pace of translator requests: found while running, as TCP finds what a path takes.

No one knows how many requests a second Google's free endpoint takes from an address
today; it answers 429 beyond that. So the pace is not a setting but a measurement: it
starts gently, rises while answers come back (quickly until the first 429, then
carefully near the pace that brought it), and is cut sharply by a 429. `translator_rate`
is only its ceiling. What was learned is kept in the state database, so the next run
starts where this one ended (see Learned).

Pure: the clock is the caller's (time.monotonic() in a run, a number in tests), and one
lock outside (the Throttle's) serializes the calls.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

START = 4.0  # requests a second when nothing is known: the fixed pace of earlier versions
FLOOR = 0.2  # never slower: a run that meets 429s still ends
CUT = 0.5  # a 429 halves the pace: sharply, as TCP does, so that a run never storms
# Before any 429, and well under the pace that brought the last one: each answer adds one
# (the pace doubles every second, as TCP's slow start).
SLOW_START = 1.0
NEAR = 0.85  # "near": from this share of that pace up; a run starts no higher than 0.9 of it
# Near or over the pace of the last 429, the pace rises by what NEAR leaves (15% of that
# pace) over this many answers, whatever the translator's capacity: a 429 or two each time
# it is reached again are then under 2% of the requests.
PROBE_ANSWERS = 200
# A translator counts requests over a second or so: those sent within this long after a
# cut may still be refused for what came before it, and must not cut the pace again.
GRACE = 1.0
# Over the pace of the last 429 this long with no other 429, that pace is old news: the
# translator takes more now (a block lifted, a 429 from another client at the address),
# so the pace is found again as at first. Without this, a run that met a storm of 429s
# (which leave that pace at the floor) would crawl, and every later run with it.
STALE = 30.0
HISTORY = 2.0  # seconds of send times kept
# Nothing but 429s for this long (and at least BLOCKED_REFUSALS of them): the translator
# refuses this address (a block, a quota), not a pace. It is not asked again in the run,
# which would otherwise crawl at the floor for as long as it has articles.
BLOCKED_AFTER = 15.0
BLOCKED_REFUSALS = 8


@dataclass(frozen=True)
class Learned:
    """What a run found a translator takes: the pace it ended at, and the pace at which it
    last answered 429 (None: it never did)."""

    rate: float
    peak: float | None = None


class Pace:
    """Requests a second for one translator, raised on answers, cut on 429s."""

    def __init__(self, ceiling: float, learned: Learned | None = None, first: float = START) -> None:
        """first: the pace when nothing is known (translator_start; START by default)."""
        self.ceiling = ceiling
        peak = learned.peak if learned else None
        self.peak = peak if peak is not None and math.isfinite(peak) and peak > 0 else None
        start = learned.rate if learned and math.isfinite(learned.rate) and learned.rate > 0 else first
        if self.peak is not None:  # a run that ended probing over it starts just under it
            start = min(start, 0.9 * self.peak)
        # Never under the pace a run starts at (the fixed pace of earlier versions by
        # default): what a run learned in a storm of 429s is no measure of the translator,
        # and a run that starts at the floor would take minutes to find that out (STALE).
        start = max(start, first)
        self.rate = max(min(start, ceiling), min(FLOOR, ceiling))
        self.answers = 0
        self.refusals = 0  # 429s, whatever came of them
        self._cut_at = -math.inf  # when the pace was last cut
        self._held_until = -math.inf  # the pace held requests back until about then
        self._over_since: float | None = None  # answered over the peak since then, no 429
        self._refused_since: float | None = None  # nothing but 429s since then
        self._refused_in_a_row = 0
        self._history: list[float] = []  # when the requests of the last seconds left, in order

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def learned(self) -> Learned:
        return Learned(self.rate, self.peak)

    @property
    def used(self) -> bool:
        """Whether anything was learned: a request was answered or refused."""
        return bool(self.answers or self.refusals)

    def blocked(self, now: float) -> bool:
        """Whether the translator has refused every request for BLOCKED_AFTER seconds."""
        since = self._refused_since
        return (
            since is not None and now - since >= BLOCKED_AFTER and self._refused_in_a_row >= BLOCKED_REFUSALS
        )

    def sent(self, now: float, held: float) -> None:
        """A request leaves at now, after the pace held it back `held` seconds. Only a pace
        that holds requests back may rise: a run that asks for little learns nothing about
        what more would bring."""
        if held > 0:
            self._held_until = now + 2.0 * self.interval
        self._history.append(now)
        old = bisect.bisect_left(self._history, now - HISTORY)
        if old > len(self._history) // 2:  # trimmed now and then: amortized constant time
            del self._history[:old]

    def _sent_in_second_to(self, moment: float) -> int:
        """Requests sent in the second up to moment: what a translator that counts requests
        a second had counted then (the history holds the moments they left)."""
        history = self._history
        return bisect.bisect_right(history, moment) - bisect.bisect_right(history, moment - 1.0)

    def _sent_before(self, moment: float) -> int:
        """Requests sent in the second before the one that left at moment."""
        history = self._history
        return bisect.bisect_left(history, moment) - bisect.bisect_right(history, moment - 1.0)

    def answered(self, sent: float, now: float) -> None:
        """A request sent at `sent` was answered (not with a 429)."""
        self.answers += 1
        self._refused_since, self._refused_in_a_row = None, 0
        if sent > self._held_until:
            return
        if self.peak is not None and self.rate >= self.peak:
            if self._over_since is None:
                self._over_since = now
            elif now - self._over_since >= STALE:
                self.peak, self._over_since = None, None
        if self.peak is None:
            rate = self.rate + SLOW_START
        elif self.rate < NEAR * self.peak:  # back quickly, but not past NEAR in one step
            rate = min(self.rate + SLOW_START, NEAR * self.peak)
        else:
            rate = self.rate + (1.0 - NEAR) * self.peak / PROBE_ANSWERS
        # Never far over what is sent: a pace that held requests back only now and then
        # must not climb on answers to a pace never tried.
        used = max(START, 2.0 * self._sent_in_second_to(now))
        self.rate = max(self.rate, min(self.ceiling, rate, used))

    def refused(self, sent: float, now: float) -> None:
        """A request sent at `sent` was answered 429. One cut answers every 429 of the
        requests that were on their way when it was made, or sent within GRACE after."""
        self.refusals += 1
        self._refused_in_a_row += 1
        if self._refused_since is None:
            self._refused_since = now
        if sent < self._cut_at + GRACE:
            return
        # What the translator took is what it counted: the requests sent in the second
        # before this one (not the pace, which answers on their way may have raised).
        taken = self._sent_before(sent)
        if taken >= CUT * self.rate:  # the pace was what it refused: remember it
            self.peak = max(float(taken), FLOOR)
            base = min(self.rate, self.peak)
        else:  # far under the pace (a run's first request): it says little of what it takes
            base = self.rate
        self.rate = max(min(FLOOR, self.ceiling), base * CUT)
        self._cut_at = now
        self._over_since = None
