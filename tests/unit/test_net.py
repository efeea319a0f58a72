"""The HTTP layer's seams into httpx and httpcore, and its pure decisions."""

import time

import httpcore
import httpx
import pytest
from httpcore._sync.http11 import HTTP11Connection

from warnews import _net
from warnews._errors import FetchError


def test_every_pool_gets_the_bounded_backend(monkeypatch):
    """make_client sets httpcore's network backend on each pool (direct and proxied);
    this fails if httpx or httpcore move the attributes it reaches for."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "localhost")
    with _net.make_client(5.0, public_only=True) as client:
        direct = client._transport._pool._network_backend
        proxied = [t._pool._network_backend for t in client._mounts.values() if t is not None]
    assert isinstance(direct, _net._Backend) and direct.public_only
    assert proxied and all(isinstance(b, _net._Backend) and not b.public_only for b in proxied), (
        "through a proxy, the proxy resolves: its own address is not checked"
    )


def test_excess_after_a_response_closes_the_connection():
    assert getattr(HTTP11Connection._response_closed, "warnews", False)


def test_the_deadline_cuts_every_operation():
    with _net.deadline(0.5):
        left = _net._within(30.0)
        assert 0 < left <= 0.5
        assert _net._within(0.1) == 0.1
    assert _net._within(30.0) == 30.0, "outside a deadline, the timeout as given"
    with _net.deadline(0.01):
        time.sleep(0.02)
        with pytest.raises(_net.DeadlinePassed):
            _net._within(30.0)
    assert issubclass(_net.DeadlinePassed, httpcore.ReadTimeout), "httpx maps it to a timeout"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2", 2.0),
        ("120", 60.0),
        ("\u00b2", None),
        ("Wed, 21 Oct 99999999999 07:28:00 GMT", None),
        ("soon", None),
    ],
)
def test_retry_after_that_cannot_be_read_is_absent(value, expected):
    response = httpx.Response(503, headers=[(b"Retry-After", value.encode("latin-1"))])
    delay = _net.retry_delay(response, 0)
    if expected is None:
        assert 0.25 <= delay <= 0.5, "the backoff of a first retry"
    else:
        assert delay == expected


def redirect(request, status, location):
    return _net._redirected(request, status, location, ("s3cret-key",))


def test_redirects_keep_or_change_the_method_as_browsers_do():
    post = httpx.Request("POST", "http://a.example/t", data={"q": "текст"})
    assert redirect(post, 307, "/u").method == "POST" and redirect(post, 307, "/u").content == post.content
    assert redirect(post, 302, "/u").method == "GET" and redirect(post, 302, "/u").content == b""
    assert redirect(post, 303, "http://b.example/").method == "GET"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"api_key": "s3cret-key"}},
        {"headers": {"Ocp-Apim-Subscription-Key": "s3cret-key"}},
        {"params": {"de": "s3cret-key"}},
    ],
    ids=["form", "header", "url"],
)
def test_credentials_never_go_to_another_origin(request_kwargs):
    request = httpx.Request("POST", "http://a.example/t", **request_kwargs)
    with pytest.raises(FetchError, match="another origin"):
        redirect(request, 307, "http://a.example:8080/t")
    assert redirect(request, 307, "/elsewhere").url == "http://a.example/elsewhere", "same origin: followed"


def test_origin_headers_are_dropped_on_the_way_to_another_origin():
    request = httpx.Request("GET", "http://a.example/", headers={"Authorization": "Basic x", "Cookie": "c=1"})
    moved = redirect(request, 301, "https://b.example/")
    assert "authorization" not in moved.headers and "cookie" not in moved.headers
    upgraded = redirect(request, 301, "https://a.example/")
    assert upgraded.headers["authorization"] == "Basic x", "http -> https on one host is one origin"


@pytest.mark.parametrize(
    "location, message",
    [
        ("data:text/html,<p>hi</p>", "redirected to an unsupported URL (data:)"),
        ("javascript:alert(1)", "redirected to an unsupported URL (javascript:)"),
        ("http://0177.0.0.1/x", "redirected to an invalid URL"),
    ],
)
def test_redirects_that_cannot_be_followed(location, message):
    with pytest.raises(FetchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        redirect(httpx.Request("GET", "http://a.example/"), 302, location)


def test_an_answer_in_an_unknown_charset_is_read_as_utf8():
    assert _net._text("Добрий день".encode(), "x-no-such-charset") == "Добрий день"
    assert _net._text("Добрий день".encode("koi8-u"), "koi8-u") == "Добрий день"
