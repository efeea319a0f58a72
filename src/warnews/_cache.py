"""The translation memory: paragraph translations kept in SQLite (or PostgreSQL, shared by hosts).

Keyed by engine, source and target language and the normalized paragraph, so
boilerplate that recurs across articles is translated once, and translating an article
again costs no request. It is a cache: deleting the file loses nothing but requests.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ._database import MEMORY_LOCK, Connection, DatabaseURL, PostgreSQL
from ._errors import StoreError, UsageError, database_problem
from ._normalize import normalize_paragraph

if TYPE_CHECKING:
    from ._settings import Settings

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


T = TypeVar("T")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_CORRUPT, _NOT_A_DATABASE = 11, 26  # SQLite's primary result codes for a damaged file


def _damaged(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (_CORRUPT, _NOT_A_DATABASE)


class Memory:
    """One connection shared by a run's threads; other processes may use the file at once.

    It is a cache, so it never fails an article: a damaged file is moved aside (with one
    warning, through `warn`) and a new one started; a memory that cannot be used at all
    is left alone for the rest of the run.
    """

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._warn = warn or (lambda message: None)
        self._lock = threading.Lock()
        self._usable = True
        self._inode = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError as error:
                if not _damaged(error):
                    raise
                self._set_aside()
                self._db = self._connect()
        except (OSError, sqlite3.Error) as error:
            raise UsageError(
                f"cannot open the translation memory {path}: {database_problem(error)}"
                " (--no-cache runs without it)"
            ) from None

    def _connect(self) -> sqlite3.Connection:
        database = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        try:
            database.execute("PRAGMA journal_mode=WAL")
            database.execute("PRAGMA synchronous=NORMAL")
            database.execute(_SCHEMA)
        except BaseException:
            database.close()
            raise
        self._inode = os.stat(self.path).st_ino
        return database

    def _set_aside(self) -> None:
        """Move a damaged file aside (unless another process already has) and say so."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        try:
            if os.stat(self.path).st_ino == self._inode or not self._inode:
                os.replace(self.path, aside)
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self._warn(
                    f"the translation memory {self.path} is damaged; moved aside to {aside},"
                    " starting a new one"
                )
        except FileNotFoundError:
            pass
        except OSError as failure:
            raise UsageError(
                f"the translation memory {self.path} is damaged and cannot be moved aside:"
                f" {database_problem(failure)}"
            ) from None

    def _use(self, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """work(connection) under the lock; on a damaged file, a new one and `default`."""
        with self._lock:
            if not self._usable:
                return default
            try:
                return work(self._db)
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise  # used after close(): the caller's mistake, not the file's
            except sqlite3.DatabaseError as error:
                if not _damaged(error):  # locked for long, read-only, an I/O error
                    self._give_up(database_problem(error))
                    return default
                self._db.close()
                try:
                    self._set_aside()
                    self._db = self._connect()
                except (UsageError, OSError, sqlite3.Error) as failure:
                    self._give_up(
                        str(failure) if isinstance(failure, UsageError) else database_problem(failure)
                    )
                return default

    def _give_up(self, why: str) -> None:
        self._usable = False
        self._warn(f"the translation memory {self.path} cannot be used ({why}); going on without it")

    def close(self) -> None:
        with self._lock:  # never under a query of a worker that a stop left running (SIGSEGV)
            self._db.close()

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        key = (engine, source, target, _digest(text))

        def work(database: sqlite3.Connection) -> str | None:
            row = database.execute(
                "SELECT translation FROM translations"
                " WHERE engine = ? AND source = ? AND target = ? AND text_sha256 = ?",
                key,
            ).fetchone()
            if row is None or not normalize_paragraph(str(row[0])):  # an empty translation is none
                return None
            database.execute(
                "UPDATE translations SET hits = hits + 1, used_at = ?"
                " WHERE engine = ? AND source = ? AND target = ? AND text_sha256 = ?",
                (time.time(), *key),
            )
            return str(row[0])

        return self._use(work, None)

    def put(self, engine: str, source: str, target: str, text: str, translation: str) -> None:
        if not normalize_paragraph(translation):  # never remembered, so never taken for one
            return
        now = time.time()
        self._use(
            lambda database: database.execute(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (engine, source, target, _digest(text), translation, len(text), now, now),
            ),
            None,
        )

    def stats(self) -> dict[str, Any]:
        rows: list[Any] = self._use(
            lambda database: database.execute(
                "SELECT engine, source, target, COUNT(*), COALESCE(SUM(hits), 0), COALESCE(SUM(chars), 0),"
                " MIN(created_at), MAX(used_at) FROM translations GROUP BY engine, source, target"
                " ORDER BY engine, source, target"
            ).fetchall(),
            [],
        )
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
        return _summary(str(self.path), size, pairs)

    def clear(self, engine: str | None = None, unused_days: float | None = None) -> int:
        """Forget translations (of one engine; unused for that many days); how many went."""
        where, values = _conditions(engine, unused_days)

        def work(database: sqlite3.Connection) -> int:
            count = database.execute(f"DELETE FROM translations{where}", values).rowcount
            if not values:
                database.execute("VACUUM")
            return int(count)

        return self._use(work, 0)


_POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    translation TEXT NOT NULL,
    chars INTEGER NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    used_at DOUBLE PRECISION NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engine, source, target, text_sha256)
)
"""


class SharedMemory:
    """The translation memory in a PostgreSQL database (cache_url, or a shared state's):
    every host that uses it asks no translator for a paragraph another host translated.

    Still a cache: a database that fails once is left alone for the rest of the run, with
    one warning; the articles go on without it.
    """

    def __init__(
        self, url: DatabaseURL, warn: Callable[[str], None] | None = None, create: bool = True
    ) -> None:
        self.url = url
        self._warn = warn or (lambda message: None)
        self._usable = True
        self._db = PostgreSQL(url, "translation memory")
        try:
            self.exists = create or self._exists()
            if create:
                with self._db.write() as db:  # hosts starting at once: one creates it
                    db.execute("SELECT pg_advisory_xact_lock(?)", (MEMORY_LOCK,))
                    db.execute(_POSTGRES_SCHEMA)
        except StoreError:
            self._db.close()
            raise

    def _exists(self) -> bool:
        return bool(self._db.query("SELECT to_regclass('translations') IS NOT NULL AS found")[0]["found"])

    def _use(self, work: Callable[[Connection], T], default: T) -> T:
        if not self._usable or not self.exists:
            return default
        try:
            with self._db.write() as db:
                return work(db)
        except StoreError as error:
            self._usable = False
            self._warn(f"the translation memory cannot be used ({error}); going on without it")
            return default

    def close(self) -> None:
        self._db.close()

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        def work(db: Connection) -> str | None:
            record = db.execute(
                "UPDATE translations SET hits = hits + 1, used_at = ?"
                " WHERE engine = ? AND source = ? AND target = ? AND text_sha256 = ? RETURNING translation",
                (time.time(), engine, source, target, _digest(text)),
            ).fetchone()
            if record is None or not normalize_paragraph(str(record["translation"])):
                return None
            return str(record["translation"])

        return self._use(work, None)

    def put(self, engine: str, source: str, target: str, text: str, translation: str) -> None:
        if not normalize_paragraph(translation):  # never remembered, so never taken for one
            return
        now = time.time()
        self._use(
            lambda db: db.execute(
                "INSERT INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)"
                " ON CONFLICT (engine, source, target, text_sha256) DO UPDATE SET"
                " translation = excluded.translation, used_at = excluded.used_at",
                (engine, source, target, _digest(text), translation, len(text), now, now),
            ),
            None,
        )

    def stats(self) -> dict[str, Any]:
        rows: list[Any] = self._use(
            lambda db: db.execute(
                "SELECT engine, source, target, COUNT(*) AS paragraphs, COALESCE(SUM(hits), 0) AS hits,"
                " COALESCE(SUM(chars), 0) AS characters, MIN(created_at) AS oldest, MAX(used_at) AS last_used"
                " FROM translations GROUP BY engine, source, target ORDER BY engine, source, target"
            ).fetchall(),
            [],
        )
        size: int = self._use(
            lambda db: int(db.execute("SELECT pg_total_relation_size('translations') AS n").fetchone()["n"]),
            0,
        )
        pairs = [
            {
                key: (int(value) if key in ("paragraphs", "hits", "characters") else value)
                for key, value in dict(row).items()
            }
            for row in rows
        ]
        return _summary(self.url.shown, size, pairs)

    def clear(self, engine: str | None = None, unused_days: float | None = None) -> int:
        """Forget translations (of one engine; unused for that many days); how many went."""
        where, values = _conditions(engine, unused_days)
        return self._use(lambda db: int(db.execute(f"DELETE FROM translations{where}", values).rowcount), 0)


def _summary(where: str, size: int, pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """What `cache stats` says of a memory: its pairs, and their sums."""
    return {
        "path": where,
        "bytes": size,
        "paragraphs": sum(pair["paragraphs"] for pair in pairs),
        "hits": sum(pair["hits"] for pair in pairs),
        "characters": sum(pair["characters"] for pair in pairs),
        "pairs": pairs,
    }


def _conditions(engine: str | None, unused_days: float | None) -> tuple[str, list[object]]:
    """The WHERE of clear() (empty: every translation), and its values: one engine's,
    unused for that many days."""
    conditions: list[str] = []
    values: list[object] = []
    if engine:
        conditions.append("engine = ?")
        values.append(engine)
    if unused_days is not None:
        conditions.append("used_at < ?")
        values.append(time.time() - unused_days * 86_400)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), values


def open_memory(
    settings: Settings, warn: Callable[[str], None] | None = None, create: bool = True
) -> Memory | SharedMemory | None:
    """The translation memory the settings name (cache_url, else cache_file); with
    create=False, None where there is none yet (looking creates nothing)."""
    if settings.cache_url is not None:
        memory = SharedMemory(settings.cache_url, warn, create)
        return memory if create or memory.exists else None
    if not create and not settings.cache_file.exists():
        return None
    return Memory(settings.cache_file, warn)
