"""The installed warnews command, end to end, against local sites and the local translator."""

import json
import re
import subprocess
import sys

from pages import WARNEWS, article_page, body_paragraphs, ukrainian_paragraphs
from translators import URL_LIMIT, emulate_translation

HEADER = re.compile(
    r"^date \d{4}-\d{2}-\d{2} (\d{2}/\d{2}/\d{4}|unknown) \u2013 (Translated from \w+ via \w+( and .+)?|Original in \w+(, via .+)?)$"
)
TITLE = "Енергетики відновили світло у районі"


def saved(result):
    paths = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    return paths


def check_layout(text):
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and "\u00a0" not in text and "\u00ad" not in text and "\u200b" not in text
    lines = text.split("\n")
    assert HEADER.match(lines[0]), lines[0]
    assert lines[1] == ""
    for line in lines:
        assert line == line.strip() and "  " not in line
    assert "\n\n\n" not in text


def test_fetch_saves_the_translated_article_and_its_sidecar(run, site, google, tmp_path):
    paragraphs = ukrainian_paragraphs(6)
    url = site.add("/news/1", article_page(TITLE, paragraphs, published="2024-01-10"))
    result = run("fetch", url, "-o", "out", "--credit", "OFP")
    [path] = saved(result)
    assert path == "out/2024-01-10-enerhetyky-vidnovyly-svitlo-u-rayoni.txt"
    text = (tmp_path / path).read_text(encoding="utf-8")
    check_layout(text)
    assert text.split("\n")[0] == "date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google and OFP"
    assert body_paragraphs(text) == [emulate_translation(p) for p in paragraphs]
    meta = json.loads((tmp_path / path).with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["title"] == emulate_translation(TITLE) and meta["original_title"] == TITLE
    assert (meta["url"], meta["published"], meta["made"]) == (url, "2024-01-10", "2024-01-11")
    assert (meta["source_language"], meta["detection"]["method"], meta["engine"]) == (
        "uk",
        "alphabet",
        "Google",
    )
    assert meta["paragraphs"] == 6 and meta["translator_requests"] == google.count == 1
    assert result.stderr == ""


def test_stdout_prints_the_document_instead(run, site, tmp_path):
    url = site.add("/a", article_page(TITLE, ukrainian_paragraphs(3), published="2024-02-03"))
    result = run("fetch", url, "--stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("date 2024-01-11 02/03/2024 – Translated from Ukrainian via Google\n\n")
    check_layout(result.stdout)
    assert [p.name for p in tmp_path.iterdir()] == ["cache"], "--stdout writes no file (but remembers)"


def test_twenty_thousand_characters_come_back_whole_within_the_url_limit(run, site, google, tmp_path):
    paragraphs = ukrainian_paragraphs(40, sentences=3) + ukrainian_paragraphs(4, sentences=40, seed=5)
    assert sum(map(len, paragraphs)) > 20_000
    assert max(map(len, paragraphs)) > 3_000, "some paragraphs must need several requests"
    url = site.add("/long", article_page(TITLE, paragraphs, published="2024-03-01"))
    [path] = saved(run("fetch", url))
    assert body_paragraphs((tmp_path / path).read_text()) == [emulate_translation(p) for p in paragraphs]
    assert google.rejected == 0 and google.max_target_len <= URL_LIMIT
    assert 5 <= google.count <= 30, google.count


def test_lost_markers_fall_back_to_one_request_per_paragraph(run, site, google, tmp_path):
    google.mode = "drop_markers"
    paragraphs = ukrainian_paragraphs(5)
    [path] = saved(run("fetch", site.add("/m", article_page(TITLE, paragraphs))))
    assert body_paragraphs((tmp_path / path).read_text()) == [emulate_translation(p) for p in paragraphs]
    assert google.count == 1 + 6  # the packed try, then the title and each paragraph alone


def test_english_original_is_not_sent(run, site, google, tmp_path):
    paragraphs = [
        "Russian troops refused to attack on the southern front, a military spokesman said on Wednesday.",
        "About forty soldiers left their trenches and tried to flee towards occupied Crimea, he added.",
        "The Defence Forces expect the number of prisoners to grow in the coming weeks due to frost.",
    ]
    url = site.add("/en", article_page("Occupiers refuse to attack", paragraphs, published="2024-01-10"))
    [path] = saved(run("fetch", url))
    assert path.endswith("2024-01-10-occupiers-refuse-to-attack.txt")
    text = (tmp_path / path).read_text()
    assert text.split("\n")[0] == "date 2024-01-11 01/10/2024 – Original in English"
    assert body_paragraphs(text) == paragraphs and google.count == 0


def test_russian_is_reported_as_russian(run, tmp_path):
    source = tmp_path / "ru.txt"
    source.write_text("Это был тёплый вечер. Мы подъехали к дому, и все вышли.\n")
    result = run("translate", source, "--stdout")
    assert result.returncode == 0, result.stderr
    assert "– Translated from Russian via Google" in result.stdout.split("\n")[0]


def test_text_files_in_legacy_encodings_and_stdin(run, tmp_path):
    paragraphs = ukrainian_paragraphs(3)
    text = "Заголовок новини\n\n" + "\n\n".join(paragraphs) + "\n"
    (tmp_path / "cp.txt").write_bytes(text.encode("windows-1251"))
    (tmp_path / "koi.txt").write_bytes(text.replace("Заголовок", "Інший заголовок").encode("koi8_u"))
    (tmp_path / "page.html").write_bytes(
        article_page("Сторінка", paragraphs, charset="windows-1251").encode("windows-1251")
    )
    result = run("translate", "cp.txt", "koi.txt", "page.html")
    assert result.returncode == 0, result.stderr
    paths = result.stdout.splitlines()
    assert len(paths) == 3
    for path in paths:
        assert body_paragraphs((tmp_path / path).read_text()) == [emulate_translation(p) for p in paragraphs]
    result = run("translate", "-", input=text)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1, result.stderr


def test_same_article_overwrites_its_file_and_another_gets_a_suffix(run, site, tmp_path):
    first = site.add(
        "/x",
        article_page(
            TITLE,
            ukrainian_paragraphs(3),
            published="2024-01-10",
            head='<link rel="canonical" href="https://news.example/x">',
        ),
    )
    other = site.add("/y", article_page(TITLE, ukrainian_paragraphs(3, seed=9), published="2024-01-10"))
    one = saved(run("fetch", first))
    again = saved(run("fetch", first + "?utm_source=feed"))
    two = saved(run("fetch", other))
    assert one == again
    assert two[0] == one[0].replace(".txt", "-2.txt")
    stems = sorted(name.removesuffix(".txt") for name in one + two)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        [f"{stem}.json" for stem in stems] + [f"{stem}.txt" for stem in stems]
    ), "two articles, each with its sidecar, and nothing else (no temporary files)"


def test_hostile_title_stays_inside_the_folder(run, site, tmp_path):
    title = "../../etc/passwd \x1b[31m" + "дуже " * 200
    [path] = saved(run("fetch", site.add("/h", article_page(title, ukrainian_paragraphs(3))), "-o", "out"))
    written = (tmp_path / path).resolve()
    assert written.parent == (tmp_path / "out").resolve()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.txt", written.name) and len(written.name) < 100


def test_version_help_and_module():
    warnews = WARNEWS
    version = subprocess.run([str(warnews), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and re.fullmatch(r"warnews \d+\.\d+\.\d+\n", version.stdout)
    module = subprocess.run([sys.executable, "-m", "warnews", "--version"], capture_output=True, text=True)
    assert module.stdout == version.stdout
    for command in ([], ["fetch"], ["translate"]):
        shown = subprocess.run([str(warnews), *command, "--help"], capture_output=True, text=True)
        assert shown.returncode == 0 and "Example" in shown.stdout


def test_from_and_to_override_detection_and_target(run, google, tmp_path):
    source = tmp_path / "uk.txt"
    source.write_text("Заголовок\n\n" + ukrainian_paragraphs(1)[0])
    result = run("translate", source, "--from", "Russian", "--to", "de", "--stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("date 2024-01-11 unknown – Translated from Russian via Google\n")
    assert google.languages == [("ru", "de")]


def test_detection_confidence_is_reported(run, site, tmp_path):
    [path] = saved(run("fetch", site.add("/c", article_page(TITLE, ukrainian_paragraphs(3)))))
    detection = json.loads((tmp_path / path).with_suffix(".json").read_text())["detection"]
    assert detection["method"] == "alphabet" and 0.5 <= detection["confidence"] <= 1.0


def test_dirty_source_gives_a_normalized_file(run, tmp_path):
    dirty = "\ufeffЗаголовок\u00a0статті\r\n\r\n  Пер\u00adший\u200b абзац\u00a0–  «цитата».\r\nПродовження\tрядка. \r\n\r\n\r\n\x1b[31mДругий\u202e абзац.\r\n"
    (tmp_path / "dirty.txt").write_bytes(dirty.encode("utf-8"))
    [path] = saved(run("translate", "dirty.txt"))
    text = (tmp_path / path).read_text(encoding="utf-8")
    check_layout(text)
    assert body_paragraphs(text) == [
        emulate_translation("Перший абзац – «цитата». Продовження рядка."),
        emulate_translation("[31mДругий абзац."),
    ]
    assert "\x1b" not in text and "\u202e" not in text and "\ufeff" not in text
    assert (
        json.loads((tmp_path / path).with_suffix(".json").read_text())["original_title"] == "Заголовок статті"
    )
