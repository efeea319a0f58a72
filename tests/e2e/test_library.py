"""warnews as a library (issue 12): the public API gives what the command line gives."""

import html
import json
import os
import re
from pathlib import Path

import httpx
import pytest
from pages import MADE_EPOCH, article_page, ukrainian_paragraphs
from translators import emulate_translation

import warnews
from conftest import NETWORK_VARIABLES
from warnews import Document, Metadata

TITLE = "Енергетики відновили світло у районі"
README = Path(__file__).parents[2] / "README.md"


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """This process as the command's: no proxy or certificate variables of the machine, the
    made day of every test, and its cache, data and config folders in tmp_path (to see that
    a library call writes nothing there)."""
    for name in list(os.environ):
        if name.upper() in NETWORK_VARIABLES or name.startswith("WARNEWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MADE_EPOCH)
    for folder in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(folder, str(tmp_path / "home" / folder.lower()))
    monkeypatch.chdir(tmp_path)


def files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_fetch_is_the_command_byte_for_byte(run, site, google, tmp_path):
    url = site.add("/news/1", article_page(TITLE, ukrainian_paragraphs(5), published="2024-01-10"))
    printed = run("fetch", url, "--stdout", "--credit", "OFP", "--no-cache")
    assert printed.returncode == 0, printed.stderr
    saved = run("fetch", url, "-o", "cli", "--credit", "OFP", "--keep-original", "--no-cache")
    assert saved.returncode == 0, saved.stderr

    document = warnews.fetch(url, google_url=google.base_url, credit="OFP", keep_original=True)
    assert isinstance(document, Document) and isinstance(document.metadata, Metadata)
    assert document.text == printed.stdout
    path = document.save(tmp_path / "lib")
    assert (
        path.name == Path(saved.stdout.strip()).name == "2024-01-10-enerhetyky-vidnovyly-svitlo-u-rayoni.txt"
    )
    assert files(tmp_path / "lib") == files(tmp_path / "cli")
    for name in files(tmp_path / "cli"):
        assert (tmp_path / "lib" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_a_document_is_its_file_and_its_sidecar(site, google, tmp_path):
    paragraphs = ukrainian_paragraphs(4)
    url = site.add("/a", article_page(TITLE, paragraphs, published="2024-01-10"))
    document = warnews.fetch(url, google_url=google.base_url)
    assert document.title == emulate_translation(TITLE)
    assert document.paragraphs == tuple(emulate_translation(p) for p in paragraphs)
    assert document.text == "\n\n".join([document.text.split("\n")[0], *document.paragraphs]) + "\n"
    assert document.text.startswith("date 2024-01-11 01/10/2024 – Translated from Ukrainian via Google\n\n")
    meta = document.metadata
    assert (meta.url, meta.source_language, meta.engine, meta.paragraphs) == (url, "uk", "Google", 4)
    assert meta.published.isoformat() == "2024-01-10" and meta.translator_requests == google.count == 1
    path = document.save(tmp_path / "out")
    sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar == {**meta.to_dict(), "file": path.name}
    assert document.save(tmp_path / "out") == path, "saved again: its own name, not a -2"
    with pytest.raises(AttributeError):
        document.text = "changed"  # frozen


def test_translate_file_and_translate_text_are_warnews_translate(run, google, tmp_path):
    (tmp_path / "article.txt").write_text("\n\n".join([TITLE, *ukrainian_paragraphs(3)]), encoding="utf-8")
    (tmp_path / "page.html").write_text(
        article_page(TITLE, ukrainian_paragraphs(2, seed=4)), encoding="utf-8"
    )
    for name in ("article.txt", "page.html"):
        printed = run("translate", name, "--stdout")
        assert printed.returncode == 0, printed.stderr
        assert warnews.translate_file(tmp_path / name, google_url=google.base_url).text == printed.stdout
        assert warnews.translate_file(name, google_url=google.base_url).text == printed.stdout
    text = (tmp_path / "article.txt").read_text(encoding="utf-8")
    printed = run("translate", "-", "--stdout", input=text)
    assert warnews.translate_text(text, google_url=google.base_url).text == printed.stdout
    windows = text.encode("windows-1251")
    assert warnews.translate_text(windows, google_url=google.base_url).text == printed.stdout
    saved = run("translate", "-", "-o", "cli", "--no-cache", input=text)
    assert saved.returncode == 0, saved.stderr
    warnews.translate_text(text, google_url=google.base_url).save(tmp_path / "lib")
    assert files(tmp_path / "lib") == files(tmp_path / "cli")
    for name in files(tmp_path / "cli"):
        assert (tmp_path / "lib" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_a_library_call_writes_nothing_unless_asked(site, google, tmp_path):
    url = site.add("/a", article_page(TITLE, ukrainian_paragraphs(3)))
    before = files(tmp_path)
    warnews.fetch(url, google_url=google.base_url)
    warnews.translate_text(TITLE + "\n\n" + "\n\n".join(ukrainian_paragraphs(2)), google_url=google.base_url)
    assert files(tmp_path) == before == [], "no state, no memory, no file"

    memory = tmp_path / "memory.sqlite3"
    first = warnews.fetch(url, google_url=google.base_url, cache_file=memory)
    assert memory.exists() and first.metadata.paragraphs_cached == 0
    requests = google.count
    again = warnews.fetch(url, google_url=google.base_url, cache_file=str(memory))
    assert google.count == requests and again.metadata.paragraphs_cached == 4 and again.text == first.text
    assert (
        warnews.fetch(
            url, google_url=google.base_url, cache_file=memory, cache=False
        ).metadata.paragraphs_cached
        == 0
    )


def _google_answer(request):
    text = request.url.params["q"]
    body = f'<html><body><div class="result-container">{html.escape(emulate_translation(text))}</div></body></html>'
    return httpx.Response(200, html=body)


def test_a_callers_own_client_carries_every_request():
    page = article_page(TITLE, ukrainian_paragraphs(3), published="2024-01-10")
    seen = []

    def handler(request):
        seen.append(str(request.url).split("?")[0])
        if request.url.host == "news.example":
            if request.url.path == "/moved":
                return httpx.Response(301, headers={"location": "/a"})
            return httpx.Response(200, html=page)
        if request.url.host == "translate.example":
            return _google_answer(request)
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True) as client:
        document = warnews.fetch(
            "https://news.example/moved", client=client, google_url="https://translate.example/m"
        )
        assert not client.is_closed, "the caller's client is the caller's to close"
    assert seen == ["https://news.example/moved", "https://news.example/a", "https://translate.example/m"]
    assert document.metadata.url == "https://news.example/a"
    assert document.paragraphs == tuple(emulate_translation(p) for p in ukrainian_paragraphs(3))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timeout": -1}, r"bad value for timeout: must be from 0\.1"),
        ({"timeout": "30"}, r"bad value for timeout: expected a number, not str"),
        ({"retries": 2.5}, r"bad value for retries: expected an int, not float"),
        ({"retries": True}, r"bad value for retries: expected an int, not bool"),
        ({"keep_original": "yes"}, r"bad value for keep_original: expected True or False, not str"),
        ({"engine": "bing"}, r"bad value for engine: unknown engine 'bing'"),
        ({"engine": ["google", "google"]}, r"bad value for engine: an engine is named twice"),
        ({"target_language": "Klingon"}, r"bad value for target_language"),
        ({"proxy": "bogus"}, r"bad value for proxy: bogus is not a proxy URL"),
        ({"cache_file": 3}, r"bad value for cache_file: expected a str, not int"),
        ({"deepl_key": "a\nb"}, r"bad value for deepl_key: it contains a control character"),
        ({"bogus": 1}, r"unknown setting 'bogus' \(known: .*credit"),
        ({"out": "news"}, r"out is not a setting of a library call: save a document with Document.save"),
        ({"concurrency": 4}, r"concurrency is a setting of the command line's runs"),
        ({"engine": "deepl"}, r"the DeepL engine needs deepl_key"),
    ],
)
def test_a_bad_setting_is_a_warnews_error_naming_it(settings, message):
    with pytest.raises(warnews.UsageError, match=message) as caught:
        warnews.translate_text(TITLE, **settings)
    assert not isinstance(caught.value, (ValueError, TypeError))


