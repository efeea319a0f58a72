"""Secrets out of everything warnews shows: error lines, JSON, logs, the state database.

Pure text functions. A secret is masked as it is and as URLs encode it, and so is any
fragment of it long enough to be recognised (a server may quote a key cut short, or
warnews may cut a message that quotes one): masking comes before any cutting.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
FRAGMENT = 6  # characters of a secret that are never shown together
# Shorter secrets cannot be told from ordinary text (a password "p" would mask every p);
# where one could show, in a proxy URL, mask_url hides it by its position.
SHORTEST = 4
WINDOW = 4096  # characters of a server's text looked at (far more than any report shows)


def _forms(secret: str) -> set[str]:
    return {form for form in (secret, quote(secret, safe=""), quote_plus(secret)) if form}


def redact(text: str, secrets: Iterable[str | None], fragments: bool = True) -> str:
    """text with every secret, and every fragment of FRAGMENT or more characters of one
    (as it is or URL-encoded, in any case), replaced by ***. fragments=False: whole
    secrets only, for text that is mostly warnews's own words (a fragment of a made-up
    key can be an ordinary word)."""
    forms = {
        _lower(form) for secret in secrets if secret and len(secret) >= SHORTEST for form in _forms(secret)
    }
    if not forms or not text:
        return text
    lowered = _lower(text)  # a server may echo a key in capitals
    out: list[str] = []
    position = 0
    while position < len(text):
        length = max((_match(lowered, position, form, fragments) for form in forms), default=0)
        if length:
            if not out or out[-1] != MASK:
                out.append(MASK)
            position += length
        else:
            out.append(text[position])
            position += 1
    return "".join(out)


def _lower(text: str) -> str:
    """Lower case, character for character (the few letters whose lower case is longer stay)."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _match(text: str, position: int, secret: str, fragments: bool = True) -> int:
    """How many characters of text, from position, are a run of secret that must be
    masked (the whole secret when it is short, else FRAGMENT or more), or 0."""
    shortest = min(len(secret), FRAGMENT) if fragments else len(secret)
    probe = text[position : position + shortest]
    if len(probe) < shortest:
        return 0
    best = 0
    start = secret.find(probe)
    while start != -1:
        length = shortest
        while (
            position + length < len(text)
            and start + length < len(secret)
            and text[position + length] == secret[start + length]
        ):
            length += 1
        best = max(best, length)
        start = secret.find(probe, start + 1)
    return best


def holds(text: str, secrets: Iterable[str | None]) -> bool:
    """Whether text holds one of the secrets whole (as it is or URL-encoded, in any case)."""
    lowered = _lower(text)
    return any(
        _lower(form) in lowered
        for secret in secrets
        if secret and len(secret) >= SHORTEST
        for form in _forms(secret)
    )


def server_words(text: str, secrets: Iterable[str | None], length: int) -> str:
    """What a server said, for one line of a report: masked first, then cut to length (a
    window of it is looked at: masking megabytes would take seconds)."""
    return cut(redact(text[:WINDOW], secrets), length)


def mask_url(value: str) -> str:
    """A URL (a proxy's) with its user information hidden, however odd the password: the
    user information is everything between the scheme and the last "@"."""
    scheme, separator, rest = value.rpartition("://")
    if not separator:
        rest = value
    if "@" in rest:
        rest = MASK + "@" + rest.rpartition("@")[2]
    return f"{scheme}{separator}{rest}"


def proxy_password(proxy: str) -> str:
    """The password of a proxy URL, however odd (between the first ":" and the last "@")."""
    rest = proxy.rpartition("://")[2]
    if "@" not in rest:
        return ""
    return rest.rpartition("@")[0].partition(":")[2]


def printable(text: str) -> str:
    """Escape what could drive a terminal: control characters, bidi overrides."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)


def cut(text: str, length: int) -> str:
    """A message shortened for a one-line report (after redact, never before)."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
