"""The state's archive: permanent failures, queued rows, listing, describing and forgetting (issue 11)."""

import httpx
import pytest
from factories import metadata, sample_document

from warnews import _net
from warnews._errors import ExtractError, FetchError, WarnewsError
from warnews._extract import extract
from warnews._state import State, next_try
from warnews._store import copy_saved, save


@pytest.fixture
def state(any_state):
    """A state in SQLite, then in PostgreSQL."""
    return any_state


def test_permanent_failures_are_not_due_and_have_no_next_try(state):
    gone = state.add("https://site.ua/gone", "config")
    busy = state.add("https://site.ua/busy", "config")
    gone_row = state.failed(gone.id, "HTTP 404 Not Found", permanent=True)
    state.failed(busy.id, "HTTP 503", permanent=False)
    assert gone_row.permanent and next_try(gone_row, 0.0, 5) is None
    assert [row.url for row in state.due(5, 0.0, now=10**12)] == ["https://site.ua/busy"]


def test_requeue_without_urls_leaves_permanent_failures_named_ones_are_queued(state):
    gone = state.add("https://site.ua/gone", "command line")
    state.failed(gone.id, "HTTP 404 Not Found", permanent=True)
    assert state.requeue() == 0
    assert state.requeue(["https://www.site.ua/gone?utm_source=x"]) == 1
    row = state.find("https://site.ua/gone")
    assert (row.status, row.permanent, row.queued, row.attempts) == ("pending", False, True, 0)
    state.done(row.id, state.path.parent / "a.txt", metadata())
    assert not state.find("https://site.ua/gone").queued, "taken: no longer queued"


def test_a_later_transient_failure_clears_permanent(state):
    row = state.add("https://site.ua/a", "config")
    state.failed(row.id, "HTTP 404 Not Found", permanent=True)
    assert not state.failed(row.id, "HTTP 503", permanent=False).permanent


def test_articles_newest_first_with_filters(state):
    rows = [state.add(f"https://site.ua/{n}", "config" if n % 2 else "command line") for n in range(4)]
    state.failed(rows[1].id, "HTTP 500")
    assert [r["url"] for r in state.articles()] == [f"https://site.ua/{n}" for n in (1, 3, 2, 0)]
    assert [r["url"] for r in state.articles(status="failed")] == ["https://site.ua/1"]
    assert [r["url"] for r in state.articles(source="config")] == ["https://site.ua/1", "https://site.ua/3"]
    assert len(state.articles(limit=2)) == 2


def test_describe_and_forget_match_by_url_key(state, tmp_path):
    original = state.add("https://site.ua/a", "config")
    copy = state.add("https://site.ua/b", "config")
    state.done(original.id, tmp_path / "a.txt", metadata("https://site.ua/canonical", title="A"))
    state.skipped(copy.id, state.find("https://site.ua/a"))
    described = state.describe("https://www.site.ua/a?fbclid=1#top", 1.0, 3)
    assert described["status"] == "done" and described["canonical_url"] == "https://site.ua/canonical"
    assert described["sidecar"] == str(tmp_path / "a.json")
    assert state.describe("https://site.ua/b", 1.0, 3)["duplicate_of"] == "https://site.ua/a"
    assert state.describe("https://site.ua/never", 1.0, 3) is None
    forgotten, unknown = state.forget(["https://site.ua/a?utm_source=x", "https://site.ua/never"])
    assert [row.url for row in forgotten] == ["https://site.ua/a"] and unknown == ["https://site.ua/never"]
    assert state.find("https://site.ua/a") is None and state.find("https://site.ua/b").status == "skipped"


def test_relocated_records_the_newest_path(state, tmp_path):
    row = state.add("https://site.ua/a", "config")
    state.done(row.id, tmp_path / "a" / "x.txt", metadata())
    state.relocated(row.id, tmp_path / "b" / "x.txt")
    assert state.find("https://site.ua/a").path == tmp_path / "b" / "x.txt"


# --- which failures are permanent ---


def fetch_status(status, content_type="text/html"):
    def answer(request):
        return httpx.Response(status, content=b"<p>x</p>", headers={"Content-Type": content_type})

    with httpx.Client(transport=httpx.MockTransport(answer), timeout=5) as client:
        return _net.download(client, "https://site.ua/a", 1 << 20)


@pytest.mark.parametrize(
    ("status", "permanent"), [(404, True), (410, True), (451, True), (403, False), (500, False)]
)
def test_http_statuses(status, permanent):
    with pytest.raises(FetchError) as caught:
        fetch_status(status)
    assert caught.value.permanent is permanent


