"""Throughput of warnews over many articles, beside the serial loop most scripts use.

    python bench/batch.py [--articles 200] [--delay 0.1] [--baseline-articles N]

Serves N Ukrainian articles and an emulation of Google's translation page (a fixed delay
per request) on 127.0.0.1, then measures, each in a process of its own:

- baseline: a plain serial loop of httpx.get + trafilatura.extract + deep-translator's
  GoogleTranslator, one call per paragraph;
- warnews: `warnews fetch -i URLS` with the translator's ceiling set high enough not to bind:
  a first run (its pace found while running, from 4 requests a second), then a run over as
  many new articles with the state the first one left (it starts at the pace learned).

It prints articles per second, translator requests per article and peak memory (max RSS)
for each, and the speed-ups; it exits 1 if the first run's speed-up is under the 10x target.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from pages import article_page, ukrainian_paragraphs  # noqa: E402
from servers import Site  # noqa: E402
from translators import GoogleEmulator  # noqa: E402

WARNEWS = Path(sys.executable).parent / "warnews"
TARGET = 10.0


@dataclass(frozen=True)
class Figures:
    name: str
    articles: int
    seconds: float
    requests: int
    peak_mib: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def serve_articles(site: Site, count: int, first: int = 0) -> list[str]:
    """count distinct articles of 8 to 12 paragraphs (about 10), numbered from first."""
    return [
        site.add(
            f"/news/{n}.html",
            article_page(
                f"Новини громади: подія номер {n}",
                ukrainian_paragraphs(8 + n % 5, seed=n * 13),
                published="2024-01-10",
            ),
        )
        for n in range(first, first + count)
    ]


def measure(
    name: str, command: list[str], env: dict[str, str], articles: int, google: GoogleEmulator
) -> Figures:
    """Run command as a child; its wall time, and its own peak RSS from wait4."""
    google.reset()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            sys.exit(f"{name} failed (exit {process.returncode}): {err.read().decode()[-2000:]}")
    return Figures(name, articles, seconds, google.count, usage.ru_maxrss / 1024)


def baseline(urls_file: str, google_url: str, out_dir: str) -> None:
    """The way most scripts do it: one article after another, one translator call per paragraph."""
    import httpx
    import trafilatura
    from deep_translator import GoogleTranslator

    for number, url in enumerate(Path(urls_file).read_text().split()):
        text = trafilatura.extract(httpx.get(url).text) or ""
        translator = GoogleTranslator(source="uk", target="en")
        translator._base_url = google_url
        english = [translator.translate(paragraph) for paragraph in text.split("\n") if paragraph.strip()]
        Path(out_dir, f"{number}.txt").write_text("\n\n".join(english))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--baseline-articles", type=int, help="run the slow baseline over the first N only")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the translator takes per request")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--baseline-worker", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.baseline_worker:
        baseline(*options.baseline_worker)
        return
    count = options.articles
    sample = min(options.baseline_articles or count, count)
    env = {key: value for key, value in os.environ.items() if "PROXY" not in key.upper()}
    env = {key: value for key, value in env.items() if not key.startswith("WARNEWS_")}
    with Site() as site, GoogleEmulator(delay=options.delay) as google, tempfile.TemporaryDirectory() as work:
        urls = serve_articles(site, 2 * count)
        Path(work, "all.txt").write_text("\n".join(urls[:count]))
        Path(work, "again.txt").write_text("\n".join(urls[count:]))
        Path(work, "sample.txt").write_text("\n".join(urls[:sample]))
        Path(work, "base").mkdir()
        base = measure(
            "baseline (serial)",
            [
                sys.executable,
                __file__,
                "--baseline-worker",
                str(Path(work, "sample.txt")),
                google.base_url,
                str(Path(work, "base")),
            ],
            env,
            sample,
            google,
        )
        env.update(
            WARNEWS_GOOGLE_URL=google.base_url,
            WARNEWS_STATE=str(Path(work, "state.sqlite3")),
            WARNEWS_CACHE="false",  # every article is new: measure translation, not the memory
        )
        c = str(options.concurrency)
        runs = []
        for name, batch in (("warnews, first run", "all.txt"), ("warnews, next run", "again.txt")):
            runs.append(
                measure(
                    name,
                    [
                        str(WARNEWS),
                        "fetch",
                        "-i",
                        str(Path(work, batch)),
                        "-o",
                        str(Path(work, "out")),
                        "--quiet",
                        "--concurrency",
                        c,
                        "--per-host",
                        c,
                        "--translator-concurrency",
                        c,
                        "--translator-rate",
                        "10000",
                    ],
                    env,
                    count,
                    google,
                )
            )
        saved = [path for path in Path(work, "out").glob("*.txt") if not path.name.startswith(".")]
        if len(saved) != 2 * count:
            sys.exit(f"warnews saved {len(saved)} of {2 * count} articles")
    delay = f"{options.delay * 1000:.0f} ms"
    print(f"warnews batch bench: {count} articles of 8-12 paragraphs, translator delay {delay} a request")
    if sample < count:
        print(f"(the baseline ran over the first {sample}; its figures are per article all the same)")
    print(f"{'':28}{'articles/s':>11}{'requests/article':>18}{'peak MiB':>10}{'seconds':>9}")
    for figures in (base, *runs):
        print(
            f"{figures.name:28}{figures.rate:11.2f}{figures.requests / figures.articles:18.2f}"
            f"{figures.peak_mib:10.0f}{figures.seconds:9.1f}"
        )
    speedup = runs[0].rate / base.rate
    print(
        f"speed-up: {speedup:.1f}x a first run (target >= {TARGET:g}x),"
        f" {runs[1].rate / base.rate:.1f}x the next"
    )
    sys.exit(0 if speedup >= TARGET else 1)


if __name__ == "__main__":
    main()
