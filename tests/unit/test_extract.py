from datetime import date

import pytest

from warnews import ExtractError, InputError
from warnews._extract import extract, extract_text

PARAGRAPHS = [
    "На Таврійському напрямку фронту в Україні стає дедалі більше російських окупантів, які "
    "відмовляються йти в наступ. Нещодавно близько 40 військових самовільно покинули окопи.",
    "Про це в ефірі телеканалу розповів речник об'єднаного пресцентру Сил оборони Таврійського "
    "напрямку. За його словами, командування намагається силою повернути їх на позиції.",
    "«Вони погоджуються стояти в обороні, але не хочуть проводити штурмові дії», – зазначив "
    "речник. За останні чотири дні здалися близько 30 окупантів, додав він.",
]


def page(head: str = "", before: str = "", title: str = "Окупанти відмовляються йти в атаку") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html><head><title>{title} | Новини</title>{head}</head><body>"
        f"<nav><a href='/'>Головна</a></nav>{before}<article><h1>{title}</h1>{body}</article>"
        "<footer>© 2024 Усі права захищені</footer></body></html>"
    )


def test_html_title_body_and_metadata():
    head = (
        '<link rel="canonical" href="https://example.ua/a/1">'
        '<meta property="article:published_time" content="2024-01-10T18:30:00+02:00">'
        '<meta name="author" content="Іван Петренко"><meta property="og:site_name" content="Приклад">'
    )
    article = extract(page(head).encode(), "text/html", "utf-8", "https://example.ua/a/1?utm_source=x", None)
    assert article.title == "Окупанти відмовляються йти в атаку"
    assert article.paragraphs == PARAGRAPHS
    assert article.published == date(2024, 1, 10)
    assert (article.author, article.sitename, article.canonical_url) == (
        "Іван Петренко",
        "Приклад",
        "https://example.ua/a/1",
    )


def test_date_written_in_ukrainian_above_the_article():
    article = extract(
        page(before="<div class='date'>10 січня 2024, 14:20</div>").encode(), "text/html", None, None, None
    )
    assert article.published == date(2024, 1, 10)


def test_no_date_is_none():
    assert extract(page().encode(), "text/html", None, None, None).published is None


def test_windows_1251_declared_only_in_meta():
    html = page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    article = extract(html.encode("windows-1251"), "text/html", None, None, "saved.html")
    assert article.paragraphs == PARAGRAPHS and article.encoding == "windows-1251"


def test_html_is_sniffed_without_type_or_suffix():
    assert extract(page().encode(), None, None, None, "download").title.startswith("Окупанти")


def test_plain_text_heading_becomes_the_title():
    article = extract_text("Заголовок статті\n\nПерший абзац,\nперенесений рядок.\n\nДругий абзац.\n")
    assert article.title == "Заголовок статті"
    assert article.paragraphs == ["Перший абзац, перенесений рядок.", "Другий абзац."]


def test_plain_text_without_a_heading_keeps_every_paragraph():
    article = extract_text("Перше речення абзацу.\n\nДругий абзац.")
    assert article.title == "" and len(article.paragraphs) == 2


def test_page_without_article_text():
    with pytest.raises(ExtractError):
        extract(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html", None, None, None)


@pytest.mark.parametrize("media_type", ["application/pdf", "image/png"])
def test_non_text_media_types_are_refused(media_type):
    with pytest.raises(ExtractError, match=media_type):
        extract(b"%PDF-1.4", media_type, None, None, None)


def test_empty_and_binary():
    with pytest.raises(ExtractError, match="empty"):
        extract(b" \n", None, None, None, "a.txt")
    with pytest.raises(InputError, match="binary"):
        extract(b"abc\x00def", None, None, None, "a.txt")
