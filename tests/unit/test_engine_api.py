"""Engines as a library: get_engine, engines that own their settings, the kinds of failure,
and which exceptions are an engine's failure rather than a bug (httpx.MockTransport, no network)."""

import dataclasses
import html
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import warnews
from warnews import engines
from warnews._errors import EngineError, FailureKind, UsageError
from warnews._settings import Settings, every_setting, resolve, secret_values, shown
from warnews.engines import Engine, Limit, Setting, get_engine, read_secret, read_text

GOOGLE = "http://google.test/m"


def google_page(request: httpx.Request) -> httpx.Response:
    """Google's mobile page, the text upper-cased as its translation."""
    text = parse_qs(urlsplit(str(request.url)).query)["q"][0]
    page = f'<html><body><div class="result-container">{html.escape(text.upper())}</div></body></html>'
    return httpx.Response(200, text=page)


def client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.fixture
def echo():
    """An engine defined as a plugin would define it, with two settings of its own."""

    class Echo(Engine):
        key, name, limits = "echo-test", "Echo", "none"
        settings = (
            Setting("echo_test_key", read_secret, "Echo's key.", "KEY", secret=True, required=True),
            Setting("echo_test_mark", read_text, "Its mark.", "TEXT", default="!"),
        )

        def limit(self, source, target):
            return Limit(1000, 1000)

        def _call(self, text, source, target):
            if text == "malformed":  # its own parsing trips over the answer, as a plugin's may
                return {}["translation"]
            return text.upper() + self.setting("echo_test_mark")

    yield Echo
    del engines._REGISTRY["echo-test"]


# --- each engine owns its settings ---


def test_settings_hold_no_engine_field_and_each_engine_declares_its_rows():
    names = {field.name for field in dataclasses.fields(Settings)}
    rows = {row.name: key for key, engine in engines.registry().items() for row in engine.settings}
    assert not names & set(rows), "an engine's setting is a field of Settings"
    assert rows == {
        "google_url": "google",
        "deepl_key": "deepl",
        "deepl_url": "deepl",
        "libre_url": "libre",
        "libre_key": "libre",
        "mymemory_email": "mymemory",
        "mymemory_url": "mymemory",
        "microsoft_key": "microsoft",
        "microsoft_region": "microsoft",
        "microsoft_url": "microsoft",
        "openai_url": "openai",
        "openai_key": "openai",
        "openai_model": "openai",
        "openai_context": "openai",
    }
    assert not hasattr(Engine, "options")


def test_engine_settings_are_immutable(tmp_path):
    (tmp_path / "empty.toml").write_text("")
    settings = resolve({}, tmp_path / "empty.toml", environ={"WARNEWS_DEEPL_KEY": "k:fx"}).settings
    assert settings.engine_settings["deepl_key"] == "k:fx"
    assert settings.engine_settings["google_url"] == "https://translate.google.com/m"  # its row's default
    with pytest.raises(TypeError):
        settings.engine_settings["deepl_key"] = "other"  # type: ignore[index]


def test_a_new_engines_rows_are_read_from_every_layer_and_masked(echo, tmp_path):
    assert [row.name for row in every_setting()][-2:] == ["echo_test_key", "echo_test_mark"]
    config = tmp_path / "config.toml"
    config.write_text('echo_test_mark = "?"\n')
    resolved = resolve({}, config, environ={"WARNEWS_ECHO_TEST_KEY": "s3cret-echo"})
    settings = resolved.settings
    assert settings.engine_settings == {"echo_test_key": "s3cret-echo", "echo_test_mark": "?"} | {
        key: value for key, value in settings.engine_settings.items() if not key.startswith("echo")
    }
    assert resolved.origins["echo_test_key"] == "WARNEWS_ECHO_TEST_KEY"
    assert resolved.origins["echo_test_mark"] == f"config file {config}"
    assert "s3cret-echo" in secret_values(settings) and shown(settings, "echo_test_key") == "***"
    config.write_text("echo_test_mark = 5\n")
    with pytest.raises(UsageError, match=r"bad value for echo_test_mark in config file .*: expected text"):
        resolve({}, config, environ={})


# --- get_engine ---


def test_get_engine_is_public_and_translates_with_a_callers_client():
    assert warnews.get_engine is get_engine and warnews.Engine is Engine
    with client(google_page) as own:
        google = get_engine("google", url=GOOGLE, client=own)
        assert google.translate("добрий день", "uk", "en") == "ДОБРИЙ ДЕНЬ"
        google.close()
        assert not own.is_closed, "the caller's client is the caller's to close"


def test_get_engine_takes_full_and_short_names(echo):
    assert (
        get_engine("echo-test", echo_test_key="k", client=client(google_page)).setting("echo_test_key") == "k"
    )
    engine = get_engine("deepl", key="abc:fx", url="http://deepl.test", retries=0, timeout=5)
    with engine:
        assert engine.values == {"deepl_key": "abc:fx", "deepl_url": "http://deepl.test"}
        assert engine.retries == 0 and engine._client.timeout.read == 5
    assert engine._client.is_closed, "a client it made is closed with it"


