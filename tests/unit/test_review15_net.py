"""Review of issue 15: a 429 whose Retry-After cannot be read is a 429 without one."""

from __future__ import annotations

import httpx
import pytest

from warnews import _net
from warnews._pace import Pace


@pytest.mark.parametrize("retry_after", ["soon", "-5", "\u00b2", None])
def test_a_429_with_an_unreadable_retry_after_holds_back_that_request_alone(monkeypatch, retry_after):
    answers = [429, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        headers = [(b"Retry-After", retry_after.encode("latin-1"))] if status == 429 and retry_after else []
        return httpx.Response(status, headers=headers, text="ok")

    held: list[float] = []
    throttle = _net.Throttle(4, Pace(100))
    monkeypatch.setattr(throttle, "pause", held.append)
    with httpx.Client(transport=httpx.MockTransport(handler), timeout=5.0) as client:
        answer = _net.send_with_retries(client, client.build_request("GET", "http://t.example/"), 2, throttle)
    assert answer.status == 200 and throttle.pace is not None and throttle.pace.refusals == 1
    assert held == [], "the others are slowed by the cut, not stopped for this one's backoff"


def test_a_429_with_a_retry_after_holds_back_every_request_that_long(monkeypatch):
    answers = [429, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        return httpx.Response(status, headers=[(b"Retry-After", b"1")] if status == 429 else [], text="ok")

    held: list[float] = []
    throttle = _net.Throttle(4, Pace(100))
    monkeypatch.setattr(throttle, "pause", held.append)
    with httpx.Client(transport=httpx.MockTransport(handler), timeout=5.0) as client:
        answer = _net.send_with_retries(client, client.build_request("GET", "http://t.example/"), 2, throttle)
    assert answer.status == 200 and held == [1.0]
