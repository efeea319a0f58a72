"""What a failure says: exceptions of the network, the feed parser and the inputs -> one
plain line, never a parser's internals, an errno or a Python repr."""

import errno
import re
import socket
import ssl

import httpcore
import httpx
import pytest

from warnews._errors import FetchError
from warnews._hints import as_url, not_a_file, not_a_url
from warnews._net import DeadlinePassed, NotPublic, Unreachable, describe
from warnews.sources.discover import feed_links, is_web_page, usual_feeds
from warnews.sources.feeds import parse_feed

URL = "https://site.ua/news/1"
# What no line a user reads may hold: errno, Python reprs and class names, parser positions.
INTERNALS = re.compile(
    r"\[Errno|\[SSL|_ssl\.c|<unknown>|b'|bytearray|Error\b|Exception|gaierror|httpcore|h11|\(\)|:\d+:\d+"
)


def network_error(kind, cause, url=URL, middle=httpcore.ConnectError):
    """An httpx error the way httpx raises it: httpx <- httpcore <- the socket's."""
    inner = middle(str(cause))
    inner.__cause__ = cause
    error = kind(str(cause), request=httpx.Request("GET", url))
    error.__cause__ = inner
    return error


def unreachable(host, port, cause, url=URL):
    """As _Backend raises it: the host it tried to reach, and why it could not."""
    inner = Unreachable(host, port, cause)
    inner.__cause__ = cause
    error = httpx.ConnectError(str(inner), request=httpx.Request("GET", url))
    error.__cause__ = inner
    return error


def certificate(code, message):
    error = ssl.SSLCertVerificationError(
        1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message} (_ssl.c:1006)"
    )
    error.verify_code, error.verify_message = code, message
    return error


def ssl_error(reason):
    error = ssl.SSLError(1, f"[SSL: {reason}] {reason.lower().replace('_', ' ')} (_ssl.c:1006)")
    error.reason, error.library = reason, "SSL"
    return error


def gaierror(code=socket.EAI_NONAME):
    return socket.gaierror(code, "Name or service not known")


def refused():
    return ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


def reset():
    return ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")


