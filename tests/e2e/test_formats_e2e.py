"""Output formats (issue 15): md and html files, bilingual, through the installed command."""

import json
import os

import lxml.html
from markdown_it import MarkdownIt
from pages import MADE_EPOCH, article_page, saved, ukrainian_paragraphs
from translators import emulate_translation

import warnews
from conftest import NETWORK_VARIABLES

TITLE = "Енергетики відновили світло у районі"
# Text that CommonMark and HTML would take as markup, were it not escaped.
MARKUP = [
    "1945. Рятувальники *завершили* ремонт [укриття](http://x) у четвер_зранку.",
    "- Волонтери <b>повідомили</b> про # доставку & генераторів `коду`.",
    "> Жителі громади обговорили новий графік \\ відключень.",
]
HEADER = "date 2024-01-11 01/10/2024 \u2013 Translated from Ukrainian via Google"


def rendered(markdown):
    """The page a CommonMark renderer makes of a Markdown file."""
    return lxml.html.fromstring(f"<div>{MarkdownIt('commonmark').render(markdown)}</div>")


def texts(root, path):
    return [element.text_content() for element in root.xpath(path)]


def test_md_bilingual_with_the_original_renders_as_text(run, site, google, tmp_path):
    paragraphs = [*MARKUP, *ukrainian_paragraphs(2)]
    url = site.add("/news/1", article_page(TITLE, paragraphs, published="2024-01-10"))
    result = run("fetch", url, "-o", "out", "--format", "md", "--bilingual", "--keep-original")
    text, meta = saved(result, tmp_path)
    path = tmp_path / result.stdout.strip()
    assert path.name == "2024-01-10-enerhetyky-vidnovyly-svitlo-u-rayoni.md" == meta["file"]
    assert meta["bilingual"] is True and meta["original_file"] == path.stem + ".uk.md"
    english = [emulate_translation(paragraph) for paragraph in paragraphs]
    page = rendered(text)
    assert texts(page, "./h1") == [emulate_translation(TITLE)]
    assert texts(page, "./blockquote/h1") == [TITLE], "the source title, quoted, before its translation"
    assert texts(page, "./p") == [HEADER, *english]
    assert texts(page, "./blockquote/p") == paragraphs
    assert not page.xpath("//em | //a | //code | //b | //ol | //ul"), "nothing of the text became markup"
    assert text.splitlines()[:5] == [f"> # {TITLE}", "", f"# {emulate_translation(TITLE)}", "", HEADER]

    original = rendered((path.parent / meta["original_file"]).read_text(encoding="utf-8"))
    assert texts(original, "./h1") == [TITLE] and not original.xpath("//blockquote")
    assert texts(original, "./p") == [
        "date 2024-01-11 01/10/2024 \u2013 Original in Ukrainian",
        *paragraphs,
    ]
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, meta["original_file"], path.stem + ".json"]
    )


def test_html_is_a_standalone_page_with_languages(run, site, google, tmp_path):
    paragraphs = [*MARKUP, *ukrainian_paragraphs(1)]
    url = site.add("/news/2", article_page(TITLE, paragraphs, published="2024-01-10"))
    plain = run("fetch", url, "--stdout", env={"WARNEWS_FORMAT": "html"})
    paired = run("fetch", url, "-o", "out", "--bilingual", "--keep-original", env={"WARNEWS_FORMAT": "html"})
    english = [emulate_translation(paragraph) for paragraph in paragraphs]

    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    page = lxml.html.document_fromstring(plain.stdout)
    assert page.get("lang") == "en" and page.findtext("head/title") == emulate_translation(TITLE)
    assert texts(page, "//h1") == [emulate_translation(TITLE)]
    assert texts(page, "//article/p[not(@class)]") == english
    assert texts(page, "//p[@class='provenance']") == [HEADER]
    assert page.xpath("//p[@class='link']/a/@href") == [url]
    assert not page.xpath("//script | //link | //img | //iframe | //*[@src] | //b | //em")
    assert not page.xpath("//*[@lang='uk']"), "no source text without --bilingual"

    text, meta = saved(paired, tmp_path)
    assert meta["file"].endswith(".html") and meta["bilingual"] is True
    page = lxml.html.document_fromstring(text)
    body = page.xpath("//article/p[not(@class='provenance') and not(@class='link')]")
    assert [(p.get("lang"), p.text_content()) for p in body] == [
        ("uk", TITLE),
        *[pair for uk, en in zip(paragraphs, english, strict=True) for pair in (("uk", uk), ("en", en))],
    ]
    assert [(h1.get("lang"), h1.text_content()) for h1 in page.xpath("//h1")] == [
        ("en", emulate_translation(TITLE))
    ]
    original = lxml.html.document_fromstring(
        (tmp_path / "out" / meta["original_file"]).read_text(encoding="utf-8")
    )
    assert meta["original_file"].endswith(".uk.html") and original.get("lang") == "uk"
    assert [h1.text_content() for h1 in original.xpath("//h1")] == [TITLE]
    assert [p.text_content() for p in original.xpath("//article/p[not(@class)]")] == paragraphs


