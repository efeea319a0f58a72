"""What the state remembers and who acts on it (issue 11): one-off `fetch`es stay out of the
cron job, permanent failures are not retried, and `list`, `show`, `forget` and `retry` say
what warnews did with a URL. Every count is taken at the local servers.
"""

import json
import signal
import sqlite3
import time

import pytest
from pages import article_page, hold_lock, texts, ukrainian_paragraphs

TITLE = "Енергетики відновили світло у районі"
NOW = {"WARNEWS_RETRY_DELAY": "0", "WARNEWS_RETRIES": "0"}  # every failure is due at once


def article(site, path, seed=0, **page):
    return site.add(path, article_page(f"{TITLE} {seed}", ukrainian_paragraphs(3, seed=seed * 11), **page))


def write_config(tmp_path, urls=(), feeds=(), out="news"):
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"feeds = {json.dumps(list(feeds))}\nurls = {json.dumps(list(urls))}\nout = {json.dumps(out)}\n"
    )
    return config


def json_lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def rows(tmp_path):
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    database.row_factory = sqlite3.Row
    try:
        return {row["url"]: dict(row) for row in database.execute("SELECT * FROM articles ORDER BY id")}
    finally:
        database.close()


# --- 1. one-off fetches do not leak into the cron job ---


def test_a_failed_fetch_is_not_retried_by_run(run, site, tmp_path):
    config_url = article(site, "/news/config")
    broken = site.add("/news/broken", b"<h1>Busy</h1>", status=503)
    write_config(tmp_path, urls=[config_url])
    fetched = run("fetch", broken, "-o", "elsewhere", env=NOW)
    assert fetched.returncode == 1 and "HTTP 503" in fetched.stderr
    hits = site.hits["/news/broken"]
    for _ in range(2):
        cron = run("run", env=NOW)
        assert (cron.returncode, cron.stdout, cron.stderr) == (0, "", ""), "no mail about the one-off"
    assert site.hits["/news/broken"] == hits
    assert len(texts(tmp_path / "news")) == 1 and not (tmp_path / "news" / "broken").exists()
    again = run("fetch", broken, "-o", "elsewhere", env=NOW)
    assert again.returncode == 1 and site.hits["/news/broken"] == hits + 1, "fetch it again: tried again"


def test_run_retries_what_the_config_and_its_feeds_brought(run, site, tmp_path):
    site.fail_next["/news/0"] = site.fail_next["/news/1"] = 1
    links = [article(site, f"/news/{n}", seed=n) for n in range(2)]
    from pages import rss

    feed = site.add("/rss.xml", rss([links[1]]), "application/rss+xml")
    write_config(tmp_path, urls=[links[0]], feeds=[feed])
    first = run("run", env=NOW)
    assert first.returncode == 1 and len(first.stderr.splitlines()) == 2
    second = run("run", env=NOW)
    assert (second.returncode, second.stderr) == (0, ""), second.stderr
    assert len(texts(tmp_path / "news")) == 2


def test_a_url_fetched_first_then_put_in_the_config_is_retried_by_run(run, site, tmp_path):
    url = article(site, "/news/0")
    site.fail_next["/news/0"] = 1
    assert run("fetch", url, "-o", "news", env=NOW).returncode == 1
    write_config(tmp_path, urls=[url])
    cron = run("run", env=NOW)
    assert cron.returncode == 0, cron.stderr
    assert len(texts(tmp_path / "news")) == 1


def test_retry_queues_a_one_off_for_the_next_run(run, site, tmp_path):
    write_config(tmp_path, urls=[article(site, "/news/config", seed=1)])
    url = article(site, "/news/0")
    site.fail_next["/news/0"] = 1
    assert run("fetch", url, "-o", "news", env=NOW).returncode == 1
    queued = run("retry", url)
    assert queued.returncode == 0 and queued.stdout == "1 failed article queued for the next run\n"
    assert rows(tmp_path)[url]["queued"] == 1
    cron = run("run", env=NOW)
    assert cron.returncode == 0, cron.stderr
    assert site.hits["/news/0"] == 2 and len(texts(tmp_path / "news")) == 2
    assert rows(tmp_path)[url]["queued"] == 0 and rows(tmp_path)[url]["status"] == "done"


