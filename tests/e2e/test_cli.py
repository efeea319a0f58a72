"""The command line itself: help, completion, which options each command takes, settings
read alike from flags, variables and the config file, and read-only commands that stay so."""

import json
import re
import shlex
import subprocess

import pytest
from pages import WARNEWS, article_page, body_paragraphs, ukrainian_paragraphs
from translators import emulate_translation

from warnews._settings import SETTINGS, every_setting

COMMANDS = [
    "fetch",
    "translate",
    "feed",
    "run",
    "config",
    "engines",
    "status",
    "retry",
    "list",
    "export",
    "show",
    "forget",
    "cache stats",
    "cache clear",
]
GROUPS = ["", "cache"]  # the app itself and the cache group
# Each command's options of the invocation (the README's table); the settings' come from SETTINGS.
OWN = {
    "fetch": {"-i", "--input", "--stdout", "-q", "--quiet", "-v", "--verbose", "--json", "--force", "--wait"},
    "translate": {"--stdout", "-q", "--quiet", "-v", "--verbose", "--json"},
    "feed": {"-q", "--quiet", "-v", "--verbose", "--json", "--force", "--wait", "--titles-only"},
    "run": {"-q", "--quiet", "-v", "--verbose", "--json", "--force", "--wait"},
    "config": set(),
    "engines": {"--check", "-v", "--verbose", "--json"},
    "status": {"--json", "--failures"},
    "retry": {"--wait"},
    "list": {"--status", "--source", "--limit", "--json"},
    "export": {"--format", "-o", "--output", "--since", "--until", "--source", "--status", "--limit"},
    "show": {"--json"},
    "forget": {"--wait"},
    "cache stats": {"--json"},
    "cache clear": {"--engine", "--unused-days"},
}
SECRETS = [setting for setting in every_setting() if setting.secret]
TITLE = "Школа відкрилася в укритті"


def help_options(text):
    """Every option a --help lists (its first column: lines indented by two spaces)."""
    options = set()
    for line in text.splitlines():
        match = re.match(r"  (-\S.*?)(?:\s{2,}|$)", line)
        if match:
            options |= set(re.findall(r"(?<![\w-])--?[a-zA-Z][\w-]*", match.group(1)))
    return options


def setting_flags(command):
    return {
        flag
        for setting in SETTINGS
        if setting.applies_to(command)
        for names in setting.flag_names
        for flag in names.split("/")
    }


