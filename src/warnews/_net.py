"""The one HTTP layer: httpx, with the proxies, certificates and timeouts users expect.

Articles are downloaded through it, and so are deep-translator's requests (see
_translate.py), so both honour HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE,
SSL_CERT_DIR, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, and --proxy overrides them.
"""

from __future__ import annotations

import contextvars
import errno
import ipaddress
import logging
import os
import random
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpcore
import httpx
from httpcore._backends.sync import TLSinTLSStream
from httpcore._exceptions import map_exceptions
from httpcore._sync.http11 import HTTP11Connection

from . import __version__
from ._errors import FetchError, Stopped, UsageError
from ._pace import Pace
from ._redact import holds, mask_url, printable, proxy_password, redact
from ._settings import PROXY_SCHEMES

USER_AGENT = f"warnews/{__version__} (news translation tool; +python-httpx)"
MAX_REDIRECTS = 10
# Variables naming a CA bundle, in the order curl, requests and httpx users know them.
_CA_FILE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_GONE_STATUSES = frozenset({404, 410, 451})  # the page is not there and will not be: never retried
_MAX_RETRY_AFTER = 60.0
# Every exchange (a page with its redirects, a feed, a translator answer) must be over
# within this many timeouts in all, headers included: a server that trickles a byte just
# inside the timeout, again and again, would otherwise hold a run (and its lock) for ever.
PAGE_DEADLINE_TIMEOUTS = 10
MAX_ANSWER_BYTES = 4 * 1024 * 1024  # a translator's answer: a few times the largest request
_ACCEPTED_ENCODINGS = "gzip, deflate"  # what _Inflater can inflate within a limit
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Headers that hold credentials of the origin they were sent to.
_ORIGIN_HEADERS = ("authorization", "cookie")
# -v: each exchange, redirect and retry (the handler masks secrets; see _report.Verbose).
_log = logging.getLogger("warnews")
_log.propagate = False  # its lines name URLs that may hold secrets: shown only through a masking handler


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
            except ssl.SSLError:
                raise UsageError(f"{variable} names {path}, which holds no usable certificate") from None
    directory = os.environ.get("SSL_CERT_DIR")
    if directory:
        return ssl.create_default_context(capath=directory)
    return True


def check_proxy(proxy: str, origin: str = "--proxy") -> str:
    try:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")  # HTTP_PROXY=host:port is allowed
        valid = parts.scheme in PROXY_SCHEMES and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number from 1 to 65535, a broken [IPv6] host
        valid = False
    if not valid:
        hint = ' (in a password, "/", "@" and ":" are written %2F, %40 and %3A)' if "@" in proxy else ""
        raise UsageError(
            f"bad proxy URL {printable(mask_url(proxy))} in {origin}: expected e.g. http://host:3128"
            f" or socks5h://127.0.0.1:9050{hint}"
        )
    return proxy


def _check_environment_proxies() -> None:
    for scheme, proxy in getproxies().items():
        if scheme != "no":
            check_proxy(proxy, f"the {scheme.upper()}_PROXY environment variable")


def make_client(timeout: float, proxy: str | None = None, public_only: bool = False) -> httpx.Client:
    """The client every request goes through; proxies come from the environment unless given.

    Every connection it makes reads and writes within the current exchange's deadline
    (see `deadline`). public_only: connections go only to public addresses (checked on
    every connection, redirects included); through a proxy, resolving the target is the
    proxy's job.
    """
    if proxy:
        check_proxy(proxy)
    else:
        _check_environment_proxies()
    verify = tls_verification()
    try:
        client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            proxy=proxy or None,
            verify=verify,
            trust_env=True,
            follow_redirects=False,  # followed by `exchange`, which never reads a redirect's body
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": _ACCEPTED_ENCODINGS},
            event_hooks={"response": [_stop_at_redirects]},
        )
    except (ValueError, httpx.InvalidURL) as error:  # a proxy URL httpx reads otherwise than urllib
        raise UsageError(f"bad proxy URL: {redact(str(error), [proxy_password(proxy or '')])}") from None
    # httpx has no argument for httpcore's network backend (and a transport of our own
    # would turn off the proxy variables); each pool reads this attribute for every new
    # connection. tests/unit/test_net.py fails if httpx or httpcore move it.
    direct = _Backend(public_only)
    for transport in {client._transport, *client._mounts.values()}:
        if transport is None:
            continue
        pool = transport._pool  # type: ignore[attr-defined]
        proxied = transport is not client._transport
        pool._network_backend = _Backend() if proxied else direct
        # An https:// proxy's own certificate is checked against the same bundle as every
        # server's (httpx would use certifi's for it, whatever SSL_CERT_FILE says).
        if proxied and isinstance(verify, ssl.SSLContext) and getattr(pool, "_proxy_ssl_context", 0) is None:
            pool._proxy_ssl_context = verify
    return client


