"""warnews on several hosts sharing one PostgreSQL state, against one host with a SQLite state.

    python bench/scale.py [--articles 300] [--feeds 1] [--hosts 1,2,4] [--capacity 20]
                          [--delay 0.1] [--stagger 0] [--logs DIR] [--json]

Serves `articles` Ukrainian articles (4 to 6 paragraphs each, distinct across articles) on
127.0.0.1 through `feeds` RSS feeds, and starts a throwaway PostgreSQL cluster (tests/pgserver.py: initdb in a
temporary folder, no fsync; stopped at the end whatever happens). Each
warnews process stands for a host with an address of its own: it gets its own emulation of
Google's translation page (its own server, WARNEWS_GOOGLE_URL) that answers in `delay`
seconds and takes `capacity` requests in any second, answering 429 beyond, as Google does
per address. Then, each over the same articles and from nothing:

- baseline: one `warnews run` with a SQLite state;
- for each k of `hosts`: k `warnews run` processes started together (`--host host1`...;
  `--stagger S`: S seconds apart), one fresh PostgreSQL database, one shared output folder.

For each: the wall time until the last process ended, the CPU time of the processes,
articles a second, translator requests and 429s over all the emulations, the least time
the k capacities allow for the requests answered, the articles each host saved (from the
sidecars' "host"), the speed-up over the baseline, and a check: every article exactly once
on disk (the sidecars, counted by "url") and every row of the state done. It exits 1 if a
check fails or a process fails; `--json` prints the figures as JSON instead of the table.

Every host starts from nothing learned (a fresh state): its translator pace starts at 4
requests a second and finds the capacity as it goes, as the first run of pace.py does.

PostgreSQL's binaries are found on PATH, else in /usr/lib/postgresql/*/bin; run as root,
the server runs as the `postgres` user. `--logs DIR` keeps each process's log file
(WARNEWS_LOG_FILE) and stderr (with --verbose) there, named after the run and the host.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from pace import at_least  # noqa: E402  (bench/, the script's own folder)
from pages import article_page, rss, ukrainian_paragraphs  # noqa: E402
from servers import Site  # noqa: E402
from translators import GoogleEmulator  # noqa: E402

from pgserver import Database, PostgresServer, find_binaries  # noqa: E402

WARNEWS = Path(sys.executable).parent / "warnews"
TIMEOUT = 600.0  # seconds a run may take before the bench gives up on it


@dataclass(frozen=True)
class Figures:
    name: str
    hosts: int
    state: str  # sqlite or postgresql
    articles: int
    seconds: float
    cpu: float  # CPU seconds of the warnews processes, all together
    requests: int
    refused: int
    per_host: dict[str, int]  # articles saved, by the sidecar's "host"
    problems: list[str]  # what the check found wrong; empty: OK

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    def bound(self, capacity: float, delay: float) -> float:
        """The least time its answered requests take at the hosts' capacity, all together."""
        return (self.requests - self.refused) / (capacity * self.hosts) + delay


def pg_statuses(database: Database) -> Counter[str]:
    with database.connect() as connection:
        rows = connection.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall()
    return Counter({status: count for status, count in rows})


# The articles, the runs, the checks.


def serve(site: Site, count: int, feeds: int, prefix: str = "news") -> tuple[list[str], list[str]]:
    """count articles of 4 to 6 paragraphs, each paragraph its article's own (nothing for the
    translation memory or the boilerplate filter to share), through feeds RSS feeds; (article
    URLs, feed URLs)."""
    urls = [
        site.add(
            f"/{prefix}/{n}.html",
            article_page(
                f"Новини громади: подія номер {n} ({prefix})",
                [
                    f"Повідомлення {prefix} {n}, частина {index + 1}. {paragraph}"
                    for index, paragraph in enumerate(ukrainian_paragraphs(4 + n % 3, seed=n * 13))
                ],
                published="2024-01-10",
            ),
        )
        for n in range(count)
    ]
    feed_urls = [
        site.add(
            f"/{prefix}-feed/{number}.xml", rss(urls[number::feeds]), "application/rss+xml; charset=utf-8"
        )
        for number in range(feeds)
    ]
    return urls, feed_urls


