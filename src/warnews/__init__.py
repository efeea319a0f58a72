"""warnews: Ukrainian news in, faithful normalized English text out."""

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

__version__ = "0.1.0"

__all__ = [
    "DetectError",
    "ExtractError",
    "FetchError",
    "InputError",
    "StoreError",
    "TranslateError",
    "UsageError",
    "WarnewsError",
    "__version__",
]
