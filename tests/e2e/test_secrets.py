"""Secrets, end to end: engine keys, the MyMemory e-mail and proxy passwords never reach an
output, a log, the state database, a written file or another origin.

Every check goes through leaks(): not only the secret itself but its URL-encoded forms and
any piece of it of 6 characters or more count, in any case, so a secret cut short by a
message's length limit, or echoed by a server only in part, is still caught.
"""

import sqlite3
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit

import pytest
from pages import article_page, texts, ukrainian_paragraphs
from servers import _Handler
from translators import DeepLEmulator, GoogleEmulator, LibreEmulator, MicrosoftEmulator, MyMemoryEmulator

DEEPL_KEY = "Kq7vX2pLm9Zt4RwB8nYc3:fx"
LIBRE_KEY = "Lb4nW8qTz2Vx6Kp9Hs3Jd"
MICROSOFT_KEY = "Ms5gR1yUe7Nc3Qa8Fw2Tb"
EMAIL = "vq7kx2wm.hlpr@zt9pl4rb.test"
SECRET = {"deepl": DEEPL_KEY, "libre": LIBRE_KEY, "microsoft": MICROSOFT_KEY, "mymemory": EMAIL}
SETTING = {
    "deepl": "deepl_key",
    "libre": "libre_key",
    "microsoft": "microsoft_key",
    "mymemory": "mymemory_email",
}
TITLE = "Енергетики відновили живлення у трьох районах"
FLAGS = ("--retries", "0", "--timeout", "5")
GIVEN = "given"  # the test's own inputs (config files hold secrets on purpose): not searched
FRAGMENT = 6


def leaks(text, secret):
    """Whether text holds the secret, a URL-encoded form of it, or any 6+ character piece."""
    haystack = text.casefold()
    needles = {secret, quote(secret), quote(secret, safe=""), quote_plus(secret)}
    needles |= {secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}
    return any(needle.casefold() in haystack for needle in needles if needle)


def written(tmp_path):
    """Every file warnews wrote under tmp_path, as text: SQLite databases dumped table by
    table, everything else (logs, sidecars, texts, WAL files) as it is."""
    parts = []
    for path in sorted(tmp_path.rglob("*")):
        if not path.is_file() or GIVEN in path.relative_to(tmp_path).parts:
            continue
        data = path.read_bytes()
        if data.startswith(b"SQLite format 3\x00"):
            database = sqlite3.connect(path)
            try:
                parts.extend(database.iterdump())
            finally:
                database.close()
        else:
            parts.append(f"--- {path}\n" + data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def seen(tmp_path, *results):
    """All a user or a later reader could see: stdout, stderr and every written file."""
    return "\n".join([*(r.stdout + "\n" + r.stderr for r in results), written(tmp_path)])


def where(text, secret):
    """The first place text holds a piece of the secret, with some context."""
    haystack = text.casefold()
    for start in range(len(secret) - FRAGMENT + 1):
        found = haystack.find(secret[start : start + FRAGMENT].casefold())
        if found >= 0:
            return text[max(0, found - 300) : found + 100]
    return text[-1000:]


def assert_no_leak(tmp_path, secret, *results):
    everything = seen(tmp_path, *results)
    assert not leaks(everything, secret), (
        f"the secret (or a piece of it) is out:\n{where(everything, secret)}"
    )


def one_line(result):
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def given(tmp_path, name, text):
    folder = tmp_path / GIVEN
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def toml_string(value):
    """A TOML basic string, control characters as escapes."""
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}
    return (
        '"'
        + "".join(escapes.get(c, f"\\u{ord(c):04x}" if ord(c) < 32 or ord(c) == 127 else c) for c in value)
        + '"'
    )


# --- emulations that misbehave with credentials ---

MOVED = "/moved"


