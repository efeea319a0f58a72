"""Settings: each value read alike from the config file, the environment and the flags;
the config file's values of their own TOML kind; proxies; languages by code or name."""

import typing

import pytest

from warnews._errors import UsageError
from warnews._languages import (
    CODE_ALIASES,
    NAME_ALIASES,
    NAMES,
    language_name,
    normalize_code,
    resolve_language,
)
from warnews._settings import Settings, every_setting, resolve, secret_values, shown

KINDS = typing.get_type_hints(Settings)
SETTINGS = every_setting()  # warnews's own and every engine's
# A valid value of each setting, as TOML writes it (a new setting must be added here).
VALID = {
    "out": '"~/news"',
    "source_language": '"uk"',
    "target_language": '"de"',
    "engine": '"google,mymemory"',
    "credit": '"OFP"',
    "proxy": '"127.0.0.1:3128"',
    "public_only": "true",
    "timeout": "12.5",
    "max_page_bytes": "2048",
    "concurrency": "8",
    "per_host": "2",
    "translator_concurrency": "3",
    "translator_rate": "2",
    "translator_start": "20",
    "retries": "1",
    "max_attempts": "4",
    "retry_delay": "60",
    "feed_items": "10",
    "atom": '"feed.xml"',
    "atom_items": "50",
    "since": '"2024-01-10"',
    "telegram_url": '"http://127.0.0.1:9"',
    "state": '"state.sqlite3"',
    "host": '"host-b"',
    "lease": "30",
    "log_file": '"run.log"',
    "keep_original": "true",
    "learn_boilerplate": "false",
    "cache": "false",
    "cache_file": '"memory.sqlite3"',
    "cache_url": '"postgresql://warnews:secret@127.0.0.1:5432/news"',
    "google_url": '"http://127.0.0.1:9/m"',
    "deepl_key": '"abc123:fx"',
    "deepl_url": '"http://127.0.0.1:9"',
    "libre_url": '"http://127.0.0.1:9"',
    "libre_key": '"libre-key-1"',
    "mymemory_email": '"me@example.org"',
    "mymemory_url": '"http://127.0.0.1:9/get"',
    "microsoft_key": '"ms-key-123"',
    "microsoft_region": '"westeurope"',
    "microsoft_url": '"http://127.0.0.1:9"',
    "openai_url": '"http://127.0.0.1:11434/v1"',
    "openai_key": '"sk-test-123"',
    "openai_model": '"llama3.1:8b"',
    "openai_context": "32768",
    "glossary": '"~/terms.txt"',
    "default_glossary": "false",
    "quality": '"strict"',
    "format": '"html"',
    "bilingual": "false",  # true alone is refused: txt, the default format, has no pairs
}
# TOML values of the wrong kind for each kind of setting.
WRONG = {
    int: ['"8"', "8.7", "8.0", "true", "[8]"],
    float: ['"8"', "true", "[1.5]"],
    bool: ['"true"', "1", "0"],
    str: ["8", "true", '["a"]', "1.5"],
}


def kind(setting):
    hint = setting.kind or KINDS.get(setting.name, str)  # an engine's settings are text unless it says
    return hint if hint in (int, float, bool) else str


