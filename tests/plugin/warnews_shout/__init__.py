"""A warnews engine plugin, as another package would ship it: the Shout engine "translates"
Ukrainian deterministically (transliterated, in capitals) and needs a key, which it refuses
unless it starts with "good-" (so that a chain moves on to its next engine)."""

from __future__ import annotations

from typing import Any

from warnews.engines import Engine, EngineError, FailureKind, Limit, Setting, read_secret, read_text

_LATIN = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        "a b v h g d e ye zh z y i yi y k l m n o p r s t u f kh ts ch sh shch ' yu ya".split(),
        strict=True,
    )
)


class Shout(Engine):
    key = "shout"
    name = "Shout"
    limits = "1,000 characters per request"
    settings = (
        Setting("shout_key", read_secret, "Shout's API key.", "KEY", secret=True, required=True),
        Setting("shout_mark", read_text, "What ends each answer.", "TEXT", default="!"),
    )

    def limit(self, source: str, target: str) -> Limit:
        return Limit(4000, 1000)

    def _call(self, text: str, source: str, target: str) -> Any:
        if not str(self.setting("shout_key")).startswith("good-"):
            raise EngineError(self.name, FailureKind.AUTH, "the key is refused")
        latin = "".join(_LATIN.get(char.lower(), char) for char in text).upper()
        return latin + str(self.setting("shout_mark"))