class Redirects:
    """Records every request it receives (method, target, headers, body), whatever the path.
    With `redirect_status` set, answers translation requests with that redirect: to
    `redirect_origin` + the same target (another origin), or, without one, to MOVED + the
    target on this same server, which it then serves as usual."""

    translate_path = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.redirect_status = 0
        self.redirect_origin = None
        self.redirected = 0
        self.received = []

    def handle(self, request):
        body = _Handler.body(request)  # read once: the handler serves the connection's next request too
        request.body = lambda: body  # the emulation reads it again
        with self._lock:
            self.received.append((request.command, request.path, dict(request.headers), body))
        target = request.path
        if target.startswith(MOVED + "/"):
            request.path = target[len(MOVED) :]
        elif self.redirect_status and urlsplit(target).path == self.translate_path:
            with self._lock:
                self.redirected += 1
            location = (self.redirect_origin or self.origin + MOVED) + target
            request.reply(self.redirect_status, b"", {"Location": location})
            return
        super().handle(request)

    def everything(self):
        """All it received, as text, raw and URL-decoded."""
        parts = []
        for method, target, headers, body in self.received:
            text = body.decode("utf-8", errors="replace")
            parts += [method, target, unquote_plus(target), repr(headers), text, unquote_plus(text)]
        return "\n".join(parts)


class Echoes:
    """Mode "echo": answers `echo_status` ("quota": the service's out-of-quota answer) with
    the key in its message, whole or in part as `echo_part` says."""

    echo_status = 403
    echo_part = "whole"
    echoes = 0  # answers that echoed the key

    def _answer(self, request, text, mode, terms=None):
        if mode != "echo":
            super()._answer(request, text, mode, terms)
            return
        message = echoed(self.key, self.echo_part, "key")
        self.echoes += 1
        if self.echo_status == "quota":
            self.echo_quota(request, message)
        else:
            self.error(request, self.echo_status, message)


FILLER = "The request could not be completed: the credentials it carried were not accepted. ".ljust(100, "=")


def echoed(secret, part, what):
    """A server's error message holding a secret: `whole` (short), `long` (after 100
    characters of text, so that a cut at 120 falls inside it), `mid` (after 90 or so, so
    that a cut at 100 does), `tail` (only its last 12 characters, after 100 of text), `cut`
    (the server cut it mid-way), `upper` (in capitals)."""
    assert len(FILLER) == 100
    return {
        "whole": f"INVALID {what.upper()} PROVIDED: {secret}",
        "long": f"{FILLER} {what}: {secret}",
        "tail": f"{FILLER} {what}: {secret[-12:]}",
        "mid": f"{FILLER[:84]} {what}: {secret}",
        "cut": f"Invalid {what}: {secret[: len(secret) // 2 + 3]}",
        "upper": f"INVALID {what.upper()} PROVIDED: {secret.upper()}",
    }[part]


class RedirectingGoogle(Redirects, GoogleEmulator):
    translate_path = "/m"


class RedirectingDeepL(Redirects, Echoes, DeepLEmulator):
    translate_path = "/v2/translate"

    def echo_quota(self, request, message):
        self.error(request, 456, message)


class RedirectingLibre(Redirects, Echoes, LibreEmulator):
    translate_path = "/translate"

    def echo_quota(self, request, message):
        self.error(request, 429, message)


class RedirectingMicrosoft(Redirects, Echoes, MicrosoftEmulator):
    translate_path = "/translate"

    def echo_quota(self, request, message):
        request.reply_json(403, {"error": {"code": 403001, "message": message}})


class RedirectingMyMemory(Redirects, MyMemoryEmulator):
    """Mode "bad_email": the e-mail refused and echoed back (a 403 inside a 200), as MyMemory
    does, the way `echo_part` says."""

    translate_path = "/get"
    echo_part = "whole"
    echoes = 0  # answers that echoed the e-mail

    def _answer(self, request, text, mode, terms=None):
        if mode != "bad_email":
            super()._answer(request, text, mode, terms)
            return
        message = echoed(EMAIL, self.echo_part, "email")
        self.echoes += 1
        self._reply(request, message, 403, message)


EMULATION = {
    "google": RedirectingGoogle,
    "deepl": lambda: RedirectingDeepL(key=DEEPL_KEY),
    "libre": lambda: RedirectingLibre(key=LIBRE_KEY),
    "microsoft": lambda: RedirectingMicrosoft(key=MICROSOFT_KEY),
    "mymemory": RedirectingMyMemory,
}


