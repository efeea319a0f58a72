"""The article and only the article: notices, menus and the page's navigation stay out,
the lead stays in, and the title is the headline without the site's name."""

from __future__ import annotations

import json
import types

import pytest

from warnews._dates import parse_page
from warnews._errors import ExtractError
from warnews._extract import (
    Dropped,
    _article_body,
    _heading_before,
    _leads,
    body,
    extract_html,
    headline,
    is_notice,
    strip_site_name,
)

PROSE = [
    "Київська міська рада ухвалила рішення про ремонт шкіл у трьох районах столиці до кінця року.",
    "За словами заступника голови КМДА, на роботи виділено понад двісті мільйонів гривень з бюджету.",
    "Перші школи мають відкрити після ремонту вже у вересні, коли почнеться новий навчальний рік.",
    "Депутати також доручили підготувати звіт про стан укриттів у кожному закладі освіти міста.",
]


def page(article: str, *, head: str = "", before: str = "", after: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'>{head}</head><body>{before}"
        f"<article>{article}</article>{after}</body></html>"
    )


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


@pytest.mark.parametrize(
    "notice",
    [
        "Читайте також: Кличко розповів про ремонт мостів",
        "ЧИТАЙТЕ ТАКОЖ Уряд змінив правила бронювання",
        "Читайте также: В Киеве открыли новый мост",
        'Читайте материал "Гости инаугурации раскрыли ее странное закулисье"',
        "Зверніть увагу Справа про хабар нардепу: НАБУ опублікувало відео",
        "До теми Венедіктова підписала підозру: який запобіжний захід проситимуть",
        "Read also: Kyiv repairs its bridges",
        "Знайшли помилку? Виділіть її та натисніть Ctrl+Enter",
        "Если вы заметили ошибку, выделите ее и нажмите Ctrl + Enter",
        "Добавление комментария означает Ваше согласие с правилами сайта",
        "Додавання коментаря означає вашу згоду з правилами",
        "Чтобы оставить комментарий, войдите или зарегистрируйтесь",
        "Щоб залишити коментар, авторизуйтесь",
        "Чтобы прокомментировать, войдите на сайт",
        "Підписуйтесь на наш Telegram-канал, щоб першими дізнаватися новини",
        "Подписывайтесь на наш канал в Яндекс Дзене",
        "Наш канал в Telegram",
        '© 2006-2019 ООО "ВИДАВНИЦТВО УКРАЇНСЬКИЙ МЕДІА ДІМ". Все права защищены.',
        "При цитуванні та використанні матеріалів посилання на сайт обов'язкове",
        "Теги: Київ, школи, ремонт",
        "сегодня в 17:04, просмотров: 173",
        "Коментарі",
        "Раніше: Кличко розповів про ремонт мостів",
    ],
)
def test_a_notice_is_known(notice: str) -> None:
    assert is_notice(notice)


@pytest.mark.parametrize(
    "sentence",
    [
        # The same first words in the article's own sentences.
        "Зверніть увагу, що з понеділка в Києві змінюється графік руху тролейбусів.",
        "Читайте також між рядків: заява міністра була адресована не виборцям, а партнерам.",
        "Коментарі політиків щодо рішення суду були стриманими.",
        "Наш кореспондент побував у Харкові і розповів, як живе місто.",
        # "Раніше"/"Ранее" and a name open the article's own sentences (news often ends so).
        "Раніше Укрінформ повідомляв, що окупанти обстріляли Херсон з артилерії.",
        "Ранее Зеленский заявил, что Украина готова к переговорам.",
        "Раніше 24 Канал писав, що уряд змінив правила бронювання.",
        # How to apply for help: the article's, though it says "register" or "sign in".
        "Щоб залишити заявку на евакуацію, потрібно зареєструватися на порталі Дія.",
        "Щоб додати дитину до електронної черги, батькам потрібно авторизуватися в застосунку Дія.",
        "Чтобы оставить заявку на компенсацию, нужно зарегистрироваться на портале.",
        # A long paragraph that starts as a notice does is the article's.
        "Читайте також " + "довгий абзац статті, який розповідає про події " * 10,
    ],
)
def test_an_article_sentence_is_no_notice(sentence: str) -> None:
    assert not is_notice(sentence)


