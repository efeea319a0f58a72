"""warnews unattended: feeds, the state database, many articles at once, locks and signals.

Every count here (article downloads, translator requests, 304s) is taken at the local servers.
"""

import json
import re
import signal
import sqlite3
import threading
import time

import pytest
from pages import article_page, at_a_terminal, atom, hold_lock, rss, texts, ukrainian_paragraphs

TITLE = "Енергетики відновили світло у районі"


def add_articles(site, count, prefix="/news", **page):
    return [
        site.add(f"{prefix}/{n}", article_page(f"{TITLE} {n}", ukrainian_paragraphs(3, seed=n * 11), **page))
        for n in range(count)
    ]


def leftovers(folder):
    return [path for path in folder.iterdir() if path.name.startswith(".")]


def json_lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def rows(tmp_path):
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    database.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in database.execute("SELECT * FROM articles ORDER BY id")]
    finally:
        database.close()


# --- feeds and the memory of what was done ---


def test_feed_rerun_costs_one_304_and_nothing_else(run, site, google, tmp_path):
    links = add_articles(site, 3)
    feed = site.add("/rss.xml", rss(links), "application/rss+xml", headers={"ETag": '"v1"'})
    first = run("feed", feed, "-o", "out")
    assert first.returncode == 0, first.stderr
    assert first.stdout == "" and first.stderr == "", "quiet when not at a terminal"
    assert len(texts(tmp_path / "out")) == 3
    downloads, requests = sum(site.hits.values()), google.count
    again = run("feed", feed, "-o", "out")
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
    assert sum(site.hits.values()) == downloads + 1, "only the feed is asked for"
    assert site.not_modified["/rss.xml"] == 1, "and it answers 304 Not Modified"
    assert google.count == requests, "no translator request the second time"
    assert len(texts(tmp_path / "out")) == 3


