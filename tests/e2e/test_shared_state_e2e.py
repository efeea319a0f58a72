"""A PostgreSQL state, its failures seen from the command line (issue 17): the server down
(one error line, exit 1, nothing lost: the next run does it all), the driver missing (a
usage error naming the extra), and the password of its URL never shown anywhere.
"""

import json
import re
import time

import pytest
from pages import article_page, texts, ukrainian_paragraphs

from pgserver import PASSWORD, wait_for

DRIVER_HINT = "pip install 'warnews[postgres]'"


def articles(site, count, first=0):
    return [
        site.add(
            f"/news/{n}", article_page(f"Новина про енергетику {n}", ukrainian_paragraphs(3, seed=n * 13))
        )
        for n in range(first, first + count)
    ]


def write_config(tmp_path, urls, out="news"):
    config = tmp_path / "config" / "warnews" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"urls = {json.dumps(urls)}\nout = {json.dumps(out)}\n")


def states(database):
    with database.connect() as connection:
        return dict(connection.execute("SELECT url, status FROM articles").fetchall())


def done(database):
    with database.connect() as connection:
        if not connection.execute("SELECT to_regclass('articles') IS NOT NULL").fetchone()[0]:
            return 0
        return connection.execute("SELECT count(*) FROM articles WHERE status = 'done'").fetchone()[0]


def live_claims(database):
    now = time.time()
    with database.connect() as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM articles WHERE claimed_until > %s)"
            " + (SELECT count(*) FROM claims WHERE until > %s)",
            [now, now],
        ).fetchone()[0]


