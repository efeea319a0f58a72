"""The state's schema grows through numbered migrations, the same in SQLite and in
PostgreSQL (issue 17): a database of any earlier version (or none) is brought to the
latest with its rows, each migration applied once, also when several processes open one
new database at the same moment; a newer schema is refused."""

import sqlite3
import subprocess
import sys
import time

import pytest

from warnews._state import MIGRATIONS

LATEST = len(MIGRATIONS)


def postgres_migrations():
    from warnews._state import POSTGRES_MIGRATIONS

    assert len(POSTGRES_MIGRATIONS) == LATEST
    return POSTGRES_MIGRATIONS


def open_state(where):
    from warnews._database import database_url
    from warnews._state import State

    url = database_url(str(where)) if isinstance(where, str) else None
    return State(url or where, host="tester", lease=5)


# --- an earlier schema, and a few rows in it, made as that version of warnews did ---

ROWS = [
    "INSERT INTO articles (url, url_key, source, status, attempts, created_at, updated_at)"
    " VALUES ('https://a.ua/x', 'a.ua/x', 'config', 'failed', 2, 1.0, 1.0)",
    "INSERT INTO articles (url, url_key, source, status, attempts, created_at, updated_at)"
    " VALUES ('https://a.ua/d', 'a.ua/d', 'config', 'done', 1, 1.0, 1704844800.0)",
    "INSERT INTO feeds (url, etag) VALUES ('https://a.ua/rss', '\"v\"')",
]
PACE = "INSERT INTO paces (translator, rate, peak, updated_at) VALUES ('google https://t', 7.0, 9.0, 1.0)"


def sqlite_at(path, version):
    database = sqlite3.connect(path)
    if version:
        database.executescript(";".join(MIGRATIONS[:version]) + f"; PRAGMA user_version = {version};")
        for statement in ROWS + ([PACE] if version >= 5 else []):
            database.execute(statement)
        database.commit()
    database.close()


def postgres_at(database, version):
    with database.connect() as connection, connection.transaction():
        connection.execute("SET ROLE warnews")  # the tables are the user's, as warnews made them
        if version:
            for script in postgres_migrations()[:version]:
                connection.execute(script)
            connection.execute("CREATE TABLE warnews_schema (version INTEGER NOT NULL)")
            connection.execute("INSERT INTO warnews_schema (version) VALUES (%s)", [version])
            for statement in ROWS + ([PACE] if version >= 5 else []):
                connection.execute(statement)


def sqlite_version(path):
    return sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]


def postgres_version(database):
    with database.connect() as connection:
        return [row[0] for row in connection.execute("SELECT version FROM warnews_schema")]


def check_rows(state, version):
    """What the earlier version held is all there, read through the latest schema."""
    if not version:
        assert state.find("https://a.ua/x") is None
        return
    row = state.find("https://a.ua/x")
    assert row is not None and (row.status, row.attempts, row.permanent, row.queued) == (
        "failed",
        2,
        False,
        False,
    )
    assert (row.published, row.warning, row.post, row.reason) == (None, None, None, None)
    assert state.find("https://a.ua/d").status == "done"
    assert state.feed_memory("https://a.ua/rss") == (None, '"v"', None)


def expected_days(version):
    """The day each article orders by: given by migration 5 to a done article made before
    it (the day of its last change), not to a row a later version wrote without one."""
    if not version:
        return {}
    return {"https://a.ua/x": None, "https://a.ua/d": "2024-01-10" if version < 5 else None}


@pytest.mark.parametrize("version", range(LATEST))
def test_a_sqlite_state_of_every_earlier_version_is_brought_to_the_latest(tmp_path, version):
    path = tmp_path / "state.sqlite3"
    sqlite_at(path, version)
    state = open_state(path)
    try:
        check_rows(state, version)
    finally:
        state.close()
    assert sqlite_version(path) == LATEST
    database = sqlite3.connect(path)
    columns = {row[1] for row in database.execute("PRAGMA table_info(articles)")}
    assert {"claimed_by", "claimed_until", "day", "quality"} <= columns
    tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"claims", "names", "paces", "records", "boilerplate"} <= tables
    if version >= 5:
        assert database.execute("SELECT host, translator, rate FROM paces").fetchall() == [
            ("", "google https://t", 7.0)
        ]
    days = dict(database.execute("SELECT url, day FROM articles"))
    assert days == expected_days(version)


