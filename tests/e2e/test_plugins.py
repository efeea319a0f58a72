"""Engines from other packages (the entry-point group warnews.engines), end to end, and
deep-translator shared with the rest of the process.

The plugin package tests/plugin (the Shout engine) is copied under tmp_path with its
dist-info, and that folder put on PYTHONPATH: exactly what an installed package looks like
to importlib.metadata. Broken plugins are made the same way, in the test.
"""

import json
import shutil
import threading
from pathlib import Path

import pytest
from translators import emulate_translation

TITLE = "Школа відкрилася в укритті"
PARAGRAPHS = ["Добрий день, друзі.", "Уроки тривають навіть під час тривоги."]
GOOD_KEY = "good-shout-key-31c9"
BAD_KEY = "bad-shout-key-e07b"


@pytest.fixture
def plugins(tmp_path):
    """A site folder holding the Shout plugin, as pip would install it."""
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parent.parent / "plugin", site)
    return site


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return path


def broken(site, name, entry, module_text=None):
    """A plugin distribution whose entry point is `entry`, with a module if given."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[warnews.engines]\n{name} = {entry}\n")
    if module_text is not None:
        (site / f"{name}.py").write_text(module_text)


def test_a_plugins_engine_works_in_a_chain_with_its_key_masked(run, plugins, article, google, tmp_path):
    env = {"PYTHONPATH": str(plugins), "WARNEWS_SHOUT_KEY": GOOD_KEY}
    listed = run("engines", "--json", "--engine", "shout,google", env=env)
    assert listed.returncode == 0 and listed.stderr == ""
    rows = {row["engine"]: row for row in json.loads(listed.stdout)}
    assert list(rows) == ["google", "deepl", "libre", "microsoft", "mymemory", "openai", "shout"]
    assert rows["shout"]["position"] == 1 and rows["shout"]["configured"] and rows["shout"]["needs_key"]
    assert rows["shout"]["settings"] == [
        {
            "setting": "shout_key",
            "variable": "WARNEWS_SHOUT_KEY",
            "required": True,
            "secret": True,
            "set": True,
        }
    ]

    made = run("translate", article, "-o", "out", "--engine", "shout,google", env=env)
    assert made.returncode == 0, made.stderr
    text = (tmp_path / made.stdout.strip()).read_text(encoding="utf-8")
    assert "via Shout" in text and "DOBRYY DEN', DRUZI.\n\nUROKY TRYVAYUT' NAVIT' PID CHAS TRYVOHY.!" in text
    assert google.count == 0

    # Its key refused, the chain moves on to Google.
    (tmp_path / "config" / "warnews").mkdir(parents=True)
    (tmp_path / "config" / "warnews" / "config.toml").write_text('shout_mark = "?"\n')
    fallback = run(
        "translate",
        article,
        "--stdout",
        "--no-cache",
        "--engine",
        "shout,google",
        "-v",
        env={**env, "WARNEWS_SHOUT_KEY": BAD_KEY},
    )
    assert fallback.returncode == 0, fallback.stderr
    assert "via Google" in fallback.stdout and google.count > 0
    assert "Shout failed: the key is refused" in fallback.stderr

    shown = run("config", env={**env, "WARNEWS_SHOUT_KEY": BAD_KEY})
    assert shown.returncode == 0
    assert [line.split() for line in shown.stdout.splitlines() if line.startswith("shout_")] == [
        ["shout_key", "=", '"***"', "#", "WARNEWS_SHOUT_KEY"],
        [
            "shout_mark",
            "=",
            '"?"',
            "#",
            "config",
            "file",
            str(tmp_path / "config" / "warnews" / "config.toml"),
        ],
    ]
    seen = listed.stdout + made.stdout + made.stderr + fallback.stdout + fallback.stderr + shown.stdout
    files = [path for path in tmp_path.rglob("*") if path.is_file() and "site" not in path.parts]
    for key in (GOOD_KEY, BAD_KEY):
        assert key not in seen
        assert not any(key.encode() in path.read_bytes() for path in files)


def test_a_plugins_key_is_never_a_flag(run, plugins, article):
    result = run(
        "translate", article, "--stdout", "--shout-key", "s3cret-x", env={"PYTHONPATH": str(plugins)}
    )
    assert result.returncode == 2 and "No such option: --shout-key" in result.stderr
    assert "s3cret-x" not in result.stderr


def test_broken_plugins_are_skipped_with_one_warning_each(run, plugins, article):
    broken(plugins, "missing", "no_such_module:Engine")
    broken(plugins, "failing", "failing", "raise RuntimeError('broken at import')\n")
    broken(plugins, "notengine", "json:dumps")
    clash = "from warnews.engines import Engine\n\nclass Fake(Engine):\n    key, name, limits = 'google', 'Fake', 'none'\n"
    broken(plugins, "clash", "clash:Fake", clash)
    twin = (
        "from warnews.engines import Engine, Setting, read_text\n\n"
        "class Twin(Engine):\n    key, name, limits = 'twin', 'Twin', 'none'\n"
        "    settings = (Setting('deepl_key', read_text, 'Not its own.', 'KEY'),)\n"
        "    def limit(self, source, target): ...\n    def _call(self, text, source, target): ...\n"
    )
    broken(plugins, "twin", "twin", twin)
    env = {"PYTHONPATH": str(plugins), "WARNEWS_SHOUT_KEY": GOOD_KEY}

    listed = run("engines", env=env)
    assert listed.returncode == 0
    warnings = sorted(listed.stderr.splitlines())
    assert len(warnings) == 5 and all(
        line.startswith("warnews: warning: engine plugin '") for line in warnings
    )
    assert "'clash' (clash:Fake) skipped: its engine key 'google' is another engine's" in warnings[0]
    assert (
        "'failing' (failing) skipped: it cannot be imported (RuntimeError: broken at import)" in warnings[1]
    )
    assert (
        "'missing' (no_such_module:Engine) skipped: it cannot be imported (ModuleNotFoundError" in warnings[2]
    )
    assert "'notengine' (json:dumps) skipped: it names no warnews Engine subclass" in warnings[3]
    assert (
        "'twin' (twin) skipped: its setting 'deepl_key' is already warnews's or another engine's"
        in warnings[4]
    )
    assert "google: Google, in use (#1)" in listed.stdout and "shout: Shout" in listed.stdout
    assert "twin" not in listed.stdout and "Fake" not in listed.stdout

    named = run("translate", article, "--stdout", "--engine", "twin", env=env)
    assert named.returncode == 2
    assert named.stderr.splitlines()[-1].startswith(
        "warnews: error: bad value for engine in --engine: unknown engine 'twin'"
    )
    works = run("translate", article, "--stdout", "--engine", "shout", env=env)
    assert works.returncode == 0 and "via Shout" in works.stdout
    assert works.stderr.count("warnews: warning:") == 5, "once per invocation"


def test_help_loads_no_plugin(run, plugins):
    broken(plugins, "failing", "failing", "raise RuntimeError('broken at import')\n")
    result = run("--help", env={"PYTHONPATH": str(plugins), "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "typer" in imported and not {"warnews.engines", "warnews_shout", "failing"} & imported
    assert "warnews: warning" not in result.stderr


# --- deep-translator, shared with the rest of the process ---


def test_deep_translator_works_directly_after_a_warnews_engine(google):
    from deep_translator import GoogleTranslator
    from deep_translator import google as dt_google

    import warnews

    with warnews.get_engine("google", url=google.base_url) as engine:
        assert engine.translate("Добрий день", "uk", "en") == emulate_translation("Добрий день")
        assert type(dt_google.requests).__name__ == "_RequestsThroughHttpx", "warnews routes this module"
        before = google.count
        direct = GoogleTranslator(source="uk", target="en")
        direct._base_url = google.base_url
        assert direct.translate("Добрий день") == emulate_translation("Добрий день")  # requests itself
        assert google.count == before + 1

        # ...also while another thread's warnews engine is in the middle of a call.
        answers = []
        worker = threading.Thread(target=lambda: answers.append(engine.translate("Друзі", "uk", "en")))
        worker.start()
        assert direct.translate("Школа") == emulate_translation("Школа")
        worker.join()
        assert answers == [emulate_translation("Друзі")]
    assert engine.requests == 2, "only warnews's own calls went through its route"
