"""Runs sharing one state: claims with a lease on articles, their keys and feeds; names
reserved in a folder; outcomes recorded only by the run that holds an article; paces per
host; the translation memory in PostgreSQL. Each test runs on SQLite (two State objects on
one file stand for two runs) and on a real PostgreSQL (tests/pgserver.py)."""

from __future__ import annotations

import threading
import time

import pytest
from factories import article_document

from pgserver import PASSWORD
from warnews._cache import SharedMemory
from warnews._database import DatabaseURL, database_url
from warnews._errors import StoreError
from warnews._pace import Learned
from warnews._report import status_lines
from warnews._state import State


def expire(state: State, table: str = "articles") -> None:
    """Every claim's lease runs out (as when its run died a lease ago)."""
    column = "until" if table == "claims" else "claimed_until"
    with state._db.write() as db:
        db.execute(f"UPDATE {table} SET {column} = 1 WHERE {column} IS NOT NULL")


def test_an_article_is_taken_by_one_run_until_its_lease_runs_out(runs):
    a, b = runs
    row = a.add("https://site.ua/1", "config")
    taken = a.take(row)
    assert taken is not None and taken.claimed_by == a.holder
    assert b.take(row, as_seen=False) is None
    assert b.holder_of(row.id) == "a" and a.holder_of(row.id) is None
    assert [due.id for due in b.due(5, 60)] == []  # not listed for another run while held
    expire(a)
    assert b.take(row, as_seen=False) is not None
    assert a.holder_of(row.id) == "b"


def test_an_article_changed_since_it_was_listed_is_not_taken(runs):
    a, b = runs
    row = a.add("https://site.ua/1", "config")
    listed = b.due(5, 60)[0]
    a.take(row)
    a.failed(row.id, "503")  # another run tried it meanwhile: its claim is gone, the row changed
    assert b.take(listed) is None
    assert b.take(b.find("https://site.ua/1"), as_seen=False) is not None


def test_two_runs_reaching_one_article_by_two_urls_make_it_once(runs, tmp_path):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2?utm=x", "config")
    assert a.claim(first.id, ["site.ua/1", "sha"]) is None
    held = b.claim(second.id, ["site.ua/2", "sha"])
    assert held is not None and held.id == first.id  # in flight elsewhere: the same article
    document = article_document("https://site.ua/1")
    a.done(first.id, tmp_path / "x.txt", document.metadata, None, document)
    done = b.claim(second.id, ["site.ua/2", document.metadata.source_sha256])
    assert done is not None and done.id == first.id and done.status == "done"


def test_a_claim_lost_in_a_race_claims_none_of_its_keys(runs):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2", "config")
    assert a.claim(first.id, ["k2"]) is None
    assert b.claim(second.id, ["k1", "k2", "k3"]) is not None
    third = a.add("https://site.ua/3", "config")
    assert a.claim(third.id, ["k1"]) is None  # b claimed nothing: its transaction was rolled back


def test_keys_of_a_run_that_died_are_free_after_its_lease(runs):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2", "config")
    assert a.claim(first.id, ["k"]) is None
    expire(a, "claims")
    assert b.claim(second.id, ["k"]) is None


