"""The adaptive translator pace (_pace.Pace): pure, on a clock of our own."""

from __future__ import annotations

import heapq
import math
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews._pace import CUT, FLOOR, GRACE, NEAR, PROBE_ANSWERS, START, Learned, Pace


def send(pace: Pace, now: float, held: float = 0.01) -> float:
    pace.sent(now, held)
    return now


def test_it_starts_gently_under_its_ceiling():
    assert Pace(100).rate == START == 4.0
    assert Pace(2.5).rate == 2.5, "translator_rate is a ceiling"
    assert Pace(0.01).rate == 0.01, "a ceiling under the floor is kept"


def test_translator_start_is_where_it_starts_when_nothing_is_known():
    assert Pace(100, None, 30.0).rate == 30.0
    assert Pace(10, None, 30.0).rate == 10, "the ceiling still holds"
    assert Pace(100, Learned(12.0, None), 30.0).rate == 30.0, "never under it, as never under START"
    assert Pace(100, Learned(50.0, None), 30.0).rate == 50.0, "a faster learned pace is kept"
    assert Pace(100, Learned(math.nan, None), 30.0).rate == 30.0


def test_a_run_starts_where_the_last_one_ended():
    assert Pace(100, Learned(17.5, None)).rate == 17.5
    assert Pace(10, Learned(17.5, None)).rate == 10, "the ceiling still holds"
    # a run that ended probing over the pace of its last 429 starts just under it
    assert Pace(100, Learned(21.0, 20.0)).rate == pytest.approx(18.0)
    assert Pace(100, Learned(12.0, 20.0)).rate == 12.0
    assert Pace(100, Learned(12.0, 20.0)).peak == 20.0


@pytest.mark.parametrize("rate", [math.nan, math.inf, 0.0, -3.0])
def test_a_learned_pace_that_makes_no_sense_is_not_taken(rate):
    pace = Pace(100, Learned(rate, rate))
    assert pace.rate == START and pace.peak is None


def test_before_any_429_each_answer_adds_one_while_the_pace_holds_requests_back():
    pace = Pace(100)
    sent = [send(pace, n * 0.01) for n in range(8)]  # eight held back, within one second
    for moment in sent[:5]:
        pace.answered(moment, 0.2)
    assert pace.rate == START + 5
    for moment in sent[5:]:
        pace.answered(moment, 0.2)
    assert pace.rate == START + 8
    assert pace.answers == 8 and pace.used


def test_it_does_not_rise_when_it_holds_nothing_back():
    pace = Pace(100)
    for second in range(20):  # one request a second: far under the pace
        sent = send(pace, float(second), held=0.0)
        pace.answered(sent, second + 0.1)
    assert pace.rate == START


def test_it_never_climbs_far_over_what_is_sent():
    pace = Pace(1000)
    now = 0.0
    for _ in range(3):  # three answers, each of a request the pace held back
        sent = send(pace, now)
        pace.answered(sent, now + 0.1)
        now += 0.2
    assert pace.rate <= max(START, 2 * 3), "twice what was sent in the last second at most"


def test_a_429_halves_what_the_translator_counted_and_one_cut_answers_a_burst():
    pace = Pace(100, Learned(30.0))
    times = [n / 30 for n in range(30)]  # 30 requests in the last second
    for moment in times:
        send(pace, moment)
    pace.refused(times[-1], times[-1] + 0.05)
    # the translator took the 29 sent in the second before the refused one
    assert pace.peak == 29 and pace.rate == pytest.approx(29 * CUT)
    # the 429s of requests already on their way, and of those sent within the grace, do not cut again
    pace.refused(times[-2], times[-1] + 0.06)
    pace.refused(times[-1] + GRACE / 2, times[-1] + GRACE / 2 + 0.05)
    assert pace.rate == pytest.approx(14.5) and pace.refusals == 3
    later = send(pace, times[-1] + GRACE + 0.1)
    pace.refused(later, later + 0.05)
    assert pace.rate <= 14.5 * CUT, "a 429 after the grace cuts again"


def storm(refusals: int = 30) -> Pace:
    """A pace that met a translator refusing everything (a block, a quota) for a while."""
    pace = Pace(100)
    now = 0.0
    for _ in range(refusals):
        sent = send(pace, now)
        pace.refused(sent, now + 0.01)
        now += GRACE + 0.01
    return pace


def test_repeated_429s_never_stop_it():
    assert storm(100).rate == FLOOR
    assert storm(30).peak is None, "a request a second: far under the pace, so no peak either"


def test_after_a_cut_it_comes_back_quickly_then_probes_carefully():
    pace = Pace(100, Learned(8.0, 20.0))  # well under the pace of the last 429
    sent = [send(pace, n * 0.05) for n in range(10)]
    pace.answered(sent[0], 0.5)
    assert pace.rate == 9.0, "well under it: one more for each answer"
    near = Pace(100, Learned(18.0, 20.0))
    now = 0.0
    for _ in range(PROBE_ANSWERS):
        sent_at = send(near, now)
        near.answered(sent_at, now + 0.1)
        now += near.interval
    assert near.rate == pytest.approx(18.0 + (1 - NEAR) * 20.0, abs=0.2), (
        "near it: 15% of it over PROBE_ANSWERS answers"
    )


