"""The translation memory: paragraph translations kept in SQLite.

Keyed by engine, source and target language and the normalized paragraph, so
boilerplate that recurs across articles is translated once, and translating an article
again costs no request. It is a cache: deleting the file loses nothing but requests.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ._errors import UsageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    translation TEXT NOT NULL,
    chars INTEGER NOT NULL,
    created_at REAL NOT NULL,
    used_at REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engine, source, target, text_sha256)
) WITHOUT ROWID
"""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Memory:
    """One connection shared by a run's threads; other processes may use the file at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise UsageError(
                f"cannot open the translation memory {path}: {error} (--no-cache runs without it)"
            ) from None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:  # never under a query of a worker that a stop left running (SIGSEGV)
            self._db.close()

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        key = (engine, source, target, _digest(text))
        with self._lock:
            row = self._db.execute(
                "SELECT translation FROM translations"
                " WHERE engine = ? AND source = ? AND target = ? AND text_sha256 = ?",
                key,
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                "UPDATE translations SET hits = hits + 1, used_at = ?"
                " WHERE engine = ? AND source = ? AND target = ? AND text_sha256 = ?",
                (time.time(), *key),
            )
        return str(row[0])

    def put(self, engine: str, source: str, target: str, text: str, translation: str) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (engine, source, target, _digest(text), translation, len(text), now, now),
            )

    def stats(self) -> dict[str, Any]:
        with self._lock:
            rows = self._db.execute(
                "SELECT engine, source, target, COUNT(*), COALESCE(SUM(hits), 0), COALESCE(SUM(chars), 0),"
                " MIN(created_at), MAX(used_at) FROM translations GROUP BY engine, source, target"
                " ORDER BY engine, source, target"
            ).fetchall()
        size = sum(
            candidate.stat().st_size
            for candidate in (self.path, Path(f"{self.path}-wal"))
            if candidate.exists()
        )
        pairs = [
            {
                "engine": engine,
                "source": source,
                "target": target,
                "paragraphs": count,
                "hits": hits,
                "characters": chars,
                "oldest": oldest,
                "last_used": used,
            }
            for engine, source, target, count, hits, chars, oldest, used in rows
        ]
        return {
            "path": str(self.path),
            "bytes": size,
            "paragraphs": sum(pair["paragraphs"] for pair in pairs),
            "hits": sum(pair["hits"] for pair in pairs),
            "characters": sum(pair["characters"] for pair in pairs),
            "pairs": pairs,
        }

    def clear(self, engine: str | None = None, unused_days: float | None = None) -> int:
        """Forget translations (of one engine; unused for that many days); how many went."""
        conditions: list[str] = []
        values: list[object] = []
        if engine:
            conditions.append("engine = ?")
            values.append(engine)
        if unused_days is not None:
            conditions.append("used_at < ?")
            values.append(time.time() - unused_days * 86_400)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._lock:
            count = self._db.execute(f"DELETE FROM translations{where}", values).rowcount  # noqa: S608
            if not conditions:
                self._db.execute("VACUUM")
        return int(count)
