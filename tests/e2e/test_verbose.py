"""-v/--verbose: what warnews does, request by request, on stderr; never a secret.
Without it nothing changes (cron stays quiet)."""

import re
from urllib.parse import quote

import pytest
from pages import article_page, rss, ukrainian_paragraphs
from translators import DeepLEmulator, MyMemoryEmulator

TITLE = "Волонтери доставили генератори до лікарні"
DEEPL_KEY = "Kq7vX2pLm9Zt4RwB8nYc3:fx"
PROXY_PASSWORD = "Pr0xy-Pa55word-zq8"
EMAIL = "vq7kx2wm.hlpr@zt9pl4rb.test"
FRAGMENT = 6
ANSWERED = r"-> (\d{3}) \((\d+) ms, ([\d,]+) bytes\)"


def add_article(site, path="/news/0", seed=0):
    return site.add(path, article_page(f"{TITLE} {seed}", ukrainian_paragraphs(3, seed=seed)))


def verbose(result):
    """The -v lines, without their prefix."""
    prefix = "warnews: verbose: "
    return [line[len(prefix) :] for line in result.stderr.splitlines() if line.startswith(prefix)]


def leaks(text, secret):
    """The secret, a URL-encoded form of it, or any 6+ character piece of it, in any case."""
    haystack = text.casefold()
    needles = {secret, quote(secret, safe=""), *(secret[i : i + FRAGMENT] for i in range(len(secret) - 5))}
    return any(needle.casefold() in haystack for needle in needles)


def test_fetch_says_each_request_and_the_file_written(run, site, google, tmp_path):
    url = add_article(site)
    result = run("fetch", url, "-o", "out", "-v")
    assert result.returncode == 0, result.stderr
    lines = verbose(result)
    assert lines and len(lines) == len(result.stderr.splitlines()), "nothing but -v lines"
    page = [line for line in lines if line.startswith(f"GET {url} ->")]
    assert len(page) == 1 and re.search(ANSWERED, page[0]), lines
    status, _, size = re.search(ANSWERED, page[0]).groups()
    assert status == "200" and int(size.replace(",", "")) == len(site.routes["/news/0"][1])
    translator = [line for line in lines if line.startswith(f"GET {google.base_url}?")]
    assert len(translator) == google.count == 1 and re.search(ANSWERED, translator[0])
    assert "…" in translator[0] and len(translator[0]) < 200, "a long query string cut"
    path = result.stdout.strip()
    assert any(line.startswith("wrote ") and path.rpartition("/")[2] in line for line in lines), lines
    assert any(
        "3 paragraphs sent to Google" in line or "4 paragraphs sent to Google" in line for line in lines
    )


def test_without_verbose_nothing_changes(run, site):
    result = run("fetch", add_article(site), "-o", "out")
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.parametrize("order", [("-v", "-q"), ("--quiet", "--verbose")])
def test_verbose_and_quiet_together_are_a_usage_error(run, site, order):
    result = run("fetch", add_article(site), *order)
    assert result.returncode == 2
    assert (
        result.stderr == "warnews: error: --verbose and --quiet ask for opposite things: give one of them\n"
    )
    assert site.hits["/news/0"] == 0


def test_retries_and_their_waits(run, site):
    url = add_article(site)
    site.fail_next["/news/0"] = 1
    site.retry_after = "0"
    result = run("fetch", url, "-o", "out", "-v", "--retries", "2")
    assert result.returncode == 0, result.stderr
    lines = verbose(result)
    assert f"GET {url} -> HTTP 503 Service Unavailable; retry 1 of 2 in 0.0 s" in lines, lines
    assert [line for line in lines if line.startswith(f"GET {url} -> ")][-1].startswith(f"GET {url} -> 200 (")


def test_redirects_followed(run, site):
    url = add_article(site)
    old = site.redirect("/old", "/news/0")
    result = run("fetch", old, "-o", "out", "-v")
    assert result.returncode == 0, result.stderr
    lines = verbose(result)
    assert f"GET {old} -> 301, redirected to {url}" in lines, lines
    assert any(line.startswith(f"GET {url} -> 200 (") for line in lines)


def test_decisions_already_done_duplicates_and_the_translation_memory(run, site, tmp_path):
    url = add_article(site)
    copy = site.add("/copy", site.routes["/news/0"][1].decode())
    first = run("fetch", url, "-o", "out")
    assert first.returncode == 0, first.stderr
    again = run("fetch", url, copy, "-o", "out", "-v")
    lines = verbose(again)
    assert any(line.startswith(f"skipped {url}: already done (") for line in lines), lines
    assert f"skipped {copy}: same article as {url}" in lines, lines
    forced = run("fetch", url, "-o", "out", "--force", "-v")
    assert any(
        re.search(r"0 paragraphs sent to Google, [34] taken from the translation memory", line)
        for line in verbose(forced)
    ), verbose(forced)