def engine_env(engine, server, secret=None):
    """Variables that point warnews's engine at this emulation, its secret set."""
    secret = SECRET.get(engine) if secret is None else secret
    env = {"WARNEWS_TRANSLATOR_RATE": "1000"}
    if engine == "google":
        env["WARNEWS_GOOGLE_URL"] = server.base_url
    elif engine == "deepl":
        env.update(WARNEWS_DEEPL_URL=server.origin, WARNEWS_DEEPL_KEY=secret)
    elif engine == "libre":
        env.update(WARNEWS_LIBRE_URL=server.origin, WARNEWS_LIBRE_KEY=secret)
    elif engine == "microsoft":
        env.update(
            WARNEWS_MICROSOFT_URL=server.origin,
            WARNEWS_MICROSOFT_KEY=secret,
            WARNEWS_MICROSOFT_REGION="westeurope",
        )
    elif engine == "mymemory":
        env.update(WARNEWS_MYMEMORY_URL=server.base_url, WARNEWS_MYMEMORY_EMAIL=secret)
    return env


def article(site):
    return site.add("/article", article_page(TITLE, ukrainian_paragraphs(2, sentences=1)))


def fetch(run, tmp_path, url, engine, env):
    return run(
        "fetch",
        url,
        "-o",
        "out",
        "--json",
        "--log-file",
        tmp_path / "log.txt",
        "--engine",
        engine,
        *FLAGS,
        env=env,
    )


def saved(tmp_path):
    out = tmp_path / "out"
    return texts(out) if out.exists() else []


# --- 1. credentials never follow a redirect to another origin ---


@pytest.mark.parametrize(
    ("engine", "status"),
    [("libre", 307), ("microsoft", 302), ("microsoft", 307), ("deepl", 307), ("mymemory", 302)],
)
def test_credentials_never_follow_a_redirect_to_another_origin(run, site, tmp_path, engine, status):
    with EMULATION[engine]() as first, EMULATION[engine]() as second:
        first.redirect_status, first.redirect_origin = status, second.origin
        result = fetch(run, tmp_path, article(site), engine, engine_env(engine, first))
        assert first.redirected >= 1, "the redirect was exercised"
        assert not leaks(second.everything(), SECRET[engine]), (
            f"the other origin received the secret:\n{where(second.everything(), SECRET[engine])}"
        )
        assert_no_leak(tmp_path, SECRET[engine], result)
        assert result.returncode == 1, result.stderr
        assert "another origin" in one_line(result)
        assert saved(tmp_path) == []


@pytest.mark.parametrize("engine", ["deepl", "libre", "microsoft", "mymemory"])
def test_a_redirect_on_the_same_origin_still_translates(run, site, tmp_path, engine):
    with EMULATION[engine]() as server:
        server.redirect_status = 307
        result = fetch(run, tmp_path, article(site), engine, engine_env(engine, server))
        assert server.redirected >= 1 and server.count >= 1, result.stderr
        assert result.returncode == 0, result.stderr
        assert len(saved(tmp_path)) == 1
        assert_no_leak(tmp_path, SECRET[engine], result)


def test_google_redirected_to_another_origin_still_translates(run, site, tmp_path):
    with RedirectingGoogle() as first, RedirectingGoogle() as second:
        first.redirect_status, first.redirect_origin = 302, second.origin
        result = fetch(run, tmp_path, article(site), "google", engine_env("google", first))
        assert first.redirected >= 1 and second.count >= 1
        assert result.returncode == 0, result.stderr
        [path] = saved(tmp_path)
        assert "via Google" in path.read_text().splitlines()[0]


# --- 2. MyMemory's e-mail echoed by the server ---


@pytest.mark.parametrize("part", ["whole", "cut", "mid", "upper"])
def test_the_mymemory_email_echoed_by_the_server_is_never_shown(run, site, tmp_path, part):
    with RedirectingMyMemory() as server:
        server.mode, server.echo_part = "bad_email", part
        env = engine_env("mymemory", server)
        result = fetch(run, tmp_path, article(site), "mymemory", env)
        assert server.echoes >= 1, result.stderr
        check = run("engines", "--check", "--engine", "mymemory", env=env)
        status = run("status", env=env)
        assert_no_leak(tmp_path, EMAIL, result, check, status)
        assert result.returncode == 1
        one_line(result)