@settings(max_examples=200, deadline=None)
@given(
    ceiling=st.floats(0.01, 10_000),
    events=st.lists(
        st.tuples(st.sampled_from(["answer", "refuse", "idle"]), st.floats(0.0, 2.0)), max_size=80
    ),
)
def test_the_pace_stays_between_the_floor_and_the_ceiling(ceiling, events):
    pace = Pace(ceiling)
    now = 0.0
    for kind, gap in events:
        now += gap
        sent = send(pace, now, held=0.0 if kind == "idle" else 0.01)
        if kind == "refuse":
            pace.refused(sent, now + 0.01)
        else:
            pace.answered(sent, now + 0.01)
        assert min(FLOOR, ceiling) <= pace.rate <= ceiling
        assert math.isfinite(pace.interval)


def simulate(capacity: float, requests: int, learned: Learned | None = None, latency: float = 0.1):
    """A backfill against a translator that takes `capacity` requests in any second (429
    beyond, no Retry-After), `latency` seconds an answer, four requests at once, demand
    without end: (seconds, refused, the pace at the end). Discrete events, no real time."""
    pace = Pace(100.0, learned)
    accepted: deque[float] = deque()
    answers: list[tuple[float, int, float, bool]] = []  # (when, order, sent, refused)
    in_flight, now, next_slot, sent_count, refused, order = 0, 0.0, 0.0, 0, 0, 0
    retry: deque[float] = deque()  # a refused request backs off alone before it is sent again
    while sent_count < requests or answers:
        if in_flight < 4 and sent_count < requests:
            slot = max(now, next_slot, retry[0] if retry else 0.0)
            if not answers or slot <= answers[0][0]:
                if retry and retry[0] <= slot:
                    retry.popleft()
                held = slot - now
                now = slot
                next_slot = now + pace.interval
                pace.sent(now, held)
                while accepted and accepted[0] <= now - 1.0:
                    accepted.popleft()
                over = len(accepted) >= capacity
                if not over:
                    accepted.append(now)
                order += 1
                heapq.heappush(answers, (now + (0.0 if over else latency), order, now, over))
                in_flight += 1
                sent_count += 1
                continue
        when, _, sent, over = heapq.heappop(answers)
        now = max(now, when)
        in_flight -= 1
        if over:
            refused += 1
            pace.refused(sent, now)
            sent_count -= 1  # it is sent again
            retry.append(now + 0.375)  # a first backoff, 0.25-0.5 s
        else:
            pace.answered(sent, now)
    return now, refused, pace


@pytest.mark.parametrize("capacity", [5, 20, 60])
def test_a_backfill_runs_at_the_translators_pace_with_few_429s(capacity):
    requests = 3000
    seconds, refused, pace = simulate(capacity, requests)
    assert refused <= 0.02 * requests, f"{refused} 429s"
    assert requests / seconds >= 0.75 * min(capacity, 4 / 0.1), f"{requests / seconds:.1f} a second"
    if capacity > 4 / 0.1:  # four at once, 0.1 s each: the translator is never the limit
        assert pace.peak is None and refused == 0
    else:
        assert pace.peak is not None and 0.8 * capacity <= pace.peak <= capacity + 2


def test_a_learned_pace_starts_at_full_speed():
    cold, _, learned = simulate(20, 200)
    warm, refused, _ = simulate(20, 200, learned.learned)
    assert warm < cold and refused <= 4
    assert 200 / warm >= 0.8 * 20


def test_a_translator_that_refuses_everything_for_long_is_blocked():
    from warnews._pace import BLOCKED_AFTER, BLOCKED_REFUSALS

    pace = Pace(100)
    now = 0.0
    for _ in range(BLOCKED_REFUSALS * 3):
        sent = send(pace, now)
        pace.refused(sent, now + 0.01)
        assert pace.blocked(now + 0.01) == (now + 0.01 - 0.01 >= BLOCKED_AFTER)
        now += 1.0
    assert pace.blocked(now)
    sent = send(pace, now)
    pace.answered(sent, now + 0.1)  # one answer: it is not blocked, whatever came before
    assert not pace.blocked(now + 0.1)
    brief = Pace(100)  # a burst of 429s in a moment is a pace, not a block
    for number in range(50):
        brief.refused(send(brief, number * 0.01), number * 0.01 + 0.01)
    assert not brief.blocked(1.0)


def test_a_429_far_under_the_pace_halves_it_and_says_nothing_of_a_peak():
    """A run's very first request refused: not a measure of what the translator takes (it
    once left the pace at the floor, 5 s a request)."""
    pace = Pace(100, Learned(8.0))
    sent = send(pace, 0.0)
    pace.refused(sent, 0.05)
    assert pace.rate == 4.0 and pace.peak is None
    following = [send(pace, 0.1 + n * 0.25) for n in range(4)]
    for moment in following:
        pace.answered(moment, moment + 0.1)
    assert pace.rate >= 6.0, "rising again as at first (one more an answer, up to twice what is sent)"
