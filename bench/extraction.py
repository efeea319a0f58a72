"""warnews's article extraction beside trafilatura alone, on real saved news pages.

    python bench/extraction.py [--page ID] [--json] [--data DIR]

Reads the evaluation set in bench/data/extraction (labels.json and one gzipped page per
entry; README.md there says where each page comes from and under which licence), checks
its labels, then runs over every page, in one process:

- trafilatura alone: `trafilatura.bare_extraction(html, url=url, with_metadata=True)`,
  its title, its date and its text;
- warnews: `warnews._extract.extract` on the page's bytes with the page's crawl time (when
  the set knows it), then what earlier pages of its site taught (a state in a temporary
  folder, pages read in the set's order, as a run reads them): the article's title, date
  and paragraphs (`warnews_extract`).

It prints, for each page and then in all, four figures: body sentences kept (the labelled
`keep` strings found in the body), boilerplate kept out (the labelled `drop` strings found
in neither title nor body), titles right and dates right. Both sides are normalized the
same way before matching (NFKC, quotes, dashes and whitespace unified, case folded).
`--page ID` shows that page's misses: the keep strings missed, the drop strings that got
in, the titles and dates found. `--json` prints the same figures for a script.

Labels are checked first: every keep and drop string must occur in the page's text (tags
removed, same normalization); a label that does not is an error naming the page and the
string (exit 2). It exits 1 when warnews is not ahead of trafilatura alone on every row
(ahead, or both at 100%), the issue's bar.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "extraction"

KEEP_RANGE = (4, 8)
DROP_RANGE = (3, 10)
LANGUAGES = ("uk", "ru")
SOURCE_FIELDS = ("repo", "path", "commit", "licence")
ROWS = ("body sentences kept", "boilerplate kept out", "titles right", "dates right")

_QUOTES = str.maketrans(
    {
        **dict.fromkeys("«»„“”‟″〝〞＂", '"'),
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("‐‑‒–—―−⁃", "-"),
    }
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
# Elements whose text runs into its neighbours' (no space is implied around them).
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup"
    " time u var wbr".split()
)
_HIDDEN = frozenset(("script", "style", "noscript", "template"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def normalize(text: str) -> str:
    """The form both sides of every comparison take: NFKC, one kind of quote and dash, one
    space for any run of whitespace, no invisible characters, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The page's text with its tags removed (scripts and styles left out), normalized."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return normalize("".join(parser.parts))


def decode_page(data: bytes) -> str:
    """The page as text, in the charset it declares (UTF-8 when it declares none)."""
    found = _CHARSET.search(data[:8192])
    charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    site: str
    file: str
    language: str
    crawled: str | None
    title: str
    date: str
    keep: tuple[str, ...]
    drop: tuple[str, ...]
    source: dict[str, str] = field(compare=False)
    folder: Path = field(compare=False, default=DATA)

    def data(self) -> bytes:
        return gzip.decompress((self.folder / self.file).read_bytes())

    def html(self) -> str:
        return decode_page(self.data())


def load_pages(folder: Path = DATA) -> list[Page]:
    entries = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return [
        Page(
            id=entry["id"],
            url=entry["url"],
            site=entry.get("site") or (urlsplit(entry["url"]).hostname or "").removeprefix("www."),
            file=entry["file"],
            language=entry["language"],
            crawled=entry.get("crawled"),
            title=entry["title"],
            date=entry["date"],
            keep=tuple(entry["keep"]),
            drop=tuple(entry["drop"]),
            source=entry["source"],
            folder=folder,
        )
        for entry in entries
    ]


def _fields_errors(page: Page) -> Iterable[str]:
    if page.language not in LANGUAGES:
        yield f"language {page.language!r} is not one of {LANGUAGES}"
    if not KEEP_RANGE[0] <= len(page.keep) <= KEEP_RANGE[1]:
        yield f"{len(page.keep)} keep strings, not {KEEP_RANGE[0]}-{KEEP_RANGE[1]}"
    if not DROP_RANGE[0] <= len(page.drop) <= DROP_RANGE[1]:
        yield f"{len(page.drop)} drop strings, not {DROP_RANGE[0]}-{DROP_RANGE[1]}"
    missing = [name for name in SOURCE_FIELDS if not page.source.get(name)]
    if missing:
        yield f"source lacks {', '.join(missing)}"
    try:
        date.fromisoformat(page.date)
    except (TypeError, ValueError):
        yield f"date {page.date!r} is not an ISO date"
    if page.crawled is not None:
        try:
            crawled = datetime.fromisoformat(page.crawled)
        except ValueError:
            yield f"crawled {page.crawled!r} is not an ISO datetime"
        else:
            if crawled.tzinfo is None:
                yield f"crawled {page.crawled!r} has no UTC offset"
            elif page.date > crawled.date().isoformat():
                yield f"date {page.date} is after the crawl ({page.crawled})"
    if not normalize(page.title):
        yield "empty title"


