"""Translation engines: one interface, one module each, found by name.

Every module of this package whose name does not start with "_" is imported by
registry(), and each Engine subclass it defines registers itself under its key: adding
an engine is adding a module. Another package adds one through the entry-point group
`warnews.engines` (see _load_plugins). An engine declares its own settings (config keys,
WARNEWS_* variables: Engine.settings), what one request may carry, and how to make one
call; Engine.translate does the rest (routing deep-translator's HTTP through warnews's
client, counting, and turning every way a call can fail into an EngineError whose kind
tells the fallback chain what to do).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import inspect
import json
import pkgutil
import threading
import traceback
import types
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

import httpx

from .._errors import EngineError, FailureKind, Stopped, UsageError
from .._net import Throttle
from .._redact import holds, redact, server_words
from .._settings import SETTINGS, Setting, Settings, _optional_text, _optional_url, _secret, _url
from .._split import Limit
from ._route import Call, Route, install, routed

__all__ = [
    "Engine",
    "EngineError",
    "FailureKind",
    "Limit",
    "PluginWarning",
    "Setting",
    "get_engine",
    "read_optional_url",
    "read_secret",
    "read_text",
    "read_url",
    "registry",
]

DEFAULT = "google"
# `warnews config` has always listed the built-in engines' settings in this order; any
# other engine's follow, by key.
CONFIG_ORDER = ("google", "deepl", "libre", "mymemory", "microsoft", "openai")
ENTRY_POINTS = "warnews.engines"  # the entry-point group other packages add engines through
CHECK_TEXT = "Добрий день, друзі."  # what `warnews engines --check` translates
COMMON = ("timeout", "retries", "proxy")  # warnews's own settings that get_engine takes
_REGISTRY: dict[str, type[Engine]] = {}

# How an engine's setting rows read a value from the config file or a variable (each
# raises ValueError in a user's words): for Setting(read=...).
read_text = _optional_text  # text; empty is unset
read_secret = _secret  # a key: never shown, not even in an error
read_url = _url  # an http(s) URL
read_optional_url = _optional_url  # an http(s) URL; empty is unset


class PluginWarning(UserWarning):
    """An engine plugin was skipped (it cannot be imported, names no Engine, or takes a
    key or a setting that is already another's); warnews goes on without it."""


class Engine(ABC):
    """A translator: one text in, its translation out.

    A subclass sets `key`, `name`, `limits` and its own `settings` rows, and implements
    limit() and _call(); most wrap a deep-translator class (`modules`: whose HTTP then
    goes through warnews's client). Made by make_engines for a run, or by get_engine.
    """

    key: ClassVar[str]  # the name --engine takes
    name: ClassVar[str]  # its proper name, for the provenance line
    limits: ClassVar[str]  # what one request may carry, as `warnews engines` says it
    modules: ClassVar[tuple[str, ...]] = ()  # deep-translator modules whose HTTP goes through warnews
    # Its own settings: config keys and WARNEWS_* variables (never flags), named
    # "<key>_<what>" by convention; their values reach it as `values`.
    settings: ClassVar[tuple[Setting, ...]] = ()
    # How it honours glossary terms, as `warnews engines` says it (see takes_glossary).
    glossary: ClassVar[str] = "terms protected in the request, their English put in after"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "key" in cls.__dict__:  # without one, a base for other engines
            _REGISTRY.setdefault(cls.key, cls)  # a key taken stays its first engine's

    def __init__(
        self,
        values: Mapping[str, object],
        client: httpx.Client,
        throttle: Throttle | None = None,
        *,
        retries: int = 3,
    ) -> None:
        """values: its settings by config key (others are ignored; one missing is its
        row's default); client: every request goes through it; retries: of one request."""
        missing = self.missing(values)
        if missing:
            raise UsageError(f"the {self.name} engine needs {_ask_for(missing)}")
        self.values: Mapping[str, object] = types.MappingProxyType(
            {row.name: values.get(row.name, row.default) for row in self.settings}
        )
        self.retries = retries
        self._client = client
        self._owned: httpx.Client | None = None  # a client get_engine made for it: closed with it
        self._throttle = throttle or Throttle(1, float("inf"))
        self._lock = threading.Lock()
        self.requests = 0

    @property
    def translator(self) -> str:
        """Which translator it talks to, for the pace learned of it: its key, and the
        origin of its endpoint when a setting names one (a mirror is another translator);
        never a credential of the URL."""
        origins = []
        for row in self.settings:
            value = self.values.get(row.name)
            if row.name.endswith("_url") and isinstance(value, str) and value:
                try:
                    parts = urlsplit(value)
                    port = f":{parts.port}" if parts.port else ""
                except ValueError:
                    continue
                origins.append(f"{parts.scheme}://{(parts.hostname or '').lower()}{port}")
        return " ".join([self.key, *origins])

    @classmethod
    def missing(cls, values: Mapping[str, object]) -> list[str]:
        """The required settings that `values` leaves unset."""
        return [row.name for row in cls.settings if row.required and not values.get(row.name, row.default)]

    def setting(self, name: str) -> Any:
        """The value of one of its settings, by config key."""
        return self.values[name]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: types.TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client get_engine made for it; a caller's own client stays open."""
        if self._owned is not None:
            self._owned.close()

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

    def takes_glossary(self, source: str, target: str) -> bool:
        """Whether it is given a request's glossary terms (translate(terms=...)) and sees
        to them itself, as DeepL's glossaries and a model's instructions do. Otherwise the
        translate stage hides each term behind a placeholder and puts its English in after."""
        del source, target
        return False

    def _call_glossary(self, text: str, source: str, target: str, terms: Sequence[tuple[str, str]]) -> Any:
        """_call with glossary terms ((form in the text, English) pairs): for engines that take them."""
        del terms
        return self._call(text, source, target)

    def secret_values(self) -> tuple[str, ...]:
        """This engine's keys: never sent to another origin, never in an error."""
        given = (self.values[row.name] for row in self.settings if row.secret)
        return tuple(str(value) for value in given if value)

    def translate(self, text: str, source: str, target: str, terms: Sequence[tuple[str, str]] = ()) -> str:
        """Translate text from the language code `source` to `target` ("uk", "en"); terms:
        glossary terms in text, (its form there, the English to use), for an engine that
        takes_glossary().

        Any failure is an EngineError (its `kind` says how it failed), never
        deep-translator's own, and its reason never holds a key (or a fragment of one),
        whatever the server said. One request: a longer text than limit() allows is
        refused by the service, not split (warnews's pipeline splits).
        """
        secrets = self.secret_values()
        try:
            answer = self._translate(text, source, target, secrets, tuple(terms))
            if holds(answer, secrets):  # it would reach the file, the JSON, the state
                raise EngineError(self.name, FailureKind.BAD_ANSWER, "its answer holds the engine's own key")
            return answer
        except EngineError as error:
            reason = redact(error.reason, secrets)
            if reason == error.reason:
                raise
            raise EngineError(error.engine, error.kind, reason) from None

    def _translate(
        self,
        text: str,
        source: str,
        target: str,
        secrets: tuple[str, ...],
        terms: tuple[tuple[str, str], ...],
    ) -> str:
        # At the first call, not when made: a run that translates nothing never imports
        # deep-translator (with requests and BeautifulSoup, a tenth of a second).
        for module in self.modules:
            install(importlib.import_module(module))
        route = Route(
            self.name,
            self._client,
            self.retries,
            self._throttle,
            self._count,
            self._reshape,
            self._max_url(),
            secrets,
        )
        try:
            with routed(route):
                if terms:  # the engine said it takes them when the article began: its own to honour
                    answer = self._call_glossary(text, source, target, terms)
                else:
                    answer = self._call(text, source, target)
        except (EngineError, Stopped):
            raise
        except Exception as error:
            if not self._engines_own(error):
                raise
            raise self._failure(error, route, source, target) from None
        self._check_answer(route)
        if not isinstance(answer, str) or not answer.strip():
            raise EngineError(self.name, FailureKind.BAD_ANSWER, "an empty answer")
        return answer

    def _engines_own(self, error: Exception) -> bool:
        """Whether `error` is how the engine failed (deep-translator's exceptions, or what
        its parsing, or a plugin's own code, trips over in a malformed answer), not a bug
        of warnews's own code: judged by the innermost frame that is one or the other."""
        if isinstance(error, _engine_errors()):
            return True
        if not isinstance(error, _PARSE_ERRORS):
            return False
        own = type(self).__module__.partition(".")[0]  # a plugin's package ("warnews" for a built-in)
        for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
            module = str(frame.f_globals.get("__name__", "")).partition(".")[0]
            if frame.f_globals.get("__name__") == _route_module and frame.f_code.co_qualname.startswith(
                "Response."
            ):
                continue  # the stand-in for requests' answer: its json() fails on the answer
            if module == "warnews":
                return False
            if module in ("deep_translator", own):
                return True
        return False

    def _failure(self, error: Exception, route: Route, source: str, target: str) -> EngineError:
        from deep_translator import exceptions

        status, tries = route.last_status, self.retries + 1
        if isinstance(
            error, (exceptions.LanguageNotSupportedException, exceptions.InvalidSourceOrTargetLanguage)
        ):
            return EngineError(
                self.name, FailureKind.UNSUPPORTED, f"cannot translate from {source} to {target}"
            )
        if status in (401, 403):
            refused = (
                "the key is missing or refused"
                if any(row.secret for row in self.settings)
                else "access refused"
            )
            return EngineError(self.name, FailureKind.AUTH, f"{refused} (HTTP {status}{self._detail(route)})")
        if status == 456:
            return EngineError(self.name, FailureKind.QUOTA, "out of quota (HTTP 456)")
        if status == 429:
            return EngineError(
                self.name, FailureKind.THROTTLED, f"HTTP 429, too many requests, after {tries} tries"
            )
        if status >= 500:
            return EngineError(self.name, FailureKind.FAILING, f"HTTP {status} after {tries} tries")
        if status >= 400:
            return EngineError(
                self.name,
                FailureKind.REJECTED,
                f"the request was refused (HTTP {status}{self._detail(route)})",
            )
        if isinstance(error, exceptions.TranslationNotFound):
            return EngineError(
                self.name,
                FailureKind.BAD_ANSWER,
                "its answer holds no translation (an error or captcha page)",
            )
        if isinstance(error, ValueError):
            return EngineError(self.name, FailureKind.BAD_ANSWER, "its answer is not JSON (an error page?)")
        return EngineError(self.name, FailureKind.BAD_ANSWER, "its answer holds no translation")

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


_route_module = Route.__module__
# What deep-translator's parsing (or a plugin's) raises on a malformed answer: the
# engine's failure when raised there, a bug when raised in warnews's own code.
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration)


