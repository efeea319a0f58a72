"""Engines, fidelity and the translation memory, end to end: the installed warnews against
local emulations of Google, DeepL, LibreTranslate, MyMemory and Microsoft."""

import json
import sqlite3

import pytest
from pages import article_page, body_paragraphs, ukrainian_paragraphs
from translators import (
    DEEPL_LIMIT,
    MICROSOFT_LIMIT,
    MYMEMORY_LIMIT,
    URL_LIMIT,
    LibreEmulator,
    emulate_translation,
)

ENGINES = ["google", "deepl", "libre", "mymemory", "microsoft"]
PROPER = {
    "google": "Google",
    "deepl": "DeepL",
    "libre": "LibreTranslate",
    "mymemory": "MyMemory",
    "microsoft": "Microsoft",
}
LIBRE_LIMIT = 700
LIMITS = {
    "google": URL_LIMIT,
    "deepl": DEEPL_LIMIT,
    "libre": LIBRE_LIMIT,
    "mymemory": MYMEMORY_LIMIT,
    "microsoft": MICROSOFT_LIMIT,
}
TITLE = "Енергетики відновили живлення у трьох районах"
LONG = " ".join(f"Речення {n} про відновлення мережі після атаки дронів." for n in range(90))  # ~5,000 chars
PARAGRAPHS = [*ukrainian_paragraphs(8, sentences=4), LONG, "Читайте також: новини громади."]
SECRETS = {
    "WARNEWS_DEEPL_KEY": "deepl-secret-4f1c:fx",
    "WARNEWS_LIBRE_KEY": "libre-secret-9a7e",
    "WARNEWS_MICROSOFT_KEY": "microsoft-secret-77d0",
    "WARNEWS_MYMEMORY_EMAIL": "volunteer-5b3e@example.org",
}
KEYS = SECRETS  # what the services fixture's emulations want (conftest.py)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return path


def translated(result, tmp_path):
    assert result.returncode == 0, result.stderr
    [name] = result.stdout.splitlines()
    return (tmp_path / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "mode", ["ok", "collapse", "drop_markers", "mangle_markers", "swap_markers", "merge_markers"]
)
@pytest.mark.parametrize("engine", ENGINES)
def test_every_paragraph_comes_back_whole_whatever_the_engine_does_to_markers(
    run, services, engines_env, article, tmp_path, engine, mode
):
    service = services[engine]
    service.mode = mode
    result = run("translate", article, "-o", "out", "--engine", engine, env=engines_env)
    text = translated(result, tmp_path)
    assert text.startswith(f"date 2024-01-11 unknown – Translated from Ukrainian via {PROPER[engine]}\n\n")
    assert body_paragraphs(text) == [emulate_translation(p) for p in PARAGRAPHS]
    assert service.rejected == 0 and service.max_size <= LIMITS[engine], "no request over the limit"
    if mode == "ok" and engine in ("google", "deepl", "microsoft"):  # the others' limits are small
        assert service.count < len(PARAGRAPHS), "paragraphs share requests"


FAILURES = {
    "error500": "HTTP 500",
    "429": "429",
    "stall": "did not answer within",
    "empty": ("empty", "no translation"),
    "error_page": ("not JSON", "captcha"),
    "identity": "untranslated",
    "quota": ("quota", "429"),
    "auth": ("refused", "HTTP 403"),
}


@pytest.mark.parametrize("mode", FAILURES)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_failing_engine_fails_the_article_and_the_next_in_the_chain_takes_over(
    run, services, engines_env, article, tmp_path, engine, mode
):
    services[engine].mode = mode
    flags = ("--retries", "1", "--timeout", "1")
    failed = run("translate", article, "-o", "out", "--engine", engine, *flags, env=engines_env)
    assert failed.returncode == 1 and failed.stdout == ""
    [line] = failed.stderr.splitlines()
    causes = FAILURES[mode] if isinstance(FAILURES[mode], tuple) else (FAILURES[mode],)
    assert line.startswith(f"warnews: error: {article}: {PROPER[engine]} failed: ")
    assert any(cause in line for cause in causes), line
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())

    fallback = "deepl" if engine == "google" else "google"
    chain = f"{engine},{fallback}"
    rescued = run("translate", article, "-o", "out", "--engine", chain, *flags, env=engines_env)
    text = translated(rescued, tmp_path)
    assert f"Translated from Ukrainian via {PROPER[fallback]}\n" in text.splitlines(keepends=True)[0]
    assert body_paragraphs(text) == [emulate_translation(p) for p in PARAGRAPHS]


