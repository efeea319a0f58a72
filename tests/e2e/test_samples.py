"""The committed samples are warnews's real output, in exactly the seed's layout."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# The seed the output format is modelled on, as given (../shared/examples/), kept here so CI reads it.
SEED = SAMPLES / "seed" / "translated-article.txt"
LAYOUT = re.compile(
    r"date \d{4}-\d{2}-\d{2} (\d{2}/\d{2}/\d{4}|unknown) \u2013 Translated from [A-Z][a-z]+ via [A-Z]\w+( and \S.*)?\n"
    r"\n"
    r"([^\s\n](?:[^\n]*[^\s\n])?\n\n)*[^\s\n](?:[^\n]*[^\s\n])?\n"
)
OUTPUTS = sorted((SAMPLES / "out").glob("*.txt"))


def test_there_are_samples():
    assert len(OUTPUTS) == 4


@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.name)
def test_sample_has_the_seed_layout(path):
    assert LAYOUT.fullmatch(path.read_text(encoding="utf-8"))


def test_the_layout_is_the_seeds():
    # The seed's leading space and trailing blank line are copying artifacts (shared/NOTES.md).
    seed = SEED.read_text(encoding="utf-8").strip(" ").rstrip("\n") + "\n"
    assert LAYOUT.fullmatch(seed)


def test_samples_regenerate_identically(tmp_path):
    script = SAMPLES / "src" / "regenerate.py"
    result = subprocess.run([sys.executable, script, tmp_path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for path in OUTPUTS:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            path.name
        )
        made, committed = (
            json.loads(p.with_suffix(".json").read_text()) for p in (tmp_path / path.name, path)
        )
        made.pop("source_id"), committed.pop("source_id")  # absolute paths differ between checkouts
        assert made == committed
    assert "grain.txt: 16 paragraphs, 4 requests" in result.stdout


def test_samples_cover_the_legacy_encodings():
    encodings = {
        json.loads(p.with_suffix(".json").read_text())["source"]: json.loads(
            p.with_suffix(".json").read_text()
        )["source_encoding"]
        for p in OUTPUTS
    }
    assert encodings == {
        "energy.html": "utf-8",
        "volunteers.html": "windows-1251",
        "school.txt": "koi8_u",
        "grain.txt": "utf-8",
    }
