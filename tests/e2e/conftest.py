import compileall
import os
import py_compile
import subprocess
from pathlib import Path

import pytest
from pages import MADE_EPOCH, WARNEWS
from servers import ForwardProxy, Site
from translators import ChatEmulator, GoogleEmulator, every_service, service_variables

import warnews

NETWORK_VARIABLES = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
]


@pytest.fixture(scope="session", autouse=True)
def bytecode():
    """The package's bytecode, written once: where Python writes none of its own
    (PYTHONDONTWRITEBYTECODE) and the install wrote none (an editable one), every warnews
    process the tests start compiles the whole package again, ~50 ms each over a thousand
    processes. Checked against the source's hash: an edited file is compiled afresh."""
    compileall.compile_dir(
        Path(warnews.__file__).parent,
        quiet=1,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )


@pytest.fixture
def google():
    with GoogleEmulator() as server:
        yield server


CHAT_KEY = "sk-local-test"


@pytest.fixture
def chat():
    """A local OpenAI-compatible chat API (it wants CHAT_KEY)."""
    with ChatEmulator(key=CHAT_KEY) as server:
        yield server


@pytest.fixture
def llm(chat):
    """The variables that make the openai engine use the local chat API."""
    return {
        "WARNEWS_ENGINE": "openai",
        "WARNEWS_OPENAI_URL": chat.base_url,
        "WARNEWS_OPENAI_KEY": CHAT_KEY,
        "WARNEWS_OPENAI_MODEL": "llama3.1:8b",
    }


@pytest.fixture
def services(google, request):
    """Every engine's emulation, wanting the keys of the test module's KEYS (and its
    LIBRE_LIMIT, if it has one)."""
    with every_service(google, request.module.KEYS, getattr(request.module, "LIBRE_LIMIT", 2000)) as services:
        yield services


@pytest.fixture
def engines_env(services, request):
    """The variables that point warnews at every emulation, the test module's KEYS set."""
    return service_variables(services, request.module.KEYS)


@pytest.fixture
def site():
    with Site() as server:
        yield server


@pytest.fixture
def proxy():
    with ForwardProxy() as server:
        yield server


@pytest.fixture
def environment(google, tmp_path):
    """The environment warnews runs in: the local translator, unpaced, a state database and a
    config folder of the test's own, none of the machine's proxy, certificate or WARNEWS_ variables."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in NETWORK_VARIABLES and not key.startswith("WARNEWS_")
    }
    environment.update(
        # Requests as fast as the local translator answers: the pace (it starts at 4 a second
        # and rises) has tests of its own (test_pace_e2e.py), which put its start back;
        # elsewhere its slow start is only waiting, ~2 s for a run of 30 requests.
        WARNEWS_TRANSLATOR_RATE="1000",
        WARNEWS_TRANSLATOR_START="1000",
        WARNEWS_GOOGLE_URL=google.base_url,
        SOURCE_DATE_EPOCH=MADE_EPOCH,
        WARNEWS_STATE=str(tmp_path / "state" / "state.sqlite3"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    return environment


@pytest.fixture
def run(environment, tmp_path):
    """Run the installed warnews command against the local translator, in tmp_path."""

    def run(*args, env=None, input=None, timeout=120):
        return subprocess.run(
            [str(WARNEWS), *map(str, args)],
            env={**environment, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
        )

    return run


@pytest.fixture
def spawn(environment, tmp_path):
    """Start warnews in the background (to signal or kill it); stdout and stderr to files."""
    processes = []

    def spawn(*args, env=None):
        out, err = (
            open(tmp_path / f"out{len(processes)}", "w+"),
            open(tmp_path / f"err{len(processes)}", "w+"),
        )
        process = subprocess.Popen(
            [str(WARNEWS), *map(str, args)],
            env={**environment, **(env or {})},
            cwd=tmp_path,
            stdout=out,
            stderr=err,
        )
        process.out, process.err = out, err
        processes.append(process)
        return process

    yield spawn
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.out.close(), process.err.close()