def test_public_only_is_for_fetch_and_warnews_own_client():
    with pytest.raises(warnews.UsageError, match="public_only is a setting of the command line's runs"):
        warnews.translate_text(TITLE, public_only=True)
    with httpx.Client() as client, pytest.raises(warnews.UsageError, match="public_only needs warnews's own"):
        warnews.fetch("https://news.example/a", client=client, public_only=True)
    with pytest.raises(warnews.UsageError, match=r"client must be an httpx\.Client, not AsyncClient"):
        warnews.translate_text(TITLE, client=httpx.AsyncClient())
    closed = httpx.Client()
    closed.close()
    with pytest.raises(warnews.UsageError, match="client is closed"):
        warnews.fetch("https://news.example/a", client=closed)


def test_failures_are_warnews_errors(site, google, tmp_path):
    missing = site.url("/missing")
    with pytest.raises(warnews.FetchError, match="HTTP 404") as caught:
        warnews.fetch(missing, google_url=google.base_url)
    assert caught.value.permanent
    with pytest.raises(warnews.FetchError, match=r"unsupported URL \(no scheme\)"):
        warnews.fetch("www.example.com.ua/news", google_url=google.base_url)
    with pytest.raises(warnews.InputError, match=r"nothing\.txt: no such file"):
        warnews.translate_file(tmp_path / "nothing.txt")
    with pytest.raises(warnews.InputError, match=f"{tmp_path}: is a folder"):
        warnews.translate_file(tmp_path)
    with pytest.raises(warnews.InputError, match="standard input"):
        warnews.translate_file("-")
    with pytest.raises(warnews.ExtractError):
        warnews.translate_text("", google_url=google.base_url)
    with pytest.raises(warnews.InputError, match="over the 1,024-byte limit"):
        warnews.translate_text("я" * 1024, max_page_bytes=1024)


