"""One exception family: every failure a user can cause or meet carries a message fit to
print; how the command line says it (one line) and which exit code it ends with."""

from __future__ import annotations

import enum
import signal
import sys
from typing import Literal

from ._gate import GATE
from ._redact import printable

# The exit codes the README documents (Errors and exit codes); a signal's is 128 + its number.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


class WarnewsError(Exception):
    """Base of every error warnews reports to a user (one line, no traceback).

    `permanent`: trying again cannot help (not a URL, a 404, a PDF); the state then never
    retries the article by itself.
    """

    permanent = False

    def __init__(self, *args: object, permanent: bool | None = None) -> None:
        super().__init__(*args)
        if permanent is not None:
            self.permanent = permanent


class UsageError(WarnewsError):
    """The command line or the environment asks for something impossible (exit 2)."""


class InputError(WarnewsError):
    """A local file or stdin cannot be read as an article."""


class FetchError(WarnewsError):
    """A URL could not be downloaded. `status`: the HTTP status that said so, if one did."""

    status: int | None = None


class ExtractError(WarnewsError):
    """A page or file holds no article text."""


class NotAnArticle(ExtractError):
    """What was read is not an article (a Telegram post of only a photo, a link, emoji):
    skipped with this reason, never retried."""

    permanent = True


class DetectError(WarnewsError):
    """The source language could not be identified."""


class TranslateError(WarnewsError):
    """The translator failed or answered with something that is not a translation."""


class FailureKind(enum.Enum):
    """How an engine failed, which decides what the fallback chain does next: a quota or
    a refused key takes the engine out of the run, an unsupported pair does not count
    against it, anything else counts towards taking it out."""

    QUOTA = "quota"  # out of quota
    AUTH = "auth"  # key missing or refused
    THROTTLED = "throttled"  # 429 after its retries
    FAILING = "failing"  # 5xx, timeouts, broken connections
    REJECTED = "rejected"  # the request was refused: 400, 413, 414
    UNSUPPORTED = "unsupported"  # the language pair
    BAD_ANSWER = "bad_answer"  # empty, untranslated, an HTML page, lost paragraph marks


class EngineError(TranslateError):
    """One engine could not translate a text; `kind` says whether another engine should take over."""

    def __init__(self, engine: str, kind: FailureKind, reason: str) -> None:
        super().__init__(f"{engine} failed: {reason}")
        self.engine, self.kind, self.reason = engine, kind, reason


class StoreError(WarnewsError):
    """The output could not be written."""


class StateLost(StoreError):
    """The connection to a database server (a shared state) failed: the run stops, with one
    line; its articles stay as they were for the next run."""


class TakenOver(StoreError):
    """Another run took over an article this run held past its lease: its outcome is that run's."""


class Locked(StoreError):
    """Another run holds the state database (exit 3)."""


class Stopped(Exception):  # not an error: the run was asked to stop
    """SIGINT or SIGTERM: work in hand is abandoned before it writes anything."""


def exit_code(error: WarnewsError | KeyboardInterrupt) -> int:
    """The exit code of a command that `error` ended, for every path that ends one (a run,
    a command without a run, the command line itself): the README's table in code."""
    if isinstance(error, KeyboardInterrupt):
        return 128 + GATE.stopped_by()
    if isinstance(error, Locked):
        return EXIT_LOCKED
    if isinstance(error, UsageError):
        return EXIT_USAGE
    return EXIT_FAILED


def why_stopped() -> str:
    """The last line's word for a run a signal stopped."""
    return "terminated" if GATE.stopped_by() == signal.SIGTERM else "interrupted"


def user_line(kind: Literal["error", "warning"], message: str) -> str:
    """The one line a user reads for a failure or a warning: `warnews: error: …`, with
    nothing in it that could drive a terminal. Every such line is made here."""
    return f"warnews: {kind}: {printable(message)}"


def say(kind: Literal["error", "warning"], message: str) -> None:
    """user_line on stderr, at once: for what is said outside a run (a run's Reporter says
    its lines above the progress bars, and in the log)."""
    print(user_line(kind, message), file=sys.stderr, flush=True)


# SQLite's primary result codes, in a user's words (its own messages name its internals).
_DATABASE_PROBLEMS = {
    3: "permission denied",  # SQLITE_PERM
    5: "another process keeps it busy",  # SQLITE_BUSY
    6: "another process keeps it locked",  # SQLITE_LOCKED
    8: "it is read-only",  # SQLITE_READONLY
    10: "the disk could not be read or written",  # SQLITE_IOERR
    11: "the file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "the file cannot be opened",  # SQLITE_CANTOPEN
    23: "permission denied",  # SQLITE_AUTH
    26: "the file is not a database",  # SQLITE_NOTADB
}


def database_problem(error: BaseException) -> str:
    """What went wrong with a SQLite file (the state database, the translation memory)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _DATABASE_PROBLEMS:
        return _DATABASE_PROBLEMS[code & 0xFF]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    if type(error).__name__ == "ProgrammingError" and "closed" in str(error):  # sqlite3's, unimported
        return "it was closed already (the run is ending)"
    return "the file does not hold what warnews expects (damaged, or not a warnews database)"
