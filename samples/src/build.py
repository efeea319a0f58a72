"""Write warnews's sample inputs and the reference phrasebook from corpus.json.

    python3 samples/src/build.py

corpus.json holds four short articles written for this project (the people and
organisations in them are fictional), sentence by sentence: Ukrainian beside a reference
English translation. This script writes into samples/:

    energy.html      UTF-8 news page; date in JSON-LD; canonical link and og:site_name
    volunteers.html  windows-1251 page; charset only in <meta http-equiv>; the date only as
                     visible text ("8 лютого 2024, 14:20"); a subheading as <h2>
    school.txt       KOI8-U plain text; title, blank line, paragraphs hard-wrapped at 72
    grain.txt        UTF-8 plain text; title, blank line, one paragraph per line

and samples/src/phrasebook.json: every Ukrainian sentence and title mapped to its English.
Standard library only.
"""

from __future__ import annotations

import json
import textwrap
import unicodedata
from html import escape
from pathlib import Path
from typing import TypedDict

SOURCES = Path(__file__).resolve().parent
SAMPLES = SOURCES.parent
MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()
WRAP_WIDTH = 72


class Paragraph(TypedDict):
    uk: list[str]
    en: list[str]


class Article(TypedDict):
    slug: str
    title_uk: str
    title_en: str
    published: str  # YYYY-MM-DD
    author: str
    site: str
    paragraphs: list[Paragraph]


def load_corpus(path: Path) -> dict[str, Article]:
    """The articles of corpus.json by slug, after checking they are usable as sources."""
    articles: list[Article] = json.loads(path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    for article in articles:
        for paragraph in article["paragraphs"]:
            if len(paragraph["uk"]) != len(paragraph["en"]) or not paragraph["uk"]:
                raise ValueError(f"{article['slug']}: unaligned paragraph {paragraph['uk'][:1]}")
            for sentence in [*paragraph["uk"], *paragraph["en"]]:
                if "\n" in sentence or sentence != sentence.strip() or "  " in sentence:
                    raise ValueError(f"{article['slug']}: bad whitespace in {sentence!r}")
                if unicodedata.normalize("NFC", sentence) != sentence:
                    raise ValueError(f"{article['slug']}: not NFC: {sentence!r}")
        for key in [article["title_uk"], *(s for p in article["paragraphs"] for s in p["uk"])]:
            if key in seen:
                raise ValueError(f"{article['slug']}: Ukrainian sentence used twice: {key!r}")
            seen.add(key)
    return {article["slug"]: article for article in articles}


def attribute(value: str) -> str:
    """A value for a double-quoted HTML attribute; apostrophes stay as they are."""
    return escape(value, quote=False).replace('"', "&quot;")


def text(paragraph: Paragraph) -> str:
    """A paragraph as it appears in an article: its sentences joined by single spaces."""
    return " ".join(paragraph["uk"])


def is_subheading(paragraph: Paragraph) -> bool:
    """One short sentence without final punctuation: shown as a subheading."""
    return len(paragraph["uk"]) == 1 and not paragraph["uk"][0].endswith((".", "!", "?", "…", ":"))


def ukrainian_date(iso_date: str) -> str:
    """'2024-02-08' -> '8 лютого 2024'."""
    year, month, day = (int(part) for part in iso_date.split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


def html_page(article: Article, head: str, dateline: str = "") -> str:
    """A news page around the article: header and navigation, the article, related links, footer."""
    title = escape(article["title_uk"], quote=False)
    site = escape(article["site"], quote=False)
    body = []
    for paragraph in article["paragraphs"]:
        tag = "h2" if is_subheading(paragraph) else "p"
        body.append(f"<{tag}>{escape(text(paragraph), quote=False)}</{tag}>")
    paragraphs = "\n".join(body)
    return f"""<!DOCTYPE html>
<html lang="uk">
<head>
{head}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
</head>
<body>
<header class="site-header">
<a class="logo" href="/">{site}</a>
<nav><ul>
<li><a href="/news">Новини</a></li>
<li><a href="/war">Війна</a></li>
<li><a href="/economy">Економіка</a></li>
<li><a href="/society">Суспільство</a></li>
<li><a href="/sport">Спорт</a></li>
</ul></nav>
</header>
<main>
{dateline}
<article>
<h1>{title}</h1>
<p class="byline">Автор: {escape(article["author"], quote=False)}</p>
{paragraphs}
</article>
<aside class="related">
<h3>Читайте також</h3>
<ul>
<li><a href="/news/weather-frost">Синоптики попереджають про сильні морози наприкінці тижня</a></li>
<li><a href="/news/bus-routes">У місті змінюються маршрути трьох автобусів</a></li>
<li><a href="/news/blood-donors">Обласний центр крові запрошує донорів усіх груп</a></li>
</ul>
</aside>
</main>
<footer>
<p>© 2024 {site}. Усі права захищено. Використання матеріалів дозволено лише з посиланням на джерело.</p>
</footer>
</body>
</html>
"""


def energy_page(article: Article) -> bytes:
    """UTF-8, <meta charset>, the date in JSON-LD, a canonical link and og:site_name."""
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article["title_uk"],
            "datePublished": f"{article['published']}T10:15:00+02:00",
            "author": {"@type": "Person", "name": article["author"]},
            "publisher": {"@type": "Organization", "name": article["site"]},
        },
        ensure_ascii=False,
    )
    head = "\n".join(
        [
            '<meta charset="utf-8">',
            f'<link rel="canonical" href="https://example.org/news/{article["slug"]}-{article["published"]}">',
            f'<meta property="og:site_name" content="{attribute(article["site"])}">',
            f'<meta property="og:title" content="{attribute(article["title_uk"])}">',
            '<meta property="og:type" content="article">',
            f'<script type="application/ld+json">{json_ld}</script>',
        ]
    )
    return html_page(article, head).encode("utf-8")


