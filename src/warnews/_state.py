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
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

from ._database import Connection, DatabaseURL, open_database
from ._errors import Locked, StoreError, TakenOver
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
    # Several runs (on several hosts, with a PostgreSQL state) share the work. claimed_by,
    # claimed_until: the run (HOST/PID) that is doing an article or reading a feed, until
    # when (epoch seconds; a live run renews it, a dead one's expires). claims: the
    # identity keys (canonical URL, final URL, text hash) of the articles in flight, so
    # that two runs never make one article from two URLs at once. names: the file names
    # reserved in each output folder (stem: every format and the sidecar), so that two
    # hosts writing to one shared folder never choose one name. paces: each host's own (a
    # translator paces each address): '' on one machine. In SQLite (one machine, one run
    # at a time) no index but their keys: every index is a page more written for each
    # article; PostgreSQL has them (renewing a run's claims, releasing an article's).
    """
    ALTER TABLE articles ADD COLUMN claimed_by TEXT;
    ALTER TABLE articles ADD COLUMN claimed_until REAL;
    ALTER TABLE feeds ADD COLUMN claimed_by TEXT;
    ALTER TABLE feeds ADD COLUMN claimed_until REAL;
    CREATE TABLE claims (
        key TEXT PRIMARY KEY,
        article INTEGER NOT NULL,
        holder TEXT NOT NULL,
        until REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE names (
        folder TEXT NOT NULL,
        name TEXT NOT NULL,
        article INTEGER NOT NULL,
        PRIMARY KEY (folder, name)
    ) WITHOUT ROWID;
    CREATE TABLE host_paces (
        host TEXT NOT NULL,
        translator TEXT NOT NULL,
        rate REAL NOT NULL,
        peak REAL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (host, translator)
    );
    INSERT INTO host_paces (host, translator, rate, peak, updated_at)
        SELECT '', translator, rate, peak, updated_at FROM paces;
    DROP TABLE paces;
    ALTER TABLE host_paces RENAME TO paces;
    """,
)

