"""Integrity under hostile or unlucky conditions: paragraphs that come back invisible,
temporary files that someone else planted, cleanup of files that are not warnews's, two
processes writing one folder, a page that claims another site's article, a damaged
translation memory, read-only state and output folders, and a second signal.
"""

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
from pages import WARNEWS, article_page, body_paragraphs, rss, state_articles, texts, ukrainian_paragraphs
from translators import _MARKER, GoogleEmulator, emulate_translation

POISON = "Отруйне"
TITLE = "Волонтери доставили генератори"
INVISIBLE = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff]")
BLANKS = ["\u200b", "\ufeff", "\u200b \u200c"]


class BlankingGoogle(GoogleEmulator):
    """Google's page answering some paragraphs with nothing visible.

    mode (or poison_mode, for texts holding the poison word) "zwsp": each paragraph of a
    request (the text between [[N]] marks) holding the poison word comes back as `blank`,
    the others translated; "blank": every paragraph comes back as `blank`.
    """

    blank = "\u200b"
    barrier = None  # a threading.Barrier: requests are held until that many arrived

    def gather(self, count, timeout=1.0):
        """Hold the next `count` requests until all have arrived (or `timeout` passed), then
        answer them at once: articles of several processes come back, and are saved, together."""
        self.barrier = threading.Barrier(count, timeout=timeout)

    def _answer(self, request, text, mode, terms=None):
        if self.barrier is not None:
            try:
                self.barrier.wait()
            except threading.BrokenBarrierError:  # they did not all come: answer at once
                pass
        if mode not in ("zwsp", "blank"):
            super()._answer(request, text, mode, terms)
            return
        parts = []
        for part in re.split(r"(\[\[\d+\]\])", text):
            if _MARKER.fullmatch(part):
                parts.append(part)
            elif mode == "blank" or (self.poison and self.poison in part):
                parts.append(self.blank)
            else:
                parts.append(emulate_translation(part, self.phrasebook))
        self.answer(request, " ".join(parts))


@pytest.fixture
def google():  # overrides conftest's: the environment fixture points warnews here
    with BlankingGoogle() as server:
        yield server


def memory_path(tmp_path):
    return tmp_path / "cache" / "warnews" / "translations.sqlite3"


def memory_translations(tmp_path):
    path = memory_path(tmp_path)
    if not path.exists():
        return []
    database = sqlite3.connect(path)
    try:
        return [row[0] for row in database.execute("SELECT translation FROM translations")]
    finally:
        database.close()


def state_rows(tmp_path):
    return state_articles(tmp_path, "status", "last_error")


def launch(environment, cwd, *args, env=None, timeout=60):
    """Run warnews in cwd; return (CompletedProcess, pid)."""
    process = subprocess.Popen(
        [str(WARNEWS), *map(str, args)],
        env={**environment, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), process.pid


def no_crash(result):
    assert "Traceback" not in result.stderr, result.stderr
    assert "unexpected" not in result.stderr, result.stderr


# --- 1. no paragraph lost silently ---


@pytest.mark.parametrize("blank", BLANKS, ids=["zwsp", "bom", "zwsp-space-zwnj"])
def test_invisible_paragraph_fails_the_article_and_is_not_remembered(run, site, google, tmp_path, blank):
    google.blank = blank
    google.poison, google.poison_mode = POISON, "zwsp"
    paragraphs = ukrainian_paragraphs(3, seed=4)
    paragraphs[1] = f"{POISON} повідомлення: " + paragraphs[1]
    bad = site.add("/poisoned", article_page("Енергетики відновили світло", paragraphs))
    good = site.add("/good", article_page(TITLE, ukrainian_paragraphs(3)))
    result = run("fetch", bad, good, "-o", "out", "--timeout", "5")
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"warnews: error: {bad}: "), lines[0]
    assert "Google failed" in lines[0] and "empty" in lines[0], lines[0]
    assert result.returncode == 1
    out = tmp_path / "out"
    saved = texts(out)
    assert len(saved) == 1 and len(list(out.glob("*.json"))) == 1, sorted(p.name for p in out.iterdir())
    assert json.loads(saved[0].with_suffix(".json").read_text())["source"] == good
    assert state_rows(tmp_path)[bad][0] == "failed"
    remembered = memory_translations(tmp_path)
    assert remembered, "the good article's translations are remembered"
    assert all(INVISIBLE.sub("", translation) for translation in remembered), remembered

    google.poison = None
    google.reset()
    again = run("fetch", bad, "-o", "out", "--force")
    assert again.returncode == 0, again.stderr
    [path] = again.stdout.splitlines()
    text = (tmp_path / path).read_text()
    body = body_paragraphs(text)
    assert len(body) == 3 and all(INVISIBLE.sub("", paragraph) for paragraph in body), text
    assert body == [emulate_translation(paragraph) for paragraph in paragraphs]
    assert json.loads((tmp_path / path).with_suffix(".json").read_text())["paragraphs"] == 3
    assert any(POISON in sent for sent in google.texts), "the lost paragraph is asked for again"
    assert all(INVISIBLE.sub("", translation) for translation in memory_translations(tmp_path))


