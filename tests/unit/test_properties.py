"""Properties of the pure stages over arbitrary, hostile input (hypothesis).

The splitter's own properties are in test_split.py, the slug's and the header's basic
ones in test_render.py, normalization's idempotence in test_normalize.py.
"""

import json
import re
import tempfile
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

from factories import sample_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warnews._decode import decode
from warnews._errors import ExtractError, FetchError, InputError
from warnews._extract import extract
from warnews._normalize import clean, normalize_paragraph, split_paragraphs
from warnews._render import document, document_problem, file_stem, header
from warnews._report import safe_json
from warnews._store import choose_path, save
from warnews.sources.feeds import parse_feed

# Text that leans on what breaks things: controls, escapes, bidi, separators, Cyrillic.
hostile = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list('\x00\x1b\x07\x85\x9b\u202e\u2066\u200b\ufeff\u2028\r\n\t/\\.:*?"<>|%')),
        st.sampled_from(list("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя ")),
    )
)


def forbidden(text):
    return [char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf", "Cs")]


@given(hostile)
def test_clean_is_idempotent_and_leaves_no_forbidden_character(text):
    once = clean(text)
    assert clean(once) == once
    assert forbidden(once) == [] and "\r" not in once


@given(st.lists(hostile, max_size=8))
def test_documents_are_normalized_whatever_the_paragraphs(paragraphs):
    first = header(date(2024, 1, 11), None, "Ukrainian", "Google")
    text = document(first, paragraphs)
    assert forbidden(text) == [] and unicodedata.is_normalized("NFC", text)
    normalized = [normalize_paragraph(p) for p in paragraphs]
    if not all(normalized):  # a paragraph that normalizes to nothing is never dropped in silence
        assert document_problem(text, len(paragraphs)) is not None
        return
    assert document_problem(text, len(paragraphs)) is None
    assert document_problem(text, len(paragraphs) + 1) is not None, "a lost paragraph is seen"
    assert text.endswith("\n") and not text.endswith("\n\n")
    lines = text[:-1].split("\n\n")
    assert lines[0] == first
    assert lines[1:] == normalized
    assert split_paragraphs(text) == lines, "a saved document reads back paragraph for paragraph"


@given(
    st.dates(min_value=date(1900, 1, 1)),
    st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1))),
    st.sampled_from(["Ukrainian", "Russian", "English"]),
    st.one_of(st.none(), st.sampled_from(["Google", "DeepL", "LibreTranslate"])),
    st.one_of(st.none(), hostile),
)
def test_header_always_renders_the_same_fields_back(made, published, language, engine, credit):
    line = header(made, published, language, engine, credit)
    match = re.fullmatch(r"date (\d{4}-\d{2}-\d{2}) (\d{2}/\d{2}/\d{4}|unknown) \u2013 (.+)", line)
    assert match, line
    assert match.group(1) == made.isoformat()
    assert match.group(2) == (
        f"{published.month:02}/{published.day:02}/{published.year:04}" if published else "unknown"
    )
    origin = f"Translated from {language} via {engine}" if engine else f"Original in {language}"
    assert match.group(3).startswith(origin)
    assert forbidden(line) == [] and "\n" not in line


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dates(), hostile, st.lists(hostile, min_size=1, max_size=3))
def test_file_names_are_inside_the_folder_valid_and_bounded(day, title, others):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paths = []
        for number, text in enumerate([title, *others]):
            path = choose_path(folder, file_stem(day, text), {"source_id": f"id-{number}"})
            first = header(day, None, "Ukrainian", "Google")
            save(path, sample_document(document(first, ["Text."]), source_id=f"id-{number}"))
            paths.append(path)
        for path in paths:
            assert path.parent == folder and path.resolve().parent == folder.resolve()
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.txt", path.name)
            assert len(path.name.encode()) <= 90
            assert json.loads(path.with_suffix(".json").read_text())["file"] == path.name
        assert len(set(paths)) == len(paths), "two articles never share a file"


@given(st.binary(max_size=4096), st.one_of(st.none(), st.sampled_from(["utf-8", "windows-1251", "koi8-u"])))
def test_decode_gives_text_or_a_clear_error(data, declared):
    try:
        text, encoding = decode(data, declared)
    except InputError as error:
        assert str(error)
    else:
        assert encoding in {"utf-8", "utf-8-sig", "utf-16", "utf-32", "windows-1251", "koi8_u", declared}
        if encoding == "utf-8":  # strict UTF-8 as it is, or UTF-8 without its few broken bytes
            assert text == data.decode("utf-8", "ignore").replace("\ufffd", "") or text == data.decode()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=500))
def test_utf8_text_decodes_to_itself(text):
    assert decode(text.encode(), None) == (text, "utf-8")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_an_article_or_a_clear_error(data):
    for media_type in ("text/html", "text/plain", None):
        try:
            article = extract(data, media_type, None, "https://news.example/a", "a")
        except (ExtractError, InputError) as error:
            assert str(error)
        else:
            assert article.paragraphs and all(forbidden(p) == [] for p in article.paragraphs)


@given(st.binary(max_size=2048) | hostile.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_any_bytes_give_feed_links_or_a_clear_error(data):
    try:
        items = parse_feed(data, "https://news.example/feed")
    except FetchError as error:
        assert str(error)
    else:
        assert all(link.startswith(("http://", "https://")) for link in items.links)
        assert len(set(items.links)) == len(items.links)


@given(st.lists(hostile.filter(lambda text: not forbidden_surrogates(text)), max_size=4))
def test_printed_json_and_toml_are_terminal_safe_and_read_back(values):
    for text, read in ((safe_json(values), json.loads), (safe_json(values, toml=True), _toml_list)):
        assert all(char.isprintable() for char in text)
        assert read(text) == values


def forbidden_surrogates(text):
    return any("\ud800" <= char <= "\udfff" for char in text)  # not text: no encoding can write them


def _toml_list(text):
    return tomllib.loads(f"x = {text}")["x"]
