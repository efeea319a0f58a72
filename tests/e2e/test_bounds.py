"""Bounds: every download and translator call ends in bounded time and memory, whatever
the other side does (redirect bodies, headers a byte at a time, endless answers, odd
Retry-After values, odd URLs, answers longer than their length), and a run that dies
leaves a traceback behind.

warnews runs under watch here: killed and failed after a wall-clock limit or over
1 GiB resident, so that a regression fails fast instead of hanging or eating the machine.
"""

import json
import os
import signal
import subprocess
import sys
import time
from itertools import count
from typing import NamedTuple

import pytest
from pages import WARNEWS, article_page, peak_mib, texts, ukrainian_paragraphs
from rogue import RogueGoogle, RogueSite, whole_response
from test_faults import TITLE, assert_fault, good_page
from translators import emulate_translation

CEILING_MIB = 1024  # killed above this
BOUNDED_MIB = 400  # what a bounded run stays under
POISON = "Отруйне"
_runs = count()


class Watched(NamedTuple):
    returncode: int
    stdout: str
    stderr: str
    peak_mib: float
    seconds: float
    killed: str | None  # why the watch killed it, or None


def watched(environment, tmp_path, *args, limit=40.0, during=None):
    """Run warnews, killing it after `limit` seconds or above CEILING_MIB resident;
    `during(process, elapsed)` is called every 0.1 s while it runs (to send signals)."""
    number = next(_runs)
    with (
        open(tmp_path / f"watched{number}.out", "w+") as out,
        open(tmp_path / f"watched{number}.err", "w+") as err,
    ):
        started = time.monotonic()
        process = subprocess.Popen(
            [str(WARNEWS), *map(str, args)], env=environment, cwd=tmp_path, stdout=out, stderr=err
        )
        peak, killed, reaped = 0.0, None, False
        try:
            while True:
                pid, status, _ = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    reaped = True
                    break
                elapsed = time.monotonic() - started
                peak = max(peak, peak_mib(process.pid))
                if killed is None and elapsed > limit:
                    killed = f"still running after {limit:g} s"
                elif killed is None and peak > CEILING_MIB:
                    killed = f"over {CEILING_MIB} MiB resident after {elapsed:.1f} s"
                if killed is None and during is not None:
                    during(process, elapsed)
                if killed is not None:
                    process.kill()
                time.sleep(0.1)
        finally:
            if not reaped:  # an error in the watch itself: never leave it running
                process.kill()
                _, status, _ = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return Watched(process.returncode, out.read(), err.read(), peak, seconds, killed)


def finished(result):
    """It ended by itself (and a summary of it for the assertion message)."""
    assert result.killed is None, f"{result.killed}; stderr: {result.stderr[-2000:]}"


@pytest.fixture
def site():
    with RogueSite() as server:
        yield server


@pytest.fixture
def google():
    with RogueGoogle() as server:
        yield server


def other_article(site, path, seed):
    return site.add(
        path, article_page(f"Енергетики відновили світло {seed}", ukrainian_paragraphs(3, seed=seed))
    )


# --- redirects: their bodies are never read ---


@pytest.mark.parametrize("body", ["endless", "bomb", "trickle"])
def test_redirect_body_is_not_read(environment, site, tmp_path, body):
    other_article(site, "/article", 11)
    moved = site.redirect_with_body("/moved", "/article", body)
    result = watched(environment, tmp_path, "fetch", moved, "-o", "out", "--timeout", "2", limit=25)
    finished(result)
    assert result.returncode == 0 and len(texts(tmp_path / "out")) == 1, result.stderr
    assert result.seconds < 20, f"{result.seconds:.1f} s"
    assert result.peak_mib < BOUNDED_MIB, f"{result.peak_mib:.0f} MiB"


def test_page_deadline_covers_every_hop_and_the_headers(environment, site, tmp_path):
    """Four hops, each sending its headers a byte every 0.05 s (well inside the 0.5 s
    timeout, ~4 s a hop): the 5 s deadline runs out on the second hop, long before the
    article at the end of the chain is asked for."""
    other_article(site, "/article", 12)
    for hop in range(4):
        site.slow_redirect(f"/hop{hop}", f"/hop{hop + 1}" if hop < 3 else "/article", every=0.05)
    bad = site.url("/hop0")
    result = watched(
        environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", "--timeout", "0.5", limit=25
    )
    finished(result)
    assert_fault(result, tmp_path, bad, "did not arrive within 10 timeouts (5 s)")
    assert result.seconds < 12, f"{result.seconds:.1f} s"
    assert site.hits["/article"] == 0 and site.hits["/hop3"] == 0, site.hits