# The same schema in PostgreSQL, migration for migration (its version is kept in the
# warnews_schema table). Its types: ids are BIGINT identities, times DOUBLE PRECISION,
# digests BYTEA; warnews_day is SQLite's date(seconds, 'unixepoch').
POSTGRES_MIGRATIONS = (
    """
    CREATE TABLE articles (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
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
        duplicate_of BIGINT REFERENCES articles (id),
        last_attempt_at DOUBLE PRECISION,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX articles_canonical ON articles (canonical_key);
    CREATE INDEX articles_content ON articles (content_sha256);
    CREATE INDEX articles_status ON articles (status);
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked_at DOUBLE PRECISION,
        last_error TEXT,
        items INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE runs (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        command TEXT NOT NULL,
        started_at DOUBLE PRECISION NOT NULL,
        finished_at DOUBLE PRECISION,
        done INTEGER,
        failed INTEGER,
        skipped INTEGER,
        exit_code INTEGER
    );
    """,
    MIGRATIONS[1],
    MIGRATIONS[2],
    MIGRATIONS[3],
    """
    CREATE FUNCTION warnews_day(seconds DOUBLE PRECISION) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT to_char(to_timestamp(seconds) AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;
    CREATE TABLE records (article BIGINT PRIMARY KEY, record BYTEA NOT NULL);
    ALTER TABLE articles ADD COLUMN day TEXT;
    UPDATE articles SET day = COALESCE(published, warnews_day(updated_at)) WHERE status = 'done';
    CREATE INDEX articles_newest
        ON articles (status, COALESCE(day, published, warnews_day(updated_at)), updated_at, id);
    CREATE TABLE paces (
        translator TEXT PRIMARY KEY,
        rate DOUBLE PRECISION NOT NULL,
        peak DOUBLE PRECISION,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
    """
    CREATE TABLE boilerplate (
        site TEXT NOT NULL,
        key BYTEA NOT NULL,
        articles INTEGER NOT NULL,
        last_article BIGINT NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (site, key)
    );
    CREATE INDEX boilerplate_recurring ON boilerplate (site) WHERE articles > 1;
    """,
    """
    ALTER TABLE articles ADD COLUMN claimed_by TEXT;
    ALTER TABLE articles ADD COLUMN claimed_until DOUBLE PRECISION;
    ALTER TABLE feeds ADD COLUMN claimed_by TEXT;
    ALTER TABLE feeds ADD COLUMN claimed_until DOUBLE PRECISION;
    CREATE INDEX articles_claimed ON articles (claimed_by) WHERE claimed_by IS NOT NULL;
    CREATE TABLE claims (
        key TEXT PRIMARY KEY,
        article BIGINT NOT NULL,
        holder TEXT NOT NULL,
        until DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX claims_article ON claims (article);
    CREATE INDEX claims_holder ON claims (holder);
    CREATE TABLE names (
        folder TEXT NOT NULL,
        name TEXT NOT NULL,
        article BIGINT NOT NULL,
        PRIMARY KEY (folder, name)
    );
    CREATE INDEX names_article ON names (article);
    CREATE TABLE host_paces (
        host TEXT NOT NULL,
        translator TEXT NOT NULL,
        rate DOUBLE PRECISION NOT NULL,
        peak DOUBLE PRECISION,
        updated_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (host, translator)
    );
    INSERT INTO host_paces (host, translator, rate, peak, updated_at)
        SELECT '', translator, rate, peak, updated_at FROM paces;
    DROP TABLE paces;
    ALTER TABLE host_paces RENAME TO paces;
    """,
)
assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS)

# How long a run's claim on an article or a feed holds (seconds), unless renewed: a run
# renews its claims every third of it, so a run that died gives them back within it.
LEASE = 120.0

# How long a paragraph seen in one article only is remembered, waiting to be seen again,
# and how many paragraphs of one site are kept at most (those seen once and longest ago
# are forgotten first).
BOILERPLATE_DAYS = 180
BOILERPLATE_PER_SITE = 10_000


# The day that orders articles newest first (see State.saved), as the articles_newest
# index of migration 5 writes it in each dialect; and how many rows are read at a time in that order.
_NEWEST = {
    "sqlite": "COALESCE(day, published, date(updated_at, 'unixepoch'))",
    "postgresql": "COALESCE(day, published, warnews_day(updated_at))",
}
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
    updated_at: float | None = None  # its last change: a run takes it only as it saw it
    claimed_by: str | None = None  # the run (HOST/PID/...) doing it, while claimed_until
    claimed_until: float | None = None

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


def exists(where: Path | DatabaseURL) -> bool:
    """Whether there is a state to read: a SQLite file that exists, or any database server
    (reached when it is opened)."""
    return isinstance(where, DatabaseURL) or where.exists()


class _Held(Exception):
    """An article's key is claimed by another article in flight (a transaction's way out)."""

    def __init__(self, article: int) -> None:
        super().__init__(article)
        self.article = article


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
    """The state, shared by the threads of one run (one connection behind a lock): a
    SQLite file, or a PostgreSQL database that the runs of several hosts share.

    host: this host's name where several share the state (its claims, its paces);
    lease: how long this run's claim on an article or a feed holds without renew()."""

    def __init__(self, where: Path | DatabaseURL, host: str | None = None, lease: float = LEASE) -> None:
        self.shared = isinstance(where, DatabaseURL)
        if not self.shared:
            assert isinstance(where, Path)
            _make_folder(where.parent)
        self.where = where
        self._db = open_database(where)
        try:
            self._db.migrate(POSTGRES_MIGRATIONS if self.shared else MIGRATIONS)
        except BaseException:
            self._db.close()
            raise
        self.lease = lease
        # Whose claims are whose: this run's (HOST/PID/random); paces are each host's own
        # where hosts share the state, and one machine's otherwise.
        self.host = host or socket.gethostname()
        self.holder = f"{self.host}/{os.getpid()}/{secrets.token_hex(3)}"
        self._pace_host = self.host if self.shared else ""
        # The articles this run took (take): their outcome is recorded only while it still
        # holds them, never over what another run did after taking them over.
        self._taken: set[int] = set()
        self._newest = _NEWEST[self._db.dialect]

    @property
    def path(self) -> Path:
        """The SQLite file (a PostgreSQL state has none)."""
        assert isinstance(self.where, Path), "a PostgreSQL state has no file"
        return self.where

    @property
    def shown(self) -> str:
        """Where the state is, as it may be shown (a URL without its password)."""
        return self._db.shown

    def close(self) -> None:
        """Close the connection; any later call raises StoreError, which a worker a stop
        left reading meets and handles as any failure of the state."""
        self._db.close()

    def _write(self) -> AbstractContextManager[Connection]:
        return self._db.write()

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        return self._db.query(sql, parameters)

    # --- articles ---

    @staticmethod
    def _row(record: Mapping[str, Any]) -> Row:
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
            record["updated_at"],
            record["claimed_by"],
            record["claimed_until"],
        )

    def find(self, url: str) -> Row | None:
        records = self._query("SELECT * FROM articles WHERE url_key = ?", [url_key(url)])
        return self._row(records[0]) if records else None

    def add(self, url: str, source: str) -> Row:
        """The row for url, made pending if new."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO articles (url, url_key, source, status, created_at, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (url_key) DO NOTHING",
                (url, url_key(url), source, now, now),
            )
        row = self.find(url)
        assert row is not None
        return row

    def due(self, max_attempts: int, first_delay: float, now: float | None = None) -> list[Row]:
        """Pending rows, and failed ones whose retry time has come (next_try), oldest first;
        never a permanent failure, nor a row another live run is doing."""
        now = time.time() if now is None else now
        records = self._query(
            "SELECT * FROM articles WHERE (status = 'pending'"
            " OR (status = 'failed' AND permanent = 0 AND attempts < ?))"
            " AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?) ORDER BY id",
            [max_attempts, now, self.holder],
        )
        rows = [self._row(record) for record in records]
        return [
            row
            for row in rows
            if row.status == "pending" or (next_try(row, first_delay, max_attempts) or 0) <= now
        ]

    # --- who does what: claims with a lease ---

    def take(self, row: Row, as_seen: bool = True) -> Row | None:
        """Claim an article for this run, atomically: unless another live run holds it,
        and (as_seen) unless it changed since `row` was read (another run did it
        meanwhile). The row as taken, or None: then it is another run's to do, or done."""
        now = time.time()
        condition = " AND updated_at = ?" if as_seen else ""
        # PostgreSQL: a row another run is changing at this moment (its transaction open, or
        # frozen) is skipped, not waited for: SKIP LOCKED, the work queue's way.
        skip = " FOR UPDATE SKIP LOCKED" if self.shared else ""
        with self._write() as db:
            record = db.execute(
                "UPDATE articles SET claimed_by = ?, claimed_until = ? WHERE id = (SELECT id FROM articles"
                " WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)"
                f"{condition}{skip}) RETURNING *",
                (
                    self.holder,
                    now + self.lease,
                    row.id,
                    now,
                    self.holder,
                    *([row.updated_at] if as_seen else []),
                ),
            ).fetchone()
        if record is None:
            return None
        self._taken.add(row.id)
        return self._row(record)

    def holder_of(self, article_id: int) -> str | None:
        """The host of the live run that holds an article, if another does."""
        records = self._query(
            "SELECT claimed_by FROM articles WHERE id = ? AND claimed_until >= ? AND claimed_by != ?",
            [article_id, time.time(), self.holder],
        )
        return str(records[0]["claimed_by"]).split("/", 1)[0] if records else None

    def renew(self) -> None:
        """This run's claims (articles, their keys, feeds) hold for another lease."""
        until = time.time() + self.lease
        with self._write() as db:
            db.execute("UPDATE articles SET claimed_until = ? WHERE claimed_by = ?", (until, self.holder))
            db.execute("UPDATE claims SET until = ? WHERE holder = ?", (until, self.holder))
            db.execute("UPDATE feeds SET claimed_until = ? WHERE claimed_by = ?", (until, self.holder))

    def let_go(self) -> None:
        """Give back every claim of this run (its articles, their keys, its feeds): at its
        end, a stop included, so that no other run waits out a lease for them."""
        with self._write() as db:
            db.execute(f"UPDATE articles SET {self._LET_GO} WHERE claimed_by = ?", (self.holder,))
            db.execute("DELETE FROM claims WHERE holder = ?", (self.holder,))
            db.execute(f"UPDATE feeds SET {self._LET_GO} WHERE claimed_by = ?", (self.holder,))

    def clear_claims(self, every: bool = False) -> int:
        """Forget the claims of runs that are gone: those whose lease ran out, or (every:
        no other run can be alive, as under the one-machine lock) all of them. How many."""
        now = time.time()
        article = "claimed_by IS NOT NULL" if every else "claimed_until < ?"
        parameters = () if every else (now,)
        with self._write() as db:
            count = db.execute(
                f"UPDATE articles SET claimed_by = NULL, claimed_until = NULL WHERE {article}", parameters
            ).rowcount
            count += db.execute(
                # Never a bare DELETE: SQLite would write the table's page even when it is empty.
                f"DELETE FROM claims WHERE {'1 = 1' if every else 'until < ?'}",
                parameters,
            ).rowcount
            count += db.execute(
                f"UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE {article}", parameters
            ).rowcount
        return int(count)

    def claim(self, article_id: int, keys: Iterable[str]) -> Row | None:
        """The article this one duplicates (done, or being done now by this run or another),
        else None: then its keys (canonical URL key, final URL key, content hash) are
        claimed for it until it is done, failed or let go, or its lease runs out."""
        keys = sorted({key for key in keys if key})  # in order: two runs never wait on each other
        if not keys:
            return None
        now = time.time()
        marks = ",".join("?" * len(keys))
        try:
            with self._write() as db:
                record = db.execute(
                    f"SELECT article FROM claims WHERE key IN ({marks}) AND article != ? AND until >= ?"
                    " LIMIT 1",
                    (*keys, article_id, now),
                ).fetchone()
                if record is not None:
                    raise _Held(int(record["article"]))
                record = db.execute(
                    f"SELECT * FROM articles WHERE status = 'done' AND id != ?"
                    f" AND (canonical_key IN ({marks}) OR content_sha256 IN ({marks})"
                    f" OR url_key IN ({marks}))"
                    " ORDER BY id LIMIT 1",
                    (article_id, *keys, *keys, *keys),
                ).fetchone()
                if record is not None:
                    return self._row(record)
                db.executemany(
                    "INSERT INTO claims (key, article, holder, until) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET article = excluded.article, holder = excluded.holder,"
                    " until = excluded.until WHERE claims.until < ? OR claims.article = excluded.article",
                    [(key, article_id, self.holder, now + self.lease, now) for key in keys],
                )
                # Another run's claim, made at the same moment, stays: it came first.
                record = db.execute(
                    f"SELECT article FROM claims WHERE key IN ({marks}) AND article != ? LIMIT 1",
                    (*keys, article_id),
                ).fetchone()
                if record is not None:
                    raise _Held(int(record["article"]))
        except _Held as held:  # rolled back: none of its keys is claimed
            return self._get(held.article)
        return None

    def _get(self, article_id: int) -> Row:
        return self._row(self._query("SELECT * FROM articles WHERE id = ?", [article_id])[0])

    def _release(self, db: Connection, article_id: int) -> None:
        """In a transaction that records an article's outcome: the keys this run claimed
        for it are let go (never another run's, that took the article over)."""
        db.execute("DELETE FROM claims WHERE article = ? AND holder = ?", (article_id, self.holder))
        self._taken.discard(article_id)

    # The outcome's UPDATE lets the article go as well.
    _LET_GO = "claimed_by = NULL, claimed_until = NULL"

    def _ours(self, article_id: int) -> str:
        """The condition of an outcome's UPDATE (one `?`: this run): an article this run
        took, only while it still holds it (not after another run took it over, whatever
        that run did since); another (the library's own calls), unless another run holds it."""
        if article_id in self._taken:
            return " AND claimed_by = ?"
        return " AND (claimed_by IS NULL OR claimed_by = ?)"

    def _lost(self, article_id: int) -> StoreError:
        self._taken.discard(article_id)
        return TakenOver("another run took this article over (this run held it past its lease)")

    def reserve(self, article_id: int, path: Path) -> bool:
        """Reserve a file name (its stem: every format and the sidecar) in its folder for
        an article; False if another article has it. Hosts writing to one shared folder
        (mounted at the same path) never choose one name."""
        folder, name = str(path.parent.resolve()), path.stem
        with self._write() as db:
            db.execute(
                "INSERT INTO names (folder, name, article) VALUES (?, ?, ?)"
                " ON CONFLICT (folder, name) DO NOTHING",
                (folder, name, article_id),
            )
            record = db.execute(
                "SELECT article FROM names WHERE folder = ? AND name = ?", (folder, name)
            ).fetchone()
        return record is not None and int(record["article"]) == article_id

    def plan(self, article_id: int, path: Path) -> None:
        """Remember the file name before the file is written (see store.choose_path); the
        run must still hold the article (its lease renewed), or nothing is written."""
        now = time.time()
        with self._write() as db:
            changed = db.execute(
                "UPDATE articles SET output_path = ?, updated_at = ?, claimed_until = ?"
                f" WHERE id = ?{self._ours(article_id)}",
                (str(path.resolve()), now, now + self.lease, article_id, self.holder),
            ).rowcount
        if not changed:
            raise self._lost(article_id)

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
            changed = db.execute(
                "UPDATE articles SET status = 'done', output_path = ?, canonical_url = ?, canonical_key = ?,"
                " content_sha256 = ?, title = ?, language = ?, engine = ?, attempts = attempts + 1,"
                " last_error = NULL, permanent = 0, queued = 0, warning = ?, quality = ?,"
                f" last_attempt_at = ?, updated_at = ?, day = ?, {self._LET_GO}"
                f" WHERE id = ?{self._ours(article_id)}",
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
                    self.holder,
                ),
            ).rowcount
            if not changed:
                raise self._lost(article_id)
            if record is not None:
                db.execute(
                    "INSERT INTO records (article, record) VALUES (?, ?)"
                    " ON CONFLICT (article) DO UPDATE SET record = excluded.record",
                    (article_id, record),
                )
            self._release(db, article_id)

    def adopted(self, article_id: int, path: Path, sidecar: Mapping[str, Any]) -> None:
        """The article's file was saved whole by an earlier attempt that died before its row
        said so (a host killed between the two): the row says done, with that file."""
        now = time.time()
        canonical = str(sidecar.get("source_id") or "") or None
        day = sidecar.get("published") or sidecar.get("made")
        with self._write() as db:
            changed = db.execute(
                "UPDATE articles SET status = 'done', output_path = ?, canonical_url = ?, canonical_key = ?,"
                " content_sha256 = ?, title = ?, language = ?, engine = ?, attempts = attempts + 1,"
                " last_error = NULL, permanent = 0, queued = 0, last_attempt_at = ?, updated_at = ?, day = ?,"
                f" {self._LET_GO} WHERE id = ?{self._ours(article_id)}",
                (
                    str(path.resolve()),
                    canonical,
                    url_key(canonical) if canonical else None,
                    sidecar.get("source_sha256"),
                    sidecar.get("title"),
                    sidecar.get("source_language"),
                    sidecar.get("engine"),
                    now,
                    now,
                    str(day) if day else None,
                    article_id,
                    self.holder,
                ),
            ).rowcount
            if not changed:
                raise self._lost(article_id)
            self._release(db, article_id)

    def failed(self, article_id: int, error: str, permanent: bool = False) -> Row:
        """Record a failed attempt (see next_try for when it is tried again; a permanent
        failure is not, until a user names it)."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'failed', attempts = attempts + 1, last_error = ?,"
                f" permanent = ?, queued = 0, last_attempt_at = ?, updated_at = ?, {self._LET_GO}"
                f" WHERE id = ?{self._ours(article_id)}",
                (error, int(permanent), now, now, article_id, self.holder),
            )
            self._release(db, article_id)
        return self._get(article_id)

    def skipped(self, article_id: int, original: Row, path: Path | None = None) -> None:
        """The same article as original; path: its copy made for this row in another folder."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'skipped', duplicate_of = ?, output_path = ?,"
                f" last_error = NULL, permanent = 0, queued = 0, updated_at = ?, {self._LET_GO}"
                f" WHERE id = ?{self._ours(article_id)}",
                (
                    original.id,
                    str(path.resolve()) if path else original.output_path,
                    time.time(),
                    article_id,
                    self.holder,
                ),
            )
            self._release(db, article_id)

    def passed(self, article_id: int, reason: str) -> None:
        """Not an article (a post with nothing to translate): skipped for good, with why."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET status = 'skipped', reason = ?, output_path = NULL, duplicate_of = NULL,"
                " last_error = NULL, permanent = 0, queued = 0, attempts = attempts + 1, last_attempt_at = ?,"
                f" updated_at = ?, {self._LET_GO} WHERE id = ?{self._ours(article_id)}",
                (reason, time.time(), time.time(), article_id, self.holder),
            )
            self._release(db, article_id)

    def relocated(self, article_id: int, path: Path) -> None:
        """The article's file was made again in another folder: the row names the newest one."""
        with self._write() as db:
            db.execute(
                f"UPDATE articles SET output_path = ?, queued = 0, updated_at = ?, {self._LET_GO}"
                f" WHERE id = ?{self._ours(article_id)}",
                (str(path.resolve()), time.time(), article_id, self.holder),
            )
            self._release(db, article_id)

    def abandon(self, article_id: int) -> None:
        """Work stopped by a signal: the row stays as it was, for the next run (of this
        host or another), and is let go now."""
        with self._write() as db:
            db.execute(
                f"UPDATE articles SET {self._LET_GO} WHERE id = ? AND claimed_by = ?",
                (article_id, self.holder),
            )
            self._release(db, article_id)

    def requeue(self, urls: Iterable[str] = ()) -> int:
        """Make failed articles pending again, with fresh attempts, and queued: the next
        `run` takes them whatever brought them. Those named, permanent failures included;
        without names, every failure that is not permanent."""
        keys = [url_key(url) for url in urls]
        where = "status = 'failed'"
        if keys:
            where += f" AND url_key IN ({','.join('?' * len(keys))})"
        else:
            where += " AND permanent = 0"
        with self._write() as db:
            cursor = db.execute(
                "UPDATE articles SET status = 'pending', attempts = 0, permanent = 0, queued = 1,"
                f" updated_at = ? WHERE {where}",
                (time.time(), *keys),
            )
            return cursor.rowcount

    def permanent_failures(self) -> int:
        return int(
            self._query("SELECT COUNT(*) AS n FROM articles WHERE status = 'failed' AND permanent != 0")[0][
                "n"
            ]
        )

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
                db.execute("DELETE FROM names WHERE article = ?", (row.id,))
                db.execute("DELETE FROM claims WHERE article = ?", (row.id,))
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
        key = self._newest  # as the index has it, word for word, or the index is not used
        where, parameters = ["1 = 1"], []
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
                record["article"]: bytes(record["record"])
                for record in (
                    self._query(
                        f"SELECT article, record FROM records WHERE article IN ({','.join('?' * len(ids))})",
                        ids,
                    )
                    if ids
                    else []
                )
            }
            for record in rows:
                yield self._listed(record), blobs.get(record["id"])
            if len(rows) < _PAGE:
                return
            last = rows[-1]
            after = [last["sort_day"], last["updated_at"], last["id"]]

    @staticmethod
    def _listed(record: Mapping[str, Any]) -> dict[str, Any]:
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

    def take_feed(self, url: str) -> bool:
        """Claim a feed or channel for this run to read (one run at a time reads it); False
        if another live run is reading it. The claim goes with what is recorded of the
        reading (feed_read, channel_read, feed_failed), or let_feed_go."""
        now = time.time()
        with self._write() as db:
            record = db.execute(
                "INSERT INTO feeds (url, claimed_by, claimed_until) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET claimed_by = excluded.claimed_by,"
                " claimed_until = excluded.claimed_until"
                " WHERE feeds.claimed_until IS NULL OR feeds.claimed_until < ? OR feeds.claimed_by = ?"
                " RETURNING url",
                (url, self.holder, now + self.lease, now, self.holder),
            ).fetchone()
        return record is not None

    # What records a feed's reading lets go of this run's claim on it, never another's.
    _FEED_LET_GO = (
        "claimed_until = CASE WHEN feeds.claimed_by = ? THEN NULL ELSE feeds.claimed_until END,"
        " claimed_by = CASE WHEN feeds.claimed_by = ? THEN NULL ELSE feeds.claimed_by END"
    )

    def feed_busy(self, url: str) -> bool:
        """Whether another live run is reading this feed now."""
        return bool(
            self._query(
                "SELECT 1 AS busy FROM feeds WHERE url = ? AND claimed_until >= ? AND claimed_by != ?",
                [url, time.time(), self.holder],
            )
        )

    def let_feed_go(self, url: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE url = ? AND claimed_by = ?",
                (url, self.holder),
            )

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
                    "INSERT INTO articles (url, url_key, source, status, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (url_key) DO NOTHING",
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
                " items = feeds.items + excluded.items, found_feed = excluded.found_feed,"
                f" {self._FEED_LET_GO}",
                (url, etag, last_modified, now, new, found, self.holder, self.holder),
            )
        return new

    def channel_memory(self, url: str) -> tuple[str | None, int]:
        """What is known of a channel read as a feed (its JSON, or None if never read), and
        how many of its posts have rows."""
        records = self._query("SELECT channel FROM feeds WHERE url = ?", [url])
        count = self._query("SELECT COUNT(*) AS n FROM articles WHERE source = ?", [url])[0]["n"]
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
                    "INSERT INTO articles (url, url_key, source, status, post, published, created_at,"
                    " updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (url_key) DO NOTHING",
                    (link, url_key(link), url, post, day, now, now),
                )
                new += cursor.rowcount
                if not cursor.rowcount and update:
                    db.execute("UPDATE articles SET post = ? WHERE url_key = ?", (post, url_key(link)))
            db.execute(
                "INSERT INTO feeds (url, checked_at, last_error, items, channel) VALUES (?, ?, NULL, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET checked_at = excluded.checked_at, last_error = NULL,"
                " items = feeds.items + excluded.items, channel = excluded.channel,"
                f" {self._FEED_LET_GO}",
                (url, now, new, memory, self.holder, self.holder),
            )
        return new

    def feed_failed(self, url: str, error: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO feeds (url, checked_at, last_error) VALUES (?, ?, ?) ON CONFLICT (url) DO UPDATE"
                " SET checked_at = excluded.checked_at, last_error = excluded.last_error,"
                f" {self._FEED_LET_GO}",
                (url, time.time(), error, self.holder, self.holder),
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
                " articles = boilerplate.articles"
                " + CASE WHEN boilerplate.last_article != excluded.last_article THEN 1 ELSE 0 END,"
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
        """The pace each translator was last found to take from this host (see _pace)."""
        return {
            record["translator"]: Learned(rate, _positive(record["peak"]))
            for record in self._query(
                "SELECT translator, rate, peak FROM paces WHERE host = ?", [self._pace_host]
            )
            if (rate := _positive(record["rate"])) is not None
        }

    def keep_paces(self, learned: Mapping[str, Learned]) -> None:
        """Keep what this run found, for the next run to start from."""
        if not learned:
            return
        now = time.time()
        with self._write() as db:
            db.executemany(
                "INSERT INTO paces (host, translator, rate, peak, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (host, translator) DO UPDATE SET rate = excluded.rate, peak = excluded.peak,"
                " updated_at = excluded.updated_at",
                [
                    (self._pace_host, translator, pace.rate, pace.peak, now)
                    for translator, pace in learned.items()
                ],
            )

    # --- runs and the summary ---

    def _working(self) -> list[Any]:
        holders = self._query(
            "SELECT claimed_by, COUNT(*) AS n FROM articles WHERE claimed_until >= ? GROUP BY claimed_by",
            [time.time()],
        )
        hosts: dict[str, int] = {}
        for record in holders:
            host = str(record["claimed_by"]).split("/", 1)[0]
            hosts[host] = hosts.get(host, 0) + int(record["n"])
        return [{"host": host, "n": count} for host, count in sorted(hosts.items())]

    def run_started(self, command: str) -> int:
        with self._write() as db:
            record = db.execute(
                "INSERT INTO runs (command, started_at) VALUES (?, ?) RETURNING id", (command, time.time())
            ).fetchone()
            return int(record["id"])

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
                "SELECT source, "
                + ", ".join(
                    f"SUM(CASE WHEN status = '{status}' THEN 1 ELSE 0 END) AS {status}"
                    for status in ("done", "failed", "skipped", "pending")
                )
                + " FROM articles GROUP BY source ORDER BY source"
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
            for record in self._query("SELECT * FROM paces ORDER BY host, translator")
            if _positive(record["rate"]) is not None and _positive(record["updated_at"]) is not None
        ]
        learned = self._query(
            "SELECT site, COUNT(*) AS n FROM boilerplate WHERE articles > 1"
            " GROUP BY site ORDER BY n DESC, site"
        )
        return {
            "state": self.shown,
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
                    **({"host": record["host"]} if record["host"] else {}),
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
            # The runs at work now (their hosts) and how many articles each holds.
            "working": [{"host": record["host"], "articles": record["n"]} for record in self._working()],
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
