"""What a name given to the wrong command most likely meant, and the command that takes it:
a saved page given to fetch, a URL given to translate, a URL pasted without its scheme."""

from __future__ import annotations

import ipaddress
import shlex
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

# Names that read as files, whatever else they look like.
FILE_SUFFIXES = (".html", ".htm", ".txt")
# Last labels of "hosts" that are file names (index.php/x), not top-level domains.
_FILE_EXTENSIONS = frozenset({"html", "htm", "txt", "xml", "json", "php", "asp", "aspx", "jsp", "pdf", "md"})


def _exists(name: str) -> bool:
    try:
        return Path(name).exists()
    except (OSError, ValueError):  # a name too long, or with a NUL
        return False


def _is_host(host: str) -> bool:
    """A dotted host name (www.site.ua, сайт.укр) or an IPv4 address."""
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels):
        return False
    return labels[-1].isalpha() and labels[-1].lower() not in _FILE_EXTENSIONS


def as_url(name: str) -> tuple[str, str | None]:
    """A URL pasted without its scheme (www.site.ua/x) as the https:// URL it means, with the
    note that says so; anything else (a URL, a file, a typo) as it is, without a note."""
    if "://" in name or name != name.strip() or " " in name or _exists(name):
        return name, None
    if name.startswith(("/", ".", "-")) or ("/" not in name and name.lower().endswith(FILE_SUFFIXES)):
        return name, None  # a path, or a file name alone; www.site.ua/news/1.html is a URL
    url = f"https://{name}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number makes it no URL
    except ValueError:
        return name, None
    if parts.hostname is None or not _is_host(parts.hostname):
        return name, None
    return url, f"no scheme in {name}: fetching {url}"


def not_a_url(name: str) -> str | None:
    """Why `fetch NAME` cannot be, when NAME is something `translate` takes: a file, a
    folder, standard input, a file:// URL. None for anything else."""
    if name == "-":
        return (
            "not a URL (to read URLs from standard input: warnews fetch -i -;"
            " to translate a page from it: warnews translate -)"
        )
    try:
        parts = urlsplit(name)
    except ValueError:
        return None
    if parts.scheme.lower() == "file" and parts.path:
        return _file_hint(url2pathname(parts.path))
    if parts.scheme:
        return None
    if Path(name).is_dir():
        folder = shlex.quote(name.rstrip("/") or "/")
        return f"a folder, not a URL (to translate its files: warnews translate {folder}/*.html)"
    if _exists(name) or name.lower().endswith(FILE_SUFFIXES):
        return _file_hint(name)
    return None


def _file_hint(path: str) -> str:
    return f"a local file, not a URL (to translate it: warnews translate {shlex.quote(path)})"


def not_a_file(name: str) -> str:
    """What `translate NAME` says when there is no such file: and `fetch` if it is a URL."""
    try:
        parts = urlsplit(name)
    except ValueError:
        return "no such file"
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        url = name
    else:
        url, note = as_url(name)
        if note is None:
            return "no such file"
    return f"no such file; a URL? (to download it: warnews fetch {shlex.quote(url)})"
