"""Documents and metadata for unit tests that need one without running the pipeline."""

from datetime import date

from warnews._detect import Detection
from warnews._model import Document, Metadata


def metadata(source_id="", sha256="sha", title=None, paragraphs=1, **changes):
    return Metadata(
        title=title,
        original_title=None,
        source=source_id or "-",
        url=None,
        canonical_url=None,
        published=None,
        published_from=None,
        made=date(2024, 1, 11),
        author=None,
        sitename=None,
        source_language="uk",
        source_language_name="Ukrainian",
        detection=Detection("uk", 1.0, "given"),
        source_encoding="utf-8",
        target_language="en",
        engine="Google",
        credit=None,
        paragraphs=paragraphs,
        source_id=source_id,
        source_sha256=sha256,
        **changes,
    )


def sample_document(text, paragraphs=None, **fields):
    """A Document of this exact text; `paragraphs`: what its metadata claims (default: the truth)."""
    body = tuple(text.split("\n\n")[1:])
    count = len(body) if paragraphs is None else paragraphs
    return Document(text, body, metadata(paragraphs=count, **fields))


def article_document(url):
    """A translated article of two paragraphs from url, as a run saves it."""
    from dataclasses import replace

    from warnews._render import document, header

    paragraphs = ["First paragraph.", "Second one."]
    meta = replace(metadata(url, sha256=url, title="Power restored", paragraphs=2), url=url)
    return Document(
        document(header(meta.made, None, "Ukrainian", "Google"), paragraphs), tuple(paragraphs), meta
    )