def test_notices_leave_the_article_and_are_listed() -> None:
    notice = "Читайте також: Кличко розповів про ремонт мостів"
    typo = "Знайшли помилку? Виділіть її та натисніть Ctrl+Enter"
    article = extract_html(page(paragraphs([PROSE[0], notice, *PROSE[1:], typo])))
    assert article.paragraphs == PROSE
    assert article.dropped == (Dropped(notice, "notice"), Dropped(typo, "notice"))


MENU = ["Головна", "Новини", "Політика", "Економіка", "Спорт", "Культура"]


def test_menus_around_the_article_are_left_out() -> None:
    found = body([*MENU[:4], *PROSE, "Теги", "Київ ,", "Київська область"])
    assert found.paragraphs == tuple(PROSE)
    assert [item.why for item in found.dropped] == ["navigation"] * 7


def test_a_subheading_and_a_short_line_in_the_article_stay() -> None:
    lines = [PROSE[0], "Що далі", PROSE[1], "Ремонт мостів", PROSE[2], "Автори: Іван Петренко"]
    assert body(lines).paragraphs == tuple(lines)


def test_a_body_that_is_a_pages_navigation_is_no_article() -> None:
    regions = ["Ваш регион:", "Москва", "Санкт-Петербург", "Архангельск", "Астрахань", "Барнаул"]
    lines = [*regions, *MENU, "Хотите сразу и абсолютно бесплатно получать важные новости?", *MENU]
    found = body(lines)
    assert not found.article
    assert "navigation" in found.refusal


@pytest.mark.parametrize("list_tag", ["p", "li"])
def test_an_article_that_is_mostly_a_list_of_short_lines_is_no_navigation(list_tag: str) -> None:
    # A power-outage schedule: a few sentences, then a line a queue. Its lines are no
    # links, as a menu's are: the article is not refused as the page's navigation.
    schedule = [
        f"{queue}.{half} черга: {queue * 2:02d}:00–{queue * 2 + 4:02d}:00"
        for queue in range(1, 7)
        for half in (1, 2)
    ]
    items = "".join(f"<{list_tag}>{line}</{list_tag}>" for line in schedule)
    html = page(
        f"<h1>Графік відключень світла на 28 листопада</h1>{paragraphs(PROSE[:3])}"
        f"{items if list_tag == 'p' else f'<ul>{items}</ul>'}",
        before="".join(f"<a href='/{name}'>{name}</a>" for name in MENU),
    )
    article = extract_html(html)
    assert article.paragraphs[:3] == PROSE[:3]
    assert [line.removeprefix("- ") for line in article.paragraphs[3:]] == schedule  # no menu around it


def test_a_page_whose_article_is_empty_is_refused_not_saved_as_its_menu() -> None:
    # rzn.mk.ru, 2020: a photo report, the articleBody empty; trafilatura returned the
    # region menu (80 lines) as the article.
    menu = "".join(f"<div><a href='/r{i}'>Регион {i}</a></div>" for i in range(40))
    html = (
        "<html><head><meta charset='utf-8'><title>В Рязани наградили журналистов</title></head>"
        f"<body><div class='menu'>{menu}</div><h1>В Рязани наградили журналистов</h1>"
        "<div itemprop='articleBody'></div></body></html>"
    )
    with pytest.raises(ExtractError, match="no article text"):
        extract_html(html)


def test_the_article_body_a_page_states() -> None:
    stated = {"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle", "articleBody": "\n".join(PROSE)}]}
    html = (
        "<html><head><meta charset='utf-8'>"
        f"<script type='application/ld+json'>{json.dumps(stated, ensure_ascii=False)}</script></head>"
        "<body><p>Меню</p></body></html>"
    )
    assert _article_body(parse_page(html)) == PROSE
    marked = f"<html><body><div itemprop='articleBody'>{paragraphs(PROSE)}</div></body></html>"
    assert _article_body(parse_page(marked)) == PROSE


def test_an_article_body_stated_as_html_is_read_as_its_paragraphs() -> None:
    # CMSs put the body's HTML into JSON-LD: its <p>s are paragraphs, its entities characters.
    quoted = "Компанія «Укренерго» повідомила про нові графіки відключень світла."
    html_body = (
        "".join(f"<p>{line}</p>" for line in PROSE)
        + "<p>Компанія &laquo;Укренерго&raquo;&nbsp;повідомила про нові графіки відключень світла.</p>"
    )
    stated = {"@type": "NewsArticle", "articleBody": html_body}
    html = page(
        "", head=f"<script type='application/ld+json'>{json.dumps(stated, ensure_ascii=False)}</script>"
    )
    assert _article_body(parse_page(html)) == [*PROSE, quoted]


