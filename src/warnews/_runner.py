"""Many articles at once: a run's lifecycle (run_jobs: the lock, the state, its run
record, the pipeline, the report, the exit code) around its batch (Batch: feeds read, work
queued from the state, articles processed in threads, since the stages are synchronous
libraries, each outcome recorded as it comes).

An article's file is written completely before its row says done. A stop (SIGINT,
SIGTERM) starts no new work and lets a file being written finish; articles still on the
network are dropped with the process, and their rows stay as they were for the next run.
Every outcome recorded (file, row) is reported, a stop included: outcomes are recorded
under one lock, which the stop takes and closes before reporting what is left.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ._detect import language_prior
from ._errors import (
    EXIT_FAILED,
    EXIT_OK,
    FetchError,
    NotAnArticle,
    StateLost,
    Stopped,
    TakenOver,
    WarnewsError,
    exit_code,
    why_stopped,
)
from ._extract import drop_recurring, paragraph_key, republished
from ._gate import GATE
from ._hints import as_url
from ._model import Extracted
from ._net import Download
from ._pipeline import Pipeline
from ._redact import redact
from ._report import Reporter, copy_fatal_errors
from ._settings import Settings, secret_values
from ._state import Row, RunLock, State, site, url_key
from ._store import as_asked, prepare_folder, saved_whole
from .sources import channel, telegram
from .sources.discover import read_feed
from .sources.feeds import FeedItems, conditional_headers, parse_feed, wanted
from .sources.telegram import Post

_log = logging.getLogger("warnews")


@dataclass(frozen=True)
class Job:
    name: str  # a URL, or a file path ("-": standard input)
    # "url", "file", "done" (a URL done in this folder: only said), or "copy" (a URL done
    # in another folder: its files are copied)
    kind: str = "url"
    row: Row | None = None  # its state row, when the run keeps state
    # A Telegram post as its channel's page showed it may be used (not when a user forces
    # the post itself again: then its own page is read, edits and all).
    stored: bool = True
    # Found due in the state (not named, not forced): taken only as it was read, and left
    # without a word to another run that took it first (where runs share the state).
    due: bool = False


@dataclass
class Outcome:
    name: str
    # done, failed, skipped, stopped (left for the next run), or elsewhere (another run
    # sharing the state took it first: neither counted nor reported)
    status: str
    path: Path | None = None
    document: str | None = None
    title: str | None = None
    language: str | None = None
    engine: str | None = None
    error: str | None = None
    reason: str | None = None  # why skipped
    requests: int = 0
    fallback: list[dict[str, str]] = field(default_factory=list)  # engines passed over: engine, error
    warning: str | None = None  # what an engine's failure on this article says (stderr)

    def record(self) -> dict[str, Any]:
        """The --json line; with --stdout (no file) it carries the document itself."""
        record = {
            "url": self.name,
            "status": self.status,
            "path": str(self.path) if self.path else None,
            "title": self.title,
            "language": self.language,
            "engine": self.engine,
            "error": self.error,
            "reason": self.reason,
            "translator_requests": self.requests,
            "fallback": self.fallback,
        }
        if self.document is not None:
            record["document"] = self.document
        return record


@dataclass(frozen=True)
class _FoundFeed:
    """A web page's feed, read for it for the first time (which is said)."""

    links: list[str]
    location: str


