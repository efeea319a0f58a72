"""The command line: parse, resolve settings, run (_runner) or ask the state, report
(_report), exit. Nothing else.

What runs a command (httpx, trafilatura, feedparser, rich, deep-translator, SQLite) is
imported when a command runs, not for `warnews --help` or shell completion: see
bench/startup.py and tests/e2e/test_cli.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import functools
import inspect
import io
import itertools
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from ._errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, WarnewsError, exit_code, say, why_stopped
from ._gate import GATE
from ._redact import printable
from ._settings import SETTINGS, every_setting, resolve, secret_values, shown, value_of

if TYPE_CHECKING:
    from ._cache import Memory, SharedMemory
    from ._runner import Batch, Job, RunOptions
    from ._settings import Settings
    from ._state import Row, State

app = typer.Typer(
    name="warnews",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Options of the invocation itself; the settings' options come from SETTINGS (see _with_settings).
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="Config file (TOML); default: WARNEWS_CONFIG, or the user config folder's warnews/config.toml.",
    ),
]
ToStdout = Annotated[
    bool, typer.Option("--stdout", help="Print the documents instead of saving files (no state).")
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Nothing but errors on stderr, and no paths on stdout.")
]
VerboseFlag = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Say on stderr what warnews does: each request, retry, redirect and decision (secrets masked).",
    ),
]
JsonLines = Annotated[
    bool, typer.Option("--json", help="One JSON object per article on stdout (JSON Lines).")
]
Force = Annotated[
    bool, typer.Option("--force", help="Redo articles already done; read feeds unconditionally.")
]
Wait = Annotated[
    bool, typer.Option("--wait", help="If another run holds the state, wait for it instead of exiting 3.")
]

_SETTINGS_PANEL = "Settings (also in the config file and WARNEWS_* variables)"


def _with_settings(name: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Give the command `name` one option per setting that applies to it (Setting.commands);
    the command receives those given on the command line as `flags`, a dict by setting name."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        chosen = [setting for setting in SETTINGS if setting.applies_to(name)]
        own = inspect.signature(command, eval_str=True)
        parameters = [p for p in own.parameters.values() if p.name != "flags"]
        added = [
            inspect.Parameter(
                setting.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    bool | None if setting.switch else str | None,
                    typer.Option(
                        *setting.flag_names,
                        metavar=setting.metavar or None,
                        help=f"{setting.help} [{setting.variable}]",
                        show_default=False,
                        rich_help_panel=_SETTINGS_PANEL,
                    ),
                ],
            )
            for setting in chosen
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> int:
            flags = {setting.name: kwargs.pop(setting.name, None) for setting in chosen}
            return command(*args, flags={k: v for k, v in flags.items() if v is not None}, **kwargs)

        wrapper.__signature__ = own.replace(parameters=[*parameters, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in [*parameters, *added]}
        return wrapper

    return decorate


def _version(value: bool) -> None:
    if value:
        print(f"warnews {__version__}")
        raise typer.Exit()


@app.callback(
    epilog=(
        "Shell completion: warnews --install-completion, or warnews --show-completion"
        " to see the script for the shell it runs in."
    )
)
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn Ukrainian-language news into normalized English text files.

    Examples:

      warnews fetch https://www.example.com.ua/news/article-123.html

      warnews feed https://www.example.com.ua/rss.xml -o ~/news

      warnews run          (the cron entry point: feeds and URLs from the config file)
    """


def _stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _on_signal(signum: int, frame: object) -> None:
    # The first signal stops the way Ctrl-C does: no new work, work in flight finishes
    # its current stage or is left for the next run. A second one ends the process at
    # once, which is safe too: files are renamed into place whole and SQLite is atomic.
    GATE.signals.append(signum)
    if len(GATE.signals) > 1:
        os._exit(exit_code(KeyboardInterrupt()))
    GATE.stop()  # KeyboardInterrupt, once an outcome being reported is reported whole


def _run(options: RunOptions, settings: Settings, jobs: Callable[[Batch], list[Job]]) -> int:
    """A command's batch, run by the runner, once its options agree."""
    from ._runner import run_jobs

    if options.quiet and options.verbose:
        raise UsageError("--verbose and --quiet ask for opposite things: give one of them")
    return run_jobs(options, settings, jobs)


