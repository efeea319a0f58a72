"""Several hosts, one PostgreSQL state (issue 17): `warnews run` processes with their own
--host names share one feed's articles; some are killed (SIGKILL) at random moments, a
last run finishes after their leases ran out; every article is then on disk exactly once,
done once in the state, no claim is left, each sidecar names the host that made it, and
no paragraph was translated twice but those of articles a killed run had in hand.

The moments are random: the seed is printed (shown when a test fails) and
WARNEWS_TEST_SEED=N replays one.
"""

import json
import os
import random
import re
import signal
import subprocess
import time
from collections import Counter, defaultdict
from typing import ClassVar

import pytest
from pages import WARNEWS, article_page, rss, ukrainian_paragraphs
from translators import emulate_translation

from pgserver import wait_for

ARTICLES = 40
PARAGRAPHS = 3
LEASE = 4  # seconds; a live run renews its claims every LEASE/3 (a loaded machine may starve it a while)
CONCURRENCY = 3
HOSTS = ["h0", "h1", "h2", "h3"]
TOKEN = "Повідомлення"  # each paragraph ends "Повідомлення N-K." (article N, paragraph K)
TOKEN_RE = re.compile(TOKEN + r" (\d+)-(\d+)")


def paragraphs(number):
    return [
        f"{text} {TOKEN} {number}-{index}."
        for index, text in enumerate(ukrainian_paragraphs(PARAGRAPHS, seed=number * 5))
    ]


@pytest.fixture
def news(site, tmp_path):
    """ARTICLES pages in one feed; titles repeat every 6 articles, so that a shared folder
    needs -2, -3... names and two hosts may want one name at once."""
    links = [
        site.add(f"/news/{number}", article_page(f"Новина дня номер {number % 6}", paragraphs(number)))
        for number in range(ARTICLES)
    ]
    feed = site.add("/rss.xml", rss(links), "application/rss+xml")
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'feeds = ["{feed}"]\n')
    return links


@pytest.fixture
def seed():
    value = int(os.environ.get("WARNEWS_TEST_SEED") or random.randrange(1 << 32))
    print(f"seed: {value} (WARNEWS_TEST_SEED={value} replays it)")
    return value


@pytest.fixture(autouse=True)
def no_host_left():
    """Every host a test started is ended with it, whatever failed."""
    yield
    for host in Host.started:
        if host.process.poll() is None:
            host.process.kill()
            host.process.wait()
        host.stdout.close(), host.stderr.close()
    Host.started.clear()


class Host:
    """One `warnews run` in the background, its stdout (--json) and stderr kept in files."""

    started: ClassVar[list["Host"]] = []

    def __init__(self, name, out, environment, tmp_path):
        self.name, self.out, self.killed = name, out, False
        self.stdout = open(tmp_path / f"{name}.out", "w+")
        self.stderr = open(tmp_path / f"{name}.err", "w+")
        self.process = subprocess.Popen(
            [
                str(WARNEWS),
                "run",
                "--json",
                "--host",
                name,
                "--lease",
                str(LEASE),
                "-o",
                out,
                "--concurrency",
                str(CONCURRENCY),
            ],
            env=environment,
            cwd=tmp_path,
            stdout=self.stdout,
            stderr=self.stderr,
        )
        Host.started.append(self)

    def kill(self):
        """SIGKILL, unless it has ended already."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.killed = self.process.wait() == -signal.SIGKILL

    def finish(self, timeout=60):
        self.process.wait(timeout)
        self.stdout.seek(0), self.stderr.seek(0)
        self.lines, self.errors = self.stdout.read(), self.stderr.read()
        self.stdout.close(), self.stderr.close()

    def done(self):
        """The articles it said it saved: {url: path}. A killed run's last line may be cut."""
        records = {}
        for line in self.lines.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                assert self.killed and line == self.lines.splitlines()[-1], line
                continue
            if record["status"] == "done":
                assert record["url"] not in records
                records[record["url"]] = record["path"]
        return records


def claimed(database, host):
    """Whether this host's run holds a claim on an article now."""
    with database.connect() as connection:
        if not made(connection):
            return False
        query = "SELECT count(*) FROM articles WHERE claimed_by LIKE %s AND claimed_until > %s"
        return connection.execute(query, [host + "/%", time.time()]).fetchone()[0] > 0


def done(database):
    """Articles done."""
    with database.connect() as connection:
        query = "SELECT count(*) FROM articles WHERE status = 'done'"
        return connection.execute(query).fetchone()[0] if made(connection) else 0


def recorded(database):
    """Articles in the state."""
    with database.connect() as connection:
        return connection.execute("SELECT count(*) FROM articles").fetchone()[0] if made(connection) else 0


