import os
import subprocess

import pytest
from pages import MADE_EPOCH, WARNEWS
from servers import ForwardProxy, GoogleEmulator, Site

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


@pytest.fixture
def google():
    with GoogleEmulator() as server:
        yield server


@pytest.fixture
def site():
    with Site() as server:
        yield server


@pytest.fixture
def proxy():
    with ForwardProxy() as server:
        yield server


@pytest.fixture
def run(google, tmp_path):
    """Run the installed warnews command against the local translator, in tmp_path."""

    def run(*args, env=None, input=None, timeout=120):
        environment = {
            key: value
            for key, value in os.environ.items()
            if key.upper() not in NETWORK_VARIABLES and not key.startswith("WARNEWS_")
        }
        environment.update(WARNEWS_GOOGLE_URL=google.base_url, SOURCE_DATE_EPOCH=MADE_EPOCH)
        environment.update(env or {})
        return subprocess.run(
            [str(WARNEWS), *map(str, args)],
            env=environment,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
        )

    return run
