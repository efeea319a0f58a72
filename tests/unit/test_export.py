"""The record a done article keeps, and what is made of many: Atom (RFC 4287), JSON Lines, CSV (issue 15)."""

import csv
import io
import json
import re
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import feedparser
import pytest
from factories import metadata
from lxml import etree

from warnews._errors import StoreError
from warnews._export import (
    COLUMNS,
    ENGINE_SCHEME,
    LANGUAGE_SCHEME,
    Exported,
    atom,
    atom_feed,
    csv_text,
    feed_id,
    jsonl,
    load,
    pack,
    unpack,
    write_atom,
)
from warnews._model import Document
from warnews._render import document, header
from warnews._state import State
from warnews._store import HOST_MARK, save

A = "{http://www.w3.org/2005/Atom}"
# RFC 3339 date-time, as RFC 4287 3.3 requires it (an upper-case T and Z, or an offset).
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def make(
    url, title="Power restored", paragraphs=("First paragraph.", "Second one."), published=None, **changes
):
    meta = replace(
        metadata(url, sha256=url, title=title, paragraphs=len(paragraphs)),
        url=url,
        original_title=f"Оригінал {title}",
        published=published,
        **changes,
    )
    first = header(meta.made, published, "Ukrainian", "Google")
    return Document(document(first, list(paragraphs)), tuple(paragraphs), meta)


def item(url, saved_at=1_700_000_000.0, status="done", **fields):
    doc = make(url, **fields)
    article = {
        "url": url,
        "status": status,
        "permanent": False,
        "file": f"/out/{doc.stem}.txt",
        "title": doc.title,
        "published": None,
        "updated_at": saved_at,
        "source": "https://site.ua/rss.xml",
        "error": None,
        "reason": None,
    }
    return Exported(article, unpack(pack(doc, Path(article["file"]), saved_at)))


@pytest.fixture
def state(any_state):
    """A state in SQLite, then in PostgreSQL."""
    return any_state


@pytest.fixture
def sqlite_state(tmp_path):
    """A state in SQLite alone (the test reads its file)."""
    database = State(tmp_path / "state.sqlite3")
    yield database
    database.close()


def test_a_record_is_compressed_json_of_what_was_saved(tmp_path):
    doc = make("https://site.ua/a", published=date(2024, 1, 9))
    blob = pack(doc, tmp_path / "2024-01-09-power-restored.txt", 123.0)
    record = json.loads(zlib.decompress(blob))
    assert record["header"] == doc.text.split("\n")[0] and record["header"].startswith(
        "date 2024-01-11 01/09/2024"
    )
    assert record["paragraphs"] == list(doc.paragraphs) and record["saved_at"] == 123.0
    assert record["sidecar"]["file"] == "2024-01-09-power-restored.txt"
    assert record["sidecar"]["published"] == "2024-01-09"
    assert unpack(blob) == record
    assert (
        unpack(b"not zlib") is None
        and unpack(zlib.compress(b'{"sidecar": 1}')) is None
        and unpack(None) is None
    )


def test_done_keeps_the_record_and_a_relocation_keeps_it_too(state, tmp_path):
    row = state.add("https://site.ua/a", "config")
    doc = make("https://site.ua/a")
    state.done(row.id, tmp_path / "a.txt", doc.metadata, None, doc)
    state.relocated(row.id, tmp_path / "elsewhere" / "a.txt")
    (only,) = load(state)
    assert only.record is not None and only.record["paragraphs"] == list(doc.paragraphs)
    assert only.article["file"] == str((tmp_path / "elsewhere" / "a.txt").resolve())


def test_an_article_done_before_records_reads_its_files_while_they_are_there(state, tmp_path):
    doc = make("https://site.ua/old")
    path = save(tmp_path / "old.txt", doc)
    row = state.add("https://site.ua/old", "config")
    state.done(row.id, path, doc.metadata)  # as before schema 5: no document, no record
    (old,) = load(state)
    assert old.record is not None and old.record["header"] == doc.header
    assert old.record["paragraphs"] == list(doc.paragraphs)
    path.write_text(path.read_text() + "\n")  # no longer what warnews wrote
    assert next(load(state)).record is None
    path.unlink()
    assert next(load(state)).record is None


