"""The Atom feed of translated articles (the `atom` setting) and `warnews export` (issue 15).

Every run here is the installed command against local feed and translator servers; the
feeds written are read back with feedparser."""

import csv
import io
import json
import os
import signal
import sqlite3
import time

import feedparser
from pages import article_page, rss, state_articles, ukrainian_paragraphs

TITLE = "Енергетики відновили світло у районі"


def add_articles(site, numbers, prefix="/news"):
    return [
        site.add(
            f"{prefix}/{n}",
            article_page(
                f"{TITLE} {n}", ukrainian_paragraphs(2, seed=n * 11), published=f"2024-01-0{1 + n % 9}"
            ),
        )
        for n in numbers
    ]


def config(tmp_path, feeds, **settings):
    lines = [
        f"feeds = {json.dumps(feeds)}",
        'out = "out"',
        *(f"{k} = {json.dumps(v)}" for k, v in settings.items()),
    ]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_each_run_that_saves_rewrites_the_feed_and_one_that_saves_nothing_leaves_it(
    run, site, google, tmp_path
):
    links = add_articles(site, range(3))
    feed = site.add("/rss.xml", rss(links), "application/rss+xml", headers={"ETag": '"v1"'})
    settings = config(tmp_path, [feed], atom="feeds/news.xml", atom_items=2)
    first = run("run", "--config", settings)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "feeds" / "news.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    # The newest two by publication date (2024-01-03, 2024-01-02), of the three saved.
    assert [entry.link for entry in parsed.entries] == [links[2], links[1]]
    entry = parsed.entries[0]
    assert entry.title == "Enerhetyky vidnovyly svitlo u rayoni 2"
    assert entry.published.startswith("2024-01-03") and entry.updated.startswith("20")
    (saved_path,) = (tmp_path / "out").glob("2024-01-03-*.txt")
    saved = saved_path.read_text()
    paragraphs = saved.rstrip("\n").split("\n\n")
    assert entry.content[0].value == "".join(f"<p>{p}</p>" for p in paragraphs), "the file's whole text"
    assert {(tag.term, tag.label) for tag in entry.tags} == {("uk", "Ukrainian"), ("Google", "Google")}
    ids = {entry.link: entry.id for entry in parsed.entries}
    before = path.stat()
    unchanged = run("run", "--config", settings)  # the feed answers 304: nothing saved
    assert unchanged.returncode == 0, unchanged.stderr
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "not rewritten"
    newer = add_articles(site, [7])
    site.add("/rss.xml", rss([*links, *newer]), "application/rss+xml", headers={"ETag": '"v2"'})
    forced = run("run", "--config", settings, "--force")  # every article made again, and the new one
    assert forced.returncode == 0, forced.stderr
    parsed = feedparser.parse(path.read_bytes())
    assert [entry.link for entry in parsed.entries] == [newer[0], links[2]]
    assert parsed.entries[1].id == ids[links[2]], "an article made again keeps its id"
    assert len({entry.id for entry in parsed.entries}) == 2


