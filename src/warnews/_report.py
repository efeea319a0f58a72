"""What warnews shows: for a run, progress and a summary at a terminal, only errors in
cron, JSON Lines on request, and a log file; for the other commands, the text of `status`,
`show`, `list`, `engines` and `cache stats`. stdout carries data only (paths, documents,
JSON, the text asked for)."""

from __future__ import annotations

import faulthandler
import functools
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from ._errors import UsageError, user_line
from ._redact import MASK, printable, redact

if TYPE_CHECKING:
    # rich draws only at a terminal: a run in cron, a pipe or a test never imports it.
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from ._runner import Job, Outcome

_QUERY = 48  # characters of a query string a -v line shows
_URL = re.compile(r"\b(https?|socks5h?)://(\S+)")


def safe_json(value: object, indent: int | None = None, toml: bool = False) -> str:
    """JSON that is safe to print: readable Cyrillic, but every character that could
    drive a terminal (C1 controls, bidi overrides) written as an escape. toml: escapes
    that TOML reads too (it writes characters beyond the BMP as \\UXXXXXXXX)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(char if char.isprintable() or char == "\n" else _escape(char, toml) for char in text)


def _escape(char: str, toml: bool) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    if toml:
        return f"\\U{code:08x}"
    code -= 0x10000  # a surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def verbose_line(message: str, secrets: Sequence[str]) -> str:
    """A -v line: secrets masked (fragments too), then each URL's user information hidden
    and its query string cut, then what could drive a terminal escaped."""
    return f"warnews: verbose: {printable(_URL.sub(_short_url, redact(message, secrets)))}"


def _short_url(match: re.Match[str]) -> str:
    scheme, rest = match.group(1, 2)
    end = rest.rstrip(".,:;)")  # the sentence's punctuation, not the URL's
    rest, trail = end, rest[len(end) :]
    cut = min((rest.find(mark) for mark in "/?#" if mark in rest), default=len(rest))
    host, path = rest[:cut], rest[cut:]
    if "@" in host:
        host = MASK + "@" + host.rpartition("@")[2]
    path, question, query = path.partition("?")
    if len(query) > _QUERY:
        query = query[: _QUERY - 1] + "…"
    return f"{scheme}://{host}{path}{question}{query}{trail}"


class Verbose(logging.Handler):
    """-v: the "warnews" logger's lines (requests, retries, decisions) on stderr, masked."""

    def __init__(self, secrets: Sequence[str], write: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._secrets = list(secrets)
        self._write = write
        self._logger = logging.getLogger("warnews")

    def __enter__(self) -> Verbose:
        self._logger.addHandler(self)
        self._logger.setLevel(logging.INFO)
        return self

    def __exit__(self, *_: object) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(logging.NOTSET)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._write(verbose_line(record.getMessage(), self._secrets))
        except Exception:  # a line that cannot be shown fails nothing (no traceback either)
            pass


def open_log(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a", encoding="utf-8")  # closed by Reporter.close
    except (FileExistsError, NotADirectoryError):  # mkdir's words would be "File exists"
        raise UsageError(f"cannot open the log file {path}: a part of its path is not a folder") from None
    except OSError as error:
        raise UsageError(f"cannot open the log file {path}: {error.strerror or error}") from None


def copy_fatal_errors(log_file: Path | None) -> None:
    """Have a fatal error's traceback (faulthandler's) reach the log file as well as stderr.

    faulthandler writes to one file, from a signal handler, as the process dies: so it
    writes into a pipe, and a small process forked for the purpose (before any thread
    starts) copies whatever arrives to both. It ends when the run ends and the pipe closes.
    """
    if log_file is None:
        return
    try:
        log = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        return  # open_log says why
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copier: nothing of warnews runs here
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.close(write_end)
            while chunk := os.read(read_end, 65536):
                for target in (2, log):
                    try:
                        os.write(target, chunk)
                    except OSError:
                        pass
        finally:
            os._exit(0)
    os.close(read_end)
    os.close(log)
    faulthandler.enable(file=os.fdopen(write_end, "w"), all_threads=True)


class Reporter:
    """Where outcomes go. `paths`: print each saved file's path (fetch, translate)."""

    def __init__(
        self,
        command: str,
        *,
        quiet: bool = False,
        json_lines: bool = False,
        paths: bool = True,
        log_file: Path | None = None,
        verbose: bool = False,
        secrets: Sequence[str] = (),
    ) -> None:
        """secrets: never said, whole or URL-encoded, in any line (a key inside a URL the
        user gave, say); verbose: show the "warnews" logger's lines, masked (-v)."""
        self.command = command
        self.json_lines = json_lines
        self.paths = paths
        self.interactive = not quiet and sys.stderr.isatty()
        self._log = open_log(log_file)
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._counts: Counter[str] = Counter()
        self._stdout_closed = False
        self._documents = 0  # printed on stdout (--stdout)
        self._stderr = threading.Lock()  # -v lines come from every thread
        self._secrets = list(secrets)
        self._verbose = Verbose(self._secrets, self._print_verbose) if verbose else None
        if self._verbose is not None:
            self._verbose.__enter__()
        self._broken_stdout: IO[str] | None = None
        self.log(f"{command} started")

    @functools.cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False)

    # --- the run as it goes ---

    def start(self, total: int) -> None:
        if not self.interactive or total == 0:
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description:<28.28}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn(
                "[green]{task.fields[done]} done[/] [red]{task.fields[failed]} failed[/]"
                " [yellow]{task.fields[skipped]} skipped[/]"
            ),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("starting", total=total, done=0, failed=0, skipped=0)

    def more(self, count: int) -> None:
        """More work found during the run (where runs share the state)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, total=(self._progress.tasks[0].total or 0) + count)
        elif count:
            self.start(count)

    def started(self, job: Job) -> None:
        if self._progress is not None and self._task is not None:
            from rich.markup import escape

            self._progress.update(self._task, description=escape(printable(_host(job))))

    def finished(self, outcome: Outcome) -> None:
        self._counts[outcome.status] += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task,
                advance=1,
                done=self._counts["done"],
                failed=self._counts["failed"],
                skipped=self._counts["skipped"],
            )

    def outcome(self, outcome: Outcome) -> None:
        """An article's result, in input order: stdout data, an error line, a log line."""
        if outcome.status == "stopped":
            self.log(f"stopped {outcome.name} (left for the next run)")
            return
        if outcome.status == "failed":
            self.error(f"{outcome.name}: {outcome.error}")
        else:
            if outcome.warning:
                self.warning(f"{outcome.name}: {outcome.warning}")
            what = f" -> {outcome.path}" if outcome.path else ""
            why = f" ({outcome.reason})" if outcome.reason else ""
            self.log(f"{outcome.status} {outcome.name}{what}{why}")
        if self.json_lines:
            self._stdout(safe_json(outcome.record()) + "\n")
        elif outcome.document is not None:
            # Between documents, a line holding only a form feed: normalized documents
            # never hold a control character, and `split("\f\n")` takes them apart.
            self._stdout(("\f\n" if self._documents else "") + outcome.document)
            self._documents += 1
        elif self.paths and outcome.path is not None:
            self._stdout(f"{outcome.path}\n")
        if self.paths and outcome.status == "skipped" and outcome.path is None and outcome.reason:
            # fetch of a post with nothing to translate: no file, and said so (feed and run,
            # for cron, keep quiet about it)
            self.warning(f"{outcome.name}: skipped: {outcome.reason}")

    def _stdout(self, text: str) -> None:
        if self._progress is not None and sys.stdout.isatty():  # one terminal: above the bars
            self._progress.console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
            return
        if self._stdout_closed:
            return
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `warnews … | head`: the run goes on, its files are still saved
            self._stdout_closed = True
            self._broken_stdout = sys.stdout  # kept: collected, it would try its flush again
            sys.stdout = open(os.devnull, "w")  # nothing more is written to the pipe
            self.warning("standard output was closed: nothing more is printed there; the run goes on")

    def error(self, message: str) -> None:
        self._line("error", message)

    def warning(self, message: str) -> None:
        """Something the operator should know that failed nothing (the exit code stays)."""
        self._line("warning", message)

    def _line(self, kind: Literal["error", "warning"], message: str) -> None:
        message = redact(message, self._secrets, fragments=False)
        self._print(user_line(kind, message))
        self.log(f"{kind} {message}")

    def _print(self, line: str) -> None:
        """One line on stderr, above the progress bars if there are any."""
        with self._stderr:
            self._write(line)

    def _print_verbose(self, line: str) -> None:
        with self._stderr:
            if self._verbose is not None:  # none after the run's last line, from a thread left behind
                self._write(line)

    def _write(self, line: str) -> None:
        if self._progress is not None:
            from rich.markup import escape

            self._progress.console.print(escape(line), markup=True, soft_wrap=True)
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def log(self, message: str) -> None:
        if self._log is not None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._log.write(f"{stamp} {printable(message)}\n")
            self._log.flush()

    # --- the end ---

    def close(self, counts: Counter[str], requests: int, exit_code: int, last_error: str = "") -> None:
        """The end: the bars gone, the log's and the terminal's summary, then last_error
        (why the run stopped), the last line, whole."""
        with self._stderr:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
            if self._verbose is not None:
                self._verbose.__exit__()
                self._verbose = None
        elapsed = time.monotonic() - self._started
        figures = ", ".join(f"{counts.get(key, 0)} {key}" for key in ("done", "failed", "skipped"))
        if last_error:
            self.log(f"error {last_error}")
        self.log(
            f"{self.command} finished: {figures}, {requests} translator requests, "
            f"{elapsed:.1f} s, exit {exit_code}"
        )
        if self.interactive and (sum(counts.values()) or self.command in ("run", "feed")):
            self.console.print(summary_table(counts, requests, elapsed))
        if last_error:
            self._print(user_line("error", last_error))
        if self._log is not None:
            self._log.close()
            self._log = None


