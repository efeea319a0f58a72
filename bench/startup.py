"""How long `warnews --help` takes to start, beside Python alone and Typer alone.

    python bench/startup.py [--runs 20] [--goal 0.30]

Each command runs `--runs` times in a fresh process (the best and the median wall-clock
time are shown; the best is the least disturbed by other work on the machine):

- `python -c pass`: the interpreter alone;
- `python -c "import typer"`: the command-line library alone;
- `warnews --help`, `warnews --version`, `warnews fetch --help` (the installed command);

then lists the modules `warnews --help` imports beyond Typer's (from -X importtime), with
the heaviest first, and which of the libraries a command needs (deep-translator, bs4,
trafilatura, lxml, feedparser, langdetect, httpx, rich, SQLite) it imported: none should be.

Exits 1 if the median of `warnews --help` is over the goal or a command's library is imported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

WARNEWS = Path(sys.executable).parent / "warnews"
HEAVY = (
    "deep_translator",
    "bs4",
    "requests",
    "trafilatura",
    "lxml",
    "feedparser",
    "langdetect",
    "httpx",
    "httpcore",
    "rich",
    "sqlite3",
    "publicsuffixlist",
)


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """(best, median) seconds of `runs` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def imports(command: list[str]) -> dict[str, int]:
    """Modules a command imports, with their own import time in microseconds."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=True
    )
    found = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            own, _, name = line.removeprefix("import time:").split("|")
            if own.strip().isdigit():
                found[name.strip()] = int(own)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--goal", type=float, default=0.30, help="seconds for warnews --help")
    options = parser.parse_args()
    python = sys.executable
    commands = {
        "python -c pass": [python, "-c", "pass"],
        'python -c "import typer"': [python, "-c", "import typer"],
        "warnews --help": [str(WARNEWS), "--help"],
        "warnews --version": [str(WARNEWS), "--version"],
        "warnews fetch --help": [str(WARNEWS), "fetch", "--help"],
    }
    print(f"{'command':<28} {'best':>8} {'median':>8}")
    medians = {}
    for label, command in commands.items():
        best, median = timed(command, options.runs)
        medians[label] = median
        print(f"{label:<28} {best:>7.3f}s {median:>7.3f}s")

    typer_modules = imports(["-c", "import typer"])
    help_modules = imports(["-m", "warnews", "--help"])
    extra = {name: own for name, own in help_modules.items() if name not in typer_modules}
    print(f"\nwarnews --help imports {len(help_modules)} modules, {len(extra)} beyond typer's; the heaviest:")
    for name, own in sorted(extra.items(), key=lambda item: -item[1])[:12]:
        print(f"  {own / 1000:6.1f} ms  {name}")
    heavy = sorted({name.split(".")[0] for name in help_modules} & set(HEAVY))
    print(f"libraries a command needs, imported by --help: {', '.join(heavy) or 'none'}")

    slow = medians["warnews --help"] > options.goal
    if slow:
        print(f"warnews --help: {medians['warnews --help']:.3f}s, over the {options.goal:.2f}s goal")
    return 1 if slow or heavy else 0


if __name__ == "__main__":
    sys.exit(main())
