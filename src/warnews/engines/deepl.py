"""DeepL's API (free and pro), through deep-translator's DeeplTranslator.

deep-translator sends the key and the text in a GET query. warnews sends the same
fields as a POST form with the key in DeepL's Authorization header instead: the key
stays out of URLs (and so out of proxy logs and error messages), and the text is
limited only by DeepL's 128 KiB request size, not by a URL's length.

Glossary terms go through DeepL's glossaries: one per source language and glossary,
holding every inflected form of every term (DeepL matches entries as written), named by a
digest of its entries so that the next run finds it (GET /v2/glossaries) instead of
making another; when the glossary changes, warnews's glossaries of the older one for the
same language pair are deleted once the new one is made. When DeepL refuses to make one,
the terms are protected in the text instead, as for other engines, for the rest of the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

from .._errors import EngineError, FailureKind
from .._glossary import Glossary, forms
from .._settings import Setting
from .._split import Limit
from .._translate import PLACEHOLDER
from . import Engine, read_optional_url, read_secret
from ._route import STAND_IN, Call

FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"
MAX_REQUEST = 128 * 1024  # DeepL's documented total request size


class DeepL(Engine):
    key = "deepl"
    name = "DeepL"
    limits = "request body up to 128 KiB; 500,000 characters a month on the free plan"
    glossary = "a DeepL glossary of every form of every term (terms protected if DeepL refuses one)"
    modules = ("deep_translator.deepl",)
    settings = (
        Setting(
            "deepl_key",
            read_secret,
            "DeepL API key (free keys end in :fx).",
            "KEY",
            secret=True,
            required=True,
        ),
        Setting("deepl_url", read_optional_url, "DeepL endpoint; default: by the key's plan.", "URL"),
    )

    @property
    def _api_key(self) -> str:
        return str(self.setting("deepl_key"))

    @property
    def _base_url(self) -> str:
        # Free-plan keys end in ":fx" and work only on the free endpoint.
        default = FREE_URL if self._api_key.endswith(":fx") else PRO_URL
        return str(self.setting("deepl_url") or default).rstrip("/")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._glossary: Glossary | None = None
        self._made: dict[tuple[str, str], str | None] = {}  # language pair -> glossary id; None: refused
        self._making = threading.Lock()

    def limit(self, source: str, target: str) -> Limit:
        # Room for the other form fields and the headers' share, with a margin.
        return Limit(MAX_REQUEST - 1024, MAX_REQUEST)

    def use_glossary(self, glossary: Glossary | None) -> None:
        """The run's glossary: what its DeepL glossaries hold."""
        self._glossary = glossary

    def takes_glossary(self, source: str, target: str) -> bool:
        return self._glossary is not None and self._made.get((source, target), "") is not None

    def _reshape(self, call: Call) -> Call:
        if "auth_key" not in call.params:  # warnews's own call, already as DeepL wants it
            return call
        fields = {name: value for name, value in call.params.items() if name != "auth_key"}
        headers = {**call.headers, "Authorization": f"DeepL-Auth-Key {self._api_key}"}
        return call.with_(method="POST", params={}, data=fields, headers=headers)

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import DeeplTranslator

        translator = DeeplTranslator(source=source, target=target, api_key=self._api_key)
        translator._base_url = f"{self._base_url}/v2/"
        return translator.translate(text)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self._api_key}"}

    def _call_glossary(self, text: str, source: str, target: str, terms: Sequence[tuple[str, str]]) -> Any:
        for attempt in range(2):
            glossary_id = self._glossary_id(source, target)
            if glossary_id is None:  # refused: the terms protected in the text instead
                return _protected(text, terms, lambda protected: self._call(protected, source, target))
            fields = {
                "text": text,
                "source_lang": source.upper(),
                "target_lang": target.upper(),
                "glossary_id": glossary_id,
            }
            answer = STAND_IN.post(f"{self._base_url}/v2/translate", data=fields, headers=self._headers())
            if answer.status_code in (400, 404) and not attempt:
                # Deleted meanwhile (a run with another glossary file replaced it): made again.
                with self._making:
                    if self._made.get((source, target)) == glossary_id:
                        del self._made[source, target]
                continue
            break
        if answer.status_code >= 400:
            raise _Refused(answer.status_code)
        try:
            return json.loads(answer.text)["translations"][0]["text"]
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            raise EngineError(self.name, FailureKind.BAD_ANSWER, "its answer holds no translation") from None

    def _glossary_id(self, source: str, target: str) -> str | None:
        """The id of this run's glossary for the language pair, found or made once."""
        with self._making:
            if (source, target) in self._made:
                return self._made[source, target]
            entries = _entries(self._glossary, source)
            name = "warnews-" + hashlib.sha256(f"{source}\n{target}\n{entries}".encode()).hexdigest()[:16]
            listed = STAND_IN.get(f"{self._base_url}/v2/glossaries", headers=self._headers())
            if listed.status_code >= 400:
                raise _Refused(listed.status_code)
            listing = self._answer(listed.text, "glossaries")
            known = (
                [glossary for glossary in listing if isinstance(glossary, dict)]
                if isinstance(listing, list)
                else []
            )
            for glossary in known:
                if glossary.get("name") == name and glossary.get("ready", True):
                    self._made[source, target] = str(glossary["glossary_id"])
                    return self._made[source, target]
            body = {
                "name": name,
                "source_lang": source,
                "target_lang": target,
                "entries": entries,
                "entries_format": "tsv",
            }
            made = STAND_IN.post(f"{self._base_url}/v2/glossaries", json=body, headers=self._headers())
            if made.status_code in (401, 403, 429, 456) or made.status_code >= 500:
                raise _Refused(made.status_code)
            if made.status_code >= 400:  # the language pair or the entries: placeholders instead
                _log.info(
                    "DeepL refused a glossary (HTTP %d): terms are protected in the text", made.status_code
                )
                self._made[source, target] = None
                return None
            self._made[source, target] = str(self._answer(made.text, "glossary_id"))
            for glossary in known:  # warnews's glossaries of an older glossary file: gone
                if (
                    str(glossary.get("name", "")).startswith("warnews-")
                    and str(glossary.get("source_lang", "")).lower() == source.lower()
                    and str(glossary.get("target_lang", "")).lower() == target.lower()
                ):
                    with contextlib.suppress(EngineError):  # left behind: harmless, tried again next time
                        STAND_IN.delete(
                            f"{self._base_url}/v2/glossaries/{glossary.get('glossary_id')}",
                            headers=self._headers(),
                        )
            return self._made[source, target]

    def _answer(self, text: str, key: str) -> Any:
        """A field of a glossary endpoint's JSON answer; an answer without it is DeepL's failure."""
        try:
            answer = json.loads(text)
            if not isinstance(answer, dict) or key not in answer:
                raise ValueError
            return answer[key]
        except (ValueError, RecursionError):
            raise EngineError(
                self.name, FailureKind.BAD_ANSWER, f"its glossary answer holds no {key}"
            ) from None

    def _engines_own(self, error: Exception) -> bool:
        return isinstance(error, _Refused) or super()._engines_own(error)