def check(
    out: Path, urls: list[str], statuses: Counter[str], earlier: int = 0
) -> tuple[dict[str, int], list[str]]:
    """The articles each host saved, and what is wrong: an article not on disk or there twice
    (sidecars counted by "url"), a sidecar of no article served, a row of the state not done."""
    saved: Counter[str] = Counter()
    hosts: Counter[str] = Counter()
    for sidecar in out.rglob("*.json"):
        if sidecar.name.startswith("."):
            continue
        meta = json.loads(sidecar.read_text())
        saved[meta.get("url")] += 1
        hosts[meta.get("host") or "-"] += 1
    problems = []
    missing = [url for url in urls if url not in saved]
    twice = [url for url, count in saved.items() if count > 1]
    strangers = set(saved) - set(urls)
    if missing:
        problems.append(f"{len(missing)} articles not on disk (e.g. {missing[0]})")
    if twice:
        problems.append(f"{len(twice)} articles on disk more than once (e.g. {twice[0]})")
    if strangers:
        problems.append(
            f"{len(strangers)} sidecars of no article served (e.g. {sorted(map(str, strangers))[0]})"
        )
    if statuses != Counter(done=len(urls) + earlier):  # earlier: the articles of the warm-up run
        problems.append(f"state rows {dict(statuses)}, expected {len(urls) + earlier} done")
    return dict(sorted(hosts.items())), problems