def test_claims_raced_from_many_threads_go_to_one_article_each_time(state_where):
    states = [State(state_where, host=f"h{number}", lease=60) for number in range(4)]
    try:
        rows = [state.add(f"https://site.ua/{number}", "config") for number, state in enumerate(states)]
        for round_ in range(15):
            winners: list[int] = []
            barrier = threading.Barrier(len(states))

            def claim(
                state: State,
                row_id: int,
                round_: int = round_,
                barrier: threading.Barrier = barrier,
                winners: list[int] = winners,
            ) -> None:
                barrier.wait()
                if state.claim(row_id, [f"key-{round_}", f"other-{round_}"]) is None:
                    winners.append(row_id)

            threads = [
                threading.Thread(target=claim, args=(state, row.id))
                for state, row in zip(states, rows, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert len(winners) == 1, (round_, winners)
    finally:
        for state in states:
            state.close()


def test_a_name_is_reserved_for_one_article_in_a_folder(runs, tmp_path):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2", "config")
    assert a.reserve(first.id, tmp_path / "2024-01-10-news.txt")
    assert not b.reserve(second.id, tmp_path / "2024-01-10-news.md")  # one stem, every format
    assert a.reserve(first.id, tmp_path / "2024-01-10-news.txt")  # its own, again
    assert b.reserve(second.id, tmp_path / "other" / "2024-01-10-news.txt")  # another folder
    a.forget(["https://site.ua/1"])
    assert b.reserve(second.id, tmp_path / "2024-01-10-news.txt")  # a forgotten article's name is free


def test_saving_skips_a_name_another_host_reserved(runs, tmp_path):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2", "config")
    document = article_document("https://site.ua/2")
    stem = document.stem
    assert a.reserve(first.id, tmp_path / f"{stem}.txt")  # reserved, not yet written
    path = document.save_in(tmp_path, reserve=lambda path: b.reserve(second.id, path))
    assert path.name == f"{stem}-2.txt"


def test_a_run_that_lost_its_article_writes_nothing_and_records_nothing(runs, tmp_path):
    a, b = runs
    row = a.add("https://site.ua/1", "config")
    a.take(row)
    expire(a)
    b.take(row, as_seen=False)
    with pytest.raises(StoreError, match="another run took this article over"):
        a.plan(row.id, tmp_path / "x.txt")
    a.failed(row.id, "late")
    assert a.find("https://site.ua/1").status == "pending"  # b's to record
    assert b.find("https://site.ua/1").claimed_by == b.holder


def test_a_feed_is_read_by_one_run_at_a_time(runs):
    a, b = runs
    feed = "https://site.ua/rss"
    assert a.take_feed(feed) and not b.take_feed(feed)
    a.feed_read(feed, ["https://site.ua/1"], None, None)  # what it read is recorded: the feed is free
    assert b.take_feed(feed)
    assert not a.take_feed(feed)
    b.let_feed_go(feed)
    assert a.take_feed(feed)
    expire(a, "feeds")
    assert b.take_feed(feed)


def test_renew_keeps_and_let_go_gives_back_every_claim(runs):
    a, b = runs
    row = a.add("https://site.ua/1", "config")
    a.take(row)
    a.claim(row.id, ["k"])
    a.take_feed("https://site.ua/rss")
    before = a.find("https://site.ua/1").claimed_until
    time.sleep(0.01)
    a.renew()
    assert a.find("https://site.ua/1").claimed_until > before
    a.let_go()
    other = b.add("https://site.ua/2", "config")
    assert b.take(row, as_seen=False) is not None
    assert b.claim(other.id, ["k"]) is None and b.take_feed("https://site.ua/rss")


def test_only_expired_claims_are_cleared_unless_every_one_is(runs):
    a, b = runs
    first, second = a.add("https://site.ua/1", "config"), a.add("https://site.ua/2", "config")
    a.take(first)
    b.take(second)
    with a._db.write() as db:
        db.execute("UPDATE articles SET claimed_until = 1 WHERE id = ?", (first.id,))
    assert b.clear_claims() == 1
    assert b.find("https://site.ua/2").claimed_by == b.holder
    b.clear_claims(every=True)
    assert b.find("https://site.ua/2").claimed_by is None


def test_status_says_which_hosts_are_at_work(runs):
    a, b = runs
    for number in range(3):
        a.take(a.add(f"https://site.ua/{number}", "config"))
    b.take(b.add("https://site.ua/9", "config"))
    summary = a.summary(60, 5)
    assert summary["working"] == [{"host": "a", "articles": 3}, {"host": "b", "articles": 1}]
    assert "at work now: a 3 articles, b 1 article" in status_lines(summary)


def test_paces_are_each_hosts_own_where_hosts_share_the_state(state_where):
    a, b = State(state_where, host="a"), State(state_where, host="b")
    try:
        a.keep_paces({"google https://t.example": Learned(12.0, 20.0)})
        if isinstance(state_where, DatabaseURL):
            assert b.paces() == {} and a.paces()["google https://t.example"].rate == 12.0
            assert [pace["host"] for pace in a.summary(60, 5)["paces"]] == ["a"]
        else:  # one machine, whatever it is called
            assert b.paces()["google https://t.example"].rate == 12.0
            assert "host" not in a.summary(60, 5)["paces"][0]
    finally:
        a.close(), b.close()


def test_the_state_says_where_it_is_without_a_password(postgres):
    url = database_url(postgres.tcp_url())
    state = State(url)
    try:
        assert PASSWORD not in state.summary(60, 5)["state"]
        assert state.summary(60, 5)["state"].startswith("postgresql://warnews@127.0.0.1:")
    finally:
        state.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@db:5432/news", "postgresql://u@db:5432/news"),
        ("postgres://u:s3cret@db/news?sslmode=require", "postgres://u@db/news?sslmode=require"),
        ("postgresql:///news?host=/run/pg&password=s3cret", "postgresql:///news?host=/run/pg"),
        ("postgresql://u:p%40ss@db/news", "postgresql://u@db/news"),
    ],
)
def test_a_database_url_is_shown_without_its_password(url, shown):
    parsed = database_url(url)
    assert parsed is not None and str(parsed) == parsed.shown == shown
    assert {"s3cret", "p@ss"} & set(parsed.secrets)