def test_importing_warnews_loads_no_machinery():
    import subprocess
    import sys

    code = "import sys, warnews; print(sorted(m for m in ('httpx', 'trafilatura', 'deep_translator') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "[]\n"
    assert {"fetch", "translate_file", "translate_text", "Document", "Metadata", "WarnewsError"} <= set(
        warnews.__all__
    )
    assert (Path(warnews.__file__).parent / "py.typed").exists()
    for name in ("fetch", "translate_file", "translate_text"):
        assert getattr(warnews, name).__doc__ and getattr(warnews, name).__annotations__


def test_the_readme_example_runs_as_written(site, google, monkeypatch, tmp_path, capsys):
    """The README's "Use from Python" code, as written; only the network is local: requests
    to its hosts reach this test's site and translator instead."""
    code = re.search(r"## Use from Python\n.*?```python\n(.*?)```", README.read_text(), re.S).group(1)
    paragraphs = ukrainian_paragraphs(4)
    for url in re.findall(r'"(https://[^"]+)"', code):
        if "translate.google" not in url:
            site.add(httpx.URL(url).path, article_page(TITLE, paragraphs, published="2024-01-10"))
    local = {"translate.google.com": httpx.URL(google.base_url)}
    send = httpx.Client.send

    def to_local(client, request, **options):
        target = local.get(request.url.host, httpx.URL(site.url("/")))
        request.url = request.url.copy_with(scheme="http", host=target.host, port=target.port)
        return send(client, request, **options)

    monkeypatch.setattr(httpx.Client, "send", to_local)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert emulate_translation(TITLE) in out and emulate_translation(paragraphs[0]) in out
    assert list((tmp_path / "news").glob("2024-01-10-*.txt")), "the example saves its document"


def test_a_trickling_page_through_a_callers_client_ends_by_the_deadline():
    """A caller's client has no bounded streams of warnews's: the body's deadline still holds."""
    import time

    class Trickle(httpx.SyncByteStream):
        def __iter__(self):
            while True:  # a byte at a time, forever, each well within the read timeout
                time.sleep(0.05)
                yield b"x"

    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/html"}, stream=Trickle())

    started = time.monotonic()
    with httpx.Client(transport=httpx.MockTransport(handler), timeout=0.2) as client:
        with pytest.raises(warnews.FetchError, match=r"did not arrive within 10 timeouts \(2 s\)"):
            warnews.fetch("https://news.example/slow", client=client)
    assert time.monotonic() - started < 10


EMBED = """<!DOCTYPE html><html><body><div class="tgme_widget_message_wrap js-widget_message_wrap">
<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="kyivnews/{number}">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color">
<a class="tgme_widget_message_owner_name" href="https://t.me/kyivnews"><span dir="auto">Київ Новини</span></a></div>{media}
<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short">
<span class="tgme_widget_message_views">3.1K</span><span class="tgme_widget_message_meta">
<a class="tgme_widget_message_date" href="https://t.me/kyivnews/{number}">
<time datetime="2024-01-10T22:30:00+00:00" class="time">22:30</time></a></span></div></div></div></div></div>
</body></html>"""


def test_a_telegram_post_by_its_permalink_through_the_library():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        if request.url.host == "tme.example":
            number = request.url.path.rsplit("/", 1)[-1]
            if number == "5":
                text = "Вибухи в Києві<br/><br/>Працює ППО, будьте в укриттях."
                return httpx.Response(200, html=EMBED.format(number=5, media="", text=text))
            photo = '<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'https://c/a.jpg\')"></a>'
            return httpx.Response(200, html=EMBED.format(number=number, media=photo, text=""))
        if request.url.host == "translate.example":
            return _google_answer(request)
        return httpx.Response(404)

    settings = {"google_url": "https://translate.example/m", "telegram_url": "https://tme.example"}
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        document = warnews.fetch("https://t.me/kyivnews/5", client=client, **settings)
        assert seen[0] == "https://tme.example/kyivnews/5?embed=1&mode=tme"
        with pytest.raises(warnews.NotAnArticle, match=r"no text to translate: only media \(1 photo\)"):
            warnews.fetch("https://t.me/kyivnews/6", client=client, **settings)
    metadata = document.metadata
    assert metadata.url == "https://t.me/kyivnews/5" and metadata.published_from == "post"
    assert metadata.sitename == "Київ Новини"  # the post's owner: its page has no channel header
    assert str(metadata.published) == "2024-01-11"  # 00:30 in Kyiv
    assert metadata.telegram is not None and metadata.telegram["post"] == 5
    assert metadata.to_dict()["telegram"]["views"] == "3.1K"
    assert document.paragraphs == (  # Києві and ППО: the default glossary's
        emulate_translation("Вибухи в") + " Kyiv",
        emulate_translation("Працює") + " air defense" + emulate_translation(", будьте в укриттях."),
    )
    assert document.title == "Vybukhy v Kyiv"
