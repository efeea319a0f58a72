"""Fixtures every test folder may use: a real PostgreSQL server (tests/pgserver.py), one per
xdist worker, started only when a test first asks for it, and a fresh database per test.

No PostgreSQL server on the machine: those tests are skipped, unless
WARNEWS_TEST_POSTGRES=required (CI, which installs it), where they fail.
"""

import importlib.util
import os

import pytest
from hypothesis import HealthCheck, settings

from pgserver import PostgresServer, find_binaries

# Property tests are judged on what they find, never on time: a loaded machine (CI, six
# workers on two cores) makes an example take longer, not wrong.
settings.register_profile("warnews", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("warnews")


@pytest.fixture(scope="session")
def postgres_server():
    binaries = find_binaries()
    missing = None
    if binaries is None:
        missing = "no PostgreSQL server (initdb, pg_ctl, postgres on PATH or in /usr/lib/postgresql/*/bin)"
    elif importlib.util.find_spec("psycopg") is None:
        missing = "no psycopg (pip install '.[test]')"
    if missing:
        if os.environ.get("WARNEWS_TEST_POSTGRES") == "required":
            pytest.fail(f"{missing}, and WARNEWS_TEST_POSTGRES=required", pytrace=False)
        pytest.skip(missing)
    server = PostgresServer(binaries).start()
    yield server
    server.stop()


@pytest.fixture
def postgres(postgres_server):
    """A fresh empty database (pgserver.Database: .url, .tcp_url(), .connect()), the server
    running again after the test if it stopped it."""
    database = postgres_server.database()
    yield database
    if not postgres_server.running:
        postgres_server.up()
    postgres_server.drop(database)


@pytest.fixture
def postgres_url(postgres):
    """The URL of a fresh empty database, over the unix socket."""
    return postgres.url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_state(request, tmp_path):
    """A new state, in SQLite and in PostgreSQL: what the state does, it does in both. Its
    `path` is a SQLite file's in either, so that a test finds its folder the same way."""
    from warnews._database import database_url
    from warnews._state import State

    if request.param == "sqlite":
        database = State(tmp_path / "state.sqlite3")
    else:
        url = database_url(request.getfixturevalue("postgres_url"))

        class Shared(State):
            path = tmp_path / "state.sqlite3"  # a folder for the test's files

        database = Shared(url)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_where(request, tmp_path):
    """Where a state is: a SQLite file, then a PostgreSQL database."""
    from warnews._database import database_url

    if request.param == "sqlite":
        return tmp_path / "state.sqlite3"
    return database_url(request.getfixturevalue("postgres_url"))


@pytest.fixture
def runs(state_where):
    """Two runs on one state, on two hosts: a and b."""
    from warnews._state import State

    first, second = State(state_where, host="a", lease=60), State(state_where, host="b", lease=60)
    yield first, second
    first.close()
    second.close()
