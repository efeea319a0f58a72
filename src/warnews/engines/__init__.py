"""Translation engines: one interface, one module each, found by name.

Every module of this package whose name does not start with "_" is imported by
registry(), and each Engine subclass it defines registers itself under its key: adding
an engine is adding a module. An engine says what settings it needs, what one request
may carry, and how to make one deep-translator call; Engine.translate does the rest
(routing through warnews's HTTP client, counting, and turning every way a call can fail
into an EngineError whose kind tells the fallback chain what to do).
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from .._errors import EngineError, Stopped, UsageError
from .._net import Throttle
from .._redact import holds, redact, server_words
from .._split import Limit
from ._route import Call, Route, install, routed

if TYPE_CHECKING:
    from .._settings import Settings

DEFAULT = "google"
CHECK_TEXT = "Добрий день, друзі."  # what `warnews engines --check` translates
_REGISTRY: dict[str, type[Engine]] = {}


class Engine(ABC):
    """A translator behind deep-translator: one text in, its translation out."""

    key: ClassVar[str]  # the name --engine takes
    name: ClassVar[str]  # its proper name, for the provenance line
    limits: ClassVar[str]  # what one request may carry, as `warnews engines` says it
    modules: ClassVar[tuple[str, ...]]  # deep-translator modules whose HTTP goes through warnews
    secrets: ClassVar[tuple[str, ...]] = ()  # settings holding keys (never shown)
    required: ClassVar[tuple[str, ...]] = ()  # settings it cannot run without
    options: ClassVar[tuple[str, ...]] = ()  # other settings it reads

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.key] = cls

    def __init__(self, settings: Settings, client: httpx.Client, throttle: Throttle | None = None) -> None:
        missing = self.missing(settings)
        if missing:
            raise UsageError(f"the {self.name} engine needs {_ask_for(missing)}")
        for module in self.modules:
            install(importlib.import_module(module))
        self.settings = settings
        self._client = client
        self._throttle = throttle or Throttle(1, float("inf"))
        self._lock = threading.Lock()
        self.requests = 0

    @classmethod
    def missing(cls, settings: Settings) -> list[str]:
        return [name for name in cls.required if not getattr(settings, name)]

    @abstractmethod
    def limit(self, source: str, target: str) -> Limit:
        """What one request from source to target may carry."""

    @abstractmethod
    def _call(self, text: str, source: str, target: str) -> Any:
        """One deep-translator call (its HTTP is routed here)."""

    def _reshape(self, call: Call) -> Call:
        return call

    def _max_url(self) -> int:
        return 0

    def _check_answer(self, route: Route) -> None:
        """Raise EngineError for an answer that parsed but says the call failed."""
        del route  # most engines' answers say so by their status

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def secret_values(self) -> tuple[str, ...]:
        """This engine's keys: never sent to another origin, never in an error."""
        return tuple(str(value) for value in (getattr(self.settings, name) for name in self.secrets) if value)

    def translate(self, text: str, source: str, target: str) -> str:
        """Translate text; any failure is an EngineError, never deep-translator's own, and
        its reason never holds a key (or a fragment of one), whatever the server said."""
        secrets = self.secret_values()
        try:
            answer = self._translate(text, source, target, secrets)
            if holds(answer, secrets):  # it would reach the file, the JSON, the state
                raise EngineError(self.name, "bad_answer", "its answer holds the engine's own key")
            return answer
        except EngineError as error:
            reason = redact(error.reason, secrets)
            if reason == error.reason:
                raise
            raise EngineError(error.engine, error.kind, reason) from None

    def _translate(self, text: str, source: str, target: str, secrets: tuple[str, ...]) -> str:
        route = Route(
            self.name,
            self._client,
            self.settings.retries,
            self._throttle,
            self._count,
            self._reshape,
            self._max_url(),
            secrets,
        )
        try:
            with routed(route):
                answer = self._call(text, source, target)
        except (EngineError, Stopped):
            raise
        except Exception as error:
            if not isinstance(error, _call_errors()):
                raise
            raise self._failure(error, route, source, target) from None
        self._check_answer(route)
        if not isinstance(answer, str) or not answer.strip():
            raise EngineError(self.name, "bad_answer", "an empty answer")
        return answer

    def _failure(self, error: Exception, route: Route, source: str, target: str) -> EngineError:
        from deep_translator import exceptions

        status, tries = route.last_status, self.settings.retries + 1
        if isinstance(
            error, (exceptions.LanguageNotSupportedException, exceptions.InvalidSourceOrTargetLanguage)
        ):
            return EngineError(self.name, "unsupported", f"cannot translate from {source} to {target}")
        if status in (401, 403):
            refused = "the key is missing or refused" if self.secrets else "access refused"
            return EngineError(self.name, "auth", f"{refused} (HTTP {status}{self._detail(route)})")
        if status == 456:
            return EngineError(self.name, "quota", "out of quota (HTTP 456)")
        if status == 429:
            return EngineError(self.name, "throttled", f"HTTP 429, too many requests, after {tries} tries")
        if status >= 500:
            return EngineError(self.name, "failing", f"HTTP {status} after {tries} tries")
        if status >= 400:
            return EngineError(
                self.name, "rejected", f"the request was refused (HTTP {status}{self._detail(route)})"
            )
        if isinstance(error, exceptions.TranslationNotFound):
            return EngineError(
                self.name, "bad_answer", "its answer holds no translation (an error or captcha page)"
            )
        if isinstance(error, ValueError):
            return EngineError(self.name, "bad_answer", "its answer is not JSON (an error page?)")
        return EngineError(self.name, "bad_answer", "its answer holds no translation")

    def _detail(self, route: Route) -> str:
        """The server's own words about an error, short, with no secret in them."""
        try:
            answer = json.loads(route.last_text)
        except ValueError:
            return ""
        if not isinstance(answer, dict):
            return ""
        message = answer.get("error") or answer.get("message") or ""
        if isinstance(message, dict):
            message = message.get("message", "")
        text = server_words(str(message), self.secret_values(), 120)
        return f": {text}" if text else ""

    def check(self) -> str:
        """Translate a short phrase: '' if that worked, else why not."""
        try:
            answer = self.translate(CHECK_TEXT, "uk", "en")
        except EngineError as error:
            return error.reason
        if answer.strip() == CHECK_TEXT:
            return "answered with the text untranslated"
        return ""


