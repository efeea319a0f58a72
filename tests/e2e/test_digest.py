"""Titles first: `warnews feed URL --titles-only` translates a feed's titles and summaries in
one or two requests and prints a digest; it saves nothing (issue 15).

Request counts are taken at the local translator."""

import json
from html import escape

from telegram import Post, Telegram

TITLES = [
    "Енергетики відновили світло у Харкові",
    "Рятувальники завершили евакуацію мешканців",
    "Міська рада оголосила новий графік відключень",
    "Волонтери доставили генератори до лікарні",
    "Жителі громади обговорили ремонт укриття",
]


def digest_feed(count, hostile=None):
    """An RSS feed of `count` items with Ukrainian titles, dates, and a summary on every other."""
    items = []
    for number in range(count):
        title = hostile if hostile and number == 0 else f"{TITLES[number % 5]} номер {number}"
        summary = (
            f"<description>&lt;p&gt;Подробиці події номер {number} у четвер.&lt;/p&gt;</description>"
            if number % 2
            else ""
        )
        items.append(
            f"<item><title>{escape(title)}</title><link>https://news.example/n/{number}</link>{summary}"
            f"<pubDate>Wed, {1 + number % 28:02d} Jan 2024 10:00:00 +0200</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новини</title>'
        f"<link>https://news.example/</link><description>Стрічка</description>{''.join(items)}</channel></rss>"
    )


def test_a_30_item_feed_costs_two_requests_at_most_then_none_and_nothing_is_saved(
    run, site, google, tmp_path
):
    feed = site.add("/rss.xml", digest_feed(30), "application/rss+xml")
    first = run("feed", feed, "--titles-only")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert 1 <= google.count <= 2, google.count
    lines = [line.split("\t") for line in first.stdout.splitlines()]
    assert len(lines) == 30 and all(len(fields) == 3 for fields in lines)
    assert lines[0] == [
        "2024-01-01",
        "Enerhetyky vidnovyly svitlo u Kharkiv nomer 0",
        "https://news.example/n/0",
    ]
    assert lines[29][0] == "2024-01-02" and lines[29][2] == "https://news.example/n/29"
    assert not any(any("а" <= char <= "я" for char in fields[1]) for fields in lines), (
        "every title in English"
    )
    requests = google.count
    again = run("feed", feed, "--titles-only", "--json")
    assert again.returncode == 0, again.stderr
    assert google.count == requests, "the second time, every title is in the translation memory"
    objects = [json.loads(line) for line in again.stdout.splitlines()]
    assert [obj["title"] for obj in objects] == [fields[1] for fields in lines]
    first_obj, second_obj = objects[0], objects[1]
    assert set(first_obj) == {
        "date",
        "title",
        "original_title",
        "summary",
        "original_summary",
        "link",
        "feed",
        "language",
        "engine",
    }
    assert first_obj["original_title"] == "Енергетики відновили світло у Харкові номер 0"
    assert first_obj["summary"] is None and first_obj["feed"] == feed
    assert (first_obj["language"], first_obj["engine"]) == ("uk", "Google")
    assert second_obj["original_summary"] == "Подробиці події номер 1 у четвер."
    assert second_obj["summary"] == "Podrobytsi podiyi nomer 1 u chetver."
    assert not (tmp_path / "state").exists(), "no state database"
    written = [path.name for path in tmp_path.rglob("*") if path.is_file()]
    assert written == ["translations.sqlite3"], "nothing but the translation memory"


def test_since_and_feed_items_bound_the_digest_and_it_leaves_no_conditional_get_memory(run, site, google):
    feed = site.add("/rss.xml", digest_feed(10), "application/rss+xml", headers={"ETag": '"v1"'})
    result = run("feed", feed, "--titles-only", "--since", "2024-01-05", "--feed-items", "3")
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "2024-01-05",
        "2024-01-06",
        "2024-01-07",
    ]
    again = run("feed", feed, "--titles-only", "--since", "2024-01-05", "--feed-items", "3")
    assert again.stdout == result.stdout
    assert site.not_modified["/rss.xml"] == 0, "read in full each time: no validators were kept"


def test_hostile_titles_come_out_inert_and_a_failing_feed_is_one_error(run, site, google):
    hostile = '=HYPERLINK("x")\x1b[31m <b>Новина</b>\tз\u202eтабом\x07'
    feed = site.add("/rss.xml", digest_feed(2, hostile=hostile), "application/rss+xml")
    missing = site.url("/gone.xml")
    result = run("feed", missing, feed, "--titles-only")
    assert result.returncode == 1
    assert result.stderr.startswith(f"warnews: error: {missing}: feed: ") and result.stderr.count("\n") == 1
    first = result.stdout.splitlines()[0]
    assert first.count("\t") == 2, "a tab in a title is no column"
    assert all(char.isprintable() or char == "\t" for char in first), repr(first)
    assert "\x1b" not in first and "\u202e" not in first and "<b>" not in first
    as_json = run("feed", feed, "--titles-only", "--json")
    assert as_json.stdout.isascii()
    original = json.loads(as_json.stdout.splitlines()[0])["original_title"]
    assert original == '=HYPERLINK("x")[31m Новина зтабом', "markup and control characters taken out"


def test_a_channel_digest_titles_its_posts_and_a_post_is_refused(run, google):
    with Telegram() as server:
        posts = [
            Post(
                n,
                f"Енергетики відновили світло, повідомлення номер {n}.\nПодробиці згодом.",
                time=f"2024-01-{n:02d}T08:00:00+00:00",
            )
            for n in range(1, 26)
        ]
        server.channel("Kyiv_News", "Новини Києва", posts)
        env = {"WARNEWS_TELEGRAM_URL": server.base_url}
        result = run(
            "feed", "@Kyiv_News", "--titles-only", "--feed-items", "22", "--since", "2024-01-04", env=env
        )
        assert result.returncode == 0, result.stderr
        lines = [line.split("\t") for line in result.stdout.splitlines()]
        assert [fields[2] for fields in lines] == [f"https://t.me/Kyiv_News/{n}" for n in range(25, 3, -1)]
        assert lines[0][:2] == ["2024-01-25", "Enerhetyky vidnovyly svitlo, povidomlennya nomer 25."]
        assert google.count == 1 and len(server.page_requests("Kyiv_News")) == 2, "two pages of 20"
        refused = run("feed", "https://t.me/Kyiv_News/3", "--titles-only", env=env)
        assert refused.returncode == 2 and refused.stdout == "" and "a post, not a channel" in refused.stderr
        assert len(server.page_requests("Kyiv_News")) == 2, "nothing read"
