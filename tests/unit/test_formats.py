"""The md and html formats (issue 15): escaping, rendering, the checks before a file is
written, and files of several formats for one article."""

import html
import json
from dataclasses import replace
from datetime import date

import lxml.html
import pytest
from factories import metadata
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from warnews._errors import StoreError, UsageError
from warnews._formats import (
    Content,
    escape_markdown,
    html_page,
    markdown,
    problem,
    render,
    unescape_markdown,
)
from warnews._model import Document
from warnews._normalize import normalize_paragraph
from warnews._render import header
from warnews._settings import FORMATS, from_keywords
from warnews._store import as_asked, choose_path, copy_saved, save

COMMONMARK = MarkdownIt("commonmark")

# Text leaning on what Markdown and HTML take as markup, at the start of a line and within.
pieces = st.one_of(
    st.sampled_from(list("\\`*_[]()<>&#;!~|+-=.:)0123456789 \"'/")),
    st.sampled_from(["1945. ", "- ", "# ", "> ", "---", "&amp;", "&#42;", "<b>", "<!--", "http://x"]),
    st.sampled_from(list("абвгґдеєжзиіїй AbcXyz")),
    st.characters(blacklist_categories=("Cc", "Cf", "Cs")),
)
markup = st.lists(pieces, max_size=30).map("".join).map(normalize_paragraph)
line = markup.filter(bool)


