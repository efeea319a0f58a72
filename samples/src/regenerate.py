"""Make the English files in samples/out again with the installed warnews.

There is no internet here, so warnews talks to the local emulation of Google's mobile page
from tests/e2e/translators.py, loaded with the reference translations in phrasebook.json. Run
with the Python of the environment warnews is installed in:

    .venv/bin/python samples/src/regenerate.py [OUT_DIR]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SOURCES = Path(__file__).resolve().parent
SAMPLES = SOURCES.parent
INPUTS = ["energy.html", "volunteers.html", "school.txt", "grain.txt"]
MADE = "1717200000"  # 2024-06-01 UTC: the day the sample files say they were made
sys.path.insert(0, str(SAMPLES.parent / "tests" / "e2e"))

from translators import GoogleEmulator  # noqa: E402


def regenerate(out: Path) -> list[dict[str, object]]:
    """Translate every sample into out; return each sidecar."""
    phrasebook = json.loads((SOURCES / "phrasebook.json").read_text(encoding="utf-8"))
    warnews = Path(sys.executable).parent / "warnews"
    with GoogleEmulator(phrasebook) as google:
        env = {**os.environ, "WARNEWS_GOOGLE_URL": google.base_url, "SOURCE_DATE_EPOCH": MADE}
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(name, None)
        result = subprocess.run(
            [str(warnews), "translate", *INPUTS, "-o", str(out), "--credit", "OFP", "--no-cache"],
            cwd=SAMPLES,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or google.rejected:
            raise SystemExit(f"warnews failed ({result.returncode}): {result.stderr}")
    paths = [Path(line) for line in result.stdout.splitlines()]
    return [json.loads((out / path.name).with_suffix(".json").read_text(encoding="utf-8")) for path in paths]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES / "out"
    for meta in regenerate(out.resolve()):
        print(
            f"{meta['source']}: {meta['paragraphs']} paragraphs, {meta['translator_requests']} requests -> {meta['file']}"
        )


if __name__ == "__main__":
    main()