@pytest.mark.parametrize("blank", BLANKS, ids=["zwsp", "bom", "zwsp-space-zwnj"])
def test_all_paragraphs_invisible_writes_no_header_only_file(run, site, google, tmp_path, blank):
    google.blank, google.mode = blank, "blank"
    url = site.add("/blank", article_page(TITLE, ukrainian_paragraphs(3)))
    result = run("fetch", url, "-o", "out", "--timeout", "5")
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"warnews: error: {url}: "), result.stderr
    assert "Google failed" in lines[0], lines[0]
    assert result.returncode == 1
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    assert state_rows(tmp_path)[url][0] == "failed"
    assert all(INVISIBLE.sub("", translation) for translation in memory_translations(tmp_path))


# --- 2. temporary files cannot be hijacked ---


def learn_name(environment, site, tmp_path, url):
    """The stem warnews gives this article (a first run into another folder and state)."""
    probe, _ = launch(
        environment, tmp_path, "fetch", url, "-o", "probe", env={"WARNEWS_STATE": str(tmp_path / "probe.db")}
    )
    assert probe.returncode == 0, probe.stderr
    return os.path.basename(probe.stdout.strip())[: -len(".txt")]


def next_pids(count):
    """The pids the next `count` processes are likely to get."""
    started = subprocess.Popen(["true"])
    started.wait()
    pid_max = int(open("/proc/sys/kernel/pid_max").read())
    pids = []
    pid = started.pid
    for _ in range(count):
        pid += 1
        if pid >= pid_max:
            pid = 301
        pids.append(pid)
    return pids


@pytest.fixture
def out_on_tmpfs(tmp_path):
    """tmp_path/out on a tmpfs when one can be mounted: thousands of symlinks are made in a
    blink there, against seconds on a busy disk. A plain folder otherwise."""
    out = tmp_path / "out"
    out.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(out)]
    mounted = subprocess.run(command, capture_output=True)
    yield out
    if mounted.returncode == 0:
        subprocess.run(["umount", str(out)], check=True)


@pytest.mark.parametrize("target", ["existing", "dangling"])
def test_planted_temporary_symlinks_are_not_followed(environment, site, tmp_path, out_on_tmpfs, target):
    paragraphs = ukrainian_paragraphs(3)
    url = site.add("/news", article_page(TITLE, paragraphs))
    name = learn_name(environment, site, tmp_path, url)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    pointed = str(victim if target == "existing" else tmp_path / "created-outside")
    out = out_on_tmpfs
    pids = next_pids(3000)
    for pid in pids:
        for file in (f"{name}.txt", f"{name}.json"):
            os.symlink(pointed, out / f".{file}.{pid}.tmp")
    result, pid = launch(environment, tmp_path, "fetch", url, "-o", "out", "--force")
    assert pid in pids, "the run's pid was not among those planted: the test proves nothing"
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious\n", "a file outside the output folder was overwritten"
    assert not (tmp_path / "created-outside").exists(), "a file was created outside the output folder"
    [path] = result.stdout.splitlines()
    saved = tmp_path / path
    assert saved.parent == out and not saved.is_symlink() and saved.is_file()
    assert body_paragraphs(saved.read_text()) == [emulate_translation(p) for p in paragraphs]
    sidecar = saved.with_suffix(".json")
    assert not sidecar.is_symlink() and json.loads(sidecar.read_text())["source"] == url