def files_under(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


# --- help ---


@pytest.mark.parametrize("command", GROUPS + COMMANDS)
def test_h_is_help_everywhere(run, command):
    long, short = run(*command.split(), "--help"), run(*command.split(), "-h")
    assert long.returncode == short.returncode == 0, short.stderr
    assert short.stdout == long.stdout and long.stdout.startswith("Usage: warnews")


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_shows_exactly_the_options_that_apply_to_it(run, command):
    result = run(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert help_options(result.stdout) == OWN[command] | {"--config", "-h", "--help"} | setting_flags(command)


def test_the_reported_stray_options_are_gone(run):
    assert not {"-o", "--credit", "--keep-original", "--state"} & help_options(
        run("engines", "--help").stdout
    )
    translate = help_options(run("translate", "--help").stdout)
    assert not {"--state", "--max-attempts", "--retry-delay", "--feed-items", "--wait"} & translate
    assert "--feed-items" not in help_options(run("fetch", "--help").stdout)


@pytest.mark.parametrize("command", GROUPS + COMMANDS)
def test_help_shows_no_python_types_and_cuts_nothing(run, command):
    text = run(*command.split(), "--help", env={"COLUMNS": "80"}).stdout
    for marker in ("list[", "str]", "int]", "<str>", "<int>", "<float>", "<path>", "…"):
        assert marker not in text
    assert not re.search(r"<[a-z_\[\]|]+>", text)
    commands = text.partition("\nCommands:\n")[2].partition("\n\n")[0]
    assert all(not line.endswith("...") for line in commands.splitlines())


def test_the_top_level_help_lists_every_command_whole(run):
    text = run("--help", env={"COLUMNS": "80"}).stdout
    listed = re.findall(r"^  (\w+)\s{2,}(.+)$", text.partition("\nCommands:\n")[2], re.MULTILINE)
    assert [name for name, _ in listed] == [c for c in COMMANDS if " " not in c] + ["cache"]
    assert all(summary.endswith(".") for _, summary in listed)


def test_no_arguments_is_the_help_and_a_usage_error(run):
    result = run()
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Usage: warnews") and "Commands:" in result.stderr


def test_an_unknown_command_is_one_line_with_a_suggestion(run):
    result = run("fech", "URL")
    assert result.returncode == 2
    assert (
        result.stderr
        == "warnews: error: No such command 'fech'. Did you mean 'fetch'? (see: warnews --help)\n"
    )


# --- completion ---


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_completion_script(run, shell):
    # What --show-completion prints for the shell it detects (click's protocol, as Typer sets it up).
    result = run(env={"_WARNEWS_COMPLETE": f"source_{shell}"})
    assert result.returncode == 0, result.stderr
    assert "_WARNEWS_COMPLETE" in result.stdout and f"complete_{shell}" in result.stdout


def test_show_completion_detects_the_shell_it_runs_in(environment, tmp_path):
    # The shell is found among the process's parents (shellingham): run it from bash, which
    # does not exec the last command of `-c` when another follows.
    command = f"{shlex.quote(str(WARNEWS))} --show-completion; exit $?"
    result = subprocess.run(
        ["bash", "-c", command], env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "_WARNEWS_COMPLETE=complete_bash" in result.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("warnews fe", {"fetch", "feed"}),
        ("warnews cache st", {"stats"}),
        ("warnews fetch --pro", {"--proxy"}),
        (
            "warnews engines --",
            {"--check", "--json", "--engine", "--proxy", "--timeout", "--config", "--help"},
        ),
    ],
)
def test_completion_completes_commands_and_options(run, words, expected):
    env = {
        "_WARNEWS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = run(env=env)
    assert result.returncode == 0, result.stderr
    assert expected <= set(result.stdout.split())


# --- secrets have no flag ---


@pytest.mark.parametrize("command", COMMANDS)
def test_no_secret_setting_is_a_flag(run, command):
    shown = help_options(run(*command.split(), "--help").stdout)
    flags = ["--" + setting.name.replace("_", "-") for setting in SECRETS]
    assert not set(flags) & shown
    # Given anyway, each is refused, its value never repeated (every secret on fetch, one elsewhere).
    for flag in flags if command == "fetch" else flags[:1]:
        result = run(*command.split(), flag, "s3cret-value-x")
        assert result.returncode == 2
        assert result.stderr.startswith(f"warnews: error: No such option: {flag}")
        assert "s3cret-value-x" not in result.stderr + result.stdout


def test_every_secret_setting_is_tested():
    assert {setting.name for setting in SECRETS} >= {
        "deepl_key",
        "libre_key",
        "mymemory_email",
        "microsoft_key",
    }


# --- the proxy ---


@pytest.fixture
def proxied(proxy, site, google):
    """Hosts that do not exist anywhere, reachable only through the local proxy."""
    proxy.route("news.invalid", site)
    proxy.route("translate.invalid", google)
    site.add("/article", article_page(TITLE, ukrainian_paragraphs(3)))
    return {"WARNEWS_GOOGLE_URL": "http://translate.invalid/m"}


@pytest.mark.parametrize("layer", ["flag", "variable", "config"])
def test_a_proxy_without_a_scheme_is_http_and_carries_the_run(run, proxy, proxied, layer, tmp_path):
    bare = proxy.origin.removeprefix("http://")  # 127.0.0.1:PORT
    args, env = ["fetch", "http://news.invalid/article"], dict(proxied)
    if layer == "flag":
        args += ["--proxy", bare]
    elif layer == "variable":
        env["WARNEWS_PROXY"] = bare
    else:
        (tmp_path / "warnews.toml").write_text(f'proxy = "{bare}"\n')
        args += ["--config", "warnews.toml"]
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert any(url.startswith("http://news.invalid/article") for url in proxy.seen)
    assert any(url.startswith("http://translate.invalid/m?") for url in proxy.seen)
    text = (tmp_path / result.stdout.strip()).read_text()
    assert body_paragraphs(text) == [emulate_translation(p) for p in ukrainian_paragraphs(3)]


BAD_PROXIES = ["bogus", "ftp://proxy.corp:21", "http://", "proxy.corp:99999", "pro xy:3128"]


@pytest.mark.parametrize(
    ("command", "proxy_url"),
    [
        *((["config"], bad) for bad in BAD_PROXIES),  # one reader for every command: each value once
        *(
            (command, "bogus")
            for command in (
                ["fetch", "http://news.invalid/x"],
                ["translate", "-"],
                ["engines"],
                ["feed", "http://x"],
            )
        ),
    ],
)
def test_a_bad_proxy_flag_is_a_usage_error_not_a_traceback(run, command, proxy_url):
    result = run(*command, "--proxy", proxy_url, input="")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("warnews: error: bad value for proxy in --proxy: ")
    assert result.stdout == ""


@pytest.mark.parametrize("layer", ["variable", "config"])
def test_a_bad_proxy_elsewhere_names_where_it_came_from_without_its_password(run, layer, tmp_path):
    bad = "ftp://user:pa55word-x@proxy.corp:21"
    if layer == "variable":
        result, origin = run("config", env={"WARNEWS_PROXY": bad}), "WARNEWS_PROXY"
    else:
        (tmp_path / "warnews.toml").write_text(f'proxy = "{bad}"\n')
        result, origin = run("config", "--config", "warnews.toml"), "config file warnews.toml"
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warnews: error: bad value for proxy in {origin}: ftp://***@proxy.corp:21 is not")
    assert "pa55word" not in result.stderr


def test_config_shows_the_proxy_it_will_use(run):
    result = run("config", "--proxy", "user:pa55word-x@proxy.corp:3128")
    assert result.returncode == 0, result.stderr
    assert re.search(r'^proxy\s+= "http://\*\*\*@proxy\.corp:3128"\s+# --proxy$', result.stdout, re.MULTILINE)
    assert "pa55word" not in result.stdout


# --- config values of the wrong kind, odd numbers ---


@pytest.mark.parametrize("value", ['"8"', "8.7"])
def test_a_config_value_of_the_wrong_kind_is_a_usage_error(run, value, tmp_path):
    (tmp_path / "warnews.toml").write_text(f"concurrency = {value}\n")
    result = run("config", "--config", "warnews.toml")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "warnews: error: bad value for concurrency in config file warnews.toml: expected a whole number"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--timeout", "nan"],
        ["--timeout", "-5"],
        ["--timeout", "inf"],
        ["--concurrency", "8.7"],
        ["--concurrency", "9" * 40],
        ["--max-page-bytes", "1e400"],
        ["--retries", ""],
        ["--translator-rate", "0"],
    ],
)
def test_odd_numbers_are_one_line_usage_errors(run, args):
    result = run("config", *args)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warnews: error: bad value for {args[0][2:].replace('-', '_')} in {args[0]}: ")