class _Refused(Exception):
    """The API answered with an error status: Engine._failure says which kind."""


_log = logging.getLogger("warnews")


def _entries(glossary: Glossary | None, source: str) -> str:
    """Every form of every term, one `form<TAB>English` line each; a form two terms share
    is the first's."""
    lines: dict[str, str] = {}
    for term in glossary.terms if glossary else ():
        for form in forms(term, source):
            lines.setdefault(form, term.english)
    return "\n".join(f"{form}\t{english}" for form, english in lines.items())


def _protected(text: str, terms: Sequence[tuple[str, str]], call: Any) -> str:
    """Translate text with its terms behind placeholders, their English put in after, as
    the translate stage does for other engines; placeholders lost, once more with the
    English written in."""
    ordered = sorted(dict.fromkeys(terms), key=lambda term: -len(term[0]))
    after = max((int(number) for number in PLACEHOLDER.findall(text)), default=0)  # the text's own
    protected, english = text, {}
    for number, (form, meaning) in enumerate(ordered, after + 1):
        protected = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", f"[[T{number}]]", protected)
        english[number] = meaning
    answer = call(protected)
    if not isinstance(answer, str):
        raise EngineError("DeepL", FailureKind.BAD_ANSWER, "its answer holds no translation")
    if sorted(PLACEHOLDER.findall(answer)) != sorted(PLACEHOLDER.findall(protected)):
        return str(
            call(PLACEHOLDER.sub(lambda match: english.get(int(match.group(1)), match.group()), protected))
        )
    return PLACEHOLDER.sub(lambda match: english.get(int(match.group(1)), match.group()), answer)
