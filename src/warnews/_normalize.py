"""Pure text normalization: what every saved line looks like.

NFC, LF line endings, single spaces, no invisible or control characters, no leading or
trailing spaces. Typographic quotes and dashes are content and are kept.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces that look like a space but are not one (NBSP, narrow NBSP, figure space, the
# typographic spaces, ideographic space) and tabs become one ordinary space.
_SPACE_LIKE = re.compile("[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n|\r|\u0085|\u2028|\u2029")
_SPACE_RUNS = re.compile(" {2,}")
_BLANK_LINE = re.compile(r"\n\s*\n")


def _is_invisible(char: str) -> bool:
    # Cc: control characters (escape sequences start here); Cf: format characters, which
    # cover zero-width spaces and joiners, the soft hyphen, BOMs and bidirectional
    # overrides; Cs: lone surrogates that could not be written as UTF-8.
    return char != "\n" and unicodedata.category(char) in {"Cc", "Cf", "Cs"}


def clean(text: str) -> str:
    """Normalize characters but keep line structure: LF endings, no invisible characters."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _SPACE_LIKE.sub(" ", text)
    text = "".join(char for char in text if not _is_invisible(char))
    return unicodedata.normalize("NFC", text)


def normalize_paragraph(text: str) -> str:
    """One paragraph on one line: clean characters, every whitespace run one space, stripped."""
    return " ".join(clean(text).split())


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into normalized paragraphs.

    Blank lines separate paragraphs and the lines of one paragraph (hard-wrapped text) are
    joined with a space. Text without any blank line between its lines is taken to hold
    one paragraph per line, as copied from a web page.
    """
    text = clean(text).strip("\n")
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    paragraphs = (normalize_paragraph(block) for block in blocks)
    return [paragraph for paragraph in paragraphs if paragraph]