def commonmark_html(text):
    """What CommonMark's renderer writes for text: & < > " as references."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@given(markup)
def test_escaped_text_unescapes_to_itself(text):
    assert unescape_markdown(escape_markdown(text)) == text
    assert unescape_markdown(escape_markdown(text, heading=True)) == text


@given(line)
def test_a_commonmark_renderer_shows_escaped_text_as_the_text(text):
    assert COMMONMARK.render(escape_markdown(text)) == f"<p>{commonmark_html(text)}</p>\n"
    assert (
        COMMONMARK.render("# " + escape_markdown(text, heading=True)) == f"<h1>{commonmark_html(text)}</h1>\n"
    )
    quoted = COMMONMARK.render("> " + escape_markdown(text))
    assert quoted == f"<blockquote>\n<p>{commonmark_html(text)}</p>\n</blockquote>\n"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("1945. The war ended", "1945\\. The war ended"),
        ("3) third", "3\\) third"),
        ("- a list? no", "\\- a list? no"),
        ("-5 degrees", "-5 degrees"),
        ("AT&T and R&D", "AT&T and R&D"),
        ("&amp; stays", "\\&amp; stays"),
        ("Ukraine's 2024 budget: 1.5 trillion", "Ukraine's 2024 budget: 1.5 trillion"),
    ],
)
def test_escaping_is_minimal(text, escaped):
    assert escape_markdown(text) == escaped


def contents(draw_title, paragraphs, bilingual):
    first = header(date(2024, 1, 11), date(2024, 1, 10), "Ukrainian", "Google", "OFP <*>")
    content = Content(first, draw_title, tuple(paragraphs), "en", "https://example.com.ua/a?b=1&c=<2>")
    if bilingual:
        sources = tuple(f"{paragraph} (uk)" for paragraph in paragraphs)
        content = replace(content, source_title=draw_title, source_paragraphs=sources, source_language="uk")
    return content


@given(st.sampled_from(FORMATS), st.none() | line, st.lists(line, min_size=1, max_size=5), st.booleans())
def test_a_rendered_document_passes_its_check_and_a_lost_paragraph_does_not(
    format, title, paragraphs, bilingual
):
    bilingual = bilingual and format != "txt"
    text = render(format, contents(title, paragraphs, bilingual))
    assert problem(format, text, len(paragraphs), bilingual) is None
    assert problem(format, text, len(paragraphs) + 1, bilingual) is not None
    if format != "txt":
        assert problem(format, text, len(paragraphs), not bilingual) is not None


@given(st.none() | line, st.lists(line, min_size=1, max_size=5), st.booleans())
def test_an_html_page_holds_the_text_and_nothing_else(title, paragraphs, bilingual):
    content = contents(title, paragraphs, bilingual)
    page = lxml.html.document_fromstring(html_page(content))
    assert page.get("lang") == "en" and page.findtext("head/title")
    assert [h1.text_content() for h1 in page.xpath("//h1")] == ([title] if title else [])
    translated = page.xpath("//article/p[not(@class)]")
    assert [p.text_content() for p in translated] == paragraphs
    sources = page.xpath("//article/p[@class='original']")
    assert [p.text_content() for p in sources] == list(content.source_paragraphs or [])
    assert all(p.get("lang") == "uk" for p in sources) and all(
        p.get("lang") == ("en" if bilingual else None) for p in translated
    )
    assert page.xpath("//p[@class='link']/a/@href") == ["https://example.com.ua/a?b=1&c=<2>"]
    assert not page.xpath(
        "//script | //link | //img | //*[@src] | //article//*[not(self::p or self::h1 or self::a)]"
    )


def test_a_markdown_document_reads_as_the_readme_says():
    first = header(date(2024, 1, 11), date(2024, 1, 10), "Ukrainian", "Google")
    content = Content(first, "Power *restored*", ("1945. A year.", "Crews worked."), "en")
    assert markdown(content) == (
        "# Power \\*restored\\*\n\n"
        "date 2024-01-11 01/10/2024 \u2013 Translated from Ukrainian via Google\n\n"
        "1945\\. A year.\n\nCrews worked.\n"
    )
    paired = replace(content, source_title="Світло", source_paragraphs=("1945. Рік.", "Працювали."))
    assert markdown(paired)[:-1].split("\n\n") == [
        "> # Світло",
        "# Power \\*restored\\*",
        "date 2024-01-11 01/10/2024 \u2013 Translated from Ukrainian via Google",
        "> 1945\\. Рік.",
        "1945\\. A year.",
        "> Працювали.",
        "Crews worked.",
    ]


GOOD_MD = "# T\n\ndate 2024-01-11 unknown \u2013 Translated from Ukrainian via Google\n\nOne.\n\nTwo.\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (GOOD_MD.replace("One.", "- One."), "paragraph 1 is empty, not normalized or not escaped"),
        (GOOD_MD.replace("One.", "*One*"), "paragraph 1 is empty, not normalized or not escaped"),
        (GOOD_MD.replace("One.", "One.  x"), "paragraph 1 is empty, not normalized or not escaped"),
        (GOOD_MD.replace("date", "data"), "it has no provenance line after its title"),
        (GOOD_MD.replace("# T", "# T #"), "its title is empty or not escaped"),
        (GOOD_MD + "\n", "it does not end with exactly one newline"),
        (GOOD_MD.replace("One.\n\n", "One.\n"), "a paragraph spans several lines"),
    ],
)
def test_a_wrong_markdown_file_is_seen(text, why):
    assert problem("md", GOOD_MD, 2) is None
    assert problem("md", text, 2) == why


GOOD_HTML = html_page(
    Content(
        "date 2024-01-11 unknown \u2013 Translated from Ukrainian via Google", "T", ("One.", "Two."), "en"
    )
)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            ("<p>One.</p>", "<p>One.</p><script>alert(1)</script>"),
            "it has unexpected or unclosed elements: script",
        ),
        (("<p>One.</p>", "<p> One.</p>"), "its paragraph 1 is empty or not normalized"),
        (("<p>Two.</p>", "<p></p>"), "its paragraph 2 is empty or not normalized"),
        (('<html lang="en">', "<html>"), "it does not say its language"),
        (("<h1>T</h1>", "<h1>T</h1><h1>U</h1>"), "it does not have one title and at most one h1"),
        (("\u2013 Translated", "- Translated"), "it has no provenance line"),
        (("<p>Two.</p>", "<p>Two.</p><p>Three.</p>"), "it has 3 paragraphs for 2 in the source"),
        (
            ("<p>Two.</p>", '<p>Two.</p><p class="original">Dva.</p>'),
            "it has 1 source paragraphs for 2 translated",
        ),
        (("<p>One.</p>", '<p onclick="x()">One.</p>'), "it has unexpected or unclosed elements: p"),
    ],
)
def test_a_wrong_html_file_is_seen(change, why):
    assert problem("html", GOOD_HTML, 2) is None
    assert problem("html", GOOD_HTML.replace(*change), 2) == why


def document_in(format, source_id="https://a.example/1", title="A", bilingual=False):
    first = header(date(2024, 1, 11), None, "Ukrainian", "Google")
    content = Content(first, title, ("One.", "Two."), "en")
    if bilingual:
        content = replace(
            content, source_title="А", source_paragraphs=("Один.", "Два."), source_language="uk"
        )
    meta = metadata(source_id, sha256=source_id, title=title, paragraphs=2, bilingual=bilingual)
    return Document(
        render(format, content), ("One.", "Two."), meta, header=first, source=("Один.", "Два."), format=format
    )


def test_the_same_article_in_a_new_format_writes_its_file_and_the_sidecar_names_it(tmp_path):
    txt = document_in("txt").save(tmp_path)
    md = document_in("md").save(tmp_path)
    assert (txt.name, md.name) == ("2024-01-11-a.txt", "2024-01-11-a.md"), "its own files: the same name"
    assert txt.exists() and json.loads(md.with_suffix(".json").read_text())["file"] == md.name
    other = document_in("html", source_id="https://a.example/2").save(tmp_path)
    assert other.name == "2024-01-11-a-2.html", "the name's .txt and .md are another article's"
    assert (
        choose_path(tmp_path, "2024-01-11-a", {"source_id": "x"}, suffix=".html").name
        == "2024-01-11-a-3.html"
    )


def test_relocation_copies_a_file_in_the_format_asked_for_only(tmp_path):
    (tmp_path / "a").mkdir()
    paired = save(tmp_path / "a" / "2024-01-11-a.html", document_in("html", bilingual=True))
    assert as_asked(paired, "html", bilingual=True) and not as_asked(paired, "html", bilingual=False)
    assert not as_asked(paired, "md", bilingual=True)
    assert copy_saved(paired, tmp_path / "b", "md", True) is None, "another format: made anew"
    assert copy_saved(paired, tmp_path / "b", "html", False) is None, "not what was asked: made anew"
    (tmp_path / "b").mkdir()
    path, made, sidecar = copy_saved(paired, tmp_path / "b", "html", True)
    assert made and path.read_text() == paired.read_text() and sidecar["bilingual"] is True


def test_a_wrong_document_is_refused_in_its_format(tmp_path):
    document = document_in("md")
    wrong = replace(document, text=document.text.replace("One.", "* One."))
    with pytest.raises(
        StoreError,
        match="refusing to write a wrong file: paragraph 1 is empty, not normalized or not escaped",
    ):
        wrong.save(tmp_path)
    unpaired = replace(document, metadata=replace(document.metadata, bilingual=True))
    with pytest.raises(StoreError, match="source and translation in turn"):
        unpaired.save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_library_call_refuses_bilingual_text_files():
    with pytest.raises(UsageError) as refused:
        from_keywords({"bilingual": True}, {"bilingual", "format"})
    assert str(refused.value) == (
        "bilingual (from the keyword argument) needs format md or html, but format is txt (from the default)"
    )
    assert from_keywords({"bilingual": True, "format": "MD"}, {"bilingual", "format"}).format == "md"
    with pytest.raises(UsageError, match="bad value for format: expected txt, md or html"):
        from_keywords({"format": "pdf"}, {"format"})


def test_html_escapes_every_text():
    page = html_page(
        Content(
            "date 2024-01-11 unknown \u2013 Original in English, via <b>&",
            "<i>\"'",
            ("<script>x</script>",),
            "en",
        )
    )
    assert "<script>" not in page and "<i>" not in page
    assert html.escape("<script>x</script>") in page
