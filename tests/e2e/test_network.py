"""Proxies and certificates from the environment, as curl, requests and httpx honour them."""

import pytest
import trustme
from pages import article_page, body_paragraphs, ukrainian_paragraphs
from servers import Site
from translators import emulate_translation

TITLE = "Школа відкрилася в укритті"


@pytest.fixture
def proxied(proxy, site, google):
    """Hosts that do not exist anywhere, reachable only through the local proxy."""
    proxy.route("news.invalid", site)
    proxy.route("translate.invalid", google)
    site.add("/article", article_page(TITLE, ukrainian_paragraphs(3), published="2024-05-02"))
    return {"WARNEWS_GOOGLE_URL": "http://translate.invalid/m"}


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_proxy_from_the_environment_carries_downloads_and_translations(
    run, proxy, proxied, variable, tmp_path
):
    result = run("fetch", "http://news.invalid/article", env={**proxied, variable: proxy.origin})
    assert result.returncode == 0, result.stderr
    assert any(url.startswith("http://news.invalid/article") for url in proxy.seen)
    assert any(url.startswith("http://translate.invalid/m?") for url in proxy.seen)
    text = (tmp_path / result.stdout.strip()).read_text()
    assert body_paragraphs(text) == [emulate_translation(p) for p in ukrainian_paragraphs(3)]


def test_proxy_flag_overrides_the_environment(run, proxy, proxied):
    env = {**proxied, "HTTP_PROXY": "http://127.0.0.1:9"}  # nothing listens there
    result = run("fetch", "http://news.invalid/article", "--proxy", proxy.origin, env=env)
    assert result.returncode == 0, result.stderr
    assert len(proxy.seen) >= 2


def test_no_proxy_bypasses_the_proxy(run, proxy, site, google):
    url = site.add("/direct", article_page(TITLE, ukrainian_paragraphs(2)))
    env = {"HTTP_PROXY": proxy.origin, "NO_PROXY": "127.0.0.1"}
    result = run("fetch", url, env=env)
    assert result.returncode == 0, result.stderr
    assert proxy.seen == [] and site.hits["/direct"] == 1 and google.count == 1


def test_unreachable_proxy_is_one_clear_error(run, proxied):
    result = run("fetch", "http://news.invalid/article", env={**proxied, "HTTP_PROXY": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert result.stderr.startswith("warnews: error: http://news.invalid/article: cannot connect")


@pytest.fixture
def tls(tmp_path):
    authority = trustme.CA()
    server_context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with Site(tls=server_context) as server:
        server.add("/secure", article_page(TITLE, ukrainian_paragraphs(2)))
        yield server, bundle


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_bundle_from_the_environment(run, tls, variable):
    server, bundle = tls
    result = run("fetch", server.url("/secure"), env={variable: str(bundle)})
    assert result.returncode == 0, result.stderr


def test_untrusted_certificate_is_one_clear_error(run, tls):
    server, _ = tls
    result = run("fetch", server.url("/secure"))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert (
        line == f"warnews: error: {server.url('/secure')}: the TLS certificate of 127.0.0.1 is not trusted:"
        " unable to get local issuer certificate"
    )