def test_a_feed_not_modified(run, site):
    feed = site.add("/rss.xml", rss([add_article(site)]), "application/rss+xml", headers={"ETag": '"v1"'})
    assert run("feed", feed, "-o", "out").returncode == 0
    result = run("feed", feed, "-o", "out", "-v")
    assert result.returncode == 0, result.stderr
    lines = verbose(result)
    assert any(line.startswith(f"GET {feed} -> 304 (") for line in lines), lines
    assert f"feed {feed}: not modified since it was last read (304)" in lines


def test_engine_fallback_and_no_secret_ever(run, site, proxy, google, tmp_path):
    """A DeepL key and a proxy password, both in a URL warnews is given: never shown."""
    with DeepLEmulator(key=DEEPL_KEY) as deepl:
        deepl.mode = "error500"
        proxy.route("news.invalid", site)
        proxy.route("translate.invalid", google)
        proxy.route("deepl.invalid", deepl)
        add_article(site, "/news/0")
        url = f"http://news.invalid/news/0?token={quote(DEEPL_KEY)}&pass={PROXY_PASSWORD}"
        env = {
            "WARNEWS_GOOGLE_URL": "http://translate.invalid/m",
            "WARNEWS_DEEPL_URL": "http://deepl.invalid",
            "WARNEWS_DEEPL_KEY": DEEPL_KEY,
        }
        result = run(
            "fetch",
            url,
            "-o",
            "out",
            "-v",
            "--engine",
            "deepl,google",
            "--retries",
            "0",
            "--proxy",
            f"http://reader:{PROXY_PASSWORD}@127.0.0.1:{proxy.port}",
            env=env,
        )
    assert result.returncode == 0, result.stderr
    assert deepl.count >= 1, "DeepL was asked first"
    lines = verbose(result)
    assert any(line.startswith("DeepL failed: ") and "next engine" in line for line in lines), lines
    assert any(line.startswith("POST http://deepl.invalid/v2/translate -> 500 (") for line in lines), lines
    assert any(line.startswith("GET http://news.invalid/news/0?token=***") for line in lines), lines
    for secret in (DEEPL_KEY, PROXY_PASSWORD):
        assert not leaks(result.stderr + result.stdout, secret), secret


def test_a_secret_in_a_translator_url_is_masked(run, site, tmp_path):
    with MyMemoryEmulator() as mymemory:
        env = {"WARNEWS_MYMEMORY_URL": mymemory.base_url, "WARNEWS_MYMEMORY_EMAIL": EMAIL}
        result = run("fetch", add_article(site), "-o", "out", "-v", "--engine", "mymemory", env=env)
    assert result.returncode == 0, result.stderr
    assert any(line.startswith(f"GET {mymemory.base_url}") for line in verbose(result)), result.stderr
    assert not leaks(result.stderr, EMAIL)


@pytest.mark.parametrize("where", [0, 30, 44, 60])
def test_a_line_is_masked_before_its_query_is_cut(where):
    """Wherever the secret sits in a long query, even across the cut, no piece of it shows."""
    from warnews._report import verbose_line

    query = "a" * where + quote(EMAIL) + "&z=" + "b" * 80
    line = verbose_line(f"GET https://user:pw@translate.example/get?{query} -> 200 (1 ms, 9 bytes)", [EMAIL])
    assert line.startswith("warnews: verbose: GET https://***@translate.example/get?")
    assert line.endswith(" -> 200 (1 ms, 9 bytes)") and "…" in line
    assert not leaks(line, EMAIL) and ":pw@" not in line


def test_engines_check_says_its_requests(run, google):
    result = run("engines", "--check", "-v")
    assert result.returncode == 0, result.stderr
    assert any(line.startswith(f"GET {google.base_url}?") for line in verbose(result)), result.stderr


def test_verbose_lines_at_a_terminal_do_not_break_the_last_line(environment, site, tmp_path):
    from pages import at_a_terminal

    url = add_article(site)
    code, out, screen = at_a_terminal(
        environment, tmp_path, "fetch", url, site.url("/gone"), "-o", "out", "-v"
    )
    assert code == 1 and len(out.splitlines()) == 1
    assert (
        "warnews: verbose: GET " in screen
        and f"warnews: error: {site.url('/gone')}: HTTP 404 Not Found" in screen
    )