def test_the_atom_feed_is_valid_rfc_4287():
    items = [
        item("https://site.ua/b", published=date(2024, 1, 10), saved_at=1_704_900_000),
        item("https://site.ua/a", published=None, saved_at=1_704_800_000),
    ]
    text = atom(items, feed_id(Path("/tmp/state.sqlite3")))
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    root = etree.fromstring(text.encode())
    assert root.tag == f"{A}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    for name in ("id", "title", "updated"):  # 4.1.1: exactly one of each
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert root.findtext(f"{A}author/{A}name") == "warnews"
    assert root.findtext(f"{A}id").startswith("urn:uuid:")
    assert root.findtext(f"{A}updated") == "2024-01-10T15:20:00+00:00", "the newest entry's"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "content"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        for moment in [entry.findtext(f"{A}updated"), *[e.text for e in entry.findall(f"{A}published")]]:
            assert RFC3339.fullmatch(moment), moment
    first = parsed.entries[0]
    assert first.title == "Power restored" and first.link == "https://site.ua/b"
    assert first.published.startswith("2024-01-10T00:00:00")
    assert [link.rel for link in first.links] == ["alternate"]
    assert {(tag.term, tag.scheme) for tag in first.tags} == {
        ("uk", LANGUAGE_SCHEME),
        ("Google", ENGINE_SCHEME),
    }
    assert first.content[0].type == "text/html"
    content = first.content[0].value
    assert content.startswith("<p>date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google</p>")
    assert content.endswith("<p>First paragraph.</p><p>Second one.</p>")
    assert "published" not in parsed.entries[1], "an unknown publication date is not made up"


def test_entry_ids_are_stable_per_article_and_distinct_between_articles():
    same = item("https://www.site.ua/a?utm_source=x").entry_id
    assert item("http://site.ua/a", saved_at=1).entry_id == same, "made again, reached by another URL form"
    assert item("https://site.ua/b").entry_id != same
    text = atom([item("https://site.ua/a", saved_at=2), item("https://site.ua/a", saved_at=1)], "urn:x")
    assert len(feedparser.parse(text).entries) == 1, "one article is one entry"


def test_hostile_titles_and_text_come_out_inert():
    hostile = '<script>alert(1)</script> & "x" \x01\x1b[31m\x85 =HYPERLINK("http://evil")'
    bad = item("https://site.ua/h?a=1&b=<2>", title=hostile, paragraphs=("<img src=x onerror=alert(1)>",))
    text = atom([bad], "urn:x")
    assert "<script" not in text and "<img" not in text and "\x01" not in text and "\x1b" not in text
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0
    assert parsed.entries[0].title.startswith('<script>alert(1)</script> & "x" ')
    assert "&lt;img src=x" in parsed.entries[0].content[0].value, "markup in the text stays text in the HTML"
    rows = list(csv.reader(io.StringIO(csv_text([item("https://site.ua/f", title='=1+2,"x"\n@y')]))))
    assert rows[1][COLUMNS.index("title")] == '\'=1+2,"x"\n@y', "quoted whole, a formula made text"
    assert rows[1][COLUMNS.index("original_title")] == 'Оригінал =1+2,"x"\n@y', "not at the start: as it is"
    line = jsonl([bad])
    assert line.isascii() and json.loads(line)["title"] == hostile


def test_newest_first_by_publication_then_made_then_saved_and_filters(state, tmp_path):
    for name, published in (
        ("old", date(2024, 1, 1)),
        ("undated", None),  # made 2024-01-11
        ("new", date(2024, 1, 10)),
        ("new-later", date(2024, 1, 10)),
    ):
        row = state.add(f"https://site.ua/{name}", "config")
        doc = make(f"https://site.ua/{name}", published=published)
        state.done(row.id, tmp_path / f"{name}.txt", doc.metadata, None, doc)
    pending = state.add("https://site.ua/pending", "config")  # no day of its own: the day it changed
    assert pending.status == "pending"
    order = [entry.article["url"].rsplit("/", 1)[1] for entry in load(state)]
    assert order == ["pending", "undated", "new-later", "new", "old"]
    assert [e.article["url"] for e in load(state, since=date(2024, 1, 2), until=date(2024, 1, 10))] == [
        "https://site.ua/new-later",
        "https://site.ua/new",
    ]
    assert [e.article["url"] for e in load(state, "done", since=date(2024, 1, 11))] == [
        "https://site.ua/undated"
    ], "an article with no publication date: the day it was made"


