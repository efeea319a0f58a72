"""The day a page says its article was published (page_date): what the article states
about itself first (JSON-LD, meta tags, a <time> inside it, its URL), then a date written
after the headline, then a relative one; the source's local day; never a day after the
crawl; never the day the page chrome shows."""

import json
import os
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warnews._dates import (
    crawl_day,
    fetched_at,
    last_modified,
    local_day,
    page_date,
    publication,
    site_zone,
    url_date,
)
from warnews._extract import extract, extract_html
from warnews._model import Source
from warnews._pipeline import published_date, read_file

URL = "https://news.example.ua/news/item-1"
FETCHED = datetime(2025, 1, 5, 9, 0, tzinfo=UTC)  # 11:00 in Kyiv
PROSE = (
    "Рятувальники повідомили про відновлення електромережі у четвер, 1 січня, о 8:00 на об'єкті "
    "номер 10. Енергетики завершили ремонт укриття, а волонтери розпочали доставку генераторів."
)


def page(head="", header="", before="", after="", body=PROSE, footer="", aside=""):
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Новина | Сайт</title>{head}</head><body>"
        f"<header><a href='/'>Сайт</a> {header}</header>"
        f"<main><article>{before}<h1>Енергетики відновили світло</h1>{after}<p>{body}</p>"
        f"<p>{PROSE}</p></article>{aside}</main><footer>{footer}</footer></body></html>"
    )


def json_ld(data):
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def dated(html, url=URL, fetched=FETCHED, hint=None):
    return page_date(html, url, fetched, hint)


# --- the cases ---


def test_the_crawl_day_in_the_page_header_is_not_the_articles():
    """A 2011 article re-served in 2013 shows '10 апреля 2013' in the page's header."""
    html = page(
        header="<span class='today'>10 апреля 2013</span>", after="<div class='date'>15 марта 2011</div>"
    )
    assert dated(html, fetched=datetime(2013, 4, 10, 8, tzinfo=UTC)) == (date(2011, 3, 15), "text")


def test_a_page_with_only_the_crawl_day_in_its_header_has_no_date():
    html = page(header="<span>Сегодня 10 апреля 2013, среда</span>")
    assert dated(html, fetched=datetime(2013, 4, 10, 8, tzinfo=UTC)) == (None, None)


@pytest.mark.parametrize(
    ("written", "url"),
    [("24 жовтня", URL), ("24 октября", "https://news.example.ru/a"), ("24 жовтня, 14:05", URL)],
)
def test_a_date_without_a_year_takes_the_latest_year_before_the_crawl(written, url):
    """24 October seen on 5 January is last year's."""
    assert dated(page(after=f"<div class='meta'>{written}</div>"), url) == (date(2024, 10, 24), "text")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("вчора", date(2025, 1, 4)),
        ("Вчора, 14:05", date(2025, 1, 4)),
        ("сегодня, 14:05", date(2025, 1, 5)),
        ("вчера в 18:30", date(2025, 1, 4)),
        ("позавчора о 09:10", date(2025, 1, 3)),
        ("Сьогодні", date(2025, 1, 5)),
        ("today, 10:15", date(2025, 1, 5)),
        ("35 хвилин тому", date(2025, 1, 5)),
        ("12 часов назад", date(2025, 1, 4)),  # 11:00 in Kyiv less 12 hours
        ("12 годин тому", date(2025, 1, 4)),
        ("12 год. тому", date(2025, 1, 4)),
        ("12 год тому", date(2025, 1, 4)),
    ],
)
def test_relative_dates_count_from_the_crawl_in_the_sites_zone(written, day):
    assert dated(page(after=f"<span class='date'>{written}</span>")) == (day, "relative")


@pytest.mark.parametrize("written", ["3 года назад", "1 год назад", "5 лет назад", "2 роки тому"])
def test_years_ago_in_russian_are_not_hours_ago(written):
    """Russian "год" is a year (Ukrainian "год." is an hour): "3 года назад" is no day."""
    assert dated(page(after=f"<span class='date'>{written}</span>")) == (None, None)


