"""Review of issue 15: bench/pace.py refuses what would make it run forever or fail inside."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pace.py"


@pytest.mark.parametrize(
    "arguments", [["--capacity", "0"], ["--articles", "0"], ["--delay", "-1"], ["--capacity", "nan"]]
)
def test_the_pace_bench_refuses_what_it_cannot_run(arguments):
    # Before: --capacity 0 ran for ever (every request refused), --articles 0 ran warnews
    # without a URL, --delay -1 ended in a traceback.
    result = subprocess.run(
        [sys.executable, str(BENCH), *arguments, "--backfill", "0"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2 and "error: argument" in result.stderr, result.stderr[-500:]