# --- the deadline every connection keeps ---

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("warnews_deadline", default=None)


class DeadlinePassed(httpcore.ReadTimeout):
    """The exchange's deadline passed: no more reading, writing or connecting for it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every network operation of this thread inside the block ends by `seconds` from now."""
    token = _deadline.set(time.monotonic() + seconds if seconds > 0 else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def _within(timeout: float | None) -> float | None:
    """An operation's timeout, cut to what is left of the deadline."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the deadline passed")
    return left if timeout is None else min(timeout, left)


def _check_deadline() -> None:
    """Raise the deadline's timeout (as httpx raises it) if the deadline has passed."""
    try:
        _within(None)
    except DeadlinePassed as passed:
        raise httpx.ReadTimeout(str(passed)) from passed


@contextmanager
def _bounded() -> Iterator[None]:
    """A timeout that the deadline cut short is the deadline's."""
    try:
        yield
    except (httpcore.TimeoutException, httpcore.ConnectError, httpcore.ReadError, httpcore.WriteError):
        end = _deadline.get()
        if end is not None and time.monotonic() >= end:
            raise DeadlinePassed("the deadline passed") from None
        raise


class _BoundedStream(httpcore.NetworkStream):
    """A connection whose every read and write (headers, bodies, TLS) ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _bounded():
            return self._stream.read(max_bytes, _within(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _bounded():
            self._stream.write(buffer, _within(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        sock = self._stream.get_extra_info("socket")
        with _bounded(), _naming(server_hostname, self._stream):
            if not isinstance(sock, ssl.SSLSocket):
                return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname, _within(timeout)))
            # TLS inside an https:// proxy's TLS: httpcore's stream loops over recv() within
            # one read, each recv with the whole timeout; its socket is given one that cuts
            # every recv and send to the deadline instead.
            with map_exceptions({socket.timeout: httpcore.ConnectTimeout, OSError: httpcore.ConnectError}):
                bounded = _DeadlineSocket(sock)
                inner = TLSinTLSStream(bounded, ssl_context, server_hostname, _within(timeout))  # type: ignore[arg-type]
            return _BoundedStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


@contextmanager
def _naming(host: str | None, stream: httpcore.NetworkStream) -> Iterator[None]:
    """A TLS failure names the host whose certificate or handshake failed (for describe)."""
    try:
        peer = stream.get_extra_info("server_addr")  # before a failure closes the socket
    except OSError:
        peer = None
    try:
        yield
    except httpcore.ConnectError as error:
        if host is None or error.__cause__ is None or isinstance(error, Unreachable):
            raise
        port = peer[1] if isinstance(peer, tuple) and len(peer) > 1 else 0
        raise Unreachable(host, port, error.__cause__) from error.__cause__


class _DeadlineSocket:
    """A socket whose every recv and send ends by the deadline (for TLSinTLSStream)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._timeout: float | None = None

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def recv(self, size: int) -> bytes:
        self._sock.settimeout(_within(self._timeout))
        return self._sock.recv(size)

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_within(self._timeout))
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:  # fileno, close, getpeername, ...
        return getattr(self._sock, name)


class NotPublic(httpcore.ConnectError):
    """A connection refused by --public-only."""


class Unreachable(httpcore.ConnectError):
    """A connection to `host` that could not be made; its cause says why (for describe)."""

    def __init__(self, host: str, port: int, cause: BaseException) -> None:
        super().__init__(f"{host} port {port}: {cause}")
        self.host, self.port, self.cause = host, port, cause  # httpcore drops __cause__ on the way


