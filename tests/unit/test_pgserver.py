"""The test harness's PostgreSQL server (tests/pgserver.py): it starts, takes both URL forms,
refuses a wrong password, and comes back after being stopped."""

import psycopg
import pytest

from pgserver import PASSWORD, USER


def test_both_url_forms_reach_a_fresh_empty_database(postgres):
    for url in (postgres.url, postgres.tcp_url()):
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT current_user, current_database()").fetchone() == (
                USER,
                postgres.name,
            )
            tables = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
            assert tables == (0,)
    with psycopg.connect(postgres.url) as connection:
        connection.execute("CREATE TABLE mine (x int)")  # the user owns the database


def test_the_tcp_form_wants_the_password(postgres):
    assert PASSWORD in postgres.tcp_url()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres.tcp_url("not-the-password"), connect_timeout=10)


def test_each_test_has_its_own_database(postgres_server, postgres):
    other = postgres_server.database()
    try:
        assert other.name != postgres.name
    finally:
        postgres_server.drop(other)


def test_the_server_goes_down_and_comes_back(postgres_server, postgres):
    with psycopg.connect(postgres.url) as connection:
        connection.execute("CREATE TABLE kept (x int)")
        connection.execute("INSERT INTO kept VALUES (7)")
    postgres_server.down()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres.url, connect_timeout=5)
    postgres_server.up()
    with psycopg.connect(postgres.url) as connection:
        assert connection.execute("SELECT x FROM kept").fetchall() == [(7,)]