def volunteers_page(article: Article) -> bytes:
    """windows-1251, declared only in <meta http-equiv>; the date only as visible text."""
    head = "\n".join(
        [
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
            f'<meta name="author" content="{attribute(article["author"])}">',
        ]
    )
    dateline = f'<div class="date">{ukrainian_date(article["published"])}, 14:20</div>'
    # strict: a character windows-1251 lacks is an error in corpus.json, not a silent '?'
    return html_page(article, head, dateline).encode("windows-1251")


def plain_text(article: Article, wrap: bool) -> str:
    """Title, blank line, paragraphs separated by blank lines; optionally hard-wrapped."""
    paragraphs = [text(paragraph) for paragraph in article["paragraphs"]]
    if wrap:
        # Never split a word or a hyphenated name: rejoining the lines must give the text back.
        paragraphs = [
            textwrap.fill(p, width=WRAP_WIDTH, break_long_words=False, break_on_hyphens=False)
            for p in paragraphs
        ]
    return "\n\n".join([article["title_uk"], *paragraphs]) + "\n"


def phrasebook(articles: dict[str, Article]) -> dict[str, str]:
    """Every Ukrainian title and sentence -> its English, in reading order."""
    pairs: dict[str, str] = {}
    for article in articles.values():
        pairs[article["title_uk"]] = article["title_en"]
        for paragraph in article["paragraphs"]:
            pairs.update(zip(paragraph["uk"], paragraph["en"], strict=True))
    return pairs


def main() -> None:
    articles = load_corpus(SOURCES / "corpus.json")
    outputs = {
        "energy.html": energy_page(articles["energy"]),
        "volunteers.html": volunteers_page(articles["volunteers"]),
        "school.txt": plain_text(articles["school"], wrap=True).encode("koi8_u"),
        "grain.txt": plain_text(articles["grain"], wrap=False).encode("utf-8"),
    }
    for name, data in outputs.items():
        (SAMPLES / name).write_bytes(data)
    book = json.dumps(phrasebook(articles), ensure_ascii=False, indent=1) + "\n"
    (SOURCES / "phrasebook.json").write_text(book, encoding="utf-8")
    for article in articles.values():
        paragraphs = article["paragraphs"]
        print(
            f"{article['slug']}: {len(paragraphs)} paragraphs, "
            f"{sum(len(p['uk']) for p in paragraphs)} sentences, "
            f"{sum(len(text(p)) for p in paragraphs)} characters"
        )


if __name__ == "__main__":
    main()