def test_headers_that_never_end(environment, site, tmp_path):
    bad = site.endless_headers("/bad", every=0.05)  # a tenth of the timeout, as every trickle here
    result = watched(
        environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", "--timeout", "0.5", limit=30
    )
    finished(result)
    assert_fault(result, tmp_path, bad, "did not arrive within 10 timeouts (5 s)")
    assert result.seconds < 25, f"{result.seconds:.1f} s"


# --- the translator ---


@pytest.mark.parametrize(
    "mode, cause",
    [
        ("slow_headers", "did not arrive within"),
        ("slow_body", "did not arrive within"),
        ("endless", "limit"),
        ("huge_length", "limit"),
    ],
)
def test_translator_answers_are_bounded(environment, site, google, tmp_path, mode, cause):
    google.poison, google.poison_mode = POISON, mode
    bad = site.add("/bad", article_page(f"{POISON} повідомлення", ukrainian_paragraphs(2, seed=5)))
    timeout = "0.5" if mode.startswith("slow") else "1"  # ten bytes a timeout: the deadline, 5 s, ends it
    result = watched(
        environment,
        tmp_path,
        *("fetch", bad, good_page(site), "-o", "out", "--timeout", timeout, "--retries", "0", "--no-cache"),
        limit=35,
    )
    finished(result)
    line = assert_fault(result, tmp_path, bad, "Google failed")
    assert cause in line, line
    assert result.seconds < 30, f"{result.seconds:.1f} s"
    assert result.peak_mib < BOUNDED_MIB, f"{result.peak_mib:.0f} MiB"


# --- Retry-After that cannot be read is no Retry-After ---

ODD_RETRY_AFTER = ["²", "Wed, 21 Oct 99999999999 07:28:00 GMT"]  # "²" goes out as the byte 0xB2


@pytest.mark.parametrize("retry_after", ODD_RETRY_AFTER, ids=["superscript-two", "year-99999999999"])
def test_unreadable_retry_after_from_a_site(environment, site, tmp_path, retry_after):
    bad = site.add("/bad", b"<h1>Busy</h1>", status=503, headers={"Retry-After": retry_after})
    result = watched(
        environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", "--retries", "2", limit=30
    )
    finished(result)
    assert "unexpected" not in result.stderr, result.stderr
    assert_fault(result, tmp_path, bad, "HTTP 503")
    assert site.hits["/bad"] == 3, "tried again, with the usual backoff"


@pytest.mark.parametrize("retry_after", ODD_RETRY_AFTER, ids=["superscript-two", "year-99999999999"])
def test_unreadable_retry_after_from_the_translator(environment, site, google, tmp_path, retry_after):
    google.retry_after, google.throttle_next = retry_after, 1
    url = good_page(site)
    result = watched(
        environment, tmp_path, "fetch", url, "-o", "out", "--retries", "2", "--no-cache", limit=30
    )
    finished(result)
    assert "unexpected" not in result.stderr, result.stderr
    assert result.returncode == 0 and len(texts(tmp_path / "out")) == 1, result.stderr
    assert len(google.throttled_at) == 1 and google.count == 2


# --- URLs warnews does not fetch ---