def test_an_engine_out_of_quota_is_not_tried_again_in_the_run(run, site, services, engines_env, tmp_path):
    urls = [
        site.add(f"/n/{i}", article_page(f"Новина {i}", ukrainian_paragraphs(3, seed=i * 11)))
        for i in range(4)
    ]
    services["mymemory"].mode = "quota"
    result = run(
        "fetch", *urls, "-o", "out", "--engine", "mymemory,google", "--concurrency", "1", env=engines_env
    )
    assert result.returncode == 0, result.stderr
    assert services["mymemory"].count == 1, "after its quota ran out, no more requests"
    for name in result.stdout.splitlines():
        assert "via Google" in (tmp_path / name).read_text().splitlines()[0]


def test_retry_after_is_honoured_for_an_api(run, services, engines_env, article, tmp_path):
    deepl = services["deepl"]
    deepl.throttle_next = 1
    result = run("translate", article, "-o", "out", "--engine", "deepl", env=engines_env)
    translated(result, tmp_path)
    assert len(deepl.throttled_at) == 1 and deepl.times[1] - deepl.throttled_at[0] >= 0.9


def test_keys_never_appear_in_output_logs_state_or_urls(run, site, services, engines_env, tmp_path):
    url = site.add("/k", article_page(TITLE, PARAGRAPHS[:3]))
    log = tmp_path / "run.log"
    outputs = []
    for engine in ENGINES:
        outputs.append(
            run(
                "fetch",
                url,
                "-o",
                "out",
                "--engine",
                engine,
                "--force",
                "--json",
                "--log-file",
                log,
                env=engines_env,
            )
        )
    services["deepl"].mode = "auth"
    services["libre"].mode = "auth"
    outputs.append(
        run(
            "fetch",
            url,
            "--engine",
            "deepl,libre",
            "--force",
            "--no-cache",
            "--log-file",
            log,
            env=engines_env,
        )
    )
    outputs.append(run("config", env=engines_env))
    outputs.append(run("engines", "--json", env=engines_env))
    outputs.append(run("engines", "--check", env=engines_env))
    outputs.append(run("status", "--json", env=engines_env))
    outputs.append(run("cache", "stats", "--json", env=engines_env))
    assert outputs[-4].returncode == 0 and '"configured": true' in outputs[-4].stdout
    assert "every engine failed: DeepL: the key is missing or refused" in outputs[5].stderr
    assert "; LibreTranslate: the key is missing or refused" in outputs[5].stderr
    seen = "".join(o.stdout + o.stderr for o in outputs) + log.read_text()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files) and any(p.name == "translations.sqlite3" for p in files)
    for secret in SECRETS.values():
        assert secret not in seen
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
    assert "***" in outputs[6].stdout, "config shows that a key is set, masked"
    for service in ("deepl", "libre", "microsoft"):
        for secret in SECRETS.values():
            assert not services[service].seen(secret), f"a key in a URL sent to {service}"
    deepl = services["deepl"]
    assert all(h.get("Authorization", "").startswith("DeepL-Auth-Key ") for h in deepl.headers)


