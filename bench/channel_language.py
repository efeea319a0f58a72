"""How well warnews tells Ukrainian from Russian in short Telegram posts, with and without
the channel as a prior, beside whole articles, in one run.

Posts of 1, 2 and 3 real news sentences (bench/data/, see its README), and one-line posts
(the first 2 to 4 words of a sentence, as alerts and headlines are), are grouped into channels
of 20 posts: Ukrainian, Russian, and mixed (a Ukrainian channel with one post in five in
Russian). Each post is identified alone (detect_language, as before channels) and with
its channel's prior (language_prior of the channel's 20 posts, as `warnews feed` does for
the posts of the pages it reads). Whole articles are 12 sentences of one language joined.

    python bench/channel_language.py [--channels N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from warnews._detect import detect_language, language_prior
from warnews._errors import DetectError

DATA = Path(__file__).parent / "data"
PER_CHANNEL = 20
LENGTHS = {0: "one line (2-4 words)", 1: "1 sentence", 2: "2 sentences", 3: "3 sentences"}


def sentences(language: str) -> list[str]:
    lines = (DATA / f"sentences-{language}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def post(pool: list[str], size: int, rng: random.Random) -> str:
    """size sentences; 0: a one-line post, the first 2 to 4 words of a sentence."""
    if size == 0:
        return " ".join(rng.choice(pool).split()[: rng.randint(2, 4)]).rstrip(",.:;—-")
    return " ".join(rng.sample(pool, size))


def channel(
    pools: dict[str, list[str]], size: int, share_ru: float, rng: random.Random
) -> list[tuple[str, str]]:
    """(text, language) of one channel's posts."""
    made = []
    for _ in range(PER_CHANNEL):
        language = "ru" if rng.random() < share_ru else "uk"
        made.append((post(pools[language], size, rng), language))
    return made


def identify(text: str, prior: dict[str, float] | None = None) -> str | None:
    """The language warnews gives the text; None when it can tell none (a miss)."""
    try:
        return detect_language([text], prior).language
    except DetectError:
        return None


def accuracy(hits: list[bool]) -> str:
    return f"{100 * sum(hits) / len(hits):5.1f}% ({len(hits)})" if hits else "   -"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=15, help="channels of each kind and post length")
    parser.add_argument("--seed", type=int, default=13)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    pools = {"uk": sentences("uk"), "ru": sentences("ru")}
    started = time.perf_counter()
    counts = f"{len(pools['uk'])} Ukrainian, {len(pools['ru'])} Russian"
    print(f"sentences: {counts}; {PER_CHANNEL} posts a channel")
    print()
    print("| posts of | channel | language | alone (before) | with the channel's prior |")
    print("|---|---|---|---|---|")
    for size in (0, 1, 2, 3):
        for kind, share_ru in (("Ukrainian", 0.0), ("Russian", 1.0), ("mixed, 20% ru", 0.2)):
            alone: dict[str, list[bool]] = {"uk": [], "ru": []}
            within: dict[str, list[bool]] = {"uk": [], "ru": []}
            for _ in range(arguments.channels):
                made = channel(pools, size, share_ru, rng)
                prior = language_prior([text for text, _ in made])
                for text, language in made:
                    alone[language].append(identify(text) == language)
                    within[language].append(identify(text, prior) == language)
            for language in ("uk", "ru"):
                if alone[language]:
                    print(
                        f"| {LENGTHS[size]} | {kind} | {language} |"
                        f" {accuracy(alone[language])} | {accuracy(within[language])} |"
                    )
    print()
    articles = {
        language: [identify(" ".join(rng.sample(pools[language], 12))) == language for _ in range(200)]
        for language in ("uk", "ru")
    }
    uk, ru = accuracy(articles["uk"]), accuracy(articles["ru"])
    print(f"| whole articles (12 sentences) | uk {uk} | ru {ru} |")
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
