"""Fault injection: the world misbehaving, one case at a time.

Every fault runs beside a good article in the same run, and every test asserts the same
things: one line on stderr naming the URL (or file) and the cause, no traceback, exit 1,
the good article saved, the failed one recorded for the next run, and no partial or
temporary file in the output folder. docs/reliability.md lists each case.
"""

import ctypes
import gzip
import os
import re
import resource
import signal
import subprocess
import time

import pytest
from pages import WARNEWS, article_page, free_port, peak_mib, rss, state_articles, ukrainian_paragraphs

TITLE = "Волонтери доставили генератори"
LIMIT = 20 * 1024 * 1024  # the default --max-page-bytes


def good_page(site, path="/good"):
    return site.add(path, article_page(TITLE, ukrainian_paragraphs(3)))


def state_rows(tmp_path):
    return state_articles(tmp_path, "status", "last_error")


def assert_fault(result, tmp_path, name, cause, saved=1, recorded=True):
    """One line naming `name` and `cause`; the rest of the run saved; nothing half-done."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"warnews: error: {name}: "), lines[0]
    assert cause in lines[0], lines[0]
    assert result.returncode == 1
    out = tmp_path / "out"
    texts = sorted(out.glob("*.txt")) if out.exists() else []
    assert len(texts) == saved, result.stdout
    leftovers = [path.name for path in out.iterdir() if path.name.startswith(".")] if out.exists() else []
    assert leftovers == []
    for text in texts:  # complete: a header, a body, a final newline
        content = text.read_text()
        assert content.startswith("date 2024-01-11 ") and content.endswith("\n") and "\n\n" in content
    if recorded:
        rows = state_rows(tmp_path)
        assert rows[name][0] == "failed" and cause in rows[name][1], rows
    return lines[0]


def fetch_beside_good(run, site, bad, *options):
    return run("fetch", bad, good_page(site), "-o", "out", *options)


def measured(environment, tmp_path, *args):
    """Run warnews; return (exit code, stderr, peak resident memory in MiB)."""
    with open(tmp_path / "err", "w+") as err:
        process = subprocess.Popen(
            [str(WARNEWS), *map(str, args)],
            env=environment,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        # Its own peak (VmHWM), read while it runs: wait4's ru_maxrss would count the pytest
        # worker's peak too (a vfork child has its parent's memory until its exec).
        peak = 0.0
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, peak_mib(process.pid))
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return process.returncode, err.read(), peak


# --- pages ---


@pytest.mark.parametrize("status", [404, 410, 500, 502, 503])
def test_http_errors(run, site, tmp_path, status):
    bad = site.add("/bad", b"<h1>Error</h1>", status=status)
    result = fetch_beside_good(run, site, bad, "--retries", "1")
    assert_fault(result, tmp_path, bad, f"HTTP {status}")
    assert site.hits["/bad"] == (2 if status >= 500 else 1), "5xx is tried again, 4xx is not"


@pytest.mark.parametrize("retry_after", ["1", None])
def test_429_with_and_without_retry_after(run, site, tmp_path, retry_after):
    headers = {"Retry-After": retry_after} if retry_after else {}
    bad = site.add("/bad", b"<h1>Slow down</h1>", status=429, headers=headers)
    started = time.monotonic()
    result = fetch_beside_good(run, site, bad, "--retries", "2")
    assert_fault(result, tmp_path, bad, "HTTP 429")
    assert site.hits["/bad"] == 3
    gaps = [b - a for a, b in zip(site.times, site.times[1:], strict=False)]
    if retry_after:
        assert time.monotonic() - started >= 2 and max(gaps) >= 0.9


def test_connection_refused(run, site, tmp_path):
    bad = f"http://127.0.0.1:{free_port()}/news"
    assert_fault(fetch_beside_good(run, site, bad, "--retries", "1"), tmp_path, bad, "cannot connect")


def test_reset_mid_body(run, site, tmp_path):
    bad = site.reset_mid_body("/bad", article_page(TITLE, ukrainian_paragraphs(40)).encode())
    assert_fault(fetch_beside_good(run, site, bad, "--retries", "1"), tmp_path, bad, "broke")
    assert site.hits["/bad"] == 2, "a broken connection is tried again"


def test_body_shorter_than_its_content_length(run, site, tmp_path):
    bad = site.short_body("/bad", article_page(TITLE, ukrainian_paragraphs(5)).encode())
    line = assert_fault(fetch_beside_good(run, site, bad, "--retries", "0"), tmp_path, bad, "broke off")
    assert re.search(r"received \d+ bytes, expected \d+\)$", line), line


def test_server_that_never_answers(run, site, tmp_path):
    bad = site.never_answer("/bad")
    started = time.monotonic()
    result = fetch_beside_good(run, site, bad, "--timeout", "1")
    assert_fault(result, tmp_path, bad, "no answer within the 1 s timeout")
    assert time.monotonic() - started < 20


def test_server_that_trickles_for_ever(run, site, tmp_path):
    bad = site.trickle("/bad", every=0.1)
    started = time.monotonic()
    result = fetch_beside_good(run, site, bad, "--timeout", "0.5")
    assert_fault(result, tmp_path, bad, "did not arrive within 10 timeouts (5 s)")
    assert time.monotonic() - started < 20 and site.sent["/bad"] >= 10


@pytest.mark.parametrize("hops", [1, 12])
def test_redirect_loop_and_too_long_chain(run, site, tmp_path, hops):
    for hop in range(hops):
        site.redirect(f"/hop{hop}", f"/hop{(hop + 1) % hops}" if hops == 1 else f"/hop{hop + 1}")
    bad = site.url("/hop0")
    assert_fault(fetch_beside_good(run, site, bad), tmp_path, bad, "more than 10 redirects")


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/1"])
def test_redirect_to_another_scheme(run, site, tmp_path, target):
    bad = site.redirect("/bad", target)
    assert_fault(fetch_beside_good(run, site, bad), tmp_path, bad, "only http:// and https:// are fetched")


@pytest.mark.parametrize("declare", [True, False])
def test_page_of_hundreds_of_megabytes(environment, site, tmp_path, declare):
    """Refused at the size limit, without reading it all, in bounded memory."""
    size = 500 * 1024 * 1024
    bad = site.endless("/bad", size, declare)
    good = good_page(site)
    code, err, megabytes = measured(environment, tmp_path, "fetch", bad, good, "-o", "out")
    cause = (
        f"page is {size:,} bytes, over the {LIMIT:,}-byte limit" if declare else f"over the {LIMIT:,}-byte"
    )
    assert code == 1 and err.startswith(f"warnews: error: {bad}: ") and cause in err, err
    assert len(err.splitlines()) == 1 and len(list((tmp_path / "out").glob("*.txt"))) == 1
    assert site.sent["/bad"] < (8 if declare else 64) * 1024 * 1024, "it stopped reading"
    assert megabytes < 400, f"{megabytes:.0f} MiB"


def test_gzip_bomb(environment, site, tmp_path):
    """A 9 MB body (under the limit) that inflates to 2 GiB: refused at the limit, in bounded memory."""
    bad = site.gzip_bomb("/bad", 2 << 30)
    good = good_page(site)
    code, err, megabytes = measured(environment, tmp_path, "fetch", bad, good, "-o", "out")
    assert (
        code == 1 and err == f"warnews: error: {bad}: page is over the {LIMIT:,}-byte limit once inflated\n"
    )
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1
    assert megabytes < 400, f"{megabytes:.0f} MiB for a 2 GiB bomb"
    assert state_rows(tmp_path)[bad][0] == "failed"


def test_gzip_pages_are_read(run, site, google, tmp_path):
    page = gzip.compress(article_page(TITLE, ukrainian_paragraphs(3)).encode())
    url = site.add("/gz", page, headers={"Content-Encoding": "gzip"})
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    assert "Volontery" in next((tmp_path / "out").glob("*.txt")).read_text()


@pytest.mark.parametrize(
    "body, content_type, cause",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 500, "text/html", "binary data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 500, "image/png", "the server sent image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf", "the server sent application/pdf"),
        (b"", "text/html", "empty"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html", "no article text"),
    ],
    ids=["binary-as-html", "image", "pdf", "empty", "no-article"],
)
def test_pages_that_are_not_articles(run, site, tmp_path, body, content_type, cause):
    bad = site.add("/bad", body, content_type=content_type)
    assert_fault(fetch_beside_good(run, site, bad), tmp_path, bad, cause)


@pytest.mark.parametrize(
    "encoding, meta, header",
    [
        ("windows-1251", True, None),
        ("koi8_u", True, None),
        ("windows-1251", False, None),
        ("koi8_u", False, None),
        ("windows-1251", False, "utf-8"),  # the header is wrong
    ],
)
def test_wrong_or_missing_charset_is_read_right(run, site, tmp_path, encoding, meta, header):
    page = article_page(TITLE, ukrainian_paragraphs(3), charset=encoding if meta else "x")
    if not meta:
        page = page.replace('<meta charset="x">', "")
    content_type = f"text/html; charset={header}" if header else "text/html"
    url = site.add("/legacy", page.encode(encoding), content_type=content_type)
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    text = next((tmp_path / "out").glob("*.txt")).read_text()
    assert "Ryatuvalnyky povidomyly pro vidnovlennya" in text


def test_invalid_utf8_bytes_in_a_good_page(run, site, tmp_path):
    page = article_page(TITLE, ukrainian_paragraphs(3)).encode()
    broken = page.replace("Рятувальники".encode(), "Рятува".encode() + b"\xd1\xff" + "льники".encode(), 1)
    assert broken != page
    url = site.add("/broken", broken)
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    text = next((tmp_path / "out").glob("*.txt")).read_text()
    assert "\ufffd" not in text and "Ryatuvalnyky" in text


# --- feeds ---


def test_entity_expansion_feed_is_refused_unexpanded(environment, site, tmp_path):
    laughs = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 12)]
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(laughs) + ']><rss version="2.0"><channel>'
        "<title>&lol11;</title><item><link>http://127.0.0.1:1/a</link></item></channel></rss>"
    )
    bad = site.add("/feed.xml", bomb, content_type="application/rss+xml")
    good = site.add("/good.xml", rss([good_page(site)]), content_type="application/rss+xml")
    code, err, megabytes = measured(environment, tmp_path, "feed", bad, good, "-o", "out")
    assert (
        code == 1
        and err
        == f"warnews: error: {bad}: feed: it declares XML entities (<!ENTITY>), refused without expanding them\n"
    )
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1
    assert megabytes < 400


def test_feed_with_duplicate_items_saves_each_article_once(run, site, tmp_path):
    links = [
        site.add(f"/n/{n}", article_page(f"{TITLE} {n}", ukrainian_paragraphs(2, seed=n))) for n in range(3)
    ]
    items = [links[0], links[1], links[0], "/n/2", links[1], None]
    feed = site.add("/feed.xml", rss(items), content_type="application/rss+xml")
    result = run("feed", feed, "-o", "out")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").glob("*.txt"))) == 3
    assert [site.hits[f"/n/{n}"] for n in range(3)] == [1, 1, 1]


# --- the translator ---


@pytest.mark.parametrize(
    "mode, cause",
    [
        ("error400", "HTTP 400"),
        ("429", "429"),
        ("error500", "500"),
        ("stall", "did not answer within 1 s"),
        ("error_page", "Google failed"),
        ("empty", "Google failed"),
        ("identity", "Google failed"),
        ("captcha", "Google failed"),
    ],
)
def test_translator_faults_fail_that_article_only(run, site, google, tmp_path, mode, cause):
    google.poison, google.poison_mode = "Отруйне", mode
    bad = site.add("/bad", article_page("Отруйне повідомлення", ukrainian_paragraphs(2, seed=5)))
    result = fetch_beside_good(run, site, bad, "--timeout", "1", "--retries", "1", "--no-cache")
    assert_fault(result, tmp_path, bad, cause)


# --- local files ---


def drop_file_permissions_override():
    """Make permissions bind for this process even as root (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH leave the bounding set, so the exec'd warnews lacks them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_unprivileged(environment, tmp_path, *args):
    return subprocess.run(
        [str(WARNEWS), *map(str, args)],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=drop_file_permissions_override if os.geteuid() == 0 else None,
    )


def good_file(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Заголовок\n\n" + "\n\n".join(ukrainian_paragraphs(2)))
    return good


def test_unreadable_file(environment, tmp_path):
    bad = tmp_path / "secret.txt"
    bad.write_text("Текст статті")
    bad.chmod(0)
    result = run_unprivileged(environment, tmp_path, "translate", bad, good_file(tmp_path), "-o", "out")
    assert_fault(result, tmp_path, str(bad), "cannot read: Permission denied", recorded=False)


def test_invalid_utf8_file_keeps_its_good_text(run, tmp_path):
    text = "Заголовок\n\n" + "\n\n".join(ukrainian_paragraphs(3))
    data = text.encode().replace("Рятувальники".encode(), "Рятува".encode() + b"\xff" + "льники".encode(), 1)
    assert data != text.encode()
    (tmp_path / "broken.txt").write_bytes(data)
    result = run("translate", "broken.txt", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert "Ryatuvalnyky" in next((tmp_path / "out").glob("*.txt")).read_text()


def test_file_of_100_megabytes_is_refused_unread(environment, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        block = ("Новини дня. " * 8000 + "\n\n").encode()
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(block)
    size = big.stat().st_size
    code, err, megabytes = measured(environment, tmp_path, "translate", big, good_file(tmp_path), "-o", "out")
    assert code == 1
    assert err == f"warnews: error: {big}: {size:,} bytes, over the {LIMIT:,}-byte limit (--max-page-bytes)\n"
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1
    assert megabytes < 200, f"{megabytes:.0f} MiB"


def test_path_with_spaces_and_unicode(run, tmp_path):
    folder = tmp_path / "Новини за день" / "🇺🇦 архів"
    folder.mkdir(parents=True)
    source = folder / "стаття про світло.txt"
    source.write_text("Заголовок\n\n" + "\n\n".join(ukrainian_paragraphs(2)))
    result = run("translate", source, "-o", tmp_path / "вихід з пробілом")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "вихід з пробілом").glob("*.txt"))) == 1


# --- the disk ---


def test_missing_output_folder_is_created(run, site, tmp_path):
    result = run("fetch", good_page(site), "-o", "a/b/c")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "a" / "b" / "c").glob("*.txt"))) == 1