def test_the_feed_reads_only_the_records_it_takes(state, tmp_path):
    """A state of many articles: the feed decompresses only its newest `count` records."""
    for number in range(250):
        row = state.add(f"https://site.ua/{number}", "config")
        doc = make(f"https://site.ua/{number}", published=date(2024, 1, 1 + number % 28))
        state.done(row.id, tmp_path / f"{number}.txt", doc.metadata, None, doc)
    unpacked = []
    import warnews._export as export

    real = export.unpack
    export.unpack = lambda blob: unpacked.append(blob) or real(blob)
    try:
        write_atom(state, tmp_path / "feed.atom", 10)
    finally:
        export.unpack = real
    assert len(unpacked) == 10, "as many as the feed takes, not all 250"
    parsed = feedparser.parse((tmp_path / "feed.atom").read_bytes())
    assert len(parsed.entries) == 10 and parsed.entries[0].published.startswith("2024-01-28")


def test_the_exported_feed_reads_as_many_records_as_it_takes_and_counts_those_left_out(state, tmp_path):
    """`warnews export --format atom` and the run's feed pick the same newest articles:
    a done article without a record (its files gone) is counted, and no record is read
    past the last one the feed takes."""
    for number in range(6):
        row = state.add(f"https://site.ua/{number}", "config")
        doc = make(f"https://site.ua/{number}", published=date(2024, 1, 10 - number))
        # the two newest were done before records were kept, and their files are gone
        state.done(row.id, tmp_path / f"{number}.txt", doc.metadata, None, None if number < 2 else doc)
    unpacked = []
    import warnews._export as export

    real = export.unpack
    export.unpack = lambda blob: unpacked.append(blob) or real(blob)
    try:
        text, left = atom_feed(state, 3)
    finally:
        export.unpack = real
    assert left == 2
    assert len([blob for blob in unpacked if blob]) == 3, "the records of the feed's three, no more"
    links = [entry.link for entry in feedparser.parse(text.encode()).entries]
    assert links == ["https://site.ua/2", "https://site.ua/3", "https://site.ua/4"]


def test_jsonl_and_csv_have_the_list_keys_and_the_records(state):
    row = state.add("https://site.ua/x", "config")
    failed = state.add("https://site.ua/y", "config")
    doc = make("https://site.ua/x", published=date(2024, 1, 9))
    state.done(row.id, state.path.parent / "x.txt", doc.metadata, None, doc)
    state.failed(failed.id, "HTTP 503")
    items = list(load(state))
    objects = [json.loads(line) for line in jsonl(items).splitlines()]
    listed = {article["url"]: article for article in state.articles()}
    for obj in objects:
        assert list(obj) == list(COLUMNS)
        assert {key: obj[key] for key in listed[obj["url"]]} == listed[obj["url"]]
    done = next(obj for obj in objects if obj["status"] == "done")
    assert (done["made"], done["language"], done["engine"], done["file_published"]) == (
        "2024-01-11",
        "uk",
        "Google",
        "2024-01-09",
    )
    assert done["original_title"] == "Оригінал Power restored"
    other = next(obj for obj in objects if obj["status"] == "failed")
    assert other["error"] == "HTTP 503" and other["engine"] is None
    table = list(csv.DictReader(io.StringIO(csv_text(items))))
    assert [row["url"] for row in table] == [obj["url"] for obj in objects]
    assert {row["status"]: row["permanent"] for row in table} == {"done": "false", "failed": "false"}