def config(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_setting_has_a_valid_example():
    assert set(VALID) == {setting.name for setting in SETTINGS}


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_a_config_value_of_its_own_kind_is_read(setting, tmp_path):
    resolved = resolve({}, config(tmp_path, f"{setting.name} = {VALID[setting.name]}\n"), environ={})
    assert resolved.origins[setting.name].startswith("config file")


@pytest.mark.parametrize(
    ("setting", "value"),
    [(setting, value) for setting in SETTINGS for value in WRONG[kind(setting)]],
    ids=lambda item: getattr(item, "name", item),
)
def test_a_config_value_of_another_kind_is_a_usage_error(setting, value, tmp_path):
    path = config(tmp_path, f"{setting.name} = {value}\n")
    with pytest.raises(UsageError) as caught:
        resolve({}, path, environ={})
    message = str(caught.value)
    assert message.startswith(f"bad value for {setting.name} in config file {path}: expected")


@pytest.mark.parametrize(("value", "said"), [('"8"', "not a string"), ("8.7", "not a float")])
def test_the_reported_config_cases(value, said, tmp_path):
    # concurrency = "8" was taken as 8, and so was concurrency = 8.7
    with pytest.raises(UsageError, match=f"concurrency in config file .*: expected a whole number.*, {said}"):
        resolve({}, config(tmp_path, f"concurrency = {value}\n"), environ={})


@pytest.mark.parametrize("setting", [s for s in SETTINGS if kind(s) is int], ids=lambda s: s.name)
@pytest.mark.parametrize("layer", ["environ", "flags"])
def test_a_fraction_for_a_whole_number_is_refused_everywhere(setting, layer, tmp_path):
    source = {setting.variable: "8.7"} if layer == "environ" else {}
    flags = {setting.name: "8.7"} if layer == "flags" else {}
    with pytest.raises(UsageError, match="expected a whole number"):
        resolve(flags, config(tmp_path, ""), environ=source)


@pytest.mark.parametrize("setting", [s for s in SETTINGS if kind(s) in (int, float)], ids=lambda s: s.name)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-5", "1e400", "9" * 30, "", "eight"])
def test_odd_numbers_are_usage_errors(setting, value, tmp_path):
    with pytest.raises(UsageError, match=f"bad value for {setting.name} in {setting.variable}"):
        resolve({}, config(tmp_path, ""), environ={setting.variable: value})


@pytest.mark.parametrize("value", ["maybe", "2", ""])
def test_a_switch_takes_only_true_or_false_words(value, tmp_path):
    with pytest.raises(UsageError, match="expected true or false"):
        resolve({}, config(tmp_path, ""), environ={"WARNEWS_CACHE": value})


# --- proxies ---


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("127.0.0.1:3128", "http://127.0.0.1:3128"),
        ("proxy.corp:3128", "http://proxy.corp:3128"),
        ("user:pass@proxy.corp:3128", "http://user:pass@proxy.corp:3128"),
        ("[::1]:3128", "http://[::1]:3128"),
        ("http://proxy.corp:3128", "http://proxy.corp:3128"),
        ("https://proxy.corp", "https://proxy.corp"),
        ("socks5h://127.0.0.1:9050", "socks5h://127.0.0.1:9050"),
        ("  socks5://127.0.0.1:1080  ", "socks5://127.0.0.1:1080"),
        ("", None),
    ],
)
def test_a_proxy_without_a_scheme_is_http(given, read, tmp_path):
    for flags, environ in (({"proxy": given}, {}), ({}, {"WARNEWS_PROXY": given})):
        assert resolve(flags, config(tmp_path, ""), environ=environ).settings.proxy == read


@pytest.mark.parametrize(
    "given",
    [
        "bogus",  # no scheme and no port: a mistake, not a proxy on port 80
        "ftp://proxy.corp:21",
        "http://",
        "http://:3128",
        ":3128",
        "proxy.corp:99999",
        "proxy.corp:0",
        "proxy.corp:abc",
        "http://proxy corp:3128",
        "http://proxy.corp:3128/\tx",
        "http://[::1:3128",
    ],
)
@pytest.mark.parametrize("layer", ["flags", "environ", "config"])
def test_a_bad_proxy_is_a_usage_error_naming_its_origin(given, layer, tmp_path):
    flags = {"proxy": given} if layer == "flags" else {}
    environ = {"WARNEWS_PROXY": given} if layer == "environ" else {}
    text = f"proxy = {_toml_string(given)}\n" if layer == "config" else ""
    path = config(tmp_path, text)
    origin = {"flags": "--proxy", "environ": "WARNEWS_PROXY", "config": f"config file {path}"}[layer]
    with pytest.raises(UsageError) as caught:
        resolve(flags, path, environ=environ)
    assert str(caught.value).startswith(f"bad value for proxy in {origin}: ")
    assert "is not a proxy URL" in str(caught.value)


def _toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


@pytest.mark.parametrize(
    "given",
    ["http://user:s3cretpass@proxy corp:3128", "ftp://user:s3cretpass@proxy.corp:21", "u:s3cretpass@:1"],
)
def test_a_bad_proxy_error_never_shows_its_password(given, tmp_path):
    with pytest.raises(UsageError) as caught:
        resolve({"proxy": given}, config(tmp_path, ""), environ={})
    assert "s3cretpass" not in str(caught.value) and "***@" in str(caught.value)


def test_a_proxy_password_is_masked_and_the_rest_shown(tmp_path):
    settings = resolve(
        {"proxy": "user:s3cretpass@proxy.corp:3128"}, config(tmp_path, ""), environ={}
    ).settings
    assert shown(settings, "proxy") == "http://***@proxy.corp:3128"
    assert secret_values(settings) == ["s3cretpass"]


# --- which settings are flags ---


def test_secrets_have_no_flag_and_the_proxy_is_not_a_secret():
    secrets = {setting.name for setting in SETTINGS if setting.secret}
    assert secrets == {"deepl_key", "libre_key", "mymemory_email", "microsoft_key", "openai_key"}
    assert all(not setting.flag for setting in SETTINGS if setting.secret)
    [proxy] = [setting for setting in SETTINGS if setting.name == "proxy"]
    assert proxy.flag and proxy.password and not proxy.secret


def test_every_flag_is_on_config():
    assert all(setting.applies_to("config") for setting in SETTINGS if setting.flag)
    assert not any(setting.applies_to("config") for setting in SETTINGS if not setting.flag)


def test_a_secret_given_a_flag_is_refused_where_it_is_declared():
    from warnews._settings import Setting

    with pytest.raises(AssertionError):
        Setting("x_key", str, "", "KEY", frozenset({"fetch"}), secret=True)