def test_a_time_after_midnight_with_an_offset_is_that_day_not_the_utc_day_before():
    html = page(head=json_ld({"@type": "NewsArticle", "datePublished": "2020-06-29T00:16:15+03:00"}))
    assert dated(html, "https://tass.ru/moskva/8836033") == (date(2020, 6, 29), "json-ld")
    meta = page(head='<meta property="article:published_time" content="2020-06-29T00:16:15+03:00">')
    assert extract_html(meta, URL, fetched=FETCHED).published == date(2020, 6, 29)


def test_the_feed_items_date_gives_a_year_less_date_its_year():
    html = page(after="<div class='date'>31 грудня, 23:40</div>")
    crawled_later = datetime(2025, 3, 1, tzinfo=UTC)
    assert dated(html, fetched=crawled_later, hint=date(2025, 1, 2)) == (date(2024, 12, 31), "text")
    assert dated(html, fetched=crawled_later, hint=date(2023, 12, 30)) == (date(2023, 12, 31), "text")


def test_a_date_after_the_crawl_is_passed_over_for_the_next():
    future = page(
        head='<meta property="article:published_time" content="2025-01-06T10:00:00+02:00">',
        after="<time datetime='2025-01-04T10:00:00+02:00'>4 січня</time>",
    )
    assert dated(future) == (date(2025, 1, 4), "time")
    assert dated(page(after="<div class='date'>6 січня 2025</div>")) == (None, None)


def test_the_feed_items_date_comes_before_a_date_read_from_the_words_but_after_a_stated_one():
    candidates = [
        ("page", None),
        ("feed", date(2024, 1, 9)),
        ("page", date(2024, 1, 8)),
        ("last-modified", None),
    ]
    assert publication(candidates, date(2024, 1, 11), crawled=date(2024, 1, 11)) == (date(2024, 1, 9), "feed")


def test_nothing_after_the_crawl_passes():
    candidates = [("feed", date(2024, 1, 12)), ("last-modified", date(2024, 1, 10))]
    assert publication(candidates, date(2024, 1, 11), crawled=date(2024, 1, 11)) == (
        date(2024, 1, 10),
        "last-modified",
    )


# --- each kind of evidence, in its order of trust ---


def test_json_ld_of_the_article_not_of_the_website():
    head = json_ld({"@type": "WebSite", "datePublished": "2019-01-01"}) + json_ld(
        {
            "@graph": [
                {"@type": "WebPage"},
                {"@type": ["NewsArticle"], "datePublished": "2024-10-24T09:00:00+03:00"},
            ]
        }
    )
    assert dated(page(head=head)) == (date(2024, 10, 24), "json-ld")
    listed = json_ld([{"@type": "BlogPosting", "datePublished": "2024-10-23"}])
    assert dated(page(head=listed)) == (date(2024, 10, 23), "json-ld")
    assert dated(page(head=json_ld({"@type": "WebSite", "datePublished": "2019-01-01"}))) == (None, None)


def test_broken_json_ld_is_no_evidence():
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
    assert dated(page(head=broken)) == (None, None)


def test_json_ld_nested_too_deep_is_no_evidence_not_a_crash():
    deep = '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
    assert dated(page(head=deep + '<meta name="date" content="2024-10-24">')) == (date(2024, 10, 24), "meta")


@pytest.mark.parametrize(
    "tag",
    [
        '<meta property="article:published_time" content="2024-10-24T09:00:00+03:00">',
        '<meta property="og:published_time" content="2024-10-24">',
        '<meta itemprop="datePublished" content="2024-10-24T09:00">',
        '<meta name="pubdate" content="2024-10-24">',
        '<meta name="DC.date.issued" content="2024-10-24">',
        '<meta name="sailthru.date" content="2024-10-24 09:00:00">',
        '<meta name="parsely-pub-date" content="2024-10-24T06:00:00Z">',
    ],
)
def test_meta_tags(tag):
    assert dated(page(head=tag)) == (date(2024, 10, 24), "meta")


