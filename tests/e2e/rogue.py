"""Servers that misbehave at the edges the other stand-ins leave alone: redirects with
bodies that never end, status lines and headers sent a byte at a time, answers longer
than their Content-Length, and a translator that does the same. Used by test_bounds.py.
"""

from __future__ import annotations

import struct
import zlib

from servers import Site, _Handler, _hang_up
from translators import GoogleEmulator

_BLOCK = b"<p>" + "Новина ".encode() * 9000 + b"</p>\n"  # ~117 KB of page
_BOMBS: dict[int, bytes] = {}


def dense_bomb(megabytes: int) -> bytes:
    """A gzip body of ~1 KB per MiB that inflates to `megabytes` MiB of zeros (2 GiB: ~2 MB).

    One MiB of zeros deflated with a full flush comes out the same every time, so the
    stream is that piece repeated, then an empty final block and the real CRC and size."""
    if megabytes not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        block = bytes(1 << 20)
        piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
        tail = packer.flush()
        crc = 0
        for _ in range(megabytes):
            crc = zlib.crc32(block, crc)
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        _BOMBS[megabytes] = (
            header + piece * megabytes + tail + struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
        )
    return _BOMBS[megabytes]


def _slowly(request: _Handler, data: bytes, every: float, stopping) -> bool:
    """Send data a byte at a time; False if the client hung up or the server stops."""
    for byte in data:
        if stopping.wait(every):
            return False
        try:
            request.wfile.write(bytes([byte]))
            request.wfile.flush()
        except OSError:
            return False
    return True


def _endless_header(request: _Handler, head: bytes, every: float, stopping) -> None:
    """A status line and headers, then a header value that never ends, a byte at a time."""
    if _slowly(request, head + b"X-Slow: ", every, stopping):
        while _slowly(request, b"a", every, stopping):
            pass
    _hang_up(request)


def _flood(request: _Handler, head: bytes, stopping, count) -> None:
    """Headers, then page blocks as fast as they are read, until the client hangs up."""
    try:
        request.wfile.write(head)
        while not stopping.is_set():
            request.wfile.write(_BLOCK)
            count(len(_BLOCK))
    except OSError:  # the client hung up, as it should
        pass
    _hang_up(request)


class RogueSite(Site):
    """A Site that also records the connections it served (`peers`: client addresses)."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: set[tuple[str, int]] = set()

    def handle(self, request: _Handler) -> None:
        self.peers.add(request.client_address)
        super().handle(request)

    def redirect_with_body(self, path: str, location: str, body: str) -> str:
        """A 301 to `location` whose body is "endless" (full speed, no length, Connection:
        close), "bomb" (gzip, ~2 MB that inflate to 2 GiB) or "trickle" (chunked, a byte
        every 0.1 s for ever)."""
        status = f"HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Type: text/html\r\n"

        def count(size: int) -> None:
            self.sent[path] += size

        def action(request: _Handler) -> None:
            if body == "endless":
                _flood(request, (status + "Connection: close\r\n\r\n").encode(), self.stopping, count)
            elif body == "bomb":
                bomb = dense_bomb(2048)
                head = f"{status}Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n".encode()
                try:
                    request.wfile.write(head + bomb)
                    count(len(bomb))
                except OSError:
                    pass
                _hang_up(request)
            else:
                request.wfile.write((status + "Transfer-Encoding: chunked\r\n\r\n").encode())
                try:
                    while not self.stopping.wait(0.1):  # one byte of page every 0.1 s
                        request.wfile.write(b"1\r\n \r\n")
                        request.wfile.flush()
                        count(1)
                except OSError:
                    pass
                _hang_up(request)

        return self.act(path, action)

    def slow_redirect(self, path: str, location: str, every: float) -> str:
        """A 301 to `location` whose status line and headers come a byte every `every` s."""
        head = f"HTTP/1.1 301 Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
        head = head.replace(b"\r\n\r\n", b"\r\nCache-Control: no-store\r\n\r\n")  # ~70 bytes

        def action(request: _Handler) -> None:
            if not _slowly(request, head, every, self.stopping):
                _hang_up(request)

        return self.act(path, action)

    def endless_headers(self, path: str, every: float) -> str:
        """A status line and headers a byte every `every` s, never finished."""
        return self.act(
            path, lambda request: _endless_header(request, b"HTTP/1.1 200 OK\r\n", every, self.stopping)
        )

    def overlong(self, path: str, page: bytes, extra: bytes) -> str:
        """`page` with its Content-Length and, in the same write, `extra` (e.g. a whole
        second response); the connection stays open for the next request."""

        def action(request: _Handler) -> None:
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(page)}\r\n\r\n"
            ).encode()
            request.wfile.write(head + page + extra)
            request.wfile.flush()

        return self.act(path, action)


def whole_response(page: bytes) -> bytes:
    """A complete HTTP/1.1 200 response carrying `page`."""
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(page)}\r\n\r\n"
    ).encode() + page


class RogueGoogle(GoogleEmulator):
    """The Google emulator with more poison modes, for the texts holding `poison`:

    - "slow_headers": the status line and headers a byte every 0.05 s, for ever;
    - "slow_body": headers, then the body a byte every 0.05 s, for ever;
    - "endless": a 200 whose body never ends, at full speed (no length, Connection: close);
    - "huge_length": a 200 declaring a terabyte, sent at full speed.

    `retry_after` replaces the Retry-After of every 429 (throttle_next's included)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.retry_after: str | None = None
        self.flooded = 0  # body bytes the endless modes managed to send

    def _count(self, size: int) -> None:
        self.flooded += size

    def _answer(self, request: _Handler, text: str, mode: str, terms: dict[str, str] | None = None) -> None:
        if mode == "slow_headers":
            _endless_header(request, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", 0.05, self.stopping)
        elif mode == "slow_body":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n"
            request.wfile.write(head)
            request.wfile.flush()
            while _slowly(request, b" ", 0.05, self.stopping):
                pass
            _hang_up(request)
        elif mode == "endless":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
            _flood(request, head, self.stopping, self._count)
        elif mode == "huge_length":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000000\r\n\r\n"
            _flood(request, head, self.stopping, self._count)
        else:
            super()._answer(request, text, mode, terms)

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        if status == 429 and self.retry_after is not None:
            headers = {**(headers or {}), "Retry-After": self.retry_after}
        super().error(request, status, message, headers)
