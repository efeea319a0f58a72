"""Review of issue 15's output formats and Atom feed: what a demanding user found broken."""

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