def test_a_json_ld_nested_too_deep_is_no_statement_not_a_failure() -> None:
    # A hostile or broken page: json.loads raises RecursionError, not ValueError.
    deep = "<script type='application/ld+json'>" + "[" * 100_000 + "]" * 100_000 + "</script>"
    article = extract_html(page(f"<h1>Ремонт шкіл у Києві</h1>{paragraphs(PROSE)}", head=deep))
    assert article.paragraphs == PROSE
    assert _article_body(parse_page(page(paragraphs(PROSE), head=deep))) == PROSE


def test_the_article_body_a_page_states_has_its_quotes_once_and_its_lists() -> None:
    quote = "Ми відновимо кожну школу до вересня, сказав мер."
    items = ["Школа номер 5 на Оболоні", "Ліцей номер 100 на Троєщині"]
    html = page(
        f"{paragraphs(PROSE[:2])}<blockquote><p>{quote}</p></blockquote>"
        f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>{paragraphs(PROSE[2:])}"
    )
    assert _article_body(parse_page(html)) == [*PROSE[:2], quote, *items, *PROSE[2:]]


def test_a_second_opinion_when_the_first_reading_is_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    menu = "\n".join(["Ваш регион:", *(f"Регион {number}" for number in range(40))])
    readings: list[dict[str, object]] = []

    def first_reading_is_the_menu(html: str, **options: object) -> object:
        readings.append(options)
        return types.SimpleNamespace(text=menu, title="Ремонт шкіл")

    monkeypatch.setattr(trafilatura, "bare_extraction", first_reading_is_the_menu)
    links = "".join(f"<a href='/r{number}'>Регион {number}</a>" for number in range(40))
    html = page(f"<h1>Ремонт шкіл</h1><div itemprop='articleBody'>{paragraphs(PROSE)}</div>", before=links)
    article = extract_html(html)
    assert article.paragraphs == PROSE
    assert len(readings) == 1  # the page's own articleBody answered: no second trafilatura reading


LEAD = "Київрада виділила гроші на ремонт шкіл, які постраждали від обстрілів минулої зими."


def test_the_lead_paragraph_is_kept() -> None:
    # ukrinform: <div class="newsHeading"> between the headline and the body.
    html = page(
        f"<h1>Ремонт шкіл у Києві</h1><div class='newsText'><div class='newsHeading'>{LEAD}</div>"
        f"<div>{paragraphs(PROSE)}</div></div>"
    )
    article = extract_html(html)
    assert article.paragraphs == [LEAD, *PROSE]


def test_a_lead_already_in_the_body_is_not_doubled() -> None:
    html = page(f"<h1>Ремонт шкіл у Києві</h1><p class='lead'>{LEAD}</p>{paragraphs(PROSE)}")
    article = extract_html(html)
    assert article.paragraphs.count(LEAD) == 1


def test_a_popup_or_a_caption_is_no_lead() -> None:
    html = page(
        f"<h1>Ремонт шкіл у Києві</h1>{paragraphs(PROSE)}",
        after="<div class='popup_descr'>Понятные ответы на любые вопросы, а также репортажи и "
        "расследования. Доставляем лично вам в почту.</div>",
    )
    article = extract_html(html)
    assert article.paragraphs == PROSE


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Газета.Ru - Уряд ухвалив бюджет", (), "Уряд ухвалив бюджет"),
        ("Уряд ухвалив бюджет - ZAXID.NET", (), "Уряд ухвалив бюджет"),
        ("Подольски завершил карьеру в сборной — football.ua", (), "Подольски завершил карьеру в сборной"),
        ("Уряд ухвалив бюджет | Українська правда", ("Українська правда",), "Уряд ухвалив бюджет"),
        ("Уряд ухвалив бюджет - МК", ("МК",), "Уряд ухвалив бюджет"),
        # The headline's own dashes stay.
        ("Парламент - за, уряд - проти | УП", ("УП",), "Парламент - за, уряд - проти"),
        ("Київ - столиця", (), "Київ - столиця"),
        ("football.ua", (), "football.ua"),
        # A headline naming a domain is no site's name: only a part that is little more than one.
        ("Хакери зламали mil.ru | Новини", (), "Хакери зламали mil.ru | Новини"),
        ("Сайт kremlin.ru заблоковано - Новини - ZAXID.NET", (), "Сайт kremlin.ru заблоковано - Новини"),
        ("Новости Mail.ru - Роскомнадзор заблокировал Meduza.io", (), "Роскомнадзор заблокировал Meduza.io"),
    ],
)
def test_the_site_name_is_not_part_of_the_title(title: str, names: tuple[str, ...], expected: str) -> None:
    assert strip_site_name(title, names) == expected


