"""A real PostgreSQL server for the tests: a throwaway cluster (initdb) in a temporary folder,
listening on a unix socket in that folder and on 127.0.0.1, made for speed (no fsync), and
a fresh empty database for each test that wants one.

Two roles: the superuser `postgres` (trust, socket only) makes and drops the databases;
`warnews` owns them and is what warnews connects as: trusted on the socket
(`postgresql://warnews@/DB?host=SOCKDIR`), by password over TCP
(`postgresql://warnews:PASSWORD@127.0.0.1:PORT/DB`), so that tests can check the password
never leaks.

PostgreSQL refuses to run as root: run as root (the CI container), initdb and the server
run as the `postgres` user, in a folder it owns. Every server started is stopped
(`pg_ctl -m immediate`) and its folder removed, at stop() and at exit.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
USER = "warnews"
PASSWORD = "pg-Secret-7Qx2"  # what a test looks for where it must never be
NEEDED = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT = 30  # seconds pg_ctl waits for the server to accept connections

_counter = itertools.count()


def find_binaries() -> Path | None:
    """The folder of initdb, pg_ctl and postgres: PATH's, else the highest version's of
    /usr/lib/postgresql/*/bin (Debian keeps them off PATH); None if there is none."""
    found = shutil.which("pg_ctl")
    if found:
        folder = Path(os.path.realpath(found)).parent
        if all((folder / name).exists() for name in NEEDED):
            return folder
        folder = Path(found).parent
        if all(shutil.which(name) for name in NEEDED):
            return folder

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    candidates = [
        folder
        for folder in Path("/usr/lib/postgresql").glob("*/bin")
        if all((folder / name).exists() for name in NEEDED)
    ]
    return max(candidates, key=version, default=None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Database:
    """One database of the server, owned by USER."""

    name: str
    socket_dir: Path
    port: int

    @property
    def url(self) -> str:
        """Over the unix socket, no password."""
        return f"postgresql://{USER}@/{self.name}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, password: str = PASSWORD) -> str:
        """Over TCP on 127.0.0.1, with the password."""
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{self.name}"

    def connect(self, **kwargs):
        """A psycopg connection as the superuser (autocommit), to look at what warnews left."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=self.name,
            autocommit=True,
            **kwargs,
        )


class PostgresServer:
    """A throwaway cluster: start(), database(), down()/up() (the server gone and back,
    same port and data), stop()."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.base: Path | None = None
        self.port = 0
        self.running = False
        self._as_postgres = os.geteuid() == 0
        self._watchdog: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.base is not None
        return self.base

    @property
    def log(self) -> Path:
        assert self.base is not None
        return self.base / "server.log"

    def _command(self, name: str, *args: str) -> list[str]:
        command = [str(self.binaries / name), *args]
        if not self._as_postgres:
            return command
        if shutil.which("runuser"):
            return ["runuser", "-u", "postgres", "--", *command]
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *command]

    def _run(self, name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self._command(name, *args),
            cwd=self.base,  # the postgres user may not enter the caller's folder
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{name} {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{log}"
            )
        return result

    def start(self) -> PostgresServer:
        # A short path: a unix socket's path has at most 107 bytes.
        self.base = Path(tempfile.mkdtemp(prefix="wnpg"))
        atexit.register(self.stop)
        self._watch()
        if self._as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        (self.data / "pg_hba.conf").write_text(
            f"local all all trust\nhost all {USER} 127.0.0.1/32 scram-sha-256\n"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "shared_buffers = 16MB\nmax_connections = 200\n"
                "password_encryption = 'scram-sha-256'\n"
            )
        for attempt in range(3):  # another process may take the free port before the server does
            self.port = _free_port()
            try:
                self.up()
                break
            except RuntimeError:
                if attempt == 2 or "could not bind" not in self.log.read_text(errors="replace"):
                    raise
        with self._admin() as admin:
            admin.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        return self

    def up(self) -> None:
        """Start the server (again), bounded: pg_ctl waits START_TIMEOUT seconds at most."""
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            str(START_TIMEOUT),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            f"-p {self.port}",
            timeout=START_TIMEOUT + 30,
        )
        self.running = True

    def down(self, mode: str = "fast") -> None:
        """Stop the server, every connection cut. "fast" by default: with synchronous_commit
        off, an "immediate" stop loses the last commits, which a real server would keep."""
        if self.running:
            self._run("pg_ctl", "stop", "-m", mode, "-w", "-t", str(START_TIMEOUT), "-D", str(self.data))
            self.running = False

    def stop(self) -> None:
        """Stop the server and remove its folder; safe to call twice."""
        if self.base is None:
            return
        try:
            if self.running:
                self.down("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
            if self._watchdog is not None:
                self._watchdog.kill()
                self._watchdog.wait()
                self._watchdog = None

    def _watch(self) -> None:
        """A watchdog that stops the server and removes its folder once this process is gone,
        however it went (an xdist worker killed: no atexit)."""
        stop = self._command("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data))
        self._watchdog = subprocess.Popen(
            [
                "sh",
                "-c",
                'while kill -0 "$0" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$WNPG_BASE"',
                str(os.getpid()),
                *stop,
            ],
            env={**os.environ, "WNPG_BASE": str(self.base)},
            cwd=self.base,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not killed with the tests' process group
        )

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def database(self) -> Database:
        """A fresh empty database owned by USER."""
        name = f"t{os.getpid()}_{next(_counter)}"
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} OWNER {USER} TEMPLATE template0")
        return Database(name, self.socket_dir, self.port)

    def drop(self, database: Database) -> None:
        """Drop a database (its connections cut); nothing if the server is down."""
        if not self.running:
            return
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database.name} WITH (FORCE)")


def wait_for(predicate, timeout: float, every: float = 0.05) -> bool:
    """Whether predicate() came true within timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return bool(predicate())
