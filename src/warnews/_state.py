"""The memory of what warnews did: one SQLite database (WAL) per state path, and its lock.

Every URL met gets a row in `articles`: pending until tried, then done, failed (tried
again on later runs after a doubling delay, up to a number of attempts) or skipped (the
same article as another row, reached by another URL). A row says done only after its
file is on disk. Feeds keep their ETag and Last-Modified for conditional GETs.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import ipaddress
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

from ._errors import Locked, StoreError, database_problem
from ._pace import Learned
from ._store import META_SUFFIX

if TYPE_CHECKING:
    from ._model import Document, Metadata

# Each migration runs once, in order; PRAGMA user_version counts those applied.
MIGRATIONS = (
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        url_key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'skipped')),
        canonical_url TEXT,
        canonical_key TEXT,
        content_sha256 TEXT,
        output_path TEXT,
        title TEXT,
        language TEXT,
        engine TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        duplicate_of INTEGER REFERENCES articles (id),
        last_attempt_at REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX articles_canonical ON articles (canonical_key);
    CREATE INDEX articles_content ON articles (content_sha256);
    CREATE INDEX articles_status ON articles (status);
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked_at REAL,
        last_error TEXT,
        items INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started_at REAL NOT NULL,
        finished_at REAL,
        done INTEGER,
        failed INTEGER,
        skipped INTEGER,
        exit_code INTEGER
    );
    """,
    # permanent: a failure that cannot succeed by trying again (not a URL, a 404, a PDF),
    # never retried automatically; published: the date a feed gave the item; warning:
    # what the operator should know about a done article (an engine fell back); queued:
    # named by `warnews retry`, so the next run takes it whatever brought it; found_feed:
    # for a web page named as a feed, the feed found on it (its validators are that feed's).
    """
    ALTER TABLE articles ADD COLUMN permanent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN published TEXT;
    ALTER TABLE articles ADD COLUMN warning TEXT;
    ALTER TABLE feeds ADD COLUMN found_feed TEXT;
    """,
    # post: a Telegram post as read from its channel's page (JSON), made into its article
    # without another download; reason: why an article was skipped when it is no duplicate
    # (a post with nothing to translate); channel: what is known of a Telegram channel read
    # as a feed (JSON: the newest and oldest posts read, gaps left to read); rows are counted
    # and listed by source (a channel, every run).
    """
    ALTER TABLE articles ADD COLUMN post TEXT;
    ALTER TABLE articles ADD COLUMN reason TEXT;
    ALTER TABLE feeds ADD COLUMN channel TEXT;
    CREATE INDEX articles_source ON articles (source);
    """,
    # quality: how a done article's translation passed the quality gate: NULL (at the first
    # engine tried, or not translated), 'fallback' (after an engine failed it), 'failed'
    # (kept though every engine failed it: quality = "warn").
    """
    ALTER TABLE articles ADD COLUMN quality TEXT;
    """,
    # records: each done article as it was saved (its sidecar and its text, zlib-compressed
    # JSON), so that the Atom feed and `warnews export` need no file on disk; a table of
    # their own, so that reading rows never reads them. day: a done article's publication
    # date, else the day it was made (earlier rows: the feed's date, else the day of their
    # last change), which orders the feed. paces: the request rate each translator (an
    # engine at its endpoint) was last found to take, so that a run starts where the last
    # one ended.
    """
    CREATE TABLE records (article INTEGER PRIMARY KEY, record BLOB NOT NULL);
    ALTER TABLE articles ADD COLUMN day TEXT;
    UPDATE articles SET day = COALESCE(published, date(updated_at, 'unixepoch')) WHERE status = 'done';
    CREATE INDEX articles_newest
        ON articles (status, COALESCE(day, published, date(updated_at, 'unixepoch')), updated_at, id);
    CREATE TABLE paces (
        translator TEXT PRIMARY KEY,
        rate REAL NOT NULL,
        peak REAL,
        updated_at REAL NOT NULL
    );
    """,
    # boilerplate: what each site's articles repeat. A paragraph (its _extract.paragraph_key)
    # of a site (a registrable domain, or t.me/CHANNEL): in how many different articles it
    # was seen, the last article (its row id) that counted it, and when it was last seen.
    # Seen in two articles, it is the site's boilerplate (see State.boilerplate).
    """
    CREATE TABLE boilerplate (
        site TEXT NOT NULL,
        key BLOB NOT NULL,
        articles INTEGER NOT NULL,
        last_article INTEGER NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (site, key)
    ) WITHOUT ROWID;
    CREATE INDEX boilerplate_recurring ON boilerplate (site) WHERE articles > 1;
    """,
)

