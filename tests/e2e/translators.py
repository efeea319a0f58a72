"""Emulations of the translation services on 127.0.0.1, each as deep-translator talks to it,
with bad behaviour switchable at run time.

- GoogleEmulator: Google's mobile page (GET /m?sl&tl&q, the answer in an HTML page;
  newlines always collapse; URLs over 16 KiB get 400).
- DeepLEmulator: DeepL's POST /v2/translate (key in the Authorization header; bodies
  over 128 KiB get 413; quota 456).
- LibreEmulator: LibreTranslate's POST /translate and GET /frontend/settings (its
  character limit; longer texts get 400).
- MyMemoryEmulator: MyMemory's GET /get (500 bytes at most; quota warnings in a 200).
- MicrosoftEmulator: Microsoft's POST /translate and GET /languages (50,000 characters).

`mode` switches behaviour for every later request: "ok", "error500", "429", "stall",
"empty", "error_page" (an HTML page with status 200), "identity" (the text back),
"quota", "auth" (the key refused), "error400", "collapse" (newlines collapsed), "drop_markers",
"mangle_markers", "swap_markers", "merge_markers". `fail_next` answers that many 500s
first, `throttle_next` that many 429s with Retry-After: 1. Requests over the service's
limit are always refused, counted in `rejected`. `poison` (a word) and `poison_mode`
misbehave only for texts holding that word, so that one article of a run fails.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from typing import ClassVar
from urllib.parse import parse_qs, quote_plus, urlsplit

from servers import _Concurrency, _Handler, _Local

URL_LIMIT = 16 * 1024  # Google answers 400 to longer request URLs (shared/NOTES.md)
DEEPL_LIMIT = 128 * 1024  # DeepL's total request size
MYMEMORY_LIMIT = 500  # bytes of q
MICROSOFT_LIMIT = 50_000  # characters per request

_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "yu",
    "я": "ya",
    "ы": "y",
    "э": "e",
    "ё": "yo",
    "ъ": "",
    "ў": "w",
}
_TABLE = str.maketrans({**_LATIN, **{k.upper(): v.capitalize() for k, v in _LATIN.items()}})
_MARKER = re.compile(r"\[\[(\d+)\]\]")


_TERM = re.compile(r"\[\[T(\d+)\]\]")
_TERM_SLOT = re.compile(r"\[\[T#(\d+)\]\]")


def emulate_translation(text: str, phrasebook: dict[str, str] | None = None) -> str:
    """What the emulator answers: phrasebook entries translated, the rest of the Cyrillic
    transliterated, and every run of whitespace (newlines too) collapsed, as Google does.

    A phrasebook entry may hold glossary placeholders: `[[T]]` in its source stands for
    any [[T1]], [[T2]]... warnews sends, `[[T#k]]` in its English for the k-th of them."""
    for source in sorted(phrasebook or {}, key=len, reverse=True):
        english = (phrasebook or {})[source]
        if "[[T]]" not in source:
            text = text.replace(source, english)
            continue
        pattern = re.compile(r"\[\[T(\d+)\]\]".join(map(re.escape, source.split("[[T]]"))))
        text = pattern.sub(
            lambda found, english=english: _TERM_SLOT.sub(  # type: ignore[misc]
                lambda slot: f"[[T{found.group(int(slot.group(1)))}]]", english
            ),
            text,
        )
    return " ".join(text.translate(_TABLE).split())


def _lines(text: str, phrasebook: dict[str, str] | None) -> str:
    """A translation that keeps line breaks, as the JSON APIs do."""
    return "\n".join(emulate_translation(line, phrasebook) for line in text.split("\n"))


def _marks(answer: str, mode: str) -> str:
    if mode == "drop_markers":
        return " ".join(_MARKER.sub(" ", answer).split())
    if mode == "mangle_markers":
        return _MARKER.sub(lambda m: f"[ [{m.group(1)}] ]", answer)
    if mode == "swap_markers":  # the paragraphs after marks 1 and 2 change places, marks and all
        parts = re.split(r"(\[\[\d+\]\])", answer)  # text, mark, text, mark, text...
        if len(parts) >= 5:
            parts[1:3], parts[3:5] = parts[3:5], parts[1:3]
        return "".join(parts)
    if mode == "merge_markers":
        return answer.replace("[[1]]", " ", 1)
    return answer


class _Translator(_Local):
    """What every emulation shares: modes, failures on command, and what it was asked."""

    collapses = False  # Google's page loses newlines whatever the mode

    def __init__(self, phrasebook: dict[str, str] | None = None, delay: float = 0.0, key: str | None = None):
        super().__init__()
        self.phrasebook = phrasebook
        self.delay = delay
        self.key = key  # the key it accepts (None: any or none)
        self.mode = "ok"
        self.poison: str | None = None  # texts holding this word get poison_mode instead of mode
        self.poison_mode = "ok"
        self.fail_next = 0
        self.throttle_next = 0
        self.throttled_at: list[float] = []
        self.stall_seconds = 60.0
        self.texts: list[str] = []  # the text of each answered request
        self.languages: list[tuple[str, str]] = []  # (source, target) of each answered request
        self.sizes: list[int] = []  # each request's size, as the service's limit measures it
        self.urls: list[str] = []  # every request line's target
        self.headers: list[dict[str, str]] = []
        self.bodies: list[bytes] = []
        self.rejected = 0
        self.concurrency = _Concurrency()
        self.times: list[float] = []
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        """Translation requests received (refused ones too)."""
        return len(self.sizes)

    @property
    def max_size(self) -> int:
        return max(self.sizes, default=0)

    def reset(self) -> None:
        with self._lock:
            for seen in (
                self.times,
                self.texts,
                self.sizes,
                self.languages,
                self.urls,
                self.headers,
                self.bodies,
            ):
                seen.clear()
            self.rejected = 0

    def seen(self, secret: str) -> bool:
        """Whether a secret ever appeared in a request's URL."""
        return any(secret in url or quote_plus(secret) in url for url in self.urls)

    def serve(self, request: _Handler, text: str, size: int, over: bool, languages: tuple[str, str]) -> None:
        """Answer one translation request of a parsed text."""
        with self._lock:
            self.times.append(time.monotonic())
            self.sizes.append(size)
            self.rejected += over
            failing = self.fail_next > 0
            self.fail_next -= failing
            throttled = self.throttle_next > 0
            self.throttle_next -= throttled
        if throttled:
            self.throttled_at.append(self.times[-1])
            self.error(request, 429, "Too many requests", {"Retry-After": "1"})
            return
        if over:
            self.too_long(request, size)
            return
        with self._lock:
            self.texts.append(text)
            self.languages.append(languages)
        with self.concurrency:
            if self.delay:
                time.sleep(self.delay)
            mode = self.poison_mode if self.poison and self.poison in text else self.mode
            self._answer(request, text, "error500" if failing else mode)

    def _answer(self, request: _Handler, text: str, mode: str) -> None:
        if mode == "error500":
            self.error(request, 500, "Internal server error")
        elif mode == "error400":
            self.error(request, 400, "Bad request")
        elif mode == "429":
            self.error(request, 429, "Too many requests", {"Retry-After": "0"})
        elif mode == "quota":
            self.out_of_quota(request)
        elif mode == "auth":
            self.error(request, 403, "Forbidden: the key is not valid")
        elif mode == "error_page":
            request.reply(200, b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")
        elif mode == "empty":
            self.answer(request, "")
        elif mode == "identity":
            self.answer(request, text)
        else:
            if mode == "stall":
                self.stopping.wait(self.stall_seconds)
            collapse = self.collapses or mode == "collapse"
            translated = (
                emulate_translation(text, self.phrasebook) if collapse else _lines(text, self.phrasebook)
            )
            self.answer(request, _marks(translated, mode))

    def _record(self, request: _Handler, body: bytes = b"") -> None:
        with self._lock:
            self.urls.append(request.path)
            self.headers.append(dict(request.headers))
            self.bodies.append(body)

    # What each service says, in its own format.
    def answer(self, request: _Handler, translated: str) -> None:
        raise NotImplementedError

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        request.reply_json(status, {"error": message}, headers)

    def too_long(self, request: _Handler, size: int) -> None:
        self.error(request, 400, f"request too long ({size})")

    def out_of_quota(self, request: _Handler) -> None:
        self.error(request, 429, "quota exceeded")


class GoogleEmulator(_Translator):
    """Google Translate's mobile page as deep-translator's GoogleTranslator reads it.
    `max_target_len` is the longest request target (path and query) it was sent."""

    collapses = True

    @property
    def base_url(self) -> str:
        return self.origin + "/m"

    @property
    def max_target_len(self) -> int:
        return self.max_size

    def handle(self, request: _Handler) -> None:
        target = request.path
        if "://" in target:  # reached through a proxy: absolute URI
            parts = urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        self._record(request)
        query = parse_qs(urlsplit(target).query, keep_blank_values=True)
        text = query.get("q", [""])[0]
        size = len(target.encode())
        languages = (query.get("sl", [""])[0], query.get("tl", [""])[0])
        self.serve(request, text, size, size > URL_LIMIT, languages)

    def _answer(self, request: _Handler, text: str, mode: str) -> None:
        if mode in ("no_result", "captcha", "error_page"):
            request.reply(
                200,
                b"<html><body><form id='captcha'>Our systems have detected unusual traffic</form></body></html>",
            )
        else:
            super()._answer(request, text, mode)

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply(
            200,
            (
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Google Translate</title></head>"
                "<body><div class='header'>Translate</div>"
                f'<div class="result-container">{html.escape(translated)}</div>'
                "</body></html>"
            ).encode(),
        )

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        request.reply(status, f"<html><body>{status}. {html.escape(message)}</body></html>".encode(), headers)

    def too_long(self, request: _Handler, size: int) -> None:
        self.error(request, 400, "That's an error. The request URL is too long.")


class DeepLEmulator(_Translator):
    """DeepL's API: POST /v2/translate with a form body and the key in a header."""

    def __init__(self, key: str = "deepl-test-key:fx", **kwargs: object) -> None:
        super().__init__(key=key, **kwargs)  # type: ignore[arg-type]

    def handle(self, request: _Handler) -> None:
        body = request.body()
        self._record(request, body)
        if urlsplit(request.path).path != "/v2/translate" or request.command != "POST":
            request.reply_json(404, {"message": "Not found"})
            return
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.key}":
            request.reply_json(403, {"message": "Authorization failure, check auth_key"})
            return
        form = parse_qs(body.decode(), keep_blank_values=True)
        text = form.get("text", [""])[0]
        languages = (form.get("source_lang", [""])[0], form.get("target_lang", [""])[0])
        size = len(body) + sum(len(k) + len(v) + 4 for k, v in request.headers.items())
        self.serve(request, text, size, size > DEEPL_LIMIT, languages)

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply_json(200, {"translations": [{"detected_source_language": "UK", "text": translated}]})

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        request.reply_json(status, {"message": message}, headers)

    def too_long(self, request: _Handler, size: int) -> None:
        self.error(request, 413, "Request Entity Too Large")

    def out_of_quota(self, request: _Handler) -> None:
        self.error(request, 456, "Quota exceeded")


