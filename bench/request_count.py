"""Translator requests per article with the default engine, beside the fewest possible.

    python bench/request_count.py [--articles 60] [--seed 1]

A Ukrainian corpus (the four samples, and generated articles of 3 to 45 paragraphs from
a bank of news sentences, some with long quoted paragraphs) is translated by
`warnews translate` against the local emulation of Google's mobile page, which answers
400 to request URLs over 16 KiB. For each article it compares:

- the minimum: the article's percent-encoded size over what one request may carry
  under the 16 KiB URL limit, rounded up per article;
- warnews, when the engine keeps the paragraph marks (the target: at most 1.1x the
  minimum), and when it loses every mark (each request then falls back to one request
  per piece);
- deep-translator called once per paragraph, the way most scripts do it (paragraphs
  whose URL would exceed the limit are counted: those calls would fail).

Exits 1 if warnews needs more than 1.1x the minimum, or a request was refused.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from translators import URL_LIMIT, GoogleEmulator  # noqa: E402

WARNEWS = Path(sys.executable).parent / "warnews"
SAMPLES = ["energy.html", "volunteers.html", "school.txt", "grain.txt"]
TARGET = 1.1

SENTENCES = [
    "Сили оборони України протягом доби відбили дванадцять атак на Покровському напрямку.",
    "За словами речника Генштабу, противник втратив понад тисячу військових.",
    "У Харкові після нічного обстрілу пошкоджено житловий будинок і школу.",
    "Рятувальники деблокували з-під завалів трьох людей, їм надано допомогу.",
    "Енергетики повідомили, що живлення вдалося відновити для сорока тисяч родин.",
    "Графіки відключень електроенергії у Києві цього тижня не застосовуватимуть.",
    "Міська рада Одеси виділила кошти на ремонт укриттів у закладах освіти.",
    "Волонтери з Івано-Франківська передали на фронт сорок п'ять генераторів і дві вантажівки.",
    "Президент провів телефонну розмову з прем'єр-міністром Нідерландів.",
    "Сторони обговорили постачання систем протиповітряної оборони та фінансову підтримку.",
    "Порти Великої Одеси з початку місяця відвантажили понад п'ять мільйонів тонн зерна.",
    "Експерти наголошують, що зерновий коридор працює попри постійні атаки дронів.",
    "Верховна Рада ухвалила в першому читанні законопроєкт про військовий облік.",
    "Документ передбачає електронні повістки та оновлення даних через застосунок.",
    "Мешканців прифронтових громад закликають евакуюватися до безпечніших областей.",
    "У Запорізькій області внаслідок обстрілу загинула одна людина, ще двоє поранені.",
    "Ліцей на Салтівці знову приймає учнів, тепер у підземному класі.",
    "Батьки кажуть, що діти нарешті можуть навчатися разом, а не лише онлайн.",
    "Укренерго попереджає про можливі аварійні відключення у вечірні години.",
    "Споживачів просять економно використовувати електроенергію з сімнадцятої до двадцять другої години.",
    "Посадовець зазначив: «Ми відновлюємо мережу швидше, ніж ворог встигає її руйнувати».",
    "За даними Міністерства охорони здоров'я, лікарні працюють у штатному режимі.",
    "Уряд спростив процедуру отримання компенсації за пошкоджене житло.",
    "Подати заяву можна через портал Дія або в центрі надання адміністративних послуг.",
    "Національний банк залишив облікову ставку без змін.",
    "Аналітики очікують, що інфляція до кінця року сповільниться.",
    "У Львові відкрили новий реабілітаційний центр для ветеранів.",
    "Центр розрахований на двісті пацієнтів і має сучасне обладнання для протезування.",
    "Прикордонники зафіксували активність ворожих диверсійних груп біля кордону.",
    "Громади Сумщини отримали нові машини швидкої допомоги від міжнародних партнерів.",
    "Дрон-камікадзе влучив у складське приміщення, пожежу ліквідовано.",
    "Поліція відкрила кримінальне провадження за статтею про порушення законів і звичаїв війни.",
    "Чи вистачить ресурсів на зиму?",
    "Відповідь залежить від того, наскільки швидко вдасться відновити генерацію!",
    "Фахівці ДСНС нагадують правила поведінки під час повітряної тривоги.",
    "Заняття в школах розпочнуться о дев'ятій ранку, якщо не буде тривоги.",
]


def corpus(count: int, seed: int) -> list[tuple[str, list[str]]]:
    """count articles (title, paragraphs), reproducibly."""
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        paragraphs = []
        for _ in range(rng.choice([3, 5, 8, 10, 12, 15, 20, 30, 45])):
            sentences = rng.randint(20, 45) if rng.random() < 0.05 else rng.randint(1, 6)
            paragraphs.append(" ".join(rng.choice(SENTENCES) for _ in range(sentences)))
        title = rng.choice(SENTENCES).rstrip(".!?")
        articles.append((title, paragraphs))
    return articles


def translate(files: list[Path], out: Path, google: GoogleEmulator, env: dict[str, str]) -> list[dict]:
    google.reset()
    result = subprocess.run(
        [
            str(WARNEWS),
            "translate",
            *map(str, files),
            "-o",
            str(out),
            "--json",
            "--no-cache",
            "--keep-original",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"warnews failed (exit {result.returncode}): {result.stderr[-2000:]}")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(r["translator_requests"] for r in records) == google.count, "the emulator counted otherwise"
    return records


def units(record: dict, out: Path) -> list[str]:
    """What warnews translated for an article: its title and paragraphs, from the saved original."""
    meta = json.loads((out / record["path"]).with_suffix(".json").read_text(encoding="utf-8"))
    original = (out / meta["original_file"]).read_text(encoding="utf-8")
    body = original.rstrip("\n").split("\n\n")[1:]
    return [meta["original_title"], *body] if meta["original_title"] else body


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper() and not k.startswith("WARNEWS_")}
    with GoogleEmulator() as google, tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        files = [ROOT / "samples" / name for name in SAMPLES]
        for number, (title, paragraphs) in enumerate(corpus(options.articles, options.seed)):
            path = folder / f"article-{number:03}.txt"
            path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
            files.append(path)
        env.update(
            WARNEWS_GOOGLE_URL=google.base_url,
            WARNEWS_TRANSLATOR_RATE="10000",
            XDG_CACHE_HOME=str(folder / "cache"),
            SOURCE_DATE_EPOCH="1704931200",
        )
        kept = translate(files, folder / "kept", google, env)
        refused = google.rejected
        google.mode = "drop_markers"
        lost = translate(files, folder / "lost", google, env)
        refused += google.rejected

        overhead = len(f"{google.base_url}?{urlencode({'tl': 'en', 'sl': 'uk', 'q': ''})}")
        budget = URL_LIMIT - overhead
        minimum = per_paragraph = too_long = paragraphs = characters = 0
        for record in kept:
            texts = [text for text in units(record, folder / "kept") if any(c.isalpha() for c in text)]
            minimum += math.ceil(sum(len(quote_plus(text)) for text in texts) / budget)
            per_paragraph += len(texts)
            too_long += sum(len(quote_plus(text)) > budget for text in texts)
            paragraphs += len(texts)
            characters += sum(len(text) for text in texts)
    articles = len(kept)
    ours = sum(r["translator_requests"] for r in kept)
    fallback = sum(r["translator_requests"] for r in lost)
    print(
        f"corpus: {articles} Ukrainian articles (4 samples, {articles - 4} generated),"
        f" {paragraphs:,} paragraphs with titles, {characters:,} characters"
    )
    print(f"one request carries at most {budget:,} bytes of encoded text (16 KiB URL limit)\n")
    print(f"{'':44} {'requests':>9} {'per article':>12} {'x minimum':>10}")
    rows = [
        ("minimum (encoded size / limit, per article)", minimum),
        ("warnews, engine keeps the marks", ours),
        ("warnews, engine loses every mark", fallback),
        ("deep-translator once per paragraph", per_paragraph),
    ]
    for name, count in rows:
        print(f"{name:44} {count:>9,} {count / articles:>12.2f} {count / minimum:>9.2f}x")
    print(f"\nparagraphs whose own URL is over the limit (per-paragraph calls would fail): {too_long}")
    print(f"requests refused for their length: {refused}")
    ratio = ours / minimum
    print(f"warnews / minimum = {ratio:.3f} (target <= {TARGET})")
    if ratio > TARGET or refused:
        sys.exit(1)


if __name__ == "__main__":
    main()