def test_an_interrupted_fetch_leaves_nothing_for_run(spawn, run, site, tmp_path):
    write_config(tmp_path, urls=[article(site, "/news/config")])
    slow = site.never_answer("/news/slow")
    process = spawn("fetch", slow, "-o", "news", "--timeout", "60")
    deadline = time.monotonic() + 30
    while site.hits["/news/slow"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.hits["/news/slow"] == 1
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 143
    cron = run("run", env=NOW)
    assert cron.returncode == 0, cron.stderr
    assert site.hits["/news/slow"] == 1, "the one-off was not taken by the cron job"


# --- permanent failures ---

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def permanent_and_not(site):
    permanent = {
        "not a url": "not a url",
        "ftp": "ftp://127.0.0.1/news.txt",
        "404": site.url("/gone"),
        "410": site.add("/removed", b"<h1>Gone</h1>", status=410),
        "451": site.add("/blocked", b"<h1>Unavailable</h1>", status=451),
        "pdf": site.add("/report.pdf", PDF, "application/pdf"),
        "image": site.add("/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
    }
    transient = {
        "503": site.add("/busy", b"<h1>Busy</h1>", status=503),
        "403": site.add("/forbidden", b"<h1>Forbidden</h1>", status=403),
        "429": site.add("/slow-down", b"<h1>Too many</h1>", status=429),
        "no text": site.add("/empty", "<html><body><nav>Меню</nav></body></html>"),
    }
    return permanent, transient


def test_permanent_failures_are_never_retried_automatically(run, site, tmp_path):
    permanent, transient = permanent_and_not(site)
    write_config(tmp_path, urls=[*permanent.values(), *transient.values()])
    first = run("run", env=NOW)
    assert first.returncode == 1
    assert len(first.stderr.splitlines()) == len(permanent) + len(transient)
    state = rows(tmp_path)
    assert {name: state[url]["permanent"] for name, url in permanent.items()} == dict.fromkeys(permanent, 1)
    assert {name: state[url]["permanent"] for name, url in transient.items()} == dict.fromkeys(transient, 0)
    hits = sum(site.hits.values())
    again = run("run", env=NOW)
    assert again.returncode == 1
    assert sorted(again.stderr.splitlines()) == sorted(
        line for line in first.stderr.splitlines() if any(url in line for url in transient.values())
    ), "only the failures that may pass are tried again"
    assert sum(site.hits.values()) == hits + len(transient)
    status = run("status", "--failures", "20", env=NOW)
    assert status.returncode == 0
    assert f"{permanent['404']}: HTTP 404 Not Found (1 try; permanent: will not be retried;" in status.stdout
    assert "permanent: will not be retried; warnews retry URL to try again" in status.stdout
    assert json.loads(run("status", "--json").stdout)["recent_failures"][0]["permanent"] in (True, False)


def test_fetch_tries_a_permanent_failure_again_and_retry_url_queues_it(run, site, tmp_path):
    url = site.url("/later")
    write_config(tmp_path, urls=[url])
    assert run("run", env=NOW).returncode == 1
    assert rows(tmp_path)[url]["permanent"] == 1
    assert run("fetch", url, "-o", "news", env=NOW).returncode == 1, "the user asked: tried"
    assert site.hits["/later"] == 2
    everything = run("retry")
    assert everything.returncode == 0
    assert everything.stdout == (
        "0 failed articles queued for the next run\n"
        "1 permanent failure left as it is (name its URL to retry it)\n"
    )
    assert run("run", env=NOW).returncode == 0 and site.hits["/later"] == 2
    article(site, "/later")
    named = run("retry", url)
    assert named.returncode == 0 and named.stdout == "1 failed article queued for the next run\n"
    assert rows(tmp_path)[url]["permanent"] == 0
    assert run("run", env=NOW).returncode == 0 and len(texts(tmp_path / "news")) == 1


# --- 3. retry says what a URL is ---


def test_retry_of_an_unknown_done_or_pending_url_says_what_it_is(run, site, tmp_path):
    done = article(site, "/news/0")
    assert run("fetch", done, "-o", "news").returncode == 0
    unknown = run("retry", site.url("/never"))
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert (
        unknown.stderr == f"warnews: error: {site.url('/never')}: not in the state database (never fetched)\n"
    )
    finished = run("retry", done + "?utm_source=x")
    assert finished.returncode == 0 and finished.stderr == ""
    assert finished.stdout.startswith(f"{done}?utm_source=x: done, not failed (")
    assert "news/" in finished.stdout and "0 failed" not in finished.stdout
    write_config(tmp_path, feeds=[], urls=[])
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    database.execute(
        "INSERT INTO articles (url, url_key, source, status, created_at, updated_at)"
        " VALUES ('https://a.example/p', 'a.example/p', 'config', 'pending', 0, 0)"
    )
    database.commit()
    database.close()
    pending = run("retry", "https://a.example/p")
    assert pending.returncode == 0
    assert pending.stdout == "https://a.example/p: pending, not failed (the next run takes it)\n"


# --- 2. list, show, forget ---


def test_list_shows_articles_newest_first_with_filters(run, site, tmp_path):
    links = [article(site, f"/news/{n}", seed=n) for n in range(3)]
    missing = site.url("/gone")
    result = run("fetch", links[0], missing, "-o", "news", "--concurrency", "1")
    assert result.returncode == 1
    assert run("fetch", links[1], links[2], "-o", "news", "--concurrency", "1").returncode == 0
    listing = run("list", "--json")
    assert listing.returncode == 0, listing.stderr
    records = json_lines(listing)
    assert [record["url"] for record in records] == [links[2], links[1], missing, links[0]]
    assert records[0]["status"] == "done" and records[0]["title"].startswith("Enerhetyky")
    assert records[0]["file"].endswith(".txt") and records[0]["source"] == "command line"
    assert records[2]["status"] == "failed" and records[2]["error"] == "HTTP 404 Not Found"
    failed = json_lines(run("list", "--status", "failed", "--json"))
    assert [record["url"] for record in failed] == [missing]
    assert len(json_lines(run("list", "--limit", "2", "--json"))) == 2
    assert json_lines(run("list", "--source", "feed", "--json")) == []
    text = run("list")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 4
    assert text.stdout.splitlines()[0].startswith("done\t")
    assert missing in text.stdout and "HTTP 404 Not Found" in text.stdout
    bad = run("list", "--status", "finished")
    assert (
        bad.returncode == 2 and bad.stderr.startswith("warnews: error:") and len(bad.stderr.splitlines()) == 1
    )


def test_show_says_everything_about_one_url(run, site, tmp_path):
    head = f'<link rel="canonical" href="{site.url("/articles/42")}">'
    page = article_page(TITLE, ukrainian_paragraphs(3), head=head)
    desktop = site.add("/articles/42", page)
    mobile = site.add("/m/articles/42", page)
    result = run("fetch", desktop, mobile, "-o", "news", "--concurrency", "1", "--json")
    assert [line["status"] for line in json_lines(result)] == ["done", "skipped"]
    shown = run("show", desktop + "?fbclid=xyz", "--json")
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["url"] == desktop and record["status"] == "done"
    assert record["canonical_url"] == desktop
    assert record["file"] == str(tmp_path / json_lines(result)[0]["path"])
    assert record["sidecar"] == record["file"][: -len(".txt")] + ".json"
    assert record["attempts"] == 1 and record["last_error"] is None and record["next_try"] is None
    duplicate = json.loads(run("show", mobile, "--json").stdout)
    assert duplicate["status"] == "skipped" and duplicate["duplicate_of"] == desktop
    text = run("show", mobile)
    assert (
        text.returncode == 0
        and f"duplicate of: {desktop}" in text.stdout
        and "status: skipped" in text.stdout
    )
    unknown = run("show", site.url("/never"))
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert (
        unknown.stderr == f"warnews: error: {site.url('/never')}: not in the state database (never fetched)\n"
    )


def test_show_a_failure_says_when_it_is_tried_again(run, site, tmp_path):
    busy = site.add("/busy", b"<h1>Busy</h1>", status=503)
    write_config(tmp_path, urls=[busy])  # what the config brought is retried (a one-off is not)
    assert run("run", "--retries", "0").returncode == 1
    record = json.loads(run("show", busy, "--json").stdout)
    assert record["status"] == "failed" and record["last_error"] == "HTTP 503 Service Unavailable"
    assert record["attempts"] == 1 and record["permanent"] is False and record["next_try"]
    text = run("show", busy).stdout
    assert "next try: after " in text and "last error: HTTP 503 Service Unavailable" in text


def test_forget_deletes_rows_so_urls_are_fetched_again(run, site, google, tmp_path):
    links = [article(site, f"/news/{n}", seed=n) for n in range(2)]
    first = run("fetch", *links, "-o", "news", "--concurrency", "1")
    paths = first.stdout.split()
    forgotten = run("forget", links[0] + "?utm_medium=social", site.url("/never"))
    assert forgotten.returncode == 1
    assert forgotten.stdout == f"forgotten: {links[0]} (its file stays: {tmp_path / paths[0]})\n"
    assert (
        forgotten.stderr
        == f"warnews: error: {site.url('/never')}: not in the state database (never fetched)\n"
    )
    assert (tmp_path / paths[0]).exists(), "files are left on disk"
    assert set(rows(tmp_path)) == {links[1]}
    again = run("fetch", *links, "-o", "news", "--concurrency", "1")
    assert again.returncode == 0 and site.hits["/news/0"] == 2 and site.hits["/news/1"] == 1
    assert again.stdout.split() == paths, "the same names, in input order: the files there are these"
    assert run("forget", links[1]).returncode == 0


def test_done_and_new_urls_are_printed_in_input_order(run, site, tmp_path):
    links = [article(site, f"/news/{n}", seed=n) for n in range(4)]
    first = run("fetch", links[1], links[3], "-o", "news")
    done = first.stdout.split()
    mixed = run("fetch", *links, "-o", "news", "--json")
    assert mixed.returncode == 0, mixed.stderr
    records = json_lines(mixed)
    assert [record["url"] for record in records] == links
    assert [record["status"] for record in records] == ["done", "skipped", "done", "skipped"]
    assert [records[1]["path"], records[3]["path"]] == done
    plain = run("fetch", *reversed(links), "-o", "news").stdout.split()
    assert [plain[2], plain[0]] == done and len(plain) == 4


def test_forget_of_the_original_of_a_duplicate(run, site, tmp_path):
    page = article_page(TITLE, ukrainian_paragraphs(3))
    links = [site.add("/a", page), site.add("/b", page)]
    assert run("fetch", *links, "-o", "news", "--concurrency", "1").returncode == 0
    result = run("forget", links[0])
    assert result.returncode == 0, result.stderr
    assert rows(tmp_path)[links[1]]["status"] == "skipped"


def test_forget_takes_the_lock_while_status_and_show_read(run, site, tmp_path):
    [url] = [article(site, "/news/0")]
    assert run("fetch", url, "-o", "news").returncode == 0
    handle = hold_lock(tmp_path)
    try:
        busy = run("forget", url)
        assert busy.returncode == 3 and "another warnews run" in busy.stderr and "--wait" in busy.stderr
        assert len(busy.stderr.splitlines()) == 1
        assert run("status").returncode == 0 and run("show", url).returncode == 0
        assert run("list").returncode == 0
    finally:
        handle.close()
    assert run("forget", url, "--wait").returncode == 0 and rows(tmp_path) == {}


# --- 4. the same article asked for in another folder ---


def test_fetch_into_another_folder_copies_what_is_known(run, site, google, tmp_path):
    url = article(site, "/news/0")
    first = run("fetch", url, "-o", "dirA", "--keep-original")
    assert first.returncode == 0, first.stderr
    [path_a] = first.stdout.split()
    assert path_a.startswith("dirA/")
    hits, requests = site.hits["/news/0"], google.count
    second = run("fetch", url, "-o", "dirB", "--json")
    assert second.returncode == 0 and second.stderr == ""
    [line] = json_lines(second)
    assert line["status"] == "done" and line["path"] == "dirB/" + path_a.split("/")[1]
    assert site.hits["/news/0"] == hits and google.count == requests, "made from what is known"
    b = tmp_path / line["path"]
    a = tmp_path / path_a
    assert b.read_text() == a.read_text()
    assert b.with_name(b.stem + ".uk.txt").read_text() == a.with_name(a.stem + ".uk.txt").read_text()
    meta_a, meta_b = (json.loads(p.with_suffix(".json").read_text()) for p in (a, b))
    assert meta_b["file"] == b.name and {**meta_b, "file": meta_a["file"]} == meta_a
    assert rows(tmp_path)[url]["output_path"] == str(b), "the row records the newest file"
    same = run("fetch", url, "-o", "dirB")
    assert (same.returncode, same.stdout, same.stderr) == (0, line["path"] + "\n", "")
    back = run("fetch", url, "-o", "dirA", "--json")
    assert [(entry["status"], entry["path"], entry["reason"]) for entry in json_lines(back)] == [
        ("skipped", path_a, "already done")
    ]
    assert site.hits["/news/0"] == hits and google.count == requests


def test_fetch_into_another_folder_after_the_file_is_gone_makes_it_again(run, site, tmp_path):
    url = article(site, "/news/0")
    [path_a] = run("fetch", url, "-o", "dirA").stdout.split()
    (tmp_path / path_a).unlink()
    again = run("fetch", url, "-o", "dirB")
    assert again.returncode == 0 and again.stdout == "dirB/" + path_a.split("/")[1] + "\n"
    assert site.hits["/news/0"] == 2


def test_changing_out_in_the_config_copies_too(run, site, google, tmp_path):
    url = article(site, "/news/0")
    write_config(tmp_path, out="old")
    [old] = run("fetch", url).stdout.split()
    write_config(tmp_path, out="new")
    requests = google.count
    moved = run("fetch", url)
    assert moved.returncode == 0 and moved.stdout == old.replace("old/", "new/") + "\n"
    assert google.count == requests and site.hits["/news/0"] == 1


def test_the_same_article_by_content_in_another_folder_is_copied(run, site, google, tmp_path):
    page = article_page(TITLE, ukrainian_paragraphs(3))
    first, second = site.add("/a", page), site.add("/copy", page)
    [path_a] = run("fetch", first, "-o", "dirA").stdout.split()
    requests = google.count
    result = run("fetch", second, "-o", "dirB", "--json")
    assert result.returncode == 0, result.stderr
    [line] = json_lines(result)
    assert (line["status"], line["path"]) == ("done", "dirB/" + path_a.split("/")[1])
    assert google.count == requests and (tmp_path / line["path"]).exists()
    same_folder = run("fetch", site.add("/copy2", page), "-o", "dirB", "--json")
    [again] = json_lines(same_folder)
    assert (again["status"], again["path"]) == ("skipped", line["path"])
    assert again["reason"] == f"same article as {first}", "the article's first URL"


@pytest.mark.parametrize("broken", ["sidecar", "damaged"])
def test_a_copy_that_cannot_be_made_from_the_old_files_is_made_again(run, site, tmp_path, broken):
    url = article(site, "/news/0")
    [path_a] = run("fetch", url, "-o", "dirA").stdout.split()
    sidecar = (tmp_path / path_a).with_suffix(".json")
    if broken == "sidecar":
        sidecar.unlink()
    else:
        (tmp_path / path_a).write_text("not an article\n")
    again = run("fetch", url, "-o", "dirB", "--json")
    assert again.returncode == 0, again.stderr
    assert json_lines(again)[0]["status"] == "done" and site.hits["/news/0"] == 2


def test_list_and_show_before_anything_ran(run, tmp_path):
    listing = run("list")  # as status: nothing yet is no error
    assert listing.returncode == 0 and listing.stdout == ""
    assert (
        listing.stderr.startswith("warnews: no state database at ")
        and listing.stderr.endswith(" yet: nothing has run\n")
        and len(listing.stderr.splitlines()) == 1
    )
    assert run("list", "--json").stdout == ""
    shown = run("show", "https://a.example/p")
    assert (shown.returncode, shown.stdout) == (1, "")
    assert shown.stderr == "warnews: error: https://a.example/p: not in the state database (never fetched)\n"
    forgotten = run("forget", "https://a.example/p")
    assert forgotten.returncode == 1 and len(forgotten.stderr.splitlines()) == 1
    assert not (tmp_path / "state" / "state.sqlite3").exists(), "reading makes no database"


def test_an_interrupted_fetch_is_taken_by_the_next_fetch_of_that_url(run, site, tmp_path):
    url = article(site, "/news/0")
    database_path = tmp_path / "state" / "state.sqlite3"
    assert run("forget", url).returncode == 1
    run("retry")  # makes the database
    database = sqlite3.connect(database_path)
    database.execute(
        "INSERT INTO articles (url, url_key, source, status, created_at, updated_at)"
        " VALUES (?, ?, 'command line', 'pending', 0, 0)",
        (url, url.split("://")[1]),
    )
    database.commit()
    database.close()
    pending = run("retry", url)
    assert pending.stdout == f"{url}: pending, not failed (a one-off: warnews fetch URL takes it)\n"
    assert run("fetch", url, "-o", "news").returncode == 0 and site.hits["/news/0"] == 1


# --- found by a second pair of eyes ---


def test_a_name_that_is_no_url_leaves_a_real_rows_state_alone(run, site, tmp_path):
    # State keys ignore the scheme: "localhost:PORT/news/p.html" (no scheme, no dotted host:
    # taken for a file name) has the key of the config's http://localhost:PORT/news/p.html.
    site.add("/news/p.html", b"<h1>Busy</h1>", status=503)
    config_url = site.url("/news/p.html").replace("127.0.0.1", "localhost")
    write_config(tmp_path, urls=[config_url])
    assert run("run", env=NOW).returncode == 1
    typo = config_url.removeprefix("http://")
    fetched = run("fetch", typo, env=NOW)
    assert fetched.returncode == 1 and fetched.stderr.startswith(f"warnews: error: {typo}: ")
    assert list(rows(tmp_path)) == [config_url], "the typo got no row"
    row = rows(tmp_path)[config_url]
    assert (row["attempts"], row["permanent"]) == (1, 0), "the config's row is as its run left it"
    assert run("run", env=NOW).returncode == 1 and site.hits["/news/p.html"] == 2, "still retried"


def test_a_url_taken_out_of_the_config_is_no_longer_retried(run, site, tmp_path):
    broken = site.add("/news/broken", b"<h1>Busy</h1>", status=503)
    good = article(site, "/news/good")
    write_config(tmp_path, urls=[broken])
    assert run("run", env=NOW).returncode == 1 and site.hits["/news/broken"] == 1
    write_config(tmp_path, urls=[good])
    cron = run("run", env=NOW)
    assert (cron.returncode, cron.stderr) == (0, "") and site.hits["/news/broken"] == 1


def test_a_one_off_failure_shows_no_next_try(run, site, tmp_path):
    broken = site.add("/news/broken", b"<h1>Busy</h1>", status=503)
    assert run("fetch", broken, env=NOW).returncode == 1
    shown = run("show", broken)
    assert "next try: a one-off: tried again when fetched again, or named to warnews retry" in shown.stdout
    assert json.loads(run("show", broken, "--json").stdout)["next_try"] is None
    status = run("status")
    assert f"{broken}: HTTP 503 Service Unavailable (1 try; a one-off" in status.stdout


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["list", "--limit", "abc"], "bad value for --limit: expected a whole number, not 'abc'"),
        (["list", "--limit", "0"], "bad value for --limit: must be at least 1"),
        (["status", "--failures", "-1"], "bad value for --failures: must be at least 0"),
        (["cache", "clear", "--unused-days", "nan"], "bad value for --unused-days: must be at least 0"),
    ],
)
def test_numbers_of_options_are_refused_in_warnewss_words(run, command, expected):
    result = run(*command)
    assert (result.returncode, result.stderr) == (2, f"warnews: error: {expected}\n")
    for name in ("status", "list"):
        assert "[x>=" not in run(name, "-h").stdout
