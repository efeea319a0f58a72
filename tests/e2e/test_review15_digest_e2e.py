"""Review of issue 15: `feed --titles-only` against a feed whose items carry their whole text."""

import json
import subprocess
from html import escape

from pages import WARNEWS

LEAD = "Енергетики відновили світло у Харкові після нічної атаки, повідомили в міській раді."
REST = " Ремонтні бригади працювали всю ніч, щоб повернути тепло у будинки мешканців району." * 60


def test_a_feed_of_whole_texts_as_summaries_still_costs_one_or_two_requests(run, site, google):
    items = "".join(
        f"<item><title>{'Новина ' * 2000 if n == 0 else f'Новина номер {n}'}</title><link>https://news.example/n/{n}</link>"
        f"<description>{escape(f'<p>{LEAD} {n}.{REST}</p>')}</description></item>"
        for n in range(30)
    )
    feed = site.add(
        "/full.xml",
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новини</title>'
        f"<link>https://news.example/</link><description>Стрічка</description>{items}</channel></rss>",
        "application/rss+xml",
    )
    result = run("feed", feed, "--titles-only", "--json")
    assert result.returncode == 0, result.stderr
    assert google.count <= 2, f"{google.count} requests: the whole texts were translated"
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 30
    assert objects[0]["original_title"].endswith("Новина…") and len(objects[0]["original_title"]) <= 300
    assert objects[1]["original_title"] == "Новина номер 1"
    for number, item in enumerate(objects):
        assert item["original_summary"].startswith(f"{LEAD} {number}."), "the lead is kept"
        assert len(item["original_summary"]) <= 300 and len(item["summary"]) <= 400


def rss(titles):
    items = "".join(
        f"<item><title>{escape(title)}</title><link>https://news.example/t/{n}</link></item>"
        for n, title in enumerate(titles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новини</title>'
        f"<link>https://news.example/</link><description>Стрічка</description>{items}</channel></rss>"
    )


def test_new_items_titled_in_latin_letters_only_do_not_fail_the_feeds_digest(run, site, google):
    ukrainian = [f"Енергетики відновили світло у Харкові номер {n}" for n in range(5)]
    feed = site.add("/rss.xml", rss(ukrainian), "application/rss+xml")
    assert run("feed", feed, "--titles-only").returncode == 0
    # The next time the feed has three new items named in Latin letters: the Ukrainian titles
    # are in the translation memory, so the only request holds these, which a translator
    # gives back as they are (names); alone in the feed's first request they pass.
    site.add("/rss.xml", rss([*ukrainian, "NATO", "BBC News", "iPhone 15 Pro Max"]), "application/rss+xml")
    again = run("feed", feed, "--titles-only")
    assert again.returncode == 0, again.stderr
    assert [line.split("\t")[1] for line in again.stdout.splitlines()[-3:]] == [
        "NATO",
        "BBC News",
        "iPhone 15 Pro Max",
    ]


def test_a_digest_whose_reader_stops_reading_says_so_and_keeps_its_exit_code(
    site, google, environment, tmp_path
):
    titles = [f"Енергетики відновили світло у Харкові номер {n}" for n in range(400)]
    feed = site.add("/many.xml", rss(titles), "application/rss+xml")
    process = subprocess.Popen(
        [str(WARNEWS), "feed", feed, "--titles-only", "--json", "--feed-items", "400"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["link"] == "https://news.example/t/0"
    process.stdout.close()  # `| head -1`: over 100 KB more to print, into a closed pipe
    assert process.wait(timeout=60) == 0, "as README's exit codes: a closed output changes nothing"
    assert process.stderr.read() == (
        "warnews: warning: standard output was closed: nothing more is printed there\n"
    )