def made(connection):
    """Whether a run made the schema yet."""
    return connection.execute("SELECT to_regclass('claims') IS NOT NULL").fetchone()[0]


def live_claims(database):
    """Claims not yet expired, of articles, feeds and identity keys."""
    now = time.time()
    with database.connect() as connection:
        return sum(
            connection.execute(query, [now]).fetchone()[0]
            for query in (
                "SELECT count(*) FROM articles WHERE claimed_until > %s",
                "SELECT count(*) FROM feeds WHERE claimed_until > %s",
                'SELECT count(*) FROM claims WHERE "until" > %s',
            )
        )


def kill_in_the_work(host, postgres, after, rng):
    """SIGKILL a host while it holds a claim, once `after` articles are done (a moment of
    the work, not of the clock: the same on a loaded machine), a random moment later."""
    wait_for(
        lambda: host.process.poll() is not None or (done(postgres) >= after and claimed(postgres, host.name)),
        30,
    )
    time.sleep(rng.uniform(0.0, 0.3))
    host.kill()
    print(f"{host.name}: {'killed' if host.killed else 'ended'} after {after} articles done")


def share_and_kill(environment, tmp_path, postgres, google, seed, folder):
    """Run HOSTS against one state (folder(host): its output folder): the first alone until
    it has recorded the feed's items (one run at a time reads a feed: the others, listing
    what is due before they are recorded, could find nothing to do and end, and the kills
    would then hit idle runs), then the others, which take what it has not taken. Two of them
    (random) are killed at random moments of the work. The others end; once the leases
    ran out, a last host runs. Returns every Host."""
    rng, began = random.Random(seed), time.monotonic()
    google.delay = 0.02  # the work lasts long enough to be shared and interrupted
    environment = {**environment, "WARNEWS_STATE": postgres.url}
    first = Host(HOSTS[0], folder(HOSTS[0]), environment, tmp_path)
    assert wait_for(lambda: recorded(postgres) == ARTICLES or first.process.poll() is not None, 30)
    hosts = {first.name: first} | {
        name: Host(name, folder(name), environment, tmp_path) for name in HOSTS[1:]
    }
    first_kill = rng.randint(2, ARTICLES // 3)
    victims = rng.sample(HOSTS, 2)
    print(f"{time.monotonic() - began:.1f} s: the feed is read")
    kill_in_the_work(hosts[victims[0]], postgres, first_kill, rng)
    kill_in_the_work(hosts[victims[1]], postgres, rng.randint(first_kill, 3 * ARTICLES // 4), rng)
    for host in hosts.values():
        host.finish()
        if not host.killed:
            assert host.process.returncode == 0, host.errors
            assert host.errors == ""
    print(
        f"{time.monotonic() - began:.1f} s: (killed, reported done):",
        {name: (host.killed, len(host.done())) for name, host in hosts.items()},
    )
    assert wait_for(lambda: live_claims(postgres) == 0, LEASE + 10), (
        "a dead run's claims outlived their lease"
    )
    print(f"{time.monotonic() - began:.1f} s: the leases are out")
    last = Host("final", folder("final"), environment, tmp_path)
    last.finish()
    print(f"{time.monotonic() - began:.1f} s: the last host ended")
    assert (last.process.returncode, last.errors) == (0, ""), last.errors
    hosts["final"] = last
    return hosts


def check_state(postgres, links):
    """Every article done once in the state, and no claim left."""
    now = time.time()
    with postgres.connect() as connection:
        rows = connection.execute("SELECT url, status FROM articles").fetchall()
        assert sorted(rows) == sorted((url, "done") for url in links)
        for table in ("articles", "feeds"):
            held = connection.execute(
                f"SELECT count(*) FROM {table} WHERE claimed_until >= %s", [now]
            ).fetchone()[0]
            assert held == 0, f"{table}: a claim outlived its run"
        assert connection.execute('SELECT count(*) FROM claims WHERE "until" >= %s', [now]).fetchone()[0] == 0


def saved_files(folders):
    """{source URL: [(text path, sidecar)]} of the complete articles (a text and its sidecar)
    in these folders, and the sidecars without their text."""
    found, lonely = defaultdict(list), []
    for folder in folders:
        for sidecar_path in sorted(folder.glob("*.json")) if folder.exists() else []:
            sidecar = json.loads(sidecar_path.read_text())
            text = sidecar_path.with_name(sidecar["file"])
            if text.exists():
                found[sidecar["source"]].append((text, sidecar))
            else:
                lonely.append(sidecar_path)
    return found, lonely


def check_files(found, links):
    """Each article exactly once, each file holding its own article's paragraphs."""
    assert sorted(found) == sorted(links)
    for url, copies in found.items():
        assert len(copies) == 1, f"{url} saved {len(copies)} times: {copies}"
        [(text, _)] = copies
        number = int(url.rsplit("/", 1)[1])
        body = text.read_text()
        tokens = set(re.findall(emulate_translation(TOKEN) + r" (\d+)-\d+", body))
        assert tokens == {str(number)}, f"{text} holds another article's text"


def check_names(postgres, found):
    """Each file's name is reserved in the state, in its folder, for its own article."""
    with postgres.connect() as connection:
        ids = dict(connection.execute("SELECT url, id FROM articles").fetchall())
        reserved = {
            (folder, name): article
            for folder, name, article in connection.execute("SELECT folder, name, article FROM names")
        }
    for url, [(text, _)] in found.items():
        assert reserved.get((str(text.parent.resolve()), text.stem)) == ids[url], text


def check_requests(google, site, hosts):
    """No paragraph translated twice, but those of articles a killed run had in hand.

    What can be asserted: a killed run may have sent an article's paragraphs and died before
    its answer reached the translation memory (and the state), so the run that takes the
    article over sends them again; such an article's page was downloaded by both, so its
    page has more than one hit. A run holds at most CONCURRENCY articles at once, so at most
    that many per killed run are downloaded again. Every other article's paragraphs are sent
    exactly once, over all hosts (no retry happens: the local servers never fail)."""
    asked = Counter(
        (int(article), int(index)) for text in google.texts for article, index in TOKEN_RE.findall(text)
    )
    assert set(asked) == {(n, k) for n in range(ARTICLES) for k in range(PARAGRAPHS)}
    again = {n for n in range(ARTICLES) if site.hits[f"/news/{n}"] > 1}
    killed = sum(host.killed for host in hosts.values())
    assert len(again) <= killed * CONCURRENCY, again
    twice = {n for (n, _), times in asked.items() if times > 1}
    print(f"downloaded again: {sorted(again)}; paragraphs sent again: {sorted(twice)}")
    assert twice <= again, f"paragraphs of {twice - again} translated twice, though no killed run had them"


def test_hosts_with_their_own_folders_share_a_feed_and_survive_kills(
    environment, tmp_path, postgres, google, site, news, seed
):
    hosts = share_and_kill(environment, tmp_path, postgres, google, seed, lambda name: f"out-{name}")
    check_state(postgres, news)
    found, lonely = saved_files([tmp_path / f"out-{name}" for name in hosts])
    check_files(found, news)
    check_names(postgres, found)
    print("made by:", Counter(sidecar["host"] for copies in found.values() for _, sidecar in copies))
    # A sidecar without its text: a run killed between its two renames (the sidecar first).
    assert all(hosts[path.parent.name[4:]].killed for path in lonely), lonely
    for [(text, sidecar)] in found.values():
        maker = text.parent.name[4:]
        # A file in a killed host's folder may have been finished by the last run there.
        assert sidecar["host"] == maker or (hosts[maker].killed and sidecar["host"] == "final"), (
            text,
            sidecar["host"],
        )
    for name, host in hosts.items():
        for url, path in host.done().items():
            # Its own folder, or a killed host's, whose run saved the article whole before it
            # could say so: the file is taken as it is (done with that file), not made again.
            folder = (tmp_path / path).parent.name
            assert folder == f"out-{name}" or hosts[folder[4:]].killed, (url, path)
            assert found[url][0][0] == tmp_path / path, "reported done but saved elsewhere"
    reported = Counter(url for host in hosts.values() for url in host.done())
    assert max(reported.values()) == 1, "an article reported done by two runs"
    check_requests(google, site, hosts)


def test_hosts_share_one_folder_without_taking_each_others_names(
    environment, tmp_path, postgres, google, site, news, seed
):
    hosts = share_and_kill(environment, tmp_path, postgres, google, seed, lambda name: "shared")
    check_state(postgres, news)
    folder = tmp_path / "shared"
    found, lonely = saved_files([folder])
    check_files(found, news)
    check_names(postgres, found)
    print("made by:", Counter(sidecar["host"] for copies in found.values() for _, sidecar in copies))
    assert not lonely or any(host.killed for host in hosts.values())
    names = Counter(text.name for copies in found.values() for text, _ in copies)
    assert len(names) == ARTICLES and len(list(folder.glob("*.txt"))) == ARTICLES
    for name, host in hosts.items():
        for url, path in host.done().items():
            [(text, sidecar)] = found[url]
            assert text == tmp_path / path
            assert sidecar["host"] == name, f"{text} was made by {name}, its sidecar says {sidecar['host']}"
    reported = Counter(url for host in hosts.values() for url in host.done())
    assert max(reported.values()) == 1, "an article reported done by two runs"
    assert {sidecar["host"] for copies in found.values() for _, sidecar in copies} <= set(hosts)
    check_requests(google, site, hosts)