def not_public(address: str) -> str | None:
    """Why an IP address is not a public one (loopback, private, ...), or None if it is."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "not global"


class _Backend(httpcore.SyncBackend):
    """Connections bounded by the deadline; with public_only, it resolves a host itself and
    connects only to the addresses it checked, so that a name cannot resolve to a public
    address for the check and a private one for the connection."""

    def __init__(self, public_only: bool = False) -> None:
        self.public_only = public_only

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._addresses(host, port) if self.public_only else [host]
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # TLS still checks the certificate against host
            try:
                with _bounded():
                    stream = super().connect_tcp(
                        address, port, _within(timeout), local_address, socket_options
                    )
                return _BoundedStream(stream)
            except httpcore.ConnectError as error:
                # Which host could not be reached: through a proxy, the proxy's, not the URL's.
                failure = error if error.__cause__ is None else Unreachable(host, port, error.__cause__)
            except httpcore.ConnectTimeout as error:
                failure = error
        raise failure or httpcore.ConnectError(f"{host} has no address")

    @staticmethod
    def _addresses(host: str, port: int) -> list[str]:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise Unreachable(host, port, error) from error
        addresses = list(dict.fromkeys(str(address[0]) for *_, address in found))
        for address in addresses:
            reason = not_public(address)
            if reason:
                raise NotPublic(f"{host} is at {address}, a {reason} address, refused by --public-only")
        return addresses


def _close_on_excess() -> None:
    """A response that goes on past the end it declared closes its connection.

    httpcore keeps bytes that came after a response's end and reads them as the answer to
    the next request on that connection: a server could append a whole second response
    and have it taken for another URL's page. Nothing after a response's end is trusted,
    as curl does: such a connection is closed, never reused. (httpcore has no setting
    for it; tests/unit/test_net.py fails if the method moves.)
    """
    original = HTTP11Connection._response_closed
    if getattr(original, "warnews", False):
        return

    def _response_closed(self: HTTP11Connection) -> None:
        if self._h11_state.trailing_data[0]:
            self.close()
            return
        original(self)

    _response_closed.warnews = True  # type: ignore[attr-defined]
    HTTP11Connection._response_closed = _response_closed  # type: ignore[method-assign]


_close_on_excess()


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    content: bytes
    media_type: str | None
    charset: str | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Blocked(Exception):
    """Not sent: the translator has refused every request for long (Pace.blocked)."""


class Throttle:
    """At most `concurrency` requests at once and `rate` a second, shared by threads.

    rate: a number, or a Pace that answers and 429s move (told through answered() and
    refused()). pause() holds every later request back (a 429's Retry-After applies to the
    whole run, not to one thread), and a set `stop` event ends every wait at once.
    """

    def __init__(self, concurrency: int, rate: float | Pace, stop: threading.Event | None = None) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self.pace = rate if isinstance(rate, Pace) else None
        self._interval = 0.0 if isinstance(rate, Pace) else 1.0 / rate
        self._next = 0.0
        self._hold = 0.0  # no request before this moment (a 429's Retry-After)
        self._lock = threading.Lock()
        self.stop = stop or threading.Event()

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._hold = max(self._hold, time.monotonic() + seconds)
            self._next = max(self._next, self._hold)

    def wait(self, seconds: float) -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped

    def _wait_unblocked(self, seconds: float) -> None:
        """wait(seconds), ended by a Blocked as soon as the translator is found blocked (a
        request at the floor's pace may wait its turn for long)."""
        end = time.monotonic() + seconds
        while True:
            if self.blocked:
                raise Blocked
            left = end - time.monotonic()
            if left <= 0:
                return
            self.wait(min(left, 0.5))

    @property
    def blocked(self) -> bool:
        """Whether its translator has refused every request for long (Pace.blocked)."""
        with self._lock:
            return self.pace is not None and self.pace.blocked(time.monotonic())

    def answered(self, sent: float) -> None:
        """The request that left at `sent` (what __call__ gave) was answered."""
        if self.pace is not None:
            with self._lock:
                self.pace.answered(sent, time.monotonic())

    def refused(self, sent: float) -> None:
        """The request that left at `sent` was answered 429: slow down."""
        if self.pace is not None:
            with self._lock:
                self.pace.refused(sent, time.monotonic())

    @contextmanager
    def __call__(self) -> Iterator[float]:
        """A turn to send one request; gives the moment it leaves (for answered, refused).
        Blocked, before or while it waits, when its translator refuses everything."""
        while not self._slots.acquire(timeout=0.1):
            if self.stop.is_set():
                raise Stopped
        try:
            with self._lock:
                now = time.monotonic()
                slot = max(now, self._next)
                self._next = slot + (self.pace.interval if self.pace is not None else self._interval)
            self._wait_unblocked(slot - now)
            while True:  # a pause that came while this one waited for its turn holds it too
                with self._lock:
                    hold = self._hold - time.monotonic()
                if hold <= 0:
                    break
                self._wait_unblocked(hold)
            with self._lock:
                sent = time.monotonic()
                if self.pace is not None:
                    self.pace.sent(sent, slot - now)
            yield sent
        finally:
            self._slots.release()


class HostLimits:
    """One Throttle per host name, made on first use."""

    def __init__(self, per_host: int, stop: threading.Event | None = None) -> None:
        self._per_host = per_host
        self._hosts: dict[str, Throttle] = {}
        self._lock = threading.Lock()
        self.stop = stop or threading.Event()

    def pace(self, url: str, rate: float) -> None:
        """At most `rate` requests a second to the host of url."""
        with self._lock:
            self._hosts[_host(url)] = Throttle(self._per_host, rate, self.stop)

    def __getitem__(self, url: str) -> Throttle:
        host = _host(url)
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = Throttle(self._per_host, float("inf"), self.stop)
            return self._hosts[host]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # not a URL: check_url says so, after this
        return ""


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number from 0 to 65535
    except ValueError:
        raise FetchError("not a valid URL: its host or port cannot be read", permanent=True) from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise FetchError(f"unsupported URL ({shown}): only http:// and https:// are fetched", permanent=True)
    if not parts.hostname:
        raise FetchError("not a URL: it names no host", permanent=True)


def describe(error: httpx.HTTPError, timeout: float, what: str = "page") -> str:
    """A network failure in plain words: which host, and what went wrong, never an errno,
    an OpenSSL code, a parser's message or a Python repr."""
    if isinstance(error.__cause__, DeadlinePassed):
        allowed = PAGE_DEADLINE_TIMEOUTS * timeout
        return f"the {what} did not arrive within {PAGE_DEADLINE_TIMEOUTS} timeouts ({allowed:g} s)"
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within the {timeout:g} s timeout"
    if isinstance(error.__cause__, NotPublic):
        return str(error.__cause__)
    if isinstance(error, httpx.ProxyError):
        return f"the proxy refused: {_sentence(str(error))}"
    if isinstance(error, httpx.ConnectError):
        return _cannot_connect(error)
    if isinstance(error, httpx.RemoteProtocolError):
        return _broken_answer(str(error))
    if isinstance(error, (httpx.ReadError, httpx.WriteError)):
        root = _root(error)
        return f"the connection broke: {_os_reason(root)}" if root else "the connection broke"
    # UnsupportedProtocol, DecodingError, LocalProtocolError, ...: the name says it
    return "".join(f" {c.lower()}" if c.isupper() else c for c in type(error).__name__).strip()


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = (
            current.cause if isinstance(current, Unreachable) else current.__cause__ or current.__context__
        )


def _root(error: BaseException) -> OSError | None:
    """The operating system's (or OpenSSL's) error under an httpx one, if any."""
    return next((cause for cause in _chain(error) if isinstance(cause, OSError)), None)


_OS_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection closed",
    errno.EPIPE: "connection closed",
}