def validate(pages: Sequence[Page]) -> list[str]:
    """Every way the labels are wrong, one line each naming the page (and the string)."""
    errors: list[str] = []
    seen: set[str] = set()
    for page in pages:
        if page.id in seen:
            errors.append(f"{page.id}: the id is used twice")
        seen.add(page.id)
        errors.extend(f"{page.id}: {error}" for error in _fields_errors(page))
        try:
            text = page_text(page.html())
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            errors.append(f"{page.id}: cannot read {page.file}: {error}")
            continue
        if normalize(page.title) not in text:
            errors.append(f"{page.id}: the title is not in the page: {page.title!r}")
        for kind, strings in (("keep", page.keep), ("drop", page.drop)):
            for string in strings:
                if not normalize(string):
                    errors.append(f"{page.id}: an empty {kind} string")
                elif normalize(string) not in text:
                    errors.append(f"{page.id}: {kind} string not in the page: {string!r}")
        for string in page.drop:
            inside = [keep for keep in page.keep if normalize(string) in normalize(keep)]
            if normalize(string) and inside:
                errors.append(f"{page.id}: drop string inside a keep string: {string!r}")
    return errors


@dataclass(frozen=True)
class Extraction:
    title: str | None
    date: str | None
    paragraphs: tuple[str, ...]
    error: str | None = None


def trafilatura_extract(page: Page) -> Extraction:
    """trafilatura alone, as a script would call it."""
    import trafilatura

    document = trafilatura.bare_extraction(page.html(), url=page.url, with_metadata=True)
    if document is None:
        return Extraction(None, None, (), "trafilatura found nothing")
    text = getattr(document, "text", None) or ""
    stated = getattr(document, "date", None)
    return Extraction(
        getattr(document, "title", None),
        stated[:10] if stated else None,
        tuple(line for line in text.split("\n") if line.strip()),
    )


class Learned:
    """What the set's earlier pages of a site taught, as a run's state keeps it (a State
    in a temporary folder): pages are read in the set's order, each an article of its own."""

    def __init__(self) -> None:
        import tempfile

        from warnews._state import State

        self._folder = tempfile.TemporaryDirectory(prefix="warnews-bench-")
        self.state = State(Path(self._folder.name) / "state.sqlite3")
        self.articles: dict[str, int] = {}

    def article_id(self, page: Page) -> int:
        return self.articles.setdefault(page.id, len(self.articles) + 1)

    def close(self) -> None:
        self.state.close()
        self._folder.cleanup()


LEARNED: list[Learned] = []  # the run's, made when warnews reads its first page


def warnews_extract(page: Page) -> Extraction:
    """warnews on the page's bytes as a run would read them: with the fetch time
    (`page.crawled`) and what earlier pages of the same site taught (site-learned
    boilerplate, see Learned). The one place to hand warnews what it knows in a run."""
    from warnews._errors import ExtractError
    from warnews._extract import drop_recurring, extract, paragraph_key, republished
    from warnews._state import site

    fetched = datetime.fromisoformat(page.crawled) if page.crawled else None
    try:
        article = extract(page.data(), "text/html", None, page.url, page.file, fetched)
    except ExtractError as error:
        return Extraction(None, None, (), str(error))
    if not LEARNED:
        LEARNED.append(Learned())
    learned = LEARNED[0]
    recurring = learned.state.boilerplate(
        site(page.url),
        learned.article_id(page),
        map(paragraph_key, article.paragraphs),
        lambda recurring: republished(article, recurring),
    )
    article = drop_recurring(article, recurring)
    published = article.published.isoformat() if article.published else None
    return Extraction(article.title, published, tuple(article.paragraphs))


@dataclass(frozen=True)
class Score:
    kept: int
    keep_total: int
    out: int
    drop_total: int
    title_right: bool
    date_right: bool
    missed: tuple[str, ...]
    leaked: tuple[str, ...]
    title: str | None
    date: str | None
    error: str | None

    def counts(self) -> tuple[tuple[int, int], ...]:
        """(right, of) for each row of ROWS."""
        return (
            (self.kept, self.keep_total),
            (self.out, self.drop_total),
            (int(self.title_right), 1),
            (int(self.date_right), 1),
        )


def score(page: Page, found: Extraction) -> Score:
    body = normalize("\n".join(found.paragraphs))
    everything = normalize("\n".join((found.title or "", *found.paragraphs)))
    missed = tuple(string for string in page.keep if normalize(string) not in body)
    leaked = tuple(string for string in page.drop if normalize(string) in everything)
    return Score(
        kept=len(page.keep) - len(missed),
        keep_total=len(page.keep),
        out=len(page.drop) - len(leaked),
        drop_total=len(page.drop),
        title_right=found.title is not None and normalize(found.title) == normalize(page.title),
        date_right=found.date == page.date,
        missed=missed,
        leaked=leaked,
        title=found.title,
        date=found.date,
        error=found.error,
    )