def one_line(result):
    """The only line of stderr, which is not a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def shown_url(database):
    """The TCP URL as warnews may show it: without the password."""
    return f"postgresql://warnews@127.0.0.1:{database.port}/{database.name}"


def unreachable(line, database):
    """Whether an error line says the state database cannot be reached, naming it."""
    return re.match(
        f"warnews: (error: )?cannot reach the state database {re.escape(shown_url(database))}: .", line
    )


# --- the database down ---


def test_a_run_with_the_database_down_says_so_in_one_line_and_the_next_does_it_all(
    run, site, tmp_path, postgres, postgres_server
):
    links = articles(site, 3)
    write_config(tmp_path, links)
    state = {"WARNEWS_STATE": postgres.tcp_url()}
    postgres_server.down()
    for command in (["run"], ["fetch", links[0]], ["status"], ["list"]):
        result = run(*command, env=state, timeout=60)
        line = one_line(result)
        assert result.returncode == 1, (command, result.stderr)
        assert unreachable(line, postgres), line
        assert PASSWORD not in result.stderr + result.stdout
    assert sum(site.hits.values()) == 0, "nothing fetched without a state to record it"
    assert not (tmp_path / "news").exists()
    postgres_server.up()
    result = run("run", env=state)
    assert (result.returncode, result.stderr) == (0, "")
    assert states(postgres) == dict.fromkeys(links, "done")
    assert len(texts(tmp_path / "news")) == 3


def test_the_database_lost_in_the_middle_of_a_run_loses_nothing(
    spawn, run, site, google, tmp_path, postgres, postgres_server
):
    """The server stops while a run is translating (a request held 2.5 s: the run lives on
    through several turns of its lease's renewal): the run ends with exit 1 and one error
    line, the state database's (its articles stay as they were, for the next run; no line
    for each), and nothing else but warnews's warnings (no traceback, no password); the next
    run, the server back, saves every article exactly once (those already on disk are not
    saved a second time)."""
    links = articles(site, 8)
    write_config(tmp_path, links)
    state = {"WARNEWS_STATE": postgres.tcp_url(), "WARNEWS_LEASE": "2"}
    running = spawn("run", "--concurrency", "2", env=state)
    assert wait_for(lambda: done(postgres) >= 2 or running.poll() is not None, 30)
    asked = google.count
    google.mode, google.stall_seconds = "stall", 2.5
    assert wait_for(lambda: google.count > asked, 30), "a request on its way when the database goes"
    postgres_server.down()
    google.mode = "ok"
    assert running.wait(60) == 1
    running.err.seek(0)
    errors = running.err.read()
    assert "Traceback" not in errors and PASSWORD not in errors, errors
    assert all(line.startswith(("warnews: error: ", "warnews: warning: ")) for line in errors.splitlines()), (
        errors
    )
    failures = [line for line in errors.splitlines() if line.startswith("warnews: error: ")]
    # The run's own line, whether the connection broke under a statement or could not be
    # made again for the next one; no article's.
    assert len(failures) == 1 and failures[0].startswith(
        ("warnews: error: state database postgresql://", "warnews: error: cannot reach the state database")
    ), errors
    postgres_server.up()
    # The stopped run could not give its claims back: they hold until their lease ends.
    assert wait_for(lambda: not live_claims(postgres), 10)
    again = run("run", env=state)
    assert (again.returncode, again.stderr) == (0, "")
    assert states(postgres) == dict.fromkeys(links, "done")
    sources = sorted(
        json.loads(path.with_suffix(".json").read_text())["source"] for path in texts(tmp_path / "news")
    )
    assert sources == sorted(links), "every article exactly once"


# --- the driver missing ---


@pytest.fixture
def without_driver(tmp_path, environment):
    """A PYTHONPATH where `import psycopg` fails, as where it was never installed."""
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "psycopg.py").write_text("raise ImportError('No module named psycopg')\n")
    path = environment.get("PYTHONPATH")
    return {"PYTHONPATH": f"{hidden}:{path}" if path else str(hidden)}


@pytest.mark.parametrize("command", [["run"], ["status"], ["list"], ["fetch", "http://127.0.0.1:9/a"]])
def test_without_the_driver_a_postgresql_state_is_a_usage_error_naming_the_extra(
    run, tmp_path, without_driver, command
):
    write_config(tmp_path, ["http://127.0.0.1:9/a"])
    url = f"postgresql://warnews:{PASSWORD}@127.0.0.1:9/news"
    result = run(*command, env={**without_driver, "WARNEWS_STATE": url})
    line = one_line(result)
    assert result.returncode == 2, result.stderr
    assert DRIVER_HINT in line and PASSWORD not in line, line


def test_without_the_driver_a_sqlite_state_works(run, site, tmp_path, without_driver):
    [link] = articles(site, 1)
    result = run("fetch", link, "-o", "news", env=without_driver)
    assert (result.returncode, result.stderr) == (0, "")


# --- the password never shown ---


def every_text(folder):
    """Every file under a folder, as text."""
    return {path: path.read_bytes().decode(errors="replace") for path in folder.rglob("*") if path.is_file()}


def test_the_password_of_the_state_url_is_never_shown(run, site, tmp_path, postgres):
    links = articles(site, 2)
    broken = site.add("/news/broken", b"<h1>Busy</h1>", status=503)
    write_config(tmp_path, [*links, broken])
    env = {
        "WARNEWS_STATE": postgres.tcp_url(),
        "WARNEWS_LOG_FILE": str(tmp_path / "warnews.log"),
        "WARNEWS_RETRIES": "0",
        "WARNEWS_HOST": "the-host",
    }
    results = [
        run("run", "-v", env=env),
        run("fetch", links[0], "-o", "elsewhere", "--json", env=env),
        run("status", env=env),
        run("status", "--json", env=env),
        run("list", env=env),
        run("list", "--json", env=env),
        run("show", links[0], "--json", env=env),
        run("config", env=env),
        run("export", env=env),
        run("retry", env=env),
    ]
    assert results[0].returncode == 1 and "HTTP 503" in results[0].stderr  # an error line was printed
    for result in results[1:]:
        assert result.returncode == 0, (result.args, result.stderr)
    assert shown_url(postgres) in results[2].stdout, "status says where the state is, without the password"
    for result in results:
        assert PASSWORD not in result.stdout + result.stderr, result.args
    files = every_text(tmp_path)
    assert tmp_path / "warnews.log" in files and any(path.suffix == ".json" for path in files)
    for path, text in files.items():
        assert PASSWORD not in text, path
    sidecars = [
        json.loads(text)
        for path, text in files.items()
        if path.suffix == ".json" and path.parent.name in ("news", "elsewhere")
    ]
    assert len(sidecars) == 3
    assert {sidecar["host"] for sidecar in sidecars} == {"the-host"}


def test_a_refused_password_is_not_shown_either(run, postgres):
    wrong = "Wrong-Secret-91"
    result = run("status", env={"WARNEWS_STATE": postgres.tcp_url(wrong)})
    line = one_line(result)
    assert result.returncode == 1
    assert "password authentication failed" in line and wrong not in line, line
    assert unreachable(line, postgres), line
