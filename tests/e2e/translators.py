"""Emulations of the translation services on 127.0.0.1, each as deep-translator talks to it,
with bad behaviour switchable at run time.

- GoogleEmulator: Google's mobile page (GET /m?sl&tl&q, the answer in an HTML page;
  newlines always collapse; URLs over 16 KiB get 400).
- DeepLEmulator: DeepL's POST /v2/translate (key in the Authorization header; bodies
  over 128 KiB get 413; quota 456) and its v2 glossaries.
- LibreEmulator: LibreTranslate's POST /translate and GET /frontend/settings (its
  character limit; longer texts get 400).
- MyMemoryEmulator: MyMemory's GET /get (500 bytes at most; quota warnings in a 200).
- MicrosoftEmulator: Microsoft's POST /translate and GET /languages (50,000 characters).
- ChatEmulator: an OpenAI-compatible POST /v1/chat/completions, with a model's misbehaviour.

`mode` switches behaviour for every later request: "ok", "error500", "429", "stall",
"empty", "error_page" (an HTML page with status 200), "identity" (the text back),
"quota", "auth" (the key refused), "error400", "collapse" (newlines collapsed), "drop_markers",
"mangle_markers", "swap_markers", "merge_markers", and the bad translations the quality gate
is for: "loop" (the answer followed by one phrase over and over), "partial" (only the first
half of each paragraph translated, the rest left in Cyrillic), "short" ("OK." for any
text), "mangle_terms" (the term placeholders [[T1]], [[T2]]... dropped from the answer).
`fail_next` answers that many 500s first, `throttle_next` that many 429s with
Retry-After: 1, `bad_next` that many answers in `bad_mode` (then `mode` again). Requests
over the service's limit are always refused, counted in `rejected`. `poison` (a word) and
`poison_mode` misbehave only for texts holding that word, so that one article of a run fails.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import html
import io
import json
import re
import threading
import time
import uuid
from typing import ClassVar
from urllib.parse import parse_qs, quote_plus, urlsplit

from servers import _Concurrency, _Handler, _Local

URL_LIMIT = 16 * 1024  # Google answers 400 to longer request URLs (shared/NOTES.md)
DEEPL_LIMIT = 128 * 1024  # DeepL's total request size
MYMEMORY_LIMIT = 500  # bytes of q
MICROSOFT_LIMIT = 50_000  # characters per request
LOOP_PHRASE = "and the shelling continued"
LOOP_TIMES = 12
REFUSAL = "I'm sorry, but I can't help with that."

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
_PLACEHOLDER = re.compile(r"\[\[T\d+\]\]")


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


def apply_terms(text: str, terms: dict[str, str] | None) -> str:
    """Glossary entries (form -> English) written in place of those forms where they stand
    as whole words, longest first: what DeepL's glossary or an obedient model does."""
    if not terms:
        return text
    forms = "|".join(re.escape(form) for form in sorted(terms, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{forms})(?!\w)", lambda m: terms[m.group(0)], text)


def _lines(text: str, phrasebook: dict[str, str] | None) -> str:
    """A translation that keeps line breaks, as the JSON APIs do."""
    return "\n".join(emulate_translation(line, phrasebook) for line in text.split("\n"))


def _partly(text: str, phrasebook: dict[str, str] | None, collapse: bool) -> str:
    """Each paragraph of a packed text half translated: its second half left as it came."""
    parts = []
    for part in re.split(r"(\[\[\d+\]\])", text):
        words = part.split()
        half = (len(words) + 1) // 2
        parts.append(" ".join([emulate_translation(" ".join(words[:half]), phrasebook), *words[half:]]))
    return (" " if collapse else "\n").join(part for part in parts if part)


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
    if mode == "mangle_terms":
        return re.sub(r"[ \t]{2,}", " ", _PLACEHOLDER.sub("", answer)).strip()
    if mode == "loop":
        return answer + (" " + LOOP_PHRASE) * LOOP_TIMES
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
        self.bad_next = 0  # that many requests answered in bad_mode, then mode again
        self.bad_mode = "loop"
        self.throttle_next = 0
        self.throttled_at: list[float] = []
        # The requests a second it takes from one address (None: any): more within any
        # second are answered 429 (with capacity_retry_after as Retry-After, if set), as a
        # free endpoint does; counted in over_capacity.
        self.capacity: float | None = None
        self.capacity_retry_after: str | None = None
        self.over_capacity = 0
        self._accepted: collections.deque[float] = collections.deque()
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
            self.over_capacity = 0
            self.throttled_at.clear()
            self._accepted.clear()

    def seen(self, secret: str) -> bool:
        """Whether a secret ever appeared in a request's URL."""
        return any(secret in url or quote_plus(secret) in url for url in self.urls)

    def serve(
        self,
        request: _Handler,
        text: str,
        size: int,
        over: bool,
        languages: tuple[str, str],
        terms: dict[str, str] | None = None,
    ) -> None:
        """Answer one translation request of a parsed text; `terms` (form -> English): a
        glossary the request carries, honoured in the translation."""
        with self._lock:
            self.times.append(time.monotonic())
            self.sizes.append(size)
            self.rejected += over
            failing = self.fail_next > 0
            self.fail_next -= failing
            throttled = self.throttle_next > 0
            self.throttle_next -= throttled
            if not throttled and self.capacity is not None:
                now = self.times[-1]
                while self._accepted and self._accepted[0] <= now - 1.0:
                    self._accepted.popleft()
                throttled = len(self._accepted) >= self.capacity
                self.over_capacity += throttled
                if not throttled:
                    self._accepted.append(now)
            bad = self.bad_next > 0 and not (failing or throttled or over)
            self.bad_next -= bad
        if throttled:
            self.throttled_at.append(self.times[-1])
            retry_after = "1" if self.capacity is None else self.capacity_retry_after
            self.error(request, 429, "Too many requests", {"Retry-After": retry_after} if retry_after else {})
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
            mode = self.bad_mode if bad else mode
            self._answer(request, text, "error500" if failing else mode, terms)

    def _answer(self, request: _Handler, text: str, mode: str, terms: dict[str, str] | None = None) -> None:
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
        elif mode == "short":
            self.answer(request, "OK.")
        else:
            if mode == "stall":
                self.stopping.wait(self.stall_seconds)
            self.answer(request, _marks(self.translation(text, mode, terms), mode))

    def translation(self, text: str, mode: str = "ok", terms: dict[str, str] | None = None) -> str:
        """The emulated translation of a request's text, the glossary's terms in place."""
        text = apply_terms(text, terms)
        collapse = self.collapses or mode == "collapse"
        if mode == "partial":
            return _partly(text, self.phrasebook, collapse)
        return emulate_translation(text, self.phrasebook) if collapse else _lines(text, self.phrasebook)

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

    def _answer(self, request: _Handler, text: str, mode: str, terms: dict[str, str] | None = None) -> None:
        if mode in ("no_result", "captcha", "error_page"):
            request.reply(
                200,
                b"<html><body><form id='captcha'>Our systems have detected unusual traffic</form></body></html>",
            )
        else:
            super()._answer(request, text, mode, terms)

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
    """DeepL's API: POST /v2/translate with a form (or JSON) body and the key in a header,
    and its v2 glossaries: POST /v2/glossaries (JSON or form: name, source_lang, target_lang,
    entries, entries_format "tsv" or "csv") answers 201 with the glossary's description;
    GET /v2/glossaries lists them, GET and DELETE /v2/glossaries/{id} (and .../entries) as
    DeepL does. A translate request with `glossary_id` needs `source_lang` and the
    glossary's language pair (400 otherwise); its entries are written in place before the
    emulated translation. `refuse_glossaries` (a message): creation answers 400 with it.
    Glossaries live as long as the emulator, across runs. `hold_next` translate requests
    set `holding` and wait for `release`: another run can run while one is in flight."""

    def __init__(self, key: str = "deepl-test-key:fx", **kwargs: object) -> None:
        super().__init__(key=key, **kwargs)  # type: ignore[arg-type]
        self.glossaries: dict[str, dict[str, object]] = {}  # id -> description, as DeepL lists it
        self.entries: dict[str, dict[str, str]] = {}  # id -> {source: target}
        self.created = 0  # glossaries created
        self.refused = 0  # creations refused (refuse_glossaries)
        self.deleted = 0
        self.glossary_ids: list[str | None] = []  # each translate request's glossary_id
        self.refuse_glossaries: str | None = None
        self.hold_next = 0  # that many translate requests wait for `release` before they are answered
        self.holding = threading.Event()  # set when one does
        self.release = threading.Event()

    @property
    def with_glossary(self) -> int:
        """Translate requests that carried a glossary_id."""
        return sum(glossary is not None for glossary in self.glossary_ids)

    def handle(self, request: _Handler) -> None:
        body = request.body()
        self._record(request, body)
        path = urlsplit(request.path).path
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.key}":
            request.reply_json(403, {"message": "Authorization failure, check auth_key"})
            return
        if path == "/v2/glossaries" or path.startswith("/v2/glossaries/"):
            self._glossaries(request, path, _fields(request, body))
            return
        if path != "/v2/translate" or request.command != "POST":
            request.reply_json(404, {"message": "Not found"})
            return
        fields = _fields(request, body)
        text = fields.get("text", [""])[0]
        source, target = fields.get("source_lang", [""])[0], fields.get("target_lang", [""])[0]
        glossary = fields.get("glossary_id", [None])[0]
        with self._lock:
            self.glossary_ids.append(glossary)
        terms = None
        if glossary is not None:
            problem = self._unusable(glossary, source, target)
            if problem:
                self.error(request, 400, problem)
                return
            terms = self.entries[glossary]
        with self._lock:
            held = self.hold_next > 0
            self.hold_next -= held
        if held:  # a run caught in the middle of an article, for another to run meanwhile
            self.holding.set()
            self.release.wait(30)
        size = len(body) + sum(len(k) + len(v) + 4 for k, v in request.headers.items())
        self.serve(request, text, size, size > DEEPL_LIMIT, (source, target), terms)

    def _unusable(self, glossary: str, source: str, target: str) -> str | None:
        """Why DeepL would refuse a translation with this glossary, or None."""
        if not source:
            return "Value for 'source_lang' is required when using a glossary"
        described = self.glossaries.get(glossary)
        if described is None:
            return "Invalid glossary_id: the glossary does not exist"
        if (source.lower(), target.lower().partition("-")[0]) != (
            described["source_lang"],
            described["target_lang"],
        ):
            return "The language pair of the glossary does not match the language pair of the request"
        return None

    def _glossaries(self, request: _Handler, path: str, fields: dict[str, list[str]]) -> None:
        glossary, _, rest = path.removeprefix("/v2/glossaries").strip("/").partition("/")
        if not glossary:
            if request.command == "POST":
                self._create(request, fields)
            else:
                request.reply_json(200, {"glossaries": list(self.glossaries.values())})
            return
        if glossary not in self.glossaries:
            request.reply_json(404, {"message": "Glossary not found"})
        elif request.command == "DELETE" and not rest:
            with self._lock:
                del self.glossaries[glossary], self.entries[glossary]
                self.deleted += 1
            request.reply(204, b"", {"Content-Type": "application/json"})
        elif rest == "entries":
            tsv = "\n".join(f"{source}\t{target}" for source, target in self.entries[glossary].items())
            request.reply(200, tsv.encode(), {"Content-Type": "text/tab-separated-values; charset=utf-8"})
        elif not rest:
            request.reply_json(200, self.glossaries[glossary])
        else:
            request.reply_json(404, {"message": "Not found"})

    def _create(self, request: _Handler, fields: dict[str, list[str]]) -> None:
        values = {
            name: fields.get(name, [""])[0] for name in ("name", "source_lang", "target_lang", "entries")
        }
        missing = [name for name, value in values.items() if not value]
        if missing:
            self.error(request, 400, f"Missing or invalid argument: {missing[0]}")
            return
        if self.refuse_glossaries:
            with self._lock:
                self.refused += 1
            self.error(request, 400, self.refuse_glossaries)
            return
        entries, problem = _entries(values["entries"], fields.get("entries_format", ["tsv"])[0])
        if problem:
            self.error(request, 400, problem)
            return
        glossary = str(uuid.uuid4())
        described: dict[str, object] = {
            "glossary_id": glossary,
            "name": values["name"],
            "ready": True,
            "source_lang": values["source_lang"].lower(),
            "target_lang": values["target_lang"].lower().partition("-")[0],
            "creation_time": "2024-01-11T00:00:00.000000Z",
            "entry_count": len(entries),
        }
        with self._lock:
            self.glossaries[glossary], self.entries[glossary] = described, entries
            self.created += 1
        request.reply_json(201, described)

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


