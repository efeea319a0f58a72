"""Errors that say what to do instead: a file given to fetch, a URL given to translate, a
URL pasted without its scheme, a web page given as a feed (its feed is found); and network
errors in plain words."""

import ssl

import pytest
import trustme
from pages import article_page, free_port, rss, state_articles, texts, ukrainian_paragraphs
from servers import Site

TITLE = "Волонтери доставили генератори"
INTERNALS = ("[Errno", "<unknown>", "[SSL", "_ssl.c", "Error:", "Traceback", "mismatched tag")


# A failure that is retried is still retried, once: the backoff of the default three is only waiting.
ONE_RETRY = ("--retries", "1")


def lines_of(result):
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr, result.stderr
    for line in lines:
        assert line.startswith(("warnews: error: ", "warnews: warning: ")), result.stderr
        assert not any(internal in line for internal in INTERNALS), line
    return lines


def one_error(result, expected):
    assert result.returncode == 1, result.stderr
    assert lines_of(result) == [f"warnews: error: {expected}"]


def article(site, path, seed=0):
    return site.add(path, article_page(f"{TITLE} {seed}", ukrainian_paragraphs(2, seed=seed)))


# --- a file given to fetch, a URL given to translate ---


def test_fetch_of_a_saved_page_suggests_translate(run, site, tmp_path):
    (tmp_path / "saved.html").write_text(article_page(TITLE, ukrainian_paragraphs(2)))
    good = article(site, "/good")
    result = run("fetch", "saved.html", good, "-o", "out")
    assert result.returncode == 1
    assert lines_of(result) == [
        "warnews: error: saved.html: a local file, not a URL (to translate it: warnews translate saved.html)"
    ]
    assert len(texts(tmp_path / "out")) == 1, "the other input is still saved"


@pytest.mark.parametrize("name", ["notes.txt", "page.htm"])
def test_fetch_of_a_file_name_that_does_not_exist_suggests_translate(run, name):
    one_error(
        run("fetch", name), f"{name}: a local file, not a URL (to translate it: warnews translate {name})"
    )


def test_fetch_of_a_folder_of_stdin_and_of_a_file_url(run, tmp_path):
    (tmp_path / "pages").mkdir()
    result = run("fetch", "pages", "-", f"file://{tmp_path}/saved.html")
    assert result.returncode == 1
    assert lines_of(result) == [
        "warnews: error: pages: a folder, not a URL (to translate its files: warnews translate pages/*.html)",
        "warnews: error: -: not a URL (to read URLs from standard input: warnews fetch -i -;"
        " to translate a page from it: warnews translate -)",
        f"warnews: error: file://{tmp_path}/saved.html: a local file, not a URL"
        f" (to translate it: warnews translate {tmp_path}/saved.html)",
    ]