@pytest.mark.parametrize("target", ["existing", "dangling"])
def test_symlink_at_the_final_name_is_not_followed(environment, site, tmp_path, target):
    paragraphs = ukrainian_paragraphs(3)
    url = site.add("/news", article_page(TITLE, paragraphs))
    name = learn_name(environment, site, tmp_path, url)
    outside_text, outside_meta = tmp_path / "outside.txt", tmp_path / "outside.json"
    if target == "existing":
        outside_text.write_text("precious\n")
        outside_meta.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{name}.txt").symlink_to(outside_text)
    (out / f"{name}.json").symlink_to(outside_meta)
    result, _ = launch(environment, tmp_path, "fetch", url, "-o", "out", "--force")
    assert result.returncode == 0, result.stderr
    if target == "existing":
        assert outside_text.read_text() == "precious\n" and outside_meta.read_text() == "precious\n"
    else:
        assert not outside_text.exists() and not outside_meta.exists(), "created outside the output folder"
    [path] = result.stdout.splitlines()
    saved = tmp_path / path
    assert saved.parent == out and not saved.is_symlink() and saved.is_file()
    assert body_paragraphs(saved.read_text()) == [emulate_translation(p) for p in paragraphs]
    assert not saved.with_suffix(".json").is_symlink()


# --- 3. cleanup touches only warnews's own temporary files ---