def _fields(request: _Handler, body: bytes) -> dict[str, list[str]]:
    """A request's fields, from a JSON or a form body (and the query), as lists of values."""
    fields = parse_qs(urlsplit(request.path).query, keep_blank_values=True)
    if request.headers.get("Content-Type", "").startswith("application/json"):
        try:
            value = json.loads(body or b"{}")
        except ValueError:
            return fields
        for name, item in value.items() if isinstance(value, dict) else ():
            fields[name] = [str(v) for v in item] if isinstance(item, list) else [str(item)]
    else:
        for name, values in parse_qs(body.decode(), keep_blank_values=True).items():
            fields.setdefault(name, []).extend(values)
    return fields


def _entries(text: str, entries_format: str) -> tuple[dict[str, str], str | None]:
    """A glossary's entries as DeepL reads them, or why DeepL refuses them: one entry a
    line, source and target separated by a tab (or a comma: csv); no empty side, no
    whitespace around a side, no source twice."""
    if entries_format not in ("tsv", "csv"):
        return {}, f"Invalid entries_format: {entries_format!r}"
    entries: dict[str, str] = {}
    rows = (
        csv.reader(io.StringIO(text))
        if entries_format == "csv"
        else (line.split("\t") for line in text.splitlines())
    )
    for number, row in enumerate(rows, 1):
        if not row or row == [""]:
            continue
        if len(row) != 2 or not all(row):
            return {}, f"Invalid glossary entries: line {number} is not 'source<sep>target'"
        source, target = row
        if source != source.strip() or target != target.strip():
            return {}, f"Invalid glossary entries: whitespace around an entry on line {number}"
        if source in entries:
            return {}, f"Invalid glossary entries: duplicate source entry {source!r} on line {number}"
        entries[source] = target
    if not entries:
        return {}, "Invalid glossary entries: no entry"
    return entries, None


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
    message. In "ok" mode it honours the system message's glossary block (the lines
    `form = English` after the line starting "Glossary (") as a good model does. LLM
    misbehaviour on command: `obey` follows instructions found in the text ("Ігноруй ..."),
    `commentary` wraps the translation in chatter, `refuse` answers with a refusal,
    `ignore_glossary` translates as if there were no glossary block, `drop_paragraph`
    leaves out the last marker and the paragraph after it, `loop` ends in one phrase over
    and over; plus every mode the others have. `messages`: every request's messages."""

    def __init__(self, key: str | None = None, **kwargs: object) -> None:
        super().__init__(key=key, **kwargs)  # type: ignore[arg-type]
        self.messages: list[list[dict[str, str]]] = []

    @property
    def base_url(self) -> str:
        return self.origin + "/v1"

    @property
    def systems(self) -> list[str]:
        """Every request's system message."""
        return [m["content"] for messages in self.messages for m in messages if m["role"] == "system"]

    @property
    def users(self) -> list[str]:
        """Every request's user message: the text it was asked to translate."""
        return [m["content"] for messages in self.messages for m in messages if m["role"] == "user"]

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
        system = "\n".join(message["content"] for message in messages if message["role"] == "system")
        self.serve(request, text, len(text), False, ("", ""), glossary_block(system))

    def _answer(self, request: _Handler, text: str, mode: str, terms: dict[str, str] | None = None) -> None:
        if mode == "obey" and "Ігноруй" in text:
            self.answer(request, "The war is over.")
        elif mode == "commentary":
            self.answer(request, "Here is the translation:\n" + self.translation(text, "ok", terms))
        elif mode == "refuse":
            self.answer(request, REFUSAL)
        elif mode == "ignore_glossary":
            super()._answer(request, text, "ok")
        elif mode == "drop_paragraph":
            marks = list(_MARKER.finditer(text))
            kept = text[: marks[-1].start()].rstrip() if marks else text
            self.answer(request, self.translation(kept, "ok", terms))
        else:
            super()._answer(request, text, "ok" if mode == "obey" else mode, terms)

    def answer(self, request: _Handler, translated: str) -> None:
        request.reply_json(
            200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": translated}}]}
        )

    def error(
        self, request: _Handler, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        request.reply_json(status, {"error": {"message": message}}, headers)


def glossary_block(system: str) -> dict[str, str]:
    """The glossary a system message gives (form -> English): the `form = English` lines
    after the line that starts "Glossary (", up to the first line that is not one."""
    terms: dict[str, str] = {}
    lines = iter(system.splitlines())
    for line in lines:
        if line.strip().startswith("Glossary ("):
            for entry in lines:
                form, equals, english = entry.partition(" = ")
                if not equals or not form.strip():
                    break
                terms[form.strip()] = english.strip()
            break
    return terms


@contextlib.contextmanager
def every_service(google, keys, libre_limit=2000):
    """Every engine's emulation but Google's (given), wanting the keys of `keys`
    (WARNEWS_DEEPL_KEY, WARNEWS_LIBRE_KEY, WARNEWS_MICROSOFT_KEY; Libre wants none without one)."""
    with (
        DeepLEmulator(key=keys["WARNEWS_DEEPL_KEY"]) as deepl,
        LibreEmulator(char_limit=libre_limit, key=keys.get("WARNEWS_LIBRE_KEY")) as libre,
        MyMemoryEmulator() as mymemory,
        MicrosoftEmulator(key=keys["WARNEWS_MICROSOFT_KEY"]) as microsoft,
    ):
        yield {"google": google, "deepl": deepl, "libre": libre, "mymemory": mymemory, "microsoft": microsoft}


def service_variables(services, keys):
    """Variables that point warnews at every emulation, with its keys set, unpaced (the
    rate limit has tests of its own)."""
    return {
        "WARNEWS_DEEPL_URL": services["deepl"].origin,
        "WARNEWS_LIBRE_URL": services["libre"].origin,
        "WARNEWS_MYMEMORY_URL": services["mymemory"].base_url,
        "WARNEWS_MICROSOFT_URL": services["microsoft"].origin,
        "WARNEWS_MICROSOFT_REGION": "westeurope",
        "WARNEWS_TRANSLATOR_RATE": "1000",
        "WARNEWS_TRANSLATOR_START": "1000",
        **keys,
    }