def sqlite_statuses(path: Path) -> Counter[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall()
    return Counter({status: count for status, count in rows})


def run_hosts(
    name: str,
    state: str,
    googles: list[GoogleEmulator],
    work: Path,
    feeds: list[str],
    articles: int,
    logs: Path,
    verbose: bool,
    stagger: float,
) -> tuple[float, float]:
    """len(googles) `warnews run` processes started together (stagger seconds apart) on one
    state, each with its own translator; the seconds until the last ended, and the CPU
    seconds they used. Exits the bench if one fails."""
    config = work / f"{name}.toml"
    config.write_text(
        f"feeds = {json.dumps(feeds)}\nout = {json.dumps(str(work / name))}\nfeed_items = {articles}\n"
    )
    base = {key: value for key, value in os.environ.items() if "PROXY" not in key.upper()}
    base = {key: value for key, value in base.items() if not key.startswith("WARNEWS_")}
    home = work / f"{name}-home"  # no config, memory or state of the user's
    base.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
    )
    processes = []
    for google in googles:
        google.reset()
    started = time.perf_counter()
    cpu = _children_cpu()
    for number, google in enumerate(googles, 1):
        host = f"host{number}"
        if number > 1 and stagger:
            time.sleep(stagger)
        env = dict(
            base, WARNEWS_GOOGLE_URL=google.base_url, WARNEWS_LOG_FILE=str(logs / f"{name}-{host}.log")
        )
        command = [str(WARNEWS), "run", "--config", str(config), "--state", state, "--host", host]
        command.append("--verbose" if verbose else "--quiet")
        err = open(logs / f"{name}-{host}.stderr", "w+b")  # closed below
        processes.append(
            (host, subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err), err)
        )
    failures = []
    for host, process, err in processes:
        try:
            code = process.wait(timeout=max(1.0, TIMEOUT - (time.perf_counter() - started)))
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
            failures.append(f"{name} {host}: still running after {TIMEOUT:.0f} s, killed")
        if code != 0:
            err.seek(0)
            failures.append(
                f"{name} {host} failed (exit {code}): {err.read().decode(errors='replace')[-1500:]}"
            )
        err.close()
    seconds = time.perf_counter() - started
    if failures:
        sys.exit("\n".join(failures))
    return seconds, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _hosts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not counts or not all(1 <= count <= 32 for count in counts):
        raise argparse.ArgumentTypeError(f"each from 1 to 32: {text!r}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=at_least(int, 1), default=300)
    parser.add_argument(
        "--feeds", type=at_least(int, 1), default=1, help="RSS feeds the articles are split over"
    )
    parser.add_argument("--hosts", type=_hosts, default=[1, 2, 4], help="host counts, e.g. 1,2,4")
    parser.add_argument(
        "--capacity", type=at_least(float, 0.5), default=20.0, help="requests a second each translator takes"
    )
    parser.add_argument(
        "--delay", type=at_least(float, 0.0), default=0.1, help="seconds a translator takes per request"
    )
    parser.add_argument(
        "--stagger",
        type=at_least(float, 0.0),
        default=0.0,
        help="seconds between one host's start and the next's (0: all at once)",
    )
    parser.add_argument(
        "--warm",
        type=at_least(int, 0),
        default=0,
        help="articles of a first run on each state before the one measured, so that each host"
        " starts at the translator pace it learned (as a cron run after the first does); 0: none",
    )
    parser.add_argument("--logs", type=Path, help="keep each process's log file and stderr in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    count, feeds_count = options.articles, min(options.feeds, options.articles)
    figures: list[Figures] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="warnews-scale")))
        logs = options.logs or work / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        site = stack.enter_context(Site())
        googles = [
            stack.enter_context(GoogleEmulator(delay=options.delay)) for _ in range(max(options.hosts))
        ]
        for google in googles:
            google.capacity = options.capacity
        urls, feeds = serve(site, count, feeds_count)
        _, warm_feeds = serve(site, options.warm, 1, "warm") if options.warm else ([], [])
        binaries = find_binaries()
        if binaries is None:
            sys.exit("no PostgreSQL server found (initdb, pg_ctl): apt-get install postgresql")
        postgres = PostgresServer(binaries)
        stack.callback(postgres.stop)
        postgres.start()

        def measure(name: str, state: str, k: int, statuses: Callable[[], Counter[str]]) -> None:
            used = googles[:k]
            if warm_feeds:  # a first run over other articles: each host learns its pace
                run_hosts(f"{name}-warm", state, used, work, warm_feeds, options.warm, logs, False, 0.0)
            seconds, cpu = run_hosts(
                name, state, used, work, feeds, count, logs, options.logs is not None, options.stagger
            )
            per_host, problems = check(work / name, urls, statuses(), options.warm)
            figures.append(
                Figures(
                    name,
                    k,
                    "postgresql" if state.startswith("postgresql") else "sqlite",
                    count,
                    seconds,
                    cpu,
                    sum(google.count for google in used),
                    sum(google.over_capacity for google in used),
                    per_host,
                    problems,
                )
            )

        sqlite_path = work / "baseline.sqlite3"
        measure("baseline", str(sqlite_path), 1, lambda: sqlite_statuses(sqlite_path))
        for number, k in enumerate(options.hosts):
            name = f"k{k}" if options.hosts.count(k) == 1 else f"k{k}-{number + 1}"
            database = postgres.database()
            measure(name, database.url, k, lambda database=database: pg_statuses(database))
    base = figures[0]
    failed = any(row.problems for row in figures)
    if options.json:
        print(
            json.dumps(
                {
                    "articles": count,
                    "feeds": feeds_count,
                    "capacity": options.capacity,
                    "delay": options.delay,
                    "runs": [
                        {
                            **asdict(row),
                            "rate": row.rate,
                            "capacity_allows": row.bound(options.capacity, options.delay),
                            "speedup": base.seconds / row.seconds,
                            "ok": not row.problems,
                        }
                        for row in figures
                    ],
                },
                indent=2,
            )
        )
        sys.exit(1 if failed else 0)
    print(
        f"warnews scale bench: {count} articles of 4-6 paragraphs through {feeds_count} RSS feed(s)"
        f"{f', after a first run of {options.warm} others on each state' if options.warm else ''};"
        f" each host's own translator answers in {options.delay * 1000:.0f} ms and takes"
        f" {options.capacity:g} requests a second (429 beyond)\n"
    )
    print(
        "| run | state | hosts | seconds | CPU s | articles/s | requests | 429s | capacity allows"
        " | speed-up | articles per host | check |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for row in figures:
        split = " ".join(f"{host}:{n}" for host, n in row.per_host.items())
        verdict = "OK" if not row.problems else "FAIL"
        bound = row.bound(options.capacity, options.delay)
        print(
            f"| {row.name} | {row.state} | {row.hosts} | {row.seconds:.1f} | {row.cpu:.1f} | {row.rate:.1f}"
            f" | {row.requests} | {row.refused} | {bound:.1f} s | {base.seconds / row.seconds:.2f}x"
            f" | {split} | {verdict} |"
        )
    for row in figures:
        idle = row.hosts - len(row.per_host)
        if row.state == "postgresql" and idle > 0:
            print(f"note {row.name}: {idle} of {row.hosts} hosts saved nothing (see --logs)")
    for row in figures:
        for problem in row.problems:
            print(f"FAIL {row.name}: {problem}")
    print("FAIL" if failed else "OK: every article exactly once on disk and done in the state, in every run")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