def test_write_atom_writes_the_newest_n_and_makes_its_folder(sqlite_state, tmp_path):
    state = sqlite_state  # its feed's id is its file's
    for number in range(3):
        row = state.add(f"https://site.ua/{number}", "config")
        doc = make(f"https://site.ua/{number}", published=date(2024, 1, 1 + number))
        state.done(row.id, tmp_path / f"{number}.txt", doc.metadata, None, doc)
    target = tmp_path / "feeds" / "news.xml"
    write_atom(state, target, 2)
    parsed = feedparser.parse(target.read_bytes())
    assert [entry.link for entry in parsed.entries] == ["https://site.ua/2", "https://site.ua/1"]
    assert parsed.feed.id == feed_id(state.path)


def test_a_record_warnews_did_not_make_is_an_error_not_a_traceback():
    tampered = item("https://site.ua/t")
    tampered.record["sidecar"]["title"] = 42
    with pytest.raises(StoreError, match="cannot make the Atom feed"):
        atom([tampered], "urn:x")


def test_a_wrong_atom_feed_is_refused_before_it_is_written():
    from warnews._export import atom_problem

    good = atom([item("https://site.ua/a"), item("https://site.ua/b")], "urn:uuid:x")
    assert atom_problem(good, 2) is None
    assert atom_problem(good, 3) == "has 2 entries for 3 articles"
    assert atom_problem(good[:-20], 2) == "is not well-formed XML"
    assert atom_problem(good.replace("<content", "<summary").replace("</content>", "</summary>"), 2) == (
        "has an entry without its title, updated, content or link"
    )
    first_id = re.search(r"<entry>\s*<id>([^<]+)</id>", good)[1]
    assert atom_problem(re.sub(r"(<entry>\s*<id>)[^<]+(</id>)", rf"\g<1>{first_id}\2", good), 2) == (
        "has an entry without an id of its own"
    )


def test_the_feed_of_a_long_history_reads_one_page_of_rows_through_the_index(sqlite_state, tmp_path):
    state = sqlite_state  # SQLite's query plan is read
    from warnews._state import _PAGE

    doc = make("https://site.ua/template")
    for number in range(_PAGE * 3):
        row = state.add(f"https://site.ua/{number}", "config")
        state.done(row.id, tmp_path / f"{number}.txt", doc.metadata, None, make(f"https://site.ua/{number}"))
    statements: list[str] = []
    state._db._db.set_trace_callback(statements.append)
    try:
        write_atom(state, tmp_path / "feed.atom", 10)
    finally:
        state._db._db.set_trace_callback(None)
    pages = [sql for sql in statements if sql.lstrip().startswith("SELECT *")]
    assert len(pages) == 1, "the newest page only, not the history"
    plan = [tuple(step) for step in state._db._db.execute("EXPLAIN QUERY PLAN " + pages[0])]
    assert "articles_newest" in str(plan) and "TEMP B-TREE" not in str(plan), plan
    # every page in order, none twice, when a reader goes on (export)
    urls = [article["url"] for article, _ in state.saved("done")]
    assert len(urls) == len(set(urls)) == _PAGE * 3


def test_the_temporary_file_of_a_writer_killed_while_writing_the_feed_is_removed(state, tmp_path):
    import os

    feeds = tmp_path / "public"
    feeds.mkdir()
    dead = 2**22 + 17  # no such process (pid_max is at most 2**22)
    left = feeds / f".news.xml.{dead}.{HOST_MARK}{'a' * 24}.warnews-tmp"
    alive = feeds / f".news.xml.{os.getpid()}.{HOST_MARK}{'b' * 24}.warnews-tmp"  # a writer at work: kept
    other = feeds / f".other.xml.{dead}.{HOST_MARK}{'c' * 24}.warnews-tmp"  # another file's: not this feed's
    for path in (left, alive, other):
        path.write_text("<feed")
    row = state.add("https://site.ua/a", "config")
    doc = make("https://site.ua/a")
    state.done(row.id, tmp_path / "a.txt", doc.metadata, None, doc)
    write_atom(state, feeds / "news.xml", 10)
    assert not left.exists() and alive.exists() and other.exists()
    assert feedparser.parse((feeds / "news.xml").read_bytes()).bozo == 0
