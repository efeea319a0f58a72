"""One settings object for a run, resolved in one order: defaults, the config file, the
WARNEWS_* environment variables, then the command line. Every setting is declared once,
as a Setting row that gives its config key, its variable, its flag and how its value is
read: warnews's own in SETTINGS, each engine's in its engine class (Engine.settings), so
adding an engine never edits this module. every_setting() is both, in `warnews config`'s
order.
"""

from __future__ import annotations

import os
import re
import tomllib
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from ._database import DatabaseURL, database_url
from ._errors import UsageError
from ._languages import resolve_language
from ._redact import MASK, mask_url, printable, proxy_password

APP = "warnews"
CONFIG_VARIABLE = "WARNEWS_CONFIG"


def made_day() -> date:
    """Today, or the UTC day of SOURCE_DATE_EPOCH, for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH is not a Unix time: {epoch!r}") from None
    return date.today()


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP) / "config.toml"


def default_state_path() -> Path:
    return platformdirs.user_data_path(APP) / "state.sqlite3"


def default_cache_path() -> Path:
    return platformdirs.user_cache_path(APP) / "translations.sqlite3"


@dataclass(frozen=True)
class Settings:
    out: Path = Path(".")
    source_language: str | None = None  # None: detect
    target_language: str = "en"
    engine: str = "google"
    credit: str | None = None
    proxy: str | None = None
    public_only: bool = False
    timeout: float = 30.0
    max_page_bytes: int = 20 * 1024 * 1024
    concurrency: int = 8
    per_host: int = 2
    translator_concurrency: int = 4
    translator_rate: float = 100.0
    translator_start: float = 4.0  # the pace when no run has learned it (see _pace)
    retries: int = 3
    max_attempts: int = 5
    retry_delay: float = 900.0
    feed_items: int = 100
    atom: Path | None = None  # the Atom feed rewritten by every run that saves an article
    atom_items: int = 100
    since: date | None = None  # only items and posts of this day or later; channels are read back to it
    telegram_url: str = "https://t.me"  # where channel previews are read (/s/NAME)
    # A SQLite file (one machine), or a PostgreSQL database several hosts share.
    state: Path | DatabaseURL = field(default_factory=default_state_path)
    host: str | None = None  # this host's name where hosts share the state; None: the machine's
    lease: float = 120.0  # seconds a run's claim on an article or a feed holds unless renewed
    log_file: Path | None = None
    keep_original: bool = False
    # Paragraphs that recur across a site's articles are learned in the state and dropped.
    learn_boilerplate: bool = True
    cache: bool = True
    cache_file: Path = field(default_factory=default_cache_path)
    # The translation memory in a PostgreSQL database (None: cache_file, or with a
    # PostgreSQL state, the state's database: see memory_location).
    cache_url: DatabaseURL | None = None
    glossary: Path | None = None  # the user's glossary file, read after the default one
    default_glossary: bool = True  # warnews's own glossary of Ukrainian news terms
    quality: str = "warn"  # every engine failed the quality gate: "warn" saves the best, "strict" nothing
    format: str = "txt"  # the files' format: txt, md or html (see _formats)
    bilingual: bool = False  # md and html: each source paragraph before its translation
    # The engines' own settings by config key ("deepl_key" -> its value), as their rows
    # read them; one missing is its row's default. Keys only from the config file or the
    # environment. Immutable, as the rest.
    engine_settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    # Not a setting a user configures: the day the documents are made (SOURCE_DATE_EPOCH).
    made: date = field(default_factory=made_day)


# --- how values are read (from TOML values, variables and flags alike) ---


def _number(kind: type[int] | type[float], low: float, high: float) -> Callable[[object], Any]:
    def read(value: object) -> int | float:
        try:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ValueError
            number = kind(value.strip() if isinstance(value, str) else value)
        except (ValueError, OverflowError):
            raise ValueError(f"expected {'a whole number' if kind is int else 'a number'}") from None
        if not low <= number <= high:  # also refuses nan
            raise ValueError(f"must be from {low:g} to {high:g}")
        return number

    return read


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _optional_text(value: object) -> str | None:
    return _text(value).strip() or None


def _secret(value: object) -> str | None:
    """A key, password or address kept secret: never shown, not even in this error."""
    text = _optional_text(value)
    if text is not None and any(not char.isprintable() for char in text):
        # It would go into a header or a URL, where httpx would quote it in its error.
        raise ValueError("it contains a control character (the value is not shown)")
    return text


def _path(value: object) -> Path:
    text = _text(value).strip()
    if not text:
        raise ValueError("expected a path")
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in text):
        # A NUL would stop the first open() with a traceback; the others are surely a mistake.
        raise ValueError(f"a path holds no control characters: {printable(text)!r}")
    return Path(text).expanduser()


def _state(value: object) -> Path | DatabaseURL:
    """The state: a postgresql:// URL, else a SQLite file's path."""
    text = _text(value).strip()
    url = database_url(text)
    return url if url is not None else _path(value)