def test_the_headline_wins_over_a_title_that_differs() -> None:
    html = page(
        f"<h1>157 мільйонів за бездіяльність</h1>{paragraphs(PROSE)}",
        head="<title>Після плівок НАБУ: чому судді досі при грошах | Українська правда</title>",
    )
    assert extract_html(html).title == "157 мільйонів за бездіяльність"


def test_a_logo_heading_is_not_the_headline() -> None:
    html = (
        "<html><head><meta charset='utf-8'><title>Газета.Ru - Уряд ухвалив бюджет на 2025 рік</title>"
        "<meta property='og:site_name' content='Газета.Ru'></head><body>"
        "<h1><a href='/'>Газета.Ru</a></h1><div class='text'>"
        f"<h1>Уряд ухвалив бюджет на 2025 рік</h1>{paragraphs(PROSE)}</div></body></html>"
    )
    assert extract_html(html).title == "Уряд ухвалив бюджет на 2025 рік"


@pytest.mark.parametrize(
    ("logo", "head"),
    [
        # The only <h1> is the logo: a link to the home page, whatever it says.
        ("<a href='/'>Новини України</a>", "<title>Уряд ухвалив бюджет на 2025 рік | Новини України</title>"),
        (
            "<a href='https://censor.net/'><img src='/logo.png'> Новости Украины и мира</a>",
            "<meta property='og:title' content='Уряд ухвалив бюджет на 2025 рік'>",
        ),
    ],
)
def test_the_only_heading_is_no_headline_when_it_is_the_logo(logo: str, head: str) -> None:
    html = (
        f"<html><head><meta charset='utf-8'>{head}</head><body><h1 class='logo'>{logo}</h1>"
        f"<div class='text'><h2>Уряд ухвалив бюджет на 2025 рік</h2>{paragraphs(PROSE)}</div></body></html>"
    )
    assert extract_html(html, url="https://censor.net/news/1").title == "Уряд ухвалив бюджет на 2025 рік"


def test_without_a_headline_the_title_loses_the_site_name() -> None:
    html = (
        "<html><head><meta charset='utf-8'><title>Уряд ухвалив бюджет на 2025 рік - ZAXID.NET</title>"
        f"</head><body><div>{paragraphs(PROSE)}</div></body></html>"
    )
    assert headline(None, "Уряд ухвалив бюджет на 2025 рік - ZAXID.NET") == "Уряд ухвалив бюджет на 2025 рік"
    assert extract_html(html).title == "Уряд ухвалив бюджет на 2025 рік"


def table_layout(article: str, *, title: str = "Новости Украины :: Бигмир)нет") -> str:
    """A 2000s page: three columns of a table, the menu, the article and the latest news."""
    menu = "".join(f"<a href='/{name}'>{name}</a><br>" for name in MENU)
    latest = "".join(f"<a href='/n{i}'>Новина номер {i} дня</a><br>" for i in range(5))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<table width='100%'><tr><td class='left'>{menu}</td><td class='center'>{article}</td>"
        f"<td class='right'><b>Останні новини</b><br>{latest}</td></tr></table>"
        "<p>© 2012 Бігмір. Усі права захищено.</p></body></html>"
    )


def test_an_old_table_layout_gives_its_article_not_its_columns() -> None:
    html = table_layout(f"<h2>Кабмін затвердив програму ремонту доріг</h2>{paragraphs(PROSE)}")
    article = extract_html(html)
    assert article.paragraphs == PROSE
    assert article.title == "Кабмін затвердив програму ремонту доріг"  # the heading over the text


