"""Review of issue 17: defects found in the state layer, each a failing test."""

import sqlite3
import threading
import time

import pytest

from warnews._database import SQLite
from warnews._errors import StoreError
from warnews._state import MIGRATIONS, State


def test_two_processes_upgrading_one_sqlite_state_at_once_both_succeed(tmp_path):
    """`warnews status` while cron's `warnews run` upgrades a schema-6 state to 7: each
    reads the version, then waits for the write lock; the second applies migration 7 again
    and is told the file is damaged."""
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:6], start=1):
        old.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    old.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("BEGIN IMMEDIATE")  # another writer, for a moment: both upgrades wait for it
    errors: list[Exception] = []

    def upgrade() -> None:
        database = SQLite(path)
        try:
            database.migrate(MIGRATIONS)
        except StoreError as error:
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # both have read user_version 6 and wait on BEGIN IMMEDIATE
    holder.execute("COMMIT")
    for thread in threads:
        thread.join(30)
    assert errors == []
    state = State(path)
    state.close()


from factories import article_document  # noqa: E402


def _lease_runs_out(state: State) -> None:
    with state._db.write() as db:
        db.execute("UPDATE articles SET claimed_until = 1 WHERE claimed_until IS NOT NULL")


def test_a_run_paused_past_its_lease_does_not_undo_what_another_run_finished(runs, tmp_path):
    """Run a is paused (SIGSTOP, a suspended VM) past its lease while making an article;
    run b takes it over and saves it. When a wakes up, the article is no longer a's: it
    must neither save it again nor record its outcome over b's."""
    a, b = runs
    url = "https://site.ua/1"
    row = a.add(url, "config")
    assert a.take(row) is not None
    _lease_runs_out(a)
    taken = b.take(b.find(url), as_seen=False)
    assert taken is not None
    path = tmp_path / "b" / "power-restored.txt"
    b.plan(row.id, path)
    b.done(row.id, path, article_document(url).metadata)
    # a wakes up: its translation failed meanwhile (or it goes on to save)
    a.failed(row.id, "timed out while paused")
    assert a.find(url).status == "done", "b's outcome overwritten by a run that lost the article"


def test_a_run_paused_past_its_lease_does_not_save_again(runs, tmp_path):
    a, b = runs
    url = "https://site.ua/1"
    row = a.add(url, "config")
    assert a.take(row) is not None
    _lease_runs_out(a)
    assert b.take(b.find(url), as_seen=False) is not None
    path = tmp_path / "b" / "power-restored.txt"
    b.plan(row.id, path)
    b.done(row.id, path, article_document(url).metadata)
    with pytest.raises(StoreError, match="another run took this article over"):
        a.plan(row.id, tmp_path / "a" / "power-restored.txt")