def _os_reason(error: OSError) -> str:
    if isinstance(error, ssl.SSLError):  # its errno is OpenSSL's, not the system's
        return f"TLS failed ({(error.reason or 'unknown reason').lower().replace('_', ' ')})"
    if error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    if isinstance(error.errno, int) and error.errno > 0:
        text = os.strerror(error.errno)
        return text[:1].lower() + text[1:]
    return "the connection failed"


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _cannot_connect(error: httpx.ConnectError) -> str:
    reached = next((cause for cause in _chain(error) if isinstance(cause, Unreachable)), None)
    try:
        url: httpx.URL | None = error.request.url
    except RuntimeError:  # an error made without its request
        url = None
    host = reached.host if reached else (url.host if url else "")
    port = reached.port if reached else (url.port or (443 if url.scheme == "https" else 80) if url else 0)
    # Through a proxy, what could not be reached is the proxy, not the URL's host.
    proxied = reached is not None and url is not None and reached.host != url.raw_host.decode("ascii")
    root = _root(error)
    if isinstance(root, socket.gaierror):
        notes = ["the proxy"] if proxied else []
        if root.errno == socket.EAI_AGAIN:
            notes.append("the name server did not answer")
        return f"cannot resolve host {host}" + (f" ({'; '.join(notes)})" if notes else "")
    whose = f"the proxy {host}" if proxied else host
    if isinstance(root, ssl.SSLCertVerificationError):
        message = root.verify_message or "it could not be verified"
        if root.verify_code == 62:  # X509_V_ERR_HOSTNAME_MISMATCH
            message = f"it is not valid for {host}"
        return f"the TLS certificate of {whose} is not trusted: {message}"
    where = f" to {whose} port {port}" if reached else ""
    if isinstance(root, ssl.SSLError):
        reason = (root.reason or "unknown reason").lower().replace("_", " ")
        if reason == "wrong version number":  # the answer was not TLS at all
            reason += "; is it https:// on an http:// port?"
        return f"cannot connect{where}: the TLS handshake failed ({reason})"
    if root is not None:
        return f"cannot connect{where}: {_os_reason(root)}"
    return f"cannot connect{where}: {_sentence(str(error))}" if str(error) else f"cannot connect{where}"