class LibreEmulator(_Translator):
    """A LibreTranslate server: POST /translate, and its limit at GET /frontend/settings."""

    def __init__(self, char_limit: int = 2000, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.char_limit = char_limit
        self.hide_limit = False  # an old server: no /frontend/settings

    def handle(self, request: _Handler) -> None:
        path = urlsplit(request.path).path
        if path == "/frontend/settings" and not self.hide_limit:
            request.reply_json(200, {"charLimit": self.char_limit, "keyRequired": bool(self.key)})
            return
        body = request.body()
        self._record(request, body)
        if path != "/translate" or request.command != "POST":
            request.reply_json(404, {"error": "Not Found"})
            return
        form = parse_qs(body.decode(), keep_blank_values=True)
        if self.key and form.get("api_key", [""])[0] != self.key:
            request.reply_json(403, {"error": "Invalid API key"})
            return
        text = form.get("q", [""])[0]
        languages = (form.get("source", [""])[0], form.get("target", [""])[0])
        over = 0 < self.char_limit < len(text)
        self.serve(request, text, len(text), over, languages)

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply_json(200, {"translatedText": translated})

    def too_long(self, request: _Handler, size: int) -> None:
        self.error(request, 400, f"Invalid request: request ({size}) exceeds text limit ({self.char_limit})")


class MyMemoryEmulator(_Translator):
    """MyMemory's GET /get?q=..&langpair=uk-UA|en-GB; trouble comes back in a 200."""

    @property
    def base_url(self) -> str:
        return self.origin + "/get"

    def handle(self, request: _Handler) -> None:
        self._record(request)
        query = parse_qs(urlsplit(request.path).query, keep_blank_values=True)
        text = query.get("q", [""])[0]
        source, _, target = query.get("langpair", ["|"])[0].partition("|")
        size = len(text.encode())
        self.serve(request, text, size, size > MYMEMORY_LIMIT, (source, target))

    def _reply(self, request: _Handler, translated: str, status: int = 200, details: str = "") -> None:
        request.reply_json(
            200,
            {
                "responseData": {"translatedText": translated, "match": 0.85},
                "responseDetails": details,
                "responseStatus": status,
                "matches": [],
            },
        )

    def answer(self, request: _Handler, translated: str) -> None:
        self._reply(request, translated)

    def too_long(self, request: _Handler, size: int) -> None:
        message = "QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED QUERY : 500 CHARS"
        self._reply(request, message, 403, message)

    def out_of_quota(self, request: _Handler) -> None:
        message = (
            "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN  "
            "10 HOURS 20 MINUTES 05 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP"
        )
        self._reply(request, message, 429)


class MicrosoftEmulator(_Translator):
    """Microsoft's Translator v3: GET /languages, POST /translate?from&to with a JSON body."""

    LANGUAGES: ClassVar[dict[str, str]] = {
        "uk": "Ukrainian",
        "en": "English",
        "ru": "Russian",
        "pl": "Polish",
        "de": "German",
    }

    def __init__(self, key: str = "microsoft-test-key", **kwargs: object) -> None:
        super().__init__(key=key, **kwargs)  # type: ignore[arg-type]

    def handle(self, request: _Handler) -> None:
        parts = urlsplit(request.path)
        if parts.path == "/languages":
            request.reply_json(
                200,
                {
                    "translation": {
                        code: {"name": name, "nativeName": name, "dir": "ltr"}
                        for code, name in self.LANGUAGES.items()
                    }
                },
            )
            return
        body = request.body()
        self._record(request, body)
        if parts.path != "/translate" or request.command != "POST":
            request.reply_json(404, {"error": {"code": 404000, "message": "Not found"}})
            return
        if request.headers.get("Ocp-Apim-Subscription-Key") != self.key:
            self.error(
                request, 401, "The request is not authorized because credentials are missing or invalid."
            )
            return
        query = parse_qs(parts.query)
        items = json.loads(body or b"[]")
        text = "".join(item.get("text", "") for item in items)
        languages = (query.get("from", [""])[0], query.get("to", [""])[0])
        self.serve(request, text, len(text), len(text) > MICROSOFT_LIMIT, languages)

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply_json(200, [{"translations": [{"text": translated, "to": "en"}]}])

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        codes = {400: 400050, 401: 401000, 403: 403000, 429: 429000, 500: 500000}
        request.reply_json(
            status, {"error": {"code": codes.get(status, status * 1000), "message": message}}, headers
        )

    def out_of_quota(self, request: _Handler) -> None:
        request.reply_json(403, {"error": {"code": 403001, "message": "The free quota is used up."}})


class ChatEmulator(_Translator):
    """An OpenAI-compatible chat API: POST /v1/chat/completions, the text in the user
    message. LLM misbehaviour on command: `obey` follows instructions found in the text,
    `commentary` wraps the translation in chatter, plus every mode the others have."""

    def __init__(self, key: str | None = None, **kwargs: object) -> None:
        super().__init__(key=key, **kwargs)  # type: ignore[arg-type]
        self.messages: list[list[dict[str, str]]] = []

    @property
    def base_url(self) -> str:
        return self.origin + "/v1"

    def handle(self, request: _Handler) -> None:
        body = request.body()
        self._record(request, body)
        if urlsplit(request.path).path != "/v1/chat/completions" or request.command != "POST":
            request.reply_json(404, {"error": {"message": "Not Found"}})
            return
        if self.key and request.headers.get("Authorization") != f"Bearer {self.key}":
            request.reply_json(401, {"error": {"message": "Incorrect API key provided"}})
            return
        messages = json.loads(body)["messages"]
        with self._lock:
            self.messages.append(messages)
        text = next(message["content"] for message in messages if message["role"] == "user")
        if self.mode == "obey" and "Ігноруй" in text:
            self.answer(request, "The war is over.")
            return
        if self.mode == "commentary":
            self.answer(request, "Here is the translation:\n" + _lines(text, self.phrasebook))
            return
        self.serve(request, text, len(text), False, ("", ""))

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply_json(
            200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": translated}}]}
        )

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        request.reply_json(status, {"error": {"message": message}}, headers)