@pytest.mark.parametrize("version", range(LATEST))
def test_a_postgresql_state_of_every_earlier_version_is_brought_to_the_latest(postgres, version):
    postgres_at(postgres, version)
    state = open_state(postgres.url)
    try:
        check_rows(state, version)
    finally:
        state.close()
    assert postgres_version(postgres) == [LATEST], "one row, the latest version"
    with postgres.connect() as connection:
        columns = {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'"
            )
        }
        assert {"claimed_by", "claimed_until", "day", "quality"} <= columns
        tables = {
            row[0]
            for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        assert {"claims", "names", "paces", "records", "boilerplate", "warnews_schema"} <= tables
        if version >= 5:
            assert connection.execute("SELECT host, translator, rate FROM paces").fetchall() == [
                ("", "google https://t", 7.0)
            ]
        days = dict(connection.execute("SELECT url, day FROM articles").fetchall())
    assert days == expected_days(version)


def test_the_two_schemas_are_the_same_tables_and_columns(tmp_path, postgres):
    """One schema in two dialects: the same tables, each with the same columns."""
    path = tmp_path / "state.sqlite3"
    open_state(path).close()
    open_state(postgres.url).close()
    database = sqlite3.connect(path)
    lite = {
        table: {row[1] for row in database.execute(f"PRAGMA table_info({table})")}
        for (table,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    with postgres.connect() as connection:
        server = {}
        for table, column in connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            server.setdefault(table, set()).add(column)
    server.pop("warnews_schema")
    assert server == lite


def test_a_newer_postgresql_schema_is_refused(postgres):
    from warnews._errors import StoreError

    open_state(postgres.url).close()
    with postgres.connect() as connection:
        connection.execute("UPDATE warnews_schema SET version = version + 1")
    with pytest.raises(StoreError, match=f"newer warnews \\(schema {LATEST + 1}\\)"):
        open_state(postgres.url)


# --- several processes open one new database at the same moment ---

OPEN = """
import sys, time
from pathlib import Path
from warnews._database import database_url
from warnews._state import State
where, go = sys.argv[1], Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
State(database_url(where) or Path(where), host="h" + sys.argv[3], lease=5).close()
"""


def open_at_once(where, tmp_path, processes=4):
    """Start processes that each open the state at `where` the moment a file appears; their
    (exit code, stderr)."""
    go = tmp_path / "go"
    started = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, str(where), str(go), str(number)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(processes)
    ]
    for process in started:
        assert process.stdout.readline() == "ready\n", process.communicate()[1]
    go.touch()
    deadline = time.monotonic() + 60
    return [(process.wait(max(1, deadline - time.monotonic())), process.stderr.read()) for process in started]


def test_processes_migrating_one_new_postgresql_database_at_once_all_succeed(tmp_path, postgres):
    results = open_at_once(postgres.url, tmp_path)
    assert results == [(0, "")] * len(results)
    assert postgres_version(postgres) == [LATEST]
    with postgres.connect() as connection:
        indexes = connection.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'articles_claimed'"
        ).fetchall()
    assert len(indexes) == 1


def test_a_sqlite_migration_another_process_applied_meanwhile_is_not_applied_again(tmp_path):
    """What processes opening one new SQLite file at once may do (a status beside the first
    run, two states sharing one new translation memory): the other one migrates right after
    this one read the schema's version, before this one applied anything."""
    from warnews._database import SQLite

    path = tmp_path / "state.sqlite3"
    mine, other = SQLite(path), SQLite(path)
    real, meanwhile = mine._db, []

    class Rows:
        def __init__(self, rows):
            self.rows = rows

        def fetchone(self):
            return self.rows[0] if self.rows else None

        def fetchall(self):
            return self.rows

    class Connection:
        """The connection, but the other process migrates the first time this one reads the
        version outside a transaction."""

        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if "user_version" not in sql or real.in_transaction or meanwhile:
                return real.execute(sql, *args)
            rows = real.execute(sql, *args).fetchall()
            meanwhile.append(True)
            other.migrate(MIGRATIONS)
            return Rows(rows)

    mine._db = Connection()
    try:
        mine.migrate(MIGRATIONS)
    finally:
        mine._db = real
        mine.close(), other.close()
    assert sqlite_version(path) == LATEST


def test_processes_opening_one_new_sqlite_file_at_once_all_succeed(tmp_path):
    path = tmp_path / "state" / "state.sqlite3"
    results = open_at_once(path, tmp_path)
    assert results == [(0, "")] * len(results)
    assert sqlite_version(path) == LATEST