Listener = Callable[[Outcome], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class RunOptions:
    """What a command asks of its run beyond the settings: its name (the log, the run
    record), whether it keeps state (no --stdout, not translate), and how it reports."""

    command: str
    _: KW_ONLY
    keeps_state: bool
    to_stdout: bool = False  # print the documents instead of saving files
    quiet: bool = False
    json_lines: bool = False
    paths: bool = False  # print each saved file's path (fetch, translate)
    force: bool = False
    wait: bool = False  # for the lock, instead of exit 3
    verbose: bool = False


def run_jobs(options: RunOptions, settings: Settings, jobs: Callable[[Batch], list[Job]]) -> int:
    """Run one command's batch, whole: the lock and the state if it keeps state, the run
    record, the pipeline, the report of every outcome and the summary; the exit code.

    `jobs` makes the work from the batch (Batch.url_jobs, file_jobs, feed_jobs,
    config_jobs) once the state is open: reading feeds is part of the run. A failure of the
    run itself (the lock held, the state unusable, a usage error found late) is reported
    as one line; a stop (KeyboardInterrupt) ends it with what was reported counted.
    """
    reporter = Reporter(
        options.command,
        quiet=options.quiet,
        json_lines=options.json_lines,
        paths=options.paths,
        log_file=settings.log_file,
        verbose=options.verbose,
        secrets=secret_values(settings),
    )
    copy_fatal_errors(settings.log_file)
    counts: Counter[str] = Counter()
    requests, code, lock, state, run_id = 0, EXIT_FAILED, None, None, 0
    batch: Batch | None = None
    last_words = ""  # why the run stopped: the last line, after the summary
    keeper: _Keeper | None = None
    try:
        if options.keeps_state:
            if isinstance(settings.state, Path):  # one machine: one run at a time
                lock = RunLock(settings.state)
                lock.acquire(options.wait)
            state = State(settings.state, settings.host, settings.lease)
            run_id = state.run_started(options.command)
            with contextlib.suppress(WarnewsError):  # housekeeping: never worth a run
                state.forget_boilerplate()  # bounded: what sites repeat, not every paragraph ever read
                # Claims of runs that are gone: every one under the lock, else those expired.
                state.clear_claims(every=lock is not None)
            keeper = _Keeper(state)
        paces = state.paces() if state is not None else None
        with Pipeline(settings, warn=reporter.warning, paces=paces) as pipeline:
            batch = Batch(pipeline, state, reporter.outcome, options.force, options.to_stdout)
            batch.on_start, batch.on_finish = reporter.started, reporter.finished
            work = jobs(batch)
            reporter.start(len(work))
            try:
                counts = batch.run(work)
                while more := batch.more():  # a shared state: what others made due meanwhile
                    reporter.more(len(more))
                    counts = batch.run(more)
            finally:
                requests = pipeline.translator.requests
                if state is not None:  # the next run starts at the pace this one ended at
                    with contextlib.suppress(WarnewsError):  # only a start: never worth a run
                        state.keep_paces(pipeline.learned())
        code = EXIT_FAILED if counts["failed"] or counts["feed_failed"] else EXIT_OK
        if state is not None and settings.atom is not None and counts["done"] and not options.to_stdout:
            code = _rewrite_feed(state, settings.atom, settings.atom_items, reporter) or code
    except KeyboardInterrupt as stop:  # handled here: Typer would turn it into a silent exit
        code, last_words = exit_code(stop), why_stopped()
        if state is not None and settings.atom is not None and batch is not None and batch.counts["done"]:
            _rewrite_feed(
                state, settings.atom, settings.atom_items, reporter
            )  # what was saved before the stop
    except WarnewsError as error:
        reporter.error(str(error))  # secrets masked there
        code = exit_code(error)
    finally:
        if batch is not None:  # a stopped run counts what it reported, as a finished one
            counts = batch.counts
        if keeper is not None:
            keeper.stop()
        if state is not None:
            with contextlib.suppress(WarnewsError):  # else they expire with their lease
                state.let_go()
            try:
                state.run_finished(run_id, counts, code)
            except WarnewsError:
                pass
            state.close()
        if lock is not None:
            lock.release()
        reporter.close(counts, requests, code, last_words)
    return code


class _Keeper:
    """Renews a run's claims (articles, their keys, feeds) every third of the lease, until
    stopped: a live run keeps what it does, however long it takes; a dead one's claims
    expire within a lease and other runs take them."""

    def __init__(self, state: State) -> None:
        self._state, self._stopped = state, threading.Event()
        self._thread = threading.Thread(target=self._renew, name="warnews-lease", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stopped.wait(self._state.lease / 3):
            try:
                self._state.renew()
            except WarnewsError as error:  # the database away for a while: the next turn tries again
                _log.info("could not renew this run's claims: %s", error)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)


def _rewrite_feed(state: State, path: Path, count: int, reporter: Reporter) -> int:
    """The Atom feed with the articles just saved; EXIT_FAILED (said in one line) if it
    cannot be written: the articles are saved all the same."""
    from ._export import write_atom

    try:
        write_atom(state, path, count)
    except WarnewsError as error:
        reporter.error(f"the Atom feed was not written: {error}")
        return EXIT_FAILED
    _log.info("wrote the Atom feed %s", path)
    return EXIT_OK


class Batch:
    """One run's work. Outcomes reach `emit` in the order the jobs were given."""

    def __init__(
        self,
        pipeline: Pipeline,
        state: State | None,
        emit: Listener,
        force: bool = False,
        to_stdout: bool = False,
    ) -> None:
        """to_stdout: documents go to `emit` instead of files (--stdout)."""
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self.state = state
        self.emit = emit
        self.force = force
        self.to_stdout = to_stdout
        self.counts: Counter[str] = Counter()
        self.on_start: Callable[[Job], None] = lambda job: None
        self.on_finish: Listener = lambda outcome: None
        # Held to record an outcome (its file, its row) and to stop: an outcome is either
        # recorded before the stop, and then reported, or not recorded at all.
        self._commit = threading.Lock()
        self._closed = False
        self._recorded: dict[int, Outcome] = {}  # by job index: recorded, reported or not yet
        self._reported: set[int] = set()
        self._secrets = secret_values(self.settings)
        self._given = 0  # jobs given to run() so far
        self._tried: set[int] = set()  # the rows of those jobs
        self._due: tuple[list[str] | None, list[str], bool] | None = None  # what due_jobs was asked

    # --- what to do ---

    def url_jobs(self, urls: Iterable[str], source: str) -> list[Job]:
        """Jobs for URLs named by the user; those already done here are reported as skipped
        (in their place among the others), those done in another folder are copied here."""
        jobs, seen = [], set()
        for url in urls:
            key = url_key(url)
            if key in seen:
                continue
            seen.add(key)
            if self.state is None or not is_url(url):
                # Not a URL (a file, a typo): it fails with a hint and leaves the state alone,
                # where its key could match a real URL's row (keys ignore the scheme).
                jobs.append(Job(url))
                continue
            row = self.state.find(url)
            if row is not None and not self.force and _finished(row):
                # Already here: nothing to do but say so; in another folder: made here from its files.
                jobs.append(Job(url, "done" if self._here(row.path) else "copy", row=row))
                continue
            forced_by_name = self.force and source not in ("feed", "config")
            jobs.append(Job(url, row=row or self.state.add(url, source), stored=not forced_by_name))
        return jobs

    def file_jobs(self, files: Iterable[str]) -> list[Job]:
        """Jobs for local files ("-": standard input), as `translate` names them."""
        return [Job(name, "file") for name in files]

    def feed_jobs(self, feeds: Iterable[str]) -> list[Job]:
        """`feed`'s work: the feeds' new items and what they brought that is due a retry;
        with force, every item they list, done or not."""
        named = self.named(feeds)
        links = self.read_feeds(named)
        forced = self.url_jobs(links, "feed") if self.force else []
        return [*forced, *self.due_jobs(sources=named, exclude=forced)]

    def config_jobs(self, urls: Iterable[str], feeds: Iterable[str]) -> list[Job]:
        """`run`'s work: the config file's URLs and its feeds' new items, what they brought
        that is due a retry, and what `warnews retry` queued; never a one-off fetch. A URL
        taken out of the config is no longer retried. With force, all of them, done or not."""
        assert self.state is not None
        urls, feeds = self.named(urls), self.named(feeds)
        links = self.read_feeds(feeds)
        forced = self.url_jobs([*urls, *links], "config") if self.force else []
        for url in urls:
            self.state.add(url, "config")
        return [*forced, *self.due_jobs(feeds, urls, queued=True, exclude=forced)]

    def due_jobs(
        self,
        sources: Iterable[str] | None = None,
        urls: Iterable[str] = (),
        queued: bool = False,
        exclude: Iterable[Job] = (),
    ) -> list[Job]:
        """Jobs for pending rows and failed rows whose retry time has come: those that
        these sources brought (all without sources), these URLs, and with queued, those
        `warnews retry` named. A one-off `fetch` is retried by fetching it again."""
        assert self.state is not None
        taken = {job.row.id for job in exclude if job.row} | self._tried
        wanted = set(sources) if sources is not None else None
        urls = list(urls)
        keys = {url_key(url) for url in urls}
        self._due = (list(wanted) if wanted is not None else None, urls, queued)
        return [
            Job(row.url, row=row, due=True)
            for row in self.state.due(self.settings.max_attempts, self.settings.retry_delay)
            if row.id not in taken
            and (
                wanted is None or row.source in wanted or url_key(row.url) in keys or (queued and row.queued)
            )
        ]

    def more(self) -> list[Job]:
        """Where runs share the state: what became due since this run listed its work (the
        items another run read from a feed meanwhile, articles a dead run gave back),
        that this run has not tried; none on one machine, where nothing else adds any."""
        if self.state is None or not self.state.shared or self._due is None or self.pipeline.stop.is_set():
            return []
        return self.due_jobs(*self._due)

    def named(self, names: Iterable[str]) -> list[str]:
        """URLs as the user named them; a host and path without a scheme (www.site.ua/x) is
        taken as the https:// URL it means, and that is said."""
        urls = []
        for name in names:
            target = telegram.address(name, self.settings.telegram_url)
            if target is not None and target.refusal is None:
                urls.append(target.key)  # the channel, however it was named
                continue
            post = telegram.post_address(name, self.settings.telegram_url)
            if post is not None:  # a post, however it was named: by its permalink
                urls.append(telegram.permalink(*post))
                continue
            url, note = as_url(name)
            if note:
                self.pipeline.warn(note)
            urls.append(url)
        return urls

    def read_feeds(self, feeds: Iterable[str]) -> list[str]:
        """Fetch feeds (conditional GET) and record their new items; return every link read."""
        feeds = list(dict.fromkeys(feeds))
        found: dict[int, list[str]] = {}
        try:
            for index, read in in_threads(
                lambda item: self._read_feed(*item), list(enumerate(feeds)), self.settings.concurrency
            ):
                if isinstance(read, Outcome):  # reported here, in the main thread, as every outcome
                    self._say(index, read, feed=True)
                    read = []
                elif isinstance(read, _FoundFeed):
                    self.pipeline.warn(f"{feeds[index]} is a web page; reading its feed {read.location}")
                    read = read.links
                found[index] = read
        except BaseException:
            self._stop(feed=True)
            raise
        self._recorded.clear()
        self._reported.clear()
        return [link for index in sorted(found) for link in found[index]]

    def _read_feed(self, index: int, url: str) -> list[str] | _FoundFeed | Outcome:
        assert self.state is not None
        target = telegram.address(url, self.settings.telegram_url)
        if target is not None:
            return self._read_channel(index, url, target)
        if not self.state.take_feed(url):  # another run sharing the state is reading it now
            self._wait_for(url)
            if not self.state.take_feed(url):  # read, or its reader died: read again (a 304, mostly)
                return []
        location, etag, modified = (None, None, None) if self.force else self.state.feed_memory(url)
        try:
            answer, items, found = self._feed_answer(url, location, etag, modified)
            if items is None:  # 304 Not Modified
                _log.info("feed %s: not modified since it was last read (304)", found or url)
                self.state.feed_read(url, [], etag, modified, found=found)
                return []
        except Stopped:  # the run stops: the feed is read again next time, no failure of its own
            with contextlib.suppress(WarnewsError):
                self.state.let_feed_go(url)
            return []
        except Exception as error:  # one feed's failure, even a bug, never stops the others
            message = self._message(error)
            state = self.state
            failure = Outcome(url, "failed", error=f"feed: {message}")
            return self._record(index, failure, lambda: state.feed_failed(url, message)) or []
        known = self.state.known(items.links)
        new = [
            link
            for link in items.links
            if link not in known and wanted(items.published.get(link), self.settings.since)
        ]
        if len(new) > self.settings.feed_items:
            # The rest is left for the next run, which must then read the feed again.
            new, etag, modified = new[: self.settings.feed_items], None, None
        else:
            etag, modified = answer.headers.get("etag"), answer.headers.get("last-modified")
        dates = {link: items.published[link].isoformat() for link in new if link in items.published}
        self.state.feed_read(url, new, etag, modified, published=dates, found=found)
        return _FoundFeed(items.links, found) if found and found != location else items.links

    def _read_channel(self, index: int, url: str, target: telegram.Address) -> list[str] | Outcome:
        """A Telegram channel read as a feed: its new posts (and gaps, and older ones the
        target wants, see channel.read_channel) recorded as pending with their text, so
        that they are made without another download; the permalinks of those taken."""
        state = self.state
        assert state is not None
        if target.refusal is not None:
            return self._record(index, Outcome(url, "failed", error=target.refusal)) or []
        if not state.take_feed(url):  # another run sharing the state is reading it now
            self._wait_for(url)
            if not state.take_feed(url):
                return []
        memory, known_count = state.channel_memory(url)
        try:
            reading = channel.read_channel(
                lambda before: self.pipeline.channel_page(target.channel, before),
                channel.Memory.from_json(memory),
                budget=self.settings.feed_items,
                known=state.known,
                known_count=known_count,
                since=self.settings.since,
                force=self.force,
            )
            posts = channel.with_prior(reading.posts, language_prior(reading.texts))
            records = [
                (post.url, post.to_json(), post.day.isoformat() if post.day else None) for post in posts
            ]
            new = state.channel_read(url, records, reading.memory.to_json(), update=self.force)
            _log.info(
                "channel @%s: %d pages read, %d posts taken (%d new)",
                target.channel,
                reading.pages,
                len(posts),
                new,
            )
            for service in reading.services:
                _log.info("passed over %s: %s", service.url, service.skip_reason)
            if reading.error is not None:
                raise reading.error
        except Stopped:  # nothing recorded: the channel is read again next time
            with contextlib.suppress(WarnewsError):
                state.let_feed_go(url)
            return []
        except Exception as error:  # one channel's failure, even a bug, never stops the others
            message = self._message(error)
            failure = Outcome(url, "failed", error=message)
            return self._record(index, failure, lambda: state.feed_failed(url, message)) or []
        return [post.url for post in posts]

    def _wait_for(self, url: str) -> None:
        """A feed or channel another run is reading: left to it, and waited for (at most a
        lease), so that the items it records are shared out with this run's work."""
        assert self.state is not None
        _log.info("%s: being read by another run; waiting for what it records", url)
        waited = 0.0
        while waited < self.state.lease and not self.pipeline.stop.is_set():
            try:
                if not self.state.feed_busy(url):
                    return
            except WarnewsError:
                return
            self.pipeline.stop.wait(0.2)
            waited += 0.2

    def _feed_answer(
        self, url: str, location: str | None, etag: str | None, modified: str | None
    ) -> tuple[Download, FeedItems | None, str | None]:
        """A feed's answer and its items (None: 304), and the feed that was read for it if
        `url` is a web page: the one remembered (`location`), else the one found now."""
        download = self.pipeline.download
        if location is not None:
            try:
                answer = download(location, conditional_headers(etag, modified))
                items = None if answer.status == 304 else parse_feed(answer.content, answer.final_url)
                return answer, items, location
            except FetchError:  # gone, or no longer a feed: the page may name another one now
                etag = modified = None
        answer = download(url, conditional_headers(etag, modified))
        if answer.status == 304:
            return answer, None, None
        return read_feed(answer, download)

    # --- doing it ---

    def run(self, jobs: list[Job]) -> Counter[str]:
        """Process the jobs in `concurrency` threads; report each outcome in the order given.

        The threads are daemons: on SIGINT/SIGTERM (KeyboardInterrupt here) no new work
        starts, a file being written is finished and recorded, and work still waiting on
        the network is dropped with the process; its row stays as it was, for the next run.
        What was recorded and not yet reported is reported then (see _stop); self.counts
        holds what was reported, stopped or not.
        """
        if not self.to_stdout and jobs:
            prepare_folder(self.settings.out)
        ready: dict[int, Outcome] = {}
        position = start = self._given  # jobs of an earlier round keep their numbers
        self._given += len(jobs)
        self._tried.update(job.row.id for job in jobs if job.row is not None)
        try:
            for index, outcome in in_threads(
                lambda item: self._process(*item), list(enumerate(jobs, start)), self.settings.concurrency
            ):
                ready[index] = outcome
                self.on_finish(outcome)
                while position in ready:
                    self._say(position, ready.pop(position))
                    position += 1
        except BaseException:
            self._stop()
            raise
        return self.counts

    def _stop(self, feed: bool = False) -> None:
        """No new work; let a file being written be finished and recorded (for a while),
        then record nothing more, and report what was recorded and not yet reported, in
        input order, gaps skipped: outputs held back for the order, and outcomes recorded
        by a thread after the main thread stopped reading."""
        self.pipeline.stop.set()
        held = self._commit.acquire(timeout=30)
        try:
            self._closed = True
            left = sorted(
                (index, outcome) for index, outcome in self._recorded.items() if index not in self._reported
            )
        finally:
            if held:
                self._commit.release()
        for index, outcome in left:
            self._say(index, outcome, feed=feed)

    def _record(
        self, index: int, outcome: Outcome, record: Callable[[], object] | None = None
    ) -> Outcome | None:
        """Record an outcome (record() writes its file and its row) and keep it for the
        report; None if the run was stopped first: then nothing is recorded."""
        with self._commit:
            if self._closed:
                return None
            if record is not None:
                record()
            self._recorded[index] = outcome
        return outcome

    def _say(self, index: int, outcome: Outcome, feed: bool = False) -> None:
        """Report a job's outcome once, whole (see Gate)."""
        with GATE.held():
            self._reported.add(index)
            self._report(outcome, feed)

    def _report(self, outcome: Outcome, feed: bool = False) -> None:
        if outcome.status == "elsewhere":  # another run's: not this run's to count or say
            return
        with GATE.held():
            if outcome.status != "stopped" and not feed:
                self.counts[outcome.status] += 1
            elif feed:
                self.counts["feed_failed"] += 1
            self.emit(outcome)

    def _process(self, index: int, job: Job) -> Outcome:
        self.on_start(job)
        pipeline, state, row = self.pipeline, self.state, job.row
        if state is not None and row is not None and job.kind in ("url", "copy"):
            # As the job saw it, unless forced: a URL named again while another host did it
            # is not made twice. A database that fails here ends the run (StateLost).
            taken = state.take(row, as_seen=job.due or not self.force)
            if taken is None and not job.due:
                taken = self._retake(job, row)
            if taken is None:
                return self._elsewhere(index, job, row)
            job = replace(job, row=taken)
            row = taken
        try:
            adopted = self._adopt(index, job, row) if row is not None and job.kind == "url" else None
            if adopted is not None:
                return adopted
            if job.kind == "done" and row is not None:
                _log.info("skipped %s: already done (%s)", job.name, self._shown(row.path))
                done = Outcome(job.name, "skipped", path=self._shown(row.path), reason="already done")
                return self._record(index, done) or self._abandon(job)
            if job.kind == "copy" and row is not None:
                copied = self._copy(index, job, row)
                if copied is not None:
                    return copied
            if job.kind == "file":
                extracted = pipeline.extract(pipeline.read(job.name))
            else:  # a page, or a Telegram post (as its channel showed it, else from its own page)
                post = Post.from_json(row.post) if row is not None and row.post and job.stored else None
                extracted = pipeline.article(job.name, post, _feed_date(row))
            canonical = url_key(extracted.origin) if extracted.origin else ""
            if state is not None and row is not None:
                keys = _identity(extracted, canonical)
                original = state.claim(row.id, keys)
                # In flight in this run (no file yet: it will be in this folder), or done here.
                if original is not None and (original.path is None or self._here(original.path)):
                    reason = f"same article as {original.url}"
                    _log.info("skipped %s: %s", job.name, reason)
                    duplicate = Outcome(job.name, "skipped", path=self._shown(original.path), reason=reason)
                    return self._record(
                        index, duplicate, lambda: state.skipped(row.id, original)
                    ) or self._abandon(job)
                if original is not None:  # done in another folder: made here from its files
                    copied = self._copy(index, job, original)
                    if copied is not None:
                        return copied
                    # its files are gone: it is made again, as a new article
            if state is not None and row is not None and self.settings.learn_boilerplate:
                extracted = _without_boilerplate(state, row, extracted)
            translated = pipeline.translate(extracted, _feed_date(row))
            if state is not None and state.shared:  # which of the hosts made it
                translated = replace(translated, metadata=replace(translated.metadata, host=state.host))
            meta = translated.metadata
            outcome = Outcome(
                job.name,
                "done",
                title=meta.title,
                language=meta.source_language,
                engine=meta.engine,
                requests=meta.translator_requests,
                fallback=[{"engine": item.engine, "error": item.error} for item in meta.fallback],
                warning=translated.warning,
            )
            if self.to_stdout:
                outcome.document = translated.text
                return self._record(index, outcome) or self._abandon(job)

            def save() -> None:  # the file, then the row that says done
                out = self.settings.out
                if state is not None and row is not None:
                    path = translated.save_in(
                        out,
                        row.path,
                        lambda path: state.plan(row.id, path),
                        lambda path: state.reserve(row.id, path),
                    )
                    state.done(row.id, path, meta, translated.note, translated)
                else:
                    path = translated.save_in(out)
                outcome.path = self._shown(path)
                _log.info("wrote %s (%s)", path, job.name)

            return self._record(index, outcome, save) or self._abandon(job)
        except Stopped:
            return self._abandon(job)
        except StateLost:
            raise  # the run ends with one line; this article stays as it was
        except TakenOver:  # held past its lease: the run that took it over says what came of it
            assert row is not None
            return self._elsewhere(index, job, row, "taken over by another run")
        except NotAnArticle as skip:  # a post with nothing to translate: skipped for good
            reason = str(skip)
            _log.info("skipped %s: %s", job.name, reason)
            passed = Outcome(job.name, "skipped", reason=reason)
            return self._record(
                index, passed, lambda: state.passed(row.id, reason) if state and row else None
            ) or self._abandon(job)
        except Exception as error:  # one article's failure, even a bug, never stops the others
            if pipeline.stop.is_set():
                return self._abandon(job)
            failure = Outcome(job.name, "failed", error=self._message(error))
            permanent = isinstance(error, WarnewsError) and error.permanent

            def fail() -> None:
                if state is not None and row is not None:
                    try:
                        state.failed(row.id, failure.error or "", permanent)
                    except WarnewsError as state_error:
                        failure.error = f"{failure.error} (and {state_error})"

            return self._record(index, failure, fail) or self._abandon(job)

    def _adopt(self, index: int, job: Job, row: Row) -> Outcome | None:
        """An article whose file an earlier attempt saved whole, in another folder, before
        it died (SIGKILL between the file and the row; another host's folder): done, with
        that file, and not made a second time. None: nothing of the kind."""
        state, path, settings = self.state, row.path, self.settings
        if state is None or self.force or row.status == "done" or path is None:
            return None
        if path.parent.resolve() == settings.out.resolve() or not as_asked(
            path, settings.format, settings.bilingual
        ):
            return None  # here, it is made again over its own name; in another format, made anew
        sidecar = saved_whole(path)
        if sidecar is None or url_key(str(sidecar.get("source", ""))) != url_key(row.url):
            return None
        outcome = Outcome(
            job.name,
            "done",
            path=self._shown(path),
            title=sidecar.get("title"),
            language=sidecar.get("source_language"),
            engine=sidecar.get("engine"),
        )
        _log.info("%s: saved whole by an earlier attempt that stopped before saying so (%s)", job.name, path)
        return self._record(index, outcome, lambda: state.adopted(row.id, path, sidecar)) or self._abandon(
            job
        )

    def _retake(self, job: Job, row: Row) -> Row | None:
        """A URL the user named that changed since it was read: taken as it is now, unless
        another run holds it or made it meanwhile (then it is that run's)."""
        assert self.state is not None
        fresh = self.state.find(job.name)
        if fresh is None or _finished(fresh) or self.state.holder_of(fresh.id):
            return None
        return self.state.take(fresh)

    def _elsewhere(self, index: int, job: Job, row: Row, reason: str | None = None) -> Outcome:
        """A job another run sharing the state took first (or did meanwhile): a due one is
        left to it without a word; one the user named is said to be skipped, and why."""
        assert self.state is not None
        holder = self.state.holder_of(row.id)
        reason = reason or (
            f"being done by another run ({holder})" if holder else "done by another run meanwhile"
        )
        _log.info("left %s to another run: %s", job.name, reason)
        if job.due:
            return self._record(index, Outcome(job.name, "elsewhere")) or self._abandon(job)
        return self._record(index, Outcome(job.name, "skipped", reason=reason)) or self._abandon(job)

    def _copy(self, index: int, job: Job, original: Row) -> Outcome | None:
        """The article of `original` (this job's own row, or the row of the same article
        reached by another URL) made in the output folder from its files; None when they
        cannot be used. The job's row then names the new file (the newest place asked for)."""
        state, row, saved = self.state, job.row, original.path
        assert state is not None and row is not None and saved is not None
        outcome = Outcome(job.name, "done")

        def record() -> None:
            copied = self.pipeline.copy(saved)
            if copied is None:
                raise _Gone
            path, made, metadata = copied
            if original.id == row.id:
                state.relocated(row.id, path)
            else:
                state.skipped(row.id, original, path)
            outcome.path = self._shown(path)
            outcome.title = metadata.get("title")
            outcome.language = metadata.get("source_language")
            outcome.engine = metadata.get("engine")
            if not made:
                outcome.status = "skipped"
                outcome.reason = (
                    "already done" if original.id == row.id else f"same article as {original.url}"
                )
            _log.info("%s %s: made from %s", outcome.status, job.name, saved)

        try:
            return self._record(index, outcome, record) or self._abandon(job)
        except _Gone:
            return None

    def _here(self, path: Path | None) -> bool:
        """Whether a file is in the output folder, in the format asked for (else it is made
        there when asked for)."""
        settings = self.settings
        return (
            path is not None
            and path.parent.resolve() == settings.out.resolve()
            and as_asked(path, settings.format, settings.bilingual)
        )

    def _message(self, error: Exception) -> str:
        """What a failure says, everywhere it is said (stderr, JSON, log, state): no secret."""
        message = str(error) if isinstance(error, WarnewsError) else _unexpected(error)
        # Whole secrets only: servers' words were masked, fragments too, where they came in
        # (the engines), and a fragment of a key may be a word of warnews's own.
        return redact(message, self._secrets, fragments=False)

    def _shown(self, path: Path | None) -> Path | None:
        """A file's path as the user named its folder (relative stays relative)."""
        if path is not None and path.parent.resolve() == self.settings.out.resolve():
            return self.settings.out / path.name
        return path

    def _abandon(self, job: Job) -> Outcome:
        if self.state is not None and job.row is not None:
            with contextlib.suppress(WarnewsError):  # a state gone away: the claim expires instead
                self.state.abandon(job.row.id)
        return Outcome(job.name, "stopped")


class _Gone(Exception):
    """The files of an article done elsewhere are gone or unusable: it is made again."""


def in_threads(function: Callable[[T], R], items: list[T], count: int) -> Iterator[tuple[int, R]]:
    """(index, function(item)) for each item, as they finish, from up to `count` threads.

    The threads are daemons, so that a process told to stop does not wait for network
    calls in flight; an exception in function is raised here, never lost in a thread.
    """
    todo: queue.SimpleQueue[tuple[int, T]] = queue.SimpleQueue()
    results: queue.SimpleQueue[tuple[int, R | BaseException]] = queue.SimpleQueue()
    for item in enumerate(items):
        todo.put(item)

    def work() -> None:
        while True:
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results.put((index, function(item)))
            except BaseException as error:
                results.put((index, error))

    for number in range(min(count, len(items))):
        threading.Thread(target=work, name=f"warnews-{number}", daemon=True).start()
    for _ in items:
        while True:
            try:
                index, result = results.get(timeout=0.2)  # a short wait lets signals in
                break
            except queue.Empty:
                continue
        if isinstance(result, BaseException):
            raise result
        yield index, result


def _identity(extracted: Extracted, canonical: str) -> list[str]:
    """What makes an article the same as one done before: its canonical URL, final URL and
    text. A Telegram post: its permalink, and the post it forwards, its canonical URL
    (never its text alone: a channel repeats short texts in posts that are each news of
    their own)."""
    if extracted.article.post is None:
        return [canonical, url_key(extracted.source.url or ""), extracted.sha256]
    return [canonical, url_key(extracted.source.url or "")]


def _without_boilerplate(state: State, row: Row, extracted: Extracted) -> Extracted:
    """The article without what its site repeats across articles (see drop_recurring), its
    paragraphs counted for the site's next articles: before translation, so that a failure
    later (the translator) leaves them counted, once, for this article's row."""
    where = boilerplate_site(extracted)
    article = extracted.article
    if where is None or not article.paragraphs:
        return extracted
    recurring = state.boilerplate(
        where,
        row.id,
        map(paragraph_key, article.paragraphs),
        lambda recurring: republished(article, recurring),
    )
    pruned = drop_recurring(article, recurring)
    if pruned is article:
        return extracted
    _log.info(
        "%s: %d paragraphs dropped as %s's boilerplate",
        extracted.source.name,
        len(article.paragraphs) - len(pruned.paragraphs),
        where,
    )
    return extracted.pruned(pruned)


def boilerplate_site(extracted: Extracted) -> str | None:
    """Whose boilerplate an article carries: a Telegram post's channel (t.me/NAME: channels
    sign every post alike), a page's site (the registrable domain of its final URL); None
    for a local file."""
    post = extracted.article.post
    if post is not None and post.get("channel"):
        return f"t.me/{str(post['channel']).lower()}"
    if extracted.source.url:
        return site(extracted.source.url)
    return None


def _feed_date(row: Row | None) -> date | None:
    """The date the feed item that brought this article gave it."""
    try:
        return date.fromisoformat(row.published) if row is not None and row.published else None
    except ValueError:
        return None


def is_url(name: str) -> bool:
    """An http:// or https:// URL with a host: what the state keeps rows for."""
    try:
        parts = urlsplit(name)
        return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    except ValueError:
        return False


def _finished(row: Row) -> bool:
    """Done or a duplicate, and its file is still there."""
    return row.status in ("done", "skipped") and row.path is not None and row.path.exists()


def _unexpected(error: Exception) -> str:
    where = traceback.extract_tb(error.__traceback__)[-1]
    return f"unexpected {type(error).__name__}: {error} (at {Path(where.filename).name}:{where.lineno})"
