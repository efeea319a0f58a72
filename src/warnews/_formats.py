"""Pure rendering of a document in its output format (txt, md, html), and the check of
each format's promises before a file is written.

txt is _render.document: the provenance line, then the paragraphs. md and html add the
title and, bilingual, each source paragraph before its translation. Every text is
escaped for its format, so that news text never turns into markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ._normalize import normalize_paragraph
from ._render import HEADER, document, document_problem
from ._settings import FORMATS


def format_of(suffix: str) -> str | None:
    """The format of a file by its suffix (".md"), or None for another kind of file."""
    name = suffix.lstrip(".")
    return name if name in FORMATS else None


@dataclass(frozen=True)
class Content:
    """What a document shows, normalized: its provenance line, title and paragraphs, in
    `language`; bilingual, the source's too (source_paragraphs not None), each source
    paragraph before its translation."""

    header: str
    title: str | None
    paragraphs: tuple[str, ...]
    language: str
    link: str | None = None  # the source's http(s) address, shown on an html page
    source_title: str | None = None
    source_paragraphs: tuple[str, ...] | None = None
    source_language: str = ""

    @property
    def bilingual(self) -> bool:
        return self.source_paragraphs is not None


def render(format: str, content: Content) -> str:
    if format == "md":
        return markdown(content)
    if format == "html":
        return html_page(content)
    return document(content.header, list(content.paragraphs))


def problem(format: str, text: str, paragraphs: int, bilingual: bool = False) -> str | None:
    """Why text is not a `format` file the README promises, holding `paragraphs` body
    paragraphs (each after its source paragraph when bilingual), or None."""
    if format == "md":
        return markdown_problem(text, paragraphs, bilingual)
    if format == "html":
        return html_problem(text, paragraphs, bilingual)
    return document_problem(text, paragraphs)


# --- Markdown (CommonMark) ---

# Anywhere in a line: what opens emphasis, code, links, images, raw HTML and autolinks,
# GFM strikethrough, and the backslash itself. `&` only where it would start a character
# reference: "AT&T" stays as it is.
_MD_INLINE = re.compile(r"[\\`*_\[<~]|&(?=#?[A-Za-z0-9]+;)")
# At a paragraph's start: a heading, a block quote, a list item or a thematic break
# ("- ", "+ ", "---"), an ordered list item ("1945. ", "3) ").
_MD_BLOCK_START = re.compile(r"^(?:[#>]|[-+](?= |$)|-(?=-)|(?P<number>\d{1,9})[.)](?= |$))")
_MD_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape_markdown(text: str, heading: bool = False) -> str:
    """text (one normalized line) as CommonMark that renders exactly as text. In a heading
    every `#` is escaped: trailing ones would close it."""
    escaped = _MD_INLINE.sub(lambda match: "\\" + match[0], text)
    if heading:
        escaped = escaped.replace("#", "\\#")
    start = _MD_BLOCK_START.match(escaped)
    if start and not escaped.startswith("\\"):
        at = start.end() - 1 if start["number"] else 0  # "1945\. ", else "\# ", "\> ", "\- "
        escaped = f"{escaped[:at]}\\{escaped[at:]}"
    return escaped


def unescape_markdown(text: str) -> str:
    """escape_markdown's inverse: the text a line of it renders as."""
    return _MD_ESCAPED.sub(r"\1", text)


def markdown(content: Content) -> str:
    """`# Title`, the provenance line, the paragraphs, one blank line apart; bilingual, each
    source block quoted (`> `) before its translation, the title's too."""
    blocks = []
    sources = content.source_paragraphs
    title, source_title = (normalize_paragraph(text or "") for text in (content.title, content.source_title))
    if title:
        if source_title and sources is not None:
            blocks.append("> # " + escape_markdown(source_title, heading=True))
        blocks.append("# " + escape_markdown(title, heading=True))
    blocks.append(escape_markdown(normalize_paragraph(content.header)))
    for number, paragraph in enumerate(content.paragraphs):
        if sources is not None and number < len(sources):
            blocks.append("> " + escape_markdown(normalize_paragraph(sources[number])))
        blocks.append(escape_markdown(normalize_paragraph(paragraph)))
    return "\n\n".join(blocks) + "\n"


def _plain(block: str) -> bool:
    """A block that is one escaped, normalized, non-empty line of text."""
    text = unescape_markdown(block)
    return bool(text) and text == normalize_paragraph(text) and escape_markdown(text) == block


def _heading(block: str) -> bool:
    text = unescape_markdown(block)
    return bool(text) and text == normalize_paragraph(text) and escape_markdown(text, heading=True) == block