def _ask_for(names: list[str]) -> str:
    return " and ".join(f"{name} (WARNEWS_{name.upper()}, or {name} in the config file)" for name in names)


@functools.cache
def _engine_errors() -> tuple[type[Exception], ...]:
    from deep_translator import exceptions

    # deep-translator's exceptions share no base class.
    return (
        exceptions.BaseError,
        exceptions.RequestError,
        exceptions.TooManyRequests,
        exceptions.ServerException,
        exceptions.AuthorizationException,
        exceptions.MicrosoftAPIerror,
    )


def registry() -> dict[str, type[Engine]]:
    """Every engine by key, the default first, then by key; plugins loaded once."""
    _load()
    return {key: _REGISTRY[key] for key in sorted(_REGISTRY, key=lambda key: (key != DEFAULT, key))}


def _load() -> None:
    """Import every built-in engine module, then the plugins: once per process, whichever
    thread asks first (a plugin's warning is said once)."""
    global _loaded
    with _load_lock:
        if _loaded:
            return
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _load_plugins()
        _loaded = True


_load_lock = threading.Lock()
_loaded = False


def _load_plugins() -> None:
    """Other packages' engines, from the entry-point group `warnews.engines`: each entry
    point names an Engine subclass, or a module defining some. A plugin that cannot be
    imported, names no Engine, or takes a key or a setting name already taken is skipped
    with a PluginWarning (one `warnews: warning:` line from the CLI): naming its engine is
    then an unknown engine, and warnews works on without it."""
    for entry in importlib.metadata.entry_points(group=ENTRY_POINTS):
        try:
            loaded = entry.load()
        except Exception as error:  # whatever its import raises: it is not warnews's to fix
            problem = f"it cannot be imported ({type(error).__name__}: {error})"
        else:
            problem = _admit(loaded)
        if problem:
            warnings.warn(
                f"engine plugin {entry.name!r} ({entry.value}) skipped: {problem}",
                PluginWarning,
                stacklevel=1,
            )


