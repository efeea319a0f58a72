"""A stopped run (SIGINT, SIGTERM) reports everything it did, and nothing else: what the
state recorded during the run is on stdout (paths, JSON lines, documents), in the error
lines, the log, the summary and the run record, in input order, and the last line says
why it stopped, whole, even at a terminal."""

import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import time

import pytest
from pages import WARNEWS, article_page, body_paragraphs, state_articles, texts, ukrainian_paragraphs
from translators import emulate_translation

TITLE = "Енергетики відновили світло у районі"
SIGNALS = [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
ESCAPE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+")


def add_articles(site, count):
    return [
        site.add(f"/news/{n}", article_page(f"{TITLE} {n}", ukrainian_paragraphs(3, seed=n * 11)))
        for n in range(count)
    ]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.02)


def statuses(tmp_path):
    try:
        return {url: status for url, (status,) in state_articles(tmp_path, "status").items()}
    except sqlite3.OperationalError:  # not made yet
        return {}


def last_run(tmp_path):
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    try:
        return database.execute(
            "SELECT done, failed, skipped, exit_code FROM runs ORDER BY id DESC"
        ).fetchone()
    finally:
        database.close()


def output(process):
    process.out.seek(0), process.err.seek(0)
    return process.out.read(), process.err.read()


@pytest.mark.parametrize("signal_name, code, word", SIGNALS)
def test_outputs_held_back_for_input_order_are_printed_when_stopped(
    spawn, site, tmp_path, signal_name, code, word
):
    """The reported case: the first URL never answers, three files are saved, Ctrl-C."""
    slow = site.never_answer("/slow")
    links = add_articles(site, 3)
    (tmp_path / "urls.txt").write_text("\n".join([slow, *links]))
    process = spawn("fetch", "-i", "urls.txt", "-o", "out", "--json", "--concurrency", "4")
    wait_for(lambda: list(statuses(tmp_path).values()).count("done") == 3)
    process.send_signal(getattr(signal, signal_name))
    assert process.wait(timeout=20) == code
    out, err = output(process)
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["url"] for record in records] == links, "in input order, the gap skipped"
    assert {record["status"] for record in records} == {"done"}
    assert sorted(record["path"] for record in records) == sorted(
        str(path.relative_to(tmp_path)) for path in texts(tmp_path / "out")
    )
    assert err == f"warnews: error: {word}\n"
    assert statuses(tmp_path)[slow] == "pending", "left for the next run"


@pytest.mark.parametrize("signal_name, code, word", SIGNALS)
def test_a_stopped_run_reports_what_the_state_recorded(spawn, site, tmp_path, signal_name, code, word):
    """The reported case: a 404 failed while the first URL waited; the stop reports it
    everywhere (error line, JSON line, log, run record), and the counts agree."""
    slow = site.never_answer("/slow")
    [good] = add_articles(site, 1)
    gone = site.url("/gone")
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'urls = ["{slow}", "{gone}", "{good}"]\nout = "news"\n')
    log = tmp_path / "run.log"
    process = spawn("run", "--json", "--concurrency", "4", "--retries", "0", "--log-file", log)
    wait_for(lambda: statuses(tmp_path).get(gone) == "failed" and statuses(tmp_path).get(good) == "done")
    process.send_signal(getattr(signal, signal_name))
    assert process.wait(timeout=20) == code
    out, err = output(process)
    records = [json.loads(line) for line in out.splitlines()]
    assert [(record["url"], record["status"]) for record in records] == [(gone, "failed"), (good, "done")]
    assert err == f"warnews: error: {gone}: HTTP 404 Not Found\nwarnews: error: {word}\n"
    assert last_run(tmp_path) == (1, 1, 0, code)
    text = log.read_text()
    assert f"error {gone}: HTTP 404 Not Found" in text and f"error {word}" in text
    assert re.search(
        rf"run finished: 1 done, 1 failed, 0 skipped, \d+ translator requests, .* exit {code}", text
    )


