"""The engine registry and what `warnews engines` says, without the network."""

import pytest

from warnews._errors import UsageError
from warnews._settings import Settings
from warnews.engines import Engine, describe, parse_chain, registry


def test_every_engine_module_registers_itself_default_first():
    engines = registry()
    assert list(engines) == ["google", "deepl", "libre", "microsoft", "mymemory", "openai"]
    assert {key: engine.name for key, engine in engines.items()} == {
        "google": "Google",
        "deepl": "DeepL",
        "libre": "LibreTranslate",
        "microsoft": "Microsoft",
        "mymemory": "MyMemory",
        "openai": "OpenAI-compatible",  # an instance is named by its model
    }
    assert all(issubclass(engine, Engine) and engine.limits for engine in engines.values())


def test_a_new_subclass_is_an_engine_by_its_key():
    class Echo(Engine):
        key, name, limits, modules = "echo-test", "Echo", "none", ()

        def limit(self, source, target):
            raise NotImplementedError

        def _call(self, text, source, target):
            return text

    try:
        assert registry()["echo-test"] is Echo
        assert parse_chain("echo-test, google") == ("echo-test", "google")
    finally:
        from warnews import engines

        del engines._REGISTRY["echo-test"]


@pytest.mark.parametrize(
    ("value", "error"),
    [("bing", "unknown engine 'bing'"), ("google,google", "named twice"), ("google,", "unknown engine ''")],
)
def test_bad_chains(value, error):
    with pytest.raises(ValueError, match=error):
        parse_chain(value)


def test_an_engine_without_its_key_cannot_be_made():
    with pytest.raises(UsageError, match=r"the DeepL engine needs deepl_key \(WARNEWS_DEEPL_KEY"):
        registry()["deepl"](Settings().engine_settings, client=None)  # type: ignore[arg-type]


def test_describe_says_whether_keys_are_set_never_what_they_are():
    settings = Settings(engine="deepl,google", engine_settings={"deepl_key": "very-secret:fx"})
    rows = {row["engine"]: row for row in describe(settings)}
    assert "very-secret" not in repr(rows)
    assert rows["deepl"]["in_use"] and rows["deepl"]["position"] == 1 and rows["google"]["position"] == 2
    assert rows["deepl"]["configured"] and rows["deepl"]["needs_key"]
    assert rows["deepl"]["settings"] == [
        {
            "setting": "deepl_key",
            "variable": "WARNEWS_DEEPL_KEY",
            "required": True,
            "secret": True,
            "set": True,
        }
    ]
    assert not rows["microsoft"]["configured"] and not rows["mymemory"]["needs_key"]
    assert not rows["libre"]["configured"], "a LibreTranslate server must be named"