# How long a paragraph seen in one article only is remembered, waiting to be seen again,
# and how many paragraphs of one site are kept at most (those seen once and longest ago
# are forgotten first).
BOILERPLATE_DAYS = 180
BOILERPLATE_PER_SITE = 10_000


# The day that orders articles newest first (see State.saved), as the articles_newest
# index of MIGRATIONS[4] writes it; and how many rows are read at a time in that order.
_NEWEST = "COALESCE(day, published, date(updated_at, 'unixepoch'))"
_PAGE = 200


def _positive(value: object) -> float | None:
    """A number kept in the paces table, if it is a positive finite one: a row edited by
    hand or by another tool may hold anything (text, a blob, NaN), and is then unknown."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    return None


_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_ga"}
)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def gate(metadata: Metadata) -> str | None:
    """How a done article passed the quality gate, as the state keeps it."""
    quality = metadata.quality
    if not quality:
        return None
    if not quality.get("passed", True):
        return "failed"
    return "fallback" if quality.get("failures") else None


def url_key(url: str) -> str:
    """A URL as compared for "the same article": scheme and host case, www./m. host
    prefixes, default ports, fragments and tracking parameters (utm_*, fbclid, ...) do not count."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # a broken [IPv6] host: no URL, compared as it is (fetching it fails)
        return url.strip()
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING
    ]
    path = parts.path or "/"
    if host in ("t.me", "telegram.me"):  # Telegram usernames ignore case: t.me/KyivNews/5 is t.me/kyivnews/5
        path = path.lower()
    # Without the scheme: http and https name the same article.
    return urlunsplit(("", host, path, urlencode(query), "")).lstrip("/")


