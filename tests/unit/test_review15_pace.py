"""Review of issue 15: the pace after a storm of 429s, and paces in the state that make no sense."""

from __future__ import annotations

import math
import sqlite3

import pytest
from test_pace import send, simulate, storm

from warnews._pace import FLOOR, STALE, START, Learned, Pace
from warnews._report import status_lines
from warnews._state import State


def test_a_run_after_a_storm_of_429s_runs_at_the_translators_pace_again():
    # Before: it started at the floor (0.2 a second) and rose by 0.00015 an answer,
    # 1,000 requests to a translator taking 20 a second took an hour.
    seconds, refused, _ = simulate(20, 1000, storm().learned)
    assert 1000 / seconds >= 0.6 * 20, f"{1000 / seconds:.2f} a second"
    assert refused <= 0.02 * 1000
    assert Pace(100, storm().learned).rate == START, "no slower than the old fixed pace at first"


def test_the_pace_of_a_storm_is_forgotten_within_the_run_once_the_translator_answers_again():
    pace = storm()
    now, sent_count = 100.0, 0
    while now < 100.0 + STALE + 10:  # the block is lifted: every request answered
        sent = send(pace, now)
        pace.answered(sent, now + 0.1)
        now += pace.interval
        sent_count += 1
    assert pace.peak is None and pace.rate >= START, (pace.rate, sent_count)


@pytest.mark.parametrize(
    ("rate", "peak"),
    [("abc", "xyz"), (b"\x00", None), (math.inf, math.nan), (-1.0, 1e308), (None, None)],
)
def test_a_paces_row_that_makes_no_sense_is_no_traceback(tmp_path, rate, peak):
    state = State(tmp_path / "state.sqlite3")
    state.keep_paces({"google https://t.example": Learned(12.0, 20.0)})
    database = sqlite3.connect(tmp_path / "state.sqlite3")
    database.execute("DROP TABLE paces")  # NOT NULL too may have been lost (an old tool, a hand edit)
    database.execute(
        "CREATE TABLE paces (host TEXT NOT NULL DEFAULT '', translator TEXT, rate REAL, peak REAL,"
        " updated_at REAL, PRIMARY KEY (host, translator))"
    )
    database.execute(
        "INSERT INTO paces VALUES ('', 'google https://t.example', ?, ?, 1795000000.0)", (rate, peak)
    )
    database.execute("INSERT INTO paces VALUES ('', 'google https://u.example', 9.5, 'x', 'when')")
    database.commit()
    database.close()
    learned = State(tmp_path / "state.sqlite3").paces()
    pace = Pace(100, learned.get("google https://t.example"))
    assert FLOOR <= pace.rate <= 100 and (pace.peak is None or math.isfinite(pace.peak))
    summary = State(tmp_path / "state.sqlite3").summary(60.0, 5)
    lines = "\n".join(status_lines(summary))
    for row in summary["paces"]:  # what --json prints: numbers or null, never NaN nor a blob
        assert all(
            value is None or (isinstance(value, float) and math.isfinite(value))
            for value in (row["rate"], row["peak"], row["updated_at"])
        )
    shown = isinstance(rate, float) and math.isfinite(rate) and rate > 0
    assert ("translator pace: google https://t.example" in lines) == shown, lines
