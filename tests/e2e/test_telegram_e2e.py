"""Telegram channels (issue 13), end to end: the installed warnews command reading the local
emulation of t.me's web preview (telegram.py) and translating through the local Google."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from pages import MADE_EPOCH, texts
from telegram import PHOTO, VIDEO, VOICE, Post, Telegram, emoji, hashtag, link
from translators import emulate_translation

NAME = "Kyiv_News"
KEY = "https://t.me/s/kyiv_news"
TITLE = "Новини Києва"

LINES = [
    "Сили оборони збили дванадцять дронів над областю вночі.",
    "Енергетики відновили живлення у трьох районах міста.",
    "Волонтери передали генератори до лікарні на лівому березі.",
    "Міська рада оголосила новий графік руху громадського транспорту.",
    "Рятувальники завершили розбирати завали на вулиці Січових Стрільців.",
    "Жителі громади зібрали кошти на ремонт укриття в школі.",
]


def ukrainian(n):
    """A distinct one-paragraph Ukrainian post text."""
    return f"{LINES[n % len(LINES)][:-1]}, повідомлення номер {n}."


def posts(first, last, day=None):
    """Plain Ukrainian posts first..last, one a day from January 1st (or all on day)."""
    return [
        Post(n, ukrainian(n), time=f"2024-01-{day or min(n, 28):02d}T{8 + n % 10:02d}:00:00+00:00")
        for n in range(first, last + 1)
    ]


@pytest.fixture
def telegram():
    with Telegram() as server:
        yield server


@pytest.fixture
def environment(environment, telegram):
    return {**environment, "WARNEWS_TELEGRAM_URL": telegram.base_url}


def json_lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def done(result):
    assert result.returncode == 0, result.stderr
    return {line["url"]: line for line in json_lines(result) if line["status"] == "done"}


def permalinks(ids, name=NAME):
    return {f"https://t.me/{name}/{n}" for n in ids}


def sidecar(tmp_path, line):
    return json.loads((tmp_path / line["path"]).with_suffix(".json").read_text(encoding="utf-8"))


def state_rows(tmp_path):
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    try:
        return {
            url: (status, source)
            for url, status, source in database.execute("SELECT url, status, source FROM articles")
        }
    finally:
        database.close()


# --- the names a user gives ---


@pytest.mark.parametrize(
    "given",
    [
        "https://t.me/s/Kyiv_News",
        "https://t.me/Kyiv_News",
        "t.me/kyiv_news",
        "t.me/s/Kyiv_News",
        "@Kyiv_News",
        "https://telegram.me/Kyiv_News",
    ],
)
def test_every_spelling_of_a_channel_reads_its_preview(run, telegram, tmp_path, given):
    telegram.channel(NAME, TITLE, posts(1, 2))
    result = run("feed", given, "-o", "out", "--json")
    assert set(done(result)) == permalinks([1, 2]), "permalinks spelled as data-post spells the name"
    assert len(telegram.page_requests(NAME)) == 1
    assert state_rows(tmp_path) == {url: ("done", KEY) for url in permalinks([1, 2])}
    listed = run("list", "--source", KEY, "--json")
    assert listed.returncode == 0, listed.stderr
    assert {json.loads(line)["url"] for line in listed.stdout.splitlines()} == permalinks([1, 2])


def test_the_config_feeds_bring_channels_to_run(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, posts(1, 2))
    telegram.channel("odesa_live", "Одеса наживо", [Post(7, ukrainian(7))])
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('feeds = ["@Kyiv_News", "https://t.me/s/odesa_live"]\nout = "news"\n', encoding="utf-8")
    result = run("run", "--json")
    assert set(done(result)) == permalinks([1, 2]) | {"https://t.me/odesa_live/7"}
    assert len(texts(tmp_path / "news")) == 3


def test_a_post_url_is_refused_by_feed_naming_the_channel(run, telegram):
    telegram.channel(NAME, TITLE, posts(1, 2))
    result = run("feed", "https://t.me/Kyiv_News/2", "-o", "out")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "https://t.me/s/kyiv_news" in line, line


# --- a post is an article ---


def test_a_post_is_an_article_with_its_paragraphs_date_title_and_sidecar(run, telegram, google, tmp_path):
    text = "\n".join(
        [
            emoji("🇺🇦") + " Енергетики відновили світло у районі",
            "",
            "Після нічної атаки без світла залишалися "
            + link("https://www.ukrinform.ua/x?id=7&lang=uk", "тисячі родин")
            + ".",
            "Подробиці на сайті " + link("https://www.pravda.com.ua/news/1/") + " " + hashtag("Харків"),
        ]
    )
    telegram.channel(
        NAME,
        TITLE,
        [
            Post(
                41,
                text,
                time="2024-01-10T22:30:00+00:00",
                photos=[PHOTO.format("p41")],
                views="12.3K",
                edited=True,
                author="Олена Петренко",
                forwarded=("Укренерго", "https://t.me/Ukrenergo/900"),
                reply=("https://t.me/Kyiv_News/40", "Новини Києва", "Вибухи в Харкові"),
                link_preview=(
                    "https://www.pravda.com.ua/news/1/",
                    "Українська правда",
                    "Світло повернули",
                    "Енергетики працювали всю ніч",
                ),
            )
        ],
    )
    result = run("feed", KEY, "-o", "out", "--json")
    [line] = done(result).values()
    path = tmp_path / line["path"]
    title = "Енергетики відновили світло у районі"
    assert line["path"] == "out/2024-01-11-" + "enerhetyky-vidnovyly-svitlo-u-rayoni.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "date 2024-01-11 01/11/2024 – Translated from Ukrainian via Google", lines[0]
    body = "\n".join(lines[2:]).rstrip("\n").split("\n\n")
    assert body == [
        emulate_translation("🇺🇦 " + title),
        emulate_translation("Після нічної атаки без світла залишалися тисячі родин."),
        emulate_translation("Подробиці на сайті https://www.pravda.com.ua/news/1/ #Харків"),
    ], "a paragraph per line, empty lines dropped, emoji and links' text kept, the title not removed"
    meta = sidecar(tmp_path, line)
    assert (meta["title"], meta["original_title"]) == (emulate_translation(title), title)
    assert (meta["url"], meta["published"], meta["published_from"]) == (
        "https://t.me/Kyiv_News/41",
        "2024-01-11",
        "post",
    )
    assert meta["sitename"] == TITLE
    assert meta["telegram"] == {
        "channel": NAME,
        "channel_title": TITLE,
        "post": 41,
        "posted_at": "2024-01-10T22:30:00+00:00",
        "edited": True,
        "views": "12.3K",
        "author": "Олена Петренко",
        "forwarded_from": meta["telegram"]["forwarded_from"],
        "reply_to": {
            "url": "https://t.me/Kyiv_News/40",
            "author": "Новини Києва",
            "text": "Вибухи в Харкові",
        },
        "link_previews": [
            {
                "url": "https://www.pravda.com.ua/news/1/",
                "site": "Українська правда",
                "title": "Світло повернули",
                "description": "Енергетики працювали всю ніч",
            }
        ],
        "media": [{"kind": "photo", "url": PHOTO.format("p41")}],
    } | {"links": meta["telegram"]["links"]}
    forwarded = meta["telegram"]["forwarded_from"]
    assert (forwarded["name"], forwarded["url"]) == ("Укренерго", "https://t.me/Ukrenergo/900")
    links = [href for href in meta["telegram"]["links"] if "q=%23" not in href]
    assert links == ["https://www.ukrinform.ua/x?id=7&lang=uk", "https://www.pravda.com.ua/news/1/"], (
        "hrefs in the text"
    )


def test_a_plain_post_has_null_telegram_fields_and_other_sidecars_have_no_telegram_key(
    run, telegram, site, tmp_path
):
    telegram.channel(NAME, TITLE, [Post(3, ukrainian(3), views=None)])
    [line] = done(run("feed", KEY, "-o", "out", "--json")).values()
    info = sidecar(tmp_path, line)["telegram"]
    assert (info["views"], info["author"], info["forwarded_from"], info["reply_to"], info["edited"]) == (
        None,
        None,
        None,
        None,
        False,
    )
    assert (info["link_previews"], info["media"], info["links"]) == ([], [], [])
    from pages import article_page, ukrainian_paragraphs

    url = site.add(
        "/news/1",
        article_page("Енергетики відновили світло", ukrainian_paragraphs(3), published="2024-01-10"),
    )
    result = run("fetch", url, "-o", "web", "--json")
    [web] = json_lines(result)
    assert "telegram" not in sidecar(tmp_path, web)


def test_a_quote_is_a_paragraph_of_its_own(run, telegram, tmp_path):
    text = "Заява речника штабу:<blockquote>Ми відновили оборону на лівому березі.</blockquote>Деталі згодом."
    telegram.channel(NAME, TITLE, [Post(1, text)])
    [line] = done(run("feed", KEY, "-o", "out", "--json")).values()
    body = (
        (tmp_path / line["path"]).read_text(encoding="utf-8").split("\n\n", 1)[1].rstrip("\n").split("\n\n")
    )
    assert body == [
        emulate_translation("Заява речника штабу:"),
        emulate_translation("Ми відновили оборону на лівому березі."),
        emulate_translation("Деталі згодом."),
    ]


def test_titles_short_first_line_first_sentence_or_cut_and_never_hashtags(run, telegram, tmp_path):
    long_sentence = (
        " ".join(["Енергетики відновили живлення у трьох районах міста після нічної атаки"] * 4) + "."
    )
    first_sentence = "Сили оборони збили дванадцять дронів над областю."
    telegram.channel(
        NAME,
        TITLE,
        [
            Post(
                1,
                hashtag("Київ")
                + " "
                + hashtag("новини")
                + "\nВолонтери передали генератори до лікарні\nДеталі згодом.",
            ),
            Post(2, first_sentence + " " + long_sentence),
            Post(3, long_sentence),
        ],
    )
    result = done(run("feed", KEY, "-o", "out", "--json"))
    titles = {
        int(url.rsplit("/", 1)[1]): sidecar(tmp_path, line)["original_title"] for url, line in result.items()
    }
    assert titles[1] == "Волонтери передали генератори до лікарні"
    assert titles[2] == first_sentence
    assert titles[3].endswith("…") and 100 <= len(titles[3]) <= 125, titles[3]
    assert (
        long_sentence.startswith(titles[3][:-1].rstrip())
        and long_sentence[len(titles[3][:-1].rstrip())] == " "
    )


def test_albums_are_one_post_and_captions_are_text(run, telegram, tmp_path):
    telegram.channel(
        NAME,
        TITLE,
        [
            Post(10, ukrainian(10), photos=[PHOTO.format(f"a{n}") for n in range(3)]),
            Post(13, ukrainian(13), video=VIDEO.format("v13")),
            Post(14, ukrainian(14), voice=VOICE.format("o14")),
            Post(15, ukrainian(15), document=("звіт.pdf", "1.2 MB")),
        ],
    )
    result = done(run("feed", KEY, "-o", "out", "--json"))
    assert set(result) == permalinks([10, 13, 14, 15])
    media = {
        int(url.rsplit("/", 1)[1]): sidecar(tmp_path, line)["telegram"]["media"]
        for url, line in result.items()
    }
    assert media[10] == [{"kind": "photo", "url": PHOTO.format(f"a{n}")} for n in range(3)]
    album = (tmp_path / result["https://t.me/Kyiv_News/10"]["path"]).read_text(encoding="utf-8")
    assert album.split("\n\n", 1)[1] == emulate_translation(ukrainian(10)) + "\n", "the caption once"
    assert media[13] == [{"kind": "video", "url": VIDEO.format("v13")}]
    assert media[14] == [{"kind": "voice", "url": VOICE.format("o14")}]
    assert [item["kind"] for item in media[15]] == ["document"]


# --- posts that are not articles ---


def test_each_skip_reason_and_service_messages_unreported(run, telegram, google, tmp_path):
    telegram.channel(
        NAME,
        TITLE,
        [
            Post(1, "Channel created", service=True),
            Post(2, None, photos=[PHOTO.format("x"), PHOTO.format("y")], video=VIDEO.format("z")),
            Post(
                3,
                link("https://www.pravda.com.ua/news/2/"),
                link_preview=("https://www.pravda.com.ua/news/2/", "УП", "Заголовок", "Опис"),
            ),
            Post(4, emoji("🇺🇦") + emoji("🔥", "f09f94a5")),
            Post(5, hashtag("новини") + " " + hashtag("Україна")),
            Post(6, None, unsupported=True),
            Post(7, "Ukrainian Pravda pinned «Енергетики відновили світло»", service=True),
            Post(8, ukrainian(8)),
        ],
    )
    result = run("feed", KEY, "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    reported = {line["url"]: line for line in json_lines(result)}
    assert set(reported) == permalinks([2, 3, 4, 5, 6, 8]), "service messages are not reported"
    reasons = {
        url: (line["status"], line["reason"]) for url, line in reported.items() if line["status"] == "skipped"
    }
    prefix = "no text to translate: "
    assert reasons == {
        "https://t.me/Kyiv_News/2": ("skipped", prefix + "only media (2 photos, 1 video)"),
        "https://t.me/Kyiv_News/3": ("skipped", prefix + "only a link"),
        "https://t.me/Kyiv_News/4": ("skipped", prefix + "only emoji"),
        "https://t.me/Kyiv_News/5": ("skipped", prefix + "only hashtags"),
    } | {"https://t.me/Kyiv_News/6": reasons["https://t.me/Kyiv_News/6"]}
    assert reasons["https://t.me/Kyiv_News/6"][1].startswith(prefix + "not shown in the web preview")
    rows = state_rows(tmp_path)
    assert "https://t.me/Kyiv_News/1" not in rows and "https://t.me/Kyiv_News/7" not in rows
    assert {url for url, (status, _) in rows.items() if status == "skipped"} == permalinks([2, 3, 4, 5, 6])
    again = run("feed", KEY, "-o", "out", "--json")
    assert again.returncode == 0 and again.stdout == "", "skipped posts are never retried"


def test_service_messages_are_only_logged_with_verbose(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, [Post(1, "Channel created", service=True), Post(2, ukrainian(2))])
    quiet = run("feed", KEY, "-o", "out")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    telegram.channel(
        "odesa_live", "Одеса наживо", [Post(5, "Channel photo updated", service=True), Post(6, ukrainian(6))]
    )
    verbose = run("feed", "@odesa_live", "-o", "out", "-v")
    assert verbose.returncode == 0, verbose.stderr
    assert any("odesa_live/5" in line for line in verbose.stderr.splitlines()), verbose.stderr


# --- the state and re-runs ---


def test_a_rerun_costs_one_page_request_and_no_translation(run, telegram, google, tmp_path):
    channel = telegram.channel(NAME, TITLE, posts(1, 3))
    assert len(done(run("feed", KEY, "-o", "out", "--json"))) == 3
    pages, requests = len(telegram.requests), google.count
    again = run("feed", KEY, "-o", "out")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert len(telegram.requests) == pages + 1 and telegram.page_requests(NAME)[-1].lower() == "/s/kyiv_news"
    assert google.count == requests
    channel.add(*posts(4, 5))
    newer = run("feed", KEY, "-o", "out", "--json")
    assert set(done(newer)) == permalinks([4, 5]) and len(json_lines(newer)) == 2
    assert len(telegram.requests) == pages + 2
    assert len(texts(tmp_path / "out")) == 5


def test_a_deleted_newest_post_does_not_make_the_rerun_read_back(run, telegram, tmp_path):
    channel = telegram.channel(NAME, TITLE, posts(1, 8), per_page=5)
    assert len(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "5"))) == 5
    channel.delete(8)
    channel.add(*posts(9, 10))
    before = len(telegram.page_requests(NAME))
    assert set(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "5"))) == permalinks([9, 10])
    assert len(telegram.page_requests(NAME)) == before + 1, "the page reaches past the known newest: enough"


def test_the_beginning_of_a_channel_is_remembered(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, posts(1, 12), per_page=5)
    assert set(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "50"))) == permalinks(
        range(1, 13)
    )
    assert len(telegram.page_requests(NAME)) == 3
    again = run("feed", KEY, "-o", "out", "--json", "--feed-items", "50")
    assert done(again) == {} and len(telegram.page_requests(NAME)) == 4, "nothing older to look for"


def test_a_gap_longer_than_a_page_is_followed_back(run, telegram, tmp_path):
    channel = telegram.channel(NAME, TITLE, posts(1, 3), per_page=5)
    done(run("feed", KEY, "-o", "out", "--json"))
    channel.add(*posts(4, 15))
    before = len(telegram.page_requests(NAME))
    result = run("feed", KEY, "-o", "out", "--json")
    assert set(done(result)) == permalinks(range(4, 16)) and len(json_lines(result)) == 12
    pages = [target.lower() for target in telegram.page_requests(NAME)[before:]]
    assert pages == ["/s/kyiv_news", "/s/kyiv_news?before=11", "/s/kyiv_news?before=6"], pages


def test_pages_are_asked_for_at_most_two_a_second(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, posts(1, 12), per_page=3)
    assert len(done(run("feed", KEY, "-o", "out", "--json"))) == 12
    times = [
        when
        for when, target in zip(telegram.times, telegram.requests, strict=True)
        if target.startswith("/s/")
    ]
    assert len(times) == 4
    assert min(later - earlier for earlier, later in zip(times, times[2:], strict=False)) >= 0.95, (
        "never three page requests within one second"
    )


def test_feed_items_caps_a_run_and_the_gap_is_read_on_the_next_runs(run, telegram, tmp_path):
    channel = telegram.channel(NAME, TITLE, posts(1, 3), per_page=5)
    done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "5"))
    channel.add(*posts(4, 15))
    taken = []
    for _ in range(3):
        taken.append(set(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "5"))))
    assert [len(batch) for batch in taken] == [5, 5, 2], taken
    assert set().union(*taken) == permalinks(range(4, 16)), "no post of the gap is lost"
    before = len(telegram.requests)
    assert done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "5")) == {}
    assert len(telegram.requests) == before + 1


def test_a_first_read_takes_the_newest_feed_items_and_more_backfills(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, posts(1, 30), per_page=5)
    assert set(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "7"))) == permalinks(
        range(24, 31)
    )
    assert done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "7")) == {}
    assert set(done(run("feed", KEY, "-o", "out", "--json", "--feed-items", "12"))) == permalinks(
        range(19, 24)
    )
    assert len(texts(tmp_path / "out")) == 12


def test_since_takes_every_post_from_that_kyiv_day_following_older_pages(run, telegram, tmp_path):
    posts_ = [Post(n, ukrainian(n), time=f"2024-01-{n:02d}T12:00:00+00:00") for n in range(1, 31)]
    posts_[18].time = "2024-01-19T22:30:00+00:00"  # post 19: January 20th in Kyiv
    telegram.channel(NAME, TITLE, posts_, per_page=5)
    result = run("feed", KEY, "-o", "out", "--json", "--since", "2024-01-20")
    assert set(done(result)) == permalinks(range(19, 31))
    assert len(telegram.page_requests(NAME)) == 3, "no page older than needed"


def test_since_is_bounded_by_feed_items_and_continued_by_the_next_runs(run, telegram, tmp_path):
    telegram.channel(
        NAME,
        TITLE,
        [Post(n, ukrainian(n), time=f"2024-01-{n:02d}T12:00:00+00:00") for n in range(1, 13)],
        per_page=4,
    )
    arguments = ("feed", KEY, "-o", "out", "--json", "--since", "2024-01-03", "--feed-items", "4")
    taken = [set(done(run(*arguments))) for _ in range(3)]
    assert [len(batch) for batch in taken] == [4, 4, 2]
    assert set().union(*taken) == permalinks(range(3, 13))


def days_old(*days):
    """Posts 1, 2... as old as these days, before "today" (SOURCE_DATE_EPOCH in the tests)."""
    now = datetime.fromtimestamp(int(MADE_EPOCH), UTC)
    stamp = "%Y-%m-%dT%H:%M:%S+00:00"
    return [
        Post(n + 1, ukrainian(n), time=(now - timedelta(days=d)).strftime(stamp)) for n, d in enumerate(days)
    ]


def test_since_in_days_and_a_later_since_further_back_takes_the_older_posts(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, days_old(20, 12, 9, 5, 3, 1))
    assert set(done(run("feed", KEY, "-o", "out", "--json", "--since", "7d"))) == permalinks([4, 5, 6])
    result = run("feed", KEY, "-o", "out", "--json", "--since", "10d")
    assert set(done(result)) == permalinks([3]), "every post on or after the day, known newest or not"


def test_since_on_run_with_the_configs_channels(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, days_old(20, 12, 9, 5, 3, 1))
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('feeds = ["https://t.me/Kyiv_News"]\nout = "news"\n', encoding="utf-8")
    assert set(done(run("run", "--json", "--since", "7d"))) == permalinks([4, 5, 6])


def test_since_from_the_environment(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, days_old(20, 12, 9, 5, 3, 1))
    result = run("feed", KEY, "-o", "out", "--json", env={"WARNEWS_SINCE": "7d"})
    assert set(done(result)) == permalinks([4, 5, 6])


def test_since_skips_old_items_of_an_rss_feed(run, site, tmp_path):
    from pages import article_page, ukrainian_paragraphs

    old = site.add("/news/old", article_page("Стара новина про світло", ukrainian_paragraphs(2)))
    new = site.add("/news/new", article_page("Нова новина про світло", ukrainian_paragraphs(2, seed=3)))
    feed = site.add(
        "/rss.xml",
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Н</title><link>https://n.example/</link>'
        f"<description>Д</description><item><title>Стара</title><link>{old}</link><pubDate>Fri, 05 Jan 2024 10:00:00 +0200</pubDate></item>"
        f"<item><title>Нова</title><link>{new}</link><pubDate>Thu, 25 Jan 2024 10:00:00 +0200</pubDate></item></channel></rss>",
        "application/rss+xml",
    )
    result = run("feed", feed, "-o", "out", "--json", "--since", "2024-01-20")
    assert set(done(result)) == {new}
    assert site.hits["/news/old"] == 0


def test_an_edited_post_keeps_its_first_translation_unless_forced(run, telegram, google, tmp_path):
    channel = telegram.channel(
        NAME, TITLE, [Post(1, ukrainian(1)), Post(2, "Енергетики відновили світло\nУ трьох районах")]
    )
    first = done(run("feed", KEY, "-o", "out", "--json"))
    path = tmp_path / first["https://t.me/Kyiv_News/2"]["path"]
    original = path.read_text(encoding="utf-8")
    channel.edit(2, "Енергетики відновили світло\nУ п'яти районах і двох селах")
    requests = google.count
    unforced = run("feed", KEY, "-o", "out", "--json")
    assert unforced.returncode == 0 and done(unforced) == {}
    assert google.count == requests and path.read_text(encoding="utf-8") == original
    forced = done(run("feed", KEY, "-o", "out", "--json", "--force"))
    assert forced["https://t.me/Kyiv_News/2"]["path"] == first["https://t.me/Kyiv_News/2"]["path"]
    assert emulate_translation("У п'яти районах і двох селах") in path.read_text(encoding="utf-8")
    assert google.count > requests
    assert sidecar(tmp_path, forced["https://t.me/Kyiv_News/2"])["telegram"]["edited"] is True
    assert len(texts(tmp_path / "out")) == 2, "the edited post's own file is replaced"


def test_a_forced_post_whose_title_changed_is_still_one_file(run, telegram, tmp_path):
    channel = telegram.channel(
        NAME, TITLE, [Post(1, ukrainian(1)), Post(2, "Енергетики відновили світло\nДеталі згодом")]
    )
    done(run("feed", KEY, "-o", "out", "--json"))
    channel.edit(2, "Волонтери передали генератори\nДеталі згодом")
    line = done(run("feed", KEY, "-o", "out", "--json", "--force"))["https://t.me/Kyiv_News/2"]
    assert len(texts(tmp_path / "out")) == 2, "no stale copy of the post's first text"
    assert (tmp_path / line["path"]).read_text(encoding="utf-8").split("\n")[2] == emulate_translation(
        "Волонтери передали генератори"
    )
    meta = sidecar(tmp_path, line)
    assert (meta["original_title"], meta["telegram"]["edited"]) == ("Волонтери передали генератори", True)


def test_429_is_retried_after_its_retry_after(run, telegram, tmp_path):
    telegram.channel(NAME, TITLE, posts(1, 2))
    telegram.throttle_next, telegram.retry_after = 2, "1"
    result = run("feed", KEY, "-o", "out", "--json")
    assert set(done(result)) == permalinks([1, 2])
    assert telegram.throttled == 2 and len(telegram.page_requests(NAME)) == 3
    gaps = [later - earlier for earlier, later in zip(telegram.times, telegram.times[1:], strict=False)]
    assert min(gaps[:2]) >= 0.95, "each retry waits the Retry-After it was given"


# --- errors: one line naming the channel, exit 1, other channels go on ---


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("unknown", "no public channel @ghost_channel"),
        ("missing", "no public channel @ghost_channel"),
        ("private", "no public channel @ghost_channel"),
        ("no_preview", "@ghost_channel has no web preview"),
        (
            "changed",
            "not a Telegram channel preview as warnews reads it (the page's markup may have changed",
        ),
        ("empty", "shows no posts"),
        ("nothing_found", "shows no posts"),
    ],
)
def test_a_bad_channel_is_one_error_line_and_other_channels_go_on(run, telegram, tmp_path, mode, message):
    if mode != "unknown":
        telegram.channel("ghost_channel", "Привид", posts(1, 2), mode=mode)
    telegram.channel(NAME, TITLE, posts(1, 2))
    result = run("feed", "https://t.me/s/ghost_channel", KEY, "-o", "out", "--json")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("warnews: ") and "https://t.me/s/ghost_channel" in line and message in line, line
    assert "0 new posts" not in line
    assert {line["url"] for line in json_lines(result) if line["status"] == "done"} == permalinks([1, 2])


# --- one post, and the list ---


def test_fetch_translates_one_post_from_its_widget(run, telegram, tmp_path):
    telegram.channel(
        NAME,
        TITLE,
        [
            Post(
                5,
                "Енергетики відновили світло у районі\nПодробиці згодом.",
                time="2024-01-10T22:30:00+00:00",
            ),
            *posts(6, 7),
        ],
    )
    result = run("fetch", "https://t.me/Kyiv_News/5", "-o", "out", "--json")
    [line] = json_lines(result)
    assert line["status"] == "done", result.stderr
    assert telegram.requests == [f"/{NAME}/5?embed=1&mode=tme"]
    meta = sidecar(tmp_path, line)
    assert (meta["url"], meta["published"], meta["telegram"]["post"]) == (
        "https://t.me/Kyiv_News/5",
        "2024-01-11",
        5,
    )
    assert meta["original_title"] == "Енергетики відновили світло у районі"
    assert meta["sitename"] == TITLE, "the widget names the channel (its owner name)"


# --- language ---


def test_one_line_posts_take_the_channels_language_and_decisive_letters_win(run, telegram, tmp_path):
    short = [
        "Увага, ракетна небезпека!",
        "Тривога, Одеса",
        "Сирена, бережемо себе",
        "Загроза ракетного удару, Одеса",
    ]
    russian = "Это сообщение из российского канала: ракеты уже вылетели."
    telegram.channel(
        NAME,
        TITLE,
        [Post(n, ukrainian(n)) for n in range(1, 7)]
        + [Post(7 + n, text) for n, text in enumerate(short)]
        + [Post(10, russian)],
    )
    result = done(run("feed", KEY, "-o", "out", "--json"))
    for n in (7, 8, 9):
        meta = sidecar(tmp_path, result[f"https://t.me/Kyiv_News/{n}"])
        assert (meta["source_language"], meta["detection"]["method"]) == ("uk", "channel"), (
            n,
            meta["detection"],
        )
    meta = sidecar(tmp_path, result["https://t.me/Kyiv_News/10"])
    assert meta["source_language"] == "ru"
    path = tmp_path / result["https://t.me/Kyiv_News/10"]["path"]
    assert "Translated from Russian" in path.read_text(encoding="utf-8").split("\n")[0]


@pytest.mark.xfail(
    strict=True,
    reason="a known limit, measured in bench/channel_language.py: langdetect leans to Russian on a"
    " line without і (ru 0.57 here) and a channel one post in eleven Russian no longer outweighs it;"
    " a floor that made the prior win here turned Russian posts of mixed channels Ukrainian",
)
def test_a_quoted_russian_post_does_not_turn_the_channels_one_liners_russian(run, telegram, tmp_path):
    one_liner = "Загроза ракетного удару, Одеса"  # Ukrainian words (Загроза, Одеса), no decisive letter
    telegram.channel(
        NAME,
        TITLE,
        [Post(n, ukrainian(n)) for n in range(1, 11)]
        + [Post(11, "Это сообщение из российского канала: ракеты уже вылетели."), Post(12, one_liner)],
    )
    result = done(run("feed", KEY, "-o", "out", "--json"))
    meta = sidecar(tmp_path, result["https://t.me/Kyiv_News/12"])
    assert (meta["source_language"], meta["detection"]["method"]) == ("uk", "channel"), meta["detection"]
