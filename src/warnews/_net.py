"""The one HTTP layer: httpx, with the proxies, certificates and timeouts users expect.

Articles are downloaded through it, and so are deep-translator's requests (see
_translate.py), so both honour HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE,
SSL_CERT_DIR, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, and --proxy overrides them.
"""

from __future__ import annotations

import os
import random
import ssl
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from . import __version__
from ._errors import FetchError, UsageError

USER_AGENT = f"warnews/{__version__} (news translation tool; +python-httpx)"
MAX_REDIRECTS = 10
_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
# Variables naming a CA bundle, in the order curl, requests and httpx users know them.
_CA_FILE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0


def tls_verification() -> ssl.SSLContext | bool:
    """A TLS context from the certificate variables, or True for httpx's default bundle."""
    for variable in _CA_FILE_VARIABLES:
        path = os.environ.get(variable)
        if path:
            if os.path.isdir(path):
                return ssl.create_default_context(capath=path)
            if not os.path.isfile(path):
                raise UsageError(f"{variable} names {path}, which is not a file")
            try:
                return ssl.create_default_context(cafile=path)
            except ssl.SSLError as error:
                raise UsageError(
                    f"{variable} names {path}, which holds no usable certificate: {error}"
                ) from None
    directory = os.environ.get("SSL_CERT_DIR")
    if directory:
        return ssl.create_default_context(capath=directory)
    return True


def check_proxy(proxy: str, origin: str = "--proxy") -> str:
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")  # HTTP_PROXY=host:port is allowed
    try:
        valid = parts.scheme in _PROXY_SCHEMES and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number from 1 to 65535
        valid = False
    if not valid:
        raise UsageError(
            f"bad proxy URL {proxy!r} in {origin}: expected e.g. http://host:3128 or socks5h://127.0.0.1:9050"
        )
    return proxy


def _check_environment_proxies() -> None:
    for scheme, proxy in getproxies().items():
        if scheme != "no":
            check_proxy(proxy, f"the {scheme.upper()}_PROXY environment variable")


def make_client(timeout: float, proxy: str | None = None) -> httpx.Client:
    """The client every request goes through; proxies come from the environment unless given."""
    if proxy:
        check_proxy(proxy)
    else:
        _check_environment_proxies()
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        proxy=proxy or None,
        verify=tls_verification(),
        trust_env=True,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    content: bytes
    media_type: str | None
    charset: str | None


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise FetchError(f"unsupported URL ({shown}): only http:// and https:// are fetched")
    if not parts.hostname:
        raise FetchError("not a URL: it names no host")


def _describe(error: httpx.HTTPError, timeout: float) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within the {timeout:g} s timeout"
    if isinstance(error, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "redirected to an unsupported URL: only http:// and https:// are fetched"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {error}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def download(client: httpx.Client, url: str, max_bytes: int) -> Download:
    """GET a page, following redirects, refusing errors and anything over max_bytes."""
    check_url(url)
    timeout = float(client.timeout.read or 0.0)
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"page is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"page is over the {max_bytes:,}-byte limit")
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "")
            media_type = content_type.split(";")[0].strip().lower() or None
            return Download(url, str(response.url), b"".join(chunks), media_type, response.charset_encoding)
    except httpx.HTTPError as error:
        raise FetchError(_describe(error, timeout)) from None


def retry_delay(response: httpx.Response | None, attempt: int) -> float:
    """Seconds to wait before the next try: Retry-After when given, else exponential with jitter."""
    if response is not None:
        value = response.headers.get("Retry-After", "").strip()
        if value.isdigit():
            return min(float(value), _MAX_RETRY_AFTER)
        if value:
            try:
                return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), _MAX_RETRY_AFTER)
            except (TypeError, ValueError):
                pass
    backoff: float = min(0.5 * 2**attempt, 8.0)
    return backoff * random.uniform(0.5, 1.0)


def get_with_retries(client: httpx.Client, url: str, retries: int) -> httpx.Response:
    """GET url, retrying 429, 5xx and connection failures a bounded number of times."""
    for attempt in range(retries + 1):
        try:
            response = client.get(url)
        except httpx.TransportError:
            if attempt == retries:
                raise
            time.sleep(retry_delay(None, attempt))
            continue
        if response.status_code not in _RETRY_STATUSES or attempt == retries:
            return response
        time.sleep(retry_delay(response, attempt))
    raise AssertionError("unreachable")  # pragma: no cover
