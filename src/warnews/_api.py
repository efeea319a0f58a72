"""warnews as a library: one article in, a Document out, as the command line makes it.

    >>> import warnews
    >>> document = warnews.fetch("https://www.pravda.com.ua/news/2024/01/10/7436580/")
    >>> print(document.text)                      # the file's text, provenance line first
    >>> document.save("news")                     # news/2024-01-10-....txt and its .json

Settings are keyword arguments named like the config file's keys. A library call reads
no config file and no WARNEWS_* variable, keeps no state database and writes nothing
unless asked: the translation memory is used only with cache_file= (or cache=True for
the default one), and files only by Document.save.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ._errors import InputError, UsageError, WarnewsError
from ._model import Document, Source
from ._pipeline import Pipeline
from ._redact import redact
from ._settings import from_keywords, secret_values

_log = logging.getLogger("warnews")

# The settings a call takes: those of translating one article. Not those of runs (the
# state, retries over runs, feeds, concurrency of articles, the output folder, the log).
_TRANSLATE_SETTINGS = frozenset(
    {
        "source_language",
        "target_language",
        "engine",
        "credit",
        "proxy",
        "timeout",
        "max_page_bytes",
        "translator_concurrency",
        "translator_rate",
        "translator_start",
        "retries",
        "keep_original",
        "cache",
        "cache_file",
        "glossary",
        "default_glossary",
        "quality",
        "format",
        "bilingual",
    }
)
_FETCH_SETTINGS = _TRANSLATE_SETTINGS | {"public_only", "telegram_url"}


def fetch(url: str, *, client: httpx.Client | None = None, **settings: Any) -> Document:
    """Download one article, translate it and return it, as `warnews fetch --stdout` does.

    url: an http:// or https:// page, or a Telegram post's permalink (https://t.me/NAME/ID,
    read from its embed page: NotAnArticle if it has no text). client: an httpx.Client of
    yours (its transport, proxy, timeouts and pool are then used for the page and the
    translator; it is not closed). settings: e.g. target_language="en", engine="deepl,google",
    deepl_key="…", credit="OFP", timeout=30, public_only=True, keep_original=True.

    Raises a WarnewsError: UsageError for a bad setting (naming it), FetchError,
    ExtractError, DetectError, TranslateError.
    """
    with _pipeline(settings, _FETCH_SETTINGS, client) as pipeline:
        return pipeline.translate(pipeline.article(url))


def translate_file(
    path: str | os.PathLike[str], *, client: httpx.Client | None = None, **settings: Any
) -> Document:
    """Translate one local text or HTML file (UTF-8, windows-1251, KOI8-U …) and return it,
    as `warnews translate FILE --stdout` does. Settings as for fetch (but public_only)."""
    name = os.fspath(path)
    if name == "-":  # the command line's name for standard input, not a file's
        raise InputError("- is standard input, not a file: use warnews.translate_text(sys.stdin.read())")
    with _pipeline(settings, _TRANSLATE_SETTINGS, client) as pipeline:
        try:
            source = pipeline.read(name)
        except InputError as error:  # the command line says the name first; so does this
            raise InputError(f"{name}: {error}") from None
        return _run(pipeline, lambda: source)


def translate_text(text: str | bytes, *, client: httpx.Client | None = None, **settings: Any) -> Document:
    """Translate a text (plain, or an HTML page) and return it, as `warnews translate -
    --stdout` does with the same text on standard input. Bytes are decoded as a file's
    are (UTF-8, windows-1251, KOI8-U …)."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    with _pipeline(settings, _TRANSLATE_SETTINGS, client) as pipeline:
        limit = pipeline.settings.max_page_bytes
        if len(data) > limit:
            raise InputError(f"{len(data):,} bytes, over the {limit:,}-byte limit (max_page_bytes)")
        return _run(pipeline, lambda: Source(name="-", data=data))


@contextmanager
def _pipeline(
    given: dict[str, Any], allowed: frozenset[str], client: httpx.Client | None
) -> Iterator[Pipeline]:
    # No translation memory unless one is named: a library call writes nothing by itself.
    wanted = dict(given)
    if "cache" not in wanted:
        wanted["cache"] = wanted.get("cache_file") is not None
    settings = from_keywords(wanted, allowed)
    if client is not None and not isinstance(client, httpx.Client):  # an AsyncClient, a requests.Session
        raise UsageError(f"client must be an httpx.Client, not {type(client).__name__}")
    if client is not None and client.is_closed:
        raise UsageError("client is closed: give an open httpx.Client")
    try:
        with Pipeline(settings, warn=_warn, client=client) as pipeline:
            yield pipeline
    except WarnewsError as error:
        _mask(error, secret_values(settings))
        raise


def _run(pipeline: Pipeline, source: Callable[[], Source]) -> Document:
    return pipeline.translate(pipeline.extract(source()))


def _mask(error: WarnewsError, secrets: list[str]) -> None:
    """A key never reaches an error's text, even one the caller logs (whole keys: the
    engines masked the servers' words, fragments too, where they came in)."""
    if error.args and isinstance(error.args[0], str):
        error.args = (redact(error.args[0], secrets, fragments=False), *error.args[1:])


def _warn(message: str) -> None:
    _log.warning("%s", message)
