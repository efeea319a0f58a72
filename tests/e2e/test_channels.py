"""Public Telegram channels read as feeds, end to end: the installed warnews against the
local t.me preview (tme.py) and the local Google emulation."""

import json

import pytest
from pages import body_paragraphs
from tme import (
    NOT_SUPPORTED,
    Post,
    TelegramPreview,
    album,
    emoji,
    forwarded,
    hashtag,
    link_preview,
    photo,
    reply,
    text,
    video,
)
from translators import emulate_translation


@pytest.fixture
def tme():
    with TelegramPreview() as server:
        yield server


@pytest.fixture
def warnews(run, tme):
    def call(*args, env=None, **kwargs):
        return run(*args, env={"WARNEWS_TELEGRAM_URL": tme.base_url, **(env or {})}, **kwargs)

    return call


def records(result):
    return {record["url"]: record for record in map(json.loads, result.stdout.splitlines())}


def sidecar(path, tmp_path):
    return json.loads((tmp_path / path).with_suffix(".json").read_text(encoding="utf-8"))


def news(number, line="Новини громади"):
    return Post(number, text(f"{line} {number}: у Києві відновили світло.", "Подробиці згодом."))


def test_a_channel_is_a_feed_of_posts_each_an_article(warnews, tme, google, tmp_path):
    channel = tme.channel("kyivnews")
    channel.add(
        Post(1, "Channel created", service=True),
        Post(
            2,
            text(
                f"{emoji('⚡')}Вибухи в Києві",
                "",
                'За даними КМВА, працює ППО. <a href="https://kyiv.example.ua/a?x=1&amp;y=2">Читати</a>',
                hashtag("Київ"),
            ),
            at="2024-01-10T22:30:00+00:00",  # 00:30 on the 11th in Kyiv
            views="12.3K",
        ),
        Post(
            3,
            text("Енергетики відновили живлення на Оболоні."),
            before=forwarded("Укренерго", "https://t.me/ukrenergo/77")
            + reply("https://t.me/kyivnews/2", "Київ Новини", "Вибухи в Києві"),
            edited=True,
        ),
        Post(
            4,
            text("Наслідки атаки на Харків."),
            before=album("https://c.example/a.jpg", "https://c.example/b.jpg"),
        ),
        Post(5, "", before=photo() + video()),
        Post(
            6,
            '<a href="https://kyiv.example.ua/b">https://kyiv.example.ua/b</a>',
            after=link_preview("https://kyiv.example.ua/b", "Київ", "Заголовок", "Опис"),
        ),
        Post(7, emoji("🇺🇦") + emoji("❤")),
        Post(8, hashtag("Київ") + " " + hashtag("новини")),
        Post(9, "", before=NOT_SUPPORTED),
        Post(
            10,
            text("Читайте аналіз ситуації на фронті."),
            after=link_preview(
                "https://news.example.ua/analysis", "Новини", "Аналіз", "Що сталося за тиждень"
            ),
        ),
    )
    result = warnews("feed", "https://t.me/s/kyivnews", "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    found = records(result)
    assert "https://t.me/kyivnews/1" not in found  # a service message is no article, and not reported
    assert [found[f"https://t.me/kyivnews/{n}"]["status"] for n in (2, 3, 4, 10)] == ["done"] * 4
    reasons = {n: found[f"https://t.me/kyivnews/{n}"]["reason"] for n in range(5, 10)}
    assert reasons == {
        5: "no text to translate: only media (1 photo, 1 video)",
        6: "no text to translate: only a link",
        7: "no text to translate: only emoji",
        8: "no text to translate: only hashtags",
        9: "no text to translate: not shown in the web preview (open it in Telegram)",
    }
    assert all(found[f"https://t.me/kyivnews/{n}"]["status"] == "skipped" for n in range(5, 10))

    first = found["https://t.me/kyivnews/2"]
    document = (tmp_path / first["path"]).read_text(encoding="utf-8")
    assert document.splitlines()[0] == "date 2024-01-11 01/11/2024 – Translated from Ukrainian via Google"
    assert body_paragraphs(document) == [
        emulate_translation("⚡Вибухи в Києві"),
        emulate_translation("За даними КМВА, працює ППО. Читати"),
        "#" + emulate_translation("Київ"),
    ]
    assert first["title"] == emulate_translation("Вибухи в Києві")
    meta = sidecar(first["path"], tmp_path)
    assert (meta["url"], meta["source"]) == ("https://t.me/kyivnews/2", "https://t.me/kyivnews/2")
    assert (meta["published"], meta["published_from"], meta["sitename"]) == (
        "2024-01-11",
        "post",
        "Київ Новини",
    )
    telegram = meta["telegram"]
    assert (telegram["channel"], telegram["post"], telegram["views"]) == ("kyivnews", 2, "12.3K")
    assert telegram["posted_at"] == "2024-01-10T22:30:00+00:00"
    assert telegram["links"] == ["https://kyiv.example.ua/a?x=1&y=2"]

    third = sidecar(found["https://t.me/kyivnews/3"]["path"], tmp_path)["telegram"]
    assert third["forwarded_from"] == {
        "name": "Укренерго",
        "url": "https://t.me/ukrenergo/77",
        "author": None,
    }
    assert third["reply_to"] == {
        "url": "https://t.me/kyivnews/2",
        "author": "Київ Новини",
        "text": "Вибухи в Києві",
    }
    assert third["edited"] is True
    media = sidecar(found["https://t.me/kyivnews/4"]["path"], tmp_path)["telegram"]["media"]
    assert media == [
        {"kind": "photo", "url": "https://c.example/a.jpg"},
        {"kind": "photo", "url": "https://c.example/b.jpg"},
    ]
    previews = sidecar(found["https://t.me/kyivnews/10"]["path"], tmp_path)["telegram"]["link_previews"]
    assert previews == [
        {
            "url": "https://news.example.ua/analysis",
            "site": "Новини",
            "title": "Аналіз",
            "description": "Що сталося за тиждень",
        }
    ]
    assert len(list((tmp_path / "out").glob("*.txt"))) == 4

    listed = warnews("list", "--source", "https://t.me/s/kyivnews", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 9 and {row["source"] for row in rows} == {"https://t.me/s/kyivnews"}
    assert {row["reason"] for row in rows if row["status"] == "skipped"} == set(reasons.values())


def test_a_rerun_reads_one_page_and_asks_the_translator_nothing(warnews, tme, google):
    channel = tme.channel("kyivnews")
    channel.add(*(news(number) for number in range(1, 8)))
    assert warnews("feed", "t.me/kyivnews", "-o", "out").returncode == 0
    asked, pages = google.count, len(tme.pages())
    again = warnews("feed", "@kyivnews", "-o", "out", "--json")
    assert again.returncode == 0, again.stderr
    assert again.stdout == "" and len(tme.pages()) == pages + 1 and google.count == asked
    channel.add(news(8))
    third = warnews("feed", "https://t.me/s/KyivNews", "-o", "out", "--json")
    assert list(records(third)) == ["https://t.me/kyivnews/8"]
    assert tme.pages()[-1] == "/s/kyivnews"


def test_more_new_posts_than_a_page_are_followed_back_to_the_newest_known(warnews, tme):
    channel = tme.channel("kyivnews")
    channel.add(*(news(number) for number in range(1, 6)))
    assert warnews("feed", "@kyivnews", "-o", "out").returncode == 0
    channel.add(*(news(number) for number in range(6, 51)))
    tme.requests.clear()
    result = warnews("feed", "@kyivnews", "-o", "out", "--json")
    assert result.returncode == 0, result.stderr
    assert list(records(result)) == [f"https://t.me/kyivnews/{n}" for n in range(6, 51)]
    assert tme.pages() == ["/s/kyivnews", "/s/kyivnews?before=31", "/s/kyivnews?before=11"]


def test_feed_items_caps_a_run_and_the_gap_is_read_by_the_next_runs(warnews, tme, tmp_path):
    channel = tme.channel("kyivnews")
    channel.add(*(news(number) for number in range(1, 6)))
    assert warnews("feed", "@kyivnews", "-o", "out").returncode == 0
    channel.add(*(news(number) for number in range(6, 46)))
    taken = []
    for _ in range(3):
        result = warnews("feed", "@kyivnews", "-o", "out", "--json", "--feed-items", "15")
        assert result.returncode == 0, result.stderr
        taken.append([int(url.rsplit("/", 1)[1]) for url in records(result)])
    assert taken == [list(range(31, 46)), list(range(16, 31)), list(range(6, 16))]
    assert len(list((tmp_path / "out").glob("*.txt"))) == 45  # every post once, none lost


def test_backfill_with_feed_items_and_since(warnews, tme):
    channel = tme.channel("kyivnews")
    for number in range(1, 61):
        post = news(number)
        post.at = f"2024-01-{(number + 1) // 2:02d}T09:00:00+00:00"  # two posts a day, 1 to 30 January
        channel.add(post)
    first = warnews("feed", "@kyivnews", "-o", "out", "--json", "--feed-items", "10")
    assert [int(url.rsplit("/", 1)[1]) for url in records(first)] == list(range(51, 61))
    deeper = warnews("feed", "@kyivnews", "-o", "out", "--json", "--feed-items", "25")
    assert [int(url.rsplit("/", 1)[1]) for url in records(deeper)] == list(range(36, 51))
    since = warnews("feed", "@kyivnews", "-o", "out", "--json", "--since", "2024-01-12")
    assert [int(url.rsplit("/", 1)[1]) for url in records(since)] == list(range(23, 36))
    tme.requests.clear()
    done = warnews("feed", "@kyivnews", "-o", "out", "--json", "--since", "2024-01-12")
    assert done.stdout == "" and tme.pages() == ["/s/kyivnews"]  # nothing more to read back for it


def test_an_edited_post_keeps_its_first_translation_unless_forced(warnews, tme, tmp_path):
    channel = tme.channel("kyivnews")
    channel.add(news(1), news(2))
    first = records(warnews("feed", "@kyivnews", "-o", "out", "--json"))
    path = tmp_path / first["https://t.me/kyivnews/2"]["path"]
    before = path.read_text(encoding="utf-8")
    channel.posts[2].html = text("Новини громади 2: у Києві відновили світло.", "Уточнення: не всюди.")
    channel.posts[2].edited = True
    assert warnews("feed", "@kyivnews", "-o", "out", "--json").stdout == ""
    assert path.read_text(encoding="utf-8") == before
    forced = records(warnews("feed", "@kyivnews", "-o", "out", "--json", "--force"))
    assert forced["https://t.me/kyivnews/2"]["status"] == "done"
    assert tmp_path / forced["https://t.me/kyivnews/2"]["path"] == path  # its own file, replaced
    assert emulate_translation("Уточнення: не всюди.") in path.read_text(encoding="utf-8")
    assert len(list((tmp_path / "out").glob("*.txt"))) == 2


def test_channels_named_in_the_config_are_read_by_run(warnews, tme, tmp_path):
    tme.channel("kyivnews").add(news(1))
    tme.channel("OdesaNews", "Одеса").add(news(7, "Новини Одеси"))
    config = tmp_path / "config.toml"
    config.write_text(
        'feeds = ["@kyivnews", "https://telegram.me/odesanews"]\nout = "out"\n', encoding="utf-8"
    )
    result = warnews("run", "--config", config, "--json")
    assert result.returncode == 0, result.stderr
    assert set(records(result)) == {"https://t.me/kyivnews/1", "https://t.me/OdesaNews/7"}
    status = json.loads(warnews("status", "--json").stdout)
    sources = {row["source"] for row in status["sources"]}
    assert sources == {"https://t.me/s/kyivnews", "https://t.me/s/odesanews"}


EXPECTED_ERRORS = [
    "warnews: error: https://t.me/s/nosuchchan: no public channel @nosuchchan (it does not exist,"
    " is private, or is not a channel)",
    "warnews: error: https://t.me/s/closedchan: channel @closedchan has no web preview (disabled by the"
    " channel, or blocked by Telegram): warnews reads channels that https://t.me/s/closedchan shows",
    "warnews: error: https://t.me/s/newlook: not a Telegram channel preview as warnews reads it (the"
    " page's markup may have changed: no channel history and no posts found)",
    "warnews: error: https://t.me/s/quietchan: channel @quietchan shows no posts in its web preview"
    " (blocked, or empty)",
    "warnews: error: https://t.me/kyivnews/1: a post, not a channel: to read the channel, warnews feed"
    " https://t.me/s/kyivnews; to translate this post, warnews fetch https://t.me/kyivnews/1",
]


def test_channels_that_cannot_be_read_say_why_and_the_others_go_on(warnews, tme):
    tme.channel("kyivnews").add(news(1))
    tme.channel("closedchan", state="disabled")
    tme.channel("newlook", state="changed")
    tme.channel("quietchan", state="empty")
    result = warnews(
        "feed",
        "@kyivnews",
        "@nosuchchan",
        "@closedchan",
        "@newlook",
        "@quietchan",
        "https://t.me/kyivnews/1",
        "-o",
        "out",
        "--json",
    )
    assert result.returncode == 1
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(record["url"], record["status"]) for record in found if record["status"] != "failed"] == [
        ("https://t.me/kyivnews/1", "done")
    ]
    assert [record["status"] for record in found].count("failed") == 5
    lines = sorted(result.stderr.splitlines())  # in the order the feeds finished
    assert lines == sorted(EXPECTED_ERRORS)


def test_a_429_from_t_me_is_waited_out(warnews, tme):
    tme.channel("kyivnews").add(news(1))
    tme.fail_next, tme.retry_after = 1, "1"
    result = warnews("feed", "@kyivnews", "-o", "out", "--json", "-v")
    assert result.returncode == 0, result.stderr
    assert list(records(result)) == ["https://t.me/kyivnews/1"]
    assert tme.pages() == ["/s/kyivnews", "/s/kyivnews"]
    assert "429" in result.stderr and "retry 1 of 3 in 1.0 s" in result.stderr


def test_fetch_translates_one_post_by_its_permalink(warnews, tme, tmp_path):
    channel = tme.channel("kyivnews")
    channel.add(news(3), Post(4, "", before=photo()))
    done = warnews("fetch", "https://t.me/kyivnews/3", "-o", "out")
    assert done.returncode == 0, done.stderr
    path = tmp_path / done.stdout.strip()
    assert sidecar(path, tmp_path)["telegram"]["post"] == 3
    assert tme.requests[-1] == "/kyivnews/3?embed=1&mode=tme"
    skipped = warnews("fetch", "https://t.me/kyivnews/4", "-o", "out")
    assert skipped.returncode == 0 and skipped.stdout == ""
    assert skipped.stderr == (
        "warnews: warning: https://t.me/kyivnews/4: skipped: no text to translate: only media (1 photo)\n"
    )


def test_short_posts_take_the_channels_language_and_quotes_keep_their_own(warnews, tme, tmp_path):
    channel = tme.channel("kyivnews")
    channel.add(
        Post(1, text("Сили оборони відбили атаку біля Покровська, повідомили в Генштабі.")),
        Post(2, text("Енергетики відновили живлення після нічного обстрілу.")),
        Post(3, text("Волонтери передали бригаді нові дрони і генератори.")),
        Post(4, text("Тривога!")),  # no letter of its own to tell Ukrainian from Russian
        Post(5, text("Мы будем бороться до конца, заявил он.")),  # quoted Russian: ы
    )
    found = records(warnews("feed", "@kyivnews", "-o", "out", "--json"))
    languages = {url.rsplit("/", 1)[1]: record["language"] for url, record in found.items()}
    assert languages == {"1": "uk", "2": "uk", "3": "uk", "4": "uk", "5": "ru"}
    detection = sidecar(found["https://t.me/kyivnews/4"]["path"], tmp_path)["detection"]
    assert detection["method"] == "channel"