def _admit(loaded: object) -> str:
    """Keep a plugin's engines, or say why not (and leave none of them registered)."""
    if isinstance(loaded, types.ModuleType):
        found = [
            value
            for value in vars(loaded).values()
            if isinstance(value, type)
            and issubclass(value, Engine)
            and value.__module__ == loaded.__name__
            and "key" in value.__dict__
        ]
    elif isinstance(loaded, type) and issubclass(loaded, Engine) and "key" in loaded.__dict__:
        found = [loaded]
    else:
        found = []
    if not found:
        return "it names no warnews Engine subclass with a key"
    problem = _problem(found)
    if problem:
        for engine in found:
            if _REGISTRY.get(engine.key) is engine:
                del _REGISTRY[engine.key]
    return problem


def _problem(found: list[type[Engine]]) -> str:
    taken = {row.name for row in SETTINGS} | {
        row.name for engine in _REGISTRY.values() if engine not in found for row in engine.settings
    }
    for engine in found:
        if _REGISTRY.get(engine.key) is not engine:
            return f"its engine key {engine.key!r} is another engine's"
        if inspect.isabstract(engine) or not all(
            isinstance(getattr(engine, name, None), str) for name in ("name", "limits")
        ):
            return f"its engine {engine.key!r} lacks a name, limits, limit() or _call()"
        for row in engine.settings:
            if not isinstance(row, Setting) or row.commands or not row.name.isidentifier():
                return f"its engine {engine.key!r} declares a setting that is not a Setting row without flags"
            if row.name in taken:
                return f"its setting {row.name!r} is already warnews's or another engine's"
            taken.add(row.name)
    return ""


