"""One settings object for a run, filled from defaults, the environment and the command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ._errors import UsageError
from ._translate import GOOGLE_URL

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def made_day() -> date:
    """Today, or the UTC day of SOURCE_DATE_EPOCH, for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH is not a Unix time: {epoch!r}") from None
    return date.today()


@dataclass(frozen=True)
class Settings:
    out_dir: Path = Path(".")
    to_stdout: bool = False
    source_language: str | None = None  # None: detect
    target_language: str = "en"
    credit: str | None = None
    proxy: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 3
    google_url: str = field(default_factory=lambda: os.environ.get("WARNEWS_GOOGLE_URL") or GOOGLE_URL)
    made: date = field(default_factory=made_day)