# --- languages ---


@pytest.mark.parametrize(("code", "name"), sorted(NAMES.items()))
def test_every_language_by_code_or_name(code, name):
    for spelling in (code, code.lower(), code.upper(), name, name.upper(), name.title(), f"  {name} "):
        assert resolve_language(spelling) == code
    assert normalize_code(code.lower()) == code
    assert language_name(code).lower() == name


@pytest.mark.parametrize(("alias", "code"), sorted({**CODE_ALIASES, **NAME_ALIASES}.items()))
def test_every_alias_names_a_language_of_the_table(alias, code):
    assert code in NAMES
    assert resolve_language(alias) == resolve_language(alias.upper()) == code
    assert language_name(alias if alias in CODE_ALIASES else code) == language_name(code)


def test_the_reported_language_case():
    for value in ("chinese", "Chinese", "zh", "zh-cn", "ZH-CN", "chinese (simplified)"):
        assert resolve_language(value) == "zh-CN"
    assert resolve_language("chinese (traditional)") == resolve_language("zh-tw") == "zh-TW"


@pytest.mark.parametrize("layer", ["flags", "environ", "config"])
def test_languages_by_name_in_every_layer(layer, tmp_path):
    flags = {"target_language": "Chinese", "source_language": "ukrainian"} if layer == "flags" else {}
    environ = (
        {"WARNEWS_TARGET_LANGUAGE": "Chinese", "WARNEWS_SOURCE_LANGUAGE": "ukrainian"}
        if layer == "environ"
        else {}
    )
    text = 'target_language = "Chinese"\nsource_language = "ukrainian"\n' if layer == "config" else ""
    settings = resolve(flags, config(tmp_path, text), environ=environ).settings
    assert (settings.target_language, settings.source_language) == ("zh-CN", "uk")


@pytest.mark.parametrize("value", ["klingon", "", "zh-XX", "chinese simplified traditional"])
def test_an_unknown_language_is_a_usage_error(value):
    with pytest.raises(UsageError, match="unknown language"):
        resolve_language(value)


def test_the_languages_are_warnews_own():
    """The table is what Google knows (deep-translator's copy, when it is installed)."""
    constants = pytest.importorskip("deep_translator.constants")
    assert {code: name for name, code in constants.GOOGLE_LANGUAGES_TO_CODES.items()} == NAMES


@pytest.mark.parametrize(
    "setting", [s for s in SETTINGS if s.metavar in ("PATH", "DIR")], ids=lambda s: s.name
)
@pytest.mark.parametrize("value", ["a\\u0000b", "a\\nb", "a\\u001bb", "a\\u0085b"])
def test_a_path_with_a_control_character_is_a_usage_error(setting, value, tmp_path):
    # out = "a\u0000b" ended in a traceback (ValueError: embedded null byte) at the first mkdir
    with pytest.raises(UsageError, match=f"bad value for {setting.name} in config file .*: a path holds no"):
        resolve({}, config(tmp_path, f'{setting.name} = "{value}"\n'), environ={})


def test_since_is_a_day_or_days_back_and_a_toml_date_is_one(tmp_path, monkeypatch):
    from datetime import date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704931200")  # 2024-01-11
    assert resolve({"since": "7d"}, config(tmp_path, ""), environ={}).settings.since == date(2024, 1, 4)
    assert resolve({}, config(tmp_path, "since = 2024-01-02\n"), environ={}).settings.since == date(
        2024, 1, 2
    )
    environ = {"WARNEWS_SINCE": "2024-01-03"}
    assert resolve({}, config(tmp_path, ""), environ=environ).settings.since == date(2024, 1, 3)
    with pytest.raises(
        UsageError, match=r"bad value for since .*expected a day as YYYY-MM-DD, or days back as 7d"
    ):
        resolve({"since": "last week"}, config(tmp_path, ""), environ={})


def test_a_since_in_the_future_is_refused(tmp_path):
    with pytest.raises(UsageError, match=r"bad value for since .*2999-01-01 is in the future"):
        resolve({"since": "2999-01-01"}, config(tmp_path, ""), environ={})


def test_another_typers_internals_leave_the_command_line_to_typer():
    """cli._plain_values reads Typer's internals to skip pydantic: a Typer whose RuntimeParam
    is shaped otherwise must get its own reading back, never a traceback at start-up."""
    import subprocess
    import sys

    program = """
import dataclasses, sys
import typer._coercion, typer.core

@dataclasses.dataclass
class Other:  # not frozen: a frozen subclass of it cannot be made
    parameter_info: object = None

typer._coercion.RuntimeParam = Other
before = typer.core._TyperParameter.get_runtime_param
from warnews import cli
cli._plain_values()
assert typer.core._TyperParameter.get_runtime_param is before
sys.argv = ["warnews", "config", "--from", "uk"]
cli.main()
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert 'source_language        = "uk"' in result.stdout
