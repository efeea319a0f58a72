"""The state database, URL matching, feeds and settings resolution, in process."""

import sqlite3
import subprocess
import sys

import pytest
from factories import metadata

from warnews._errors import FetchError, StoreError, UsageError
from warnews._settings import Settings, resolve, shown
from warnews._state import MIGRATIONS, State, next_try, url_key
from warnews.sources.feeds import parse_feed


@pytest.mark.parametrize(
    "one, other",
    [
        ("https://www.site.ua/news/1?utm_source=tg&id=5#top", "http://site.ua/news/1?id=5"),
        ("https://m.site.ua/news/1?fbclid=x", "https://site.ua/news/1"),
        ("HTTPS://Site.UA:443/news/1", "https://site.ua/news/1"),
        ("https://t.me/KyivNews/5", "https://t.me/kyivnews/5"),  # Telegram usernames ignore case
    ],
)
def test_same_article_urls_share_a_key(one, other):
    assert url_key(one) == url_key(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("https://site.ua/news/1?id=5", "https://site.ua/news/1?id=6"),
        ("https://site.ua:8080/news/1", "https://site.ua/news/1"),
        ("https://site.ua/news/1", "https://other.ua/news/1"),
        ("https://site.ua/News/1", "https://site.ua/news/1"),  # paths elsewhere may well be case-sensitive
    ],
)
def test_different_articles_keep_different_keys(one, other):
    assert url_key(one) != url_key(other)


def test_schema_is_migrated_once_and_a_newer_one_refused(tmp_path):
    path = tmp_path / "state.sqlite3"
    State(path).close()
    database = sqlite3.connect(path)
    assert database.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    State(path).close()  # a second open runs no migration again (it would fail: tables exist)
    database.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    database.close()
    with pytest.raises(StoreError, match="newer warnews"):
        State(path)


def test_failures_wait_a_doubling_delay_up_to_the_attempt_limit(tmp_path):
    state = State(tmp_path / "state.sqlite3")
    row = state.add("https://site.ua/a", "feed")
    assert [r.url for r in state.due(3, 100.0)] == ["https://site.ua/a"]
    first = state.failed(row.id, "HTTP 500")
    assert next_try(first, 100.0, 3) == pytest.approx(first.last_attempt_at + 100.0)
    assert state.due(3, 100.0) == [] and len(state.due(3, 100.0, now=first.last_attempt_at + 101)) == 1
    second = state.failed(row.id, "HTTP 500")
    assert next_try(second, 100.0, 3) == pytest.approx(second.last_attempt_at + 200.0)
    third = state.failed(row.id, "HTTP 500")
    assert next_try(third, 100.0, 3) is None and state.due(3, 100.0, now=third.last_attempt_at + 10**9) == []
    assert state.requeue() == 1 and [r.attempts for r in state.due(3, 100.0)] == [0]
    state.close()


def test_claim_finds_the_same_article_done_or_in_flight(tmp_path):
    state = State(tmp_path / "state.sqlite3")
    first, second, third = (state.add(f"https://site.ua/{n}", "cli") for n in range(3))
    assert state.claim(first.id, ["site.ua/canonical", "sha-1"]) is None
    assert state.claim(second.id, ["sha-1"]).id == first.id, "in flight in this run"
    state.done(first.id, tmp_path / "a.txt", metadata("https://site.ua/canonical", "sha-1"))
    assert state.claim(third.id, ["site.ua/canonical"]).id == first.id, "done"
    assert state.claim(third.id, ["sha-other"]) is None
    state.close()


