"""Review of issue 15's output formats and Atom feed: what a demanding user found broken."""

import json
import os

import feedparser
from pages import article_page, ukrainian_paragraphs


def test_an_article_copied_from_another_folder_keeps_its_source_text_when_asked(run, site, google, tmp_path):
    link = site.add(
        "/news/1",
        article_page("Енергетики відновили світло", ukrainian_paragraphs(2), published="2024-01-05"),
    )
    for format in ("md", "txt"):
        first = run("fetch", link, "-o", f"plain-{format}", "--format", format)
        assert first.returncode == 0, first.stderr
        again = run("fetch", link, "-o", f"kept-{format}", "--format", format, "--keep-original")
        assert again.returncode == 0, again.stderr
        names = sorted(path.name for path in (tmp_path / f"kept-{format}").iterdir())
        assert names == [
            f"2024-01-05-enerhetyky-vidnovyly-svitlo.{suffix}" for suffix in ("json", format, f"uk.{format}")
        ], "--keep-original saves the source text beside the translation"


def test_a_feed_or_an_export_never_replaces_the_state_database(run, site, google, tmp_path):
    links = [
        site.add(
            f"/news/{n}", article_page(f"Новина {n}", ukrainian_paragraphs(2, seed=n), published="2024-01-05")
        )
        for n in range(2)
    ]
    assert run("fetch", links[0], "-o", "out").returncode == 0
    database = tmp_path / "state" / "state.sqlite3"
    os.symlink(database, tmp_path / "feed.xml")  # the same file by another name
    for atom in (str(database), "state/state.sqlite3-wal", "feed.xml"):
        refused = run("fetch", links[1], "-o", "out", "--atom", atom)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith("warnews: error: atom (from --atom) names the state database")
        assert refused.stderr.count("\n") == 1 and refused.stdout == ""
    export = run("export", "--format", "csv", "-o", "state/state.sqlite3")
    assert export.returncode == 2 and "is the state database" in export.stderr, export.stderr
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["url"] for line in listed.stdout.splitlines()] == [links[0]], (
        "the state is whole"
    )


def test_export_and_documents_on_stdout_are_utf8_whatever_the_locale(run, site, google, tmp_path):
    link = site.add("/news/1", article_page("Новина", ukrainian_paragraphs(2), published="2024-01-05"))
    assert run("fetch", link, "-o", "out").returncode == 0
    latin = {"PYTHONIOENCODING": "latin-1"}  # a locale that cannot write Cyrillic, nor the dash
    for format in ("csv", "atom"):
        printed = run("export", "--format", format, env=latin)
        assert printed.returncode == 0 and printed.stderr == "", printed.stderr
        assert run("export", "--format", format, "-o", f"all.{format}").returncode == 0
        assert printed.stdout == (tmp_path / f"all.{format}").read_text(encoding="utf-8"), "the file's UTF-8"
    shown = run("fetch", link, "--stdout", "--format", "md", "--bilingual", env=latin)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert shown.stdout.startswith("> # Новина\n\n# Novyna\n\ndate 2024-01-11 01/05/2024 – Translated from")


def test_export_output_names_that_are_no_file(run, site, google, tmp_path):
    link = site.add("/news/1", article_page("Новина", ukrainian_paragraphs(2), published="2024-01-05"))
    assert run("fetch", link, "-o", "out").returncode == 0
    empty = run("export", "-o", "")
    assert (empty.returncode, empty.stderr) == (
        2,
        "warnews: error: -o needs a file name (or -, standard output)\n",
    )
    dash = run("export", "--format", "csv", "-o", "-")
    assert dash.returncode == 0 and dash.stdout.startswith("url,status,"), dash.stderr
    assert not (tmp_path / "-").exists(), "-: standard output, as everywhere"
    for folder in (".", str(tmp_path) + "/"):
        refused = run("export", "-o", folder)
        assert refused.returncode == 1 and refused.stderr.startswith("warnews: error: cannot write "), (
            refused.stderr
        )
        assert refused.stderr.count("\n") == 1
    feed = run("fetch", link, "-o", "out", "--force", "--atom", ".")
    assert (
        feed.returncode == 1
        and feed.stderr
        == "warnews: error: the Atom feed was not written: cannot write .: a folder, not a file\n"
    ), feed.stderr


def test_articles_whose_canonical_link_is_the_home_page_are_each_saved_and_in_the_feed(
    run, site, google, tmp_path
):
    # Many sites' templates name the home page as every article's canonical URL: the
    # articles are not one, and the feed has an entry (its own id) for each.
    head = f'<link rel="canonical" href="{site.url("/")}">'
    links = [
        site.add(
            f"/news/{n}",
            article_page(f"Новина {n}", ukrainian_paragraphs(2, seed=n), published="2024-01-05", head=head),
        )
        for n in range(3)
    ]
    fetched = run("fetch", *links, "-o", "out", "--atom", "feed.xml")
    assert fetched.returncode == 0 and fetched.stderr == "", fetched.stderr
    assert len(fetched.stdout.splitlines()) == 3
    entries = feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries
    assert sorted(entry.link for entry in entries) == sorted(links)
    assert len({entry.id for entry in entries}) == 3
