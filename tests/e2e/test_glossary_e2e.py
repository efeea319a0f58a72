"""The glossary end to end (issue 14): the installed warnews against the local engines.
Google and the other engines get placeholders for terms, DeepL its glossary API, a chat
model a glossary block in its instructions; the saved English uses the glossary's words
and the sidecar says which terms were found, enforced and missed."""

import json
import re

import pytest
from pages import (
    DEFAULT_FORMS,
    DEFAULT_FOUND,
    TERMS_PARAGRAPHS,
    TERMS_TITLE,
    article_page,
    body_paragraphs,
    saved,
    texts,
)
from translators import (
    ChatEmulator,
    DeepLEmulator,
    LibreEmulator,
    MicrosoftEmulator,
    MyMemoryEmulator,
    apply_terms,
    emulate_translation,
)

FAST = {"WARNEWS_TRANSLATOR_RATE": "1000"}  # the rate limit has tests of its own
DEEPL_KEY = "deepl-e2e-7c1e:fx"
REFUSED = "Unsupported glossary language pair"


def expected(paragraphs, forms=DEFAULT_FORMS):
    """What the emulators give when the glossary's English stands for these forms."""
    return [emulate_translation(apply_terms(paragraph, forms)) for paragraph in paragraphs]


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TERMS_TITLE + "\n\n" + "\n\n".join(TERMS_PARAGRAPHS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def deepl():
    with DeepLEmulator(key=DEEPL_KEY) as server:
        yield server


@pytest.fixture
def deepl_env(deepl):
    return {
        **FAST,
        "WARNEWS_DEEPL_URL": deepl.origin,
        "WARNEWS_DEEPL_KEY": DEEPL_KEY,
        "WARNEWS_ENGINE": "deepl",
    }


def test_the_default_glossary_on_google_writes_kyiv_kharkiv_and_the_armed_forces(
    run, google, article, tmp_path
):
    text, meta = saved(run("translate", article, "-o", "out", env=FAST), tmp_path)
    assert text.split("\n")[0].endswith("Translated from Ukrainian via Google")
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert "Kyievi" not in text and "Kharkova" not in text and "ZSU" not in text
    glossary = meta["glossary"]
    assert {term: glossary["found"].get(term) for term in DEFAULT_FOUND} == DEFAULT_FOUND
    assert set(DEFAULT_FOUND) <= set(glossary["enforced"]) and glossary["missed"] == []
    # Google never saw the terms: placeholders travelled in their place.
    sent = "\n".join(google.texts)
    assert "[[T1]]" in sent and "[[T2]]" in sent
    for form in DEFAULT_FORMS:
        assert form not in sent, form
    assert "Kyiv" not in sent, "the English is put in after, not sent"


def test_abbreviations_and_names_of_two_words_and_english_at_a_sentence_start(run, google, tmp_path):
    paragraphs = [
        "ППО збила над Одесою двадцять дронів, повідомили у Верховній Раді після засідання.",
        "Уночі ППО працювала над Миколаєвом, а ДСНС гасила пожежі до самого ранку.",
    ]
    (tmp_path / "a.txt").write_text(TERMS_TITLE + "\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    text, meta = saved(run("translate", "a.txt", "-o", "out", env=FAST), tmp_path)
    forms = {
        "ППО": "air defense",
        "Одесою": "Odesa",
        "Верховній Раді": "Verkhovna Rada",
        "Миколаєвом": "Mykolaiv",
        "ДСНС": "State Emergency Service",
    }
    first, second = expected(paragraphs, forms)
    assert body_paragraphs(text) == ["A" + first[1:], second], "a sentence starts with a capital"
    assert meta["glossary"]["found"] == {"ППО": 2, "Одеса": 1, "Верховна Рада": 1, "Миколаїв": 1, "ДСНС": 1}
    assert meta["glossary"]["missed"] == []


def test_russian_forms_of_the_same_names_are_terms_too(run, google, tmp_path):
    paragraphs = [
        "В Киеве ночью продолжалась воздушная тревога, энергетики восстанавливают электроснабжение.",
        "После обстрела Харькова спасатели работали до утра, повреждены двенадцать домов.",
    ]
    (tmp_path / "ru.txt").write_text("Ночь в городе\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    text, meta = saved(run("translate", "ru.txt", "-o", "out", env=FAST), tmp_path)
    assert text.split("\n")[0].endswith("Translated from Russian via Google")
    assert body_paragraphs(text) == expected(paragraphs, {"Киеве": "Kyiv", "Харькова": "Kharkiv"})
    assert meta["glossary"]["found"] == {"Киев": 1, "Харьков": 1} and meta["glossary"]["missed"] == []


def test_an_article_from_the_translation_memory_has_the_same_records(run, google, article, tmp_path):
    text, meta = saved(run("translate", article, "-o", "first", env=FAST), tmp_path)
    asked = google.count
    again, remembered = saved(run("translate", article, "-o", "again", env=FAST), tmp_path)
    assert google.count == asked and remembered["paragraphs_cached"] > 0
    assert again == text and remembered["glossary"] == meta["glossary"]
    assert remembered["quality"]["passed"] is True


@pytest.mark.parametrize("engine", ["google", "libre", "mymemory", "microsoft"])
def test_placeholders_an_engine_mangles_fall_back_per_paragraph_then_english_in_place(
    run, google, article, tmp_path, engine
):
    with (
        LibreEmulator(char_limit=2000) as libre,
        MyMemoryEmulator() as mymemory,
        MicrosoftEmulator(key="microsoft-glossary-key") as microsoft,
    ):
        services = {"google": google, "libre": libre, "mymemory": mymemory, "microsoft": microsoft}
        service = services[engine]
        service.mode = "mangle_terms"
        env = {
            **FAST,
            "WARNEWS_LIBRE_URL": libre.origin,
            "WARNEWS_MYMEMORY_URL": mymemory.base_url,
            "WARNEWS_MICROSOFT_URL": microsoft.origin,
            "WARNEWS_MICROSOFT_KEY": "microsoft-glossary-key",
            "WARNEWS_MICROSOFT_REGION": "westeurope",
        }
        text, meta = saved(run("translate", article, "-o", "out", "--engine", engine, env=env), tmp_path)
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert set(DEFAULT_FOUND) <= set(meta["glossary"]["enforced"]) and meta["glossary"]["missed"] == []
    assert meta["fallback"] == [] and meta["quality"]["passed"] is True
    with_placeholders = [t for t in service.texts if "[[T" in t]
    alone = [t for t in with_placeholders if "[[1]]" not in t]
    in_place = [t for t in service.texts if "Kyiv" in t]
    assert with_placeholders and alone, "placeholders sent, then a paragraph with them alone"
    assert in_place and all("[[T" not in t for t in in_place), "at last the English in place of the term"
    assert all(form not in t for t in service.texts for form in ("Києві", "Харкова")), (
        "the term itself is never sent"
    )


def test_english_written_in_place_never_makes_a_request_too_long(run, tmp_path):
    """MyMemory takes 500 bytes: a paragraph that fits with its placeholders may not fit
    with the English written in their place."""
    paragraph = (
        "Вранці ЗСУ відбили атаку біля села, вдень ЗСУ евакуювали поранених, увечері ЗСУ "
        "знищили склад, а вночі ЗСУ збили дрони; у штабі кажуть, що ЗСУ тримають позиції "
        "і ЗСУ готові до нових атак. Командування ЗСУ подякувало бійцям за витримку та мужність."
    )
    assert 400 < len(paragraph.encode()) < 500
    (tmp_path / "a.txt").write_text(f"{TERMS_TITLE}\n\n{paragraph}", encoding="utf-8")
    with MyMemoryEmulator() as mymemory:
        mymemory.mode = "mangle_terms"
        env = {**FAST, "WARNEWS_MYMEMORY_URL": mymemory.base_url, "WARNEWS_ENGINE": "mymemory"}
        text, meta = saved(run("translate", "a.txt", "-o", "out", env=env), tmp_path)
    assert mymemory.rejected == 0, "no request over the limit"
    assert body_paragraphs(text) == expected([paragraph])
    assert meta["glossary"]["missed"] == []


def test_a_paragraph_of_terms_alone_costs_no_request(run, google, tmp_path):
    paragraphs = [TERMS_PARAGRAPHS[0], "Київ — Харків"]
    (tmp_path / "a.txt").write_text(TERMS_TITLE + "\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    text, _ = saved(run("translate", "a.txt", "-o", "out", env=FAST), tmp_path)
    assert body_paragraphs(text) == [expected(paragraphs[:1])[0], "Kyiv — Kharkiv"]
    assert not any(re.fullmatch(r"[\W\s]*(\[\[T\d+\]\][\W\s]*)+", t) for t in google.texts)
    assert "Київ — Харків" not in "\n".join(google.texts) and "— [[T" not in "\n".join(google.texts)


def test_a_user_glossary_adds_a_term_and_takes_a_default_one_out(run, google, article, tmp_path):
    mine = tmp_path / "terms.txt"
    mine.write_text("# my terms\n\nповітряна тривога = air raid alert\nХарків =\n", encoding="utf-8")
    forms = {"Києві": "Kyiv", "ЗСУ": "Armed Forces of Ukraine", "повітряна тривога": "air raid alert"}
    text, meta = saved(run("translate", article, "-o", "flag", "--glossary", mine, env=FAST), tmp_path)
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS, forms)
    assert "Kharkova" in text, "a default term taken out is translated as any word"
    found = meta["glossary"]["found"]
    assert "Харків" not in found and found.get("повітряна тривога") == 1 and found.get("Київ") == 2

    by_variable = run("translate", article, "-o", "variable", env={**FAST, "WARNEWS_GLOSSARY": str(mine)})
    assert saved(by_variable, tmp_path)[0] == text
    (tmp_path / "config" / "warnews").mkdir(parents=True)
    (tmp_path / "config" / "warnews" / "config.toml").write_text(f'glossary = "{mine}"\n')
    assert saved(run("translate", article, "-o", "config", env=FAST), tmp_path)[0] == text


def test_without_the_default_glossary_only_the_users_terms_count(run, google, article, tmp_path):
    plain, meta = saved(run("translate", article, "-o", "off", "--no-default-glossary", env=FAST), tmp_path)
    assert body_paragraphs(plain) == [emulate_translation(p) for p in TERMS_PARAGRAPHS]
    assert meta["glossary"]["found"] == {} and meta["glossary"]["enforced"] == []
    assert not any("[[T" in t for t in google.texts), "no term, no placeholder"

    mine = tmp_path / "terms.txt"
    mine.write_text("ЗСУ = Ukraine's Armed Forces\n", encoding="utf-8")
    env = {**FAST, "WARNEWS_DEFAULT_GLOSSARY": "0", "WARNEWS_GLOSSARY": str(mine)}
    text, meta = saved(run("translate", article, "-o", "mine", env=env), tmp_path)
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS, {"ЗСУ": "Ukraine's Armed Forces"})
    assert meta["glossary"]["found"] == {"ЗСУ": 1} and meta["glossary"]["enforced"] == ["ЗСУ"]


def test_the_translation_memory_never_serves_english_made_without_the_glossary(
    run, google, article, tmp_path
):
    plain, _ = saved(run("translate", article, "-o", "off", "--no-default-glossary", env=FAST), tmp_path)
    assert "Kyiv" not in plain
    text, meta = saved(run("translate", article, "-o", "on", env=FAST), tmp_path)
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert meta["glossary"]["missed"] == []


@pytest.mark.parametrize("engine", ["google", "deepl", "openai"])
def test_a_changed_glossary_is_not_undone_by_the_translation_memory(run, article, tmp_path, engine):
    with DeepLEmulator(key=DEEPL_KEY) as deepl, ChatEmulator() as chat:
        env = {
            **FAST,
            "WARNEWS_ENGINE": engine,
            "WARNEWS_DEEPL_URL": deepl.origin,
            "WARNEWS_DEEPL_KEY": DEEPL_KEY,
            "WARNEWS_OPENAI_URL": chat.base_url,
            "WARNEWS_OPENAI_MODEL": "llama3.1:8b",
        }
        mine = tmp_path / "terms.txt"
        mine.write_text("ЗСУ = Ukraine's Armed Forces\n", encoding="utf-8")
        before, _ = saved(
            run("translate", article, "-o", "before", env={**env, "WARNEWS_GLOSSARY": str(mine)}), tmp_path
        )
        assert "Ukraine's Armed Forces" in before
        after, meta = saved(run("translate", article, "-o", "after", env=env), tmp_path)
    assert body_paragraphs(after) == expected(TERMS_PARAGRAPHS), "the glossary as it is now"
    assert meta["glossary"]["missed"] == []


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        ("Київ = Kyiv\nкиїв = Kyiv City\n", "line 2"),
        ("Київ Kyiv\n", "line 1"),
        ("= Kyiv\n", "line 1"),
        (None, "terms.txt"),  # no such file
        ("Київ = Kyiv\n".encode("cp1251"), "terms.txt"),  # not UTF-8
        ("folder", "terms.txt"),
    ],
)
def test_a_bad_glossary_file_is_one_line_and_exit_2(run, google, article, tmp_path, content, cause):
    mine = tmp_path / "terms.txt"
    if content == "folder":
        mine.mkdir()
    elif isinstance(content, bytes):
        mine.write_bytes(content)
    elif content is not None:
        mine.write_text(content, encoding="utf-8")
    result = run("translate", article, "-o", "out", "--glossary", mine, env=FAST)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("warnews: error: ") and "terms.txt" in line and cause in line, line
    assert google.count == 0 and not (tmp_path / "out").exists()