def test_feed_items_are_recorded_once_with_the_validators(tmp_path):
    state = State(tmp_path / "state.sqlite3")
    assert (
        state.feed_read("https://site.ua/rss", ["https://site.ua/1", "https://site.ua/2"], '"v1"', None) == 2
    )
    assert state.feed_read("https://site.ua/rss", ["https://site.ua/2?utm_medium=rss"], '"v2"', None) == 0
    assert state.feed_memory("https://site.ua/rss") == (None, '"v2"', None)
    assert state.known(["https://site.ua/1", "https://site.ua/3"]) == {"https://site.ua/1"}
    state.close()


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>/news/1</link></item><item><title>no link</title></item>
<item><link>https://site.ua/news/2</link></item><item><link>https://site.ua/news/2</link></item>
<item><link>javascript:alert(1)</link></item></channel></rss>"""


def test_feed_links_resolved_deduplicated_and_linkless_items_counted():
    items = parse_feed(RSS.encode(), "https://site.ua/feeds/rss.xml")
    assert items.links == ["https://site.ua/news/1", "https://site.ua/news/2"]
    assert items.without_link == 2


def test_a_page_is_not_a_feed():
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", "https://site.ua/")


def test_settings_layers_in_order(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('credit = "file"\ntimeout = 5\nconcurrency = 3\nfeeds = ["https://site.ua/rss"]\n')
    resolved = resolve({"timeout": "7"}, config, environ={"WARNEWS_CREDIT": "env", "WARNEWS_TIMEOUT": "6"})
    settings, origins = resolved.settings, resolved.origins
    assert (settings.credit, settings.timeout, settings.concurrency, settings.per_host) == ("env", 7.0, 3, 2)
    assert origins["credit"] == "WARNEWS_CREDIT" and origins["timeout"] == "--timeout"
    assert origins["concurrency"] == f"config file {config}" and origins["per_host"] == "default"
    assert resolved.feeds == ("https://site.ua/rss",)


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"WARNEWS_TIMEOUT": "0"}, "bad value for timeout in WARNEWS_TIMEOUT: must be from 0.1"),
        ({"WARNEWS_CONCURRENCY": "2.5"}, "expected a whole number"),
        ({"WARNEWS_ENGINE": "babelfish"}, "unknown engine"),
        ({"WARNEWS_TARGET_LANGUAGE": "klingon"}, "target_language in WARNEWS_TARGET_LANGUAGE"),
    ],
)
def test_bad_values_name_the_setting_and_where_they_came_from(tmp_path, environ, message):
    (tmp_path / "empty.toml").write_text("")
    with pytest.raises(UsageError, match=message):
        resolve({}, tmp_path / "empty.toml", environ=environ)


def test_secrets_are_masked():
    settings = Settings(proxy="http://bob:p@ss/w0rd@proxy:3128", engine_settings={"deepl_key": "plain-key"})
    assert shown(settings, "proxy") == "http://***@proxy:3128"
    assert shown(settings, "deepl_key") == "***"
    assert shown(settings, "engine") == "google"


CLOSE_RACE = """
import sqlite3, sys, tempfile, threading
from pathlib import Path
from warnews._cache import Memory
from warnews._errors import StoreError
from warnews._state import State

uncaught = []
threading.excepthook = uncaught.append  # a worker dying of anything else is the failure
folder = Path(tempfile.mkdtemp())
ended = {Memory: set(), State: set()}
for round in range(100):
    for database in (Memory(folder / "memory.sqlite3"), State(folder / "state.sqlite3")):
        read = (lambda: database.get("google", "uk", "en", "текст")) if isinstance(database, Memory) else (
            lambda: database.find("https://news.example/a"))
        # What each documents for a use after close(), and its caller handles.
        closed = sqlite3.ProgrammingError if isinstance(database, Memory) else StoreError
        started = threading.Event()

        def hammer():
            started.set()
            try:
                while True:
                    read()
            except closed as error:
                ended[type(database)].add(type(error).__name__)

        worker = threading.Thread(target=hammer)
        worker.start()
        started.wait()
        database.close()
        worker.join()
assert not uncaught, [(hook.exc_type.__name__, str(hook.exc_value)) for hook in uncaught[:3]]
print(sorted(ended[Memory]), sorted(ended[State]))
print("no crash")
"""


def test_closing_while_another_thread_reads_is_an_error_not_a_crash():
    """A stopped run closes its databases while workers may still be reading (SIGSEGV
    seen): each worker ends on the error its database raises once closed, which the
    caller handles (the memory: sqlite3's ProgrammingError; the state: StoreError), and
    nothing else escapes a thread."""
    result = subprocess.run([sys.executable, "-c", CLOSE_RACE], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr[-2000:]
    assert result.stdout == "['ProgrammingError'] ['StoreError']\nno crash\n"