# --- languages ---


@pytest.mark.parametrize("value", ["chinese", "Chinese", "zh", "ZH-CN", "chinese (simplified)"])
def test_a_language_by_name_or_code(run, value):
    result = run("config", "--to", value)
    assert result.returncode == 0, result.stderr
    assert re.search(r'^target_language\s+= "zh-CN"', result.stdout, re.MULTILINE)


def test_a_translation_into_a_language_named(run, google, tmp_path):
    (tmp_path / "article.txt").write_text("\n\n".join(ukrainian_paragraphs(2)))
    result = run("translate", "article.txt", "--stdout", "--to", "chinese", "--from", "Ukrainian")
    assert result.returncode == 0, result.stderr
    assert google.count >= 1


# --- read-only commands create nothing ---


def test_status_on_a_fresh_install_says_nothing_has_run(run, environment, tmp_path):
    before = files_under(tmp_path)
    result = run("status")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"no state database at {environment['WARNEWS_STATE']} yet: nothing has run\n"
    assert result.stderr == ""
    summary = json.loads(run("status", "--json").stdout)
    assert summary["state"] == environment["WARNEWS_STATE"]
    assert set(summary["articles"].values()) == {0}
    assert summary["last_run"] is None and summary["recent_failures"] == [] and summary["sources"] == []
    assert files_under(tmp_path) == before