@pytest.mark.parametrize("url", ["not a url", "ftp://site.ua/a", "https:///nohost", "http://[::1/"])
def test_urls_that_cannot_be_fetched_are_permanent(url):
    with httpx.Client() as client, pytest.raises(FetchError) as caught:
        _net.download(client, url, 1 << 20)
    assert caught.value.permanent


@pytest.mark.parametrize(("media_type", "permanent"), [("application/pdf", True), ("image/png", True)])
def test_content_types_that_are_not_articles_are_permanent(media_type, permanent):
    with pytest.raises(ExtractError) as caught:
        extract(b"%PDF-1.4", media_type, None, "https://site.ua/a", "https://site.ua/a")
    assert caught.value.permanent is permanent


def test_no_article_text_is_not_permanent():
    with pytest.raises(ExtractError) as caught:
        extract(b"<html><body><nav>x</nav></body></html>", "text/html", "utf-8", "https://site.ua/a", None)
    assert not caught.value.permanent
    assert not WarnewsError("anything").permanent


# --- an article made in another folder from its files ---

DOCUMENT = "date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google\n\nFirst.\n\nSecond.\n"
IDENTITY_ID = {"source_id": "https://site.ua/a"}


def saved(folder):
    folder.mkdir()
    return save(
        folder / "2024-01-11-a.txt", sample_document(DOCUMENT, title="A", sha256="0" * 64, **IDENTITY_ID)
    )


def test_copy_saved_makes_the_same_files_once(tmp_path):
    old = saved(tmp_path / "a")
    (tmp_path / "b").mkdir()
    path, made, metadata = copy_saved(old, tmp_path / "b")
    assert made and path == tmp_path / "b" / old.name and path.read_text() == DOCUMENT
    assert metadata["title"] == "A" and '"file": "2024-01-11-a.txt"' in path.with_suffix(".json").read_text()
    assert copy_saved(old, tmp_path / "b")[:2] == (path, False), "already there: not written again"


@pytest.mark.parametrize("damage", ["link", "no sidecar", "not a document", "sidecar not an object"])
def test_copy_saved_refuses_files_it_cannot_trust(tmp_path, damage):
    old = saved(tmp_path / "a")
    (tmp_path / "b").mkdir()
    sidecar = old.with_suffix(".json")
    if damage == "link":
        (tmp_path / "elsewhere.json").write_text(sidecar.read_text())
        sidecar.unlink()
        sidecar.symlink_to(tmp_path / "elsewhere.json")
    elif damage == "no sidecar":
        sidecar.unlink()
    elif damage == "not a document":
        old.write_text("hello\n")
    else:
        sidecar.write_text("[1, 2]")
    assert copy_saved(old, tmp_path / "b") is None
    assert list((tmp_path / "b").iterdir()) == []


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_an_older_database_is_upgraded_with_its_rows(tmp_path, version):
    import sqlite3

    from warnews._state import MIGRATIONS

    path = tmp_path / "state.sqlite3"
    database = sqlite3.connect(path)
    database.executescript(";".join(MIGRATIONS[:version]) + f"; PRAGMA user_version = {version};")
    database.execute(
        "INSERT INTO articles (url, url_key, source, status, attempts, created_at, updated_at)"
        " VALUES ('https://a.ua/x', 'a.ua/x', 'config', 'failed', 2, 1.0, 1.0)"
    )
    database.execute("INSERT INTO feeds (url, etag) VALUES ('https://a.ua/rss', '\"v\"')")
    database.execute(  # a done article: the upgrade gives it a day, the day of its last change
        "INSERT INTO articles (url, url_key, source, status, attempts, created_at, updated_at)"
        " VALUES ('https://a.ua/d', 'a.ua/d', 'config', 'done', 1, 1.0, 1704844800.0)"
    )
    database.commit()
    database.close()
    state = State(path)
    try:
        row = state.find("https://a.ua/x")
        assert row is not None and (row.status, row.attempts, row.permanent, row.queued) == (
            "failed",
            2,
            False,
            False,
        )
        assert (row.published, row.warning, row.post, row.reason) == (None, None, None, None)
        assert state.feed_memory("https://a.ua/rss") == (None, '"v"', None)
        assert state.channel_memory("https://a.ua/rss") == (None, 0)
    finally:
        state.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 7
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(articles)")}
    assert {"quality", "day"} <= columns  # the gate's verdict; the day the feed orders by
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {"paces", "records"} <= tables  # the pace each translator takes; the articles as saved
    days = dict(sqlite3.connect(path).execute("SELECT url, day FROM articles"))
    assert days == {"https://a.ua/x": None, "https://a.ua/d": "2024-01-10"}
    indexes = {row[1] for row in sqlite3.connect(path).execute("PRAGMA index_list(articles)")}
    assert "articles_source" in indexes  # a channel's rows are counted every run