def test_engines_lists_each_engine_its_needs_and_limits(run, services, engines_env):
    bare = run("engines", "--json")
    rows = {row["engine"]: row for row in json.loads(bare.stdout)}
    assert list(rows) == ENGINES[:1] + sorted([*ENGINES[1:], "openai"])  # openai: tests/e2e/test_llm.py
    assert {key: row["name"] for key, row in rows.items()} == {**PROPER, "openai": "OpenAI-compatible"}
    assert rows["google"]["in_use"] and not rows["google"]["needs_key"]
    assert rows["deepl"]["needs_key"] and not rows["deepl"]["configured"]
    assert rows["mymemory"]["configured"] and "500 bytes" in rows["mymemory"]["limits"]
    assert rows["google"]["glossary"].startswith("terms protected in the request")
    assert "DeepL glossary" in rows["deepl"]["glossary"] and "system message" in rows["openai"]["glossary"]
    configured = run("engines", "--engine", "deepl,google", env=engines_env)
    assert "  glossary: a DeepL glossary of every form of every term" in configured.stdout
    assert "deepl: DeepL, in use (#1)" in configured.stdout
    assert "deepl_key (WARNEWS_DEEPL_KEY) is set" in configured.stdout

    checked = run("engines", "--check", "--engine", ",".join(ENGINES), env=engines_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("check: answers") == 5
    services["microsoft"].mode = "auth"
    failing = run("engines", "--check", "--engine", "google,microsoft", env=engines_env)
    assert failing.returncode == 1
    assert "check: the key is missing or refused (HTTP 403" in failing.stdout
    unconfigured = run("engines", "--check", "--engine", "deepl")
    assert unconfigured.returncode == 1 and "check: not configured: needs deepl_key" in unconfigured.stdout


@pytest.mark.parametrize(
    ("args", "env", "cause"),
    [
        (("--engine", "deepl"), {}, "the DeepL engine needs deepl_key (WARNEWS_DEEPL_KEY"),
        (("--engine", "libre"), {}, "the LibreTranslate engine needs libre_url"),
        (("--engine", "bing"), {}, "unknown engine 'bing'"),
        (("--engine", "google,google"), {}, "named twice"),
        ((), {"WARNEWS_LIBRE_URL": "ftp://x"}, "bad value for libre_url in WARNEWS_LIBRE_URL"),
    ],
)
def test_engine_configuration_errors_exit_2(run, article, args, env, cause):
    result = run("translate", article, "--stdout", *args, env=env)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert cause in line


def test_keys_are_not_accepted_as_flags(run, article):
    result = run("translate", article, "--deepl-key", "abc")
    assert result.returncode == 2 and "No such option: --deepl-key" in result.stderr


def test_keep_original_saves_the_source_beside_the_translation(run, site, tmp_path):
    url = site.add(
        "/o", article_page(TITLE, ["  Перший   абзац.  ", *PARAGRAPHS[1:4]], published="2024-01-10")
    )
    result = run("fetch", url, "-o", "out", "--keep-original")
    [name] = result.stdout.splitlines()
    path = tmp_path / name
    original = path.with_name(path.stem + ".uk.txt")
    text, source = path.read_text(), original.read_text()
    assert source.startswith("date 2024-01-11 01/10/2024 – Original in Ukrainian\n\n")
    assert body_paragraphs(source) == ["Перший абзац.", *PARAGRAPHS[1:4]]
    assert len(body_paragraphs(source)) == len(body_paragraphs(text))
    assert json.loads(path.with_suffix(".json").read_text())["original_file"] == original.name
    environment_too = run("fetch", url, "-o", "out2", "--force", env={"WARNEWS_KEEP_ORIGINAL": "true"})
    assert environment_too.returncode == 0
    assert len(list((tmp_path / "out2").glob("*.uk.txt"))) == 1
    plain = run("fetch", url, "-o", "out3", "--force")
    assert plain.returncode == 0 and not list((tmp_path / "out3").glob("*.uk.txt"))


def test_mixed_language_paragraphs(run, google, tmp_path):
    english = "The minister said the repairs would take at least three more weeks to finish."
    russian = "Мэр заявил, что электричество вернётся в ближайшие часы."
    one_letter = "The Kyiv district of Оболонь was without power for ten hours yesterday."
    paragraphs = [*ukrainian_paragraphs(2), english, russian, one_letter, "2024 — 15:30"]
    source = tmp_path / "mixed.txt"
    source.write_text(TITLE + "\n\n" + "\n\n".join(paragraphs))
    result = run("translate", source, "--stdout", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("date 2024-01-11 unknown – Translated from Ukrainian via Google\n")
    assert body_paragraphs(result.stdout) == [
        *[emulate_translation(p) for p in paragraphs[:2]],
        english,
        emulate_translation(russian),
        emulate_translation(one_letter),
        "2024 — 15:30",
    ]
    sent = "\n".join(google.texts)
    assert english not in sent and "2024 — 15:30" not in sent, "kept, not sent"
    assert one_letter in sent, "a Cyrillic letter means it is sent"
    assert ("ru", "en") in google.languages and ("uk", "en") in google.languages
    sent_as = zip(google.texts, google.languages, strict=True)
    assert [text for (text, pair) in sent_as if pair[0] == "ru"] == [russian]


def test_the_translation_memory_saves_requests(run, google, article, tmp_path):
    first = run("translate", article, "-o", "out", "--json")
    assert first.returncode == 0, first.stderr
    cost = google.count
    assert cost > 0 and json.loads(first.stdout)["translator_requests"] == cost
    again = run("translate", article, "-o", "again", "--json")
    assert again.returncode == 0 and google.count == cost, "an article translated before costs nothing"
    assert (tmp_path / json.loads(again.stdout)["path"]).read_text() == (
        tmp_path / json.loads(first.stdout)["path"]
    ).read_text()

    other = tmp_path / "other.txt"  # shares only its boilerplate line with the first
    other.write_text("Інша новина\n\n" + ukrainian_paragraphs(1, seed=99)[0] + "\n\n" + PARAGRAPHS[-1])
    google.reset()
    assert run("translate", other, "--stdout").returncode == 0
    assert PARAGRAPHS[-1] not in "\n".join(google.texts), "boilerplate is translated once"

    google.reset()
    assert run("translate", article, "--stdout", "--no-cache").returncode == 0
    assert google.count == cost

    stats = json.loads(run("cache", "stats", "--json").stdout)
    assert stats["paragraphs"] == 1 + len(PARAGRAPHS) + 2 and stats["hits"] >= 1 + len(PARAGRAPHS) + 1
    [pair] = stats["pairs"]
    assert (pair["engine"], pair["source"], pair["target"]) == ("google", "uk", "en")
    human = run("cache", "stats")
    assert "google uk->en" in human.stdout

    assert run("cache", "clear", "--engine", "deepl").stdout.startswith("0 translations forgotten")
    cleared = run("cache", "clear")
    assert cleared.returncode == 0 and cleared.stdout.startswith(
        f"{stats['paragraphs']} translations forgotten"
    )
    google.reset()
    assert run("translate", article, "--stdout").returncode == 0 and google.count == cost

    with sqlite3.connect(tmp_path / "cache" / "warnews" / "translations.sqlite3") as db:
        [(count,)] = db.execute("SELECT COUNT(*) FROM translations")
    assert count == 1 + len(PARAGRAPHS), "the memory lives in the user cache folder"


def test_a_request_refused_for_its_length_is_a_clean_failure(run, services, engines_env, article, tmp_path):
    hidden = LibreEmulator(char_limit=300, key=SECRETS["WARNEWS_LIBRE_KEY"])
    with hidden:
        hidden.hide_limit = True  # an old server that does not say its limit but keeps it
        env = {**engines_env, "WARNEWS_LIBRE_URL": hidden.origin}
        failed = run("translate", article, "-o", "out", "--engine", "libre", env=env)
        assert failed.returncode == 1 and hidden.rejected == 1
        [line] = failed.stderr.splitlines()
        assert "LibreTranslate failed: the request was refused (HTTP 400: Invalid request: request (" in line
        assert "exceeds text limit (300))" in line
        rescued = run("translate", article, "-o", "out", "--engine", "libre,google", env=env)
        assert "via Google" in translated(rescued, tmp_path).splitlines()[0]