@pytest.mark.parametrize("target", ["data:text/html,<p>hi</p>", "javascript:alert(1)"])
def test_redirect_to_a_url_without_a_host(environment, site, tmp_path, target):
    bad = site.redirect("/bad", target)
    result = watched(environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", limit=30)
    finished(result)
    assert "unexpected" not in result.stderr, result.stderr
    assert_fault(result, tmp_path, bad, "redirected to an unsupported URL")


def test_invalid_url_given(environment, site, tmp_path):
    bad = "http://0177.0.0.1/x"
    result = watched(environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", limit=30)
    finished(result)
    assert "unexpected" not in result.stderr, result.stderr
    assert_fault(result, tmp_path, bad, "not a valid URL", recorded=False)


def test_redirect_to_an_invalid_url(environment, site, tmp_path):
    bad = site.redirect("/bad", "http://0177.0.0.1/x")
    result = watched(environment, tmp_path, "fetch", bad, good_page(site), "-o", "out", limit=30)
    finished(result)
    assert "unexpected" not in result.stderr, result.stderr
    assert_fault(result, tmp_path, bad, "redirected to")


# --- an answer longer than its Content-Length ---

FAKE_TITLE = "ПІДРОБКА"
FAKE_PARAGRAPHS = [
    "Фальшива відповідь сервера підмінила справжню статтю про генератори.",
    "Цей абзац ніколи не мав потрапити до перекладу жодної новини.",
    "Хакерський трюк із довжиною відповіді вдався на старому зʼєднанні.",
]


def sources(folder):
    """{source URL: translated text} of the files in a folder."""
    return {
        json.loads(path.with_suffix(".json").read_text())["source"]: path.read_text()
        for path in texts(folder)
    }


def test_bytes_after_the_content_length_are_not_the_next_answer(environment, site, tmp_path):
    one_by_one = ("--concurrency", "1", "--per-host", "1")
    # First, that these settings keep one connection alive from article to article.
    a, b = other_article(site, "/a", 21), other_article(site, "/b", 22)
    control = watched(environment, tmp_path, "fetch", a, b, "-o", "control", *one_by_one, limit=30)
    finished(control)
    assert control.returncode == 0 and len(texts(tmp_path / "control")) == 2, control.stderr
    assert len(site.peers) == 1, f"{len(site.peers)} connections: the test needs keep-alive"

    fake = article_page(FAKE_TITLE, FAKE_PARAGRAPHS).encode()
    first = site.overlong(
        "/first", article_page(TITLE, ukrainian_paragraphs(3, seed=31)).encode(), whole_response(fake)
    )
    second_paragraphs = ukrainian_paragraphs(3, seed=32)
    second = site.add("/second", article_page("Жителі громади отримали допомогу", second_paragraphs))
    result = watched(environment, tmp_path, "fetch", first, second, "-o", "out", *one_by_one, limit=30)
    finished(result)
    assert result.returncode == 0, result.stderr
    saved = sources(tmp_path / "out")
    assert sorted(saved) == sorted([first, second]), result.stdout
    for text in saved.values():
        assert emulate_translation(FAKE_TITLE) not in text, text
        for paragraph in FAKE_PARAGRAPHS:
            assert emulate_translation(paragraph) not in text, text
    for paragraph in second_paragraphs:
        assert emulate_translation(paragraph) in saved[second], saved[second]
    assert site.hits["/second"] >= 1


# --- a fatal error leaves a traceback ---


def test_fatal_error_leaves_a_traceback(environment, site, tmp_path):
    bad = site.never_answer("/bad")
    sent = []

    def crash(process, elapsed):
        if not sent and elapsed >= 1.5 and site.hits["/bad"]:  # inside the download
            process.send_signal(signal.SIGSEGV)
            sent.append(elapsed)

    result = watched(
        environment, tmp_path, "fetch", bad, "-o", "out", "--log-file", "log.txt", limit=30, during=crash
    )
    finished(result)
    assert sent, "the signal was sent"
    assert result.returncode != 0
    assert "Fatal Python error" in result.stderr and 'File "' in result.stderr, result.stderr
    log = (tmp_path / "log.txt").read_text(errors="replace")
    assert "Fatal Python error" in log and 'File "' in log, log


# --- soak: run after run on a loaded machine ---

SOAK_RUNS = 7
SOAK_ARTICLES = 30
SOAK_TERMINATED = {2: 1, 5: 10}  # these runs get SIGTERM once that many files are saved


def test_soak_on_a_busy_machine(environment, site, google, tmp_path):
    # At the lowest priority: they take what the cores leave (all of it, alone), never a
    # share from the suite's other tests, which keep the machine busy enough themselves.
    burners = [
        subprocess.Popen([sys.executable, "-c", "import os; os.nice(19)\nwhile True: pass"]) for _ in range(2)
    ]
    try:
        google.delay = 0.02
        for number in range(SOAK_RUNS):
            links = [
                other_article(site, f"/soak/{number}/{n}", number * SOAK_ARTICLES + n)
                for n in range(SOAK_ARTICLES)
            ]
            (tmp_path / f"list{number}.txt").write_text("\n".join(links) + "\n")
            out = tmp_path / f"out{number}"
            terminated = number in SOAK_TERMINATED
            site.delay = 0.2 if terminated else 0.0  # slow enough to be stopped mid-run
            signalled = []

            def stop(process, elapsed, out=out, signalled=signalled, number=number):
                if not signalled and out.exists() and len(texts(out)) >= SOAK_TERMINATED[number]:
                    process.send_signal(signal.SIGTERM)
                    signalled.append(elapsed)

            result = watched(
                environment,
                tmp_path,
                *(
                    "fetch",
                    "-i",
                    f"list{number}.txt",
                    "-o",
                    out,
                    "--state",
                    tmp_path / f"state{number}.sqlite3",
                ),
                *("--translator-rate", "40"),
                limit=40,
                during=stop if terminated else None,
            )
            where = f"run {number}: exit {result.returncode}, stderr: {result.stderr[-3000:]}"
            finished(result)
            assert result.returncode >= 0, where
            assert "Fatal Python error" not in result.stderr and "Traceback" not in result.stderr, where
            if terminated:
                assert signalled and result.returncode == 143, where
                assert len(texts(out)) < SOAK_ARTICLES, where
            else:
                assert result.returncode == 0 and len(texts(out)) == SOAK_ARTICLES, where
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


# --- found in review: what follows a compressed stream, TLS inside an https proxy, a closed stdout ---


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_bytes_after_the_end_of_a_compressed_body_are_not_read(environment, site, tmp_path, coding):
    """A whole compressed page, then zeros for ever: zlib keeps what follows its stream's
    end aside, uncounted (and copied again with every chunk); warnews stops at the end."""
    import gzip
    import zlib

    from servers import _hang_up, _headers

    page = article_page(TITLE, ukrainian_paragraphs(3)).encode()
    packed = gzip.compress(page) if coding == "gzip" else zlib.compress(page)

    def action(request):
        _headers(request, 200, {"Content-Encoding": coding, "Connection": "close"})
        try:
            request.wfile.write(packed)
            while not site.stopping.is_set():
                request.wfile.write(bytes(1 << 20))
                site.sent["/zeros"] += 1 << 20
        except OSError:
            pass
        _hang_up(request)

    url = site.act("/zeros", action)
    result = watched(environment, tmp_path, "fetch", url, "-o", "out", "--timeout", "5", limit=30)
    finished(result)
    assert result.returncode == 0, result.stderr
    assert len(texts(tmp_path / "out")) == 1
    assert result.seconds < 20 and result.peak_mib < BOUNDED_MIB, result


@pytest.fixture
def https_proxy(tmp_path):
    """An https:// CONNECT proxy (TLS to the proxy, then the page's own TLS inside it) that
    relays the page's bytes one every 0.3 s; and the CA bundle that trusts both."""
    import socket
    import ssl
    import threading

    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def pump(source, target, slow):
        try:
            while not stop.is_set() and (data := source.recv(4096)):
                for byte in [data[i : i + 1] for i in range(len(data))] if slow else [data]:
                    if slow and stop.wait(0.3):
                        return
                    target.sendall(byte)
        except OSError:
            pass

    def one(client, target_port):
        try:
            client = context.wrap_socket(client, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request:
                request += client.recv(1)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            upstream = socket.create_connection(("127.0.0.1", target_port))
            threading.Thread(target=pump, args=(client, upstream, False), daemon=True).start()
            pump(upstream, client, True)
        except OSError:
            pass

    state = {"target": 0}

    def serve():
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=one, args=(client, state["target"]), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield context, bundle, f"https://127.0.0.1:{listener.getsockname()[1]}", state
    stop.set()
    listener.close()


@pytest.mark.parametrize("given", ["--proxy", "HTTPS_PROXY"])
def test_the_deadline_holds_inside_an_https_proxy(environment, google, tmp_path, https_proxy, given):
    """(The proxy's certificate is checked against the bundle warnews was given, here by
    REQUESTS_CA_BUNDLE, which OpenSSL's defaults do not read, whether the proxy comes from
    the flag or the variable.)"""
    from servers import Site

    context, bundle, proxy, state = https_proxy
    with Site(tls=context) as secure:
        state["target"] = secure.port
        url = secure.add("/a", article_page(TITLE, ukrainian_paragraphs(3)))
        env = {**environment, "REQUESTS_CA_BUNDLE": str(bundle), "NO_PROXY": f"127.0.0.1:{google.port}"}
        flags = ("--proxy", proxy) if given == "--proxy" else ()
        if given == "HTTPS_PROXY":
            env["HTTPS_PROXY"] = proxy
        result = watched(env, tmp_path, "fetch", url, "-o", "out", "--timeout", "1", *flags, limit=40)
    finished(result)
    assert result.returncode == 1 and "did not arrive within 10 timeouts (10 s)" in result.stderr, result
    assert result.seconds < 25, result


def test_a_closed_standard_output_stops_nothing(environment, site, tmp_path):
    """`warnews fetch … | head -c1`: the run goes on, every article is saved and counted,
    one warning says why nothing more is printed."""
    urls = [other_article(site, f"/p{n}", n) for n in range(4)]
    site.delay = 0.3
    process = subprocess.Popen(
        [str(WARNEWS), "fetch", *urls, "-o", "out", "--concurrency", "1", "--log-file", "log.txt"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.read(1)
    process.stdout.close()  # as head does once it has what it wants
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, err
    assert (
        "Traceback" not in err
        and err.count("\n") == 1
        and "warnews: warning: standard output was closed" in err
    )
    assert len(texts(tmp_path / "out")) == 4
    assert "4 done, 0 failed" in (tmp_path / "log.txt").read_text()