def _broken_answer(message: str) -> str:
    """h11's and httpcore's words for a broken answer, said plainly (they can hold reprs)."""
    if message.startswith("Server disconnected without sending a response"):
        return "the server closed the connection without answering"
    if "peer closed connection" in message or "incomplete chunked read" in message:
        counts = re.search(r"\((received [\d,]+ bytes, expected [\d,]+)\)", message)
        return "the answer broke off: the connection closed before the end" + (
            f" ({counts.group(1)})" if counts else ""
        )
    return "the answer is not valid HTTP"


# --- one exchange: a request, its redirects, its answer ---


def exchange(client: httpx.Client, request: httpx.Request, secrets: Sequence[str] = ()) -> httpx.Response:
    """Send a request and follow its redirects (at most MAX_REDIRECTS); the answer is
    open, its body unread: read it with read_body, close it.

    A redirect's body is never read. Credentials never follow a redirect to another
    origin: the origin's own headers (Authorization, Cookie) are dropped, and a request
    that carries one of `secrets` (in its URL, a header or its body) is not sent there at
    all. Raises FetchError for a redirect that cannot be followed.
    """
    for _ in range(MAX_REDIRECTS + 1):
        try:
            # Never httpx's own redirects, whatever a caller's client says: each hop is judged here.
            response = client.send(request, stream=True, follow_redirects=False)
            if response.status_code in _REDIRECTS and "location" in response.headers:
                response.close()  # a caller's own client has no _stop_at_redirects hook
                raise _Redirect(response.status_code, response.headers["location"])
            return response
        except _Redirect as redirect:  # its body unread: httpcore drops the connection instead
            before = request
            request = _redirected(request, redirect.status, redirect.location, secrets)
            _log.info(
                "%s %s -> %d, redirected to %s", before.method, before.url, redirect.status, request.url
            )
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


class _Redirect(Exception):  # not an error: a redirect for exchange to follow
    def __init__(self, status: int, location: str) -> None:
        self.status, self.location = status, location


def _stop_at_redirects(response: httpx.Response) -> None:
    """httpx makes the next request of a redirect itself even when it does not follow it,
    and fails on a Location it cannot read (data:, javascript:): a redirect leaves httpx
    here, before that, for exchange to judge."""
    if response.status_code in _REDIRECTS and "location" in response.headers:
        raise _Redirect(response.status_code, response.headers["location"])


def _redirected(request: httpx.Request, status: int, location: str, secrets: Sequence[str]) -> httpx.Request:
    try:
        url = request.url.join(location)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(f"redirected to an invalid URL: {error}") from None
    if url.scheme not in ("http", "https"):
        scheme = f"{url.scheme}:" if url.scheme else "no scheme"
        raise FetchError(
            f"redirected to an unsupported URL ({scheme}): only http:// and https:// are fetched"
        )
    if not url.host:
        raise FetchError("redirected to an invalid URL: it names no host")
    method, content = request.method, request.content
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, content = "GET", b""
    headers = httpx.Headers(request.headers)
    headers.pop("host", None)
    if not content:
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
    if not _same_origin(request.url, url):
        if _carries(request, secrets):
            origin = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
            raise FetchError(f"redirected to another origin ({origin}), where its credentials are not sent")
        for name in _ORIGIN_HEADERS:
            headers.pop(name, None)
    return httpx.Request(method, url, headers=headers, content=content, extensions=request.extensions)


