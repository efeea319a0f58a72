"""deep-translator's HTTP calls, routed through warnews's httpx client.

deep-translator's engine modules call `requests.get`/`requests.post` with no timeout and
a new connection per call. Each engine module's `requests` is replaced here by a
stand-in that sends a warnews engine's request through the caller's httpx client
instead, so it gets the run's timeouts, proxy, certificates, keep-alive, throttle and
bounded retries, while deep-translator's own code still builds the request and reads the
answer. An engine may reshape a call first (DeepL's key goes into a header, not the URL).

The modules are the process's, shared with any other user of deep-translator: a call
made outside a warnews engine (no route in its context) goes to requests itself, as if
warnews were not there.
"""

from __future__ import annotations

import contextvars
import json as jsonlib
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import httpx

from .._errors import EngineError, FailureKind, FetchError
from .._net import Blocked, DeadlinePassed, Throttle, describe, send_with_retries
from .._pace import BLOCKED_AFTER


@dataclass(frozen=True)
class Call:
    """One HTTP call as deep-translator asked for it."""

    method: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: Any) -> Call:
        return replace(self, **changes)


@dataclass
class Route:
    """Where one engine call's HTTP goes, and what the last answer was."""

    engine: str
    client: httpx.Client
    retries: int
    throttle: Throttle
    on_request: Callable[[], None]
    reshape: Callable[[Call], Call] = lambda call: call
    max_url: int = 0  # 0: no check
    secrets: tuple[str, ...] = ()  # what must never be sent to another origin
    last_status: int = 0
    last_text: str = ""


_current: contextvars.ContextVar[Route] = contextvars.ContextVar("warnews_route")


class Response:
    """The part of requests.Response that deep-translator reads."""

    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text

    def json(self) -> Any:
        return jsonlib.loads(self.text)

    def close(self) -> None:
        pass


def _send(route: Route, call: Call) -> Response:
    call = route.reshape(call)
    url = f"{call.url}{'&' if '?' in call.url else '?'}{urlencode(call.params)}" if call.params else call.url
    if route.max_url and len(url) > route.max_url:  # a planning bug must never reach the endpoint
        raise EngineError(route.engine, FailureKind.REJECTED, f"refusing a {len(url)}-byte request URL")
    try:
        request = route.client.build_request(
            call.method, url, data=call.data, json=call.json, headers=call.headers
        )
    except (httpx.InvalidURL, ValueError, TypeError) as error:  # the endpoint's URL is not one
        raise EngineError(route.engine, FailureKind.REJECTED, f"cannot make the request: {error}") from None
    route.on_request()
    timeout = route.client.timeout.read or 0.0
    try:
        answer = send_with_retries(route.client, request, route.retries, route.throttle, route.secrets)
    except Blocked:  # every request refused for long: the rest of the run is spared
        raise EngineError(
            route.engine,
            FailureKind.QUOTA,
            f"it answered HTTP 429 to every request for {BLOCKED_AFTER:g} s or more"
            " (this address is blocked, or out of quota)",
        ) from None
    except FetchError as error:  # a redirect it cannot follow, an answer over the size limit
        raise EngineError(route.engine, FailureKind.FAILING, str(error)) from None
    except httpx.HTTPError as error:
        slow = isinstance(error, httpx.TimeoutException) and not isinstance(error.__cause__, DeadlinePassed)
        reason = f"it did not answer within {timeout:g} s" if slow else describe(error, timeout, "answer")
        raise EngineError(route.engine, FailureKind.FAILING, reason) from None
    route.last_status, route.last_text = answer.status, answer.text
    return Response(answer.status, answer.text)


class _RequestsThroughHttpx:
    """Stands in for the requests module inside deep-translator's engine modules: a
    warnews engine's call goes through its route, any other to requests (whose
    `exceptions` and the rest it shows too, for deep-translator's `except` clauses)."""

    def __getattr__(self, name: str) -> Any:
        import requests

        return getattr(requests, name)

    def get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **rest: Any,
    ) -> Any:
        route = _current.get(None)
        if route is None:
            return self.__getattr__("get")(url, params=params, headers=headers, **rest)
        return _send(route, Call("GET", url, dict(params or {}), headers=dict(headers or {})))

    def delete(self, url: str, headers: dict[str, str] | None = None, **rest: Any) -> Any:
        route = _current.get(None)
        if route is None:
            return self.__getattr__("delete")(url, headers=headers, **rest)
        return _send(route, Call("DELETE", url, headers=dict(headers or {})))

    def post(
        self,
        url: str,
        params: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **rest: Any,
    ) -> Any:
        route = _current.get(None)
        if route is None:
            return self.__getattr__("post")(url, params=params, data=data, json=json, headers=headers, **rest)
        return _send(route, Call("POST", url, dict(params or {}), data, json, dict(headers or {})))


STAND_IN = _RequestsThroughHttpx()


def install(module: types.ModuleType) -> None:
    """Route a deep-translator engine module's HTTP through warnews, when a warnews
    engine makes the call (see routed)."""
    module.requests = STAND_IN  # type: ignore[attr-defined]


@contextmanager
def routed(route: Route) -> Iterator[Route]:
    """Send the deep-translator calls made in this context (this thread) through route."""
    token = _current.set(route)
    try:
        yield route
    finally:
        _current.reset(token)