def markdown_problem(text: str, paragraphs: int, bilingual: bool = False) -> str | None:
    if not text.endswith("\n") or text.endswith("\n\n"):
        return "it does not end with exactly one newline"
    blocks = text[:-1].split("\n\n")
    if any("\n" in block for block in blocks):
        return "a paragraph spans several lines"
    if bilingual and blocks[0].startswith("> # "):
        if not _heading(blocks[0][4:]):
            return "its source title is empty or not escaped"
        blocks = blocks[1:]
        if not blocks or not blocks[0].startswith("# "):
            return "its source title has no translation"
    if blocks[0].startswith("# "):
        if not _heading(blocks[0][2:]):
            return "its title is empty or not escaped"
        blocks = blocks[1:]
    if not blocks or not _plain(blocks[0]) or not HEADER.match(unescape_markdown(blocks[0])):
        return "it has no provenance line after its title"
    body = blocks[1:]
    if bilingual:
        sources, body = body[0::2], body[1::2]
        if len(sources) != len(body) or not all(block.startswith("> ") for block in sources):
            return "its paragraphs are not source and translation in turn"
        for number, block in enumerate(sources, start=1):
            if not _plain(block[2:]):
                return f"source paragraph {number} is empty or not escaped"
    if len(body) != paragraphs:
        return f"it has {len(body)} paragraphs for {paragraphs} in the source"
    for number, block in enumerate(body, start=1):
        if not _plain(block):
            return f"paragraph {number} is empty, not normalized or not escaped"
    return None


# --- HTML ---

_STYLE = (
    "body{max-width:42em;margin:2em auto;padding:0 1em;font:1.1em/1.5 serif}"
    ".provenance,.link{color:#555;font-size:.9em}.original{color:#555;font-style:italic}"
)


def _lang(language: str) -> str:
    return f' lang="{html.escape(language)}"' if language else ""


def html_page(content: Content) -> str:
    """A standalone HTML5 page: no script, no external resource, every text escaped."""
    target = _lang(content.language)
    source = _lang(content.source_language)
    # Each translation says its language too when the page holds two.
    mine = target if content.bilingual else ""
    sources = content.source_paragraphs
    title = normalize_paragraph(content.title or "")
    lines = [
        "<!DOCTYPE html>",
        f"<html{target}>",
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title or normalize_paragraph(content.header))}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<article>",
    ]
    source_title = normalize_paragraph(content.source_title or "")
    if title:
        if source_title and sources is not None:
            lines.append(f'<p class="original title"{source}>{html.escape(source_title)}</p>')
        lines.append(f"<h1{mine}>{html.escape(title)}</h1>")
    lines.append(f'<p class="provenance">{html.escape(normalize_paragraph(content.header))}</p>')
    for number, paragraph in enumerate(content.paragraphs):
        if sources is not None and number < len(sources):
            lines.append(
                f'<p class="original"{source}>{html.escape(normalize_paragraph(sources[number]))}</p>'
            )
        lines.append(f"<p{mine}>{html.escape(normalize_paragraph(paragraph))}</p>")
    if content.link and re.match(r"https?://", content.link):
        link = html.escape(content.link)
        lines.append(f'<p class="link">Source: <a href="{link}">{link}</a></p>')
    lines += ["</article>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


_ALLOWED = frozenset({"html", "head", "meta", "title", "style", "body", "article", "h1", "p", "a"})
_VOID = frozenset({"meta"})


class _Reader(HTMLParser):
    """The elements of a page warnews wrote: each text-bearing one as (tag, attributes,
    text), and any element that should not be there."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[str] = []
        self.strange: list[str] = []
        self.language: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag not in _ALLOWED or any(name.startswith("on") for name in attributes):
            self.strange.append(tag)
        if tag == "html":
            self.language = attributes.get("lang")
        if tag in ("title", "h1", "p"):
            self.elements.append((tag, attributes, []))
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.strange.append(f"/{tag}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.elements and any(tag in ("title", "h1", "p") for tag in self.open):
            self.elements[-1][2].append(data)


def html_problem(text: str, paragraphs: int, bilingual: bool = False) -> str | None:
    if not text.endswith("\n") or text.endswith("\n\n"):
        return "it does not end with exactly one newline"
    if not text.startswith("<!DOCTYPE html>\n"):
        return "it does not start with <!DOCTYPE html>"
    reader = _Reader()
    reader.feed(text)
    reader.close()
    if reader.strange or reader.open:
        return f"it has unexpected or unclosed elements: {', '.join([*reader.strange, *reader.open][:3])}"
    if not reader.language:
        return "it does not say its language"
    found: dict[str, list[str]] = {}
    for tag, attributes, parts in reader.elements:
        kind = tag if tag != "p" else attributes.get("class", "paragraph").split()[0]
        found.setdefault(kind, []).append("".join(parts))
    for kind, texts in found.items():
        for number, words in enumerate(texts, start=1):
            if not words or words != normalize_paragraph(words):
                return f"its {kind} {number} is empty or not normalized"
    if len(found.get("title", [])) != 1 or len(found.get("h1", [])) > 1:
        return "it does not have one title and at most one h1"
    provenance = found.get("provenance", [])
    if len(provenance) != 1 or not HEADER.match(provenance[0]):
        return "it has no provenance line"
    body = found.get("paragraph", [])
    if len(body) != paragraphs:
        return f"it has {len(body)} paragraphs for {paragraphs} in the source"
    originals = len(found.get("original", [])) - (1 if found.get("h1") and bilingual else 0)
    if originals != (paragraphs if bilingual else 0):
        return f"it has {originals} source paragraphs for {paragraphs} translated"
    return None