def test_a_modified_time_is_not_the_publication():
    assert dated(page(head='<meta property="article:modified_time" content="2024-10-24">')) == (None, None)


def test_a_utc_time_is_turned_into_the_sites_day():
    late = '<meta property="article:published_time" content="2024-01-10T23:30:00Z">'
    assert dated(page(head=late)) == (date(2024, 1, 11), "meta"), "01:30 in Kyiv"
    assert dated(page(head=late), "https://example.kz/a") == (date(2024, 1, 11), "meta")
    early = '<meta property="article:published_time" content="2024-01-10T20:30:00+00:00">'
    assert dated(page(head=early)) == (date(2024, 1, 10), "meta")


def test_a_time_without_an_offset_is_the_sites_own():
    naive = '<meta property="article:published_time" content="2024-01-10T23:30:00">'
    assert dated(page(head=naive)) == (date(2024, 1, 10), "meta")


def test_a_time_in_the_article_not_in_the_footer_or_a_related_block():
    footer = "<time datetime='2025-01-05'>5 січня 2025</time>"
    related = "<aside><time datetime='2025-01-03'>3 січня</time></aside>"
    listed = "<div class='related-news'><time datetime='2025-01-02'>2 січня</time></div>"
    assert dated(page(footer=footer, aside=related, after=listed)) == (None, None)
    inside = "<time datetime='2024-12-30T18:00:00+02:00'>30 грудня</time>"
    assert dated(page(footer=footer, after=inside)) == (date(2024, 12, 30), "time")
    assert dated(page(before=inside)) == (date(2024, 12, 30), "time"), "inside <article>, above the headline"


def test_the_articles_own_header_holds_its_time():
    html = page(after="").replace(
        "<h1>Енергетики відновили світло</h1>",
        "<header class='article__header'><h1>Енергетики відновили світло</h1>"
        "<span itemprop='datePublished'>2024-12-30</span></header>",
    )
    assert dated(html) == (date(2024, 12, 30), "time")


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.mk.ru/social/2020/12/29/prisyazhnye.html", date(2020, 12, 29)),
        ("https://news.example.ua/20200218/item.html", date(2020, 2, 18)),
        ("https://news.example.ua/news/2020-02-18-item", date(2020, 2, 18)),
        ("https://news.example.ua/news/item-18-02-2020.html", date(2020, 2, 18)),
        ("https://news.example.ua/news/2020/02/item.html", None),
        ("https://news.example.ua/news/3103218-item.html", None),
    ],
)
def test_the_urls_date(url, day):
    assert url_date(url) == day
    assert dated(page(), url) == ((day, "url") if day else (None, None))


def test_the_url_wins_over_a_text_date_years_apart():
    html = page(after="<div class='date'>10 апреля 2013</div>")
    assert dated(html, "https://news.example.ua/2011/03/15/item.html", datetime(2013, 4, 10, tzinfo=UTC)) == (
        date(2011, 3, 15),
        "url",
    )


def test_a_year_less_date_takes_the_urls_year():
    html = page(after="<div class='date'>15 марта, 10:20</div>")
    assert dated(html, "https://news.example.ua/2011/news-item.html") == (date(2011, 3, 15), "text")


@pytest.mark.parametrize(
    ("fetched", "day"),
    [
        (datetime(2025, 1, 1, 10, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2024, 12, 31, 10, tzinfo=UTC), date(2024, 1, 1)),
    ],
)
def test_a_year_less_january_date_read_on_new_years_day_and_on_new_years_eve(fetched, day):
    assert dated(page(after="<div class='date'>1 січня, 09:00</div>"), fetched=fetched) == (day, "text")


