"""One exception family: every failure a user can cause or meet carries a message fit to print."""

from __future__ import annotations


class WarnewsError(Exception):
    """Base of every error warnews reports to a user (one line, no traceback).

    `permanent`: trying again cannot help (not a URL, a 404, a PDF); the state then never
    retries the article by itself.
    """

    permanent = False

    def __init__(self, *args: object, permanent: bool | None = None) -> None:
        super().__init__(*args)
        if permanent is not None:
            self.permanent = permanent


class UsageError(WarnewsError):
    """The command line or the environment asks for something impossible (exit 2)."""


class InputError(WarnewsError):
    """A local file or stdin cannot be read as an article."""


class FetchError(WarnewsError):
    """A URL could not be downloaded."""


class ExtractError(WarnewsError):
    """A page or file holds no article text."""


class DetectError(WarnewsError):
    """The source language could not be identified."""


class TranslateError(WarnewsError):
    """The translator failed or answered with something that is not a translation."""


class EngineError(TranslateError):
    """One engine could not translate a text; `kind` says whether another engine should take over.

    kinds: "quota" (out of quota), "auth" (key missing or refused), "throttled" (429 after
    its retries), "failing" (5xx, timeouts, broken connections), "rejected" (the request
    was refused: 400, 413, 414), "unsupported" (the language pair), "bad_answer" (empty,
    untranslated, an HTML page, lost paragraph marks).
    """

    def __init__(self, engine: str, kind: str, reason: str) -> None:
        super().__init__(f"{engine} failed: {reason}")
        self.engine, self.kind, self.reason = engine, kind, reason


class StoreError(WarnewsError):
    """The output could not be written."""


class Stopped(Exception):  # noqa: N818 - not an error: the run was asked to stop
    """SIGINT or SIGTERM: work in hand is abandoned before it writes anything."""
