"""Write the sample inputs and the emulator's phrasebook from articles.py.

python samples/src/build.py
"""

from __future__ import annotations

import json
import textwrap
from html import escape
from pathlib import Path

from articles import ARTICLES, ENERGY, GRAIN, SCHOOL, VOLUNTEERS

SOURCES = Path(__file__).resolve().parent
SAMPLES = SOURCES.parent
MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()


def ukrainian(paragraph: list[tuple[str, str]]) -> str:
    return " ".join(uk for uk, _ in paragraph)


def page(article: dict, head: str, dateline: str, charset: str) -> str:
    title = article["title"][0]
    body = []
    for paragraph in article["paragraphs"]:
        text = escape(ukrainian(paragraph), quote=False)
        body.append(
            f"<h2>{text}</h2>" if len(paragraph) == 1 and not text.endswith(".") else f"<p>{text}</p>"
        )
    return f"""<!DOCTYPE html>
<html lang="uk">
<head>
{charset}
<title>{escape(title)} – {escape(article["site"])}</title>
{head}
</head>
<body>
<header><a href="/">{escape(article["site"])}</a>
<nav><a href="/news">Новини</a> <a href="/war">Війна</a> <a href="/economy">Економіка</a> <a href="/sport">Спорт</a></nav></header>
<main>
{dateline}
<article>
<h1>{escape(title)}</h1>
<p class="byline">Автор: {escape(article["author"])}</p>
{chr(10).join(body)}
</article>
<aside><h3>Читайте також</h3><ul><li><a href="/news/1">У місті відкрили новий пункт незламності</a></li>
<li><a href="/news/2">Синоптики прогнозують похолодання</a></li></ul></aside>
</main>
<footer><p>© 2024 {escape(article["site"])}. Усі права захищені. Використання матеріалів можливе лише з посиланням на джерело.</p></footer>
</body>
</html>
"""


def energy() -> bytes:
    title = ENERGY["title"][0]
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": f"{ENERGY['published']}T10:15:00+02:00",
            "author": {"@type": "Person", "name": ENERGY["author"]},
        },
        ensure_ascii=False,
    )
    head = (
        '<link rel="canonical" href="https://example.org/news/2024/03/22/energy-kharkiv">\n'
        f'<meta property="og:site_name" content="{escape(ENERGY["site"])}">\n'
        f'<script type="application/ld+json">{json_ld}</script>'
    )
    return page(ENERGY, head, "", '<meta charset="utf-8">').encode("utf-8")


def volunteers() -> bytes:
    year, month, day = (int(part) for part in VOLUNTEERS["published"].split("-"))
    dateline = f'<div class="date">{day} {MONTHS[month - 1]} {year}, 09:40</div>'
    head = f'<meta name="author" content="{escape(VOLUNTEERS["author"])}">'
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    return page(VOLUNTEERS, head, dateline, charset).encode("windows-1251")


def school() -> bytes:
    paragraphs = [textwrap.fill(ukrainian(p), width=72) for p in SCHOOL["paragraphs"]]
    return ("\n\n".join([SCHOOL["title"][0], *paragraphs]) + "\n").encode("koi8_u")


def grain() -> bytes:
    paragraphs = [ukrainian(p) for p in GRAIN["paragraphs"]]
    return ("\n\n".join([GRAIN["title"][0], *paragraphs]) + "\n").encode("utf-8")


def phrasebook() -> dict[str, str]:
    pairs = {}
    for article in ARTICLES:
        pairs[article["title"][0]] = article["title"][1]
        for paragraph in article["paragraphs"]:
            pairs.update(paragraph)
    return pairs


def main() -> None:
    (SAMPLES / "energy.html").write_bytes(energy())
    (SAMPLES / "volunteers.html").write_bytes(volunteers())
    (SAMPLES / "school.txt").write_bytes(school())
    (SAMPLES / "grain.txt").write_bytes(grain())
    text = json.dumps(phrasebook(), ensure_ascii=False, indent=1) + "\n"
    (SOURCES / "phrasebook.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
