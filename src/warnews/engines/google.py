"""Google Translate's free mobile page, through deep-translator's GoogleTranslator."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from .._settings import Setting
from .._split import Limit
from . import Engine, read_url

URL = "https://translate.google.com/m"
# The endpoint rejects request URLs over about 16 KiB (../shared/NOTES.md); stay a
# kilobyte under. deep-translator itself refuses 5,000 characters or more.
MAX_URL = 15 * 1024
MAX_CHARS = 4999


class Google(Engine):
    key = "google"
    name = "Google"
    limits = "request URL up to 15 KiB (the endpoint refuses ~16 KiB), under 5,000 characters"
    modules = ("deep_translator.google",)
    settings = (
        Setting(
            "google_url", read_url, "Google's endpoint (a mirror, or a local emulation).", "URL", default=URL
        ),
    )

    def _max_url(self) -> int:
        return MAX_URL

    def limit(self, source: str, target: str) -> Limit:
        overhead = len(f"{self.setting('google_url')}?{urlencode({'tl': target, 'sl': source, 'q': ''})}")
        return Limit(MAX_URL - overhead, MAX_CHARS)

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import GoogleTranslator

        translator = GoogleTranslator(source=source, target=target)
        translator._base_url = self.setting("google_url")
        return translator.translate(text)
