"""A LibreTranslate server (usually self-hosted), through deep-translator's LibreTranslator.

deep-translator's language table for LibreTranslate is years old (it has no Ukrainian),
so the pair is set directly and the server itself says what it supports. The text and
the optional key travel in a POST form, not in the URL. The server's own character
limit per request is read once from its /frontend/settings.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from .._errors import FetchError
from .._net import send_with_retries
from .._settings import Setting
from .._split import Limit
from . import Engine, read_optional_url, read_secret
from ._route import Call

DEFAULT_CHARS = 2000  # when the server does not say its limit
MAX_CHARS = 10_000  # even when it has none: one request stays a reasonable unit of work
MAX_BODY = 1024 * 1024
_NO_KEY = "-"  # deep-translator insists on a key; a keyless server gets none


class Libre(Engine):
    key = "libre"
    name = "LibreTranslate"
    limits = "the server's character limit per request (read from it; 2,000 if it does not say)"
    modules = ("deep_translator.libre",)
    settings = (
        Setting(
            "libre_url",
            read_optional_url,
            "LibreTranslate server, e.g. http://localhost:5000.",
            "URL",
            required=True,
            password=True,  # a server behind basic authentication: its password never shown
        ),
        Setting(
            "libre_key", read_secret, "LibreTranslate API key, if the server wants one.", "KEY", secret=True
        ),
    )
    _chars: int | None = None

    @property
    def _base_url(self) -> str:
        return str(self.setting("libre_url")).rstrip("/")

    def limit(self, source: str, target: str) -> Limit:
        with self._lock:
            if self._chars is None:
                self._chars = self._server_limit()
        return Limit(MAX_BODY, self._chars)

    def _server_limit(self) -> int:
        try:
            request = self._client.build_request("GET", f"{self._base_url}/frontend/settings")
            answer = send_with_retries(self._client, request, 0)  # bounded like every translator call
            limit = int(json.loads(answer.text).get("charLimit", -1)) if answer.status == 200 else 0
        except (httpx.HTTPError, FetchError, ValueError, AttributeError, TypeError):  # an old or odd server
            return DEFAULT_CHARS
        if limit <= 0:
            return MAX_CHARS if answer.status == 200 else DEFAULT_CHARS
        return min(limit, MAX_CHARS)

    def _reshape(self, call: Call) -> Call:
        fields = dict(call.params)
        if fields.get("api_key") == _NO_KEY:
            del fields["api_key"]
        return call.with_(params={}, data=fields)

    def _call(self, text: str, source: str, target: str) -> Any:
        from deep_translator import LibreTranslator

        translator = LibreTranslator(
            source="en",
            target="es",
            api_key=self.setting("libre_key") or _NO_KEY,
            custom_url=f"{self._base_url}/",
        )
        translator._source, translator._target = source, target
        return translator.translate(text)
