"""The one HTTP layer: httpx, with the proxies, certificates and timeouts users expect.

Articles are downloaded through it, and so are deep-translator's requests (see
_translate.py), so both honour HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE,
SSL_CERT_DIR, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, and --proxy overrides them.
"""

from __future__ import annotations

import ipaddress
import os
import random
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpcore
import httpx

from . import __version__
from ._errors import FetchError, Stopped, UsageError

USER_AGENT = f"warnews/{__version__} (news translation tool; +python-httpx)"
MAX_REDIRECTS = 10
_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
# Variables naming a CA bundle, in the order curl, requests and httpx users know them.
_CA_FILE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0
# A page must arrive within this many timeouts in all: a server that trickles a byte
# just inside the timeout, again and again, would otherwise hold a run forever.
PAGE_DEADLINE_TIMEOUTS = 10
_ACCEPTED_ENCODINGS = "gzip, deflate"  # what _Inflater can inflate within a limit


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


def make_client(timeout: float, proxy: str | None = None, public_only: bool = False) -> httpx.Client:
    """The client every request goes through; proxies come from the environment unless given.

    public_only: connections go only to public addresses (checked on every connection,
    redirects included); through a proxy, resolving the target is the proxy's job.
    """
    if proxy:
        check_proxy(proxy)
    else:
        _check_environment_proxies()
    client = httpx.Client(
        timeout=httpx.Timeout(timeout),
        proxy=proxy or None,
        verify=tls_verification(),
        trust_env=True,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )
    if public_only:
        # httpx has no argument for httpcore's network backend (and a transport of our
        # own would turn off the proxy variables); the direct transport's pool reads this
        # attribute for every new connection. The --public-only tests catch a change.
        client._transport._pool._network_backend = PublicOnlyBackend()  # type: ignore[attr-defined]
    return client


class NotPublic(httpcore.ConnectError):
    """A connection refused by --public-only."""


def not_public(address: str) -> str | None:
    """Why an IP address is not a public one (loopback, private, ...), or None if it is."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "not global"


class PublicOnlyBackend(httpcore.SyncBackend):
    """Resolves a host itself and connects only to the addresses it checked, so that a
    name cannot resolve to a public address for the check and a private one for the
    connection."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from None
        addresses = list(dict.fromkeys(str(address[0]) for *_, address in found))
        for address in addresses:
            reason = not_public(address)
            if reason:
                raise NotPublic(f"{host} is at {address}, a {reason} address, refused by --public-only")
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # TLS still checks the certificate against host
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure or httpcore.ConnectError(f"{host} has no address")


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    content: bytes
    media_type: str | None
    charset: str | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Throttle:
    """At most `concurrency` requests at once and `rate` a second, shared by threads.

    pause() holds every later request back (a 429's Retry-After applies to the whole
    run, not to one thread), and a set `stop` event ends every wait at once.
    """

    def __init__(self, concurrency: int, rate: float, stop: threading.Event | None = None) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()
        self.stop = stop or threading.Event()

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)

    def wait(self, seconds: float) -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped

    @contextmanager
    def __call__(self) -> Iterator[None]:
        while not self._slots.acquire(timeout=0.1):
            if self.stop.is_set():
                raise Stopped
        try:
            with self._lock:
                now = time.monotonic()
                slot = max(now, self._next)
                self._next = slot + self._interval
            self.wait(slot - now)
            yield
        finally:
            self._slots.release()


class HostLimits:
    """One Throttle per host name, made on first use."""

    def __init__(self, per_host: int, stop: threading.Event | None = None) -> None:
        self._per_host = per_host
        self._hosts: dict[str, Throttle] = {}
        self._lock = threading.Lock()
        self.stop = stop or threading.Event()

    def __getitem__(self, url: str) -> Throttle:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = Throttle(self._per_host, float("inf"), self.stop)
            return self._hosts[host]


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise FetchError(f"unsupported URL ({shown}): only http:// and https:// are fetched")
    if not parts.hostname:
        raise FetchError("not a URL: it names no host")


def describe(error: httpx.HTTPError, timeout: float) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within the {timeout:g} s timeout"
    if isinstance(error, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "redirected to an unsupported URL: only http:// and https:// are fetched"
    if isinstance(error.__cause__, NotPublic):
        return str(error)
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {error}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the answer broke off: {error}"
    if isinstance(error, httpx.ReadError):
        return f"the connection broke: {error}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class _Retry(Exception):  # noqa: N818 - not an error yet: a status worth another try
    def __init__(self, message: str, response: httpx.Response) -> None:
        self.message = message
        self.response = response


def _retryable(error: Exception) -> bool:
    """A connection that failed or broke; not a timeout, which would only multiply the wait."""
    return isinstance(
        error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)
    )


