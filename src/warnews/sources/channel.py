"""A channel read over runs: its new posts (pages followed back to the newest one read
before), the gaps a run left, and older posts while the target wants them (the newest
feed_items posts, or every post since a day). Pure: pages come from a function given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .._errors import FetchError
from .preview import Page, changed
from .telegram import Post


@dataclass(frozen=True)
class Memory:
    """What the state remembers of a channel between runs."""

    newest: int | None = None  # the newest post id read
    oldest: int | None = None  # the oldest post id read, going back from the newest
    older_day: str | None = None  # the day of the newest post seen below `oldest` and not taken
    start: bool = False  # the channel's first post was reached
    gaps: tuple[tuple[int, int], ...] = ()  # (above, below): posts between not read yet

    def to_json(self) -> str:
        record = {
            "newest": self.newest,
            "oldest": self.oldest,
            "older_day": self.older_day,
            "start": self.start,
            "gaps": [list(gap) for gap in self.gaps],
        }
        return json.dumps(record, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Memory:
        if not text:
            return cls()
        record = json.loads(text)
        return cls(
            newest=record.get("newest"),
            oldest=record.get("oldest"),
            older_day=record.get("older_day"),
            start=bool(record.get("start")),
            gaps=tuple((int(above), int(below)) for above, below in record.get("gaps", ())),
        )


@dataclass(frozen=True)
class Reading:
    """What one run read of a channel: the posts to take (oldest first), every post's text
    seen (for the language prior), the memory to keep, and the error that cut it short."""

    posts: tuple[Post, ...]
    memory: Memory
    pages: int
    texts: tuple[str, ...] = ()
    error: FetchError | None = None
    services: tuple[Post, ...] = ()  # service messages seen: not articles


PageReader = Callable[[int | None], Page]


@dataclass
class _Walk:
    """One run's reading of a channel, page by page (see read_channel)."""

    get_page: PageReader
    known: Callable[[Sequence[str]], set[str]]
    force: bool
    page_limit: int
    taken: dict[int, Post] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    services: list[Post] = field(default_factory=list)
    pages: int = 0
    seen: set[int] = field(default_factory=set)

    def page(self, before: int | None) -> Page:
        if self.pages >= self.page_limit:
            raise _Enough
        page = self.get_page(before)
        self.pages += 1
        if before is not None and any(post.id >= before for post in page.posts):
            raise FetchError(changed(f"the page before post {before} holds later posts"))
        new = [post for post in page.posts if post.id not in self.seen]
        self.seen.update(post.id for post in new)
        self.services.extend(post for post in new if post.service)
        self.texts.extend("\n".join(post.paragraphs) for post in new if not post.service and post.paragraphs)
        return page

    def fresh(self, posts: Sequence[Post]) -> list[Post]:
        """The posts of these (newest first) to take: articles not taken yet and not known
        (forced: known ones too; a forgotten post is not known)."""
        articles = [post for post in posts if not post.service and post.id not in self.taken]
        known = set() if self.force else self.known([post.url for post in articles])
        return [post for post in articles if post.url not in known]

    def take(self, posts: Sequence[Post]) -> None:
        for post in posts:
            self.taken[post.id] = post


class _Enough(Exception):
    """The page limit of one run is reached."""


def page_limit(budget: int) -> int:
    """The most pages read of a channel for `budget` posts (a run's, a digest's): twice what
    pages of about 20 posts need, and five more, for posts that are no articles; without a
    limit, a channel of photos without captions would be read back to its first post."""
    return budget // 10 + 5


