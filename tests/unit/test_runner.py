"""The run's lifecycle and what the command line shares with it, in process: one exit
code for each way a command ends, one form of error line, the work of `run` made by the
batch, and the text of the other commands made by the report."""

import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from warnews._errors import (
    Locked,
    StoreError,
    UsageError,
    WarnewsError,
    exit_code,
    user_line,
    why_stopped,
)
from warnews._gate import GATE
from warnews._report import article_line, show_lines, status_lines
from warnews._runner import Batch, RunOptions, run_jobs
from warnews._settings import Settings
from warnews._state import RunLock, State

HOSTILE = "https://site.ua/\x1b[2J\u202enews"  # clears a terminal, then reverses the line


@pytest.mark.parametrize(
    "error, code",
    [
        (WarnewsError("x"), 1),
        (StoreError("x"), 1),
        (UsageError("x"), 2),
        (Locked("x"), 3),
        (KeyboardInterrupt(), 130),
    ],
)
def test_each_way_a_command_ends_has_its_documented_exit_code(monkeypatch, error, code):
    monkeypatch.setattr(GATE, "signals", [])
    assert exit_code(error) == code


def test_a_sigterm_among_the_signals_makes_the_stop_a_termination(monkeypatch):
    monkeypatch.setattr(GATE, "signals", [signal.SIGINT, signal.SIGTERM])
    assert (exit_code(KeyboardInterrupt()), why_stopped()) == (143, "terminated")
    monkeypatch.setattr(GATE, "signals", [signal.SIGINT])
    assert (exit_code(KeyboardInterrupt()), why_stopped()) == (130, "interrupted")


def test_error_and_warning_lines_escape_what_drives_a_terminal():
    assert user_line("error", f"{HOSTILE}: HTTP 404") == (
        "warnews: error: https://site.ua/\\u001b[2J\\u202enews: HTTP 404"
    )
    assert user_line("warning", "fell back\n") == "warnews: warning: fell back\\u000a"


def settings(tmp_path: Path) -> Settings:
    return Settings(out=tmp_path / "out", state=tmp_path / "state" / "state.sqlite3")


def test_a_run_while_another_holds_the_state_is_one_error_line_and_exit_3(tmp_path, capsys):
    held = RunLock(settings(tmp_path).state)
    held.acquire(False)
    try:
        code = run_jobs(RunOptions("fetch", keeps_state=True), settings(tmp_path), lambda batch: [])
    finally:
        held.release()
    assert code == 3
    assert capsys.readouterr().err == (
        f"warnews: error: another warnews run (pid {os.getpid()}) is using"
        f" {tmp_path / 'state' / 'state.sqlite3'}; try again later, or use --wait\n"
    )


def test_a_run_without_state_and_without_work_ends_well(tmp_path, capsys):
    code = run_jobs(RunOptions("translate", keeps_state=False), settings(tmp_path), lambda batch: [])
    assert (code, capsys.readouterr()) == (0, ("", ""))


def test_the_config_jobs_are_its_urls_recorded_as_the_config_s_and_what_retry_queued(tmp_path):
    """What `run` does with the state, done by the batch: the config's URLs (one named
    without a scheme, as a user may write it), and a one-off fetch only once queued."""
    state = State(settings(tmp_path).state)
    warned = []
    pipeline = SimpleNamespace(settings=settings(tmp_path), warn=warned.append)
    batch = Batch(pipeline, state, lambda outcome: None)
    one_off = state.add("https://site.ua/once", "command line")
    assert [job.name for job in batch.config_jobs(["https://site.ua/1", "site.ua/2"], [])] == [
        "https://site.ua/1",
        "https://site.ua/2",
    ]
    assert warned and "https://site.ua/2" in warned[0]
    assert {state.find(url).source for url in ("https://site.ua/1", "https://site.ua/2")} == {"config"}
    state.failed(one_off.id, "HTTP 500")
    state.requeue(["https://site.ua/once"])
    assert "https://site.ua/once" in [job.name for job in batch.config_jobs(["https://site.ua/1"], [])]
    state.close()


def test_the_other_commands_text_never_carries_a_control_character(tmp_path):
    state = State(settings(tmp_path).state)
    row = state.add(HOSTILE, HOSTILE)
    state.failed(row.id, f"HTTP 404 at {HOSTILE}", permanent=True)
    summary = {**state.summary(60.0, 5), "state": str(settings(tmp_path).state)}
    record = state.describe(HOSTILE, 60.0, 5)
    [article] = state.articles()
    state.close()
    lines = [*status_lines(summary), *show_lines(record), *article_line(article).split("\t")]
    assert all(line.isprintable() for line in lines), [line for line in lines if not line.isprintable()]
    assert "recent failures:" in lines
    assert "next try: permanent: will not be retried; warnews retry URL to try again" in lines
    assert article_line(article).startswith("failed (permanent)\t")