def _read_list(name: str) -> list[str]:
    """URLs one per line from a file or "-", skipping blanks and # comments (yt-dlp's --batch-file)."""
    try:
        if name == "-":
            text = sys.stdin.read()
        else:
            text = Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: cannot read the URL list: it is not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{name}: cannot read the URL list: {error.strerror or error}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@app.command(
    short_help="Download, translate and save articles.",
    epilog=(
        "Examples:\n\n"
        "  warnews fetch https://www.example.com.ua/news/article-123.html\n\n"
        "  warnews fetch URL1 URL2 -o archive --credit OFP\n\n"
        "  warnews fetch -i urls.txt --json\n\n"
        "  warnews fetch URL --stdout --proxy socks5h://127.0.0.1:9050"
    ),
)
@_with_settings("fetch")
def fetch(
    urls: Annotated[list[str] | None, typer.Argument(metavar="URL", show_default=False, hidden=True)] = None,
    input_file: Annotated[
        str | None,
        typer.Option(
            "-i",
            "--input",
            metavar="FILE",
            help="Read URLs from FILE (- for stdin), one per line; # comments.",
        ),
    ] = None,
    to_stdout: ToStdout = False,
    quiet: Quiet = False,
    verbose: VerboseFlag = False,
    json_lines: JsonLines = False,
    force: Force = False,
    wait: Wait = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Download articles (URL: http:// or https:// pages), translate them and save one text
    file each; print each file's path.

    Articles already done (in the state database) are not downloaded again; their path
    is printed. --stdout keeps no state.
    """
    from ._runner import RunOptions

    settings = resolve(flags, config).settings
    targets = [*(urls or []), *(_read_list(input_file) if input_file else [])]
    if not targets:
        raise UsageError("no URL given (name some, or use -i FILE)")
    source = f"list {input_file}" if input_file and not urls else "command line"
    options = RunOptions(
        "fetch",
        keeps_state=not to_stdout,
        to_stdout=to_stdout,
        quiet=quiet,
        json_lines=json_lines,
        paths=not quiet,
        force=force,
        wait=wait,
        verbose=verbose,
    )
    return _run(options, settings, lambda batch: batch.url_jobs(batch.named(targets), source))


@app.command(
    short_help="Translate local text or HTML files.",
    epilog=(
        "Examples:\n\n"
        "  warnews translate article.txt saved-page.html\n\n"
        "  warnews translate --from uk --credit OFP - < article.txt\n\n"
        "  curl -s URL | warnews translate - --stdout"
    ),
)
@_with_settings("translate")
def translate(
    files: Annotated[list[str], typer.Argument(metavar="FILE", show_default=False, hidden=True)],
    to_stdout: ToStdout = False,
    quiet: Quiet = False,
    verbose: VerboseFlag = False,
    json_lines: JsonLines = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Translate local text or HTML files (UTF-8, windows-1251, KOI8-U; - reads standard
    input) and save one text file each."""
    from ._runner import RunOptions

    settings = resolve(flags, config).settings
    options = RunOptions(
        "translate",
        keeps_state=False,
        to_stdout=to_stdout,
        quiet=quiet,
        json_lines=json_lines,
        paths=not quiet,
        verbose=verbose,
    )
    return _run(options, settings, lambda batch: batch.file_jobs(files))


@app.command(
    short_help="Process the new items of RSS/Atom feeds.",
    epilog=(
        "Examples:\n\n  warnews feed https://www.example.com.ua/rss.xml\n\n  warnews feed FEED1 FEED2 --json"
    ),
)
@_with_settings("feed")
def feed(
    feeds: Annotated[list[str], typer.Argument(metavar="URL", show_default=False, hidden=True)],
    quiet: Quiet = False,
    verbose: VerboseFlag = False,
    json_lines: JsonLines = False,
    force: Force = False,
    wait: Wait = False,
    titles_only: Annotated[
        bool,
        typer.Option(
            "--titles-only",
            help="Translate only the items' (and posts') titles and summaries, and print a digest: date,"
            " title, link. Saves nothing.",
        ),
    ] = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Read RSS or Atom feeds and Telegram channels (URL: a feed, a site's page, t.me/s/NAME or
    @NAME) and process their new items and posts (and earlier failures due a retry).

    --titles-only: a digest instead, one line per item or post (--json: JSON Lines), the
    titles translated in one or two requests a feed; no file, no state."""
    from ._runner import RunOptions

    settings = resolve(flags, config).settings
    if titles_only:
        return _titles_only(settings, feeds, quiet, verbose, json_lines)
    options = RunOptions(
        "feed", keeps_state=True, quiet=quiet, json_lines=json_lines, force=force, wait=wait, verbose=verbose
    )
    return _run(options, settings, lambda batch: batch.feed_jobs(feeds))


def _titles_only(settings: Settings, feeds: list[str], quiet: bool, verbose: bool, json_lines: bool) -> int:
    """`warnews feed --titles-only`: the digest of each feed on stdout."""
    from ._digest import Item, digest, refuse
    from ._pipeline import Pipeline
    from ._report import Verbose

    if quiet and verbose:
        raise UsageError("--verbose and --quiet ask for opposite things: give one of them")
    refuse(feeds, settings.telegram_url)

    closed = False

    def emit(item: Item) -> None:
        nonlocal closed
        if closed:
            return
        try:
            print(item.json() if json_lines else item.line(), flush=True)
        except BrokenPipeError:  # `… | head`: said once, the exit code as it is (as a run's output)
            closed = True
            sys.stdout = open(os.devnull, "w")  # what else is printed, and the flush at exit, go there
            say("warning", "standard output was closed: nothing more is printed there")

    def warn(message: str) -> None:
        if not quiet:
            say("warning", printable(message))

    with contextlib.ExitStack() as stack:
        if verbose:
            stack.enter_context(Verbose(secret_values(settings), _stderr_line))
        pipeline = stack.enter_context(Pipeline(settings, warn=warn))
        ok = digest(pipeline, feeds, emit, lambda message: say("error", printable(message)))
    return EXIT_OK if ok else EXIT_FAILED


@app.command(
    short_help="The cron entry point: the config file's feeds and URLs.",
    epilog=(
        "The config file (TOML) names what to read and any setting, e.g.:\n\n"
        '  feeds = ["https://www.example.com.ua/rss.xml"]\n\n'
        '  urls = ["https://www.example.com.ua/news/article-1.html"]\n\n'
        '  out = "~/news/en"\n\n'
        '  credit = "OFP"\n\n'
        "Crontab: */15 * * * * warnews run"
    ),
)
@_with_settings("run")
def run(
    quiet: Quiet = False,
    verbose: VerboseFlag = False,
    json_lines: JsonLines = False,
    force: Force = False,
    wait: Wait = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """The cron entry point: read the config file's feeds and URLs, process what is new or
    due a retry. Quiet unless something fails (a terminal gets progress and a summary)."""
    from ._runner import RunOptions

    resolved = resolve(flags, config)
    if not resolved.feeds and not resolved.urls:
        where = resolved.config_path if resolved.config_found else f"{resolved.config_path} (not found)"
        raise UsageError(f"nothing to do: no feeds or urls in the config file {where}")
    options = RunOptions(
        "run", keeps_state=True, quiet=quiet, json_lines=json_lines, force=force, wait=wait, verbose=verbose
    )
    return _run(options, resolved.settings, lambda batch: batch.config_jobs(resolved.urls, resolved.feeds))


def _toml_value(value: object) -> str:
    from ._report import safe_json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return safe_json(str(value), toml=True)


@app.command("config", short_help="Show the effective settings and their origins.")
@_with_settings("config")
def show_config(config: ConfigFile = None, *, flags: dict[str, str]) -> int:
    """Show the effective settings, as TOML, with where each one came from (secrets masked)."""
    from ._report import safe_json

    resolved = resolve(flags, config)
    found = "" if resolved.config_found else " (not found: defaults apply)"
    print(f"# config file: {resolved.config_path}{found}")
    rows = every_setting()
    width = max(len(setting.name) for setting in rows)
    for setting in rows:
        value = value_of(resolved.settings, setting)
        origin = resolved.origins[setting.name]
        if value is None:  # commented out: TOML has no null
            print(f"# {setting.name:<{width - 2}} = {'(not set)':<40} # {origin}")
            continue
        text = _toml_value(
            shown(resolved.settings, setting.name) if setting.secret or setting.password else value
        )
        print(f"{setting.name:<{width}} = {text:<40} # {origin}")
    print(f"feeds = {safe_json(list(resolved.feeds), toml=True)}")
    print(f"urls = {safe_json(list(resolved.urls), toml=True)}")
    return EXIT_OK


@app.command("engines", short_help="List the translation engines; --check tries them.")
@_with_settings("engines")
def show_engines(
    check: Annotated[
        bool, typer.Option("--check", help="Translate a short phrase with each configured engine.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="As a JSON array.")] = False,
    verbose: VerboseFlag = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """List the translation engines: what each needs (a key? is it set?), its request limits,
    and with --check whether it answers. Keys themselves are never shown.

    Exit 1 when --check finds an engine of the chain (--engine) not answering.
    """
    from . import engines
    from ._net import make_client
    from ._report import engine_lines, safe_json

    settings = dataclasses.replace(resolve(flags, config).settings, retries=0)
    rows = engines.describe(settings)
    if check:
        from ._report import Verbose

        with contextlib.ExitStack() as stack:
            if verbose:
                stack.enter_context(Verbose(secret_values(settings), _stderr_line))
            client = stack.enter_context(make_client(settings.timeout, settings.proxy))
            for row in rows:
                started = time.monotonic()
                problem = engines.check(settings, row["engine"], client)
                row["check"] = {
                    "ok": not problem,
                    "problem": problem or None,
                    "seconds": round(time.monotonic() - started, 2),
                }
    if json_output:
        print(safe_json(rows, indent=2))
    else:
        for row in rows:
            print(*engine_lines(row), sep="\n")
    failing = [row for row in rows if row["in_use"] and check and not row["check"]["ok"]]
    return EXIT_FAILED if failing else EXIT_OK


cache_app = typer.Typer(
    help="The translation memory: paragraphs already translated, by engine.",
    short_help="The translation memory: stats, clear.",
)
app.add_typer(cache_app, name="cache")


def _memory(flags: dict[str, str], config: Path | None) -> tuple[str, Memory | SharedMemory | None]:
    """Where the translation memory is, and the memory if it exists (looking creates nothing)."""
    from ._cache import open_memory

    settings = resolve(flags, config).settings
    where = settings.cache_url.shown if settings.cache_url is not None else str(settings.cache_file)
    return where, open_memory(settings, functools.partial(say, "warning"), create=False)


@cache_app.command("stats", short_help="What the memory holds.")
@_with_settings("cache stats")
def cache_stats(
    config: ConfigFile = None,
    json_output: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
    *,
    flags: dict[str, str],
) -> int:
    """How many paragraphs the memory holds, by engine and language pair, and how often they were reused."""
    from ._report import memory_lines, safe_json

    path, memory = _memory(flags, config)
    stats: dict[str, Any] = {
        "path": path,
        "bytes": 0,
        "paragraphs": 0,
        "hits": 0,
        "characters": 0,
        "pairs": [],
    }
    if memory is not None:
        try:
            stats = memory.stats()
        finally:
            memory.close()
    if json_output:
        print(safe_json(stats, indent=2))
        return EXIT_OK
    print(*memory_lines(stats, created=memory is not None), sep="\n")
    return EXIT_OK


@cache_app.command("clear", short_help="Forget translations.")
@_with_settings("cache clear")
def cache_clear(
    engine: Annotated[
        str | None, typer.Option("--engine", metavar="NAME", help="Only this engine's.")
    ] = None,
    unused_days: Annotated[
        str | None,
        typer.Option("--unused-days", metavar="DAYS", help="Only paragraphs not used for DAYS days."),
    ] = None,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Forget translations: all, one engine's, or those unused for a while."""
    from . import engines

    if engine is not None:
        try:
            (engine,) = engines.parse_chain(engine)
        except ValueError as error:
            raise UsageError(str(error)) from None
    days = _number_option(unused_days, "--unused-days", float, 0)
    count = 0
    _, memory = _memory(flags, config)
    if memory is not None:
        try:
            count = memory.clear(engine, days)
        finally:
            memory.close()
    print(f"{count:,} translation{'s' if count != 1 else ''} forgotten")
    return EXIT_OK


@app.command(short_help="Summarise the state database.")
@_with_settings("status")
def status(
    config: ConfigFile = None,
    json_output: Annotated[bool, typer.Option("--json", help="The summary as one JSON object.")] = False,
    failures: Annotated[
        str, typer.Option("--failures", metavar="N", help="Recent failures (and warnings) shown (10).")
    ] = "10",
    *,
    flags: dict[str, str],
) -> int:
    """Summarise the state database: articles by status and source, the last run, recent
    failures and warnings."""
    from ._report import safe_json, status_lines
    from ._state import State, exists

    settings = resolve(flags, config).settings
    fresh = not exists(settings.state)
    # Nothing has run yet: the summary of an empty database (in memory; looking creates nothing).
    database = State(Path(":memory:") if fresh else settings.state, settings.host, settings.lease)
    try:
        summary = database.summary(
            settings.retry_delay,
            settings.max_attempts,
            int(_number_option(failures, "--failures", int, 0) or 0),
        )
    finally:
        database.close()
    summary["state"] = str(settings.state)
    if json_output:
        print(safe_json(summary, indent=2))
        return EXIT_OK
    if fresh:
        print(f"no state database at {settings.state} yet: nothing has run")
        return EXIT_OK
    print(*status_lines(summary), sep="\n")
    return EXIT_OK


@contextmanager
def _locked_state(settings: Settings, wait: bool) -> Iterator[State]:
    """The state database, under the run lock (Locked, exit 3, if another run holds it);
    a shared (PostgreSQL) state has no lock: its runs and commands go on together."""
    from ._state import RunLock, State

    lock = RunLock(settings.state) if isinstance(settings.state, Path) else None
    if lock is not None:
        lock.acquire(wait)
    try:
        database = State(settings.state, settings.host, settings.lease)
        try:
            yield database
        finally:
            database.close()
    finally:
        if lock is not None:
            lock.release()


def _number_option(
    value: str | None, option: str, kind: type[int] | type[float], low: float
) -> int | float | None:
    """An option's number, refused in warnews's words (Typer's would be pydantic's)."""
    if value is None:
        return None
    try:
        number = kind(value.strip())
    except ValueError:
        whole = "a whole number" if kind is int else "a number"
        raise UsageError(f"bad value for {option}: expected {whole}, not {printable(value)!r}") from None
    if not number >= low:  # nan too
        raise UsageError(f"bad value for {option}: must be at least {low:g}")
    return number


def _unknown(url: str) -> None:
    say("error", f"{url}: not in the state database (never fetched)")


@app.command(short_help="Re-queue failed articles for the next run.")
@_with_settings("retry")
def retry(
    urls: Annotated[list[str] | None, typer.Argument(metavar="URL", show_default=False, hidden=True)] = None,
    config: ConfigFile = None,
    wait: Wait = False,
    *,
    flags: dict[str, str],
) -> int:
    """Re-queue failed articles with fresh attempts: the next `warnews run` takes them,
    whatever brought them. Without URLs, every failure but the permanent ones (a 404,
    not a URL, a PDF: name them to try them again).

    URL: only these (permanent failures too); default: all.
    """
    settings = resolve(flags, config).settings
    code = EXIT_OK
    with _locked_state(settings, wait) as database:
        wanted = []
        for url in urls or []:
            row = database.find(url)
            if row is None:
                _unknown(url)
                code = EXIT_FAILED
            elif row.status == "failed":
                wanted.append(url)
            else:
                print(f"{printable(url)}: {row.status}, not failed ({_what_it_is(row)})")
        count = database.requeue(wanted) if wanted or not urls else 0
        left = 0 if urls else database.permanent_failures()
    if wanted or not urls:
        print(f"{count} failed article{'s' if count != 1 else ''} queued for the next run")
    if left:
        one = left == 1
        print(
            f"{left} permanent failure{'' if one else 's'} left as {'it is' if one else 'they are'}"
            f" (name {'its URL' if one else 'their URLs'} to retry {'it' if one else 'them'})"
        )
    return code


def _what_it_is(row: Row) -> str:
    if row.status == "pending":
        if row.source == "config" or row.queued:
            return "the next run takes it"
        if row.source.startswith(("http://", "https://")):
            return f"the next run or warnews feed of {row.source} takes it"
        return "a one-off: warnews fetch URL takes it"
    where = f"{row.output_path}" if row.output_path else "no file"
    return f"{where}; warnews fetch --force URL redoes it" if row.status in ("done", "skipped") else where


STATUSES = ("done", "failed", "skipped", "pending")
# `list` and `export` take a source the same way.
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        metavar="SOURCE",
        help='Only what this brought: a feed URL, a channel (@name), "config", "command line".',
    ),
]


@app.command("list", short_help="List the articles warnews knows, newest first.")
@_with_settings("list")
def list_articles(
    status_filter: Annotated[
        str | None,
        typer.Option("--status", metavar="STATUS", help="Only done, failed, skipped or pending articles."),
    ] = None,
    source: SourceOption = None,
    limit: Annotated[str | None, typer.Option("--limit", metavar="N", help="At most N articles.")] = None,
    json_lines: Annotated[
        bool, typer.Option("--json", help="One JSON object per article (JSON Lines).")
    ] = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """List the articles of the state database, the most recently changed first: status,
    date, URL, file (or the error), title, source, tab-separated."""
    from ._report import article_line, safe_json
    from ._state import State, exists

    if status_filter is not None and status_filter not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}, not {status_filter!r}")
    most = _number_option(limit, "--limit", int, 1)
    settings = resolve(flags, config).settings
    if not exists(settings.state):
        # An empty list (stdout carries data only), and why, as status says it.
        print(f"warnews: no state database at {settings.state} yet: nothing has run", file=sys.stderr)
        return EXIT_OK
    database = State(settings.state, settings.host, settings.lease)
    try:
        articles = database.articles(
            status_filter, _source_key(source, settings), None if most is None else int(most)
        )
    finally:
        database.close()
    for article in articles:
        print(safe_json(article) if json_lines else article_line(article))
    return EXIT_OK


EXPORT_FORMATS = ("jsonl", "csv", "atom")


@app.command(
    "export",
    short_help="Write the state's articles as an Atom feed, JSON Lines or CSV.",
    epilog=(
        "Examples:\n\n"
        "  warnews export --format atom -o feed.xml\n\n"
        "  warnews export --since 7d --source @kyivnews\n\n"
        "  warnews export --format csv --status failed -o failed.csv"
    ),
)
@_with_settings("export")
def export(
    format_name: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="jsonl, csv or atom.")
    ] = "jsonl",
    output: Annotated[
        str | None,
        typer.Option(
            "-o", "--output", metavar="FILE", help="Write FILE (atomically) instead of stdout (-: stdout)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Only articles of this day or later (YYYY-MM-DD, or 7d)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="DATE", help="Only articles of this day or earlier (YYYY-MM-DD, or 7d)."
        ),
    ] = None,
    source: SourceOption = None,
    status_filter: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="Only done, failed, skipped or pending articles (atom: done only).",
        ),
    ] = None,
    limit: Annotated[
        str | None, typer.Option("--limit", metavar="N", help="At most N articles (atom: atom_items).")
    ] = None,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Write the articles of the state database, newest first (by publication date, then by
    when saved): the Atom feed the `atom` setting keeps (done articles), or every status as
    JSON Lines or CSV (`warnews list --json`'s keys, and made, language, engine,
    file_published, original_title)."""
    from ._export import atom_feed, csv_text, jsonl, load
    from ._settings import is_state_file
    from ._state import State, exists
    from ._store import write_atomic

    if format_name not in EXPORT_FORMATS:
        raise UsageError(
            f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {printable(format_name)!r}"
        )
    if status_filter is not None and status_filter not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}, not {printable(status_filter)!r}")
    if format_name == "atom" and status_filter not in (None, "done"):
        raise UsageError("an Atom feed holds done articles only: --status done, or --format jsonl or csv")
    if output == "":
        raise UsageError("-o needs a file name (or -, standard output)")
    output = None if output == "-" else output
    most = _number_option(limit, "--limit", int, 1)
    first, last = _day_option(since, "--since"), _day_option(until, "--until")
    settings = resolve(flags, config).settings
    if (
        output is not None
        and isinstance(settings.state, Path)
        and is_state_file(Path(output), settings.state)
    ):
        raise UsageError(f"-o {printable(output)!r} is the state database: the export would replace it")
    if not exists(settings.state):  # nothing written, nothing created: status says the same
        print(f"warnews: no state database at {settings.state} yet: nothing has run", file=sys.stderr)
        return EXIT_OK
    database = State(settings.state, settings.host, settings.lease)
    try:
        left, key = 0, _source_key(source, settings)
        if format_name == "atom":
            text, left = atom_feed(database, int(most or settings.atom_items), key, first, last)
        else:
            items = load(database, status_filter, key, first, last)
            chosen = list(items if most is None else itertools.islice(items, int(most)))
            text = jsonl(chosen) if format_name == "jsonl" else csv_text(chosen)
    finally:
        database.close()
    if format_name == "atom" and left:
        say(
            "warning",
            f"{left} done article{'s' if left != 1 else ''} left out of the feed: saved before warnews"
            f" kept records (schema 5), and {'its file is' if left == 1 else 'their files are'} gone",
        )
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(Path(output), text)
    return EXIT_OK


def _day_option(value: str | None, option: str) -> date | None:
    """A --since or --until day: YYYY-MM-DD, or days back (7d)."""
    from ._settings import read_day

    try:
        return None if value is None else read_day(value)
    except ValueError as error:
        raise UsageError(f"bad value for {option}: {error}") from None


def _source_key(source: str | None, settings: Settings) -> str | None:
    """A source as the state names it: a channel however it is named (@name, t.me/NAME)."""
    if source is None:
        return None
    from .sources.telegram import address

    channel = address(source, settings.telegram_url)
    return channel.key if channel is not None and channel.refusal is None else source


@app.command(short_help="Show what warnews knows about one URL.")
@_with_settings("show")
def show(
    url: Annotated[str, typer.Argument(metavar="URL", show_default=False, hidden=True)],
    json_output: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
    config: ConfigFile = None,
    *,
    flags: dict[str, str],
) -> int:
    """Everything the state database knows about one URL (matched as warnews matches URLs:
    tracking parameters, www. and the scheme do not count). Exit 1 if it is unknown."""
    from ._report import safe_json, show_lines
    from ._state import State, exists

    settings = resolve(flags, config).settings
    record = None
    if exists(settings.state):
        database = State(settings.state, settings.host, settings.lease)
        try:
            record = database.describe(url, settings.retry_delay, settings.max_attempts)
        finally:
            database.close()
    if record is None:
        _unknown(url)
        return EXIT_FAILED
    if json_output:
        print(safe_json(record, indent=2))
        return EXIT_OK
    print(*show_lines(record), sep="\n")
    return EXIT_OK


@app.command(short_help="Forget URLs, so that they are fetched again.")
@_with_settings("forget")
def forget(
    urls: Annotated[list[str], typer.Argument(metavar="URL", show_default=False, hidden=True)],
    config: ConfigFile = None,
    wait: Wait = False,
    *,
    flags: dict[str, str],
) -> int:
    """Forget articles, so that they are fetched again like new ones; their files stay on
    disk. Exit 1 if a URL is unknown."""
    from ._state import exists

    settings = resolve(flags, config).settings
    if not exists(settings.state):
        for url in urls:
            _unknown(url)
        return EXIT_FAILED
    with _locked_state(settings, wait) as database:
        forgotten, unknown = database.forget(urls)
    for row in forgotten:
        kept = f"its file stays: {row.output_path}" if row.output_path else "it had no file"
        print(f"forgotten: {printable(row.url)} ({printable(kept)})")
    for url in unknown:
        _unknown(url)
    return EXIT_FAILED if unknown else EXIT_OK


def _utf8_stdout() -> None:
    """What warnews prints is UTF-8, as its files are (documents, the Atom feed, CSV),
    whatever the locale says: a pipe gets it as such, and a terminal that cannot show a
    character gets an escape for it, never a traceback."""
    stream = sys.stdout
    if not isinstance(stream, io.TextIOWrapper) or stream.encoding.lower().replace("-", "") == "utf8":
        return
    if stream.isatty():
        stream.reconfigure(errors="backslashreplace")
    else:
        stream.reconfigure(encoding="utf-8")


def main() -> None:
    """Entry point: one line on stderr and a documented exit code for every failure."""
    faulthandler.enable(file=sys.stderr, all_threads=True)  # a crash leaves its traceback
    warnings.showwarning = _show_warning
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    _utf8_stdout()
    _plain_values()
    try:
        code = app(standalone_mode=False)
    except typer.Exit as stop:
        code = stop.exit_code
    except typer.TyperException as error:  # the command line itself is wrong
        if type(error).__name__ == "NoArgsIsHelpError":
            print(error.format_message(), file=sys.stderr)
        else:
            context = getattr(error, "ctx", None)
            hint = f" (see: {context.command_path} --help)" if context is not None else ""
            say("error", f"{error.format_message()}{hint}")
        code = EXIT_USAGE
    except WarnewsError as error:
        say("error", str(error))
        code = exit_code(error)
    except (KeyboardInterrupt, typer.Abort):  # typer's Abort: Ctrl-C at a prompt
        say("error", why_stopped())
        code = exit_code(KeyboardInterrupt())
    _exit(code if isinstance(code, int) else EXIT_OK)


def _plain_values() -> None:
    """Typer checks every value through a pydantic TypeAdapter: importing pydantic and
    building the adapters is ~60 ms of every run. warnews's options are text, switches,
    paths and lists of text, which arrive as text: those values are taken as they are (a
    path made a Path and checked by Typer), exactly what pydantic returns for them; any
    other value, or another Typer (whose internals these are), goes through Typer's own."""
    try:
        from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
        from typer._param_types import coerce_cli_path
        from typer.core import _TyperParameter
    except ImportError:
        return
    if not hasattr(_TyperParameter, "get_runtime_param"):
        return

    try:  # another Typer's RuntimeParam (not a dataclass, or not frozen): its own way

        @dataclasses.dataclass(frozen=True)
        class Plain(RuntimeParam):
            descriptor: TypeDescriptor

            def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
                if self.annotation is str and isinstance(value, str):
                    return value
                if self.annotation is Path and isinstance(value, str):
                    try:
                        return coerce_cli_path(
                            Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
                        )
                    except (TypeError, AttributeError):  # another Typer's signature: its own way
                        pass
                if (
                    self.annotation == list[str]
                    and isinstance(value, list | tuple)
                    and all(isinstance(item, str) for item in value)
                ):
                    return list(value)
                return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
    except (TypeError, AttributeError, ValueError):
        return

    typers_own = _TyperParameter.get_runtime_param

    def get_runtime_param(self: Any) -> RuntimeParam:
        described, info = self.type_descriptor, self.type_descriptor.parameter_info
        plain = described.annotation in (str, bool, Path, list[str]) and described.file_annotation is None
        if self._runtime_param is None and plain and info.parser is None and info.path_type is None:
            try:
                self._runtime_param = Plain(
                    parameter_info=info, annotation=described.annotation, descriptor=described
                )
            except (TypeError, AttributeError):  # another Typer's RuntimeParam: its own way
                pass
        return typers_own(self)

    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, *args: Any, **kwargs: Any
) -> None:
    """A skipped engine plugin is one warning line (engines.PluginWarning); any other
    warning is Python's own."""
    if category.__name__ == "PluginWarning":  # by name: importing the engines here would cost --help
        say("warning", str(message))
    else:
        _python_warning(message, category, filename, lineno, *args, **kwargs)


_python_warning = warnings.showwarning


def _exit(code: int) -> None:
    """Exit now, without the interpreter's finalization: everything of the run is closed
    by then, but worker threads that a stop left on the network are not, and finalizing
    around them can abort the process; and finalization puts the default signal handlers
    back, so a second SIGTERM would kill the process instead of exiting 143."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)
