"""Review of issue 15's Atom feed: what a demanding user found broken."""

import json
import sqlite3
import tracemalloc
import zlib
from datetime import date

import feedparser
from test_export import make

from warnews._export import load, pack, write_atom
from warnews._state import State


def test_rewriting_the_feed_holds_only_the_newest_articles_not_the_whole_history(tmp_path):
    # A cron job's state grows by thousands of articles a year; every run that saves one
    # rewrites the feed of the newest few: its memory must not grow with the history.
    database = State(tmp_path / "state.sqlite3")
    database.close()
    history = 1500
    connection = sqlite3.connect(tmp_path / "state.sqlite3")
    body = tuple(f"Paragraph {n} of a long article, " + "with words " * 120 for n in range(8))
    template = json.loads(
        zlib.decompress(pack(make("https://site.ua/0", paragraphs=body), tmp_path / "0.txt", 0))
    )
    rows = []
    for number in range(history):
        url = f"https://site.ua/{number}"
        day = date.fromordinal(date(2020, 1, 1).toordinal() + number).isoformat()
        sidecar = {**template["sidecar"], "url": url, "source_id": url, "published": day}
        record = {**template, "sidecar": sidecar, "saved_at": 1_700_000_000.0 + number}
        blob = zlib.compress(json.dumps(record).encode())
        rows.append(
            (
                number + 1,
                url,
                url,
                "config",
                "done",
                str(tmp_path / f"{number}.txt"),
                1.0,
                1.0 + number,
                day,
                blob,
            )
        )
    connection.executemany(
        "INSERT INTO articles (id, url, url_key, source, status, output_path, created_at, updated_at, day)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row[:-1] for row in rows],
    )
    connection.executemany(
        "INSERT INTO records (article, record) VALUES (?, ?)", [(row[0], row[-1]) for row in rows]
    )
    connection.commit()
    connection.close()
    one = len(zlib.decompress(rows[0][-1]))
    database = State(tmp_path / "state.sqlite3")
    try:
        tracemalloc.start()
        write_atom(database, tmp_path / "feed.xml", 5)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        everything = list(load(database, "done"))
    finally:
        database.close()
    assert len({item.article["url"] for item in everything}) == history, "read in pages, every row once"
    entries = feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries
    assert [entry.link for entry in entries] == [
        f"https://site.ua/{n}" for n in range(history - 1, history - 6, -1)
    ]
    assert peak < 400 * one, f"{peak:,} bytes at the peak for {history} records of {one:,} bytes"
