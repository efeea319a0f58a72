"""MyMemory's free API, through deep-translator's MyMemoryTranslator.

Keyless, with a small daily quota (an e-mail address raises it). When the quota is
spent MyMemory still answers 200, with a warning where the translation should be:
that is an out-of-quota failure, so a fallback chain moves on.
"""

from __future__ import annotations

import json
from typing import Any

from .._errors import EngineError, FailureKind
from .._languages import language_name
from .._redact import server_words
from .._settings import Setting
from .._split import Limit
from . import Engine, read_optional_url, read_secret
from ._route import Call, Route

URL = "https://api.mymemory.translated.net/get"


class MyMemory(Engine):
    key = "mymemory"
    name = "MyMemory"
    limits = "500 bytes of UTF-8 per request; 5,000 characters a day (50,000 with an e-mail)"
    modules = ("deep_translator.mymemory",)
    settings = (
        Setting("mymemory_email", read_secret, "E-mail for MyMemory's larger quota.", "EMAIL", secret=True),
        Setting("mymemory_url", read_optional_url, "MyMemory endpoint.", "URL"),
    )

    def limit(self, source: str, target: str) -> Limit:
        return Limit(500, 499, "utf-8")  # deep-translator also refuses 500 characters

    def _reshape(self, call: Call) -> Call:
        return call.with_(url=self.setting("mymemory_url") or URL)

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import MyMemoryTranslator

        # Its table maps names to regional codes (ukrainian -> uk-UA).
        translator = MyMemoryTranslator(
            source=_name(source), target=_name(target), email=self.setting("mymemory_email")
        )
        return translator.translate(text)

    def _check_answer(self, route: Route) -> None:
        try:
            answer = json.loads(route.last_text)
            status = int(answer.get("responseStatus", 200))
            text = str(answer.get("responseData", {}).get("translatedText", ""))
        except (ValueError, TypeError, AttributeError):
            return
        if text.upper().startswith("MYMEMORY WARNING") or status == 429:
            raise EngineError(self.name, FailureKind.QUOTA, "out of quota for today")
        if status != 200:
            detail = server_words(str(answer.get("responseDetails", "")), self.secret_values(), 100)
            raise EngineError(
                self.name, FailureKind.REJECTED, f"the request was refused ({status}: {detail})"
            )


def _name(code: str) -> str:
    from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

    name = language_name(code).lower()
    return name if name in MY_MEMORY_LANGUAGES_TO_CODES else code
