"""Translation through deep-translator, paragraph structure kept whatever the engine does.

deep-translator's GoogleTranslator calls requests.get with no timeout and reads proxies
only from its own argument. Its module-level `requests` is routed here to the caller's
httpx client instead, so its calls get the same timeouts, proxies, certificates,
keep-alive and bounded retries as every other request warnews makes, while its own code
still builds the request and parses the answer.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from ._errors import TranslateError
from ._net import Throttle, get_with_retries
from ._normalize import normalize_paragraph
from ._split import Limit, plan_batches, unpack

GOOGLE_URL = "https://translate.google.com/m"
# Google's free endpoint rejects request URLs over about 16 KiB (../shared/NOTES.md);
# stay a kilobyte under it. deep-translator itself refuses 5,000 characters or more.
GOOGLE_MAX_URL = 15 * 1024
GOOGLE_MAX_CHARS = 4999


class Engine(Protocol):
    """A translator: one request at a time, within its own limits."""

    name: str
    requests: int

    def limit(self, source: str, target: str) -> Limit: ...

    def translate(self, text: str, source: str, target: str) -> str: ...


@dataclass
class _Route:
    client: httpx.Client
    max_url: int
    retries: int
    throttle: Throttle
    on_request: Callable[[], None]
    last_status: int = 0


_route: contextvars.ContextVar[_Route] = contextvars.ContextVar("warnews_route")


class _Response:
    """The part of requests.Response that deep-translator reads."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.text = response.text

    def close(self) -> None:
        pass


class _RequestsThroughHttpx:
    """Stands in for the requests module inside deep-translator's engine modules."""

    def get(self, url: str, params: dict[str, str] | None = None, **_: Any) -> _Response:
        route = _route.get()
        full_url = f"{url}?{urlencode(params)}" if params else url
        if len(full_url) > route.max_url:  # a planning bug must never reach the endpoint
            raise TranslateError(f"refusing a {len(full_url)}-byte request URL (limit {route.max_url})")
        route.on_request()
        try:
            response = get_with_retries(route.client, full_url, route.retries, route.throttle)
            route.last_status = response.status_code
            return _Response(response)
        except httpx.TimeoutException:
            raise TranslateError(
                f"the translator did not answer within {route.client.timeout.read:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise TranslateError(f"cannot reach the translator: {error}") from None


@contextmanager
def _routed(route: _Route) -> Iterator[None]:
    token = _route.set(route)
    try:
        yield
    finally:
        _route.reset(token)


def _deep_translator_errors() -> tuple[type[Exception], ...]:
    # deep-translator's exceptions do not share one base class.
    from deep_translator import exceptions

    return (
        exceptions.BaseError,
        exceptions.RequestError,
        exceptions.TooManyRequests,
        exceptions.ServerException,
        exceptions.AuthorizationException,
    )


def _install_route() -> None:
    import deep_translator.google

    deep_translator.google.requests = _RequestsThroughHttpx()


class GoogleEngine:
    """Google Translate's free endpoint, through deep-translator's GoogleTranslator."""

    name = "Google"

    def __init__(
        self,
        client: httpx.Client,
        base_url: str = GOOGLE_URL,
        retries: int = 3,
        throttle: Throttle | None = None,
    ) -> None:
        _install_route()
        self._client = client
        self._base_url = base_url
        self._retries = retries
        self._throttle = throttle or Throttle(1, float("inf"))
        self._lock = threading.Lock()
        self.requests = 0

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def limit(self, source: str, target: str) -> Limit:
        overhead = len(f"{self._base_url}?{urlencode({'tl': target, 'sl': source, 'q': ''})}")
        return Limit(max_encoded=GOOGLE_MAX_URL - overhead, max_chars=GOOGLE_MAX_CHARS)

    def translate(self, text: str, source: str, target: str) -> str:
        from deep_translator import GoogleTranslator
        from deep_translator.exceptions import BaseError, TranslationNotFound

        try:
            translator = GoogleTranslator(source=source, target=target)
        except BaseError as error:
            raise TranslateError(f"Google cannot translate {source} to {target}: {error.message}") from None
        translator._base_url = self._base_url
        route = _Route(self._client, GOOGLE_MAX_URL, self._retries, self._throttle, self._count)
        try:
            with _routed(route):
                answer = translator.translate(text)
        except TranslationNotFound:
            raise TranslateError(
                "Google failed: its answer holds no translation (an error or captcha page)"
            ) from None
        except _deep_translator_errors() as error:
            cause = f"HTTP {route.last_status}" if route.last_status >= 400 else type(error).__name__
            raise TranslateError(f"Google failed: {cause} after {self._retries + 1} tries") from None
        if not isinstance(answer, str) or not answer.strip():
            raise TranslateError("Google failed: the answer is empty")
        return answer


ENGINES = {"google": GoogleEngine}  # the names --engine accepts


class Counting:
    """An engine seen through a counter, for the requests one article costs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.name = engine.name
        self.requests = 0

    def limit(self, source: str, target: str) -> Limit:
        return self._engine.limit(source, target)

    def translate(self, text: str, source: str, target: str) -> str:
        self.requests += 1
        return self._engine.translate(text, source, target)


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _translate_pieces(engine: Engine, pieces: tuple[str, ...], source: str, target: str) -> str:
    """Translate the pieces of one paragraph and join them where they were cut.

    Pieces cut at a sentence end or a space are joined with a space; a piece cut between
    characters (a "word" longer than a request) is joined without one. A piece with no
    letters, such as punctuation left alone by such a cut, is kept as it is.
    """
    joined = []
    for piece in pieces:
        translated = engine.translate(piece, source, target) if _has_letters(piece) else piece
        joined.append(translated.strip() + (" " if piece[-1].isspace() else ""))
    return "".join(joined)


def translate_paragraphs(paragraphs: list[str], engine: Engine, source: str, target: str) -> list[str]:
    """Translate each paragraph; the result has exactly one paragraph for each given one.

    Paragraphs are packed into as few requests as the engine's limit allows, with numbered
    markers between them; when an answer does not bring every marker back in order, those
    paragraphs are sent again one by one. Paragraphs without letters are kept as they are.
    """
    results = [normalize_paragraph(paragraph) for paragraph in paragraphs]
    wanted = [index for index, paragraph in enumerate(paragraphs) if _has_letters(paragraph)]
    batches = plan_batches([paragraphs[index] for index in wanted], engine.limit(source, target))
    for batch in batches:
        if batch.packed:
            answer = engine.translate(batch.texts[0], source, target)
            pieces = unpack(answer, len(batch.indices))
            if pieces is None:
                pieces = [engine.translate(paragraphs[wanted[i]], source, target) for i in batch.indices]
        else:
            pieces = [_translate_pieces(engine, batch.texts, source, target)]
        for position, piece in zip(batch.indices, pieces, strict=True):
            results[wanted[position]] = normalize_paragraph(piece)
    return results
