import os
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from servers import ForwardProxy, GoogleEmulator, Site

WARNEWS = Path(sys.executable).parent / "warnews"
MADE_EPOCH = "1704931200"  # 2024-01-11 UTC: the "made" day of every test file
NETWORK_VARIABLES = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
]


@pytest.fixture
def google():
    with GoogleEmulator() as server:
        yield server


@pytest.fixture
def site():
    with Site() as server:
        yield server


@pytest.fixture
def proxy():
    with ForwardProxy() as server:
        yield server


@pytest.fixture
def run(google, tmp_path):
    """Run the installed warnews command against the local translator, in tmp_path."""

    def run(*args, env=None, input=None, timeout=120):
        environment = {
            key: value
            for key, value in os.environ.items()
            if key.upper() not in NETWORK_VARIABLES and not key.startswith("WARNEWS_")
        }
        environment.update(WARNEWS_GOOGLE_URL=google.base_url, SOURCE_DATE_EPOCH=MADE_EPOCH)
        environment.update(env or {})
        return subprocess.run(
            [str(WARNEWS), *map(str, args)],
            env=environment,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
        )

    return run


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
    subjects = ["Сили оборони", "Міська рада", "Волонтери", "Енергетики", "Речник штабу", "Жителі громади"]
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
    head, _, body = text.partition("\n\n")
    return body.rstrip("\n").split("\n\n")
