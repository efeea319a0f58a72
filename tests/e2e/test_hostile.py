"""Hostile content: pages and feeds crafted to escape the output folder, drive the
terminal, or make warnews reach into the network it runs in."""

import json
import re
import unicodedata

import pytest
from pages import article_page, at_a_terminal, rss, ukrainian_paragraphs

from warnews import _net

NAME = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.txt")
# Escape sequences (clear screen, set the window title, colour), bidirectional
# overrides and isolates, zero-width characters, C1 controls.
NASTY = "\x1b[2J\x1b]0;pwned\x07\x1b[31m\u202e\u2066\u200b\x85\x9b"


def forbidden(text):
    """The characters no saved file may hold: controls (but the newline) and format characters."""
    return [char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf", "Cs")]


@pytest.mark.parametrize(
    "title",
    [
        "../../../../etc/passwd",
        "/etc/passwd",
        "..\\..\\windows\\system32\\config",
        "Нуль\x00байт",
        "CON",
        "NUL.txt",
        "aux",
        "Д" * 10_000,
        "🇺🇦🔥🚀" * 30,
        "Тільки кирилиця без жодної латинської літери",
        ". .. ...",
        "\u202etxt.exe",
    ],
    ids=lambda title: repr(title[:20]),
)
def test_any_title_gives_a_safe_bounded_name_inside_the_folder(run, site, tmp_path, title):
    url = site.add("/h", article_page(title, ukrainian_paragraphs(2)))
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    [path] = result.stdout.splitlines()
    written = (tmp_path / path).resolve()
    assert written.parent == (tmp_path / "out").resolve()
    assert NAME.fullmatch(written.name) and len(written.name) <= 90, written.name
    meta = json.loads(written.with_suffix(".json").read_text())
    assert forbidden(meta["title"] or "") == [] and len(meta["title"] or "") <= 10_000


@pytest.mark.parametrize("path", ["/..%2F..%2Fetc%2Fpasswd", "/%00/..;/x", "/" + "a" * 3000])
def test_crafted_url_paths_land_inside_the_folder(run, site, tmp_path, path):
    page = (
        article_page("", ukrainian_paragraphs(2))
        .replace("<h1></h1>", "")
        .replace("<title> | Новини", "<title>")
    )
    url = site.add(path, page)
    result = run("fetch", url, "-o", "out")
    assert result.returncode == 0, result.stderr
    written = (tmp_path / result.stdout.strip()).resolve()
    assert written.parent == (tmp_path / "out").resolve() and NAME.fullmatch(written.name)


def test_control_and_bidi_characters_never_reach_files_or_the_terminal(environment, site, tmp_path):
    paragraphs = [f"{p[:40]}{NASTY}{p[40:]}" for p in ukrainian_paragraphs(3)]
    url = site.add("/nasty", article_page(f"Новини {NASTY} дня", paragraphs))
    code, out, screen = at_a_terminal(environment, tmp_path, "fetch", url, "-o", "out")
    assert code == 0, screen
    [text] = (tmp_path / "out").glob("*.txt")
    assert forbidden(text.read_text()) == []
    meta = json.loads(text.with_suffix(".json").read_text())
    assert forbidden(meta["title"]) == [] and forbidden(meta["original_title"]) == []
    for sequence in ("\x1b[2J", "\x1b]0;", "\u202e", "\u2066", "\x9b", "\x85"):
        assert sequence not in screen and sequence not in out


def test_hostile_urls_are_escaped_in_error_lines_and_json(run, site, tmp_path):
    link = site.url("/a\u202eb\x1b[31m")  # as a feed could carry it
    feed = site.add("/feed.xml", rss([link]), content_type="application/rss+xml")
    result = run("feed", feed, "-o", "out", "--json")
    assert result.returncode == 1
    for sequence in ("\u202e", "\x1b"):
        assert sequence not in result.stderr and sequence not in result.stdout
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["status"] == "failed" and "\u202e" in record["url"], "escaped, not lost"


# --- --public-only ---


@pytest.mark.parametrize(
    "host, address, kind",
    [
        ("127.0.0.1", "127.0.0.1", "loopback"),
        ("localhost", "127.0.0.1", "loopback"),
        ("[::1]", "::1", "loopback"),
    ],
)
def test_public_only_refuses_loopback(run, site, tmp_path, host, address, kind):
    site.add("/a", article_page("Стаття", ukrainian_paragraphs(2)))
    url = f"http://{host}:{site.port}/a"
    result = run("fetch", url, "--public-only", "-o", "out")
    assert result.returncode == 1
    shown = host.strip("[]")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warnews: error: {url}: {shown} is at "), line
    assert f"a {kind} address, refused by --public-only" in line and address in line
    assert site.hits["/a"] == 0, "refused before connecting"


def test_public_only_from_the_config_file_and_feeds(run, site, tmp_path):
    link = site.add("/a", article_page("Стаття", ukrainian_paragraphs(2)))
    feed = site.add("/feed.xml", rss([link]), content_type="application/rss+xml")
    (tmp_path / "warnews.toml").write_text("public_only = true\n")
    result = run("feed", feed, "--config", "warnews.toml", "-o", "out")
    assert result.returncode == 1 and "refused by --public-only" in result.stderr
    assert site.hits["/feed.xml"] == 0
    assert run("feed", feed, "--config", "warnews.toml", "--no-public-only", "-o", "out").returncode == 0


def test_public_only_leaves_resolution_to_a_proxy_and_spares_the_translator(
    run, proxy, site, google, tmp_path
):
    proxy.route("news.invalid", site)
    site.add("/article", article_page("Стаття", ukrainian_paragraphs(2)))
    env = {"HTTP_PROXY": proxy.origin, "NO_PROXY": "127.0.0.1"}  # the translator is reached directly
    result = run("fetch", "http://news.invalid/article", "--public-only", "-o", "out", env=env)
    assert result.returncode == 0, result.stderr
    assert site.hits["/article"] == 1 and proxy.seen == ["http://news.invalid/article"]
    assert google.count >= 1, "the translator on loopback is the operator's choice, not refused"


def test_public_only_checks_every_redirect(site, monkeypatch):
    """A public page that redirects to a private address: the second hop is refused.
    (Here 127.0.0.1 plays a public address and 127.0.0.2 the private one.)"""
    monkeypatch.setattr(_net, "not_public", lambda address: "private" if address == "127.0.0.2" else None)
    site.redirect("/start", f"http://127.0.0.2:{site.port}/internal")
    with _net.make_client(5.0, public_only=True) as client:
        with pytest.raises(_net.FetchError, match=r"127\.0\.0\.2 is at 127\.0\.0\.2, a private address"):
            _net.download(client, site.url("/start"), 1 << 20)
    assert site.hits["/start"] == 1 and site.hits["/internal"] == 0


@pytest.mark.parametrize(
    "address, verdict",
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "not global"),  # carrier-grade NAT
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::1", "loopback"),
        ("fe80::1%eth0", "link-local"),
        ("fd00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("8.8.8.8", None),
    ],
)
def test_which_addresses_are_public(address, verdict):
    assert _net.not_public(address) == verdict


def test_public_only_backend_is_in_place():
    """make_client reaches into httpx for the network backend; this fails if httpx moves it."""
    with _net.make_client(5.0, public_only=True) as client:
        assert client._transport._pool._network_backend.public_only is True
    with _net.make_client(5.0) as client:
        assert client._transport._pool._network_backend.public_only is False
