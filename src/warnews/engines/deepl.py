"""DeepL's API (free and pro), through deep-translator's DeeplTranslator.

deep-translator sends the key and the text in a GET query. warnews sends the same
fields as a POST form with the key in DeepL's Authorization header instead: the key
stays out of URLs (and so out of proxy logs and error messages), and the text is
limited only by DeepL's 128 KiB request size, not by a URL's length.
"""

from __future__ import annotations

from typing import Any

from .._settings import Setting
from .._split import Limit
from . import Engine, read_optional_url, read_secret
from ._route import Call

FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"
MAX_REQUEST = 128 * 1024  # DeepL's documented total request size


class DeepL(Engine):
    key = "deepl"
    name = "DeepL"
    limits = "request body up to 128 KiB; 500,000 characters a month on the free plan"
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

    def limit(self, source: str, target: str) -> Limit:
        # Room for the other form fields and the headers' share, with a margin.
        return Limit(MAX_REQUEST - 1024, MAX_REQUEST)

    def _reshape(self, call: Call) -> Call:
        fields = {name: value for name, value in call.params.items() if name != "auth_key"}
        headers = {**call.headers, "Authorization": f"DeepL-Auth-Key {self._api_key}"}
        return call.with_(method="POST", params={}, data=fields, headers=headers)

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import DeeplTranslator

        translator = DeeplTranslator(source=source, target=target, api_key=self._api_key)
        translator._base_url = f"{self._base_url}/v2/"
        return translator.translate(text)
