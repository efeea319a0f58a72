"""Where the state (and the translation memory) lives: a SQLite file, for one machine, or a
PostgreSQL database that several hosts share.

One small interface over both, so that _state and _cache write each statement once, with
`?` placeholders: `write()` (one transaction, the connection's turn), `query()`,
`migrate()`, `close()`. What differs between the two is said here, or in the SQL that
names `dialect`. The PostgreSQL driver (psycopg 3) is an optional extra, imported only
when a postgresql:// URL is given.

Every PostgreSQL connection is bounded: a deadline to connect, TCP keepalives and a
user timeout for a server that stops answering, and a statement and lock timeout on the
server. Its password is never shown: `DatabaseURL` prints without it.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from ._errors import StateLost, StoreError, UsageError, database_problem
from ._redact import proxy_password, redact

SCHEMES = ("postgresql", "postgres")
DRIVER_HINT = "pip install 'warnews[postgres]'"

# Bounds of every PostgreSQL connection (seconds; libpq's names, the user's URL may set its own).
CONNECT_TIMEOUT = 10
_CONNECTION_DEFAULTS = {
    "connect_timeout": str(CONNECT_TIMEOUT),
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "60000",  # ms: data unacknowledged that long ends the connection
    "application_name": "warnews",
}
# On the server: no statement or lock wait of warnews's lasts longer than a minute; a
# transaction left idle 10 s (its host frozen, paused, cut off: warnews's transactions take
# milliseconds) is ended, and the rows it held are free for the other hosts.
_SERVER_BOUNDS = (
    "-c statement_timeout=60000 -c lock_timeout=60000 -c idle_in_transaction_session_timeout=10000"
)


@dataclass(frozen=True)
class DatabaseURL:
    """A postgresql:// URL as the user gave it; str() is the URL without its password."""

    url: str

    def __str__(self) -> str:
        return self.shown

    @property
    def shown(self) -> str:
        """The URL without its password (neither user:PASSWORD@ nor ?password=)."""
        parts = urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")
        if netloc[1]:
            user = netloc[0].split(":", 1)[0]
            netloc = (f"{user}@" if user else "", "", netloc[2])
        query = [
            (key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "password"
        ]
        rest = f"?{urlencode(query, safe='/')}" if query else ""
        return f"{parts.scheme}://{''.join(netloc)}{parts.path}{rest}"

    @property
    def secrets(self) -> list[str]:
        """What of it must never be shown: its password as written and as meant, and the
        pieces of one written wrongly (an "@" not written %40: the server's error quotes
        what follows it)."""
        raw = proxy_password(self.url)
        query = [value for key, value in parse_qsl(self.url.partition("?")[2]) if key.lower() == "password"]
        found = {raw, unquote(raw), *query}
        for whole in list(found):
            found.update(piece for piece in re.split(r"[@:/?#%]", whole) if len(piece) >= 4)
        return sorted((piece for piece in found if piece), key=len, reverse=True)


def database_url(text: str) -> DatabaseURL | None:
    """A postgresql:// (or postgres://) URL, checked (its scheme in lower case, as libpq
    takes it); None if text is no URL (a path). A URL of another scheme is refused: it is no
    path either (postgresql+psycopg://, mysql://, a typo)."""
    scheme, separator, rest = text.partition("://")
    if not separator or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return None
    if scheme.lower() not in SCHEMES:
        raise ValueError(
            f"{DatabaseURL(text).shown} is neither a path nor a PostgreSQL URL (postgresql://USER:PASSWORD@HOST/DB)"
        )
    text = f"{scheme.lower()}://{rest}"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - refuses a port that is not a number from 1 to 65535
    except ValueError:
        raise ValueError(
            f"{DatabaseURL(text).shown} is not a PostgreSQL URL: expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        ) from None
    if not parts.path.strip("/") and "dbname" not in dict(parse_qsl(parts.query)):
        raise ValueError(f"{DatabaseURL(text).shown} names no database: postgresql://HOST/DATABASE")
    if any(not char.isprintable() or char.isspace() for char in text):
        raise ValueError("a PostgreSQL URL holds no spaces or control characters (the value is not shown)")
    return DatabaseURL(text)


class Cursor(Protocol):
    rowcount: int

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What a transaction is given: statements with `?` placeholders; rows read by column name."""

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Any: ...


class Database:
    """One connection, shared by a run's threads: one statement or transaction at a time."""

    dialect: str  # "sqlite" or "postgresql"
    shown: str  # where it is, as it may be shown (no password)

    def __init__(self) -> None:
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction, which no other writer interleaves; rolled back on an exception."""
        raise NotImplementedError

    def query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        """One statement's rows, read by column name."""
        raise NotImplementedError

    def migrate(self, migrations: Sequence[str]) -> None:
        """Apply the migrations not applied yet, in order, each once, whatever other
        processes do at the same moment; refuse a schema newer than these."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def problem(self, error: BaseException) -> StoreError:
        return StoreError(f"state database {self.shown}: {self.why(error)}")

    def why(self, error: BaseException) -> str:
        raise NotImplementedError


def open_database(where: Path | DatabaseURL, what: str = "state database") -> Database:
    """The database at a path (SQLite) or URL (PostgreSQL); StoreError if it cannot be
    reached, UsageError if the PostgreSQL driver is not installed."""
    if isinstance(where, DatabaseURL):
        return PostgreSQL(where, what)
    return SQLite(where, what)


class SQLite(Database):
    dialect = "sqlite"

    def __init__(self, path: Path, what: str = "state database", timeout: float = 10) -> None:
        import sqlite3  # here: a command that opens no database (--help) never loads it

        super().__init__()
        self.path, self.shown, self._what = path, str(path), what
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=timeout)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot use the {what} {path}: {database_problem(error)}") from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        import sqlite3

        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield cast(Connection, self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                raise self.problem(error) from None

    def query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        import sqlite3

        with self._lock:
            try:
                return self._db.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.DatabaseError as error:
                raise self.problem(error) from None

    def migrate(self, migrations: Sequence[str]) -> None:
        import sqlite3

        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(migrations):
                raise StoreError(
                    f"the {self._what} {self.path} was made by a newer warnews (schema {version})"
                )
            for number, script in enumerate(migrations[version:], start=version + 1):
                # One transaction per migration: a killed upgrade leaves the previous schema;
                # the version read again inside it: another process (a `status` beside a run)
                # may have applied it meanwhile.
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    if self._db.execute("PRAGMA user_version").fetchone()[0] < number:
                        for statement in script.split(";"):  # SQLite's scripts hold no ";" in a literal
                            if statement.strip():
                                self._db.execute(statement)
                        self._db.execute(f"PRAGMA user_version = {number}")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot use the {self._what} {self.path}: {database_problem(error)}") from None

    def close(self) -> None:
        with self._lock:  # not in the middle of another thread's transaction
            self._db.close()

    def why(self, error: BaseException) -> str:
        return database_problem(error)


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """A statement written for SQLite (`?`) as psycopg takes it (`%s`, a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PostgresConnection:
    """A psycopg connection inside a transaction, taking `?` placeholders."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self._connection.execute(_placeholders(sql), tuple(parameters) or None)
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Any:
        rows = [tuple(row) for row in parameters]
        if rows:
            with self._connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), rows)


# How long one statement or transaction may wait on the server at most, on this side: past
# the server's own bounds (60 s), for a server that answers nothing at all (frozen, or a
# proxy that holds the connection) while its kernel keeps the TCP connection alive.
DEADLINE = 90.0


@contextmanager
def _deadline(connection: Any) -> Iterator[None]:
    """Cut the connection's socket if what is inside takes longer than DEADLINE: the call
    waiting on it fails at once (the connection lost: StateLost), never waits for ever."""

    def cut() -> None:
        try:
            with socket.socket(fileno=os.dup(connection.fileno())) as peer:
                peer.shutdown(socket.SHUT_RDWR)
        except Exception:  # closed already (whatever the driver says of it): nothing to cut
            pass

    timer = threading.Timer(DEADLINE, cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


# pg_advisory_xact_lock keys: "warnews" and its schema, the translation memory's table.
MIGRATION_LOCK = 0x7761726E65777301
MEMORY_LOCK = 0x7761726E65777302


class PostgreSQL(Database):
    dialect = "postgresql"

    def __init__(self, url: DatabaseURL, what: str = "state database") -> None:
        super().__init__()
        self.url, self.shown, self._what = url, url.shown, what
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise UsageError(
                f"the {what} {url.shown} is a PostgreSQL database, and the PostgreSQL driver is not"
                f" installed: {DRIVER_HINT}"
            ) from None
        self._errors = psycopg.Error
        self._lost = (psycopg.OperationalError, psycopg.InterfaceError)
        try:
            given = psycopg.conninfo.conninfo_to_dict(url.url)
            settings = {**_CONNECTION_DEFAULTS, **{key: str(value) for key, value in given.items()}}
            options = str(settings.get("options", ""))
            settings["options"] = f"{_SERVER_BOUNDS} {options}".strip()
            conninfo = psycopg.conninfo.make_conninfo("", **settings)
            self._connect: Callable[[], Any] = lambda: psycopg.connect(
                conninfo, autocommit=True, row_factory=dict_row
            )
            self._db = self._connect()
        except psycopg.Error as error:
            raise StoreError(f"cannot reach the {what} {url.shown}: {self.why(error)}") from None
        self._shut = False

    def _live(self) -> Any:
        """The connection; a new one if the last was lost (the server restarted, a network
        blip): what failed then failed, and the run goes on with the next statement."""
        if self._db.broken and not self._shut:
            try:
                self._db = self._connect()
            except self._errors as error:
                raise StateLost(f"cannot reach the {self._what} {self.shown}: {self.why(error)}") from None
        return self._db

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._lock:
            connection = self._live()
            try:
                with _deadline(connection), connection.transaction():
                    yield _PostgresConnection(connection)
            except self._errors as error:
                raise self.problem(error) from None

    def query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        with self._lock:
            connection = self._live()
            try:
                with _deadline(connection):
                    return list(connection.execute(_placeholders(sql), tuple(parameters) or None).fetchall())
            except self._errors as error:
                raise self.problem(error) from None

    def migrate(self, migrations: Sequence[str]) -> None:
        """All of them in one transaction, under an advisory lock: of several hosts starting
        at once, one migrates and the others wait, then find nothing left to do."""
        with self.write() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS warnews_schema (version INTEGER NOT NULL)")
            record = db.execute("SELECT version FROM warnews_schema").fetchone()
            version = 0 if record is None else int(record["version"])
            if record is None:
                db.execute("INSERT INTO warnews_schema (version) VALUES (0)")
            if version > len(migrations):
                raise StoreError(
                    f"the {self._what} {self.shown} was made by a newer warnews (schema {version})"
                )
            for number, script in enumerate(migrations[version:], start=version + 1):
                self._live().execute(script)  # a script: several statements, no parameters
                db.execute("UPDATE warnews_schema SET version = ?", (number,))

    def close(self) -> None:
        with self._lock:
            self._shut = True
            self._db.close()

    def problem(self, error: BaseException) -> StoreError:
        """A connection that failed (the server down, the network) ends the run (StateLost);
        a statement the server refused is that statement's failure."""
        kind = StateLost if isinstance(error, self._lost) else StoreError
        return kind(f"{self._what} {self.shown}: {self.why(error)}")

    def why(self, error: BaseException) -> str:
        """The server's or the driver's first line; never the password (libpq does not say
        it, and it is masked here all the same)."""
        diagnosis = getattr(error, "diag", None)
        message = getattr(diagnosis, "message_primary", None) or str(error) or type(error).__name__
        line = redact(" ".join(str(message).split("\n", 1)[0].split()), self.url.secrets, fragments=False)
        if "server closed the connection" in line or "consuming input failed" in line:
            return f"the connection was lost ({line})"
        # libpq's "connection failed: connection to server at "HOST" (ADDRESS), port N failed: WHY"
        found = re.search(r"failed to resolve host '([^']+)'", line)
        if found:
            return f"cannot resolve host {found[1]}"
        found = re.search(
            r'connection to server (at "[^"]+"(?: \([^)]*\))?, port \d+|on socket "[^"]+") failed: (.+)', line
        )
        if found:
            where = re.sub(r'at "([^"]+)"(?: \([^)]*\))?, port (\d+)', r"\1 port \2", found[1])
            where = re.sub(r'on socket "([^"]+)"', r"the socket \1", where)
            why = found[2].removeprefix("FATAL:").strip()
            return f"cannot connect to {where}: {why[:1].lower()}{why[1:]}"
        return line.removeprefix("connection failed: ")
