"""The provenance line never lies: the publication date is one the source gave (or the
line says it is unknown), the credit reads right on every kind of file, and an engine's
fallback is visible wherever the article's outcome is."""

import json
import re
import sqlite3
import time
from datetime import date, timedelta
from email.utils import formatdate
from html import escape

import pytest
from pages import article_page, state_articles, ukrainian_paragraphs
from translators import DeepLEmulator

TITLE = "Енергетики відновили світло у районі"
ENGLISH = [
    "Russian troops refused to attack on the southern front, a military spokesman said on Wednesday.",
    "About forty soldiers left their trenches and tried to flee towards occupied Crimea, he added.",
    "The Defence Forces expect the number of prisoners to grow in the coming weeks due to frost.",
]
# One whitespace-separated field per position, whatever is known: awk '{print $3}' is the date.
LINE = re.compile(r"date \d{4}-\d{2}-\d{2} (\d{2}/\d{2}/\d{4}|unknown) \u2013 \S.*")


def saved(result, tmp_path):
    assert result.returncode == 0, result.stderr
    [name] = result.stdout.splitlines()
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert LINE.fullmatch(text.split("\n")[0]), text.split("\n")[0]
    return path, text.split("\n")[0], json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def rss_with_dates(items):
    """RSS 2.0 of (link, pubDate or None) items."""
    entries = "".join(
        f"<item><title>Новина {number}</title><link>{escape(link)}</link>"
        + (f"<pubDate>{day}</pubDate>" if day else "")
        + "</item>"
        for number, (link, day) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новини</title>'
        f"<link>https://news.example/</link><description>Стрічка</description>{entries}</channel></rss>"
    )


def atom_updated_only(link, updated):
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Новини</title>'
        f"<id>urn:feed</id><updated>{updated}</updated><entry><title>Новина</title><id>urn:n:1</id>"
        f'<link href="{escape(link)}"/><updated>{updated}</updated></entry></feed>'
    )


def page(published=None, paragraphs=None, title=TITLE):
    return article_page(title, paragraphs or ukrainian_paragraphs(3), published=published)


# --- 1. the date ---


def test_an_unknown_date_is_said_plainly_not_replaced_by_the_made_day(run, site, tmp_path):
    url = site.add("/news/undated", page())
    path, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line == "date 2024-01-11 unknown – Translated from Ukrainian via Google"
    assert (meta["published"], meta["published_from"], meta["made"]) == (None, None, "2024-01-11")
    assert path.name.startswith("2024-01-11-"), "the name falls back to the made day"


def test_the_pages_own_date_comes_first(run, site, tmp_path):
    url = site.add("/news/dated", page(published="2024-01-10"))
    path, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line == "date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google"
    assert (meta["published"], meta["published_from"]) == ("2024-01-10", "page")
    assert path.name.startswith("2024-01-10-")


def test_a_feed_items_date_is_used_when_the_page_has_none(run, site, tmp_path):
    undated = site.url("/news/from-feed")
    site.add("/news/from-feed", page())
    site.add(
        "/rss.xml", rss_with_dates([(undated, "Tue, 09 Jan 2024 21:30:00 +0200")]), "application/rss+xml"
    )
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    path = tmp_path / record["path"]
    assert (
        path.read_text().split("\n")[0] == "date 2024-01-11 01/09/2024 – Translated from Ukrainian via Google"
    )
    meta = json.loads(path.with_suffix(".json").read_text())
    assert (meta["published"], meta["published_from"]) == ("2024-01-09", "feed")
    assert path.name.startswith("2024-01-09-")
    assert state_articles(tmp_path, "published")[undated] == ("2024-01-09",), "kept for later runs"


def test_the_pages_date_wins_over_the_feeds(run, site, tmp_path):
    dated = site.url("/news/both")
    site.add("/news/both", page(published="2024-01-10"))
    site.add("/rss.xml", rss_with_dates([(dated, "Mon, 08 Jan 2024 09:00:00 +0200")]), "application/rss+xml")
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    meta = json.loads((tmp_path / record["path"]).with_suffix(".json").read_text())
    assert (meta["published"], meta["published_from"]) == ("2024-01-10", "page")


