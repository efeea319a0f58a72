"""Test articles and what the tests need to run and read warnews."""

import fcntl
import json
import os
import pty
import socket
import sqlite3
import subprocess
import sys
from html import escape
from pathlib import Path

WARNEWS = Path(sys.executable).parent / "warnews"
MADE_EPOCH = "1704931200"  # 2024-01-11 UTC: the "made" day of every test file


def article_page(title, paragraphs, published=None, head="", charset="utf-8"):
    """A news page the way Ukrainian outlets build them: navigation, article, footer."""
    meta = (
        f'<meta property="article:published_time" content="{published}T10:15:00+02:00">' if published else ""
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="uk"><head><meta charset="{charset}"><title>{escape(title)} | Новини</title>'
        f"{meta}{head}</head><body><header><nav><a href='/'>Головна</a> <a href='/news'>Новини</a></nav></header>"
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<footer><p>© 2024 Новини. Усі права захищені.</p></footer></body></html>"
    )


def ukrainian_paragraphs(count, sentences=3, seed=0):
    """Distinct Ukrainian paragraphs of news-like sentences."""
    subjects = ["Рятувальники", "Міська рада", "Волонтери", "Енергетики", "Речник штабу", "Жителі громади"]
    verbs = ["повідомили про", "завершили", "розпочали", "оголосили", "підтвердили", "обговорили"]
    objects = [
        "відновлення електромережі",
        "евакуацію мешканців",
        "ремонт укриття",
        "доставку генераторів",
        "новий графік відключень",
        "допомогу переселенцям",
    ]
    paragraphs = []
    for index in range(count):
        words = []
        for sentence in range(sentences):
            n = seed + index * 7 + sentence * 3
            words.append(
                f"{subjects[n % 6]} {verbs[(n // 6) % 6]} {objects[(n // 36 + sentence) % 6]} "
                f"у четвер, {index + 1} січня, о {8 + sentence}:{index % 60:02d} на об'єкті номер {index * 10 + sentence}."
            )
        paragraphs.append(" ".join(words))
    return paragraphs


def body_paragraphs(text):
    """The paragraphs after the header of a saved document."""
    _, _, body = text.partition("\n\n")
    return body.rstrip("\n").split("\n\n")


def rss(links, title="Новини"):
    """An RSS 2.0 feed of these item links (None: an item without a link)."""
    items = "".join(
        f"<item><title>Новина {number}</title>" + (f"<link>{escape(link)}</link>" if link else "") + "</item>"
        for number, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example/</link><description>Стрічка</description>{items}</channel></rss>"
    )


def atom(links, title="Новини"):
    """An Atom feed of these item links."""
    entries = "".join(
        f'<entry><title>Новина {number}</title><id>urn:n:{number}</id><link href="{escape(link)}"/>'
        "<updated>2024-01-10T10:00:00Z</updated></entry>"
        for number, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
        f"<id>urn:feed</id><updated>2024-01-10T10:00:00Z</updated>{entries}</feed>"
    )


def state_articles(tmp_path, *columns):
    """{url: (columns...)} of the articles in a test's state database ({} before it exists,
    or before its first run made its tables: a run killed at its start leaves the file empty)."""
    path = tmp_path / "state" / "state.sqlite3"
    if not path.exists():
        return {}
    database = sqlite3.connect(path)
    try:
        made = database.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'")
        if made.fetchone() is None:
            assert database.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0, "half a schema"
            return {}
        query = f"SELECT url, {', '.join(columns)} FROM articles"
        return {url: tuple(values) for url, *values in database.execute(query)}
    finally:
        database.close()


_HELD_PORTS = []  # sockets bound for the whole session, never listened on


def free_port():
    """A port on 127.0.0.1 that refuses connections for the rest of the session: bound here
    and never listened on, so that no other test's server (another xdist worker) can take
    it between now and the connection that must be refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    _HELD_PORTS.append(probe)
    return probe.getsockname()[1]


def at_a_terminal(environment, tmp_path, *args, env=None):
    """Run warnews with stderr on a pseudo-terminal; return (exit code, stdout, terminal bytes)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(WARNEWS), *args],
        env={**environment, "COLUMNS": "100", **(env or {})},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    out = process.stdout.read().decode()
    process.wait(timeout=60)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    return process.returncode, out, screen.decode(errors="replace")


def texts(folder):
    """The saved articles in a folder (temporary and sidecar files excluded)."""
    return sorted(path for path in folder.glob("*.txt") if not path.name.startswith("."))


def hold_lock(tmp_path):
    """Hold the state's run lock as another warnews run would (the handle keeps it)."""
    (tmp_path / "state").mkdir(exist_ok=True)
    handle = open(tmp_path / "state" / "state.sqlite3.lock", "a+")  # the caller closes it
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


# An article holding terms of the default glossary in inflected forms (issue 14), and
# those forms with the English the glossary gives them.
TERMS_TITLE = "Енергетики відновлюють живлення після нічної атаки"
TERMS_PARAGRAPHS = [
    "У Києві вночі тривала повітряна тривога, енергетики відновлюють живлення у трьох районах.",
    "Після обстрілу Харкова рятувальники працювали до ранку, пошкоджено дванадцять будинків.",
    "ЗСУ знищили більшість дронів, а вранці у Києві відновили рух громадського транспорту.",
    "Мешканців просять заощаджувати електроенергію у вечірні години та стежити за графіком.",
]
DEFAULT_FORMS = {"Києві": "Kyiv", "Харкова": "Kharkiv", "ЗСУ": "Armed Forces of Ukraine"}
DEFAULT_FOUND = {"Київ": 2, "Харків": 1, "ЗСУ": 1}  # the terms as the default glossary writes them


def saved(result, folder):
    """The saved text and its sidecar of a run that saved one article (its path on stdout,
    relative to folder)."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [name] = result.stdout.splitlines()
    path = folder / name
    return path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".json").read_text())


def peak_mib(pid):
    """The process's peak resident memory so far (VmHWM: its own, since its exec). Not
    wait4's ru_maxrss: a child started by vfork counts its parent's peak there (the pytest
    worker's, hundreds of MiB after some tests), before its exec."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # just ended
        pass
    return 0.0