CASES = {
    "unresolvable host": (
        unreachable("nonexistent.invalid", 443, gaierror(), "https://nonexistent.invalid/a"),
        "cannot resolve host nonexistent.invalid",
    ),
    "unresolvable, host from the request": (
        network_error(httpx.ConnectError, gaierror(), "https://nonexistent.invalid/a"),
        "cannot resolve host nonexistent.invalid",
    ),
    "name server down": (
        unreachable("site.ua", 443, gaierror(socket.EAI_AGAIN)),
        "cannot resolve host site.ua (the name server did not answer)",
    ),
    "unresolvable proxy": (
        unreachable("proxy.corp", 3128, gaierror()),
        "cannot resolve host proxy.corp (the proxy)",
    ),
    "refused": (
        unreachable("127.0.0.1", 9, refused(), "http://127.0.0.1:9/a"),
        "cannot connect to 127.0.0.1 port 9: connection refused",
    ),
    "refused by the proxy": (
        unreachable("127.0.0.1", 3128, refused()),
        "cannot connect to the proxy 127.0.0.1 port 3128: connection refused",
    ),
    "refused, host from the request": (
        network_error(httpx.ConnectError, refused(), "http://127.0.0.1:9/a"),
        "cannot connect: connection refused",
    ),
    "unreachable network": (
        unreachable("site.ua", 443, OSError(errno.ENETUNREACH, "Network is unreachable")),
        "cannot connect to site.ua port 443: network is unreachable",
    ),
    "reset while connecting": (
        unreachable("site.ua", 443, reset()),
        "cannot connect to site.ua port 443: connection reset",
    ),
    "reset while reading": (
        network_error(httpx.ReadError, reset(), middle=httpcore.ReadError),
        "the connection broke: connection reset",
    ),
    "broken pipe while sending": (
        network_error(
            httpx.WriteError, BrokenPipeError(errno.EPIPE, "Broken pipe"), middle=httpcore.WriteError
        ),
        "the connection broke: connection closed",
    ),
    "untrusted certificate": (
        unreachable("site.ua", 443, certificate(20, "unable to get local issuer certificate")),
        "the TLS certificate of site.ua is not trusted: unable to get local issuer certificate",
    ),
    "expired certificate": (
        unreachable("site.ua", 443, certificate(10, "certificate has expired")),
        "the TLS certificate of site.ua is not trusted: certificate has expired",
    ),
    "certificate for another name": (
        unreachable(
            "site.ua", 443, certificate(62, "Hostname mismatch, certificate is not valid for 'site.ua'.")
        ),
        "the TLS certificate of site.ua is not trusted: it is not valid for site.ua",
    ),
    "TLS to a plain HTTP port": (
        unreachable("site.ua", 80, ssl_error("WRONG_VERSION_NUMBER")),
        "cannot connect to site.ua port 80: the TLS handshake failed (wrong version number; is it https:// on an http:// port?)",
    ),
    "proxy says 407": (
        network_error(
            httpx.ProxyError, Exception("407 Proxy Authentication Required"), middle=httpcore.ProxyError
        ),
        "the proxy refused: 407 Proxy Authentication Required",
    ),
    "server hung up": (
        network_error(
            httpx.RemoteProtocolError,
            Exception("Server disconnected without sending a response."),
            middle=httpcore.RemoteProtocolError,
        ),
        "the server closed the connection without answering",
    ),
    "body cut short": (
        network_error(
            httpx.RemoteProtocolError,
            Exception(
                "peer closed connection without sending complete message body (received 10 bytes, expected 20)"
            ),
            middle=httpcore.RemoteProtocolError,
        ),
        "the answer broke off: the connection closed before the end (received 10 bytes, expected 20)",
    ),
    "not HTTP": (
        network_error(
            httpx.RemoteProtocolError,
            Exception("illegal header line: bytearray(b'\\x00\\x01garbage')"),
            middle=httpcore.RemoteProtocolError,
        ),
        "the answer is not valid HTTP",
    ),
    "a timeout": (
        network_error(httpx.ReadTimeout, TimeoutError("timed out"), middle=httpcore.ReadTimeout),
        "no answer within the 30 s timeout",
    ),
    "the deadline": (
        network_error(httpx.ReadTimeout, Exception("x"), middle=DeadlinePassed),
        "the page did not arrive within 10 timeouts (300 s)",
    ),
    "public only": (
        network_error(
            httpx.ConnectError,
            Exception("site.ua is at 10.0.0.1, a private address, refused by --public-only"),
            middle=NotPublic,
        ),
        "site.ua is at 10.0.0.1, a private address, refused by --public-only",
    ),
    "something else of httpx": (
        network_error(
            httpx.UnsupportedProtocol,
            Exception("Request URL has an unsupported protocol 'ftp://'."),
            middle=httpcore.UnsupportedProtocol,
        ),
        "unsupported protocol",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_network_errors_read_plainly(case):
    error, expected = CASES[case]
    said = describe(error, 30.0)
    assert said == expected
    assert not INTERNALS.search(said), said


FEEDS = {
    "a web page": (
        b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>hi<br></body></html>",
        "a web page, not an RSS or Atom feed",
    ),
    "a web page without a doctype": (
        b"  <html><body><p>a</body></html>",
        "a web page, not an RSS or Atom feed",
    ),
    "JSON": (b'{"items": [1, 2]}', "a JSON document, not an RSS or Atom feed"),
    "broken XML": (
        b"<?xml version='1.0'?><rss><channel><title>x</rss>",
        "not an RSS or Atom feed (its XML is not well-formed)",
    ),
    "plain text": (b"hello", "not an RSS or Atom feed (its XML is not well-formed)"),
    "another XML": (b"<?xml version='1.0'?><foo/>", "not an RSS or Atom feed"),
    "nothing": (b"", "not an RSS or Atom feed (the answer is empty)"),
}


@pytest.mark.parametrize("case", FEEDS)
def test_what_is_not_a_feed_says_what_it_is(case):
    data, expected = FEEDS[case]
    with pytest.raises(FetchError) as caught:
        parse_feed(data, URL)
    assert str(caught.value) == expected
    assert not INTERNALS.search(str(caught.value))


def test_a_page_names_its_feeds_resolved_on_its_site_only():
    page = b"""<html><head>
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/rss+xml" href="/rss.xml" title="News">
      <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://www.site.ua/atom">
      <link rel="alternate" type="application/rss+xml" href="https://feeds.other.com/site">
      <link rel="alternate" type="text/html" hreflang="en" href="/en/">
      <link rel="alternate" type="application/rss+xml" href="/rss.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body><a href="/feed" rel="alternate" type="application/rss+xml">feed</a></body></html>"""
    links, elsewhere = feed_links(page, "https://site.ua/news/")
    assert links == ["https://site.ua/rss.xml", "https://www.site.ua/atom", "https://site.ua/feed"]
    assert elsewhere == ["https://feeds.other.com/site"]


def test_a_page_that_is_not_html_names_no_feed():
    assert feed_links(b"\x00\x01\x02", "https://site.ua/") == ([], [])
    assert feed_links(b"", "https://site.ua/") == ([], [])


def test_the_usual_feed_paths_are_on_the_page_s_origin():
    assert usual_feeds("https://site.ua:8443/news/today?x=1") == [
        f"https://site.ua:8443/{path}"
        for path in ("feed", "rss", "rss.xml", "feed.xml", "atom.xml", "index.xml")
    ]


@pytest.mark.parametrize(
    "media_type, data, expected",
    [
        ("text/html", b"<rss/>", True),
        ("application/xhtml+xml", b"", True),
        (None, b"\xef\xbb\xbf <!doctype html><html>", True),
        (None, b"<html lang='uk'>", True),
        ("application/rss+xml", b"<?xml version='1.0'?><rss/>", False),
        (None, b'{"a": 1}', False),
    ],
)
def test_what_is_a_web_page(media_type, data, expected):
    assert is_web_page(media_type, data) is expected


@pytest.mark.parametrize(
    "name, url, note",
    [
        ("https://site.ua/x", "https://site.ua/x", None),
        (
            "www.site.ua/x",
            "https://www.site.ua/x",
            "no scheme in www.site.ua/x: fetching https://www.site.ua/x",
        ),
        ("site.ua", "https://site.ua", "no scheme in site.ua: fetching https://site.ua"),
        (
            "news.site.com.ua:8080/a?b=1",
            "https://news.site.com.ua:8080/a?b=1",
            "no scheme in news.site.com.ua:8080/a?b=1: fetching https://news.site.com.ua:8080/a?b=1",
        ),
        ("saved.html", "saved.html", None),
        ("notes.txt", "notes.txt", None),
        ("index.php/x", "index.php/x", None),
        ("localhost/x", "localhost/x", None),
        ("not a url", "not a url", None),
        ("-", "-", None),
        ("ftp://site.ua/x", "ftp://site.ua/x", None),
        ("/tmp/site.ua/x", "/tmp/site.ua/x", None),
        ("site.ua/путь", "https://site.ua/путь", "no scheme in site.ua/путь: fetching https://site.ua/путь"),
    ],
)
def test_a_host_and_path_without_scheme_is_taken_as_https(tmp_path, monkeypatch, name, url, note):
    monkeypatch.chdir(tmp_path)
    assert as_url(name) == (url, note)


def test_an_existing_file_is_never_taken_for_a_host(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "www.site.ua").mkdir()
    (tmp_path / "www.site.ua" / "x").write_text("text")
    assert as_url("www.site.ua/x") == ("www.site.ua/x", None)
    assert (
        not_a_url("www.site.ua/x")
        == "a local file, not a URL (to translate it: warnews translate www.site.ua/x)"
    )


@pytest.mark.parametrize(
    "name, hint",
    [
        ("saved.html", "a local file, not a URL (to translate it: warnews translate saved.html)"),
        ("my page.htm", "a local file, not a URL (to translate it: warnews translate 'my page.htm')"),
        ("folder", "a folder, not a URL (to translate its files: warnews translate folder/*.html)"),
        (
            "-",
            "not a URL (to read URLs from standard input: warnews fetch -i -; to translate a page from it: warnews translate -)",
        ),
        (
            "file:///tmp/saved.html",
            "a local file, not a URL (to translate it: warnews translate /tmp/saved.html)",
        ),
        ("https://site.ua/x", None),
        ("ftp://site.ua/x", None),
        ("not a url", None),
    ],
)
def test_fetch_of_a_file_suggests_translate(tmp_path, monkeypatch, name, hint):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    assert not_a_url(name) == hint


@pytest.mark.parametrize(
    "name, hint",
    [
        ("https://site.ua/x", "no such file; a URL? (to download it: warnews fetch https://site.ua/x)"),
        ("http://site.ua/a b", "no such file; a URL? (to download it: warnews fetch 'http://site.ua/a b')"),
        ("www.site.ua/x", "no such file; a URL? (to download it: warnews fetch https://www.site.ua/x)"),
        ("missing.txt", "no such file"),
        ("ftp://site.ua/x", "no such file"),
    ],
)
def test_translate_of_a_url_suggests_fetch(name, hint):
    assert not_a_file(name) == hint


# --- the rest of what reaches an error line ---


def sqlite_error(tmp_path, content):
    import sqlite3

    path = tmp_path / "db.sqlite3"
    path.write_bytes(content)
    try:
        sqlite3.connect(path).execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as error:
        return error
    raise AssertionError("no error")


def test_database_errors_in_plain_words(tmp_path):
    from warnews._errors import database_problem

    assert (
        database_problem(sqlite_error(tmp_path, b"not a database at all, " * 100))
        == "the file is not a database"
    )
    assert database_problem(OSError(13, "Permission denied")) == "permission denied"
    assert database_problem(Exception("no such table: feeds")) == (
        "the file does not hold what warnews expects (damaged, or not a warnews database)"
    )


def test_a_state_database_that_is_not_one(tmp_path):
    from warnews._errors import StoreError
    from warnews._state import State

    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"not a database at all, " * 100)
    with pytest.raises(StoreError) as caught:
        State(path)
    assert str(caught.value) == f"cannot use the state database {path}: the file is not a database"


def test_corrupt_compressed_data_says_so_without_zlib_s_words():
    from warnews._net import _Inflater

    with pytest.raises(FetchError) as caught:
        list(_Inflater("gzip", 1000).feed(b"this is not gzip at all"))
    assert str(caught.value) == "the page's gzip data is corrupt"


def test_a_certificate_bundle_without_certificates(tmp_path, monkeypatch):
    from warnews._errors import UsageError
    from warnews._net import tls_verification

    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with pytest.raises(UsageError) as caught:
        tls_verification()
    assert str(caught.value) == f"SSL_CERT_FILE names {bundle}, which holds no usable certificate"


def test_a_config_file_that_is_not_utf8(tmp_path):
    from warnews._errors import UsageError
    from warnews._settings import resolve

    config = tmp_path / "config.toml"
    config.write_bytes('credit = "\xd0\xa4"\n'.encode("latin-1") + b'out = "\xff"\n')
    with pytest.raises(UsageError) as caught:
        resolve({}, config, environ={})
    assert str(caught.value) == f"config file {config} is not valid TOML: it is not UTF-8 text"


def test_a_tls_failure_while_reading_is_not_taken_for_the_system_s_errno():
    error = network_error(
        httpx.ReadError, ssl_error("DECRYPTION_FAILED_OR_BAD_RECORD_MAC"), middle=httpcore.ReadError
    )
    assert describe(error, 30.0) == "the connection broke: TLS failed (decryption failed or bad record mac)"


def test_an_httpx_error_nobody_expected_is_named_in_words():
    error = network_error(httpx.DecodingError, Exception("x"), middle=httpcore.NetworkError)
    assert describe(error, 30.0) == "decoding error"


def test_a_closed_database_is_not_called_damaged(tmp_path):
    from warnews._errors import StoreError
    from warnews._state import State

    state = State(tmp_path / "state.sqlite3")
    state.close()
    with pytest.raises(StoreError, match="it was closed already") as caught:
        state.find("https://news.example/a")
    assert "damaged" not in str(caught.value)
