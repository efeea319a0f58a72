"""What a site teaches (issue 16): paragraphs that recur across a site's articles are its
boilerplate, remembered in the state and dropped; never the title, never a paragraph seen
in one article only, nothing from an article published again."""

import sqlite3
import threading
from types import SimpleNamespace

import pytest
from factories import metadata

from warnews._extract import Article, Dropped, drop_recurring, paragraph_key, republished
from warnews._model import Extracted, Source
from warnews._report import status_lines
from warnews._runner import boilerplate_site
from warnews._state import MIGRATIONS, State

READ_ALSO = "Читайте також: Рятувальники завершили евакуацію мешканців Ірпеня"
NOTICE = "Коментарі, що містять лайку, модератори видаляють без попередження."
BODY = [
    "Міська рада оголосила новий графік відключень електроенергії для всіх районів міста на тиждень.",
    "Енергетики підтвердили, що ремонт підстанції завершать до кінця місяця, якщо дозволить погода.",
    "Жителі громади можуть отримати генератори в пунктах незламності, список яких оприлюднено на сайті.",
]


def keys(*texts):
    return frozenset(paragraph_key(text) for text in texts)


@pytest.fixture
def state(any_state):
    """A state in SQLite, then in PostgreSQL."""
    return any_state


# --- the pure part ---


def test_a_paragraph_key_ignores_case_and_whitespace_and_is_16_bytes():
    key = paragraph_key("Читайте  також:\u00a0Новини\n")
    assert key == paragraph_key("читайте також: новини") and len(key) == 16
    assert key != paragraph_key("Читайте також: Новини дня")


def test_recurring_paragraphs_are_dropped_and_said_the_others_kept_in_order():
    article = Article("Графік відключень", [BODY[0], READ_ALSO, BODY[1], NOTICE, BODY[2]])
    pruned = drop_recurring(article, keys(READ_ALSO, NOTICE))
    assert pruned.paragraphs == BODY
    assert pruned.dropped == (Dropped(READ_ALSO, "site"), Dropped(NOTICE, "site"))
    assert pruned.title == article.title and article.paragraphs[1] == READ_ALSO, (
        "the article itself is unchanged"
    )


def test_nothing_recurring_is_the_same_article():
    article = Article("Графік відключень", [*BODY, NOTICE])
    assert drop_recurring(article, keys("інший абзац")) is article
    assert drop_recurring(article, frozenset()) is article


def test_the_title_and_a_paragraph_repeating_it_are_never_dropped():
    title = "Графік відключень на тиждень"
    article = Article(title, [BODY[0], title.upper(), BODY[1], NOTICE])
    pruned = drop_recurring(article, keys(title, NOTICE))
    assert pruned.title == title and pruned.paragraphs == [BODY[0], title.upper(), BODY[1]]
    assert [item.text for item in pruned.dropped] == [NOTICE]


def test_a_republished_article_keeps_everything():
    """What was seen before makes more than half of the body: the article is published
    again, not an article carrying boilerplate."""
    article = Article("Графік", [*BODY, NOTICE])
    assert republished(article, keys(*BODY)) and drop_recurring(article, keys(*BODY)) is article
    assert not republished(article, keys(NOTICE))
    half = Article("Графік", ["а" * 50, "б" * 50])
    assert not republished(half, keys("а" * 50)), "exactly half is not more than half"
    assert republished(half, keys("а" * 50 + "", "б" * 50))


def test_notices_dropped_before_stay_said_first():
    article = Article("Графік", [*BODY, NOTICE], dropped=(Dropped("Знайшли помилку? Ctrl+Enter", "notice"),))
    pruned = drop_recurring(article, keys(NOTICE))
    assert [item.why for item in pruned.dropped] == ["notice", "site"]


def test_a_pruned_extraction_keeps_the_hash_of_the_text_as_extracted():
    """An article stays the same article (duplicates, its own file name) whatever its site
    taught since it was first made."""
    extracted = Extracted(Source("u", b"", "https://site.ua/a"), Article("Т", [*BODY, NOTICE]))
    pruned = extracted.pruned(drop_recurring(extracted.article, keys(NOTICE)))
    assert pruned.article.paragraphs == BODY and pruned.sha256 == extracted.sha256
    assert Extracted(extracted.source, pruned.article).sha256 != extracted.sha256