@pytest.mark.parametrize(
    ("name", "config", "message"),
    [
        ("bing", {}, r"unknown engine 'bing' \(known: google, deepl"),
        (
            "deepl",
            {"colour": "red"},
            r"unknown setting 'colour' for the DeepL engine \(known: deepl_key, deepl_url, timeout, retries, proxy, key, url, client\)",
        ),
        ("deepl", {}, r"the DeepL engine needs deepl_key \(WARNEWS_DEEPL_KEY"),
        ("deepl", {"key": 5}, r"bad value for deepl_key: expected text"),
        (
            "deepl",
            {"key": "a\nb"},
            r"bad value for deepl_key: it contains a control character \(the value is not shown\)",
        ),
        ("google", {"url": "ftp://x"}, r"bad value for google_url: expected an http:// or https:// URL"),
        ("google", {"timeout": "soon"}, r"bad value for timeout: expected a number"),
        ("google", {"retries": 1.5}, r"bad value for retries: expected a whole number"),
        ("google", {"proxy": "nonsense"}, r"bad value for proxy: nonsense is not a proxy URL"),
        ("google", {"client": "mine"}, r"client must be an httpx.Client, not str"),
        ("google", {"url": GOOGLE, "google_url": GOOGLE}, r"google_url is given twice"),
    ],
)
def test_get_engine_refuses_bad_config_naming_the_setting(name, config, message):
    with pytest.raises(UsageError, match=message):
        get_engine(name, **config)


def test_timeout_and_proxy_belong_to_a_callers_client():
    with client(google_page) as own, pytest.raises(UsageError, match="the client's own"):
        get_engine("google", client=own, timeout=3)


# --- kinds of failure ---


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (456, FailureKind.QUOTA),
        (403, FailureKind.AUTH),
        (429, FailureKind.THROTTLED),
        (500, FailureKind.FAILING),
        (400, FailureKind.REJECTED),
    ],
)
def test_a_failure_has_a_kind_of_its_own_type(status, kind):
    deepl = get_engine(
        "deepl",
        key="k:fx",
        url="http://deepl.test",
        retries=0,
        client=client(lambda r: httpx.Response(status, json={})),
    )
    with pytest.raises(EngineError) as caught:
        deepl.translate("добрий день", "uk", "en")
    assert caught.value.kind is kind and isinstance(caught.value.kind, FailureKind)


# --- the engine's failure, or warnews's bug ---


@pytest.mark.parametrize(
    "answer",
    [{"translations": 5}, {"translations": []}, {"translations": [{"no": "text"}]}, [1, 2], "not json"],
    ids=["type", "index", "key", "list", "json"],
)
def test_a_malformed_answer_is_a_bad_answer(answer):
    def reply(request):
        return httpx.Response(200, text=answer if isinstance(answer, str) else json.dumps(answer))

    deepl = get_engine("deepl", key="k:fx", url="http://deepl.test", client=client(reply))
    with pytest.raises(EngineError) as caught:
        deepl.translate("добрий день", "uk", "en")
    assert caught.value.kind is FailureKind.BAD_ANSWER


@pytest.mark.parametrize("bug", [AttributeError, TypeError, KeyError, ValueError])
def test_a_bug_in_warnews_own_code_is_not_taken_for_a_bad_answer(bug, monkeypatch):
    google = get_engine("google", url=GOOGLE, client=client(google_page))

    def reshape(call):
        raise bug("a bug")

    monkeypatch.setattr(google, "_reshape", reshape)
    with pytest.raises(bug, match="a bug"):
        google.translate("добрий день", "uk", "en")


def test_a_bug_in_an_engines_call_is_not_taken_for_a_bad_answer(monkeypatch):
    google = get_engine("google", url=GOOGLE, client=client(google_page))
    monkeypatch.setattr(type(google), "_call", lambda self, text, source, target: self.no_such_thing)
    with pytest.raises(AttributeError):
        google.translate("добрий день", "uk", "en")


def test_a_plugins_own_parse_error_is_its_failure(echo):
    engine = get_engine("echo-test", key="k", client=client(google_page))
    assert engine.translate("добрий день", "uk", "en") == "ДОБРИЙ ДЕНЬ!"
    with pytest.raises(EngineError) as caught:
        engine.translate("malformed", "uk", "en")
    assert caught.value.kind is FailureKind.BAD_ANSWER


def test_a_password_in_an_engine_url_is_never_shown():
    from warnews._settings import resolve, shown

    settings = resolve(
        {},
        None,
        environ={
            "WARNEWS_LIBRE_URL": "http://user:pw5ecret@127.0.0.1:5000",
            "WARNEWS_OPENAI_URL": "http://user:pw6ecret@127.0.0.1:11434/v1",
        },
    ).settings
    for name in ("libre_url", "openai_url"):
        assert "ecret" not in shown(settings, name) and "127.0.0.1" in shown(settings, name)