def test_an_atom_entry_with_only_updated_gives_its_date(run, site, tmp_path):
    link = site.url("/news/atom")
    site.add("/news/atom", page())
    site.add("/atom.xml", atom_updated_only(link, "2024-01-08T23:10:00+02:00"), "application/atom+xml")
    result = run("feed", site.url("/atom.xml"), "-o", "out", "--json")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    path = tmp_path / record["path"]
    assert " 01/08/2024 " in path.read_text().split("\n")[0], "the day as the feed wrote it, not UTC's"
    assert json.loads(path.with_suffix(".json").read_text())["published_from"] == "feed"


def test_an_item_without_a_date_stays_unknown(run, site, tmp_path):
    link = site.url("/news/no-date")
    site.add("/news/no-date", page())
    site.add("/rss.xml", rss_with_dates([(link, None)]), "application/rss+xml")
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert " unknown – " in (tmp_path / record["path"]).read_text().split("\n")[0]
    assert state_articles(tmp_path, "published")[link] == (None,)


def test_last_modified_is_the_last_resort(run, site, tmp_path):
    url = site.add("/news/lm", page(), headers={"Last-Modified": "Tue, 09 Jan 2024 08:00:00 GMT"})
    _, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert " 01/09/2024 " in line
    assert (meta["published"], meta["published_from"]) == ("2024-01-09", "last-modified")


def test_last_modified_of_a_page_made_now_says_nothing(run, site, tmp_path):
    """A page generated for this request says Last-Modified: now (the Date header)."""
    url = site.add("/news/now", page(), headers={"Last-Modified": formatdate(usegmt=True)})
    _, line, meta = saved(run("fetch", url, "-o", "out", env={"SOURCE_DATE_EPOCH": ""}), tmp_path)
    assert line.split()[2] == "unknown" and meta["published_from"] is None


@pytest.mark.parametrize("day", ["1970-01-01", "2999-01-01", "next month"])
def test_absurd_or_future_page_dates_are_refused(run, site, tmp_path, day):
    if day == "next month":
        day = (date.today() + timedelta(days=30)).isoformat()
    url = site.add("/news/odd", page(published=day))
    _, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line.split()[2] == "unknown" and (meta["published"], meta["published_from"]) == (None, None)


@pytest.mark.parametrize(
    "when",
    ["Thu, 01 Jan 1970 00:00:00 +0000", "Tue, 01 Jan 2999 00:00:00 +0000", "next month"],
)
def test_absurd_or_future_feed_dates_are_refused(run, site, tmp_path, when):
    if when == "next month":
        when = formatdate(time.time() + 30 * 86400, usegmt=True)
    link = site.url("/news/odd")
    site.add("/news/odd", page())
    site.add("/rss.xml", rss_with_dates([(link, when)]), "application/rss+xml")
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    path = tmp_path / record["path"]
    assert path.read_text().split()[2] == "unknown"
    assert json.loads(path.with_suffix(".json").read_text())["published_from"] is None


@pytest.mark.parametrize("when", ["Thu, 01 Jan 1970 00:00:00 GMT", "Tue, 01 Jan 2999 00:00:00 GMT"])
def test_absurd_or_future_last_modified_is_refused(run, site, tmp_path, when):
    url = site.add("/news/odd", page(), headers={"Last-Modified": when})
    _, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line.split()[2] == "unknown" and meta["published_from"] is None


def test_a_date_after_a_made_day_fixed_in_the_past_is_not_the_future(run, site, tmp_path):
    """SOURCE_DATE_EPOCH fixes the made day for reproducible files, not the present."""
    url = site.add("/news/later", page(published="2024-02-03"))
    _, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line.startswith("date 2024-01-11 02/03/2024 ") and meta["published_from"] == "page"


def test_the_made_day_is_source_date_epochs(run, site, tmp_path):
    url = site.add("/news/undated", page())
    path, line, _ = saved(run("fetch", url, "-o", "out", env={"SOURCE_DATE_EPOCH": "1717200000"}), tmp_path)
    assert line.startswith("date 2024-06-01 unknown – ") and path.name.startswith("2024-06-01-")


