"""Ukrainian and Russian told apart in short channel posts, with and without the channel prior.

    python bench/channel_language.py [--channels 25] [--seed 13] [--split test|tune|all] [--sweep]

Real sentences (bench/data/sentences-uk.txt and -ru.txt, 1,000 each, from lingua's test
data; see bench/data/README.md) are drawn at random (seeded) into posts of 1, 2 and 3
sentences, and the posts into channels of 20: pure Ukrainian, pure Russian, and mixed (a
Ukrainian channel in which 4 posts of 20 are Russian). For each post it compares:

- (a) alone: `detect_language([post])`, what warnews does for an article today;
- (b) channel: `detect_language([post], prior=language_prior(channel's posts))`;

and, in the same run, (c) whole articles of 10 to 15 sentences (paragraphs of 1 to 3
sentences) with `detect_language(paragraphs)`.

The issue's bar: on posts of one to three sentences, (b) tells uk and ru apart at least as
well as (c) does on articles, in pure channels; and in mixed channels the Russian posts keep
their own language (b no worse than a). Exits 1 if either fails.

The floors of the weighing in warnews._detect were chosen with `--sweep --split tune` (the
even-numbered sentences); the table is reported on the odd-numbered ones (`--split test`).
langdetect's answers are cached per text within the run (they are deterministic: seeded on
every call), so a post detected alone and again with its prior costs one detection.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import sys
import time
from pathlib import Path

from warnews import _detect
from warnews._detect import detect_language, language_prior

DATA = Path(__file__).resolve().parent / "data"
CHANNEL_POSTS = 20
MIXED_RUSSIAN_POSTS = 4  # of 20: 20% Russian posts in a Ukrainian channel
POST_SENTENCES = (1, 2, 3)
ARTICLE_SENTENCES = (10, 15)

_detect._langdetect = functools.lru_cache(maxsize=None)(_detect._langdetect)  # type: ignore[assignment]


def sentences(language: str, split: str) -> list[str]:
    lines = [line.strip() for line in (DATA / f"sentences-{language}.txt").read_text("utf-8").splitlines()]
    lines = [line for line in lines if line]
    if split == "tune":
        return lines[0::2]
    if split == "test":
        return lines[1::2]
    return lines


Post = tuple[str, str]  # (true language, text)


def channels(
    pools: dict[str, list[str]], kind: str, size: int, count: int, rng: random.Random
) -> list[list[Post]]:
    """`count` channels of CHANNEL_POSTS posts of `size` sentences each."""
    made = []
    for _ in range(count):
        if kind == "mixed":
            languages = ["uk"] * (CHANNEL_POSTS - MIXED_RUSSIAN_POSTS) + ["ru"] * MIXED_RUSSIAN_POSTS
            rng.shuffle(languages)
        else:
            languages = [kind] * CHANNEL_POSTS
        made.append([(language, " ".join(rng.sample(pools[language], size))) for language in languages])
    return made


def articles(pools: dict[str, list[str]], language: str, count: int, rng: random.Random) -> list[list[str]]:
    made = []
    for _ in range(count):
        chosen = rng.sample(pools[language], rng.randint(*ARTICLE_SENTENCES))
        paragraphs = []
        while chosen:
            take = rng.randint(1, 3)
            paragraphs.append(" ".join(chosen[:take]))
            chosen = chosen[take:]
        made.append(paragraphs)
    return made


class Tally:
    def __init__(self) -> None:
        self.right = 0
        self.total = 0
        self.by_channel = 0  # method "channel"

    def add(self, right: bool, method: str = "") -> None:
        self.right += right
        self.total += 1
        self.by_channel += method == "channel"

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else float("nan")

    def __str__(self) -> str:
        return f"{100 * self.share:6.2f}% {self.right:>4}/{self.total:<4}"


def language_of(paragraphs: list[str], prior: dict[str, float] | None = None) -> tuple[str, str]:
    try:
        detection = detect_language(paragraphs, prior)
    except _detect.DetectError:
        return "?", "error"
    return detection.language, detection.method


def measure(pools: dict[str, list[str]], count: int, seed: int) -> dict[tuple[str, int, str, str], Tally]:
    """(channel kind, sentences a post, language, "alone"|"channel") -> tally."""
    rng = random.Random(seed)
    tallies: dict[tuple[str, int, str, str], Tally] = {}
    for kind, size in itertools.product(("uk", "ru", "mixed"), POST_SENTENCES):
        for channel in channels(pools, kind, size, count, rng):
            prior = language_prior([text for _, text in channel])
            for language, text in channel:
                alone, _ = language_of([text])
                weighed, method = language_of([text], prior)
                tallies.setdefault((kind, size, language, "alone"), Tally()).add(alone == language)
                tallies.setdefault((kind, size, language, "channel"), Tally()).add(
                    weighed == language, method
                )
    return tallies


def measure_articles(pools: dict[str, list[str]], count: int, seed: int) -> dict[str, Tally]:
    rng = random.Random(seed + 1)
    tallies = {}
    for language in ("uk", "ru"):
        tally = tallies[language] = Tally()
        for paragraphs in articles(pools, language, count, rng):
            found, _ = language_of(paragraphs)
            tally.add(found == language)
    return tallies


def report(tallies: dict[tuple[str, int, str, str], Tally], article: dict[str, Tally]) -> bool:
    columns = [
        ("uk", "uk", "uk channel: uk posts"),
        ("ru", "ru", "ru channel: ru posts"),
        ("mixed", "uk", "mixed: uk posts"),
        ("mixed", "ru", "mixed: ru posts"),
    ]
    print(f"{'post':<12}{'mode':<10}" + "".join(f"{title:<24}" for _, _, title in columns))
    for size in POST_SENTENCES:
        for mode, label in (("alone", "(a) alone"), ("channel", "(b) prior")):
            row = f"{f'{size} sentence' + ('s' if size > 1 else ''):<12}{label:<10}"
            row += "".join(f"{tallies[kind, size, language, mode]!s:<24}" for kind, language, _ in columns)
            print(row)
    print(
        f"{'article':<12}{'(c) alone':<10}{article['uk']!s:<24}{article['ru']!s:<24}"
        f"(articles of {ARTICLE_SENTENCES[0]}-{ARTICLE_SENTENCES[1]} sentences)"
    )
    decided = sum(t.by_channel for (_, _, _, mode), t in tallies.items() if mode == "channel")
    posts = sum(t.total for (_, _, _, mode), t in tallies.items() if mode == "channel")
    print(f'\nmethod "channel" (decided with the channel\'s prior): {decided} of {posts} posts')

    failures = []
    for size in POST_SENTENCES:
        for language in ("uk", "ru"):
            if tallies[language, size, language, "channel"].share < article[language].share:
                failures.append(f"{language} in posts of {size}: below whole articles")
        mixed = tallies["mixed", size, "ru", "channel"]
        if mixed.share < tallies["mixed", size, "ru", "alone"].share:
            failures.append(
                f"ru posts in a uk channel, posts of {size}: the prior overrode their own language"
            )
    for failure in failures:
        print("FAIL:", failure)
    if not failures:
        print(
            "bar met: (b) >= (c) for uk and ru in posts of 1-3 sentences;"
            " ru posts in mixed channels (b) >= (a)"
        )
    return not failures


GROUPS = (("uk", "uk"), ("ru", "ru"), ("mixed", "uk"), ("mixed", "ru"))


def errors(tallies: dict[tuple[str, int, str, str], Tally], mode: str) -> list[int]:
    """Wrong posts per column (uk channel, ru channel, mixed: uk, mixed: ru), all lengths."""
    return [
        sum(
            t.total - t.right
            for (k, _, language, m), t in tallies.items()
            if (k, language, m) == (kind, lang, mode)
        )
        for kind, lang in GROUPS
    ]


def sweep(pools: dict[str, list[str]], count: int, seed: int) -> None:
    """Wrong posts per column for each setting of the weighing (lower is better)."""
    tallies = measure(pools, count, seed)
    print(f"alone (a): wrong posts uk/ru/mixed-uk/mixed-ru = {errors(tallies, 'alone')}")
    print(f"{'evidence':>9}{'prior':>7}  wrong posts uk/ru/mixed-uk/mixed-ru, total")
    for evidence, prior in itertools.product((0.01, 0.03, 0.05, 0.1, 0.2), (0.01, 0.03, 0.05, 0.1)):
        _detect._OWN_FLOOR, _detect._PRIOR_FLOOR = evidence, prior
        wrong = errors(measure(pools, count, seed), "channel")
        print(f"{evidence:>9}{prior:>7}  {wrong}, {sum(wrong)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=25, help="channels of each kind and post length")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--split", choices=("test", "tune", "all"), default="test")
    parser.add_argument("--sweep", action="store_true", help="try floors for the weighing instead")
    args = parser.parse_args()
    pools = {language: sentences(language, args.split) for language in ("uk", "ru")}
    started = time.monotonic()
    if args.sweep:
        sweep(pools, args.channels, args.seed)
        return 0
    print(
        f"{args.split} split: {len(pools['uk'])} uk and {len(pools['ru'])} ru sentences; "
        f"{args.channels} channels of {CHANNEL_POSTS} posts per kind and post length; seed {args.seed}; "
        f"floors: evidence {_detect._OWN_FLOOR}, prior {_detect._PRIOR_FLOOR}\n"
    )
    met = report(
        measure(pools, args.channels, args.seed), measure_articles(pools, 10 * args.channels, args.seed)
    )
    print(f"({time.monotonic() - started:.1f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
