"""Every command that reads or changes the state works the same on a PostgreSQL state:
fetch, status, list, show, retry, forget, export; a URL another host is doing is said to be
skipped, and why; the sidecar says which host made the file."""

import json

from pages import article_page, ukrainian_paragraphs

from warnews._database import database_url
from warnews._state import State


def test_the_state_commands_work_on_a_postgresql_state(run, site, tmp_path, postgres_url):
    good = site.add("/good", article_page("Світло повернули", ukrainian_paragraphs(3)))
    gone = site.add("/gone", "nothing here", status=404)
    env = {"WARNEWS_STATE": postgres_url, "WARNEWS_HOST": "news-2"}
    fetched = run("fetch", good, gone, "-o", "out", "--json", env=env)
    assert fetched.returncode == 1, fetched.stderr
    records = {record["url"]: record for record in map(json.loads, fetched.stdout.splitlines())}
    assert records[good]["status"] == "done" and records[gone]["status"] == "failed"
    sidecar = json.loads((tmp_path / records[good]["path"]).with_suffix(".json").read_text())
    assert sidecar["host"] == "news-2"

    status = run("status", "--json", env=env)
    summary = json.loads(status.stdout)
    assert summary["articles"]["done"] == 1 and summary["articles"]["failed"] == 1
    assert summary["state"] == database_url(postgres_url).shown and summary["working"] == []
    listed = run("list", "--status", "done", env=env)
    assert listed.returncode == 0 and good in listed.stdout and gone not in listed.stdout
    shown = run("show", good, "--json", env=env)
    assert json.loads(shown.stdout)["status"] == "done"
    exported = run("export", "--format", "jsonl", "--status", "done", env=env)
    assert exported.returncode == 0 and [
        json.loads(line)["url"] for line in exported.stdout.splitlines()
    ] == [good]
    retried = run("retry", gone, env=env)
    assert retried.returncode == 0 and "1 failed article queued" in retried.stdout
    forgotten = run("forget", good, env=env)
    assert forgotten.returncode == 0 and f"forgotten: {good}" in forgotten.stdout
    assert run("show", good, env=env).returncode == 1
    again = run("fetch", good, "-o", "out", "--json", env=env)  # made again, over its own file
    assert json.loads(again.stdout)["status"] == "done"
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1


def test_a_url_another_host_is_doing_is_skipped_and_said_so(run, site, tmp_path, postgres_url):
    page = site.add("/busy", article_page("Світло повернули", ukrainian_paragraphs(3)))
    other = State(database_url(postgres_url), host="news-1", lease=300)
    try:
        assert other.take(other.add(page, "command line"), as_seen=False) is not None
        result = run("fetch", page, "-o", "out", "--json", env={"WARNEWS_STATE": postgres_url})
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["status"] == "skipped"
        assert record["reason"] == "being done by another run (news-1)"
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.txt"))
        assert site.hits["/busy"] == 0  # nothing downloaded
        other.let_go()
        done = run("fetch", page, "-o", "out", "--json", env={"WARNEWS_STATE": postgres_url})
        assert json.loads(done.stdout)["status"] == "done"
    finally:
        other.close()


def test_an_article_saved_whole_by_a_run_that_died_before_saying_so_is_not_made_again(
    run, site, tmp_path, google
):
    """A host killed between an article's file and its row (its own folder): the next run,
    of any host, in another folder, finds the file whole and says done, with that file."""
    import sqlite3

    page = site.add("/once", article_page("Світло повернули", ukrainian_paragraphs(3)))
    first = run("fetch", page, "-o", "host-a", "--json")
    saved = json.loads(first.stdout)["path"]
    database = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    database.execute("UPDATE articles SET status = 'pending'")  # as if killed before the row said done
    database.commit()
    database.close()
    asked = google.count
    again = run("fetch", page, "-o", "host-b", "--json")
    record = json.loads(again.stdout)
    assert again.returncode == 0 and record["status"] == "done" and record["path"].endswith(saved), (
        again.stderr
    )
    assert not (tmp_path / "host-b").exists() or not list((tmp_path / "host-b").glob("*.txt"))
    assert google.count == asked and site.hits["/once"] == 1  # nothing downloaded, nothing translated
    shown = json.loads(run("show", page, "--json").stdout)
    assert shown["status"] == "done" and shown["file"].endswith(saved.split("/")[-1])
    forced = run("fetch", page, "-o", "host-b", "--force", "--json")  # asked for: made there
    assert json.loads(forced.stdout)["path"].startswith("host-b/")