def test_a_relative_date_just_after_midnight_in_kyiv_is_kyivs_day():
    fetched = datetime(2024, 1, 10, 22, 30, tzinfo=UTC)  # 00:30 on 11 January in Kyiv
    assert dated(page(after="<span class='date'>сьогодні, 00:20</span>"), fetched=fetched) == (
        date(2024, 1, 11),
        "relative",
    )
    assert dated(page(after="<span class='date'>вчора, 23:50</span>"), fetched=fetched) == (
        date(2024, 1, 10),
        "relative",
    )
    ago = page(after="<span class='date'>20 хвилин тому</span>")
    assert dated(ago, fetched=fetched) == (date(2024, 1, 11), "relative")
    assert dated(page(after="<span class='date'>45 хвилин тому</span>"), fetched=fetched) == (
        date(2024, 1, 10),
        "relative",
    )


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("Опубліковано 10 січня 2024 року", date(2024, 1, 10)),
        ("10 января 2024", date(2024, 1, 10)),
        ("10 янв. 2024, 12:00", date(2024, 1, 10)),
        ("10 січень 2024", date(2024, 1, 10)),
        ("January 10, 2024", date(2024, 1, 10)),
        ("10 Jan 2024", date(2024, 1, 10)),
        ("Оновлено: 09.02.2023 о 12:00", date(2023, 2, 9)),
        ("24.10.2024", date(2024, 10, 24)),
        ("24.10, 14:05", date(2024, 10, 24)),
        ("2024-10-24 14:05", date(2024, 10, 24)),
        ("31.02.2024 | 01.03.2024", date(2024, 3, 1)),
        ("Автор: Іван Петренко", None),
    ],
)
def test_the_ways_dates_are_written(written, day):
    assert dated(page(after=f"<div class='byline'>{written}</div>")) == (
        (day, "text") if day else (None, None)
    )


def test_a_news_agencys_dateline_opens_the_lead():
    lead = "КИЇВ, 24 жовтня. /Укрінформ/. " + PROSE
    assert dated(page(body=lead)) == (date(2024, 10, 24), "text")


def test_dates_in_running_prose_are_events_not_the_publication():
    assert dated(page()) == (None, None), "у четвер, 1 січня, о 8:00 is in a sentence"
    opening = "24 лютого війська рушили на Київ. " + PROSE
    assert dated(page(body=opening)) == (None, None)
    assert dated(page(after="<p>Сьогодні у Києві тривога.</p>")) == (None, None)


def test_a_paragraph_full_of_dates_is_read_in_linear_time():
    """Each date of a 100 kB paragraph used to re-read the whole paragraph: minutes for a page."""
    crowded = page(
        after="<p>" + "1 січня 1980, " * 8000 + "</p>" + "<p>" + "<b>1 січня 1980</b> " * 3000 + "</p>"
    )
    started = time.process_time()
    assert dated(crowded) == (None, None)
    assert time.process_time() - started < 1.5


def test_a_deep_page_of_empty_elements_is_read_in_linear_time():
    """Each element around the headline used to walk all its ancestors: minutes for a page."""
    deep = "<div>" * 250 + "<i> </i>" * 10000 + "</div>" * 250
    crowded = page(before=deep, after=deep)
    started = time.process_time()
    assert dated(crowded) == (None, None)
    assert time.process_time() - started < 1.5


@pytest.mark.parametrize(
    "sentence",
    [
        "Вибух стався вчора о 18:30 у центрі міста. ",
        "За словами мера, вибух стався вчора о 18:30. ",
        "Как сообщили в полиции, задержание произошло сегодня в 14:05. ",
    ],
    ids=["uk", "uk-said", "ru"],
)
def test_a_relative_date_in_a_sentence_of_the_story_is_an_events(sentence):
    assert dated(page(body=sentence + PROSE)) == (None, None)
    assert dated(page(body=PROSE + " " + sentence)) == (None, None)


def test_another_articles_headline_is_not_this_ones_date():
    link = "<div><a href='/x'>Як пережити місячне затемнення 10 січня: поради</a></div>"
    assert dated(page(after=link)) == (None, None)


