"""Local stand-ins for the outside world, on 127.0.0.1: news sites and an HTTP forward
proxy (the translators are in translators.py). Used by the tests, the samples and the bench.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.handle(self)

    do_POST = do_DELETE = do_GET

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply_json(self, status: int, value: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(value, ensure_ascii=False).encode()
        self.reply(status, data, {"Content-Type": "application/json", **(headers or {})})

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: _Local

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (timeouts, SIGTERM) are part of the tests


class _Local:
    """A server on 127.0.0.1 with a random port, running in a thread while in a with-block."""

    scheme = "http"

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self._httpd.server_address[1]
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):  # returns the subclass
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        # serve_forever sees the shutdown only between waits of up to 0.05 s; a connection
        # ends the wait at once (a test's servers stop in a millisecond, not 50).
        stopper = threading.Thread(target=self._httpd.shutdown)
        stopper.start()
        while stopper.is_alive():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                pass
            stopper.join(0.005)
        self._httpd.server_close()

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def handle(self, request: _Handler) -> None:
        raise NotImplementedError


class _Concurrency:
    """How many requests a server is answering at once, and the most it ever did."""

    def __init__(self) -> None:
        self.active = 0
        self.most = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.active += 1
            self.most = max(self.most, self.active)

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.active -= 1


class Site(_Local):
    """News pages at fixed paths; counts hits per path. Answers conditional GETs (ETag,
    Last-Modified) with 304; `delay` slows every answer; `concurrency.most` is the most
    requests it answered at once; `fail_next[path]` answers that many 503s first."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(tls)
        self.routes: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.fail_next: Counter[str] = Counter()
        self.retry_after: str | None = None
        self.delay = 0.0
        self.concurrency = _Concurrency()
        self.times: list[float] = []
        self.actions: dict[str, Callable[[_Handler], None]] = {}
        self.sent: Counter[str] = Counter()  # body bytes the misbehaviours managed to send

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, data, {"Content-Type": content_type, **(headers or {})})
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 301) -> str:
        self.routes[path] = (status, b"", {"Location": location})
        return self.url(path)

    def url(self, path: str) -> str:
        return self.origin + path

    def handle(self, request: _Handler) -> None:
        path = urlsplit(request.path).path
        self.hits[path] += 1
        self.times.append(time.monotonic())
        with self.concurrency:
            if self.delay:
                time.sleep(self.delay)
            if self.fail_next[path] > 0:
                self.fail_next[path] -= 1
                extra = {"Retry-After": self.retry_after} if self.retry_after else {}
                request.reply(503, b"<h1>Service Unavailable</h1>", extra)
                return
            if path in self.actions:
                self.actions[path](request)
                return
            status, body, headers = self.routes.get(path, (404, b"<h1>Not found</h1>", {}))
            etag, modified = headers.get("ETag"), headers.get("Last-Modified")
            if (etag and request.headers.get("If-None-Match") == etag) or (
                modified and request.headers.get("If-Modified-Since") == modified
            ):
                self.not_modified[path] += 1
                request.reply(
                    304, b"", {key: value for key, value in headers.items() if key != "Content-Type"}
                )
                return
            request.reply(status, body, headers)

    # --- misbehaviour on command, at the level of the connection ---

    def act(self, path: str, action: Callable[[_Handler], None]) -> str:
        self.actions[path] = action
        return self.url(path)

    def reset_mid_body(self, path: str, body: bytes) -> str:
        """Headers and half the body, then a TCP reset."""

        def action(request: _Handler) -> None:
            _headers(request, 200, {"Content-Length": str(len(body))})
            request.wfile.write(body[: len(body) // 2])
            request.wfile.flush()
            request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            _hang_up(request)

        return self.act(path, action)

    def short_body(self, path: str, body: bytes) -> str:
        """A Content-Length longer than the body, then an orderly close."""

        def action(request: _Handler) -> None:
            _headers(request, 200, {"Content-Length": str(len(body) * 2)})
            request.wfile.write(body)
            request.wfile.flush()
            _hang_up(request)

        return self.act(path, action)

    def never_answer(self, path: str) -> str:
        """Accept the connection, read the request, say nothing until the server stops."""
        return self.act(path, lambda request: self.stopping.wait(120))

    def trickle(self, path: str, every: float) -> str:
        """Headers, then one byte of the page every `every` seconds, for ever."""

        def action(request: _Handler) -> None:
            _headers(request, 200, {"Transfer-Encoding": "chunked"})
            while not self.stopping.wait(every):
                request.wfile.write(b"1\r\n \r\n")
                request.wfile.flush()
                self.sent[request.path] += 1

        return self.act(path, action)

    def endless(self, path: str, size: int, declare: bool) -> str:
        """A page of `size` bytes, sent as fast as it is read, its length declared or not."""

        def action(request: _Handler) -> None:
            headers = {"Content-Length": str(size)} if declare else {"Connection": "close"}
            _headers(request, 200, headers)
            block = b"<p>" + "Новина ".encode() * 9000 + b"</p>\n"
            try:
                while self.sent[request.path] < size:
                    request.wfile.write(block)
                    self.sent[request.path] += len(block)
            except OSError:  # the client hung up, as it should
                pass
            _hang_up(request)

        return self.act(path, action)

    def gzip_bomb(self, path: str, inflated: int) -> str:
        """A small gzip body that inflates to `inflated` bytes of zeros."""
        bomb = _bomb(inflated)

        def action(request: _Handler) -> None:
            _headers(request, 200, {"Content-Length": str(len(bomb)), "Content-Encoding": "gzip"})
            try:
                request.wfile.write(bomb)
                self.sent[request.path] += len(bomb)
            except OSError:
                pass
            _hang_up(request)

        return self.act(path, action)


_BOMBS: dict[int, bytes] = {}


def _bomb(inflated: int) -> bytes:
    if inflated not in _BOMBS:
        packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        block = bytes(1 << 20)
        parts = [packer.compress(block) for _ in range(inflated >> 20)]
        _BOMBS[inflated] = b"".join(parts) + packer.flush()
    return _BOMBS[inflated]


def _headers(request: _Handler, status: int, headers: dict[str, str]) -> None:
    request.send_response(status)
    request.send_header("Content-Type", "text/html; charset=utf-8")
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()


def _hang_up(request: _Handler) -> None:
    request.close_connection = True
    try:
        request.wfile.flush()
    except OSError:
        pass
    request.connection.close()


class ForwardProxy(_Local):
    """A plain-HTTP forward proxy that serves hosts from local servers by name."""

    def __init__(self) -> None:
        super().__init__()
        self.hosts: dict[str, _Local] = {}
        self.seen: list[str] = []

    def route(self, hostname: str, server: _Local) -> None:
        self.hosts[hostname] = server

    def handle(self, request: _Handler) -> None:
        self.seen.append(request.path)
        host = urlsplit(request.path).hostname or ""
        server = self.hosts.get(host)
        if server is None:
            request.reply(502, b"<html><body>Bad gateway</body></html>")
            return
        server.handle(request)
