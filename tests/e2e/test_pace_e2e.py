"""The translator's pace, found while running and kept between runs (_pace, the state's paces)."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from pages import article_page, texts, ukrainian_paragraphs

TITLE = "Новини громади: світло у районі"


@pytest.fixture(autouse=True)
def slow_start(environment):
    """The pace as it starts for a user: the other tests' environment starts it at once."""
    del environment["WARNEWS_TRANSLATOR_START"]


def add_articles(site, count, first=0):
    return [
        site.add(f"/news/{n}", article_page(f"{TITLE} {n}", ukrainian_paragraphs(3, seed=n * 11)))
        for n in range(first, first + count)
    ]


def paces(tmp_path):
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    try:
        return database.execute("SELECT translator, rate, peak FROM paces").fetchall()
    finally:
        database.close()


def most_in_a_second(times):
    return max(sum(1 for other in times if moment <= other < moment + 1.0) for moment in times)


def test_the_pace_rises_to_what_the_translator_takes_and_the_next_run_starts_there(
    run, site, google, tmp_path
):
    google.capacity, google.delay = 12, 0.05  # 429 (no Retry-After) beyond 12 in any second
    first = run("fetch", *add_articles(site, 30), "-o", "out")
    assert first.returncode == 0, first.stderr
    assert len(texts(tmp_path / "out")) == 30 and first.stderr == ""
    assert google.over_capacity <= 3, "a 429 or two where the pace met the capacity, no storm"
    [(translator, rate, peak)] = paces(tmp_path)
    assert translator == f"google {google.origin}", "the engine at its endpoint"
    assert peak is not None and 8 <= peak <= 13, "what the translator took when it refused"
    assert 4 < rate <= 13
    # The next run starts where this one ended: at 4 a second (the old fixed pace) its first
    # ten requests would take 2.25 s.
    google.reset()
    again = run("fetch", *add_articles(site, 20, first=30), "-o", "out")
    assert again.returncode == 0, again.stderr
    assert google.times[9] - google.times[0] < 1.8, google.times[:10]
    assert google.over_capacity <= 2
    status = run("status", "--json")
    [pace] = json.loads(status.stdout)["paces"]
    assert pace["translator"] == translator and pace["rate"] > 4
    assert f"translator pace: {translator}: " in run("status").stdout


def test_translator_rate_is_the_ceiling_of_the_pace(run, site, google, tmp_path):
    result = run("fetch", *add_articles(site, 16), "-o", "out", "--translator-rate", "6")
    assert result.returncode == 0, result.stderr
    assert most_in_a_second(google.times) <= 7, "6 a second, give or take one request's timing"
    [(_, rate, peak)] = paces(tmp_path)
    assert rate <= 6 and peak is None


def test_a_translate_run_keeps_no_pace_and_a_run_that_translates_nothing_learns_nothing(run, site, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Рятувальники працюють у районі вже третю добу поспіль.\n", encoding="utf-8"
    )
    assert run("translate", "a.txt", "-o", "out").returncode == 0
    assert not (tmp_path / "state").exists(), "translate keeps no state"
    english = site.add(
        "/en", article_page("Power returns", ["The power is back in the district tonight."] * 3)
    )
    assert run("fetch", english, "-o", "out").returncode == 0
    assert paces(tmp_path) == [], "nothing was asked of the translator"


def test_a_translator_that_refuses_everything_is_not_asked_for_the_rest_of_the_run(
    run, site, google, tmp_path
):
    google.capacity = 0  # every request answered 429, without Retry-After: a blocked address
    started = time.monotonic()
    result = run("fetch", *add_articles(site, 10), "-o", "out", "--retries", "3")
    elapsed = time.monotonic() - started
    assert result.returncode == 1 and texts(tmp_path / "out") == []
    lines = result.stderr.splitlines()
    assert len(lines) == 10 and all(line.startswith("warnews: error: http") for line in lines), lines
    assert any("answered HTTP 429 to every request for 15 s or more" in line for line in lines), lines
    # At the floor's 0.2 requests a second, ten articles of four tries would take minutes.
    assert elapsed < 60, elapsed
    assert google.count < 40


def test_translator_start_is_the_pace_a_run_starts_at(run, site, google):
    result = run("fetch", *add_articles(site, 12), "-o", "out", env={"WARNEWS_TRANSLATOR_START": "40"})
    assert result.returncode == 0, result.stderr
    # At 4 a second (the start without it) the first ten requests would take 2.25 s.
    assert google.times[9] - google.times[0] < 1.8, google.times[:10]