@pytest.mark.parametrize("text", ["postgresql://u:s3cret@db:99999/news", "postgresql://u:s3cret@db/"])
def test_a_bad_database_url_is_refused_without_its_password(text):
    with pytest.raises(ValueError) as caught:
        database_url(text)
    assert "s3cret" not in str(caught.value)


def test_an_unreachable_database_is_one_error_without_the_password(postgres, postgres_server):
    url = database_url(postgres.tcp_url())
    postgres_server.down()
    with pytest.raises(StoreError) as caught:
        State(url)
    message = str(caught.value)
    assert message.startswith("cannot reach the state database postgresql://warnews@127.0.0.1:")
    assert PASSWORD not in message and "\n" not in message


def test_the_shared_translation_memory_serves_every_host(postgres_url):
    url = database_url(postgres_url)
    first, second = SharedMemory(url), SharedMemory(url)
    try:
        assert second.get("google", "uk", "en", "Київ") is None
        first.put("google", "uk", "en", "Київ", "Kyiv")
        first.put("google", "uk", "en", "порожньо", "  ")  # an empty translation is never kept
        assert second.get("google", "uk", "en", "Київ") == "Kyiv"
        assert second.get("google", "uk", "en", "порожньо") is None
        stats = second.stats()
        assert stats["paragraphs"] == 1 and stats["hits"] == 1 and stats["bytes"] > 0
        assert stats["path"] == url.shown
        assert second.clear("deepl") == 0 and second.clear() == 1
    finally:
        first.close(), second.close()


def test_a_shared_memory_that_fails_is_left_alone_with_one_warning(postgres_url, postgres_server):
    warnings: list[str] = []
    memory = SharedMemory(database_url(postgres_url), warnings.append)
    try:
        memory.put("google", "uk", "en", "Київ", "Kyiv")
        postgres_server.down()
        assert memory.get("google", "uk", "en", "Київ") is None
        memory.put("google", "uk", "en", "Львів", "Lviv")
        assert len(warnings) == 1 and "going on without it" in warnings[0]
    finally:
        memory.close()