def test_translate_of_a_url_suggests_fetch(run, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Заголовок\n\n" + "\n\n".join(ukrainian_paragraphs(2)))
    result = run("translate", "https://site.ua/news/1", good, "-o", "out")
    assert result.returncode == 1
    assert lines_of(result) == [
        "warnews: error: https://site.ua/news/1: no such file; a URL?"
        " (to download it: warnews fetch https://site.ua/news/1)"
    ]
    assert len(texts(tmp_path / "out")) == 1


# --- a URL pasted without its scheme ---


@pytest.fixture
def tls(tmp_path):
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with Site(tls=context) as server:
        yield server, bundle


def test_a_url_without_scheme_is_fetched_as_https_and_recorded_so(run, tls, tmp_path):
    server, bundle = tls
    article(server, "/news/1")
    pasted = f"127.0.0.1:{server.port}/news/1"
    result = run("fetch", pasted, "-o", "out", env={"SSL_CERT_FILE": str(bundle)})
    assert result.returncode == 0, result.stderr
    assert lines_of(result) == [f"warnews: warning: no scheme in {pasted}: fetching https://{pasted}"]
    assert len(texts(tmp_path / "out")) == 1
    assert list(state_articles(tmp_path, "status")) == [f"https://{pasted}"]


def test_a_url_without_scheme_in_a_list_and_in_the_config(run, tmp_path):
    (tmp_path / "urls.txt").write_text("www.site.invalid/a\n")
    listed = run("fetch", "-i", "urls.txt", *ONE_RETRY)
    assert listed.returncode == 1
    assert lines_of(listed) == [
        "warnews: warning: no scheme in www.site.invalid/a: fetching https://www.site.invalid/a",
        "warnews: error: https://www.site.invalid/a: cannot resolve host www.site.invalid",
    ]
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('urls = ["news.site.invalid/b"]\n')
    ran = run("run", *ONE_RETRY)
    assert ran.returncode == 1
    assert lines_of(ran) == [
        "warnews: warning: no scheme in news.site.invalid/b: fetching https://news.site.invalid/b",
        "warnews: error: https://news.site.invalid/b: cannot resolve host news.site.invalid",
    ]
    assert set(state_articles(tmp_path, "status")) == {
        "https://www.site.invalid/a",
        "https://news.site.invalid/b",
    }


# --- a web page given as a feed ---

HOME = "<html><head><title>Новини</title>{head}</head><body><p>Головна</p><br></body></html>"


def home(site, head="", path="/"):
    return site.add(path, HOME.format(head=head))


def test_a_home_page_given_as_a_feed_reads_the_feed_it_names(run, site, tmp_path):
    links = [article(site, f"/news/{n}", n) for n in range(2)]
    site.add("/export/rss.xml", rss(links), "application/rss+xml", headers={"ETag": '"v1"'})
    page = home(site, '<link rel="alternate" type="application/rss+xml" title="RSS" href="export/rss.xml">')
    result = run("feed", page, "-o", "out")
    assert result.returncode == 0, result.stderr
    assert lines_of(result) == [
        f"warnews: warning: {page} is a web page; reading its feed {site.url('/export/rss.xml')}"
    ]
    assert len(texts(tmp_path / "out")) == 2
    assert sum(site.hits[path] for path in ("/feed", "/rss", "/rss.xml")) == 0, "the named feed, no guess"
    again = run("feed", page, "-o", "out")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert site.hits["/"] == 1, "the feed found is remembered: the page is not read again"
    assert site.not_modified["/export/rss.xml"] == 1, "and read with a conditional GET"


def test_a_page_naming_no_feed_is_searched_at_the_usual_paths(run, site, tmp_path):
    links = [article(site, "/news/1")]
    site.add("/rss.xml", rss(links), "application/rss+xml")
    page = home(site, path="/uk/")
    result = run("feed", page, "-o", "out")
    assert result.returncode == 0, result.stderr
    assert lines_of(result) == [
        f"warnews: warning: {page} is a web page; reading its feed {site.url('/rss.xml')}"
    ]
    assert [site.hits[path] for path in ("/feed", "/rss", "/rss.xml", "/feed.xml")] == [1, 1, 1, 0]
    assert len(texts(tmp_path / "out")) == 1


def test_a_page_with_no_feed_at_all_says_so_plainly(run, site, tmp_path):
    page = home(site)
    good_links = [article(site, "/news/1")]
    good = site.add("/real/rss.xml", rss(good_links), "application/rss+xml")
    result = run("feed", page, good, "-o", "out")
    assert result.returncode == 1
    assert lines_of(result) == [
        f"warnews: error: {page}: feed: no RSS or Atom feed found there (a web page, and none of its"
        " links or the usual paths is a feed)"
    ]
    for path in ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml"):
        assert site.hits[path] == 1, f"{path}: one request each"
    assert len(texts(tmp_path / "out")) == 1, "the other feed goes on"


def test_a_feed_link_to_another_site_is_not_followed(run, site, tmp_path):
    with Site() as other:
        other.add("/rss.xml", rss([article(other, "/news/1")]), "application/rss+xml")
        elsewhere = f"http://localhost:{other.port}/rss.xml"  # another host name: another site
        page = home(site, f'<link rel="alternate" type="application/rss+xml" href="{elsewhere}">')
        result = run("feed", page)
        assert result.returncode == 1
        assert lines_of(result) == [
            f"warnews: error: {page}: feed: no RSS or Atom feed found there (a web page, and none of its"
            f" links or the usual paths is a feed; its feed on another site, {elsewhere}, is not read)"
        ]
        assert other.hits["/rss.xml"] == 0


def test_a_feed_url_that_redirects_to_a_page_finds_the_page_s_feed(run, site, tmp_path):
    links = [article(site, "/news/1")]
    site.add("/new/feed.xml", rss(links), "application/rss+xml")
    home(site, '<link rel="alternate" type="application/rss+xml" href="feed.xml">', path="/new/")
    old = site.redirect("/old/rss", "/new/")
    result = run("feed", old, "-o", "out")
    assert result.returncode == 0, result.stderr
    assert lines_of(result) == [
        f"warnews: warning: {old} is a web page; reading its feed {site.url('/new/feed.xml')}"
    ]
    assert len(texts(tmp_path / "out")) == 1


def test_a_feed_that_answers_json_says_so(run, site):
    url = site.add("/api/news", b'{"items": [{"url": "https://site.ua/1"}]}', "application/json")
    one_error(run("feed", url), f"{url}: feed: a JSON document, not an RSS or Atom feed")


def test_a_named_feed_over_the_size_limit_is_said(run, site):
    big = rss([site.url(f"/news/{n}") for n in range(400)])
    site.add("/rss.xml", big, "application/rss+xml")
    page = home(site, '<link rel="alternate" type="application/rss+xml" href="/rss.xml">')
    result = run("feed", page, "--max-page-bytes", "2000")
    assert result.returncode == 1
    [line] = lines_of(result)
    assert line.startswith(f"warnews: error: {page}: feed: no RSS or Atom feed found there (a web page")
    assert "/rss.xml: page is" in line and "over the 2,000-byte limit" in line, line


# --- network errors in plain words ---


def test_an_unresolvable_host(run):
    one_error(
        run("fetch", "https://nonexistent.invalid/news", *ONE_RETRY),
        "https://nonexistent.invalid/news: cannot resolve host nonexistent.invalid",
    )


def test_a_closed_port(run):
    port = free_port()
    url = f"http://127.0.0.1:{port}/news"
    one_error(
        run("fetch", url, *ONE_RETRY), f"{url}: cannot connect to 127.0.0.1 port {port}: connection refused"
    )


def test_an_untrusted_certificate(run, tls):
    server, _ = tls
    url = article(server, "/secure")
    one_error(
        run("fetch", url, *ONE_RETRY),
        f"{url}: the TLS certificate of 127.0.0.1 is not trusted: unable to get local issuer certificate",
    )


def test_https_to_a_plain_http_port(run, site):
    url = article(site, "/news").replace("http://", "https://")
    one_error(
        run("fetch", url, *ONE_RETRY),
        f"{url}: cannot connect to 127.0.0.1 port {site.port}: the TLS handshake failed"
        " (wrong version number; is it https:// on an http:// port?)",
    )


def test_broken_xml_feed_names_no_parser_internals(run, site):
    url = site.add("/rss.xml", b"<?xml version='1.0'?><rss><channel><title>x</rss>", "application/rss+xml")
    one_error(run("feed", url), f"{url}: feed: not an RSS or Atom feed (its XML is not well-formed)")


def test_a_url_list_that_is_not_utf8(run, tmp_path):
    (tmp_path / "urls.txt").write_bytes("https://site.ua/новини\n".encode("koi8-u"))
    result = run("fetch", "-i", "urls.txt")
    assert result.returncode == 2
    assert lines_of(result) == ["warnews: error: urls.txt: cannot read the URL list: it is not UTF-8 text"]


def test_a_remembered_feed_that_is_gone_is_found_again(run, site, tmp_path):
    site.add("/a.xml", rss([article(site, "/news/1")]), "application/rss+xml")
    page = home(site, '<link rel="alternate" type="application/rss+xml" href="/a.xml">')
    first = run("feed", page, "-o", "out")
    assert first.returncode == 0, first.stderr
    site.add("/a.xml", b"<h1>Gone</h1>", status=404)
    site.add("/b.xml", rss([article(site, "/news/2", 2)]), "application/rss+xml")
    home(site, '<link rel="alternate" type="application/rss+xml" href="/b.xml">')
    again = run("feed", page, "-o", "out")
    assert again.returncode == 0, again.stderr
    assert lines_of(again) == [
        f"warnews: warning: {page} is a web page; reading its feed {site.url('/b.xml')}"
    ]
    assert len(texts(tmp_path / "out")) == 2


def test_a_feed_url_without_scheme(run, tls, tmp_path):
    server, bundle = tls
    server.add("/rss.xml", rss([article(server, "/news/1")]), "application/rss+xml")
    pasted = f"127.0.0.1:{server.port}/rss.xml"
    result = run("feed", pasted, "-o", "out", env={"SSL_CERT_FILE": str(bundle)})
    assert result.returncode == 0, result.stderr
    assert lines_of(result) == [f"warnews: warning: no scheme in {pasted}: fetching https://{pasted}"]
    assert len(texts(tmp_path / "out")) == 1
    digest = run("feed", pasted, "--titles-only", env={"SSL_CERT_FILE": str(bundle)})
    assert digest.returncode == 0, digest.stderr
    assert lines_of(digest) == [f"warnews: warning: no scheme in {pasted}: fetching https://{pasted}"]
    assert [line.split("\t")[2] for line in digest.stdout.splitlines()] == [server.url("/news/1")]


@pytest.mark.parametrize("url", ["http://[::1/news", "http://site.ua:99999/news", "http://site.ua:port/news"])
def test_a_url_whose_host_or_port_cannot_be_read(run, site, tmp_path, url):
    result = run("fetch", url, article(site, "/good"), "-o", "out")
    assert result.returncode == 1
    assert lines_of(result) == [f"warnews: error: {url}: not a valid URL: its host or port cannot be read"]
    assert len(texts(tmp_path / "out")) == 1


def test_a_pasted_url_ending_in_html_is_a_url(run, tmp_path):
    result = run("fetch", "www.site.invalid/news/1.html", *ONE_RETRY)
    assert lines_of(result) == [
        "warnews: warning: no scheme in www.site.invalid/news/1.html: fetching https://www.site.invalid/news/1.html",
        "warnews: error: https://www.site.invalid/news/1.html: cannot resolve host www.site.invalid",
    ]


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><item></chan></rss>',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>cut',
    ],
    ids=["mismatched", "cut"],
)
def test_a_feed_whose_xml_is_broken_is_an_error_not_an_empty_feed(run, site, document):
    feed = site.add("/rss.xml", document, "application/rss+xml")
    one_error(run("feed", feed), f"{feed}: feed: not an RSS or Atom feed (its XML is not well-formed)")