def test_stdout_documents_are_printed_when_stopped(spawn, site, google, tmp_path):
    slow = site.never_answer("/slow")
    links = add_articles(site, 2)
    process = spawn("fetch", slow, *links, "--stdout", "--concurrency", "4")
    wait_for(lambda: google.count >= 2 and google.concurrency.active == 0)
    time.sleep(0.5)  # not an assertion: the answers read, both documents are made within it
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 143
    out, err = output(process)
    documents = out.split("\f\n")
    assert len(documents) == 2, out
    assert [body_paragraphs(document) for document in documents] == [
        [emulate_translation(paragraph) for paragraph in ukrainian_paragraphs(3, seed=n * 11)]
        for n in range(2)
    ], "in input order, whole"
    assert err == "warnews: error: terminated\n"


def on_a_terminal(environment, tmp_path, *args, stdout_too=False):
    """Start warnews with stderr (and stdout_too) on a pseudo-terminal; read it as it comes."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(WARNEWS), *map(str, args)],
        env={**environment, "COLUMNS": "100"},
        cwd=tmp_path,
        stdout=slave if stdout_too else subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    return process, master


def rows_shown(stream):
    """The rows a terminal shows after this stream: enough of one to follow rich's live
    display (carriage return, new line, cursor up, erase line); other escapes ignored."""
    rows, row, column = [[]], 0, 0
    for match in ESCAPE.finditer(stream):
        token, (argument, command) = match.group(), match.group(1, 2)
        if token == "\r":
            column = 0
        elif token == "\n":
            row, column = row + 1, 0
            rows.extend([] for _ in range(row + 1 - len(rows)))
        elif command == "A":
            row = max(0, row - int(argument or 1))
        elif command == "K":
            rows[row] = rows[row][:column] if argument == "" or argument == "0" else []
        elif command is None:
            line = rows[row]
            line[column : column + len(token)] = list(token)
            column += len(token)
    return ["".join(line).rstrip() for line in rows]


def screen_of(process, master):
    """Everything the terminal got, once the process is gone."""
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    process.wait(timeout=20)
    return screen.decode(errors="replace")


@pytest.mark.parametrize("signal_name, code, word", SIGNALS)
def test_at_a_terminal_the_last_line_is_whole(environment, site, tmp_path, signal_name, code, word):
    """The reported case: the progress display overwrote the final line ("rror: interrupted")."""
    slow = site.never_answer("/slow")
    links = add_articles(site, 2)
    process, master = on_a_terminal(environment, tmp_path, "fetch", slow, *links, "-o", "out")
    wait_for(lambda: len(texts(tmp_path / "out")) == 2 if (tmp_path / "out").exists() else False)
    process.send_signal(getattr(signal, signal_name))
    out = process.stdout.read().decode()
    screen = screen_of(process, master)
    assert process.returncode == code
    shown = [row for row in rows_shown(screen) if row]
    assert shown[-1] == f"warnews: error: {word}", repr(screen[-400:])
    summary = "\n".join(shown)
    assert re.search(r"done\s+2", summary) and re.search(r"failed\s+0", summary), "the summary, then the line"
    assert len(out.splitlines()) == 2, "the two paths, though stopped"


def test_json_lines_at_a_terminal_are_never_broken_by_progress(environment, site, tmp_path):
    """stdout and stderr on one terminal: each JSON line whole, above the progress bars."""
    links = [*add_articles(site, 3), site.url("/gone")]
    process, master = on_a_terminal(
        environment, tmp_path, "fetch", *links, "-o", "out", "--json", stdout_too=True
    )
    screen = rows_shown(screen_of(process, master))
    assert process.returncode == 1, screen
    records = [json.loads(line) for line in screen if line.startswith("{")]
    assert [record["url"] for record in records] == links, screen


def test_a_run_stopped_before_any_work_records_nothing(spawn, site, tmp_path):
    """Stopped while the only URL waits: no output, no counts, the row left pending."""
    slow = site.never_answer("/slow")
    log = tmp_path / "run.log"
    process = spawn("fetch", slow, "-o", "out", "--json", "--log-file", log)
    wait_for(lambda: site.hits["/slow"])
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 130
    assert output(process) == ("", "warnews: error: interrupted\n")
    assert last_run(tmp_path) == (0, 0, 0, 130)
    assert "fetch finished: 0 done, 0 failed, 0 skipped" in log.read_text()
    assert statuses(tmp_path) == {slow: "pending"}


# --- --stdout: documents told apart, and in JSON lines ---


def test_stdout_json_carries_the_document(run, tmp_path):
    """The reported case: `translate FILE --stdout --json` said "path": null and no document."""
    (tmp_path / "a.txt").write_text("\n\n".join(ukrainian_paragraphs(2)))
    alone = run("translate", "a.txt", "--stdout")
    result = run("translate", "a.txt", "--stdout", "--json")
    assert alone.returncode == result.returncode == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["path"] is None and record["status"] == "done"
    assert record["document"] == alone.stdout and "\f" not in alone.stdout


def test_saved_files_have_no_document_in_json(run, tmp_path):
    (tmp_path / "a.txt").write_text("\n\n".join(ukrainian_paragraphs(2)))
    result = run("translate", "a.txt", "-o", "out", "--json")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["path"] and "document" not in record


def test_stdout_documents_are_separated_by_a_form_feed_line(run, site, tmp_path):
    """The reported case: several documents on stdout, nothing between them. A line holding
    only a form feed goes between documents (not before the first, not after the last, not
    for a failure)."""
    links = add_articles(site, 3)
    result = run("fetch", links[0], site.url("/gone"), *links[1:], "--stdout", "--concurrency", "4")
    assert result.returncode == 1
    assert result.stdout.count("\f") == 2 and not result.stdout.startswith("\f")
    documents = result.stdout.split("\f\n")
    assert all(document.endswith("\n") and not document.endswith("\n\n") for document in documents)
    assert [body_paragraphs(document) for document in documents] == [
        [emulate_translation(paragraph) for paragraph in ukrainian_paragraphs(3, seed=n * 11)]
        for n in range(3)
    ]
    one = run("fetch", links[0], "--stdout")
    assert one.stdout == documents[0], "one document: no separator"


def test_translate_files_to_stdout_are_separated_too(run, tmp_path):
    for name, seed in (("a.txt", 1), ("b.txt", 2)):
        (tmp_path / name).write_text("\n\n".join(ukrainian_paragraphs(2, seed=seed)))
    result = run("translate", "a.txt", "b.txt", "--stdout")
    assert result.returncode == 0, result.stderr
    documents = result.stdout.split("\f\n")
    assert [body_paragraphs(document) for document in documents] == [
        [emulate_translation(paragraph) for paragraph in ukrainian_paragraphs(2, seed=seed)]
        for seed in (1, 2)
    ]


# --- the rule itself: an outcome is recorded and reported, or not recorded at all ---


def test_after_the_stop_nothing_is_recorded_and_what_was_recorded_is_reported():
    """What no signal timing can show reliably: a worker that records after the main
    thread stopped reading. Its outcome is reported by the stop; after the stop a worker
    records nothing (its row stays for the next run)."""
    import threading
    from types import SimpleNamespace

    from warnews._runner import Batch, Outcome
    from warnews._settings import Settings

    emitted = []
    pipeline = SimpleNamespace(settings=Settings(), stop=threading.Event())
    batch = Batch(pipeline, None, emitted.append)
    written = []
    batch._reported.add(0)
    assert batch._record(0, Outcome("a", "done"), lambda: written.append("a"))
    assert batch._record(2, Outcome("c", "failed", error="HTTP 404 Not Found"), lambda: written.append("c"))
    assert batch._record(1, Outcome("b", "done"), lambda: written.append("b"))
    batch._stop()
    assert pipeline.stop.is_set()
    assert [outcome.name for outcome in emitted] == ["b", "c"], "the unreported ones, in input order"
    assert batch.counts == {"done": 1, "failed": 1}
    assert batch._record(3, Outcome("d", "done"), lambda: written.append("d")) is None
    assert written == ["a", "c", "b"], "nothing recorded after the stop"


def test_a_stop_waits_while_an_outcome_is_reported():
    """A signal in the middle of reporting one outcome (its error line said, its JSON line
    not yet) would leave the counts disagreeing: the stop waits for the end of it."""
    from warnews._gate import Gate

    gate, said = Gate(), []
    with pytest.raises(KeyboardInterrupt):
        with gate.held():
            said.append("error line")
            gate.stop()  # what the signal handler does
            said.append("JSON line")
    assert said == ["error line", "JSON line"]
    with pytest.raises(KeyboardInterrupt):
        gate.stop()  # not reporting: at once
    with gate.held():
        pass  # nothing left waiting