def _same_origin(url: httpx.URL, other: httpx.URL) -> bool:
    if url.host != other.host:
        return False
    if (url.scheme, url.port) == (other.scheme, other.port):
        return True
    # http -> https on the default ports is the same server made secure (httpx's rule too)
    return (url.scheme, url.port, other.scheme, other.port) == ("http", None, "https", None)


def _carries(request: httpx.Request, secrets: Sequence[str]) -> bool:
    """Whether a request holds one of the secrets, in its URL, a header or its body."""
    places = [str(request.url), *request.headers.values(), request.content.decode("utf-8", "replace")]
    return any(holds(place, secrets) for place in places)


def read_body(response: httpx.Response, max_bytes: int, what: str = "page") -> bytes:
    """An answer's body as sent (identity, gzip or deflate) and inflated, refused past
    max_bytes: a body that is endless, or small but inflating to gigabytes, is never held
    whole. What the deadline allows is the connection's business (see deadline)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{what} is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
    if response.is_stream_consumed:  # read whole already, in memory (an httpx.MockTransport answer)
        content = response.content
        if len(content) > max_bytes:
            raise FetchError(f"{what} is {len(content):,} bytes, over the {max_bytes:,}-byte limit")
        return content
    inflater = _Inflater(response.headers.get("Content-Encoding", ""), max_bytes, what)
    chunks: list[bytes] = []
    for raw in response.iter_raw():
        _check_deadline()  # a caller's own client has no bounded streams: a trickle ends here
        chunks.extend(inflater.feed(raw))
        if inflater.done:
            break
    chunks.extend(inflater.finish())
    return b"".join(chunks)


def deadline_seconds(client: httpx.Client) -> float:
    """How long one exchange may take in all; 0: no limit (no timeout set)."""
    return PAGE_DEADLINE_TIMEOUTS * float(client.timeout.read or 0.0)


class _Retry(Exception):  # not an error yet: a status worth another try
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
    try:
        check_url(url)
        request = client.build_request("GET", url, headers=headers or {})
    except (ValueError, httpx.InvalidURL) as error:  # a broken [IPv6] host, a bad port
        raise FetchError(f"not a valid URL: {error}", permanent=True) from None
    throttle = throttle or Throttle(1, float("inf"))
    for attempt in range(retries + 1):
        try:
            with throttle(), deadline(deadline_seconds(client)):
                return _get_page(client, request, max_bytes)
        except _Retry as retry:
            if attempt == retries:
                raise FetchError(retry.message) from None
            delay = _retrying(request, retry.message, retry_delay(retry.response, attempt), attempt, retries)
            if retry.response.status_code == 429:
                throttle.pause(delay)  # every request to the host waits, not just this one
            else:
                throttle.wait(delay)
        except httpx.HTTPError as error:
            if attempt == retries or not _retryable(error):
                raise FetchError(describe(error, float(client.timeout.read or 0.0))) from None
            reason = describe(error, float(client.timeout.read or 0.0))
            throttle.wait(_retrying(request, reason, retry_delay(None, attempt), attempt, retries))
    raise AssertionError("unreachable")  # pragma: no cover


def _get_page(client: httpx.Client, request: httpx.Request, max_bytes: int) -> Download:
    response = exchange(client, request)
    content = b""
    try:
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        if response.status_code in _RETRY_STATUSES:
            raise _Retry(status, response)
        if response.status_code >= 400:
            refused = FetchError(status, permanent=response.status_code in _GONE_STATUSES)
            refused.status = response.status_code
            raise refused
        content = read_body(response, max_bytes)
    finally:
        response.close()
        _answered(response, len(content))
    content_type = response.headers.get("Content-Type", "")
    return Download(
        str(request.url),
        str(response.url),
        content,
        content_type.split(";")[0].strip().lower() or None,
        response.charset_encoding,
        response.status_code,
        dict(response.headers),
    )


class _Inflater:
    """The body of a page as sent (identity, gzip or deflate), inflated at most up to the
    size limit: a small body that would inflate to gigabytes is refused at the limit,
    never held in memory whole."""

    def __init__(self, encoding: str, max_bytes: int, what: str = "page") -> None:
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
        self._what = what
        self.done = False  # the compressed stream ended: nothing more is read

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._max:
            inflated = " once inflated" if self._coding else ""
            raise FetchError(f"{self._what} is over the {self._max:,}-byte limit{inflated}")
        return data

    def feed(self, raw: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield self._count(raw)
            return
        data = raw
        while data:
            try:
                out = self._zlib.decompress(data, self._max - self._size + 1)
            except zlib.error:
                if self._first and self._coding == "deflate":  # raw deflate, without the zlib header
                    self._zlib, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(f"the {self._what}'s {self._coding} data is corrupt") from None
            self._first = False
            yield self._count(out)
            if self._zlib.eof:  # what follows the stream's end is not the page (and would pile up)
                self.done = True
                return
            data = self._zlib.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        if self._zlib is not None:
            yield self._count(self._zlib.flush())


def _answered(response: httpx.Response, size: int) -> None:
    """-v: one exchange, as `GET URL -> 200 (123 ms, 4,512 bytes)` (bytes of the body read)."""
    if _log.isEnabledFor(logging.INFO):
        milliseconds = response.elapsed.total_seconds() * 1000 if response.is_closed else 0.0
        _log.info(
            "%s %s -> %d (%.0f ms, %s bytes)",
            response.request.method,
            response.request.url,
            response.status_code,
            milliseconds,
            f"{size:,}",
        )


def _retrying(request: httpx.Request, reason: str, delay: float, attempt: int, retries: int) -> float:
    """-v: a retry and its wait; returns the wait."""
    _log.info(
        "%s %s -> %s; retry %d of %d in %.1f s",
        request.method,
        request.url,
        reason,
        attempt + 1,
        retries,
        delay,
    )
    return delay


def retry_delay(response: httpx.Response | None, attempt: int) -> float:
    """Seconds to wait before the next try: Retry-After when given (and readable), else
    exponential with jitter."""
    told = retry_after(response) if response is not None else None
    if told is not None:
        return told
    backoff: float = min(0.5 * 2**attempt, 8.0)
    return backoff * random.uniform(0.5, 1.0)


def retry_after(response: httpx.Response) -> float | None:
    """The seconds a response's Retry-After asks for (at most _MAX_RETRY_AFTER); None when
    it has none or one that cannot be read (as if absent)."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isascii() and value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    if value:
        try:
            return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), _MAX_RETRY_AFTER)
        except (TypeError, ValueError, OverflowError, IndexError):
            pass
    return None