def test_a_heading_in_another_column_is_not_the_title() -> None:
    # The article's headline is bold text, not a heading; the heading above it in the page
    # is the side column's ("Рубрики сайту"): the title is then the <title>'s.
    menu = "".join(f"<a href='/{name}'>{name}</a><br>" for name in MENU)
    html = (
        "<html><head><meta charset='utf-8'><title>Кабмін затвердив програму ремонту доріг :: bigmir.net</title>"
        f"</head><body><table><tr><td class='left'><h3>Рубрики сайту</h3>{menu}</td><td class='main'>"
        f"<font size='4'><b>Кабмін затвердив програму ремонту доріг</b></font><br>{paragraphs(PROSE)}"
        "</td></tr></table></body></html>"
    )
    assert extract_html(html).title == "Кабмін затвердив програму ремонту доріг"


def test_a_data_table_in_an_article_stays_a_table() -> None:
    rows = "".join(f"<tr><td>Область {i}</td><td>{i * 10}</td></tr>" for i in range(3))
    html = page(f"<h1>Ремонт шкіл у Києві</h1>{paragraphs(PROSE)}<table>{rows}</table>")
    article = extract_html(html)
    assert article.paragraphs[: len(PROSE)] == PROSE
    assert any("Область 1" in line and "10" in line for line in article.paragraphs[len(PROSE) :])


def test_a_data_table_whose_cells_hold_paragraphs_stays_a_table() -> None:
    # A table pasted from a word processor: each cell a <p>. It is no layout table, and
    # its rows are the article's, not a menu under it.
    rows = "".join(
        f"<tr><td><p>Черга {i}</p></td><td><p>{i:02d}:00–{i + 4:02d}:00</p></td></tr>" for i in (1, 2, 3)
    )
    html = page(f"<h1>Графік відключень у Києві на завтра</h1>{paragraphs(PROSE)}<table>{rows}</table>")
    article = extract_html(html)
    assert article.paragraphs[: len(PROSE)] == PROSE
    assert any("Черга 2" in line and "02:00–06:00" in line for line in article.paragraphs[len(PROSE) :])
    assert article.dropped == ()


def test_an_og_title_wins_over_a_heading_in_an_old_layout() -> None:
    html = table_layout(
        f"<h3>Новини</h3>{paragraphs(PROSE)}",
        title="Новини :: Сайт</title><meta property='og:title' content='Уряд ухвалив бюджет - Сайт'>"
        "<meta property='og:site_name' content='Сайт'><title>x",
    )
    assert extract_html(html).title == "Уряд ухвалив бюджет"


def test_a_subtitle_and_a_lead_both_go_back_in_order() -> None:
    # mk.ru: <p class="article__subtitle"> and <div itemprop="description"><p>lead</p></div>
    subtitle = "Президент не дорос до настоящего диктатора, считает автор"
    html = page(
        f"<h1 itemprop='headline'>Причиной тайной инаугурации стал стыд</h1>"
        f"<p class='article__subtitle'>{subtitle}</p><div class='share'><a href='/s'>Поделиться</a></div>"
        f"<div class='article__description' itemprop='description'><p>{LEAD}</p></div>"
        f"<div class='article__body'>{paragraphs(PROSE)}</div>"
    )
    assert extract_html(html).paragraphs == [subtitle, LEAD, *PROSE]


def test_a_notice_under_the_headline_is_no_lead() -> None:
    notice = "Підписуйтесь на наш Telegram-канал, щоб першими дізнаватися новини"
    html = page(
        f"<h1>Ремонт шкіл у Києві</h1><div class='article-intro'>{notice}</div>"
        f"<div class='text'>{paragraphs(PROSE)}</div>"
    )
    article = extract_html(html)
    assert article.paragraphs == PROSE  # not both in the article and listed as left out
    assert article.dropped == (Dropped(notice, "notice"),)