def test_output_folder_not_writable(environment, site, google, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out").chmod(0o555)
    url = good_page(site)
    result = run_unprivileged(environment, tmp_path, "fetch", url, "-o", "out")
    assert_fault(result, tmp_path, url, "Permission denied", saved=0)
    (tmp_path / "out").chmod(0o755)


def no_bigger_files_than(size):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_failing_write_leaves_the_state_consistent(environment, run, site, google, tmp_path):
    """A write fails (EFBIG under RLIMIT_FSIZE): one line, no partial file, the article
    recorded as failed, and the next run saves it exactly once."""
    small = good_page(site, "/small")
    # Big enough to pass the limit; the limit far enough above what the state database writes
    # for one article (its WAL grows by a few pages for each change of a row).
    big = site.add("/big", article_page("Велика стаття", ukrainian_paragraphs(300, sentences=6, seed=3)))
    fast = ("--translator-rate", "1000")  # its ~30 requests at once, not 4 a second: the write is the test
    run("fetch", small, "-o", "out")  # the state database exists before the limit
    result = subprocess.run(
        # Nor the state's memory of the site's paragraphs: the file's write is what fails.
        [str(WARNEWS), "fetch", big, "-o", "out", "--no-cache", "--no-learn-boilerplate", *fast],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=no_bigger_files_than(160 * 1024),
    )
    assert_fault(result, tmp_path, big, "File too large")
    again = run("fetch", small, big, "-o", "out", *fast)
    assert again.returncode == 0, again.stderr
    assert len(list((tmp_path / "out").glob("*.txt"))) == 2
    assert {status for status, _ in state_rows(tmp_path).values()} == {"done"}


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_disk_full(run, site, google, tmp_path, tiny_disk):
    small = good_page(site, "/small")
    # Big enough to pass the limit; the limit far enough above what the state database writes
    # for one article (its WAL grows by a few pages for each change of a row).
    big = site.add("/big", article_page("Велика стаття", ukrainian_paragraphs(300, sentences=6, seed=3)))
    result = run("fetch", small, big, "-o", tiny_disk, "--no-cache")
    assert "Traceback" not in result.stderr and result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [line for line in lines if "No space left on device" in line] and len(lines) == 1, lines
    assert lines[0].startswith(f"warnews: error: {big}: cannot write ")
    assert [path.name for path in tiny_disk.iterdir() if path.name.startswith(".")] == []
    texts = list(tiny_disk.glob("*.txt"))
    assert len(texts) == 1 and texts[0].read_text().endswith("\n")
    assert state_rows(tmp_path) == {small: ("done", None), big: ("failed", lines[0].split(f"{big}: ", 1)[1])}