def _ask_for(names: list[str]) -> str:
    return " and ".join(f"{name} (WARNEWS_{name.upper()}, or {name} in the config file)" for name in names)


@functools.cache
def _call_errors() -> tuple[type[Exception], ...]:
    from deep_translator import exceptions

    # deep-translator's exceptions share no base class; a malformed answer surfaces as
    # whatever its parsing trips over.
    return (
        exceptions.BaseError,
        exceptions.RequestError,
        exceptions.TooManyRequests,
        exceptions.ServerException,
        exceptions.AuthorizationException,
        exceptions.MicrosoftAPIerror,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        StopIteration,
    )


def registry() -> dict[str, type[Engine]]:
    """Every engine by key, the default first."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")  # once: Python keeps modules
    return {key: _REGISTRY[key] for key in sorted(_REGISTRY, key=lambda key: (key != DEFAULT, key))}


def parse_chain(value: str) -> tuple[str, ...]:
    """'google, mymemory' -> ('google', 'mymemory'), every name known, none twice."""
    names = tuple(name.strip().lower() for name in value.split(","))
    known = registry()
    for name in names:
        if name not in known:
            raise ValueError(f"unknown engine {name!r} (known: {', '.join(known)})")
    if len(set(names)) != len(names):
        raise ValueError("an engine is named twice")
    return names


def make_engines(settings: Settings, client: httpx.Client, throttle: Throttle | None = None) -> list[Engine]:
    """The run's engines, in fallback order."""
    known = registry()
    return [known[name](settings, client, throttle) for name in parse_chain(settings.engine)]


def describe(settings: Settings) -> list[dict[str, Any]]:
    """Every engine as `warnews engines` shows it: what it needs and whether that is set,
    never a key's value."""
    chain = parse_chain(settings.engine)
    rows = []
    for key, engine in registry().items():
        needs = [
            {
                "setting": name,
                "variable": f"WARNEWS_{name.upper()}",
                "required": name in engine.required,
                "secret": name in engine.secrets,
                "set": bool(getattr(settings, name)),
            }
            for name in dict.fromkeys([*engine.required, *engine.secrets])
        ]
        rows.append(
            {
                "engine": key,
                "name": engine.name,
                "in_use": key in chain,
                "position": chain.index(key) + 1 if key in chain else None,
                "needs_key": any(need["secret"] and need["required"] for need in needs),
                "settings": needs,
                "configured": not engine.missing(settings),
                "limits": engine.limits,
            }
        )
    return rows


def check(settings: Settings, key: str, client: httpx.Client) -> str:
    """'' if the engine translated a short phrase, else why not (a configuration it lacks too)."""
    engine_type = registry()[key]
    missing = engine_type.missing(settings)
    if missing:
        return "not configured: needs " + ", ".join(missing)
    return engine_type(settings, client).check()