# --- 3 and 6. keys echoed in error answers: masked first, then cut ---

# A key, cut or in part, in the server's words (a quota answer carries none, and a whole
# key was already masked before).
ECHOES = {"deepl": [403, 400], "libre": [403, 400], "microsoft": [401, 400]}


@pytest.mark.parametrize("part", ["long", "tail"])
@pytest.mark.parametrize(
    ("engine", "status"), [(engine, status) for engine, statuses in ECHOES.items() for status in statuses]
)
def test_a_key_echoed_in_an_error_answer_is_never_shown(run, site, tmp_path, engine, status, part):
    with EMULATION[engine]() as server:
        server.mode, server.echo_status, server.echo_part = "echo", status, part
        env = engine_env(engine, server)
        result = fetch(run, tmp_path, article(site), engine, env)
        assert server.echoes >= 1, result.stderr
        check = run("engines", "--check", "--engine", engine, env=env)
        status_ = run("status", env=env)
        assert_no_leak(tmp_path, SECRET[engine], result, check, status_)
        assert result.returncode == 1
        one_line(result)


@pytest.mark.parametrize("engine", ["deepl", "microsoft"])
def test_a_key_no_header_can_carry_is_never_shown(run, site, tmp_path, engine):
    key = "Hd8sPq2LxЖWz5Nr7Tk3Vb"  # not ASCII (control characters: see the usage errors below)
    with EMULATION[engine]() as server:
        server.key = key
        result = fetch(run, tmp_path, article(site), engine, engine_env(engine, server, key))
        assert_no_leak(tmp_path, key, result)
        assert result.returncode in (1, 2), result.stderr  # a failure or a usage error
        one_line(result)
        assert saved(tmp_path) == []


# --- 4. bad proxy URLs never show their password ---

BAD_PROXIES = {
    "http://user:Pa55-word-xyz@127.0.0.1:0": "Pa55-word-xyz",
    "foo://user:Pa55-word-xyz@proxy.invalid:3128": "Pa55-word-xyz",
    "http://user:Pa55-word-xyz@proxy.invalid:99999": "Pa55-word-xyz",
    "http://user:Pa/55-word-xyz@proxy.invalid:3128": "Pa/55-word-xyz",
    "http://user:Pa55@word-xyz@127.0.0.1:0": "Pa55@word-xyz",
}


def proxy_given(tmp_path, source, proxy):
    """(arguments, variables) that give warnews this proxy from this source."""
    if source == "--proxy":
        return ("--proxy", proxy), {}
    if source in ("HTTPS_PROXY", "WARNEWS_PROXY"):
        return (), {source: proxy}
    config = given(tmp_path, "config.toml", f"proxy = {toml_string(proxy)}\n")
    if source == "--config":
        return ("--config", config), {}
    return (), {"WARNEWS_CONFIG": str(config)}


SOURCES = ["--proxy", "HTTPS_PROXY", "WARNEWS_PROXY", "--config", "WARNEWS_CONFIG"]


# Every bad URL from the flag, and the first one from every other source.
@pytest.mark.parametrize(
    ("source", "proxy"),
    [("--proxy", proxy) for proxy in BAD_PROXIES]
    + [(source, next(iter(BAD_PROXIES))) for source in SOURCES[1:]],
)
def test_a_bad_proxy_url_never_shows_its_password(run, site, tmp_path, source, proxy):
    args, env = proxy_given(tmp_path, source, proxy)
    result = run(
        "fetch", article(site), "-o", "out", "--log-file", tmp_path / "log.txt", *args, *FLAGS, env=env
    )
    assert_no_leak(tmp_path, BAD_PROXIES[proxy], result)
    assert result.returncode == 2, result.stderr
    one_line(result)


CONFIG_PROXIES = {
    "http://user:p@ss-w0rd-xyz@proxy.invalid:3128": "p@ss-w0rd-xyz",
    "http://user:pa/ss-w0rd-xyz@proxy.invalid:3128": "pa/ss-w0rd-xyz",
}