def test_a_local_text_file_has_no_known_date(run, tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(TITLE + "\n\n" + "\n\n".join(ukrainian_paragraphs(2)) + "\n", encoding="utf-8")
    _, line, meta = saved(run("translate", source, "-o", "out"), tmp_path)
    assert line.split()[2] == "unknown" and meta["published_from"] is None


def test_a_local_html_file_gives_its_own_date(run, tmp_path):
    source = tmp_path / "saved.html"
    source.write_text(page(published="2024-01-05"), encoding="utf-8")
    _, line, meta = saved(run("translate", source, "-o", "out"), tmp_path)
    assert line.split()[2] == "01/05/2024" and meta["published_from"] == "page"


def test_stdout_documents_say_unknown_too(run, site):
    url = site.add("/news/undated", page())
    result = run("fetch", url, "--stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("date 2024-01-11 unknown – Translated from Ukrainian via Google\n\n")


# --- 2. the credit ---

CREDITS = {
    ("translated", None): "– Translated from Ukrainian via Google",
    ("translated", "OFP"): "– Translated from Ukrainian via Google and OFP",
    ("english", None): "– Original in English",
    ("english", "OFP"): "– Original in English, via OFP",
    ("kept", None): "– Original in Ukrainian",
    ("kept", "OFP"): "– Original in Ukrainian, via OFP",
}


@pytest.mark.parametrize(("kind", "credit"), CREDITS)
def test_the_credit_reads_right_on_every_kind_of_file(run, site, tmp_path, kind, credit):
    if kind == "english":
        url = site.add("/en", page("2024-01-10", ENGLISH, "Occupiers refuse to attack"))
    else:
        url = site.add("/uk", page("2024-01-10"))
    flags = [*(["--credit", credit] if credit else []), *(["--keep-original"] if kind == "kept" else [])]
    path, line, _ = saved(run("fetch", url, "-o", "out", *flags), tmp_path)
    if kind == "kept":
        line = path.with_name(path.stem + ".uk.txt").read_text().split("\n")[0]
    assert line == f"date 2024-01-11 01/10/2024 {CREDITS[kind, credit]}"


# --- 3. an engine's fallback ---

BAD_KEY = "deepl-dead-key-8c2b:fx"


@pytest.fixture
def deepl():
    with DeepLEmulator(key="deepl-right-key:fx") as server:
        yield server


def test_a_fallback_is_visible_everywhere_and_never_shows_the_key(run, site, deepl, tmp_path):
    urls = [site.add(f"/news/{n}", page("2024-01-10", ukrainian_paragraphs(2, seed=n))) for n in range(3)]
    env = {"WARNEWS_DEEPL_URL": deepl.origin, "WARNEWS_DEEPL_KEY": BAD_KEY}
    log = tmp_path / "warnews.log"
    flags = ("--engine", "deepl,google", "--concurrency", "1", "--log-file", log)
    result = run("fetch", *urls, "-o", "out", "--json", *flags, env=env)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["engine"] for r in records] == ["Google"] * 3
    # One line for the failure itself, saying the engine is off for the rest of the run;
    # the articles after it were never offered to DeepL, so they have nothing to warn about.
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warnews: warning: {urls[0]}: DeepL failed (")
    assert warning.endswith("); translated by Google; DeepL is not tried again in this run")
    assert "key" in warning
    for record in records:
        [fallback] = record["fallback"]
        assert fallback["engine"] == "deepl" and fallback["error"]
    for record in records:
        meta = json.loads((tmp_path / record["path"]).with_suffix(".json").read_text())
        assert meta["engine"] == "Google" and meta["fallback"] == record["fallback"]
        assert (tmp_path / record["path"]).read_text().split("\n")[0].endswith("via Google")
    warnings = state_articles(tmp_path, "warning")
    assert all(warnings[url][0] and "DeepL" in warnings[url][0] for url in urls)

    status = run("status")
    assert status.returncode == 0, status.stderr
    assert "recent warnings:" in status.stdout and f"{urls[0]}: DeepL failed" in status.stdout
    summary = json.loads(run("status", "--json").stdout)
    assert {row["url"] for row in summary["recent_warnings"]} == set(urls)

    seen = result.stdout + result.stderr + status.stdout + log.read_text()
    assert BAD_KEY not in seen and BAD_KEY[:10] not in seen
    for path in (tmp_path / "out").iterdir():
        assert BAD_KEY not in path.read_text(encoding="utf-8", errors="replace")
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    try:
        assert BAD_KEY not in "\n".join(map(str, database.execute("SELECT * FROM articles").fetchall()))
    finally:
        database.close()


def test_a_fallback_after_a_passing_failure_warns_for_that_article(run, site, deepl, tmp_path):
    deepl.mode = "error500"
    url = site.add("/news/x", page("2024-01-10"))
    env = {"WARNEWS_DEEPL_URL": deepl.origin, "WARNEWS_DEEPL_KEY": "deepl-right-key:fx"}
    result = run("fetch", url, "-o", "out", "--engine", "deepl,google", "--retries", "0", env=env)
    assert result.returncode == 0
    [line] = [line for line in result.stderr.splitlines()]
    assert line.startswith(f"warnews: warning: {url}: DeepL failed (") and "HTTP 500" in line
    assert line.endswith("); translated by Google"), "one failure does not take an engine out of the run"
    meta = json.loads((tmp_path / result.stdout.strip()).with_suffix(".json").read_text())
    assert [f["engine"] for f in meta["fallback"]] == ["deepl"]


def test_no_fallback_no_warning(run, site, deepl, tmp_path):
    url = site.add("/news/ok", page("2024-01-10"))
    env = {"WARNEWS_DEEPL_URL": deepl.origin, "WARNEWS_DEEPL_KEY": "deepl-right-key:fx"}
    result = run("fetch", url, "-o", "out", "--json", "--engine", "deepl,google", env=env)
    assert result.returncode == 0 and result.stderr == ""
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["engine"] == "DeepL" and record["fallback"] == []
    meta = json.loads((tmp_path / record["path"]).with_suffix(".json").read_text())
    assert meta["fallback"] == []
    assert state_articles(tmp_path, "warning")[url] == (None,)


def test_a_fallback_with_stdout_still_warns(run, site, deepl):
    url = site.add("/news/s", page("2024-01-10"))
    env = {"WARNEWS_DEEPL_URL": deepl.origin, "WARNEWS_DEEPL_KEY": BAD_KEY}
    result = run("fetch", url, "--stdout", "--engine", "deepl,google", env=env)
    assert result.returncode == 0 and result.stdout.startswith("date 2024-01-11 01/10/2024 ")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warnews: warning: {url}: DeepL failed (") and BAD_KEY not in line


# --- 4. dates read from the page's words ---

GENITIVE = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()


def bylined(written, seed=0):
    """An article page whose only date is its byline's, below the headline."""
    return page(paragraphs=ukrainian_paragraphs(3, seed=seed)).replace(
        "</h1>", f"</h1><div class='article__date'>{written}</div>", 1
    )


def test_a_date_without_a_year_is_the_latest_before_the_crawl(run, site, tmp_path):
    earlier = date.today() - timedelta(days=40)  # a year-less date 40 days back: this year's or last
    url = site.add("/news/yearless", bylined(f"{earlier.day} {GENITIVE[earlier.month - 1]}, 14:05"))
    _, line, meta = saved(run("fetch", url, "-o", "out"), tmp_path)
    assert line.split()[2] == f"{earlier:%m/%d/%Y}"
    assert (meta["published"], meta["published_from"], meta["published_evidence"]) == (
        earlier.isoformat(),
        "page",
        "text",
    )


def test_the_feed_items_date_comes_before_a_date_read_from_the_page_not_one_it_states(run, site, tmp_path):
    read = site.url("/news/read")
    site.add("/news/read", bylined("8 січня, 10:00", seed=5))
    stated = site.url("/news/stated")
    site.add("/news/stated", page(published="2024-01-10"))
    items = [(read, "Tue, 09 Jan 2024 21:30:00 +0200"), (stated, "Mon, 08 Jan 2024 09:00:00 +0200")]
    site.add("/rss.xml", rss_with_dates(items), "application/rss+xml")
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    found = {}
    for record in map(json.loads, result.stdout.splitlines()):
        path = tmp_path / record["path"]
        meta = json.loads(path.with_suffix(".json").read_text())
        found[record["url"]] = (
            path.read_text().split()[2],
            meta["published_from"],
            meta["published_evidence"],
        )
    assert found == {read: ("01/09/2024", "feed", None), stated: ("01/10/2024", "page", "meta")}
