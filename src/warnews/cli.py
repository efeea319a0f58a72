"""The command line: parse, build settings, run the pipeline, print. Nothing else."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from ._errors import UsageError, WarnewsError
from ._languages import resolve_language
from ._pipeline import Pipeline, Result
from ._settings import DEFAULT_TIMEOUT, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM

app = typer.Typer(
    name="warnews",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

Out = Annotated[
    Path, typer.Option("-o", "--out", metavar="DIR", help="Folder for the files (created if missing).")
]
ToStdout = Annotated[bool, typer.Option("--stdout", help="Print the documents instead of saving files.")]
From = Annotated[
    str | None,
    typer.Option("--from", metavar="LANG", help="Source language (code or name); default: detect."),
]
To = Annotated[str, typer.Option("--to", metavar="LANG", help="Target language (code or name).")]
Credit = Annotated[
    str | None, typer.Option("--credit", metavar="TEXT", help="Credit added to the provenance line.")
]
Proxy = Annotated[
    str | None,
    typer.Option(
        "--proxy", metavar="URL", help="Proxy URL (http, https, socks5, socks5h); overrides HTTPS_PROXY etc."
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        "--timeout", min=0.1, max=86_400, metavar="SECONDS", help="Seconds to wait on any network operation."
    ),
]


def _version(value: bool) -> None:
    if value:
        print(f"warnews {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn Ukrainian-language news into normalized English text files.

    Examples:

      warnews fetch https://www.example.com.ua/news/article-123.html

      warnews translate saved-page.html notes.txt -o ~/translations --credit OFP
    """


def _printable(text: str) -> str:
    """Escape what could drive a terminal: control characters, bidi overrides."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)


def error_line(message: str) -> None:
    print(f"warnews: error: {_printable(message)}", file=sys.stderr, flush=True)


def _settings(
    out: Path,
    to_stdout: bool,
    source: str | None,
    target: str,
    credit: str | None,
    proxy: str | None,
    timeout: float,
) -> Settings:
    return Settings(
        out_dir=out,
        to_stdout=to_stdout,
        source_language=resolve_language(source) if source else None,
        target_language=resolve_language(target),
        credit=credit,
        proxy=proxy,
        timeout=timeout,
    )


_signals: list[int] = []


def _on_sigterm(signum: int, frame: object) -> None:
    # Stop the way Ctrl-C does, so that work in hand is cleaned up on the way out.
    _signals.append(signum)
    raise KeyboardInterrupt


def _interrupted() -> int:
    error_line("terminated" if _signals else "interrupted")
    return EXIT_TERMINATED if _signals else EXIT_INTERRUPTED


def _run(settings: Settings, inputs: list[str], step: Callable[[Pipeline, str], Result]) -> int:
    failures = 0
    try:
        with Pipeline(settings) as pipeline:
            for name in inputs:
                try:
                    result = step(pipeline, name)
                except WarnewsError as error:
                    failures += 1
                    error_line(f"{name}: {error}")
                    continue
                if result.path is None:
                    sys.stdout.write(result.document)
                else:
                    print(result.path, flush=True)
    except KeyboardInterrupt:  # handled here: Typer would turn it into a silent exit
        return _interrupted()
    return EXIT_FAILED if failures else EXIT_OK


@app.command(
    epilog=(
        "Examples:\n\n"
        "  warnews fetch https://www.example.com.ua/news/article-123.html\n\n"
        "  warnews fetch URL1 URL2 -o archive --credit OFP\n\n"
        "  warnews fetch URL --stdout --proxy socks5h://127.0.0.1:9050"
    )
)
def fetch(
    urls: Annotated[
        list[str],
        typer.Argument(metavar="URL", show_default=False, help="http:// or https:// article pages."),
    ],
    out: Out = Path("."),
    to_stdout: ToStdout = False,
    source: From = None,
    target: To = "en",
    credit: Credit = None,
    proxy: Proxy = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
) -> int:
    """Download articles, translate them and save one text file each; print each file's path."""
    settings = _settings(out, to_stdout, source, target, credit, proxy, timeout)
    return _run(settings, urls, Pipeline.fetch)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  warnews translate article.txt saved-page.html\n\n"
        "  warnews translate --from uk --credit OFP - < article.txt\n\n"
        "  curl -s URL | warnews translate - --stdout"
    )
)
def translate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE", show_default=False, help="Text or HTML files; - reads standard input."
        ),
    ],
    out: Out = Path("."),
    to_stdout: ToStdout = False,
    source: From = None,
    target: To = "en",
    credit: Credit = None,
    proxy: Proxy = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
) -> int:
    """Translate local text or HTML files (UTF-8, windows-1251, KOI8-U) and save one text file each."""
    settings = _settings(out, to_stdout, source, target, credit, proxy, timeout)
    return _run(settings, files, Pipeline.translate_file)


def main() -> None:
    """Entry point: one line on stderr and a documented exit code for every failure."""
    signal.signal(signal.SIGTERM, _on_sigterm)
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
            error_line(f"{error.format_message()}{hint}")
        code = EXIT_USAGE
    except UsageError as error:
        error_line(str(error))
        code = EXIT_USAGE
    except WarnewsError as error:
        error_line(str(error))
        code = EXIT_FAILED
    except (KeyboardInterrupt, typer.Abort):
        code = _interrupted()
    sys.exit(code if isinstance(code, int) else EXIT_OK)