def setting_rows() -> tuple[Setting, ...]:
    """Every engine's setting rows, in `warnews config`'s order."""
    engines = registry()
    rank = {key: index for index, key in enumerate(CONFIG_ORDER)}
    order = sorted(engines, key=lambda key: (rank.get(key, len(rank)), key))
    return tuple(row for key in order for row in engines[key].settings)


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


def make_engines(
    settings: Settings, client: httpx.Client, throttle: Callable[[Engine], Throttle] | None = None
) -> list[Engine]:
    """The run's engines, in fallback order; throttle: each engine's own pace."""
    known = registry()
    engines = [
        known[name](settings.engine_settings, client, retries=settings.retries)
        for name in parse_chain(settings.engine)
    ]
    if throttle is not None:
        for engine in engines:
            engine._throttle = throttle(engine)
    return engines


def get_engine(name: str, **config: object) -> Engine:
    """One engine by its key ("google", "deepl", a plugin's), ready to translate().

    config: the engine's own settings, by their config keys ("deepl_key") or without
    the engine's prefix ("key" for deepl_key), as the config file takes them; and
    `timeout`, `retries`, `proxy` as warnews's settings of those names; or `client=`,
    an httpx.Client of the caller's (its own timeout and proxy then apply). A bad,
    missing or unknown setting raises UsageError naming it. Without `client=` the engine
    owns the client it makes: close it (or use it as a context manager).

        with warnews.get_engine("deepl", key="...:fx") as deepl:
            print(deepl.translate("Добрий день", "uk", "en"))
    """
    known = registry()
    engine_type = known.get(name.strip().lower()) if isinstance(name, str) else None
    if engine_type is None:
        raise UsageError(f"unknown engine {name!r} (known: {', '.join(known)})")
    prefix = f"{engine_type.key.replace('-', '_')}_"
    rows = {row.name: row for row in engine_type.settings}
    rows |= {row.name: row for name in COMMON for row in SETTINGS if row.name == name}
    short = {
        row.name.removeprefix(prefix): row.name for row in engine_type.settings if row.name.startswith(prefix)
    }
    client = config.pop("client", None)
    values: dict[str, Any] = {}
    for given, raw in config.items():
        key = short.get(given, given)
        if key not in rows:
            known_keys = ", ".join([*rows, *short, "client"])
            raise UsageError(
                f"unknown setting {given!r} for the {engine_type.name} engine (known: {known_keys})"
            )
        if key in values:
            raise UsageError(f"{key} is given twice (as {key} and as {given})")
        if raw is None:
            continue
        try:
            if isinstance(raw, float) and key == "retries":  # the reader would take 1.5 for 1
                raise ValueError("expected a whole number")
            values[key] = rows[key].read(raw)
        except (ValueError, TypeError, UsageError) as error:
            raise UsageError(f"bad value for {key}: {error}") from None
    if client is not None and not isinstance(client, httpx.Client):
        raise UsageError(f"client must be an httpx.Client, not {type(client).__name__}")
    if client is not None and ({"timeout", "proxy"} & set(values)):
        raise UsageError("timeout and proxy are the client's own: set them on the httpx.Client given")
    retries: int = values.pop("retries", Settings.retries)
    timeout: float = values.pop("timeout", Settings.timeout)
    proxy: str | None = values.pop("proxy", None)
    if client is not None:
        return engine_type(values, client, retries=retries)
    from .._net import make_client

    owned = make_client(timeout, proxy)
    try:
        engine = engine_type(values, owned, retries=retries)
    except BaseException:
        owned.close()
        raise
    engine._owned = owned
    return engine