def download(
    client: httpx.Client,
    url: str,
    max_bytes: int,
    retries: int = 0,
    throttle: Throttle | None = None,
    headers: dict[str, str] | None = None,
) -> Download:
    """GET a page, following redirects, refusing errors and anything over max_bytes.

    429, 5xx and connection failures are tried again up to `retries` times, after the
    server's Retry-After or an exponential backoff with jitter.
    """
    check_url(url)
    throttle = throttle or Throttle(1, float("inf"))
    for attempt in range(retries + 1):
        try:
            with throttle():
                return _get_page(client, url, max_bytes, headers or {})
        except _Retry as retry:
            if attempt == retries:
                raise FetchError(retry.message) from None
            throttle.wait(retry_delay(retry.response, attempt))
        except httpx.HTTPError as error:
            if attempt == retries or not _retryable(error):
                raise FetchError(describe(error, float(client.timeout.read or 0.0))) from None
            throttle.wait(retry_delay(None, attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _get_page(client: httpx.Client, url: str, max_bytes: int, headers: dict[str, str]) -> Download:
    allowed = PAGE_DEADLINE_TIMEOUTS * float(client.timeout.read or 0.0)  # 0: no timeout, no deadline
    deadline = time.monotonic() + allowed
    headers = {"Accept-Encoding": _ACCEPTED_ENCODINGS, **headers}
    with client.stream("GET", url, headers=headers) as response:
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        if response.status_code in _RETRY_STATUSES:
            raise _Retry(status, response)
        if response.status_code >= 400:
            raise FetchError(status)
        declared = response.headers.get("Content-Length", "")
        encoding = response.headers.get("Content-Encoding", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"page is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
        inflater = _Inflater(encoding, max_bytes)
        chunks: list[bytes] = []
        for raw in response.iter_raw():
            chunks.extend(inflater.feed(raw))
            if allowed and time.monotonic() > deadline:
                raise FetchError(
                    f"the page did not arrive within {PAGE_DEADLINE_TIMEOUTS} timeouts ({allowed:g} s)"
                )
        chunks.extend(inflater.finish())
        content_type = response.headers.get("Content-Type", "")
        return Download(
            url,
            str(response.url),
            b"".join(chunks),
            content_type.split(";")[0].strip().lower() or None,
            response.charset_encoding,
            response.status_code,
            dict(response.headers),
        )


class _Inflater:
    """The body of a page as sent (identity, gzip or deflate), inflated at most up to the
    size limit: a small body that would inflate to gigabytes is refused at the limit,
    never held in memory whole."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
        codings = [part.strip().lower() for part in encoding.split(",") if part.strip()]
        codings = [coding for coding in codings if coding != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported Content-Encoding: {encoding}")
        self._coding = codings[0] if codings else None
        wbits = zlib.MAX_WBITS | 16 if self._coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits) if self._coding else None
        self._first = True
        self._max = max_bytes
        self._size = 0

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._max:
            inflated = " once inflated" if self._coding else ""
            raise FetchError(f"page is over the {self._max:,}-byte limit{inflated}")
        return data

    def feed(self, raw: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield self._count(raw)
            return
        data = raw
        while data:
            try:
                out = self._zlib.decompress(data, self._max - self._size + 1)
            except zlib.error as error:
                if self._first and self._coding == "deflate":  # raw deflate, without the zlib header
                    self._zlib, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(f"the page's {self._coding} data is corrupt: {error}") from None
            self._first = False
            yield self._count(out)
            data = self._zlib.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        if self._zlib is not None:
            yield self._count(self._zlib.flush())


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


def send_with_retries(
    client: httpx.Client, request: httpx.Request, retries: int, throttle: Throttle | None = None
) -> httpx.Response:
    """Send a request, retrying 429, 5xx and connection failures a bounded number of times."""
    throttle = throttle or Throttle(1, float("inf"))
    for attempt in range(retries + 1):
        try:
            with throttle():
                response = client.send(request)
        except httpx.TransportError as error:
            if attempt == retries or not _retryable(error):
                raise
            throttle.wait(retry_delay(None, attempt))
            continue
        if response.status_code not in _RETRY_STATUSES or attempt == retries:
            return response
        delay = retry_delay(response, attempt)
        if response.status_code == 429:
            throttle.pause(delay)  # the whole run slows down, not just this request
        else:
            throttle.wait(delay)
    raise AssertionError("unreachable")  # pragma: no cover