def test_feed_new_items_relative_links_and_items_without_links(run, site, tmp_path):
    links = add_articles(site, 3)
    feed = site.add("/atom.xml", atom(["/news/0", links[1]]), "application/atom+xml")
    assert run("feed", feed, "-o", "out").returncode == 0
    assert len(texts(tmp_path / "out")) == 2, "the relative link is resolved against the feed"
    site.add("/rss.xml", rss([links[0], None, links[2], links[2]]), "application/rss+xml")
    result = run("feed", site.url("/rss.xml"), "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    assert [(line["url"], line["status"]) for line in json_lines(result)] == [(links[2], "done")]
    assert site.hits["/news/0"] == 1 and site.hits["/news/2"] == 1


def test_feed_items_are_bounded_per_run_and_the_rest_left_for_later(run, site, tmp_path):
    links = add_articles(site, 5)
    feed = site.add("/rss.xml", rss(links), "application/rss+xml", headers={"ETag": '"v1"'})
    assert run("feed", feed, "-o", "out", "--feed-items", "2").returncode == 0
    assert len(texts(tmp_path / "out")) == 2
    assert run("feed", feed, "-o", "out", "--feed-items", "2").returncode == 0
    assert site.not_modified["/rss.xml"] == 0, "a feed read only in part is read again in full"
    assert len(texts(tmp_path / "out")) == 4
    assert run("feed", feed, "-o", "out", "--feed-items", "2").returncode == 0
    assert len(texts(tmp_path / "out")) == 5


def test_bad_feed_is_one_error_and_other_feeds_go_on(run, site, tmp_path):
    links = add_articles(site, 1)
    good = site.add("/rss.xml", rss(links), "application/rss+xml")
    bad = site.add("/bad.xml", "<?xml version='1.0'?><rss><channel><title>x</rss>", "application/rss+xml")
    result = run("feed", bad, good, "-o", "out")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warnews: error: {bad}: feed: not an RSS or Atom feed"), line
    assert len(texts(tmp_path / "out")) == 1


def test_fetch_skips_what_is_done_without_downloading_and_force_redoes(run, site, google, tmp_path):
    [url] = add_articles(site, 1)
    first = run("fetch", url, "-o", "out")
    assert first.returncode == 0 and site.hits["/news/0"] == 1
    requests = google.count
    again = run("fetch", url + "?utm_source=telegram&fbclid=abc", "-o", "out")
    assert again.returncode == 0 and again.stdout == first.stdout, "the same file's path, printed again"
    assert site.hits["/news/0"] == 1 and google.count == requests
    forced = run("fetch", url, "-o", "out", "--force")
    assert forced.returncode == 0 and forced.stdout == first.stdout
    assert site.hits["/news/0"] == 2 and google.count == requests, "translated from the memory"
    uncached = run("fetch", url, "-o", "out", "--force", "--no-cache")
    assert uncached.returncode == 0 and uncached.stdout == first.stdout
    assert site.hits["/news/0"] == 3 and google.count > requests
    assert len(texts(tmp_path / "out")) == 1


def test_deleted_file_is_made_again(run, site, tmp_path):
    [url] = add_articles(site, 1)
    [path] = run("fetch", url, "-o", "out").stdout.split()
    (tmp_path / path).unlink()
    assert run("fetch", url, "-o", "out").stdout.split() == [path]
    assert (tmp_path / path).exists() and site.hits["/news/0"] == 2


def test_same_article_by_several_urls_is_saved_once(run, site, google, tmp_path):
    head = '<link rel="canonical" href="https://news.example/articles/42">'
    page = article_page(TITLE, ukrainian_paragraphs(3), head=head)
    desktop = site.add("/articles/42", page)
    mobile = site.add("/m/articles/42", page.replace("Новини", "Новини (мобільна версія)"))
    redirect = site.redirect("/go/42", "/articles/42")
    copy = site.add("/copy", article_page(TITLE, ukrainian_paragraphs(3)))  # same text, no canonical
    result = run("fetch", desktop, mobile, redirect, copy, "-o", "out", "--json", "--concurrency", "1")
    assert result.returncode == 0, result.stderr
    lines = json_lines(result)
    assert [line["status"] for line in lines] == ["done", "skipped", "skipped", "skipped"]
    assert all(line["reason"] == f"same article as {desktop}" for line in lines[1:])
    assert len({line["path"] for line in lines}) == 1
    assert len(texts(tmp_path / "out")) == 1
    requests = google.count
    assert run("fetch", mobile, redirect, copy, "-o", "out").returncode == 0
    assert site.hits["/m/articles/42"] == 1 and site.hits["/copy"] == 1, "duplicates are remembered too"
    assert google.count == requests


# --- failures and retries ---


def test_failed_article_is_retried_later_with_a_growing_delay(run, site, google, tmp_path):
    links = add_articles(site, 2)
    feed = site.add("/rss.xml", rss(links), "application/rss+xml")
    google.mode = "error500"
    first = run("feed", feed, "-o", "out", "--retries", "0", "--json")
    assert first.returncode == 1
    assert [line["status"] for line in json_lines(first)] == ["failed", "failed"]
    assert len(first.stderr.splitlines()) == 2 and all(
        "HTTP 500" in line for line in first.stderr.splitlines()
    )
    google.mode = "ok"
    hits = sum(site.hits.values())
    soon = run("feed", feed, "-o", "out")
    assert soon.returncode == 0 and sum(site.hits.values()) == hits + 1, "not yet: the retry delay runs"
    later = run("feed", feed, "-o", "out", env={"WARNEWS_RETRY_DELAY": "0"})
    assert later.returncode == 0, later.stderr
    assert len(texts(tmp_path / "out")) == 2
    assert [(row["status"], row["attempts"], row["last_error"]) for row in rows(tmp_path)] == [
        ("done", 2, None)
    ] * 2


def test_attempts_are_bounded_and_retry_requeues(run, site, google, tmp_path):
    [url] = add_articles(site, 1)
    feed = site.add("/rss.xml", rss([url]), "application/rss+xml")
    google.mode = "error500"
    settings = {"WARNEWS_RETRIES": "0", "WARNEWS_MAX_ATTEMPTS": "2", "WARNEWS_RETRY_DELAY": "0"}
    assert run("feed", feed, "-o", "out", env=settings).returncode == 1
    assert run("feed", feed, "-o", "out", env=settings).returncode == 1
    hits = site.hits["/news/0"]
    assert run("feed", feed, "-o", "out", env=settings).returncode == 0
    assert site.hits["/news/0"] == hits, "two attempts, then no more"
    status = run("status", env=settings)
    assert status.returncode == 0
    assert "0 done, 1 failed" in status.stdout and "HTTP 500" in status.stdout
    assert "(2 tries; no more tries (warnews retry re-queues it))" in status.stdout
    google.mode = "ok"
    requeued = run("retry")
    assert requeued.returncode == 0 and requeued.stdout == "1 failed article queued for the next run\n"
    assert run("feed", feed, "-o", "out", env=settings).returncode == 0
    assert len(texts(tmp_path / "out")) == 1
    summary = json.loads(run("status", "--json").stdout)
    assert summary["articles"] == {"done": 1, "failed": 0, "skipped": 0, "pending": 0}
    assert summary["sources"][0]["source"] == feed
    assert summary["last_run"]["command"] == "feed" and summary["last_run"]["exit_code"] == 0


def test_one_failure_does_not_lose_the_others_and_json_lines_say_which(run, site, tmp_path):
    links = add_articles(site, 2)
    missing = site.url("/gone")
    result = run("fetch", links[0], missing, links[1], "-o", "out", "--json")
    assert result.returncode == 1
    lines = json_lines(result)
    assert [(line["url"], line["status"]) for line in lines] == [
        (links[0], "done"),
        (missing, "failed"),
        (links[1], "done"),
    ]
    assert lines[1]["error"] == "HTTP 404 Not Found" and lines[1]["path"] is None
    assert lines[0]["language"] == "uk" and lines[0]["engine"] == "Google"
    assert (tmp_path / lines[0]["path"]).exists()
    assert result.stderr == f"warnews: error: {missing}: HTTP 404 Not Found\n"


def test_download_retries_honour_retry_after(run, site, tmp_path):
    [url] = add_articles(site, 1)
    site.fail_next["/news/0"] = 1
    site.retry_after = "1"
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    first, second = site.times
    assert second - first >= 0.9, "waited as long as Retry-After said"


# --- input lists and the config file ---


def test_fetch_reads_url_lists(run, site, tmp_path):
    links = add_articles(site, 3)
    (tmp_path / "urls.txt").write_text(f"# morning list\n\n{links[0]}\n  {links[1]}  \n# {links[2]}\n")
    result = run("fetch", "-i", "urls.txt", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2 and site.hits["/news/2"] == 0
    from_stdin = run("fetch", "-i", "-", "-o", "out", input=f"{links[2]}\n")
    assert from_stdin.returncode == 0 and len(texts(tmp_path / "out")) == 3
    missing = run("fetch", "-i", "nope.txt")
    assert missing.returncode == 2 and missing.stderr == "warnews: error: nope.txt: no such file\n"


def test_run_reads_the_config_file_and_is_silent(run, site, tmp_path):
    links = add_articles(site, 3)
    feed = site.add("/rss.xml", rss(links[:2]), "application/rss+xml")
    config = tmp_path / "config" / "warnews" / "config.toml"  # the platform's place (XDG_CONFIG_HOME)
    config.parent.mkdir(parents=True)
    config.write_text(f'feeds = ["{feed}"]\nurls = ["{links[2]}"]\nout = "news"\ncredit = "OFP"\n')
    result = run("run")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    saved = texts(tmp_path / "news")
    assert len(saved) == 3
    assert all(path.read_text().splitlines()[0].endswith("via Google and OFP") for path in saved)
    assert run("run").returncode == 0 and site.hits["/news/2"] == 1


def test_settings_resolve_in_order_and_config_shows_where_from(run, tmp_path):
    config = tmp_path / "my.toml"
    config.write_text(
        'credit = "From file"\ntimeout = 12\nproxy = "http://user:hunter2@proxy.example:3128"\n'
    )
    result = run(
        "config",
        "--config",
        config,
        "--timeout",
        "7",
        env={"WARNEWS_CREDIT": "From env", "WARNEWS_TIMEOUT": "9"},
    )
    assert result.returncode == 0, result.stderr
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines() if "=" in line}
    assert '"From env"' in lines["credit"] and "WARNEWS_CREDIT" in lines["credit"]
    assert "7" in lines["timeout"] and "--timeout" in lines["timeout"]
    assert "concurrency" in lines and "default" in lines["concurrency"]
    assert (
        "hunter2" not in result.stdout and "proxy.example" in lines["proxy"] and str(config) in lines["proxy"]
    )


@pytest.mark.parametrize(
    "content, cause",
    [
        ("timeout = 0\n", "bad value for timeout in config file"),
        ("colour = true\n", "unknown setting 'colour'"),
        ("out = [\n", "is not valid TOML"),
        ('engine = "babelfish"\n', "unknown engine 'babelfish'"),
        ('feeds = "https://x"\n', "feeds in"),
    ],
)
def test_bad_config_is_a_usage_error(run, tmp_path, content, cause):
    (tmp_path / "c.toml").write_text(content)
    result = run("run", "--config", "c.toml")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and cause in result.stderr, result.stderr


def test_run_without_inputs_and_missing_config_are_usage_errors(run):
    nothing = run("run")
    assert nothing.returncode == 2 and "nothing to do: no feeds or urls" in nothing.stderr
    missing = run("run", "--config", "absent.toml")
    assert missing.returncode == 2 and "absent.toml does not exist" in missing.stderr
    bad_env = run("fetch", "http://x", env={"WARNEWS_CONCURRENCY": "many"})
    assert bad_env.returncode == 2 and "bad value for concurrency in WARNEWS_CONCURRENCY" in bad_env.stderr


def test_log_file_keeps_a_record(run, site, tmp_path):
    [url] = add_articles(site, 1)
    missing = site.url("/gone")
    run("fetch", url, missing, "-o", "out", "--quiet", "--log-file", "logs/warnews.log")
    log = (tmp_path / "logs" / "warnews.log").read_text()
    assert f"done {url} -> out/" in log
    assert f"error {missing}: HTTP 404 Not Found" in log
    assert "fetch finished: 1 done, 1 failed, 0 skipped" in log


# --- many at once, politely ---


def test_limits_per_host_and_for_the_translator(run, site, google, tmp_path):
    links = add_articles(site, 8)
    site.delay = google.delay = 0.2
    result = run(
        "fetch",
        *links,
        "-o",
        "out",
        "--concurrency",
        "8",
        "--per-host",
        "2",
        "--translator-concurrency",
        "3",
        "--translator-rate",
        "1000",
    )
    assert result.returncode == 0, result.stderr
    assert site.concurrency.most == 2
    assert 2 <= google.concurrency.most <= 3, "concurrent, within the translator limit"


def test_translator_rate_limit_spaces_requests(run, site, google, tmp_path):
    links = add_articles(site, 6)
    # The pace starting at 4, as for a user (the tests' environment starts it at the ceiling).
    start = {"WARNEWS_TRANSLATOR_START": "4"}
    result = run("fetch", *links, "-o", "out", "--concurrency", "6", "--translator-rate", "5", env=start)
    assert result.returncode == 0, result.stderr
    # warnews spaces the starts of requests 0.2 s apart; the server sees each one a little
    # later (a new connection's set-up, a busy machine), so single gaps vary by that much.
    # Unthrottled, the six would arrive within a few milliseconds, four at a time.
    gaps = [later - earlier for earlier, later in zip(google.times, google.times[1:], strict=False)]
    assert len(google.times) == 6, gaps
    assert google.times[-1] - google.times[0] >= 0.85 and min(gaps) >= 0.05, gaps


# --- one run at a time, and stopping ---


def test_second_run_exits_3_or_waits(run, site, tmp_path):
    [url] = add_articles(site, 1)
    handle = hold_lock(tmp_path)
    busy = run("fetch", url, "-o", "out")
    assert busy.returncode == 3 and busy.stdout == ""
    assert (
        len(busy.stderr.splitlines()) == 1
        and "another warnews run" in busy.stderr
        and "--wait" in busy.stderr
    )
    assert site.hits["/news/0"] == 0
    threading.Timer(1.0, handle.close).start()
    waited = run("fetch", url, "-o", "out", "--wait")
    assert waited.returncode == 0 and site.hits["/news/0"] == 1


@pytest.mark.parametrize("after_requests", [1, 4, 8])
def test_sigkill_at_any_moment_then_a_clean_rerun(spawn, run, site, google, tmp_path, after_requests):
    links = add_articles(site, 10)
    (tmp_path / "urls.txt").write_text("\n".join(links))
    google.delay = 0.1
    # The default pace: the run is still going after its last counted request.
    process = spawn("fetch", "-i", "urls.txt", "-o", "out", "--concurrency", "3", "--translator-rate", "4")
    deadline = time.monotonic() + 30
    while google.count < after_requests and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    google.delay = 0
    again = run("fetch", "-i", "urls.txt", "-o", "out")
    assert again.returncode == 0, again.stderr
    saved = texts(tmp_path / "out")
    assert len(saved) == 10, "every article exactly once"
    assert leftovers(tmp_path / "out") == [], "no temporary file remains"
    sources = [json.loads(path.with_suffix(".json").read_text())["source"] for path in saved]
    assert sorted(sources) == sorted(links)
    states = rows(tmp_path)
    assert [row["status"] for row in states] == ["done"] * 10
    assert sorted(row["output_path"] for row in states) == sorted(str(path.resolve()) for path in saved)


@pytest.mark.parametrize(
    "signal_name, code, word", [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")]
)
def test_signal_mid_batch_keeps_what_is_done_and_leaves_the_rest(
    spawn, run, site, google, tmp_path, signal_name, code, word
):
    links = add_articles(site, 6)
    (tmp_path / "urls.txt").write_text("\n".join(links))
    google.delay = 0.3
    process = spawn(
        "fetch", "-i", "urls.txt", "-o", "out", "--concurrency", "2", "--translator-concurrency", "2"
    )
    deadline = time.monotonic() + 30
    while len(texts(tmp_path / "out")) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(getattr(signal, signal_name))
    assert process.wait(timeout=20) == code
    process.err.seek(0)
    assert process.err.read() == f"warnews: error: {word}\n"
    assert leftovers(tmp_path / "out") == []
    done = [row for row in rows(tmp_path) if row["status"] == "done"]
    assert 2 <= len(done) < 6 and len(texts(tmp_path / "out")) == len(done)
    google.delay = 0
    assert run("fetch", "-i", "urls.txt", "-o", "out").returncode == 0
    assert len(texts(tmp_path / "out")) == 6


@pytest.mark.parametrize("no_color", [False, True])
def test_terminal_gets_progress_and_a_summary(environment, site, tmp_path, no_color):
    links = [*add_articles(site, 3), site.url("/gone")]
    env = {"NO_COLOR": "1"} if no_color else {}
    environment.pop("NO_COLOR", None)
    code, out, screen = at_a_terminal(environment, tmp_path, "fetch", *links, "-o", "out", env=env)
    assert code == 1
    assert len(out.splitlines()) == 3, "paths on stdout, the data channel"
    assert f"warnews: error: {links[3]}: HTTP 404 Not Found" in screen
    summary = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert re.search(r"done\s+3", summary) and re.search(r"failed\s+1", summary), summary
    colours = re.findall(r"\x1b\[[0-9;]*m", screen)
    assert (colours == [] or set(colours) <= {"\x1b[0m", "\x1b[3m", "\x1b[1m"}) if no_color else colours


def test_quiet_terminal_shows_only_errors(environment, site, tmp_path):
    links = [*add_articles(site, 1), site.url("/gone")]
    code, out, screen = at_a_terminal(environment, tmp_path, "fetch", *links, "-o", "out", "--quiet")
    assert code == 1 and out == ""
    assert screen.strip() == f"warnews: error: {links[1]}: HTTP 404 Not Found"


def test_sigterm_does_not_wait_for_a_slow_feed(spawn, site, tmp_path):
    feed = site.add("/rss.xml", rss([site.url("/news/0")]), "application/rss+xml")
    site.delay = 30  # the feed takes as long as the whole timeout
    process = spawn("feed", feed, "-o", "out")
    deadline = time.monotonic() + 20
    while not site.hits["/rss.xml"] and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 143
    assert time.monotonic() - started < 5, "stopped without waiting for the feed"
    assert rows(tmp_path) == []


def test_a_429_holds_back_every_translator_request(run, site, google, tmp_path):
    links = add_articles(site, 8)
    google.throttle_next = 1
    # One translator request at a time: none is in flight when the 429 comes (under load one
    # sent just before it could arrive later), and a pause held by the throttled request
    # alone would let another article's request through at once.
    result = run(
        "fetch",
        *links,
        "-o",
        "out",
        "--concurrency",
        "4",
        "--translator-concurrency",
        "1",
        "--translator-rate",
        "1000",
    )
    assert result.returncode == 0, result.stderr
    [throttled] = google.throttled_at
    later = [moment - throttled for moment in google.times if moment > throttled]
    assert later and min(later) >= 0.95, "Retry-After: 1 applies to the whole run, not one request"
    assert len(texts(tmp_path / "out")) == 8