def test_a_feed_that_cannot_be_written_is_one_error_and_the_articles_stay_saved(run, site, google, tmp_path):
    links = add_articles(site, range(2))
    feed = site.add("/rss.xml", rss(links), "application/rss+xml")
    (tmp_path / "taken").mkdir()
    result = run("feed", feed, "-o", "out", "--atom", "taken")
    assert result.returncode == 1
    assert result.stderr.startswith("warnews: error: the Atom feed was not written: cannot write ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert len(list((tmp_path / "out").glob("*.txt"))) == 2
    assert sorted(state_articles(tmp_path, "status").values()) == [("done",), ("done",)], "and recorded"
    # fetch --stdout keeps no state and writes no feed; fetch that saves writes it.
    printed = run("fetch", links[0], "--stdout", "--atom", "feed.xml")
    assert printed.returncode == 0 and not (tmp_path / "feed.xml").exists()
    more = add_articles(site, [5])
    fetched = run("fetch", more[0], "-o", "out", env={"WARNEWS_ATOM": "feed.xml"})
    assert fetched.returncode == 0, fetched.stderr
    assert len(feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries) == 3


def test_export_atom_jsonl_and_csv_with_filters(run, site, google, tmp_path):
    links = add_articles(site, range(4))
    feed = site.add("/rss.xml", rss(links), "application/rss+xml")
    other = add_articles(site, [8], prefix="/other")
    site.add("/broken", "<html><body>nothing here</body></html>")
    assert run("feed", feed, "-o", "out").returncode == 0
    assert run("fetch", other[0], site.url("/broken"), "-o", "out").returncode == 1

    everything = run("export")
    assert everything.returncode == 0, everything.stderr
    objects = [json.loads(line) for line in everything.stdout.splitlines()]
    assert len(objects) == 6
    listed = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert sorted(listed, key=lambda a: a["url"]) == sorted(
        ({key: obj[key] for key in listed[0]} for obj in objects), key=lambda a: a["url"]
    ), "list --json's keys and values"
    done = [obj for obj in objects if obj["status"] == "done"]
    assert [obj["file_published"] for obj in done] == [
        "2024-01-09",
        "2024-01-04",
        "2024-01-03",
        "2024-01-02",
        "2024-01-01",
    ]
    assert {(obj["made"], obj["language"], obj["engine"]) for obj in done} == {("2024-01-11", "uk", "Google")}

    chosen = run(
        "export", "--source", feed, "--since", "2024-01-02", "--until", "2024-01-03", "--format", "csv"
    )
    table = list(csv.DictReader(io.StringIO(chosen.stdout)))
    assert [row["url"] for row in table] == [links[2], links[1]]
    failed = run("export", "--status", "failed", "--format", "csv", "-o", "failed.csv")
    assert failed.returncode == 0 and failed.stdout == ""
    (row,) = csv.DictReader(io.StringIO((tmp_path / "failed.csv").read_text()))
    assert row["url"] == site.url("/broken") and row["error"]

    feed_out = run("export", "--format", "atom", "--limit", "3", "-o", "all.xml")
    assert feed_out.returncode == 0, feed_out.stderr
    parsed = feedparser.parse((tmp_path / "all.xml").read_bytes())
    assert parsed.bozo == 0 and [entry.link for entry in parsed.entries] == [other[0], links[3], links[2]]
    stdout_feed = feedparser.parse(run("export", "--format", "atom").stdout)
    assert len(stdout_feed.entries) == 5 and stdout_feed.feed.id == parsed.feed.id

    refused = run("export", "--format", "atom", "--status", "failed")
    assert refused.returncode == 2 and refused.stderr.startswith("warnews: error: an Atom feed holds done")
    bad_day = run("export", "--since", "yesterday")
    assert bad_day.returncode == 2 and "--since" in bad_day.stderr


def test_export_of_an_article_done_before_records_and_of_no_state(run, site, google, tmp_path):
    links = add_articles(site, range(2))
    assert run("fetch", *links, "-o", "out").returncode == 0
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    database.execute("DELETE FROM records")  # as a state made before schema 5 has them
    database.commit()
    database.close()
    kept = run("export", "--format", "atom")
    assert len(feedparser.parse(kept.stdout).entries) == 2 and kept.stderr == "", "made from the files"
    for path in (tmp_path / "out").glob("2024-01-01-*.txt"):
        os.unlink(path)
    left = run("export", "--format", "atom")
    assert left.returncode == 0 and len(feedparser.parse(left.stdout).entries) == 1
    assert left.stderr == (
        "warnews: warning: 1 done article left out of the feed: saved before warnews kept records"
        " (schema 5), and its file is gone\n"
    )
    assert len(run("export").stdout.splitlines()) == 2, "JSON Lines has every row, the record's keys null"

    nothing = run(
        "export",
        "--format",
        "atom",
        "-o",
        "none.xml",
        env={"WARNEWS_STATE": str(tmp_path / "nowhere" / "s.db")},
    )
    assert nothing.returncode == 0 and nothing.stdout == ""
    assert nothing.stderr.startswith("warnews: no state database at ")
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "none.xml").exists()


def test_a_hostile_title_comes_out_inert_in_csv_and_atom(run, site, google, tmp_path):
    hostile = '=HYPERLINK("http://evil") <script>alert(1)</script> Новина'
    page = site.add("/news/h", article_page(hostile, ukrainian_paragraphs(2), published="2024-01-05"))
    assert run("fetch", page, "-o", "out").returncode == 0
    (row,) = csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout))
    assert row["title"] == "'" + '=HYPERLINK("http://evil") <script>alert(1)</script> Novyna', (
        "text, not a formula"
    )
    text = run("export", "--format", "atom").stdout
    assert "<script" not in text
    (entry,) = feedparser.parse(text).entries
    assert entry.title == '=HYPERLINK("http://evil") <script>alert(1)</script> Novyna', "markup as text"


def test_a_stopped_run_puts_what_it_saved_in_the_feed(spawn, site, google, tmp_path):
    slow = site.never_answer("/slow")
    links = add_articles(site, range(3))
    (tmp_path / "urls.txt").write_text("\n".join([slow, *links]))
    process = spawn("fetch", "-i", "urls.txt", "-o", "out", "--atom", "feed.xml", "--concurrency", "4")
    deadline = time.monotonic() + 30
    while sorted(state_articles(tmp_path, "status").values()).count(("done",)) < 3:
        assert time.monotonic() < deadline and process.poll() is None, "the run never saved its three"
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 143
    assert sorted(
        entry.link for entry in feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries
    ) == sorted(links)
