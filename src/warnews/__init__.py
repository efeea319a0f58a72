"""warnews: Ukrainian news in, faithful normalized English text out."""

from typing import TYPE_CHECKING, Any

from ._errors import (
    DetectError,
    ExtractError,
    FetchError,
    InputError,
    StoreError,
    TranslateError,
    UsageError,
    WarnewsError,
)

if TYPE_CHECKING:
    from .engines import Engine, get_engine

__version__ = "0.1.0"

__all__ = [
    "DetectError",
    "Engine",
    "ExtractError",
    "FetchError",
    "InputError",
    "StoreError",
    "TranslateError",
    "UsageError",
    "WarnewsError",
    "__version__",
    "get_engine",
]

# Imported when first used: `warnews --help` imports this package, and the engines
# bring httpx and deep-translator.
_LAZY = {"Engine": "engines", "get_engine": "engines"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