EXTRACTORS: dict[str, Callable[[Page], Extraction]] = {
    "trafilatura": trafilatura_extract,
    "warnews": warnews_extract,
}


def totals(scores: Iterable[Score]) -> list[tuple[int, int]]:
    sums = [[0, 0] for _ in ROWS]
    for one in scores:
        for total, (right, of) in zip(sums, one.counts(), strict=True):
            total[0] += right
            total[1] += of
    return [(right, of) for right, of in sums]


def _percent(right: int, of: int) -> float:
    return 100.0 * right / of if of else 0.0


def ahead(ours: tuple[int, int], theirs: tuple[int, int]) -> bool:
    """warnews ahead on a row, or both at 100%."""
    mine, other = _percent(*ours), _percent(*theirs)
    return mine > other or mine == other == 100.0


def _mark(right: bool) -> str:
    return "ok" if right else "--"


def print_pages(pages: Sequence[Page], results: dict[str, dict[str, Score]]) -> None:
    print(f"{'page':<14} {'site':<15} {'lang':<4} | {'trafilatura alone':<23} | warnews")
    columns = f"{'kept':>5} {'out':>5} {'title':>5} {'date':>5}"
    print(f"{'':<14} {'':<15} {'':<4} | {columns} | {columns}")
    for page in pages:
        cells = []
        for name in EXTRACTORS:
            one = results[page.id][name]
            cells.append(
                f"{one.kept:>2}/{one.keep_total:<2} {one.out:>2}/{one.drop_total:<2}"
                f" {_mark(one.title_right):>5} {_mark(one.date_right):>5}"
            )
        print(f"{page.id:<14} {page.site:<15} {page.language:<4} | {cells[0]} | {cells[1]}")


def print_summary(sums: dict[str, list[tuple[int, int]]]) -> None:
    print()
    print(f"{'':<22} {'trafilatura alone':>19} {'warnews':>19} {'difference':>18}")
    for row, theirs, ours in zip(ROWS, sums["trafilatura"], sums["warnews"], strict=True):
        difference = _percent(*ours) - _percent(*theirs)
        print(
            f"{row:<22} {theirs[0]:>5}/{theirs[1]:<4} {_percent(*theirs):5.1f}%"
            f" {ours[0]:>5}/{ours[1]:<4} {_percent(*ours):5.1f}%"
            f" {ours[0] - theirs[0]:>+5} {difference:>+6.1f} pts"
        )


def print_misses(page: Page, scores: dict[str, Score]) -> None:
    print(f"{page.id}  {page.url}")
    print(f"  labelled title: {page.title}")
    print(f"  labelled date:  {page.date}")
    for name, one in scores.items():
        print(f"\n{name}:")
        if one.error:
            print(f"  error: {one.error}")
        print(f"  title {_mark(one.title_right)}: {one.title}")
        print(f"  date  {_mark(one.date_right)}: {one.date}")
        print(f"  body sentences missed ({len(one.missed)} of {one.keep_total}):")
        for string in one.missed:
            print(f"    - {string}")
        print(f"  boilerplate that got in ({len(one.leaked)} of {one.drop_total}):")
        for string in one.leaked:
            print(f"    + {string}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the set's folder")
    parser.add_argument("--page", metavar="ID", help="show one page's misses")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    pages = load_pages(args.data)
    errors = validate(pages)
    if errors:
        print("invalid labels:", *errors, sep="\n  ", file=sys.stderr)
        return 2
    if args.page is not None:
        chosen = [page for page in pages if page.id == args.page]
        if not chosen:
            known = ", ".join(page.id for page in pages)
            parser.error(f"no page {args.page!r} in the set (pages: {known})")
        pages = chosen

    try:
        results = {
            page.id: {name: score(page, run(page)) for name, run in EXTRACTORS.items()} for page in pages
        }
    finally:
        while LEARNED:
            LEARNED.pop().close()
    sums = {name: totals(results[page.id][name] for page in pages) for name in EXTRACTORS}
    verdict = all(
        ahead(ours, theirs) for ours, theirs in zip(sums["warnews"], sums["trafilatura"], strict=True)
    )

    if args.json:
        print(
            json.dumps(
                {
                    "pages": {
                        page.id: {name: asdict(one) for name, one in results[page.id].items()}
                        for page in pages
                    },
                    "summary": {
                        name: {
                            row: {"right": right, "of": of}
                            for row, (right, of) in zip(ROWS, rows, strict=True)
                        }
                        for name, rows in sums.items()
                    },
                    "warnews_ahead": verdict,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif args.page is not None:
        print_misses(pages[0], results[pages[0].id])
    else:
        print_pages(pages, results)
        print_summary(sums)
        level = [
            row
            for row, ours, theirs in zip(ROWS, sums["warnews"], sums["trafilatura"], strict=True)
            if ours == theirs
        ]
        said = f" (level, both at 100%: {', '.join(level)})" if verdict and level else ""
        print(f"\n{len(pages)} pages; warnews {'is' if verdict else 'is not'} ahead on every row{said}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
