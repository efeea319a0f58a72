"""Microsoft's Translator (Azure AI), through deep-translator's MicrosoftTranslator.

deep-translator asks Microsoft for its language list whenever a translator is made, so
one is made per language pair and kept. The key and region travel in headers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .._errors import EngineError, FailureKind
from .._settings import Setting
from .._split import Limit
from . import Engine, read_optional_url, read_secret, read_text
from ._route import Call, Route

URL = "https://api.cognitive.microsofttranslator.com"
MAX_CHARS = 50_000  # per request, documented


class Microsoft(Engine):
    key = "microsoft"
    name = "Microsoft"
    limits = "50,000 characters per request"
    modules = ("deep_translator.microsoft",)
    settings = (
        Setting("microsoft_key", read_secret, "Microsoft Translator key.", "KEY", secret=True, required=True),
        Setting("microsoft_region", read_text, "Microsoft Translator region.", "REGION"),
        Setting("microsoft_url", read_optional_url, "Microsoft Translator endpoint.", "URL"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._translators: dict[tuple[str, str], Any] = {}

    def limit(self, source: str, target: str) -> Limit:
        return Limit(4 * MAX_CHARS, MAX_CHARS, "utf-8")

    def _reshape(self, call: Call) -> Call:
        base = self.setting("microsoft_url")
        if not base:
            return call
        default = urlsplit(URL)
        parts = urlsplit(call.url)
        if parts.netloc != default.netloc:
            return call
        return call.with_(url=base.rstrip("/") + call.url[len(f"{parts.scheme}://{parts.netloc}") :])

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import MicrosoftTranslator

        with self._lock:
            translator = self._translators.get((source, target))
        if translator is None:
            translator = MicrosoftTranslator(
                source=source,
                target=target,
                api_key=self.setting("microsoft_key"),
                region=self.setting("microsoft_region"),
            )
            with self._lock:
                self._translators[(source, target)] = translator
        return translator.translate(text)

    def _failure(self, error: Exception, route: Route, source: str, target: str) -> EngineError:
        if route.last_status == 403 and "403001" in route.last_text:
            return EngineError(self.name, FailureKind.QUOTA, "out of quota (403001)")
        return super()._failure(error, route, source, target)