def test_a_logo_in_an_h1_is_not_the_headline():
    html = page(header="<h1 class='logo'>Сайт</h1><span>5 січня 2025</span>")
    assert dated(html) == (None, None)


@pytest.mark.parametrize("home", ["/", "/index.php", "https://zhytomyr.info/index.html"])
def test_a_logo_h1_linking_to_the_front_page_in_an_old_div_header_is_not_the_headline(home):
    """A 2011 article re-served in 2013, its header a <div id="header"> with the site's name in an <h1>
    (a logo by the same rule as the title's: _extract's headline)."""
    html = (
        "<html><head><title>Міська рада затвердила бюджет | Новини Житомира</title></head><body>"
        f"<div id='header'><h1><a href='{home}'>Новини Житомира</a></h1>"
        "<div class='today'>10 квітня 2013</div></div>"
        "<div id='content'><h2>Міська рада затвердила бюджет</h2><div class='date'>23.12.2011</div>"
        f"<p>{PROSE}</p></div></body></html>"
    )
    assert dated(html, fetched=datetime(2013, 4, 10, tzinfo=UTC)) == (date(2011, 12, 23), "text")


def test_dates_before_1990_are_refused():
    assert dated(page(head='<meta name="date" content="1970-01-01">')) == (None, None)


def test_without_fetched_nothing_after_today_passes():
    tomorrow = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    html = page(head=f'<meta name="date" content="{tomorrow}">')
    assert page_date(html, URL, None, None) == (None, None)


# --- the pieces ---


@pytest.mark.parametrize(
    ("url", "zone"),
    [
        ("https://www.pravda.com.ua/news/", "Europe/Kyiv"),
        ("https://www.mk.ru/a", "Europe/Moscow"),
        ("https://news.tut.by/a", "Europe/Minsk"),
        ("https://www.inform.kz/ru/a", "Asia/Almaty"),
        ("https://zaxid.net/news", "Europe/Kyiv"),
        (None, "Europe/Kyiv"),
    ],
)
def test_the_sites_zone(url, zone):
    assert site_zone(url).key == zone


def test_local_day():
    kyiv = site_zone(URL)
    assert local_day(datetime(2020, 6, 29, 0, 16, tzinfo=timezone(timedelta(hours=3))), kyiv) == date(
        2020, 6, 29
    )
    assert local_day(datetime(2020, 6, 28, 21, 16, tzinfo=UTC), kyiv) == date(2020, 6, 29)
    assert crawl_day(datetime(2024, 1, 10, 22, 30, tzinfo=UTC), URL) == date(2024, 1, 11)
    assert crawl_day(None, URL) is None


def test_the_answers_date_is_the_fetch_time_when_it_is_sane():
    now = datetime(2024, 1, 11, 10, 0, tzinfo=UTC)
    assert fetched_at({"date": "Thu, 11 Jan 2024 09:59:00 GMT"}, now) == datetime(
        2024, 1, 11, 9, 59, tzinfo=UTC
    )
    assert fetched_at({"date": "Thu, 01 Jan 2015 10:00:00 GMT"}, now) == now, "a server's stopped clock"
    assert fetched_at({"date": "yesterday"}, now) == now and fetched_at({}, now) == now


@pytest.mark.parametrize(
    ("modified", "answered"),
    [
        ("Sat, 31 Dec 9999 23:59:59 -1200", "Thu, 11 Jan 2024 10:00:00 GMT"),
        ("Thu, 11 Jan 2024 09:00:00 GMT", "0001-01-01"),
    ],
)
def test_a_last_modified_or_date_header_out_of_range_is_no_date_not_a_crash(modified, answered):
    """A hostile server's header is no date, not a traceback for the page."""
    assert last_modified({"last-modified": modified, "date": answered}) is None