def site(url: str) -> str:
    """The registrable domain of a URL's host (pravda.com.ua for www.pravda.com.ua, by the
    Public Suffix List), or the host itself for an IP address or a bare suffix."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return _public_suffixes().privatesuffix(host) or host


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list the package ships: nothing is downloaded


@dataclass(frozen=True)
class Row:
    id: int
    url: str
    source: str
    status: str
    output_path: str | None
    attempts: int
    last_error: str | None
    last_attempt_at: float | None
    permanent: bool = False
    published: str | None = None  # ISO date given by a feed item
    warning: str | None = None
    queued: bool = False
    post: str | None = None  # a Telegram post as its channel's page showed it (JSON)
    reason: str | None = None  # why skipped, when not a duplicate

    @property
    def path(self) -> Path | None:
        return Path(self.output_path) if self.output_path else None


def one_off(row: Row) -> bool:
    """Brought by a one-off command (fetch, a list file), not by a feed or the config, and
    not named to `warnews retry`: no run tries it again by itself."""
    return not row.queued and row.source != "config" and not row.source.startswith(("http://", "https://"))


def next_try(row: Row, first_delay: float, max_attempts: int) -> float | None:
    """When a failed article is tried again: first_delay after its last attempt, doubled
    for each earlier failure; None once it has had max_attempts."""
    if row.status != "failed" or row.permanent or row.attempts >= max_attempts:
        return None
    return float(row.last_attempt_at or 0.0) + first_delay * 2.0 ** min(row.attempts - 1, 20)


class RunLock:
    """One run at a time per state database: an exclusive flock on STATE.lock.

    The kernel drops the lock when the process dies, SIGKILL included.
    """

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self, wait: bool) -> None:
        _make_folder(self.path.parent)
        try:
            handle = open(self.path, "a+")  # held until release()
        except OSError as error:  # a read-only mount, a folder without rights
            raise StoreError(f"cannot lock {self.path}: {error.strerror or error}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise Locked(
                    f"another warnews run{f' (pid {holder})' if holder.isdigit() else ''} is using "
                    f"{self.path.with_suffix('')}; try again later, or use --wait"
                ) from None
            raise StoreError(f"cannot lock {self.path}: {error.strerror or error}") from None
        except BaseException:
            handle.close()
            raise
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create {folder}: {error.strerror or error}") from None


class State:
    """The database, shared by the threads of one run (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _make_folder(path.parent)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot use the state database {path}: {database_problem(error)}") from None
        self._lock = threading.RLock()
        self._in_flight: dict[str, int] = {}  # canonical key or content hash -> article id

    def close(self) -> None:
        """Close the connection; any later call raises StoreError, which a worker a stop
        left reading meets and handles as any failure of the state."""
        with self._lock:  # not in the middle of another thread's transaction
            self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"the state database {self.path} was made by a newer warnews (schema {version})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # One transaction per migration: a killed upgrade leaves the previous schema.
            self._db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                raise StoreError(f"state database {self.path}: {database_problem(error)}") from None

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.DatabaseError as error:
                raise StoreError(f"state database {self.path}: {database_problem(error)}") from None

    # --- articles ---

    @staticmethod
    def _row(record: sqlite3.Row) -> Row:
        return Row(
            record["id"],
            record["url"],
            record["source"],
            record["status"],
            record["output_path"],
            record["attempts"],
            record["last_error"],
            record["last_attempt_at"],
            bool(record["permanent"]),
            record["published"],
            record["warning"],
            bool(record["queued"]),
            record["post"],
            record["reason"],
        )

    def find(self, url: str) -> Row | None:
        records = self._query("SELECT * FROM articles WHERE url_key = ?", [url_key(url)])
        return self._row(records[0]) if records else None

    def add(self, url: str, source: str) -> Row:
        """The row for url, made pending if new."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO articles (url, url_key, source, status, created_at, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?)",
                (url, url_key(url), source, now, now),
            )
        row = self.find(url)
        assert row is not None
        return row

    def due(self, max_attempts: int, first_delay: float, now: float | None = None) -> list[Row]:
        """Pending rows, and failed ones whose retry time has come (next_try), oldest first;
        never a permanent failure."""
        now = time.time() if now is None else now
        records = self._query(
            "SELECT * FROM articles WHERE status = 'pending'"
            " OR (status = 'failed' AND NOT permanent AND attempts < ?) ORDER BY id",
            [max_attempts],
        )
        rows = [self._row(record) for record in records]
        return [
            row
            for row in rows
            if row.status == "pending" or (next_try(row, first_delay, max_attempts) or 0) <= now
        ]

    def claim(self, article_id: int, keys: Iterable[str]) -> Row | None:
        """The article this one duplicates (done, or being done in this run), else None.

        keys are the article's canonical URL key, final URL key and content hash; they
        stay claimed until the article is done or failed.
        """
        keys = [key for key in keys if key]
        with self._lock:
            for key in keys:
                other = self._in_flight.get(key)
                if other is not None and other != article_id:
                    return self._get(other)
            placeholders = ",".join("?" * len(keys))
            records = self._query(
                f"SELECT * FROM articles WHERE status = 'done' AND id != ?"
                f" AND (canonical_key IN ({placeholders})"
                f" OR content_sha256 IN ({placeholders}) OR url_key IN ({placeholders})) ORDER BY id LIMIT 1",
                [article_id, *keys, *keys, *keys],
            )
            if records:
                return self._row(records[0])
            for key in keys:
                self._in_flight[key] = article_id
            return None

    def _get(self, article_id: int) -> Row:
        return self._row(self._query("SELECT * FROM articles WHERE id = ?", [article_id])[0])

    def _release(self, article_id: int) -> None:
        for key in [key for key, owner in self._in_flight.items() if owner == article_id]:
            del self._in_flight[key]

    def plan(self, article_id: int, path: Path) -> None:
        """Remember the file name before the file is written (see store.choose_path)."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET output_path = ?, updated_at = ? WHERE id = ?",
                (str(path.resolve()), time.time(), article_id),
            )

    def done(
        self,
        article_id: int,
        path: Path,
        metadata: Metadata,
        warning: str | None = None,
        document: Document | None = None,
    ) -> None:
        """The article's file is on disk: say so, with what identifies the article
        (its canonical URL: where it lives, see Metadata.source_id), what an engine's
        failure on it said (warning), and the document as saved (its record: the Atom
        feed and `warnews export` are made from it)."""
        from ._export import pack

        canonical_url = metadata.source_id
        now = time.time()
        record = pack(document, path, now) if document is not None else None
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'done', output_path = ?, canonical_url = ?, canonical_key = ?,"
                " content_sha256 = ?, title = ?, language = ?, engine = ?, attempts = attempts + 1,"
                " last_error = NULL, permanent = 0, queued = 0, warning = ?, quality = ?,"
                " last_attempt_at = ?, updated_at = ?, day = ? WHERE id = ?",
                (
                    str(path.resolve()),
                    canonical_url or None,
                    url_key(canonical_url) if canonical_url else None,
                    metadata.source_sha256,
                    metadata.title,
                    metadata.source_language,
                    metadata.engine,
                    warning,
                    gate(metadata),
                    now,
                    now,
                    (metadata.published or metadata.made).isoformat(),
                    article_id,
                ),
            )
            if record is not None:
                db.execute(
                    "INSERT OR REPLACE INTO records (article, record) VALUES (?, ?)", (article_id, record)
                )
            self._release(article_id)

    def failed(self, article_id: int, error: str, permanent: bool = False) -> Row:
        """Record a failed attempt (see next_try for when it is tried again; a permanent
        failure is not, until a user names it)."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'failed', attempts = attempts + 1, last_error = ?,"
                " permanent = ?, queued = 0, last_attempt_at = ?, updated_at = ? WHERE id = ?",
                (error, int(permanent), now, now, article_id),
            )
            self._release(article_id)
        return self._get(article_id)

    def skipped(self, article_id: int, original: Row, path: Path | None = None) -> None:
        """The same article as original; path: its copy made for this row in another folder."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'skipped', duplicate_of = ?, output_path = ?,"
                " last_error = NULL, permanent = 0, queued = 0, updated_at = ? WHERE id = ?",
                (original.id, str(path.resolve()) if path else original.output_path, time.time(), article_id),
            )
            self._release(article_id)

    def passed(self, article_id: int, reason: str) -> None:
        """Not an article (a post with nothing to translate): skipped for good, with why."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'skipped', reason = ?, output_path = NULL, duplicate_of = NULL,"
                " last_error = NULL, permanent = 0, queued = 0, attempts = attempts + 1, last_attempt_at = ?,"
                " updated_at = ? WHERE id = ?",
                (reason, time.time(), time.time(), article_id),
            )
            self._release(article_id)

    def relocated(self, article_id: int, path: Path) -> None:
        """The article's file was made again in another folder: the row names the newest one."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET output_path = ?, queued = 0, updated_at = ? WHERE id = ?",
                (str(path.resolve()), time.time(), article_id),
            )

    def abandon(self, article_id: int) -> None:
        """Work stopped by a signal: the row stays as it was, for the next run."""
        with self._lock:
            self._release(article_id)

    def requeue(self, urls: Iterable[str] = ()) -> int:
        """Make failed articles pending again, with fresh attempts, and queued: the next
        `run` takes them whatever brought them. Those named, permanent failures included;
        without names, every failure that is not permanent."""
        keys = [url_key(url) for url in urls]
        where = "status = 'failed'"
        if keys:
            where += f" AND url_key IN ({','.join('?' * len(keys))})"
        else:
            where += " AND NOT permanent"
        with self._write() as db:
            cursor = db.execute(
                "UPDATE articles SET status = 'pending', attempts = 0, permanent = 0, queued = 1,"
                f" updated_at = ? WHERE {where}",
                (time.time(), *keys),
            )
            return cursor.rowcount

    def permanent_failures(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM articles WHERE status = 'failed' AND permanent")[0][0])

    def forget(self, urls: Iterable[str]) -> tuple[list[Row], list[str]]:
        """Delete the rows of these URLs (their files stay); (the rows deleted, the URLs unknown).
        Rows that were duplicates of a forgotten one keep their status and file."""
        forgotten, unknown = [], []
        with self._write() as db:
            for url in urls:
                records = db.execute("SELECT * FROM articles WHERE url_key = ?", (url_key(url),)).fetchall()
                if not records:
                    unknown.append(url)
                    continue
                row = self._row(records[0])
                db.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = ?", (row.id,))
                db.execute("DELETE FROM articles WHERE id = ?", (row.id,))
                db.execute("DELETE FROM records WHERE article = ?", (row.id,))
                forgotten.append(row)
        return forgotten, unknown

    def articles(
        self, status: str | None = None, source: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Articles as `warnews list` shows them, the most recently changed first."""
        where, parameters = [], []
        if status:
            where.append("status = ?")
            parameters.append(status)
        if source:
            where.append("source = ?")
            parameters.append(source)
        sql = "SELECT * FROM articles" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY updated_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._listed(record) for record in self._query(sql, parameters)]

    def saved(
        self,
        status: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[tuple[dict[str, Any], bytes | None]]:
        """Articles as `warnews list` shows them, newest first by their day (a done
        article's publication date, else the day it was made; else its feed item's date,
        else the day of its last change), then by their last change, each with its record
        (see _export.pack; None: not done, or done before records were kept). since,
        until: ISO days, both included. Read a page at a time, in the order of an index
        (articles_newest), so that the feed of a run reads its newest rows, not the history."""
        key = _NEWEST  # as the index has it, word for word, or the index is not used
        where, parameters = ["1"], []
        for clause, value in (
            ("status = ?", status),
            ("source = ?", source),
            (f"{key} >= ?", since),
            (f"{key} <= ?", until),
        ):
            if value is not None:
                where.append(clause)
                parameters.append(value)
        after: list[Any] = []  # the last row of the page before: (its day, updated_at, id)
        while True:
            rows = self._query(
                f"SELECT *, {key} AS sort_day FROM articles WHERE {' AND '.join(where)}"
                + (f" AND ({key}, updated_at, id) < (?, ?, ?)" if after else "")
                + f" ORDER BY {key} DESC, updated_at DESC, id DESC LIMIT {_PAGE}",
                [*parameters, *after],
            )
            ids = [record["id"] for record in rows]
            blobs = {
                record["article"]: record["record"]
                for record in self._query(
                    f"SELECT article, record FROM records WHERE article IN ({','.join('?' * len(ids))})", ids
                )
            }
            for record in rows:
                yield self._listed(record), blobs.get(record["id"])
            if len(rows) < _PAGE:
                return
            last = rows[-1]
            after = [last["sort_day"], last["updated_at"], last["id"]]

    @staticmethod
    def _listed(record: sqlite3.Row) -> dict[str, Any]:
        return {
            "url": record["url"],
            "status": record["status"],
            "permanent": bool(record["permanent"]),
            "file": record["output_path"],
            "title": record["title"],
            "published": record["published"],
            "updated_at": record["updated_at"],
            "source": record["source"],
            "error": record["last_error"],
            "reason": record["reason"],
        }

    def describe(self, url: str, first_delay: float, max_attempts: int) -> dict[str, Any] | None:
        """Everything the state knows about one URL (matched by url_key), or None."""
        records = self._query("SELECT * FROM articles WHERE url_key = ?", [url_key(url)])
        if not records:
            return None
        record, row = records[0], self._row(records[0])
        original = self._get(record["duplicate_of"]) if record["duplicate_of"] is not None else None
        path = row.path
        return {
            "url": row.url,
            "status": row.status,
            "source": row.source,
            "file": row.output_path,
            "file_exists": bool(path and path.exists()),
            "sidecar": str(path.with_suffix(META_SUFFIX)) if path else None,
            "canonical_url": record["canonical_url"],
            "title": record["title"],
            "language": record["language"],
            "engine": record["engine"],
            "published": row.published,
            "warning": row.warning,
            "attempts": row.attempts,
            "last_error": row.last_error,
            "reason": row.reason,
            "permanent": row.permanent,
            "queued": row.queued,
            "next_try": None if one_off(row) else next_try(row, first_delay, max_attempts),
            "one_off": one_off(row),
            "duplicate_of": original.url if original else None,
            "created_at": record["created_at"],
            "last_attempt_at": row.last_attempt_at,
            "updated_at": record["updated_at"],
        }

    # --- feeds ---

    def feed_memory(self, url: str) -> tuple[str | None, str | None, str | None]:
        """(the feed found on a web page named as a feed, or None; the validators of what is
        read for it)."""
        records = self._query("SELECT found_feed, etag, last_modified FROM feeds WHERE url = ?", [url])
        if not records:
            return None, None, None
        return records[0]["found_feed"], records[0]["etag"], records[0]["last_modified"]

    def feed_read(
        self,
        url: str,
        items: list[str],
        etag: str | None,
        last_modified: str | None,
        published: dict[str, str] | None = None,
        found: str | None = None,
    ) -> int:
        """Record a feed's new items as pending, with its validators, in one transaction
        (a 304 next time must not hide items that were never recorded). Returns how many were new.

        published: an item's date (ISO) as its feed gave it, kept for the article's file;
        found: the feed read for `url` when it is a web page.
        """
        now = time.time()
        published = published or {}
        with self._write() as db:
            new = 0
            for item in items:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO articles (url, url_key, source, status, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'pending', ?, ?)",
                    (item, url_key(item), url, now, now),
                )
                new += cursor.rowcount
                if item in published:
                    db.execute(
                        "UPDATE articles SET published = ? WHERE url_key = ? AND published IS NULL",
                        (published[item], url_key(item)),
                    )
            db.execute(
                # A feed read is a feed that answers: its last error is cleared.
                "INSERT INTO feeds (url, etag, last_modified, checked_at, last_error, items, found_feed)"
                " VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified,"
                " checked_at = excluded.checked_at, last_error = excluded.last_error,"
                " items = feeds.items + excluded.items, found_feed = excluded.found_feed",
                (url, etag, last_modified, now, new, found),
            )
        return new

    def channel_memory(self, url: str) -> tuple[str | None, int]:
        """What is known of a channel read as a feed (its JSON, or None if never read), and
        how many of its posts have rows."""
        records = self._query("SELECT channel FROM feeds WHERE url = ?", [url])
        count = self._query("SELECT COUNT(*) FROM articles WHERE source = ?", [url])[0][0]
        return (records[0]["channel"] if records else None), int(count)

    def channel_read(
        self, url: str, posts: list[tuple[str, str, str | None]], memory: str, update: bool = False
    ) -> int:
        """Record a channel's posts (permalink, the post's JSON, its day) as pending, oldest
        first, and what is known of the channel, in one transaction. update: known posts
        take the text read now (--force: an edited post is made again from its new text).
        Returns how many were new."""
        now = time.time()
        with self._write() as db:
            new = 0
            for link, post, day in posts:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO articles (url, url_key, source, status, post, published,"
                    " created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                    (link, url_key(link), url, post, day, now, now),
                )
                new += cursor.rowcount
                if not cursor.rowcount and update:
                    db.execute("UPDATE articles SET post = ? WHERE url_key = ?", (post, url_key(link)))
            db.execute(
                "INSERT INTO feeds (url, checked_at, last_error, items, channel) VALUES (?, ?, NULL, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET checked_at = excluded.checked_at, last_error = NULL,"
                " items = feeds.items + excluded.items, channel = excluded.channel",
                (url, now, new, memory),
            )
        return new

    def feed_failed(self, url: str, error: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO feeds (url, checked_at, last_error) VALUES (?, ?, ?) ON CONFLICT (url) DO UPDATE"
                " SET checked_at = excluded.checked_at, last_error = excluded.last_error",
                (url, time.time(), error),
            )

    def known(self, urls: Iterable[str]) -> set[str]:
        """Which of these URLs already have a row."""
        urls = list(urls)
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            keys = {url_key(url): url for url in chunk}
            records = self._query(
                f"SELECT url_key FROM articles WHERE url_key IN ({','.join('?' * len(keys))})", list(keys)
            )
            found.update(keys[record["url_key"]] for record in records)
        return found

    # --- what a site's articles repeat ---

    def boilerplate(
        self,
        site: str,
        article_id: int,
        keys: Iterable[bytes],
        republished: Callable[[frozenset[bytes]], bool] | None = None,
        now: float | None = None,
    ) -> frozenset[bytes]:
        """Of an article's paragraph keys, those seen before in another article of the
        site (its boilerplate); and this article's paragraphs are counted, in the same
        transaction (two threads never both take a paragraph for new). An article counts a
        paragraph once, however often it is tried (article_id: its row).

        republished(recurring): whether the article is one published again (see
        _extract.republished): then what it shares with earlier articles is not counted
        again, for it is no sign of boilerplate; its other paragraphs are."""
        keys = list(dict.fromkeys(keys))
        now = time.time() if now is None else now
        with self._write() as db:
            seen: dict[bytes, tuple[int, int]] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                for record in db.execute(
                    "SELECT key, articles, last_article FROM boilerplate WHERE site = ?"
                    f" AND key IN ({','.join('?' * len(chunk))})",
                    (site, *chunk),
                ):
                    seen[bytes(record["key"])] = (record["articles"], record["last_article"])
            recurring = frozenset(
                key for key, (articles, last) in seen.items() if articles > 1 or last != article_id
            )
            shared = recurring if recurring and republished is not None and republished(recurring) else ()
            db.executemany(
                "INSERT INTO boilerplate (site, key, articles, last_article, seen_at) VALUES (?, ?, 1, ?, ?)"
                " ON CONFLICT (site, key) DO UPDATE SET"
                " articles = articles + (last_article != excluded.last_article),"
                " last_article = excluded.last_article, seen_at = excluded.seen_at",
                [(site, key, article_id, now) for key in keys if key not in shared],
            )
        return recurring

    def forget_boilerplate(
        self, now: float | None = None, days: float = BOILERPLATE_DAYS, per_site: int = BOILERPLATE_PER_SITE
    ) -> int:
        """Keep the boilerplate table bounded: paragraphs seen in one article only and not
        for `days` are forgotten, and beyond `per_site` paragraphs of a site, those seen once
        before those seen in several articles, the longest unseen first. Returns how many."""
        now = time.time() if now is None else now
        with self._write() as db:
            forgotten = db.execute(
                "DELETE FROM boilerplate WHERE articles = 1 AND seen_at < ?", (now - days * 86_400,)
            ).rowcount
            crowded = [
                record["site"]
                for record in db.execute(
                    "SELECT site FROM boilerplate GROUP BY site HAVING COUNT(*) > ?", (per_site,)
                ).fetchall()
            ]
            for crowded_site in crowded:
                forgotten += db.execute(
                    "DELETE FROM boilerplate WHERE site = ? AND key NOT IN (SELECT key FROM boilerplate"
                    " WHERE site = ? ORDER BY articles > 1 DESC, seen_at DESC LIMIT ?)",
                    (crowded_site, crowded_site, per_site),
                ).rowcount
        return forgotten

    # --- what each translator takes ---

    def paces(self) -> dict[str, Learned]:
        """The pace each translator was last found to take (see _pace)."""
        return {
            record["translator"]: Learned(rate, _positive(record["peak"]))
            for record in self._query("SELECT translator, rate, peak FROM paces")
            if (rate := _positive(record["rate"])) is not None
        }

    def keep_paces(self, learned: Mapping[str, Learned]) -> None:
        """Keep what this run found, for the next run to start from."""
        if not learned:
            return
        now = time.time()
        with self._write() as db:
            db.executemany(
                "INSERT INTO paces (translator, rate, peak, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (translator) DO UPDATE SET rate = excluded.rate, peak = excluded.peak,"
                " updated_at = excluded.updated_at",
                [(translator, pace.rate, pace.peak, now) for translator, pace in learned.items()],
            )

    # --- runs and the summary ---

    def run_started(self, command: str) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, time.time())
            )
            return int(cursor.lastrowid or 0)

    def run_finished(self, run_id: int, counts: dict[str, int], exit_code: int) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, done = ?, failed = ?, skipped = ?, exit_code = ?"
                " WHERE id = ?",
                (
                    time.time(),
                    counts.get("done", 0),
                    counts.get("failed", 0),
                    counts.get("skipped", 0),
                    exit_code,
                    run_id,
                ),
            )

    def summary(self, first_delay: float, max_attempts: int, failures: int = 10) -> dict[str, Any]:
        by_status = {
            record["status"]: record["n"]
            for record in self._query("SELECT status, COUNT(*) AS n FROM articles GROUP BY status")
        }
        by_source = [
            dict(record)
            for record in self._query(
                "SELECT source, SUM(status = 'done') AS done, SUM(status = 'failed') AS failed,"
                " SUM(status = 'skipped') AS skipped, SUM(status = 'pending') AS pending"
                " FROM articles GROUP BY source ORDER BY source"
            )
        ]
        runs = self._query("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        recent = self._query(
            "SELECT * FROM articles WHERE status = 'failed' ORDER BY updated_at DESC LIMIT ?",
            [failures],
        )
        feeds = self._query("SELECT * FROM feeds ORDER BY url")
        warned = self._query(
            "SELECT * FROM articles WHERE status = 'done' AND warning IS NOT NULL"
            " ORDER BY updated_at DESC LIMIT ?",
            [failures],
        )
        quality = {
            record["quality"]: record["n"]
            for record in self._query(
                "SELECT quality, COUNT(*) AS n FROM articles WHERE status = 'done' AND quality IS NOT NULL"
                " GROUP BY quality"
            )
        }
        paces = [
            record
            for record in self._query("SELECT * FROM paces ORDER BY translator")
            if _positive(record["rate"]) is not None and _positive(record["updated_at"]) is not None
        ]
        learned = self._query(
            "SELECT site, COUNT(*) AS n FROM boilerplate WHERE articles > 1"
            " GROUP BY site ORDER BY n DESC, site"
        )
        return {
            "state": str(self.path),
            # The paragraphs learned as sites' boilerplate (seen in two articles or more),
            # and the sites with the most of them.
            "boilerplate": {
                "paragraphs": sum(record["n"] for record in learned),
                "site_count": len(learned),
                "sites": [{"site": record["site"], "paragraphs": record["n"]} for record in learned[:5]],
            },
            "quality": {"after_fallback": quality.get("fallback", 0), "failed": quality.get("failed", 0)},
            "paces": [
                {
                    "translator": record["translator"],
                    "rate": record["rate"],
                    "peak": _positive(record["peak"]),
                    "updated_at": record["updated_at"],
                }
                for record in paces
            ],
            "articles": {
                status: by_status.get(status, 0) for status in ("done", "failed", "skipped", "pending")
            },
            "sources": by_source,
            "last_run": dict(runs[0]) if runs else None,
            "recent_failures": [
                {
                    "url": row.url,
                    "attempts": row.attempts,
                    "error": row.last_error,
                    "last_attempt_at": row.last_attempt_at,
                    "next_try_at": None if one_off(row) else next_try(row, first_delay, max_attempts),
                    "permanent": row.permanent,
                    "one_off": one_off(row),
                }
                for row in map(self._row, recent)
            ],
            "feeds": [dict(record) for record in feeds],
            "recent_warnings": [
                {"url": row.url, "warning": row.warning, "at": row.last_attempt_at}
                for row in map(self._row, warned)
            ],
        }
