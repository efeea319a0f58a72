"""What a site teaches (issue 16), end to end: `warnews feed` learns the paragraphs a
site's (a channel's) articles repeat, drops them from the next ones, and says so in their
sidecars; the title stays, and so does a paragraph seen once."""

import json
import sqlite3

import pytest
from pages import article_page, rss, ukrainian_paragraphs
from telegram import Post, Telegram

TITLE = "Головне за добу: ситуація в області"
READ_ALSO = "Читайте також: Енергетики відновили живлення у трьох районах міста"
NOTICE = "Редакція може не поділяти думку авторів коментарів. Коментарі з образами видаляються."
SPONSOR = "Матеріал підготовлено за підтримки Полтавської обласної ради в межах програми висвітлення."


def sidecars(result, folder):
    """{url: sidecar} of the articles a --json run did, in the run's order."""
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(line["status"] == "done" for line in lines), lines
    return {
        line["url"]: json.loads((folder / line["path"]).with_suffix(".json").read_text(encoding="utf-8"))
        for line in lines
    }


def by_site(sidecar):
    return [item["text"] for item in sidecar["dropped"] if item["why"] == "site"]


def test_a_sites_recurring_paragraphs_are_dropped_from_its_next_articles(run, site, tmp_path):
    urls = []
    for number in range(3):
        own = ukrainian_paragraphs(3, seed=number * 5)
        # The title again in the body (a column's tagline), "read also", a comment
        # notice and a sponsor's line: the same under every article of the site.
        body = [own[0], READ_ALSO, own[1], TITLE, own[2], NOTICE, SPONSOR]
        urls.append(site.add(f"/news/{number}.html", article_page(TITLE, body, published="2024-01-10")))
    feed = site.add("/rss.xml", rss(urls), "application/rss+xml")
    folder = tmp_path / "out"

    first_run = sidecars(run("feed", feed, "-o", folder, "--json", "--concurrency", "1"), folder)
    first, second, third = (first_run[url] for url in urls)
    assert by_site(first) == [], "the first article of a site teaches, and loses nothing"
    for later in (second, third):
        assert SPONSOR in by_site(later)
        dropped = [item["text"] for item in later["dropped"]]
        # "read also" and the notice: learned, unless a built-in rule took them first.
        assert READ_ALSO in dropped and NOTICE in dropped
        assert TITLE not in dropped and later["original_title"] == TITLE
        assert later["paragraphs"] == first["paragraphs"] - len(by_site(later))
        text = (folder / later["file"]).read_text(encoding="utf-8")
        assert len(text.split("\n\n")) - 1 == later["paragraphs"], "the file holds what the sidecar counts"
    learned = sqlite3.connect(tmp_path / "state" / "state.sqlite3").execute(
        "SELECT site, COUNT(*) FROM boilerplate WHERE articles = 3 GROUP BY site"
    )
    assert [(where, count >= 2) for where, count in learned] == [("127.0.0.1", True)], (
        "the title, the sponsor"
    )

    # Turned off: nothing is dropped by the site, and each article's files are replaced.
    names = sorted(path.name for path in folder.iterdir())
    unlearned = sidecars(
        run("feed", feed, "-o", folder, "--json", "--force", "--no-learn-boilerplate"), folder
    )
    assert [by_site(unlearned[url]) for url in urls] == [[], [], []]
    # On again: the first article, made again, now loses what the others share with it;
    # it is the same article (its hash is of the text as extracted): the same file.
    relearned = sidecars(run("feed", feed, "-o", folder, "--json", "--force", "--concurrency", "1"), folder)
    assert SPONSOR in by_site(relearned[urls[0]])
    assert sorted(path.name for path in folder.iterdir()) == names


@pytest.fixture
def telegram():
    with Telegram() as server:
        yield server


def test_a_channels_signature_line_is_dropped_from_its_next_posts(run, telegram, tmp_path):
    signature = "Підписатися на Новини Полтави | Надіслати новину"
    lines = ukrainian_paragraphs(3, sentences=1, seed=3)
    telegram.channel(
        "poltava_news",
        "Новини Полтави",
        [Post(n, f"{lines[n - 1]}\n{signature}", time=f"2024-01-10T0{n}:00:00+00:00") for n in (1, 2, 3)],
    )
    folder = tmp_path / "out"
    env = {"WARNEWS_TELEGRAM_URL": telegram.base_url}
    done = sidecars(
        run("feed", "@poltava_news", "-o", folder, "--json", "--concurrency", "1", env=env), folder
    )
    assert [by_site(done[f"https://t.me/poltava_news/{n}"]) for n in (1, 2, 3)] == [
        [],
        [signature],
        [signature],
    ]
    assert [done[f"https://t.me/poltava_news/{n}"]["paragraphs"] for n in (1, 2, 3)] == [2, 1, 1]