def test_text_that_looks_like_a_placeholder_is_kept_as_written(run, google, tmp_path):
    paragraphs = [
        "Оператор написав у чаті код [[T1]], а ЗСУ підтвердили, що у Києві вночі було спокійно.",
        *TERMS_PARAGRAPHS[1:],
    ]
    (tmp_path / "a.txt").write_text(TERMS_TITLE + "\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    text, meta = saved(run("translate", "a.txt", "-o", "out", env=FAST), tmp_path)
    assert body_paragraphs(text) == expected(paragraphs)
    assert text.count("[[T1]]") == 1 and meta["glossary"]["missed"] == []


# --- DeepL: its glossary API ---


def test_deepl_gets_one_glossary_per_run_and_the_next_run_reuses_it(run, site, deepl, deepl_env, tmp_path):
    urls = [
        site.add(f"/news/{n}", article_page(TERMS_TITLE, TERMS_PARAGRAPHS[n:] + TERMS_PARAGRAPHS[:n]))
        for n in range(3)
    ]
    result = run("fetch", *urls, "-o", "out", "--json", env=deepl_env)
    assert result.returncode == 0, result.stderr
    assert deepl.created == 1, "one glossary for the run, not one per article"
    [(glossary, described)] = deepl.glossaries.items()
    assert described["name"].startswith("warnews-") and described["source_lang"] == "uk"
    entries = deepl.entries[glossary]
    assert {form: entries.get(form) for form in DEFAULT_FORMS} == DEFAULT_FORMS
    assert entries.get("Київ") == "Kyiv" and entries.get("Києва") == "Kyiv", "every form of the term"
    assert deepl.glossary_ids and set(deepl.glossary_ids) == {glossary}, "every request with it"
    assert not any("[[T" in t for t in deepl.texts), "DeepL's own glossary: no placeholders"
    for line in result.stdout.splitlines():
        record = json.loads(line)
        text = (tmp_path / record["path"]).read_text(encoding="utf-8")
        assert record["engine"] == "DeepL" and "Kyiv" in text and "Kharkiv" in text
        meta = json.loads((tmp_path / record["path"]).with_suffix(".json").read_text())
        assert meta["glossary"]["missed"] == []
    first = tmp_path / json.loads(result.stdout.splitlines()[0])["path"]
    assert body_paragraphs(first.read_text()) == expected(TERMS_PARAGRAPHS)

    assert re.fullmatch(r"warnews-[0-9a-f]{8,64}", described["name"]), described["name"]

    requests = len(deepl.glossary_ids)
    again = run("fetch", urls[0], "-o", "again", "--force", "--no-cache", env=deepl_env)
    assert again.returncode == 0, again.stderr
    assert deepl.created == 1, "the next run finds the glossary and reuses it"
    assert len(deepl.glossary_ids) > requests and set(deepl.glossary_ids) == {glossary}

    mine = tmp_path / "terms.txt"
    mine.write_text("повітряна тривога = air raid alert\n", encoding="utf-8")
    env = {**deepl_env, "WARNEWS_GLOSSARY": str(mine)}
    changed = run("fetch", urls[0], "-o", "changed", "--force", "--no-cache", env=env)
    assert changed.returncode == 0, changed.stderr
    assert deepl.created == 2, "other terms, another glossary"
    new = deepl.glossary_ids[-1]
    assert new != glossary and deepl.glossaries[new]["name"] != described["name"]
    assert deepl.entries[new].get("повітряна тривога") == "air raid alert"


def test_a_run_with_another_glossary_does_not_break_a_run_in_flight(
    run, spawn, site, deepl, deepl_env, article, tmp_path
):
    """Two warnews set up apart (two cron jobs, two users' glossaries) may share a DeepL key:
    one's glossary must not vanish under the other while it runs."""
    urls = [site.add(f"/news/{n}", article_page(TERMS_TITLE, TERMS_PARAGRAPHS[n:])) for n in range(2)]
    deepl.hold_next = 1
    first = spawn("fetch", *urls, "-o", "first", "--concurrency", "1", "--no-cache", env=deepl_env)
    assert deepl.holding.wait(30), "the first run's first request arrived"
    mine = tmp_path / "terms.txt"
    mine.write_text("повітряна тривога = air raid alert\n", encoding="utf-8")
    other = run("translate", article, "-o", "other", env={**deepl_env, "WARNEWS_GLOSSARY": str(mine)})
    deepl.release.set()
    assert other.returncode == 0, other.stderr
    assert first.wait(60) == 0, first.err.seek(0) or first.err.read()
    saved_first = texts(tmp_path / "first")
    assert len(saved_first) == 2 and all("Kyiv" in path.read_text() for path in saved_first)


def test_deepl_makes_one_glossary_for_each_source_language(run, deepl, deepl_env, article, tmp_path):
    russian = tmp_path / "russian.txt"
    russian.write_text(
        "Ночь в городе\n\nВ Киеве ночью продолжалась воздушная тревога, энергетики восстанавливают"
        " электроснабжение в трёх районах после обстрела Харькова.\n",
        encoding="utf-8",
    )
    result = run("translate", article, russian, "-o", "out", env=deepl_env)
    assert result.returncode == 0, result.stderr
    assert deepl.created == 2
    assert sorted(d["source_lang"] for d in deepl.glossaries.values()) == ["ru", "uk"]
    [ru] = [g for g, d in deepl.glossaries.items() if d["source_lang"] == "ru"]
    assert deepl.entries[ru].get("Киеве") == "Kyiv" and deepl.entries[ru].get("Харькова") == "Kharkiv"
    for name in result.stdout.splitlines():
        text = (tmp_path / name).read_text()
        assert "Kyiv" in text and "Kharkiv" in text, text


def test_deepl_refusing_the_glossary_gets_placeholders_instead(
    run, site, deepl, deepl_env, article, tmp_path
):
    deepl.refuse_glossaries = REFUSED
    text, meta = saved(run("translate", article, "-o", "out", env=deepl_env), tmp_path)
    assert text.split("\n")[0].endswith("via DeepL")
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert meta["glossary"]["missed"] == []
    assert deepl.created == 0 and deepl.with_glossary == 0
    sent = "\n".join(deepl.texts)
    assert "[[T1]]" in sent and all(form not in sent for form in DEFAULT_FORMS)

    deepl.refused = 0
    urls = [site.add(f"/news/{n}", article_page(TERMS_TITLE, TERMS_PARAGRAPHS[n:])) for n in range(3)]
    result = run("fetch", *urls, "-o", "fetched", "--no-cache", env=deepl_env)
    assert result.returncode == 0, result.stderr
    assert deepl.refused == 1, "asked once in a run, not for every article"


def test_deepl_without_its_glossary_falls_back_per_paragraph_like_the_others(
    run, deepl, deepl_env, article, tmp_path
):
    deepl.refuse_glossaries = REFUSED
    deepl.mode = "mangle_terms"
    text, meta = saved(run("translate", article, "-o", "out", env=deepl_env), tmp_path)
    assert text.split("\n")[0].endswith("via DeepL")
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert meta["glossary"]["missed"] == [] and meta["quality"]["passed"] is True
    assert any("Kyiv" in t and "[[T" not in t for t in deepl.texts), "at last the English in place"


# --- a chat model: the glossary in its instructions ---


@pytest.fixture
def llm(llm):
    return {**llm, **FAST}


def test_a_chat_model_gets_the_glossary_in_its_instructions_and_only_the_text_as_the_users(
    run, chat, llm, article, tmp_path
):
    text, meta = saved(run("translate", article, "-o", "out", env=llm), tmp_path)
    assert text.split("\n")[0].endswith("via llama3.1:8b")
    assert body_paragraphs(text) == expected(TERMS_PARAGRAPHS)
    assert meta["glossary"]["missed"] == [] and meta["quality"]["passed"] is True
    systems, users = chat.systems, chat.users
    assert systems and len(systems) == len(users)
    block = [line for system in systems for line in system.splitlines()]
    assert any(line.startswith("Glossary (") for line in block)
    for form, english in DEFAULT_FORMS.items():
        assert f"{form} = {english}" in block, form
    assert "Харків = Kharkiv" not in block, "the forms the text has, not every term"
    sent = "\n".join(users)
    for paragraph in TERMS_PARAGRAPHS:
        assert paragraph in sent
        assert all(paragraph[:40] not in system for system in systems), "the text only in the user message"
    assert "Glossary" not in sent and "[[T" not in sent and "Kyiv" not in sent
