"""Local stand-ins for the outside world, on 127.0.0.1: news sites, Google's mobile
translation page, and an HTTP forward proxy. Used by the tests, the samples and the bench.
"""

from __future__ import annotations

import html
import re
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

URL_LIMIT = 16 * 1024  # Google answers 400 to longer request URLs (shared/NOTES.md)

_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "yu",
    "я": "ya",
    "ы": "y",
    "э": "e",
    "ё": "yo",
    "ъ": "",
    "ў": "w",
}
_TABLE = str.maketrans({**_LATIN, **{k.upper(): v.capitalize() for k, v in _LATIN.items()}})


def emulate_translation(text: str, phrasebook: dict[str, str] | None = None) -> str:
    """What the emulator answers: phrasebook entries translated, the rest of the Cyrillic
    transliterated, and every run of whitespace (newlines too) collapsed, as Google does."""
    for source in sorted(phrasebook or {}, key=len, reverse=True):
        text = text.replace(source, (phrasebook or {})[source])
    return " ".join(text.translate(_TABLE).split())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.handle(self)

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
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self):  # noqa: ANN204 - returns the subclass
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
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


class GoogleEmulator(_Local):
    """Google Translate's mobile page as deep-translator's GoogleTranslator reads it.

    mode: "ok", "error500", "429", "stall", "drop_markers", "empty", "no_result", "identity".
    """

    def __init__(self, phrasebook: dict[str, str] | None = None, delay: float = 0.0) -> None:
        super().__init__()
        self.phrasebook = phrasebook
        self.delay = delay
        self.mode = "ok"
        self.fail_next = 0
        self.throttle_next = 0  # that many 429s with Retry-After: 1 first
        self.throttled_at: list[float] = []
        self.stall_seconds = 60.0
        self.texts: list[str] = []
        self.languages: list[tuple[str, str]] = []  # (sl, tl) of each answered request
        self.targets: list[int] = []
        self.rejected = 0
        self.concurrency = _Concurrency()
        self.times: list[float] = []  # arrival of each request
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return self.origin + "/m"

    @property
    def count(self) -> int:
        return len(self.targets)

    @property
    def max_target_len(self) -> int:
        return max(self.targets, default=0)

    def reset(self) -> None:
        with self._lock:
            self.times.clear()
            self.texts.clear()
            self.targets.clear()
            self.rejected = 0

    def handle(self, request: _Handler) -> None:
        target = request.path
        if "://" in target:  # reached through a proxy: absolute URI
            parts = urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        with self._lock:
            self.times.append(time.monotonic())
            self.targets.append(len(target.encode()))
            if len(target.encode()) > URL_LIMIT:
                self.rejected += 1
                over = True
            else:
                over = False
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
            throttled = self.throttle_next > 0
            self.throttle_next -= 1 if throttled else 0
        if throttled:
            self.throttled_at.append(self.times[-1])
            request.reply(429, b"<html><body>Too Many Requests</body></html>", {"Retry-After": "1"})
            return
        if over:
            request.reply(
                400, b"<html><body>400. That's an error. The request URL is too long.</body></html>"
            )
            return
        query = parse_qs(urlsplit(target).query, keep_blank_values=True)
        text = query.get("q", [""])[0]
        with self._lock:
            self.texts.append(text)
            self.languages.append((query.get("sl", [""])[0], query.get("tl", [""])[0]))
        with self.concurrency:
            self._answer(request, text, failing)

    def _answer(self, request: _Handler, text: str, failing: bool) -> None:
        if self.delay:
            time.sleep(self.delay)
        mode = "error500" if failing else self.mode
        if mode == "error500":
            request.reply(500, b"<html><body>Server Error</body></html>")
        elif mode == "429":
            request.reply(429, b"<html><body>Too Many Requests</body></html>", {"Retry-After": "0"})
        elif mode == "stall":
            self.stopping.wait(self.stall_seconds)
            request.reply(200, self._page(emulate_translation(text, self.phrasebook)))
        elif mode == "no_result":
            request.reply(
                200,
                b"<html><body><form id='captcha'>Our systems have detected unusual traffic</form></body></html>",
            )
        elif mode == "empty":
            request.reply(200, self._page(""))
        elif mode == "identity":
            request.reply(200, self._page(" ".join(text.split())))
        else:
            answer = emulate_translation(text, self.phrasebook)
            if mode == "drop_markers":
                answer = " ".join(re.sub(r"\[\[\d+\]\]", " ", answer).split())
            request.reply(200, self._page(answer))

    @staticmethod
    def _page(answer: str) -> bytes:
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Google Translate</title></head>"
            "<body><div class='header'>Translate</div>"
            f'<div class="result-container">{html.escape(answer)}</div>'
            "</body></html>"
        ).encode()


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