def _text(content: bytes, charset: str | None) -> str:
    try:
        return content.decode(charset or "utf-8", "replace")
    except LookupError:  # a charset nobody knows: UTF-8, as httpx would
        return content.decode("utf-8", "replace")


@dataclass(frozen=True)
class Answer:
    """A translator's answer, read whole within the limits."""

    status: int
    text: str


def send_with_retries(
    client: httpx.Client,
    request: httpx.Request,
    retries: int,
    throttle: Throttle | None = None,
    secrets: Sequence[str] = (),
) -> Answer:
    """Send a request (see exchange) and read its answer (at most MAX_ANSWER_BYTES, within
    the deadline), retrying 429, 5xx and connection failures a bounded number of times."""
    throttle = throttle or Throttle(1, float("inf"))
    for attempt in range(retries + 1):
        try:
            with throttle() as sent, deadline(deadline_seconds(client)):
                response = exchange(client, request, secrets)
                try:
                    content = read_body(response, MAX_ANSWER_BYTES, "answer")
                finally:
                    response.close()
        except httpx.TransportError as error:
            if attempt == retries or not _retryable(error):
                raise
            reason = describe(error, float(client.timeout.read or 0.0), "answer")
            throttle.wait(_retrying(request, reason, retry_delay(None, attempt), attempt, retries))
            continue
        _answered(response, len(content))
        if response.status_code != 429:
            throttle.answered(sent)
        last = response.status_code not in _RETRY_STATUSES or attempt == retries
        if response.status_code == 429:
            throttle.refused(sent)  # the pace is cut for every request
            last = last or throttle.blocked  # a translator that refuses everything is not asked on
        if last:
            return Answer(response.status_code, _text(content, response.charset_encoding))
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        delay = _retrying(request, status, retry_delay(response, attempt), attempt, retries)
        if response.status_code == 429 and retry_after(response) is not None:
            throttle.pause(delay)  # the whole run waits as told, not just this request
        else:
            throttle.wait(delay)  # this request backs off alone
    raise AssertionError("unreachable")  # pragma: no cover
