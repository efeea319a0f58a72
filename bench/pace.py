"""warnews's translator pace against a translator that takes only so many requests a second.

    python bench/pace.py [--articles 63] [--capacity 20] [--delay 0.1] [--backfill 1000]

Serves Ukrainian articles and an emulation of Google's translation page on 127.0.0.1 that
answers in `delay` seconds and takes `capacity` requests in any second from this address,
answering 429 (without Retry-After, as Google's free endpoint does) beyond. Then runs, each
in a process of its own, over the same articles:

- the naive serial loop most scripts are: one article after another, one translator call
  per paragraph (deep-translator's GoogleTranslator), a second's sleep after a 429;
- warnews at the fixed pace of earlier versions (`--translator-rate 4`, now a ceiling);
- warnews with its default settings, a first run (nothing learned yet);
- warnews with its default settings again, over as many new articles, with the state the
  first run left: it starts at the pace the first one ended at;
- a backfill: warnews with its defaults over `--backfill` more articles (0 to skip).

For each: seconds, translator requests, 429s (and their share of requests), and the time
the capacity itself allows for that many requests (the requests answered / capacity, plus
one answer's delay). It exits 1 if the
429s of a default run after the first (which finds the pace) are over 2% of its requests,
or if the run with the learned pace takes over twice the time the capacity allows (plus
the translator's delay).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from batch import serve_articles  # noqa: E402  (bench/, the script's own folder)
from servers import Site  # noqa: E402
from translators import GoogleEmulator  # noqa: E402

WARNEWS = Path(sys.executable).parent / "warnews"
MAX_REFUSED = 0.02  # the bar: at most 2% of requests answered 429


@dataclass(frozen=True)
class Figures:
    name: str
    articles: int
    seconds: float
    requests: int
    refused: int

    def bound(self, capacity: float, delay: float) -> float:
        """The least time `requests` can take at the capacity."""
        return (self.requests - self.refused) / capacity + delay


def measure(
    name: str, command: list[str], env: dict[str, str], articles: int, google: GoogleEmulator
) -> Figures:
    google.reset()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            err.seek(0)
            sys.exit(f"{name} failed (exit {result.returncode}): {err.read().decode()[-2000:]}")
    return Figures(name, articles, seconds, google.count, google.over_capacity)


def naive(urls_file: str, google_url: str) -> None:
    """One article after another, one translator call per paragraph, a second's sleep after a 429."""
    import httpx
    import trafilatura
    from deep_translator import GoogleTranslator
    from deep_translator.exceptions import TooManyRequests

    translator = GoogleTranslator(source="uk", target="en")
    translator._base_url = google_url
    for url in Path(urls_file).read_text().split():
        text = trafilatura.extract(httpx.get(url).text) or ""
        for paragraph in (line for line in text.split("\n") if line.strip()):
            while True:
                try:
                    translator.translate(paragraph)
                    break
                except TooManyRequests:
                    time.sleep(1.0)


def at_least(kind: type, least: float) -> Callable[[str], float]:
    """An argparse type: a number of `kind` no smaller than least (a capacity of 0 would
    refuse every request and the runs would never end; 0 articles run nothing)."""

    def read(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (value >= least and value < float("inf")):
            raise argparse.ArgumentTypeError(f"must be at least {least}: {text!r}")
        return value

    return read


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=at_least(int, 1), default=63)
    parser.add_argument(
        "--capacity", type=at_least(float, 0.5), default=20.0, help="requests a second the translator takes"
    )
    parser.add_argument(
        "--delay", type=at_least(float, 0.0), default=0.1, help="seconds the translator takes per request"
    )
    parser.add_argument(
        "--backfill", type=at_least(int, 0), default=1000, help="articles of the backfill run (0: none)"
    )
    parser.add_argument("--naive-worker", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.naive_worker:
        naive(*options.naive_worker)
        return
    count = options.articles
    env = {key: value for key, value in os.environ.items() if "PROXY" not in key.upper()}
    env = {key: value for key, value in env.items() if not key.startswith("WARNEWS_")}
    figures: list[Figures] = []
    with Site() as site, GoogleEmulator(delay=options.delay) as google, tempfile.TemporaryDirectory() as work:
        google.capacity = options.capacity
        batches = {
            "first": serve_articles(site, count),
            "again": serve_articles(site, count, first=count),
            "backfill": serve_articles(site, options.backfill, first=2 * count),
        }
        for name, urls in batches.items():
            Path(work, f"{name}.txt").write_text("\n".join(urls))
        figures.append(
            measure(
                "naive serial loop",
                [sys.executable, __file__, "--naive-worker", str(Path(work, "first.txt")), google.base_url],
                env,
                count,
                google,
            )
        )
        env.update(WARNEWS_GOOGLE_URL=google.base_url, WARNEWS_CACHE="false")

        def warnews(name: str, batch: str, state: str, *flags: str) -> Figures:
            command = [str(WARNEWS), "fetch", "-i", str(Path(work, f"{batch}.txt")), "--quiet"]
            command += ["-o", str(Path(work, state)), "--state", str(Path(work, f"{state}.sqlite3")), *flags]
            return measure(name, command, env, len(batches[batch]), google)

        figures.append(
            warnews("warnews, fixed pace 4/s (before)", "first", "fixed", "--translator-rate", "4")
        )
        figures.append(warnews("warnews defaults, first run", "first", "learning"))
        figures.append(warnews("warnews defaults, next run", "again", "learning"))
        if options.backfill:
            figures.append(warnews("warnews defaults, backfill", "backfill", "learning"))
    print(
        f"warnews pace bench: {count} articles of 8-12 paragraphs; the translator answers in "
        f"{options.delay * 1000:.0f} ms and takes {options.capacity:g} requests a second (429 beyond)"
    )
    print(
        f"{'':36}{'articles':>9}{'seconds':>9}{'requests':>10}{'429s':>7}{'429 %':>7}{'capacity allows':>17}"
    )
    for row in figures:
        bound = row.bound(options.capacity, options.delay)
        print(
            f"{row.name:36}{row.articles:9}{row.seconds:9.1f}{row.requests:10}{row.refused:7}"
            f"{100 * row.refused / max(row.requests, 1):7.1f}{bound:15.1f} s"
        )
    defaults = [row for row in figures if "defaults" in row.name]
    # A first run finds the pace (a 429 or three where it first meets the capacity); the
    # bar is for the runs after it and for backfills.
    storms = [row.name for row in defaults[1:] if row.refused > MAX_REFUSED * row.requests]
    again = next(row for row in defaults if "next run" in row.name)
    slow = again.seconds > 2 * again.bound(options.capacity, options.delay)
    if storms:
        print(f"over {MAX_REFUSED:.0%} of requests refused: {', '.join(storms)}")
    if slow:
        print("the run with the learned pace took over twice what the capacity allows")
    sys.exit(1 if storms or slow else 0)


if __name__ == "__main__":
    main()