def _optional_database(value: object) -> DatabaseURL | None:
    text = _text(value).strip()
    if not text:
        return None
    url = database_url(text)
    if url is None:
        raise ValueError(f"expected a postgresql:// URL, not {printable(mask_url(text))!r}")
    return url


def _host(value: object) -> str | None:
    text = _optional_text(value)
    if text is not None and (len(text) > 200 or not re.fullmatch(r"[\w.@:+-]+", text)):
        raise ValueError("a host name is letters, digits and . _ - @ : + (no spaces, no /), at most 200")
    return text


def _optional_path(value: object) -> Path | None:
    return _path(value) if _text(value).strip() else None


def _language(value: object) -> str:
    return resolve_language(_text(value))


def _source_language(value: object) -> str | None:
    text = _text(value).strip()
    return None if text.lower() in ("", "auto", "detect") else resolve_language(text)


def _engines(value: object) -> str:
    from .engines import parse_chain

    return ",".join(parse_chain(_text(value)))


def _switch(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _url(value: object) -> str:
    text = _text(value).strip()
    if not re.match(r"https?://[^/\s]+", text):
        raise ValueError("expected an http:// or https:// URL")
    return text


def _since(value: object) -> date | None:
    """A day (2024-01-10), or a number of days back from today (7d); empty: none."""
    text = _text(value).strip()
    if not text:
        return None
    days = re.fullmatch(r"(\d{1,5})\s*d", text, re.I)
    if days:
        return made_day() - timedelta(days=int(days[1]))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a day as YYYY-MM-DD, or days back as 7d") from None
    if day > max(made_day(), datetime.now(UTC).date()):
        raise ValueError(f"{text} is in the future: nothing was published since")
    return day


def read_day(text: str) -> date | None:
    """A day as `since` takes it (2024-01-10, or 7d: days back from today), for the
    commands that filter by day (export's --since and --until: a day to come is a day too)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return _since(text)


def _quality(value: object) -> str:
    text = _text(value).lower()
    if text not in QUALITY:
        raise ValueError(f"expected {' or '.join(QUALITY)}")
    return text


QUALITY = ("warn", "strict")
FORMATS = ("txt", "md", "html")  # the output formats (see _formats)


def _format(value: object) -> str:
    text = _text(value).strip().lower()
    if text not in FORMATS:
        raise ValueError(f"expected {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")
    return text


def _check_together(settings: Settings, origins: Mapping[str, str]) -> None:
    """Settings that are each fine but not together."""
    if settings.bilingual and settings.format == "txt":
        raise UsageError(
            f"bilingual (from {origins['bilingual']}) needs format md or html,"
            f" but format is txt (from {origins['format']})"
        )
    if (
        settings.atom is not None
        and isinstance(settings.state, Path)
        and is_state_file(settings.atom, settings.state)
    ):
        raise UsageError(
            f"atom (from {origins.get('atom', 'default')}) names the state database"
            f" (from {origins.get('state', 'default')}): the feed would replace it"
        )


def is_state_file(path: Path, state: Path) -> bool:
    """Whether path is the state database or one of SQLite's files beside it: a file
    written there would destroy every article's record."""
    try:
        target, database = path.expanduser().resolve(), state.expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links: no database is there either
        return False
    return target in {
        database,
        *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal")),
    }


def _optional_url(value: object) -> str | None:
    return _url(value) if _text(value).strip() else None


PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def _proxy(value: object) -> str | None:
    """A proxy URL; without a scheme, http:// (as curl and the *_PROXY variables take it),
    and then with a port: a bare word is more likely a mistake than a proxy on port 80.
    Its password is never shown, not even in this error."""
    text = _text(value).strip()
    if not text:
        return None
    bare = "://" not in text
    proxy = f"http://{text}" if bare else text
    try:
        parts = urlsplit(proxy)
        port = parts.port  # refuses a port that is not a number from 1 to 65535
        valid = (
            parts.scheme.lower() in PROXY_SCHEMES
            and bool(parts.hostname)
            and port != 0
            and (port is not None or not bare)
            and all(char.isprintable() and not char.isspace() for char in proxy)
        )
    except ValueError:  # a bad port, a broken [IPv6] host
        valid = False
    if not valid:
        hint = ' (in a password, "/", "@" and ":" are written %2F, %40 and %3A)' if "@" in text else ""
        raise ValueError(
            f"{printable(mask_url(text))} is not a proxy URL: expected e.g. http://host:3128, 127.0.0.1:3128"
            f" or socks5h://127.0.0.1:9050 ({', '.join(PROXY_SCHEMES)}){hint}"
        )
    return proxy


# The commands whose command line a setting belongs to ("config" shows every flag).
DOWNLOADING = frozenset({"fetch", "feed", "run"})  # they download pages and keep the state
TRANSLATING = DOWNLOADING | {"translate"}
FEEDS = frozenset({"feed", "run"})
STATE_COMMANDS = frozenset(
    {"status", "retry", "list", "show", "forget", "export"}
)  # they read or change the state


NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Setting:
    """One setting: its config key, variable and flag, and how its value is read.

    An engine's rows (Engine.settings) have no flag, and take `required` and `default`:
    their values live in Settings.engine_settings, not in a field of their own.
    """

    name: str  # the Settings field (or engine_settings key) and the config key
    read: Callable[[object], Any]  # raises ValueError, in a user's words, for a bad value
    help: str
    metavar: str
    commands: frozenset[str] = NONE  # commands with a flag for it; empty: config file and environment only
    flags: tuple[str, ...] = ()  # default: --name-with-dashes
    secret: bool = False  # the whole value is secret: never shown, never a flag (ps, shell history)
    password: bool = False  # a URL whose password (only) is never shown
    switch: bool = False  # true or false; its flags are --name/--no-name
    required: bool = False  # an engine's: it cannot run without it
    default: object = None  # an engine's: its value when no layer sets one
    kind: type | None = None  # an engine's that is not text in a config file: int, float or bool

    def __post_init__(self) -> None:
        assert not (self.secret and self.commands), f"{self.name}: a secret has no flag"

    @property
    def variable(self) -> str:
        return f"WARNEWS_{self.name.upper()}"

    @property
    def flag(self) -> bool:
        return bool(self.commands)

    def applies_to(self, command: str) -> bool:
        """Whether `command` takes this setting's flag."""
        return bool(self.commands) and (command == "config" or command in self.commands)

    @property
    def flag_names(self) -> tuple[str, ...]:
        if self.flags:
            return self.flags
        dashed = self.name.replace("_", "-")
        return (f"--{dashed}/--no-{dashed}",) if self.switch else (f"--{dashed}",)


SETTINGS = (
    Setting("out", _path, "Folder for the files (created if missing).", "DIR", TRANSLATING, ("-o", "--out")),
    Setting(
        "source_language",
        _source_language,
        "Source language, a code or an English name; default: detect.",
        "LANG",
        TRANSLATING,
        ("--from",),
    ),
    Setting(
        "target_language",
        _language,
        "Target language, a code or an English name.",
        "LANG",
        TRANSLATING,
        ("--to",),
    ),
    Setting(
        "engine",
        _engines,
        "Translation engine, or a fallback chain: google,mymemory.",
        "NAMES",
        TRANSLATING | {"engines"},
    ),
    Setting("credit", _optional_text, "Credit added to the provenance line.", "TEXT", TRANSLATING),
    Setting(
        "proxy",
        _proxy,
        "Proxy URL (http, https, socks5, socks5h; default http).",
        "URL",
        TRANSLATING | {"engines"},
        password=True,
    ),
    Setting(
        "public_only",
        _switch,
        "Refuse pages and feeds on loopback, private or other non-public addresses.",
        "",
        DOWNLOADING,
        switch=True,
    ),
    Setting(
        "timeout",
        _number(float, 0.1, 86_400),
        "Seconds to wait on any network operation.",
        "SECONDS",
        TRANSLATING | {"engines"},
    ),
    Setting(
        "max_page_bytes", _number(int, 1024, 2**40), "Largest page or file accepted.", "BYTES", TRANSLATING
    ),
    Setting("concurrency", _number(int, 1, 256), "Articles processed at once.", "N", TRANSLATING),
    Setting("per_host", _number(int, 1, 64), "Downloads at once from one host.", "N", DOWNLOADING),
    Setting("translator_concurrency", _number(int, 1, 64), "Translator requests at once.", "N", TRANSLATING),
    Setting(
        "translator_rate",
        _number(float, 0.01, 10_000),
        "Translator requests per second.",
        "PER_SECOND",
        TRANSLATING,
    ),
    Setting(
        "translator_start",
        _number(float, 0.2, 10_000),
        "Translator requests per second at first, when no run has learned the pace.",
        "PER_SECOND",
    ),
    Setting(
        "retries",
        _number(int, 0, 10),
        "Retries of one request (429, 5xx, connection errors).",
        "N",
        TRANSLATING,
    ),
    Setting(
        "max_attempts",
        _number(int, 1, 1000),
        "Runs that try a failing article.",
        "N",
        DOWNLOADING | {"status", "show"},
    ),
    Setting(
        "retry_delay",
        _number(float, 0, 30 * 86_400),
        "Seconds before a failed article is tried again (doubling each time).",
        "SECONDS",
        DOWNLOADING | {"status", "show"},
    ),
    Setting(
        "feed_items",
        _number(int, 1, 100_000),
        "New items taken from a feed or channel per run; a channel's newest N are kept read.",
        "N",
        FEEDS,
    ),
    Setting(
        "since",
        _since,
        "Only items and posts of this day or later (YYYY-MM-DD, or 7d): channels are read back to it.",
        "DATE",
        FEEDS,
    ),
    Setting(
        "atom",
        _optional_path,
        "Rewrite this Atom feed of the newest translated articles after each run that saves one.",
        "PATH",
        DOWNLOADING,
    ),
    Setting(
        "atom_items", _number(int, 1, 100_000), "Articles in the Atom feed (newest first).", "N", DOWNLOADING
    ),
    Setting("telegram_url", _url, "Where Telegram channel previews are read (/s/NAME).", "URL"),
    Setting(
        "state",
        _state,
        "State database: a SQLite file, or postgresql://USER:PASSWORD@HOST/DB shared by several hosts.",
        "PATH|URL",
        DOWNLOADING | STATE_COMMANDS,
    ),
    Setting(
        "host",
        _host,
        "This host's name in a shared (PostgreSQL) state: its claims, its sidecars (default: the machine's).",
        "NAME",
        DOWNLOADING,
    ),
    Setting(
        "lease",
        _number(float, 1, 86_400),
        "Seconds a run's claim on an article or feed holds unless renewed (a run that died gives them back).",
        "SECONDS",
        DOWNLOADING,
    ),
    Setting("log_file", _optional_path, "Append a log of the run to this file.", "PATH", TRANSLATING),
    Setting(
        "keep_original",
        _switch,
        "Also save the source text, as NAME.uk.txt beside NAME.txt (in the files' format).",
        "",
        TRANSLATING,
        switch=True,
    ),
    Setting(
        "learn_boilerplate",
        _switch,
        "Drop paragraphs that recur across a site's articles (learned in the state database).",
        "",
        DOWNLOADING,
        switch=True,
    ),
    Setting("cache", _switch, "Use the translation memory.", "", TRANSLATING, switch=True),
    Setting(
        "cache_file",
        _path,
        "Translation memory (SQLite).",
        "PATH",
        TRANSLATING | {"cache stats", "cache clear"},
    ),
    Setting(
        "cache_url",
        _optional_database,
        "Translation memory in PostgreSQL (postgresql://...); default with a PostgreSQL state: its database.",
        "URL",
        TRANSLATING | {"cache stats", "cache clear"},
    ),
    Setting(
        "glossary",
        _optional_path,
        "Your glossary: a text file of 'term = English' lines, read after the default one.",
        "PATH",
        TRANSLATING,
    ),
    Setting(
        "default_glossary",
        _switch,
        "Use warnews's glossary of Ukrainian news terms (Kyiv, Armed Forces of Ukraine...).",
        "",
        TRANSLATING,
        switch=True,
    ),
    Setting(
        "quality",
        _quality,
        "Every engine's translation failed the quality check: warn (save the best, said) or strict (none).",
        "warn|strict",
        TRANSLATING,
    ),
    Setting("format", _format, "The files' format: txt, md or html.", "txt|md|html", TRANSLATING),
    Setting(
        "bilingual",
        _switch,
        "md and html: each source paragraph, then its translation.",
        "",
        TRANSLATING,
        switch=True,
    ),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}
assert set(_BY_NAME) <= {f.name for f in fields(Settings)}
INPUT_KEYS = ("feeds", "urls")
_TYPES = typing.get_type_hints(Settings)


def every_setting() -> tuple[Setting, ...]:
    """warnews's own settings, then every engine's (built-in and plugins'), as `warnews
    config` shows them. Loads the engines: not for what only parses a command line."""
    from .engines import setting_rows

    return (*SETTINGS, *setting_rows())


def value_of(settings: Settings, setting: Setting) -> Any:
    """A setting's effective value: its field's, or an engine's from engine_settings."""
    if setting.name in _BY_NAME:
        return getattr(settings, setting.name)
    return settings.engine_settings.get(setting.name, setting.default)


def _kind(name: str) -> type:
    """The kind of a setting's values: bool, int, float, or str for the rest (text, paths,
    every engine's settings)."""
    kind = _TYPES.get(name, str)
    return kind if kind in (bool, int, float) else str


def _of_kind(kind: type, value: object) -> bool:
    if kind in (int, float) and isinstance(value, bool):  # a bool is an int to Python, not to a user
        return False
    return isinstance(value, (int, float) if kind is float else kind)


_TOML_KINDS = {
    bool: "true or false (a TOML boolean)",
    int: "a whole number (a TOML integer)",
    float: "a number",
    str: "text (a TOML string)",
}


def _from_toml(setting: Setting, value: object) -> object:
    """A config file value of the setting's own kind: TOML has numbers and booleans, and a
    quoted "8" or a float 8.7 for a whole number is a mistake to point out, not to guess at."""
    kind = setting.kind or _kind(setting.name)
    if setting.read is _since and type(value) is date:  # since = 2024-01-10: a TOML date
        return value.isoformat()
    if not _of_kind(kind, value):
        raise ValueError(f"expected {_TOML_KINDS[kind]}, not {_toml_kind(value)}")
    return value


def _toml_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, dict)):
        return "a table" if isinstance(value, dict) else "an array"
    return "a date or time"