def describe(settings: Settings) -> list[dict[str, Any]]:
    """Every engine as `warnews engines` shows it: what it needs and whether that is set,
    never a key's value."""
    chain = parse_chain(settings.engine)
    values = settings.engine_settings
    rows = []
    for key, engine in registry().items():
        shown = [row for row in engine.settings if row.required]
        shown += [row for row in engine.settings if row.secret and not row.required]
        needs = [
            {
                "setting": row.name,
                "variable": row.variable,
                "required": row.required,
                "secret": row.secret,
                "set": bool(values.get(row.name, row.default)),
            }
            for row in shown
        ]
        rows.append(
            {
                "engine": key,
                "name": engine.name,
                "in_use": key in chain,
                "position": chain.index(key) + 1 if key in chain else None,
                "needs_key": any(need["secret"] and need["required"] for need in needs),
                "settings": needs,
                "configured": not engine.missing(values),
                "limits": engine.limits,
                "glossary": engine.glossary,
            }
        )
    return rows


def check(settings: Settings, key: str, client: httpx.Client) -> str:
    """'' if the engine translated a short phrase, else why not (a configuration it lacks too)."""
    engine_type = registry()[key]
    missing = engine_type.missing(settings.engine_settings)
    if missing:
        return "not configured: needs " + ", ".join(missing)
    return engine_type(settings.engine_settings, client, retries=settings.retries).check()