def test_the_site_description_under_a_logo_heading_is_no_lead() -> None:
    # The page's only <h1> is its logo; its headline is an <h2>: the lead is looked for
    # under the headline, not under the logo (the site's description there).
    tagline = "Новини України та світу цілодобово: найсвіжіші події, аналітика і репортажі"
    html = (
        "<html><head><meta charset='utf-8'><title>Уряд ухвалив бюджет на 2025 рік | Новини</title></head>"
        f"<body><div class='top'><h1 class='logo'><a href='/'>Новини України</a></h1>"
        f"<div class='site-description'>{tagline}</div></div>"
        f"<div class='text'><h2>Уряд ухвалив бюджет на 2025 рік</h2>{paragraphs(PROSE)}</div></body></html>"
    )
    article = extract_html(html, url="https://novyny.ua/news/1")
    assert article.title == "Уряд ухвалив бюджет на 2025 рік"
    assert article.paragraphs == PROSE


def test_no_lead_is_taken_from_after_the_body_begins() -> None:
    html = page(
        f"<h1>Ремонт шкіл у Києві</h1><div class='text'>{paragraphs(PROSE)}</div>"
        f"<div class='next-article'><h2>Інша новина</h2><p class='lead'>{LEAD}</p></div>"
    )
    assert LEAD not in extract_html(html).paragraphs


def test_the_title_leaves_the_body_only_where_it_starts_it() -> None:
    # trafilatura starts the body with the <h1>; a column's tagline repeating the title
    # later is the article's (and what a site teaches, see test_boilerplate_e2e).
    title = "Головне за добу"
    assert body([title, PROSE[0], title, PROSE[1]], title).paragraphs == (PROSE[0], title, PROSE[1])


def test_the_lead_under_a_headline_in_a_header_element_is_kept() -> None:
    # The headline and its lead in the article's <header> (no class): the headline the
    # title names, wherever it is, is the one the lead is looked for under.
    html = (
        "<html><head><meta charset='utf-8'><title>Ремонт шкіл у Києві</title></head><body>"
        "<div class='top'><a href='/'>Сайт</a></div><div class='material'><header>"
        f"<h1>Ремонт шкіл у Києві</h1><div class='newsHeading'>{LEAD}</div></header>"
        f"<div class='newsText'>{paragraphs(PROSE)}</div></div></body></html>"
    )
    article = extract_html(html)
    assert article.title == "Ремонт шкіл у Києві"
    assert article.paragraphs == [LEAD, *PROSE]


def test_a_page_with_an_xml_declaration_is_read_as_any_other() -> None:
    # An XHTML page of the 2000s starts with <?xml … encoding="windows-1251"?>: lxml refuses
    # such a declaration in a str, and the page lost its headline and its lead.
    html = (
        '<?xml version="1.0" encoding="windows-1251"?>'
        "<html><head><title>Сайт :: Новини</title></head><body>"
        "<h1><a href='/'>Сайт</a></h1><div class='text'><h1>Ремонт шкіл у Києві до кінця року</h1>"
        f"<div class='newsHeading'>{LEAD}</div><div>{paragraphs(PROSE)}</div></div></body></html>"
    )
    article = extract_html(html)
    assert article.title == "Ремонт шкіл у Києві до кінця року"
    assert article.paragraphs == [LEAD, *PROSE]


def test_the_heading_over_the_text_is_found_without_reading_every_level_whole() -> None:
    # 250 nested blocks, each opening with a word, over 2.4 MB of text: each level's whole
    # text was read to see how it starts, 250 times 2.4 MB (3 s); now its first words.
    import time

    nested = "<div>м" * 250 + paragraphs(PROSE * 2000) + "</div>" * 250
    html = f"<html><head><title>x</title></head><body><h3>Ремонт шкіл у Києві</h3>{nested}</body></html>"
    page = parse_page(html)
    started = time.process_time()
    assert _heading_before(page, PROSE[0]) == "Ремонт шкіл у Києві"
    assert time.process_time() - started < 1.0


def test_the_leads_search_reads_each_element_once() -> None:
    # A lead holding thousands of (empty) elements, thousands of elements after it: each
    # later element was looked for among all the lead's, made anew each time.
    import time

    lead = f"<div class='lead'>{LEAD}{'<span></span>' * 3000}</div>"
    html = page(f"<h1>Ремонт шкіл у Києві</h1>{lead}<div>{'<i></i>' * 20000}</div>{paragraphs(PROSE)}")
    tree = parse_page(html)
    started = time.process_time()
    assert _leads(tree, PROSE, "Ремонт шкіл у Києві") == [LEAD]
    assert time.process_time() - started < 1.0