def read_channel(
    get_page: PageReader,
    memory: Memory,
    *,
    budget: int,
    known: Callable[[Sequence[str]], set[str]],
    known_count: int,
    since: date | None = None,
    force: bool = False,
) -> Reading:
    """Read a channel's new posts, its gaps, then older posts while the target wants them.

    The new posts are those above the newest one read before (pages followed back until
    it is reached); a channel read for the first time gives its newest posts. Every post
    of the pages read that has no row is taken (a forgotten one too; forced: every post).
    At most `budget` posts are taken in one run; what is left between is remembered as a
    gap and read first the next time. The target: with `since`, every post of that day or
    later; else the channel's newest `budget` posts (`known_count` of them are known).
    A failure of a page ends the reading with what was read, remembered consistently.
    """
    walk = _Walk(get_page, known, force, page_limit=page_limit(budget))
    newest, oldest, older_day, start = memory.newest, memory.oldest, memory.older_day, memory.start
    gaps = list(memory.gaps)
    error: FetchError | None = None

    def fetch(before: int | None) -> Page | None:
        nonlocal error
        try:
            return walk.page(before)
        except _Enough:
            return None
        except FetchError as failure:
            error = failure
            return None

    def room(target: bool) -> int:
        """Posts that may still be taken: this run's budget, and (target) without since,
        what the channel's newest `budget` posts still lack."""
        left = budget - len(walk.taken)
        if target and since is None:
            left = min(left, budget - known_count - len(walk.taken))
        return left

    def recent(posts: Sequence[Post]) -> tuple[list[Post], str | None]:
        """The posts (newest first) down to the first one older than since, and that one's day."""
        kept: list[Post] = []
        for post in posts:
            if since is not None and not post.service and post.day is not None and post.day < since:
                return kept, post.day.isoformat()
            kept.append(post)
        return kept, None

    def take(posts: Sequence[Post], limit: int) -> tuple[int | None, bool]:
        """Take the newest `limit` of the posts to take among these (newest first); the id
        down to which they were read (None: none), and whether the limit cut them."""
        chosen = walk.fresh(posts)
        cut = len(chosen) > limit
        chosen = chosen[: max(limit, 0)]
        walk.take(chosen)
        if cut:
            return (chosen[-1].id if chosen else None), True
        return (posts[-1].id if posts else None), False

    # 1. The head: the newest posts, down to the newest one read before (a first read: as
    # far back as the target wants).
    before: int | None = None
    lowest: int | None = None  # the lowest post id read through
    top: int | None = None
    reached = False
    while True:
        page = fetch(before)
        if page is None:
            break
        posts = list(page.posts)
        if top is None and posts:
            top = posts[0].id
        if newest is not None:
            reached = any(post.id <= newest for post in posts)
        posts, cut_day = recent(posts)
        through, cut = take(posts, room(target=newest is None))
        lowest = through if through is not None else lowest
        if cut_day is not None and not cut:
            older_day, reached = cut_day, True
        if page.before is None and not cut:
            reached = True
            # the channel's first post reached, unless since left the oldest ones out
            start = start or (newest is None and cut_day is None)
        if reached or cut:
            break
        before = page.before
    if newest is None:
        # Nothing read through (every post older than since): a backfill starts at the top.
        oldest = lowest if lowest is not None else (top + 1 if top is not None else None)
    elif not reached and lowest is not None and lowest > newest + 1:
        gaps.insert(0, (lowest, newest))  # posted since the last run and not read yet
    elif not reached and lowest is None and top is not None and top > newest:
        gaps.insert(0, (top + 1, newest))
    elif lowest is not None and oldest is not None and lowest < oldest:
        oldest = lowest  # read through from the top, below where a backfill had reached
    newest = max((number for number in (newest, top) if number is not None), default=None)

    # 2. Gaps left by earlier runs, newest first.
    for index, (above, below) in enumerate(list(gaps)):
        if error is not None or room(target=False) <= 0:
            break
        closed = False
        before = above
        while True:
            page = fetch(before)
            if page is None:
                break
            closed = page.before is None or any(post.id <= below for post in page.posts)
            within = [post for post in page.posts if below < post.id < above]
            through, cut = take(within, room(target=False))
            if through is not None:
                above = through
            if cut:
                closed = False
            if closed or cut:
                break
            before = page.before
        gaps[index] = (0, 0) if closed else (above, below)
    gaps = [gap for gap in gaps if gap != (0, 0)]

    # 3. Older posts, while the target wants them.
    def more() -> bool:
        if start or oldest is None or error is not None or room(target=True) <= 0:
            return False
        return since is None or older_day is None or date.fromisoformat(older_day) >= since

    while more():
        assert oldest is not None
        page = fetch(oldest)
        if page is None:
            break
        posts, cut_day = recent(list(page.posts))
        through, cut = take(posts, room(target=True))
        if through is not None:
            oldest = through
        if cut_day is not None and not cut:
            older_day = cut_day
            break
        older_day = None
        if page.before is None and not cut:
            start = True
        if cut or not posts:
            break
    kept = Memory(newest, oldest, older_day, start, tuple(gaps))
    taken = tuple(sorted(walk.taken.values(), key=lambda post: post.id))
    return Reading(taken, kept, walk.pages, tuple(walk.texts), error, tuple(walk.services))


def with_prior(posts: Iterable[Post], prior: Mapping[str, float]) -> tuple[Post, ...]:
    return tuple(replace(post, prior=dict(prior)) for post in posts)
