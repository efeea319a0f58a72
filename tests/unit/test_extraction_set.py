"""The extraction set (bench/data/extraction) stays honest: every label is found on its page.

bench/extraction.py measures warnews against these labels; a keep or drop string that is not on
the page, a malformed date or a missing licence note would make it lie.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "extraction.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extraction", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
def pages() -> list:
    return bench.load_pages()


def test_every_label_is_on_its_page(pages: list) -> None:
    assert bench.validate(pages) == []


def test_the_set_has_what_the_issue_asks(pages: list) -> None:
    sites = [page.site for page in pages]
    assert len(pages) >= 15
    assert {page.language for page in pages} == {"uk", "ru"}
    assert sites.count("mk.ru") >= 2  # site-learned boilerplate needs a site seen twice
    assert len({page.id for page in pages}) == len(pages)


def test_every_page_and_licence_is_accounted_for(pages: list) -> None:
    folder = bench.DATA
    readme = (folder / "README.md").read_text(encoding="utf-8")
    stored = {path.name for path in folder.glob("*.html.gz")}
    assert stored == {page.file for page in pages}
    for page in pages:
        assert page.source["commit"] in readme and page.source["path"] in readme, page.id
    for repo in {page.source["repo"] for page in pages}:
        assert (folder / f"LICENSE-{repo.split('/')[1]}.txt").is_file(), repo


def _one_page(tmp_path: Path, **changes: object) -> list:
    html = (
        "<html><head><title>Заголовок – Сайт</title></head><body><h1>Заголовок</h1>"
        "<p>Перше <b>речення</b> статті.</p><p>Друге речення&nbsp;тут.</p>"
        "<div class='related'>Читайте також: інша новина</div><script>var x = 'сховане';</script>"
        "</body></html>"
    )
    (tmp_path / "one.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
    entry = {
        "id": "one",
        "url": "https://www.example.com.ua/news/1",
        "file": "one.html.gz",
        "source": {"repo": "a/b", "path": "p", "commit": "c", "licence": "MIT"},
        "language": "uk",
        "crawled": "2024-01-11T10:00:00+02:00",
        "title": "Заголовок",
        "date": "2024-01-10",
        "keep": ["Перше речення статті.", "Друге речення тут.", "перше", "ДРУГЕ"],
        "drop": ["Читайте також:", "інша новина", "Сайт"],
    }
    entry.update(changes)
    (tmp_path / "labels.json").write_text(json.dumps([entry]), encoding="utf-8")
    return bench.load_pages(tmp_path)


def test_a_page_with_right_labels_passes(tmp_path: Path) -> None:
    assert bench.validate(_one_page(tmp_path)) == []


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"keep": ["Перше речення статті.", "Друге речення тут.", "перше", "третє"]}, "'третє'"),
        ({"drop": ["Читайте також:", "інша новина", "сховане"]}, "'сховане'"),
        ({"keep": ["перше", "друге"]}, "2 keep strings"),
        ({"drop": ["Сайт", "перше речення"]}, "2 drop strings"),
        ({"title": "Інший заголовок"}, "title is not in the page"),
        ({"date": "10.01.2024"}, "not an ISO date"),
        ({"crawled": "2024-01-11T10:00:00"}, "no UTC offset"),
        ({"crawled": "2024-01-09T10:00:00+02:00"}, "after the crawl"),
        ({"language": "en"}, "language 'en'"),
        ({"source": {"repo": "a/b", "path": "p", "commit": "c"}}, "source lacks licence"),
        ({"drop": ["Читайте також:", "інша новина", "речення статті"]}, "inside a keep string"),
    ],
)
def test_a_wrong_label_is_named(tmp_path: Path, changes: dict, complaint: str) -> None:
    errors = bench.validate(_one_page(tmp_path, **changes))
    assert any(error.startswith("one: ") and complaint in error for error in errors), errors


def test_normalization_unifies_quotes_dashes_spaces_and_case() -> None:
    assert bench.normalize("«Слуги  народу»\u00a0– ПРО\u200bЕКТ") == '"слуги народу" - проект'
    assert bench.normalize("„Так“ — ‘ні’") == bench.normalize("\"так\" - 'ні'")


def test_scoring_counts_keeps_leaks_titles_and_dates(tmp_path: Path) -> None:
    page = _one_page(tmp_path)[0]
    found = bench.Extraction(
        title="ЗАГОЛОВОК",
        date="2024-01-10",
        paragraphs=("Перше речення статті.", "Читайте також: інша новина"),
    )
    result = bench.score(page, found)
    assert result.missed == ("Друге речення тут.", "ДРУГЕ")
    assert result.leaked == ("Читайте також:", "інша новина")
    assert result.counts() == ((2, 4), (1, 3), (1, 1), (1, 1))
    nothing = bench.score(page, bench.Extraction(None, None, (), "no article"))
    assert nothing.counts() == ((0, 4), (3, 3), (0, 1), (0, 1))
    worse = dataclasses.replace(found, date="2024-01-11", title="Заголовок – Сайт")
    assert bench.score(page, worse).counts()[2:] == ((0, 1), (0, 1))


def test_ahead_means_better_or_both_perfect() -> None:
    assert bench.ahead((9, 10), (8, 10))
    assert bench.ahead((10, 10), (10, 10))
    assert not bench.ahead((8, 10), (8, 10))
    assert not bench.ahead((7, 10), (8, 10))