def test_looking_at_a_shared_memory_creates_nothing(postgres_url, postgres):
    memory = SharedMemory(database_url(postgres_url), create=False)
    try:
        assert not memory.exists and memory.stats()["paragraphs"] == 0
    finally:
        memory.close()
    with postgres.connect() as connection:
        assert connection.execute("SELECT to_regclass('translations')").fetchone()[0] is None


def test_a_path_is_no_url_and_a_url_of_another_scheme_no_path():
    assert database_url("state.sqlite3") is None and database_url("/var/lib/warnews/state") is None
    for text in ("http://x/y", "mysql://u:s3cret@h/db", "postgresql+psycopg://u:s3cret@h/db"):
        with pytest.raises(ValueError) as caught:
            database_url(text)
        assert "s3cret" not in str(caught.value)
    assert str(database_url("POSTGRESQL://u@h/db")) == "postgresql://u@h/db"


def test_why_a_database_cannot_be_reached_is_said_in_plain_words(postgres, tmp_path):
    wrong_password = postgres.tcp_url(password="not-the-one")
    cases = {
        "postgresql://u:s3cret@127.0.0.1:1/db": "cannot connect to 127.0.0.1 port 1: connection refused",
        f"postgresql://u@/db?host={tmp_path}": f"cannot connect to the socket {tmp_path}/.s.PGSQL.5432: no such file",
        postgres.url.replace(postgres.name, "missing"): 'database "missing" does not exist',
        wrong_password: 'password authentication failed for user "warnews"',
    }
    for url, cause in cases.items():
        with pytest.raises(StoreError) as caught:
            State(database_url(url))
        message = str(caught.value)
        assert cause in message and "s3cret" not in message and "not-the-one" not in message, message
        assert message.startswith(f"cannot reach the state database {database_url(url).shown}: ")


def test_a_state_whose_server_restarted_goes_on_with_a_new_connection(postgres_url, postgres_server):
    state = State(database_url(postgres_url))
    try:
        state.add("https://site.ua/1", "config")
        postgres_server.down()  # "fast": the test server does not sync, an immediate stop would lose row 1
        with pytest.raises(StoreError) as caught:
            state.add("https://site.ua/2", "config")
        assert "\n" not in str(caught.value)
        postgres_server.up()
        assert state.add("https://site.ua/3", "config").status == "pending"
        assert {row["url"] for row in state.articles()} == {"https://site.ua/1", "https://site.ua/3"}
    finally:
        state.close()


def test_a_late_outcome_never_lets_go_of_another_runs_keys(runs):
    a, b = runs
    row, other = a.add("https://site.ua/1", "config"), b.add("https://site.ua/2", "config")
    a.take(row)
    a.claim(row.id, ["k"])
    expire(a)
    expire(a, "claims")
    assert b.take(row, as_seen=False) is not None and b.claim(row.id, ["k"]) is None  # b took it over
    a.failed(row.id, "late")  # a, waking: nothing of b's is touched
    a.abandon(row.id)
    third = a.add("https://site.ua/3", "config")
    held = a.claim(third.id, ["k"])
    assert held is not None and held.id == row.id  # b's claim on the key stands
    assert b.find("https://site.ua/1").claimed_by == b.holder and other.status == "pending"


def test_a_server_that_answers_nothing_is_given_up_on_not_waited_for(
    postgres_url, postgres_server, monkeypatch
):
    """A frozen server (its processes stopped: its kernel still keeps the connection, so TCP
    never says it is gone) ends the statement at warnews's own deadline, as a lost one."""
    import os
    import signal
    import subprocess

    import warnews._database
    from warnews._errors import StateLost

    monkeypatch.setattr(warnews._database, "DEADLINE", 1.5)
    state = State(database_url(postgres_url))
    postmaster = int((postgres_server.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    frozen = [postmaster, *map(int, children)]
    try:
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(StateLost):
            state.add("https://site.ua/1", "config")
        assert time.monotonic() - started < 30
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
        state.close()