def test_extract_says_how_the_date_was_found():
    html = page(after="<div class='date'>24 жовтня</div>").encode()
    article = extract(html, "text/html", "utf-8", URL, URL, fetched=FETCHED)
    assert (article.published, article.published_evidence) == (date(2024, 10, 24), "text")
    stated = page(head='<meta name="date" content="2024-10-20">').encode()
    article = extract(stated, "text/html", "utf-8", URL, URL, fetched=FETCHED)
    assert (article.published, article.published_evidence) == (date(2024, 10, 20), "meta")
    plain = extract_html(page(), URL, fetched=FETCHED)
    assert (plain.published, plain.published_evidence) == (None, None)


def test_an_old_table_layout_without_h1_reads_the_date_under_its_title():
    html = (
        "<html><head><title>Новини Житомира - Міська рада затвердила бюджет на 2012 рік</title></head><body>"
        "<table><tr><td class='top'>Сьогодні: 10 квітня 2013</td></tr>"
        "<tr><td><a href='/'>Головна</a> <a href='/news'>Новини</a></td></tr>"
        "<tr><td><b>Міська рада затвердила бюджет на 2012 рік</b><br><small>23.12.2011 17:40</small>"
        f"<p>{PROSE}</p></td></tr></table></body></html>"
    )
    assert dated(html, fetched=datetime(2013, 4, 10, tzinfo=UTC)) == (date(2011, 12, 23), "text")


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="0123456789 .,:-/січнятровжлюгдаябмпукзеі", max_size=40),
    st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_a_page_date_is_never_after_the_crawl_nor_before_1990(written, fetched):
    html = page(after=f"<div class='date'>{written}</div>", header=f"<span>{written}</span>")
    day, evidence = page_date(html, URL, fetched, None)
    assert day is None or date(1990, 1, 1) <= day <= crawl_day(fetched, URL)
    assert (day is None) == (evidence is None)


def test_a_local_file_was_fetched_when_it_was_last_written(tmp_path):
    saved = tmp_path / "saved.html"
    saved.write_text(page(after="<div class='date'>24 жовтня</div>"), encoding="utf-8")
    os.utime(saved, (FETCHED.timestamp(), FETCHED.timestamp()))
    source = read_file(str(saved), 1_000_000)
    assert source.fetched == FETCHED
    article = extract(source.data, None, None, None, source.name, source.fetched)
    assert (article.published, article.published_evidence) == (date(2024, 10, 24), "text")


def test_a_local_file_written_in_the_future_was_not_fetched_in_the_future(tmp_path):
    """A copied file's clock may run ahead of ours: its mtime makes no future date believable."""
    ahead = datetime.now(UTC) + timedelta(days=400)
    saved = tmp_path / "saved.html"
    saved.write_text(page(head=f'<meta name="date" content="{(ahead - timedelta(days=30)).date()}">'))
    os.utime(saved, (ahead.timestamp(), ahead.timestamp()))
    source = read_file(str(saved), 1_000_000)
    assert source.fetched is not None and source.fetched <= datetime.now(UTC)
    article = extract(source.data, None, None, None, source.name, source.fetched)
    assert (article.published, article.published_evidence) == (None, None)


@pytest.mark.parametrize(
    "mtime", [1.0, 315532800.0, 1e12, -1e12], ids=["1970", "zip-1980", "year-33658", "before-0"]
)
def test_a_local_file_with_an_absurd_mtime_was_fetched_now(tmp_path, mtime):
    """A file whose mtime is zeroed (1970, a zip's 1980) or absurd: every date would be after its 'crawl'."""
    saved = tmp_path / "saved.html"
    saved.write_text(page(after="<div class='date'>24 жовтня 2024</div>"))
    try:
        os.utime(saved, (mtime, mtime))
    except (OSError, OverflowError, ValueError):
        pytest.skip("this file system keeps no such time")
    source = read_file(str(saved), 1_000_000)
    assert source.fetched is not None and datetime.now(UTC) - source.fetched < timedelta(minutes=1)
    article = extract(source.data, None, None, None, source.name, source.fetched)
    assert (article.published, article.published_evidence) == (date(2024, 10, 24), "text")