def test_cleanup_leaves_user_dot_tmp_files_alone(environment, site, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    mine = {".notes.123.tmp": "my notes\n", ".X.99999.tmp": "x\n", ".draft.txt.4242.tmp": "draft\n"}
    for file, content in mine.items():
        (work / file).write_text(content)
    url = site.add("/news", article_page(TITLE, ukrainian_paragraphs(3)))
    result, _ = launch(environment, work, "fetch", url)
    assert result.returncode == 0, result.stderr
    assert len(texts(work)) == 1
    left = {file: (work / file).read_text() for file in mine if (work / file).exists()}
    assert left == mine, "files that are not warnews's were removed"


# --- 4. two processes, one folder ---

SHARED_TITLE = "Спільний заголовок новини"
REPETITIONS = {"translate": 5, "fetch": 4}  # python's start-up makes a round cost ~3-4 s
FAST = ["--translator-rate", "1000", "--no-cache"]  # every article asks the translator, all at once


def check_distinct(out, expected):
    """8 articles, each its own .txt with its own sidecar, none lost or overwritten.
    expected: {source: paragraphs}."""
    saved = texts(out)
    assert len(saved) == len(expected), sorted(p.name for p in out.iterdir())
    sources = []
    for text in saved:
        meta = json.loads(text.with_suffix(".json").read_text())
        assert meta["file"] == text.name
        sources.append(meta["source"])
        assert body_paragraphs(text.read_text()) == [
            emulate_translation(p) for p in expected[meta["source"]]
        ], f"{text.name} does not hold the article its sidecar names"
    assert sorted(sources) == sorted(expected)


def start_together(environment, cwd, commands):
    processes = [
        subprocess.Popen(
            [str(WARNEWS), *map(str, args)],
            env=environment,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    results = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
        results.append((process.returncode, out, err))
    return results


def test_two_translate_processes_one_folder(environment, google, tmp_path):
    for repetition in range(REPETITIONS["translate"]):
        google.gather(8)
        round_ = tmp_path / f"round{repetition}"
        expected, commands = {}, []
        for side in "ab":
            folder = round_ / side
            folder.mkdir(parents=True)
            files = []
            for number in range(4):
                seed = (0 if side == "a" else 4) + number + 8 * repetition
                paragraphs = ukrainian_paragraphs(2, seed=seed)
                source = folder / f"{number}.txt"
                source.write_text(SHARED_TITLE + "\n\n" + "\n\n".join(paragraphs) + "\n")
                expected[str(source)] = paragraphs
                files.append(source)
            commands.append(["translate", *files, "-o", round_ / "out", *FAST])
        for code, _out, err in start_together(environment, round_, commands):
            assert code == 0, err
        check_distinct(round_ / "out", expected)


def test_two_fetch_processes_one_folder(environment, site, google, tmp_path):
    for repetition in range(REPETITIONS["fetch"]):
        google.gather(8)
        round_ = tmp_path / f"round{repetition}"
        round_.mkdir()
        expected, commands = {}, []
        for side in "ab":
            urls = []
            for number in range(4):
                seed = (0 if side == "a" else 4) + number + 8 * repetition
                paragraphs = ukrainian_paragraphs(2, seed=seed)
                url = site.add(f"/r{repetition}/{side}/{number}", article_page(SHARED_TITLE, paragraphs))
                expected[url] = paragraphs
                urls.append(url)
            state = round_ / f"state-{side}.sqlite3"
            commands.append(["fetch", *urls, "-o", round_ / "out", "--state", state, *FAST])
        for code, _out, err in start_together(environment, round_, commands):
            assert code == 0, err
        check_distinct(round_ / "out", expected)


# --- 5. a canonical URL on another site does not make an article a duplicate ---


@pytest.fixture
def sites(proxy, site, google):
    """news-a.example, m.news-a.example, www.news-a.example and news-b.example through the proxy."""
    for host in ("news-a.example", "m.news-a.example", "www.news-a.example", "news-b.example"):
        proxy.route(host, site)
    proxy.route("translate.invalid", google)
    return {"HTTP_PROXY": proxy.origin, "WARNEWS_GOOGLE_URL": "http://translate.invalid/m"}


def fetch_one_then_the_other(run, sites, first, second):
    """Fetch first, then second (one state, one folder); second's JSON line."""
    earlier = run("fetch", first, "-o", "out", env=sites)
    assert earlier.returncode == 0, earlier.stderr
    later = run("fetch", second, "-o", "out", "--json", env=sites)
    assert later.returncode == 0, later.stderr
    [line] = [json.loads(line) for line in later.stdout.splitlines()]
    return line


def test_canonical_on_another_site_does_not_hide_that_sites_article(run, site, sites, tmp_path):
    claim = '<link rel="canonical" href="http://news-b.example/b">'
    site.add("/a", article_page("Новина сайту А", ukrainian_paragraphs(3, seed=1), head=claim))
    site.add("/b", article_page("Новина сайту Б", ukrainian_paragraphs(3, seed=20)))
    line = fetch_one_then_the_other(run, sites, "http://news-a.example/a", "http://news-b.example/b")
    assert line["status"] == "done", line
    assert len(texts(tmp_path / "out")) == 2
    assert state_articles(tmp_path, "status")["http://news-b.example/b"] == ("done",)


def test_canonical_on_the_same_site_is_still_the_same_article(run, site, sites, tmp_path):
    claim = '<link rel="canonical" href="http://www.news-a.example/x">'
    paragraphs = ukrainian_paragraphs(3, seed=2)
    site.add("/mobile/x", article_page("Новина сайту А", paragraphs[:2], head=claim))
    site.add("/x", article_page("Новина сайту А", paragraphs))
    line = fetch_one_then_the_other(
        run, sites, "http://m.news-a.example/mobile/x", "http://www.news-a.example/x"
    )
    assert line["status"] == "skipped", line
    assert len(texts(tmp_path / "out")) == 1


# --- 6. a damaged translation memory is a cache ---


def damage_memory(environment, site, tmp_path):
    """A memory with rows (a first run with a state of its own), then all but its header random."""
    url = site.add("/first", article_page("Перша новина дня", ukrainian_paragraphs(4, seed=30)))
    first, _ = launch(
        environment, tmp_path, "fetch", url, "-o", "first", env={"WARNEWS_STATE": str(tmp_path / "first.db")}
    )
    assert first.returncode == 0, first.stderr
    path = memory_path(tmp_path)
    assert memory_translations(tmp_path), "the first run filled the memory"
    for extra in ("-wal", "-shm"):
        (path.parent / (path.name + extra)).unlink(missing_ok=True)
    data = path.read_bytes()
    noise = random.Random(20241126).randbytes(len(data) - 100)
    path.write_bytes(data[:100] + noise)
    return path


def test_damaged_memory_is_moved_aside_and_the_run_goes_on(environment, site, tmp_path):
    path = damage_memory(environment, site, tmp_path)
    a = site.add("/a", article_page(TITLE, ukrainian_paragraphs(3, seed=1)))
    b = site.add("/b", article_page("Енергетики відновили світло", ukrainian_paragraphs(3, seed=2)))
    result, _ = launch(environment, tmp_path, "fetch", a, b, "-o", "out")
    no_crash(result)
    assert result.returncode == 0, result.stderr
    assert len(texts(tmp_path / "out")) == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warnews: warning:"), lines[0]
    assert "translation memory" in lines[0] and "damaged" in lines[0], lines[0]
    aside = [
        p for p in path.parent.iterdir() if p.name.startswith("translations.sqlite3") and "damaged" in p.name
    ]
    assert aside, sorted(p.name for p in path.parent.iterdir())
    database = sqlite3.connect(path)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert database.execute("SELECT COUNT(*) FROM translations").fetchone()[0] > 0
    finally:
        database.close()


@pytest.mark.parametrize("command", ["stats", "clear"])
def test_cache_commands_on_a_damaged_memory(environment, site, tmp_path, command):
    damage_memory(environment, site, tmp_path)
    result, _ = launch(environment, tmp_path, "cache", command)
    no_crash(result)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and any(line.startswith("warnews: warning:") for line in lines), result.stderr


# --- 7. a state database on a read-only file system ---


def mount_tmpfs(folder, options):
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]
    mounted = subprocess.run(command, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")


@pytest.fixture
def read_only_state(environment, site, tmp_path, request):
    """A state folder on a read-only tmpfs: empty, or holding a state made before it was remounted."""
    folder = tmp_path / "ro"
    url = site.add("/news", article_page(TITLE, ukrainian_paragraphs(3)))
    feed = site.add("/rss.xml", rss([url]), "application/rss+xml")
    mount_tmpfs(folder, "ro,size=64k" if request.param == "empty" else "size=1m")
    try:
        if request.param == "remounted":
            failing = site.add("/gone", b"<h1>Gone</h1>", status=404)
            made, _ = launch(
                environment,
                tmp_path,
                "fetch",
                url,
                failing,
                "-o",
                "first",
                env={"WARNEWS_STATE": str(folder / "state.sqlite3")},
            )
            assert made.returncode == 1 and (folder / "state.sqlite3").exists(), made.stderr
            remounted = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True)
            assert remounted.returncode == 0, remounted.stderr
        yield folder / "state.sqlite3", url, feed
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("read_only_state", ["empty", "remounted"], indirect=True)
@pytest.mark.parametrize("command", ["fetch", "retry", "feed", "status"])
def test_state_on_a_read_only_file_system(environment, tmp_path, read_only_state, command):
    state, url, feed = read_only_state
    args = {
        "fetch": ["fetch", url, "-o", "out"],
        "retry": ["retry"],
        "feed": ["feed", feed, "-o", "out"],
        "status": ["status"],
    }[command]
    result, _ = launch(environment, tmp_path, *args, env={"WARNEWS_STATE": str(state)})
    no_crash(result)
    if command == "status" and not state.exists():  # nothing has run: said so, exit 0
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert result.stdout.startswith("no state database at ")
        return
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warnews: error:"), result.stderr


# --- 8. an output folder on a read-only file system ---


@pytest.mark.parametrize("sub", ["", "sub"])
def test_output_on_a_read_only_file_system(environment, site, tmp_path, sub):
    folder = tmp_path / "ro"
    mount_tmpfs(folder, "ro,size=64k")
    try:
        url = site.add("/news", article_page(TITLE, ukrainian_paragraphs(3)))
        result, _ = launch(environment, tmp_path, "fetch", url, "-o", folder / sub if sub else folder)
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    no_crash(result)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("warnews: error:") for line in lines), result.stderr


# --- 9. a second signal ends the process with the documented code ---


@pytest.mark.parametrize("delay", [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4])
@pytest.mark.parametrize("signal_name, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_second_signal_exits_with_the_documented_code(
    spawn, site, google, tmp_path, signal_name, code, delay
):
    google.mode = "stall"
    url = site.add("/news", article_page(TITLE, ukrainian_paragraphs(3)))
    process = spawn("fetch", url, "-o", "out", "--no-cache")
    deadline = time.monotonic() + 20
    while google.count < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None and google.count >= 1, "warnews never reached the translator"
    time.sleep(0.2)
    number = getattr(signal, signal_name)
    process.send_signal(number)
    if delay:
        time.sleep(delay)
    try:
        process.send_signal(number)
    except ProcessLookupError:
        pass
    assert process.wait(timeout=20) == code
