"""warnews: Ukrainian news in, faithful normalized English text out.

The library (see README, "Use from Python"):

    fetch(url, **settings) -> Document           one article from the web (or a Telegram post)
    translate_file(path, **settings) -> Document  a local text or HTML file
    translate_text(text, **settings) -> Document  a text (or an HTML page) in hand
    Document: .text (in its format: txt, md, html), .header, .paragraphs, .source, .title,
              .metadata (Metadata; .to_dict() is the sidecar), .save(folder) -> Path
    get_engine(name, **config) -> Engine          one translation engine, for text in hand
    the errors: WarnewsError and its kinds

Importing warnews is cheap: the machinery (httpx, trafilatura, the engines) loads on
first use, so that `warnews --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    DetectError,
    ExtractError,
    FetchError,
    InputError,
    NotAnArticle,
    StoreError,
    TranslateError,
    UsageError,
    WarnewsError,
)

if TYPE_CHECKING:
    from ._api import fetch, translate_file, translate_text
    from ._model import Document, Metadata
    from .engines import Engine, get_engine

__version__ = "0.1.0"

__all__ = [
    "DetectError",
    "Document",
    "Engine",
    "ExtractError",
    "FetchError",
    "InputError",
    "Metadata",
    "NotAnArticle",
    "StoreError",
    "TranslateError",
    "UsageError",
    "WarnewsError",
    "__version__",
    "fetch",
    "get_engine",
    "translate_file",
    "translate_text",
]

_LAZY = {
    "fetch": "._api",
    "translate_file": "._api",
    "translate_text": "._api",
    "Document": "._model",
    "Metadata": "._model",
    "Engine": ".engines",
    "get_engine": ".engines",
}


def __getattr__(name: str) -> Any:
    """The library's names, imported when first used (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'warnews' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