# the config file's lists of what `warnews run` reads


@dataclass(frozen=True)
class Resolved:
    settings: Settings
    origins: dict[str, str]  # setting name -> where its value came from
    config_path: Path
    config_found: bool
    feeds: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()


def _read_config(path: Path, explicit: bool) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        if explicit:
            raise UsageError(f"config file {path} does not exist") from None
        return None
    except IsADirectoryError:
        raise UsageError(f"config file {path} is a folder") from None
    except OSError as error:
        raise UsageError(f"cannot read the config file {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:  # its message names the line and column: kept
        raise UsageError(f"config file {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"config file {path} is not valid TOML: it is not UTF-8 text") from None


def _list_of_text(config: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = config.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{key} in {path} must be a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def resolve(
    flags: Mapping[str, object],
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Resolved:
    """The effective settings, and where each one came from."""
    environ = os.environ if environ is None else environ
    if config is not None:
        config_path, explicit = config.expanduser(), True
    elif environ.get(CONFIG_VARIABLE):
        config_path, explicit = Path(environ[CONFIG_VARIABLE]).expanduser(), True
    else:
        config_path, explicit = default_config_path(), False
    table = _read_config(config_path, explicit)
    found = table is not None
    table = table or {}
    rows = every_setting()
    names = [setting.name for setting in rows]
    unknown = sorted(set(table) - set(names) - set(INPUT_KEYS))
    if unknown:
        raise UsageError(
            f"unknown setting {unknown[0]!r} in {config_path} (known: {', '.join([*names, *INPUT_KEYS])})"
        )
    values: dict[str, Any] = {}
    origins = dict.fromkeys(names, "default")
    Naming = Callable[[Setting], str]
    Checking = Callable[[Setting, object], object]
    layers: tuple[tuple[Mapping[str, object], Naming, Naming, Checking], ...] = (
        (table, lambda s: f"config file {config_path}", lambda s: s.name, _from_toml),
        (environ, lambda s: s.variable, lambda s: s.variable, lambda s, value: value),
        (flags, lambda s: "/".join(s.flag_names), lambda s: s.name, lambda s, value: value),
    )
    for source, origin_of, key_of, check in layers:
        for setting in rows:
            key = key_of(setting)
            if key not in source or source[key] is None:
                continue
            try:
                values[setting.name] = setting.read(check(setting, source[key]))
            except (ValueError, UsageError) as error:
                raise UsageError(f"bad value for {setting.name} in {origin_of(setting)}: {error}") from None
            origins[setting.name] = origin_of(setting)
    engine_values = {
        setting.name: values.pop(setting.name, setting.default)
        for setting in rows
        if setting.name not in _BY_NAME
    }
    settings = Settings(**values, engine_settings=MappingProxyType(engine_values))
    _check_together(settings, origins)
    if (
        settings.cache_url is None
        and isinstance(settings.state, DatabaseURL)
        and origins["cache_file"] == "default"
    ):
        # A shared state shares its translation memory: no host asks for a paragraph another translated.
        settings = replace(settings, cache_url=settings.state)
        origins["cache_url"] = f"state ({origins['state']})"
    return Resolved(
        settings=settings,
        origins=origins,
        config_path=config_path,
        config_found=found,
        feeds=_list_of_text(table, "feeds", config_path),
        urls=_list_of_text(table, "urls", config_path),
    )


def secret_values(settings: Settings) -> list[str]:
    """What must never be shown: every secret setting's value, and a proxy URL's password."""
    values = []
    for setting in every_setting():
        value = value_of(settings, setting)
        if isinstance(value, DatabaseURL):
            values.extend(value.secrets)
        elif setting.password and value:
            values.append(proxy_password(value))
        elif setting.secret and value:
            values.append(str(value))
    return [value for value in values if value]


def shown(settings: Settings, name: str) -> str:
    """A setting's value as `warnews config` shows it, secrets masked."""
    setting = {row.name: row for row in every_setting()}[name]
    value = value_of(settings, setting)
    if value is None:
        return "(none)"
    if setting.secret:
        return MASK
    return mask_url(str(value)) if setting.password else str(value)


def from_keywords(values: Mapping[str, object], allowed: Collection[str]) -> Settings:
    """The settings of a library call: the defaults, then these keyword arguments, read and
    checked as the config file's values are; no config file, no environment (a library
    call does what its arguments say). Only the settings in `allowed` and the engines' may
    be given."""
    rows = {setting.name: setting for setting in every_setting()}
    engines = {name for name in rows if name not in _BY_NAME}
    chosen: dict[str, Any] = {}
    for name, value in values.items():
        setting = rows.get(name)
        if setting is None or name not in {*allowed, *engines}:
            raise UsageError(_not_a_keyword(name, {*allowed, *engines}))
        if value is None:  # as if not given: the default
            continue
        try:
            chosen[name] = setting.read(_python_value(name, value))
        except (ValueError, UsageError) as error:
            raise UsageError(f"bad value for {name}: {error}") from None
    engine_values = {name: chosen.pop(name, rows[name].default) for name in engines}
    settings = Settings(**chosen, engine_settings=MappingProxyType(engine_values))
    given = {name: "the keyword argument" if name in chosen else "the default" for name in _BY_NAME}
    _check_together(settings, given)
    return settings


_RUN_ONLY = {
    "out": "save a document with Document.save(folder)",
    "log_file": "the library logs through the logging module's 'warnews' logger",
}


def _not_a_keyword(name: str, allowed: Collection[str]) -> str:
    if name in _RUN_ONLY:
        return f"{name} is not a setting of a library call: {_RUN_ONLY[name]}"
    if name in _BY_NAME:
        return f"{name} is a setting of the command line's runs, not of this call"
    return f"unknown setting {name!r} (known: {', '.join(sorted(allowed))})"


_PYTHON_KINDS = {bool: "True or False", int: "an int", float: "a number", str: "a str"}


def _python_value(name: str, value: object) -> object:
    """A keyword argument's value of its setting's own kind: True for a switch, 8 for a
    whole number, 0.5 or 8 for a number, text (or a path) for the rest; a list of
    engines is a chain."""
    if name == "engine" and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    if isinstance(value, os.PathLike) and Path in (_TYPES.get(name), *typing.get_args(_TYPES.get(name))):
        return os.fspath(value)
    kind = _kind(name)
    if not _of_kind(kind, value):
        raise ValueError(f"expected {_PYTHON_KINDS[kind]}, not {type(value).__name__}")
    return value
