"""Bad input: one line on stderr per failed input, exit 1, the other inputs still saved."""

import signal
import subprocess
import time

import pytest
from pages import WARNEWS, article_page, free_port, ukrainian_paragraphs

TITLE = "Волонтери доставили генератори"


def one_error_line(result, *fragments):
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warnews: error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \n\n \t\n", "empty"),
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    "latin.txt": ("Le café où l'été commence".encode("latin-1"), "cannot decode"),
    "missing.txt": (None, "no such file"),
    ".": (None, "is a folder"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_fail_alone(run, tmp_path, name):
    content, cause = BAD_FILES[name]
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Заголовок\n\n" + "\n\n".join(ukrainian_paragraphs(2)))
    result = run("translate", bad, good, "-o", "out")
    assert result.returncode == 1
    one_error_line(result, str(bad), cause)
    assert result.stdout.strip().endswith(".txt"), "the good file is still saved"
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1


def test_unreadable_path(run, tmp_path):
    (tmp_path / "file.txt").write_text("Текст")
    one_error_line(run("translate", tmp_path / "file.txt" / "inside.txt"), "cannot read: Not a directory")


@pytest.mark.parametrize(
    "url, cause",
    [
        ("ftp://example.com/news.html", "only http:// and https://"),
        ("file:///etc/passwd", "a local file, not a URL (to translate it: warnews translate /etc/passwd)"),
        ("javascript:alert(1)", "only http:// and https://"),
        ("http://", "names no host"),
    ],
)
def test_unsupported_urls(run, url, cause):
    result = run("fetch", url)
    assert result.returncode == 1
    one_error_line(result, cause)


def test_network_failures_do_not_stop_the_others(run, site, tmp_path):
    good = site.add("/good", article_page(TITLE, ukrainian_paragraphs(3)))
    site.add("/gone", b"<h1>Gone</h1>", status=404)
    site.add("/boom", b"<h1>Oops</h1>", status=500)
    site.add("/menu", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    site.add("/pdf", b"%PDF-1.4 binary", content_type="application/pdf")
    site.add("/zero", b"")
    site.redirect("/loop", "/loop")
    site.redirect("/to-ftp", "ftp://example.com/x")
    refused = f"http://127.0.0.1:{free_port()}/news"
    urls = [site.url(p) for p in ("/gone", "/boom", "/menu", "/pdf", "/zero", "/loop", "/to-ftp")] + [
        refused,
        good,
    ]
    result = run("fetch", *urls)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr and len(lines) == 8, result.stderr
    expected = [
        "HTTP 404",
        "HTTP 500",
        "no article text",
        "application/pdf",
        "empty",
        "redirects",
        "unsupported URL",
        "cannot connect",
    ]
    for line, url, cause in zip(lines, urls, expected, strict=False):
        assert line.startswith(f"warnews: error: {url}: ") and cause in line, line
    assert len(result.stdout.splitlines()) == 1


def test_dns_failure(run):
    one_error_line(
        run("fetch", "http://no-such-host.invalid/news", "--retries", "1"),  # retried once, not thrice
        "cannot resolve host no-such-host.invalid",
    )


@pytest.mark.parametrize(
    "mode, cause",
    [
        ("error500", "Google failed"),
        ("429", "Google failed"),
        ("no_result", "Google failed"),
        ("empty", "Google"),
    ],
)
def test_translator_failures(run, site, google, mode, cause):
    google.mode = mode
    result = run("fetch", site.add("/t", article_page(TITLE, ukrainian_paragraphs(2))))
    assert result.returncode == 1
    one_error_line(result, cause)


def test_transient_translator_errors_are_retried(run, site, google, tmp_path):
    google.fail_next = 2
    result = run("fetch", site.add("/t", article_page(TITLE, ukrainian_paragraphs(2))))
    assert result.returncode == 0, result.stderr
    assert google.count == 3


def test_stalled_translator_hits_the_timeout(run, site, google):
    google.mode = "stall"
    started = time.monotonic()
    result = run("fetch", site.add("/t", article_page(TITLE, ukrainian_paragraphs(2))), "--timeout", "1")
    assert result.returncode == 1
    one_error_line(result, "did not answer within 1 s")
    assert time.monotonic() - started < 30  # 1 s per try, 4 tries, backoff between them


def test_output_folder_that_is_a_file(run, tmp_path):
    (tmp_path / "taken").write_text("x")
    source = tmp_path / "a.txt"
    source.write_text("Заголовок\n\n" + ukrainian_paragraphs(1)[0])
    one_error_line(run("translate", source, "-o", "taken"), "output folder")


@pytest.mark.parametrize(
    "args, cause",
    [
        (["fetch", "--bogus", "http://x"], "No such option"),
        (["fetch", "--to", "xx", "http://x"], "unknown language"),
        (["translate", "--from", "klingon", "a.txt"], "unknown language"),
        (["fetch", "--proxy", "ftp://proxy:21", "http://x"], "bad value for proxy in --proxy"),
        (["fetch", "--proxy", "http://127.0.0.1:notaport", "http://x"], "bad value for proxy in --proxy"),
        (["fetch", "--proxy", "http://127.0.0.1:99999", "http://x"], "bad value for proxy in --proxy"),
        (["fetch", "--timeout", "inf", "http://x"], "--timeout"),
        (["fetch", "--timeout", "1e300", "http://x"], "--timeout"),
        (["fetch"], "no URL given"),
    ],
)
def test_usage_errors_exit_2(run, args, cause):
    result = run(*args)
    assert result.returncode == 2
    one_error_line(result, cause)


@pytest.mark.parametrize("proxy", ["http://127.0.0.1:notaport", "ftp://127.0.0.1:2121"])
def test_bad_proxy_in_the_environment_is_a_usage_error(run, proxy):
    result = run("fetch", "http://127.0.0.1:1/a", env={"HTTP_PROXY": proxy})
    assert result.returncode == 2
    one_error_line(result, "bad proxy URL", "HTTP_PROXY")


def test_missing_certificate_bundle_is_a_usage_error(run):
    result = run("fetch", "https://example.com/", env={"SSL_CERT_FILE": "/no/such/ca.pem"})
    assert result.returncode == 2
    one_error_line(result, "SSL_CERT_FILE")


def test_control_characters_in_errors_are_escaped(run):
    result = run("translate", "bad\x1b[31mname.txt")
    assert "\x1b" not in result.stderr and "\\u001b" in result.stderr


@pytest.mark.parametrize(
    "signal_name, code, word", [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")]
)
def test_signals_stop_cleanly(google, site, environment, tmp_path, signal_name, code, word):
    """Stopped while the translator stalls: one line, the signal's exit code, nothing written."""
    google.mode = "stall"
    url = site.add("/t", article_page(TITLE, ukrainian_paragraphs(2)))
    process = subprocess.Popen(
        [str(WARNEWS), "fetch", url, "-o", "out"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while google.count == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(getattr(signal, signal_name))
    out, err = process.communicate(timeout=20)
    assert process.returncode == code
    assert err == f"warnews: error: {word}\n" and out == ""
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