@pytest.mark.parametrize("source", ["--proxy", "WARNEWS_PROXY", "--config"])
@pytest.mark.parametrize("proxy", CONFIG_PROXIES)
def test_config_never_shows_a_proxy_password_holding_at_or_slash(run, tmp_path, source, proxy):
    args, env = proxy_given(tmp_path, source, proxy)
    result = run("config", *args, env=env)
    assert not leaks(result.stdout + result.stderr, CONFIG_PROXIES[proxy]), result.stdout + result.stderr
    assert result.returncode in (0, 2), result.stderr  # shown masked, or refused
    if result.returncode == 2:
        one_line(result)
    else:
        assert "proxy.invalid" in result.stdout


# --- 5. a secret holding a control character is a usage error ---

CONTROLS = {"newline": "\n", "return": "\r", "bell": "\x07", "escape": "\x1b[31m", "delete": "\x7f"}


def secret_with(control):
    return f"abc-s3cr3t{control}def"


def control_runs(run, site, tmp_path, engine, secret, env, args=()):
    """fetch with the engine, engines and config, each with the bad secret given; the
    engine's emulation takes that secret, so only warnews itself can refuse it."""
    with EMULATION[engine]() as server:
        if engine != "mymemory":
            server.key = secret
        pointed = engine_env(engine, server, secret)
        del pointed["WARNEWS_" + SETTING[engine].upper()]  # given by `env` or the config file
        env = {**pointed, **env}
        return [
            run("fetch", article(site), "-o", "out", "--engine", engine, *args, *FLAGS, env=env),
            run("engines", *args, env=env),
            run("config", *args, env=env),
        ]


def assert_control_refused(results, engine, secret):
    for result in results:
        assert not leaks(result.stdout + result.stderr, secret), result.stdout + result.stderr
        assert result.returncode == 2, (result.args[1], result.returncode, result.stderr)
        line = one_line(result)
        assert SETTING[engine] in line and "control character" in line, line


# Every control character in one setting, a newline in each of the others.
@pytest.mark.parametrize(
    ("engine", "control"),
    [("deepl", control) for control in CONTROLS]
    + [(engine, "newline") for engine in SETTING if engine != "deepl"],
)
def test_a_secret_with_a_control_character_in_the_environment_is_a_usage_error(
    run, site, tmp_path, engine, control
):
    secret = secret_with(CONTROLS[control])
    variable = "WARNEWS_" + SETTING[engine].upper()
    results = control_runs(run, site, tmp_path, engine, secret, {variable: secret})
    assert_control_refused(results, engine, secret)


@pytest.mark.parametrize("control", ["newline"])
@pytest.mark.parametrize("engine", SETTING)
def test_a_secret_with_a_control_character_in_the_config_file_is_a_usage_error(
    run, site, tmp_path, engine, control
):
    secret = secret_with(CONTROLS[control])
    config = given(tmp_path, "config.toml", f"{SETTING[engine]} = {toml_string(secret)}\n")
    results = control_runs(run, site, tmp_path, engine, secret, {}, ("--config", config))
    assert_control_refused(results, engine, secret)


# --- found in review ---


def test_a_translation_holding_the_key_is_refused(run, site, tmp_path):
    """A translator that writes the key into its translation: the article fails, and the key
    reaches no title, file name, file, JSON line or database."""
    with RedirectingDeepL(key=DEEPL_KEY, phrasebook={"Енергетики": "Energy " + DEEPL_KEY}) as server:
        env = engine_env("deepl", server)
        result = fetch(run, tmp_path, article(site), "deepl", env)
        status = run("status", env=env)
    assert result.returncode == 1 and "holds the engine's own key" in result.stderr, result.stderr
    assert_no_leak(tmp_path, DEEPL_KEY, result, status)
    assert saved(tmp_path) == []


def test_a_proxy_url_with_a_broken_ipv6_host_is_a_usage_error(run, site, tmp_path):
    result = run("fetch", article(site), "--proxy", "http://user:Sup3rS3cret-xyz@[::1", *FLAGS)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    one_line(result)
    assert not leaks(result.stderr, "Sup3rS3cret-xyz")