def test_a_new_format_of_an_article_writes_its_file_and_relocation_copies_it(run, site, google, tmp_path):
    url = site.add("/news/3", article_page(TITLE, ukrainian_paragraphs(3), published="2024-01-10"))
    txt = run("fetch", url, "-o", "out")
    md = run("fetch", url, "-o", "out", "--format", "md")
    again = run("fetch", url, "-o", "out", "--format", "md", "--json")
    requests = google.count
    elsewhere = run("fetch", url, "-o", "copy", "--format", "md")

    stem = "out/2024-01-10-enerhetyky-vidnovyly-svitlo-u-rayoni"
    assert (txt.stdout, md.stdout) == (f"{stem}.txt\n", f"{stem}.md\n"), (txt.stderr, md.stderr)
    assert (tmp_path / f"{stem}.txt").exists(), "the other format's file stays"
    meta = json.loads((tmp_path / f"{stem}.json").read_text())
    assert meta["file"] == f"{stem}.md".split("/")[1], "the sidecar names the newest file"
    [record] = [json.loads(line) for line in again.stdout.splitlines()]
    assert (record["status"], record["reason"], record["path"]) == ("skipped", "already done", f"{stem}.md")

    assert elsewhere.returncode == 0, elsewhere.stderr
    copy = tmp_path / elsewhere.stdout.strip()
    assert copy.parent.name == "copy" and copy.read_bytes() == (tmp_path / f"{stem}.md").read_bytes()
    assert google.count == requests, "made from its files: no translator request"
    assert json.loads(copy.with_suffix(".json").read_text())["file"] == copy.name


def test_translate_prints_md_documents_and_json_records(run, google, tmp_path):
    paragraphs = ukrainian_paragraphs(2)
    for number in (1, 2):
        (tmp_path / f"a{number}.txt").write_text("\n\n".join([MARKUP[number], *paragraphs]), encoding="utf-8")
    printed = run("translate", "a1.txt", "a2.txt", "--format", "md", "--stdout")
    records = run("translate", "a1.txt", "--stdout", "--json", "--format", "html")

    assert printed.returncode == 0, printed.stderr
    documents = printed.stdout.split("\f\n")
    for number, document in zip((1, 2), documents, strict=True):
        page = rendered(document)
        assert not page.xpath("//h1"), "a text file has no title: no heading"
        assert texts(page, "./p")[1:] == [emulate_translation(p) for p in [MARKUP[number], *paragraphs]]
    [record] = [json.loads(line) for line in records.stdout.splitlines()]
    assert record["path"] is None and record["document"].startswith("<!DOCTYPE html>\n")
    assert texts(lxml.html.document_fromstring(record["document"]), "//article/p[not(@class)]")[0] == (
        emulate_translation(MARKUP[1])
    )


def test_an_english_article_has_no_pairs(run, site, tmp_path):
    paragraphs = ["The grid was restored in the district on Thursday.", "Crews worked through the night."]
    url = site.add("/en", article_page("Power restored", paragraphs, published="2024-01-10"))
    text, meta = saved(run("fetch", url, "--format", "md", "--bilingual"), tmp_path)
    plain = run("fetch", url, "--stdout", "--force")
    assert plain.stdout.startswith("date 2024-01-11 01/10/2024 \u2013 Original in English\n\n")
    assert text == f"# Power restored\n\n{plain.stdout}", "the text alone, under its title"
    assert "bilingual" not in meta and meta["engine"] is None


def test_bilingual_text_files_and_unknown_formats_are_usage_errors(run, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config.toml").write_text('bilingual = true\nformat = "md"\n')
    flag = run("translate", "a.txt", "--bilingual")
    mixed = run("fetch", "http://127.0.0.1:9/a", "--config", "config.toml", "--format", "txt")
    unknown = run("fetch", "http://127.0.0.1:9/a", env={"WARNEWS_FORMAT": "pdf"})
    shown = run("config", "--config", "config.toml")

    assert (flag.returncode, flag.stdout) == (2, "")
    assert flag.stderr == (
        "warnews: error: bilingual (from --bilingual/--no-bilingual) needs format md or html,"
        " but format is txt (from default)\n"
    )
    assert mixed.returncode == 2 and mixed.stderr == (
        "warnews: error: bilingual (from config file config.toml) needs format md or html,"
        " but format is txt (from --format)\n"
    )
    assert unknown.returncode == 2
    assert (
        unknown.stderr == "warnews: error: bad value for format in WARNEWS_FORMAT: expected txt, md or html\n"
    )
    assert shown.returncode == 0, shown.stderr
    assert [
        line.split()[:3] for line in shown.stdout.splitlines() if line.startswith(("format ", "bilingual "))
    ] == [
        ["format", "=", '"md"'],
        ["bilingual", "=", "true"],
    ]
    assert not (tmp_path / "state").exists()


def test_the_library_makes_the_commands_document(run, site, google, tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.upper() in NETWORK_VARIABLES or name.startswith("WARNEWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MADE_EPOCH)
    paragraphs = [*MARKUP, *ukrainian_paragraphs(1)]
    url = site.add("/news/lib", article_page(TITLE, paragraphs, published="2024-01-10"))
    printed = run("fetch", url, "--stdout", "--format", "md", "--bilingual", "--keep-original", "--no-cache")

    document = warnews.fetch(url, google_url=google.base_url, format="md", bilingual=True, keep_original=True)
    assert document.text == printed.stdout
    assert document.header == HEADER and document.format == "md" and document.metadata.bilingual
    assert document.paragraphs == tuple(emulate_translation(paragraph) for paragraph in paragraphs)
    assert document.source == tuple(paragraphs)
    path = document.save(tmp_path / "lib")
    assert path.suffix == ".md" and path.read_text(encoding="utf-8") == printed.stdout
    assert path.with_name(f"{path.stem}.uk.md").read_text(encoding="utf-8") == document.original