def test_whose_boilerplate_a_page_a_post_and_a_file_carry():
    def site_of(url, post=None):
        return boilerplate_site(Extracted(Source("x", b"", url), Article("Т", BODY, post=post)))

    assert site_of("https://www.pravda.com.ua/news/2024/01/10/1/") == "pravda.com.ua"
    assert site_of("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert site_of("https://t.me/KyivNews/5", {"channel": "KyivNews", "post": 5}) == "t.me/kyivnews"
    assert site_of(None) is None


# --- the state ---


def test_a_paragraph_seen_in_one_article_only_is_never_boilerplate(state):
    first = state.add("https://site.ua/1", "config").id
    assert state.boilerplate("site.ua", first, keys(BODY[0], NOTICE)) == frozenset()
    # The same article again (a retry after a failure): nothing seen in ANOTHER article.
    assert state.boilerplate("site.ua", first, keys(BODY[0], NOTICE)) == frozenset()
    assert state.boilerplate("site.ua", first, keys(BODY[0], NOTICE, NOTICE)) == frozenset()
    counts = [record["articles"] for record in state._query("SELECT articles FROM boilerplate")]
    assert counts == [1, 1], "a retry counts nothing twice"


def test_a_paragraph_seen_in_another_article_of_the_site_is_boilerplate(state):
    first, second, third = (state.add(f"https://site.ua/{n}", "config").id for n in range(3))
    state.boilerplate("site.ua", first, keys(BODY[0], NOTICE))
    assert state.boilerplate("site.ua", second, keys(BODY[1], NOTICE)) == keys(NOTICE)
    assert state.boilerplate("other.ua", third, keys(BODY[2], NOTICE)) == frozenset(), "another site's"
    assert state.boilerplate("site.ua", third, keys(BODY[2], NOTICE)) == keys(NOTICE)
    # Seen in two articles: boilerplate even for the first one, tried again.
    assert state.boilerplate("site.ua", first, keys(BODY[0], NOTICE)) == keys(NOTICE)
    row = state._query(
        "SELECT articles, last_article FROM boilerplate WHERE site = 'site.ua' AND key = ?",
        [paragraph_key(NOTICE)],
    )
    # Only the last article is remembered: the first one, tried again after the others,
    # counts again (a count over 1 is all that matters).
    assert row[0]["last_article"] == first and row[0]["articles"] >= 3


def test_a_republished_article_counts_only_its_new_paragraphs(state):
    first, again, later = (state.add(f"https://site.ua/{n}", "config").id for n in range(3))
    state.boilerplate("site.ua", first, keys(*BODY))
    extra = "Новий абзац, якого не було в першій публікації цієї новини на сайті."
    recurring = state.boilerplate("site.ua", again, keys(*BODY, extra), lambda seen: True)
    assert recurring == keys(*BODY)
    counts = {
        bytes(record["key"]): record["articles"]
        for record in state._query("SELECT key, articles FROM boilerplate")
    }
    assert counts == {**{key: 1 for key in keys(*BODY)}, paragraph_key(extra): 1}
    assert state.boilerplate("site.ua", later, keys(extra)) == keys(extra)


def test_two_threads_never_both_take_a_paragraph_for_new(state):
    rows = [state.add(f"https://site.ua/{n}", "config").id for n in range(8)]
    found = {}
    barrier = threading.Barrier(len(rows))

    def learn(article_id):
        barrier.wait()
        found[article_id] = state.boilerplate("site.ua", article_id, keys(NOTICE, f"абзац {article_id}"))

    threads = [threading.Thread(target=learn, args=(article_id,)) for article_id in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(recurring) for recurring in found.values()) == [0] + [1] * 7


def test_the_table_is_bounded_by_age_and_per_site(state):
    now = 1_000_000_000.0
    day = 86_400
    article = state.add("https://site.ua/1", "config").id
    other = state.add("https://site.ua/2", "config").id
    state.boilerplate("site.ua", article, keys("старий", "спільний"), now=now - 200 * day)
    state.boilerplate("site.ua", other, keys("спільний"), now=now - 200 * day)
    state.boilerplate("site.ua", other, keys("свіжий"), now=now - 10 * day)
    assert state.forget_boilerplate(now=now) == 1, "seen once, 200 days ago: forgotten"
    left = {bytes(record["key"]) for record in state._query("SELECT key FROM boilerplate")}
    assert left == keys("спільний", "свіжий"), "recurring ones stay, however old"
    # Over the cap: those seen once go first, the longest unseen first; another site is untouched.
    for n in range(5):
        state.boilerplate("site.ua", article, keys(f"абзац {n}"), now=now + n)
    state.boilerplate("other.ua", article, keys(*(f"абзац {n}" for n in range(4))), now=now)
    assert state.forget_boilerplate(now=now + 10, per_site=4) == 3
    left = {
        bytes(record["key"]) for record in state._query("SELECT key FROM boilerplate WHERE site = 'site.ua'")
    }
    assert left == keys("спільний", "абзац 2", "абзац 3", "абзац 4")
    assert state._query("SELECT COUNT(*) AS n FROM boilerplate WHERE site = 'other.ua'")[0]["n"] == 4


def test_status_says_how_many_paragraphs_are_learned_per_site(state):
    ids = [state.add(f"https://site.ua/{n}", "config").id for n in range(3)]
    for article_id in ids[:2]:
        state.boilerplate("site.ua", article_id, keys(NOTICE, READ_ALSO, f"абзац {article_id}"))
        state.boilerplate("t.me/kyivnews", article_id, keys("Підписуйтесь на канал"))
    summary = state.summary(900, 5)
    assert summary["boilerplate"]["paragraphs"] == 3
    assert summary["boilerplate"]["sites"] == [
        {"site": "site.ua", "paragraphs": 2},
        {"site": "t.me/kyivnews", "paragraphs": 1},
    ]
    assert "boilerplate learned: 3 recurring paragraphs (site.ua 2, t.me/kyivnews 1)" in status_lines(summary)
    empty = State(state.path.parent / "empty.sqlite3")
    try:
        assert not any("boilerplate" in line for line in status_lines(empty.summary(900, 5)))
    finally:
        empty.close()


def test_a_schema_5_database_is_upgraded_to_6_with_its_rows(tmp_path):
    path = tmp_path / "state.sqlite3"
    database = sqlite3.connect(path)
    database.executescript(";".join(MIGRATIONS[:5]) + "; PRAGMA user_version = 5;")
    database.execute(
        "INSERT INTO articles (url, url_key, source, status, attempts, created_at, updated_at)"
        " VALUES ('https://a.ua/x', 'a.ua/x', 'config', 'done', 1, 1.0, 1.0)"
    )
    database.commit()
    database.close()
    state = State(path)
    try:
        row = state.find("https://a.ua/x")
        assert row is not None and row.status == "done"
        assert state.boilerplate("a.ua", row.id, keys(NOTICE)) == frozenset()
    finally:
        state.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 7


def test_the_sidecar_lists_what_was_dropped_and_an_empty_list_when_nothing():
    assert metadata().to_dict()["dropped"] == []
    dropped = (Dropped(NOTICE, "site"), Dropped("Знайшли помилку?", "notice"))
    assert metadata(dropped=dropped).to_dict()["dropped"] == [
        {"text": NOTICE, "why": "site"},
        {"text": "Знайшли помилку?", "why": "notice"},
    ]


# --- the run ---


def test_the_run_drops_before_translation_and_a_failed_article_counts_once(tmp_path):
    """A worker learns and drops between extraction and translation; an article whose
    translation fails has taught all the same, once however often it is tried."""
    from dataclasses import replace

    from warnews._errors import TranslateError
    from warnews._runner import Batch
    from warnews._settings import Settings

    pages = {
        f"https://www.site.ua/{n}": Extracted(
            Source(f"https://www.site.ua/{n}", b"", f"https://news.site.ua/{n}"),
            Article(f"Новина {n}", [BODY[n], NOTICE]),
        )
        for n in range(3)
    }
    given = []

    def translate(extracted, feed_date):
        given.append(extracted)
        raise TranslateError("the translator is down")

    settings = Settings(out=tmp_path / "out", state=tmp_path / "state.sqlite3", cache=False)
    state = State(settings.state)
    pipeline = SimpleNamespace(
        settings=settings,
        warn=print,
        stop=threading.Event(),
        translate=translate,
        article=lambda url, post, hint=None: pages[url],
    )
    outcomes = []

    def run(url, learn=True):
        pipeline.settings = replace(settings, learn_boilerplate=learn)
        batch = Batch(pipeline, state, outcomes.append)
        batch.run(batch.url_jobs([url], "command line"))
        return given[-1]

    try:
        for _ in range(2):  # failed, then tried again: still its own paragraphs only
            assert run("https://www.site.ua/0").article.paragraphs == [BODY[0], NOTICE]
        assert [outcome.status for outcome in outcomes] == ["failed", "failed"]
        second = run("https://www.site.ua/1")
        assert second.article.paragraphs == [BODY[1]] and second.article.dropped == (Dropped(NOTICE, "site"),)
        assert second.sha256 == pages["https://www.site.ua/1"].sha256, "the hash of the text as extracted"
        assert run("https://www.site.ua/2", learn=False).article.paragraphs == [BODY[2], NOTICE]
        counts = {
            bytes(record["key"]): record["articles"]
            for record in state._query("SELECT key, articles FROM boilerplate WHERE site = 'site.ua'")
        }
        assert counts == {paragraph_key(BODY[0]): 1, paragraph_key(BODY[1]): 1, paragraph_key(NOTICE): 2}
    finally:
        state.close()


def test_every_run_that_keeps_state_keeps_the_table_bounded(tmp_path):
    from warnews._runner import RunOptions, run_jobs
    from warnews._settings import Settings

    settings = Settings(out=tmp_path / "out", state=tmp_path / "state.sqlite3", cache=False)
    state = State(settings.state)
    article = state.add("https://site.ua/1", "config").id
    state.boilerplate("site.ua", article, keys("давній абзац"), now=1.0)
    state.boilerplate("site.ua", article, keys("свіжий абзац"))
    state.close()
    assert run_jobs(RunOptions("feed", keeps_state=True), settings, lambda batch: []) == 0
    state = State(settings.state)
    try:
        assert {bytes(record["key"]) for record in state._query("SELECT key FROM boilerplate")} == keys(
            "свіжий абзац"
        )
    finally:
        state.close()