def summary_table(counts: Counter[str], requests: int, elapsed: float) -> Table:
    from rich.table import Table

    table = Table(title="warnews", title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column()
    table.add_column(justify="right")
    for key, style in (("done", "green"), ("skipped", "yellow"), ("failed", "red")):
        table.add_row(f"[{style}]{key}[/]", str(counts.get(key, 0)))
    if counts.get("feed_failed"):
        table.add_row("[red]feeds failed[/]", str(counts["feed_failed"]))
    table.add_row("translator requests", str(requests))
    table.add_row("time", f"{elapsed:.1f} s")
    return table


def _host(job: Job) -> str:
    """What the progress bar says is being worked on: a URL's host, or a file's name."""
    return job.name.split("/")[2] if job.kind != "file" and job.name.count("/") >= 2 else job.name


# --- the other commands' text ---

ONE_OFF = "a one-off: tried again when fetched again, or named to warnews retry"


def when(timestamp: float | None) -> str:
    """A time as `list` and `show` print it; "-" for none."""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S") if timestamp else "-"


def status_lines(summary: dict[str, Any]) -> list[str]:
    """`warnews status`: the state database's summary (State.summary, with "state" its path)."""
    counts = summary["articles"]
    lines = [f"state: {summary['state']}", "articles: " + ", ".join(f"{counts[key]} {key}" for key in counts)]
    for source in summary["sources"]:
        lines.append(
            f"  {printable(source['source'])}: {source['done']} done, {source['failed']} failed,"
            f" {source['skipped']} skipped, {source['pending']} pending"
        )
    last = summary["last_run"]
    if last:
        at = datetime.fromtimestamp(last["started_at"]).strftime("%Y-%m-%d %H:%M:%S")
        ended = "still running or killed" if last["finished_at"] is None else f"exit {last['exit_code']}"
        lines.append(
            f"last run: {last['command']} at {at}: {last['done'] or 0} done, {last['failed'] or 0} failed,"
            f" {last['skipped'] or 0} skipped ({ended})"
        )
    working = summary.get("working") or []
    if working:  # runs at work now, where hosts share the state
        at_work = ", ".join(
            f"{printable(item['host'])} {item['articles']} article{'s' if item['articles'] != 1 else ''}"
            for item in working
        )
        lines.append(f"at work now: {at_work}")
    for feed_row in summary["feeds"]:
        checked = (
            datetime.fromtimestamp(feed_row["checked_at"]).strftime("%Y-%m-%d %H:%M")
            if feed_row["checked_at"]
            else "never"
        )
        error = f", last error: {printable(feed_row['last_error'])}" if feed_row["last_error"] else ""
        lines.append(
            f"feed {printable(feed_row['url'])}: {feed_row['items']} items, checked {checked}{error}"
        )
    if summary["recent_failures"]:
        lines.append("recent failures:")
        for row in summary["recent_failures"]:
            retry = (
                "permanent: will not be retried; warnews retry URL to try again"
                if row["permanent"]
                else ONE_OFF
                if row["one_off"]
                else "no more tries (warnews retry re-queues it)"
                if row["next_try_at"] is None
                else "next try after " + datetime.fromtimestamp(row["next_try_at"]).strftime("%Y-%m-%d %H:%M")
            )
            error = printable(row["error"] or "")
            tries = f"{row['attempts']} {'try' if row['attempts'] == 1 else 'tries'}"
            lines.append(f"  {printable(row['url'])}: {error} ({tries}; {retry})")
    quality = summary.get("quality") or {}
    if quality.get("after_fallback") or quality.get("failed"):
        lines.append(
            f"quality gate: {quality['after_fallback']} passed only after a fallback,"
            f" {quality['failed']} saved though every engine failed it (see the warnings)"
        )
    learned = summary.get("boilerplate") or {}
    if learned.get("paragraphs"):
        sites = ", ".join(f"{printable(item['site'])} {item['paragraphs']}" for item in learned["sites"])
        more = ", …" if len(learned["sites"]) < learned.get("site_count", 0) else ""
        lines.append(f"boilerplate learned: {learned['paragraphs']} recurring paragraphs ({sites}{more})")
    for pace in summary.get("paces", ()):
        refused = f", 429s at {pace['peak']:.1f}" if pace["peak"] is not None else ", no 429 yet"
        host = f" from {printable(pace['host'])}" if pace.get("host") else ""
        lines.append(
            f"translator pace: {printable(pace['translator'])}{host}: {pace['rate']:.1f} requests a second"
            f"{refused} (learned {when(pace['updated_at'])})"
        )
    if summary["recent_warnings"]:
        lines.append("recent warnings:")
        for row in summary["recent_warnings"]:
            lines.append(f"  {printable(row['url'])}: {printable(row['warning'])}")
    return lines


def article_line(article: dict[str, Any]) -> str:
    """`warnews list`: one article (State.articles), its fields tab-separated."""
    status_word = "failed (permanent)" if article["permanent"] else article["status"]
    what = article["error"] if article["status"] == "failed" else article["file"] or article.get("reason")
    fields = [
        status_word,
        when(article["updated_at"]),
        article["url"],
        what,
        article["title"],
        article["source"],
    ]
    return "\t".join(printable(str(field or "-")).replace("\t", " ") for field in fields)


def show_lines(record: dict[str, Any]) -> list[str]:
    """`warnews show`: what the state database knows about one URL (State.describe)."""
    next_try = record["next_try"]
    if record["permanent"]:
        retry_text = "permanent: will not be retried; warnews retry URL to try again"
    elif record["one_off"] and record["status"] == "failed":
        retry_text = ONE_OFF
    elif next_try is not None:
        retry_text = f"after {when(next_try)}"
    elif record["status"] == "failed":
        retry_text = "no more tries (warnews retry re-queues it)"
    else:
        retry_text = None
    fields = {
        "url": record["url"],
        "status": record["status"] + (" (queued by warnews retry)" if record["queued"] else ""),
        "source": record["source"],
        "file": (record["file"] + ("" if record["file_exists"] else " (not on disk)"))
        if record["file"]
        else None,
        "sidecar": record["sidecar"],
        "title": record["title"],
        "canonical URL": record["canonical_url"],
        "duplicate of": record["duplicate_of"],
        "skipped": record.get("reason"),
        "language": record["language"],
        "engine": record["engine"],
        "published": record["published"],
        "warning": record["warning"],
        "attempts": str(record["attempts"]),
        "last error": record["last_error"],
        "next try": retry_text,
        "first seen": when(record["created_at"]),
        "last attempt": when(record["last_attempt_at"]) if record["last_attempt_at"] else None,
    }
    return [f"{key}: {printable(value)}" for key, value in fields.items() if value is not None]


def engine_lines(row: dict[str, Any]) -> list[str]:
    """`warnews engines`: one engine (engines.describe's row, with "check" after --check)."""
    use = f"in use (#{row['position']})" if row["in_use"] else "not in use"
    needs = [
        f"{need['setting']} ({need['variable']}) {'is set' if need['set'] else 'is not set'}"
        + ("" if need["required"] else ", optional")
        for need in row["settings"]
    ]
    lines = [
        f"{row['engine']}: {row['name']}, {use}",
        f"  needs: {'; '.join(needs) if needs else 'no key'}",
        f"  limits: {row['limits']}",
        f"  glossary: {row['glossary']}",
    ]
    if "check" in row:
        result = row["check"]
        verdict = f"answers ({result['seconds']:g} s)" if result["ok"] else printable(result["problem"])
        lines.append(f"  check: {verdict}")
    return lines


def memory_lines(stats: dict[str, Any], created: bool) -> list[str]:
    """`warnews cache stats`: what the translation memory holds (Memory.stats); `created`:
    whether its file exists yet."""
    size = f"{stats['bytes']:,} bytes" if created else "not created yet: nothing translated"
    lines = [
        f"translation memory: {stats['path']} ({size})",
        f"paragraphs: {stats['paragraphs']:,} ({stats['characters']:,} characters),"
        f" reused {stats['hits']:,} times",
    ]
    for pair in stats["pairs"]:
        lines.append(
            f"  {pair['engine']} {pair['source']}->{pair['target']}: {pair['paragraphs']:,} paragraphs,"
            f" reused {pair['hits']:,} times"
        )
    return lines