def test_cache_stats_without_a_memory_creates_none(run, tmp_path):
    before = files_under(tmp_path)
    result = run("cache", "stats")
    assert result.returncode == 0, result.stderr
    assert "paragraphs: 0 " in result.stdout
    stats = json.loads(run("cache", "stats", "--json").stdout)
    assert (stats["paragraphs"], stats["hits"], stats["pairs"]) == (0, 0, [])
    assert stats["path"] == str(tmp_path / "cache" / "warnews" / "translations.sqlite3")
    assert run("cache", "clear").stdout == "0 translations forgotten\n"
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(
    "args", [["config"], ["engines"], ["engines", "--json"], ["status"], ["retry", "--help"]]
)
def test_read_only_commands_create_nothing(run, args, tmp_path):
    before = files_under(tmp_path)
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path) == before


def test_status_after_a_run_still_summarises(run, site, tmp_path):
    url = site.add("/a", article_page(TITLE, ukrainian_paragraphs(2)))
    assert run("fetch", url).returncode == 0
    summary = json.loads(run("status", "--json").stdout)
    assert summary["articles"]["done"] == 1
    assert run("cache", "stats", "--json").returncode == 0
    assert json.loads(run("cache", "stats", "--json").stdout)["paragraphs"] >= 2  # the title too


# --- what --help and --version import ---

# Imported only when a command runs: none of them is needed to parse a command line.
AVOIDABLE = {
    "deep_translator",
    "bs4",
    "requests",
    "trafilatura",
    "lxml",
    "feedparser",
    "langdetect",
    "httpx",
    "httpcore",
    "rich",
    "sqlite3",
    "publicsuffixlist",
    "charset_normalizer",
}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["fetch", "--help"], ["engines", "-h"]])
def test_help_and_version_import_nothing_a_command_needs(run, args):
    result = run(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {
        line.rpartition("|")[2].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "typer" in imported  # the profile was read
    assert not imported & AVOIDABLE


def test_completion_imports_nothing_a_command_needs(run):
    env = {"_WARNEWS_COMPLETE": "complete_bash", "COMP_WORDS": "warnews fe", "COMP_CWORD": "1"}
    result = run(env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    imported = {
        line.rpartition("|")[2].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line
    }
    assert "typer" in imported and not imported & AVOIDABLE


def test_a_command_line_is_read_without_pydantic(run, tmp_path):
    """Typer would check every value through pydantic, ~35 ms of each of the thousand runs
    the tests start: text, a path, a list and a switch arrive as given without it."""
    (tmp_path / "warnews.toml").write_text('credit = "OFP"\n')
    (tmp_path / "a.txt").write_text("\n\n".join(ukrainian_paragraphs(2)))
    args = ("translate", "a.txt", "-o", "out", "--config", "warnews.toml", "--from", "uk", "--quiet")
    result = run(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    imported = {line.rpartition("|")[2].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert result.returncode == 0 and result.stdout == "", result.stderr[-2000:]
    assert "typer" in imported and "pydantic" not in imported
    [saved] = (tmp_path / "out").glob("*.txt")
    assert saved.read_text().startswith(
        "date 2024-01-11 unknown – Translated from Ukrainian via Google and OFP\n"
    )


def test_a_path_with_a_nul_in_the_config_file_is_one_line(run, tmp_path):
    (tmp_path / "warnews.toml").write_text('out = "x\\u0000y"\n')
    (tmp_path / "a.txt").write_text("\n\n".join(ukrainian_paragraphs(1)))
    result = run("translate", "a.txt", "--config", "warnews.toml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("warnews: error: bad value for out in config file warnews.toml: a path holds no")