def test_tens_of_thousands_of_deep_time_elements_are_not_all_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each <time> costs a walk up its ancestors: 150 blocks of 250 nested ones (1.3 MB)
    # took 4.7 s; only the page's first are an article's.
    import warnews._dates as dates

    walks = []
    chrome = dates._chrome
    monkeypatch.setattr(dates, "_chrome", lambda element: walks.append(1) or chrome(element))
    block = "<time datetime='2999-01-01'>" * 250 + "x" + "</time>" * 250
    html = f"<html><body><h1>Заголовок статті про події</h1>{block * 150}</body></html>"
    assert page_date(html, "https://site.ua/news/1", None, None) == (None, None)
    assert len(walks) < 1000  # the headline and a few more walks beside the <time>s: not 37,500


def test_a_time_written_ahead_of_the_sites_zone_before_the_crawl_is_not_after_it():
    """00:16+03:00 on 10 January is 23:16 on the 9th in Kyiv (+02:00 in winter): a page
    read at 23:30 in Kyiv was published before the crawl, on the day it writes (the 10th)."""
    html = page(head='<meta property="article:published_time" content="2024-01-10T00:16:00+03:00">')
    crawl = datetime(2024, 1, 9, 21, 30, tzinfo=UTC)
    assert dated(html, fetched=crawl) == (date(2024, 1, 10), "meta")
    assert dated(html, fetched=crawl - timedelta(minutes=20)) == (None, None), "published after the crawl"
    source = Source("https://news.example.ua/news/item-1", b"", URL, fetched=crawl)
    article = extract_html(html, URL, fetched=crawl)
    assert published_date(article, source, date(2024, 1, 9), date(2024, 1, 9)) == (
        date(2024, 1, 10),
        "page",
        "meta",
    )


def test_the_published_date_a_file_states_follows_the_order_of_trust():
    crawl = datetime(2024, 1, 11, 9, 0, tzinfo=UTC)
    source = Source("x", b"", URL, modified=date(2024, 1, 5), fetched=crawl)
    made = date(2024, 1, 11)
    stated = extract_html(
        page(after="<time datetime='2024-01-08T10:00+02:00'>8 січня</time>"), URL, fetched=crawl
    )
    read = extract_html(page(after="<div class='date'>7 січня 2024</div>"), URL, fetched=crawl)
    assert published_date(stated, source, date(2024, 1, 9), made) == (date(2024, 1, 8), "page", "time")
    assert published_date(read, source, date(2024, 1, 9), made) == (date(2024, 1, 9), "feed", None)
    assert published_date(read, source, None, made) == (date(2024, 1, 7), "page", "text")
    assert published_date(read, source, date(2024, 1, 12), made) == (date(2024, 1, 7), "page", "text")
    nothing = extract_html(page(), URL, fetched=crawl)
    assert published_date(nothing, source, None, made) == (date(2024, 1, 5), "last-modified", None)


def test_the_date_follows_the_headline_the_title_is_not_a_section_name_in_an_h1_above_it():
    """A 2011 article re-served in 2013: its header's <h1> is the section's name, the day
    beside it the day the page was served; the headline (the title) is the second <h1>."""
    html = (
        "<html><head><title>Міська рада затвердила бюджет | Новини Житомира</title></head><body>"
        "<div id='top'><h1>Новини</h1><div class='today'>10 квітня 2013</div></div>"
        "<div id='content'><h1>Міська рада затвердила бюджет</h1><div class='date'>23.12.2011</div>"
        f"<p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    )
    article = extract_html(html, URL, fetched=datetime(2013, 4, 10, tzinfo=UTC))
    assert article.title == "Міська рада затвердила бюджет"
    assert (article.published, article.published_evidence) == (date(2011, 12, 23), "text")
