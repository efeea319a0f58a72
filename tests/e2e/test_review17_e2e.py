"""Review of issue 17 (a shared PostgreSQL state): defects found, each a failing test."""

from pages import article_page, rss, ukrainian_paragraphs

from pgserver import PASSWORD


def pages(site, count):
    return [
        site.add(f"/n/{n}", article_page(f"Новина номер {n}", ukrainian_paragraphs(3, seed=n * 7)))
        for n in range(count)
    ]


def test_two_hosts_fetching_one_list_in_two_orders_save_each_article_once(
    spawn, site, google, postgres_url, tmp_path
):
    """Host h1 reaches, late, an article h0 finished meanwhile: it must not translate and
    save it again over h0's file (on one machine, run after run, it says 'already done')."""
    links = pages(site, 8)
    (tmp_path / "fwd.txt").write_text("\n".join(links))
    (tmp_path / "rev.txt").write_text("\n".join(reversed(links)))
    google.delay = 0.05
    env = {"WARNEWS_STATE": postgres_url}
    runs = [
        spawn(
            "fetch",
            "-i",
            listing,
            "-o",
            "out",
            "--host",
            f"h{n}",
            "--concurrency",
            "1",
            "--no-cache",
            env=env,
        )
        for n, listing in enumerate(("fwd.txt", "rev.txt"))
    ]
    saved = []
    for process in runs:
        assert process.wait(timeout=120) == 0
        process.out.seek(0)
        saved += process.out.read().split()
    assert len(saved) == len(links), f"{len(saved)} saves for {len(links)} articles: {sorted(saved)}"


def test_the_database_going_down_mid_run_is_one_error_line(
    spawn, site, google, postgres, postgres_server, tmp_path
):
    links = pages(site, 20)
    feed = site.add("/feed.xml", rss(links))
    google.delay = 0.1
    process = spawn(
        "feed",
        feed,
        "-o",
        "out",
        "--concurrency",
        "2",
        "--translator-rate",
        "20",
        env={"WARNEWS_STATE": postgres.tcp_url()},
    )
    from pgserver import wait_for

    assert wait_for(lambda: (tmp_path / "out").exists() and any((tmp_path / "out").glob("*.txt")), 60)
    postgres_server.down()
    assert process.wait(timeout=120) == 1
    process.err.seek(0)
    errors = [line for line in process.err.read().splitlines() if line.startswith("warnews: error")]
    assert len(errors) == 1, "\n".join(errors)


def test_a_database_url_of_an_unknown_scheme_is_refused_not_made_a_file(run, tmp_path):
    """postgresql+psycopg:// (SQLAlchemy's form) or a typo is no path: refused, its
    password never shown, no SQLite file made in a folder named after it."""
    url = f"postgresql+psycopg://warnews:{PASSWORD}@127.0.0.1:5432/news"
    status = run("status", "--state", url)
    assert status.returncode == 2, status.stdout + status.stderr
    assert PASSWORD not in status.stdout + status.stderr


def test_a_password_with_an_unescaped_at_sign_is_never_shown(run, postgres):
    url = postgres.tcp_url("Sec@ret-pg-Tail7")
    result = run("status", env={"WARNEWS_STATE": url})
    assert result.returncode == 1
    assert "ret-pg-Tail7" not in result.stderr, result.stderr


def test_a_password_with_a_bad_percent_escape_is_never_shown(run, postgres):
    url = postgres.tcp_url("Secret%41-Tail7%zz")
    result = run("status", env={"WARNEWS_STATE": url})
    assert result.returncode == 1
    assert "Tail7" not in result.stderr, result.stderr


def test_an_upper_case_scheme_is_a_database_url_that_works(run, postgres):
    url = postgres.url.replace("postgresql://", "POSTGRESQL://")
    result = run("status", env={"WARNEWS_STATE": url})
    assert result.returncode in (0, 2), result.stderr  # works, or refused as a usage error


def _holds(postgres, table: str, host: str) -> bool:
    try:
        with postgres.connect() as connection:
            return bool(
                connection.execute(
                    f"SELECT 1 FROM {table} WHERE claimed_by LIKE %s", (f"{host}/%",)
                ).fetchall()
            )
    except Exception:
        return False


def test_a_feed_whose_reader_died_is_read_once_its_claim_lapses(spawn, run, site, google, postgres, tmp_path):
    """Host A is killed while reading a feed; host B, started at once, waits out A's
    lease, and must then read the feed itself, not end having done nothing."""
    from pgserver import wait_for

    links = pages(site, 3)
    feed = site.add("/feed.xml", rss(links))
    env = {"WARNEWS_STATE": postgres.url}
    site.delay = 4
    killed = spawn("feed", feed, "-o", "out", "--host", "A", "--lease", "5", env=env)
    assert wait_for(lambda: _holds(postgres, "feeds", "A"), 30)
    killed.kill()
    killed.wait()
    site.delay = 0
    result = run("feed", feed, "-o", "out", "--host", "B", "--lease", "5", env=env)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").glob("*.txt"))) == len(links)


def test_a_run_paused_past_its_lease_does_not_save_an_article_again(
    spawn, run, site, google, postgres, tmp_path
):
    """Host A is paused (SIGSTOP: a suspended VM) while translating, past its lease; host B
    takes the article over and saves it. A, woken, must save nothing."""
    import signal
    import time

    from pgserver import wait_for

    link = pages(site, 1)[0]
    feed = site.add("/feed.xml", rss([link]))
    env = {"WARNEWS_STATE": postgres.url}
    google.delay = 6
    paused = spawn("feed", feed, "-o", "outA", "--host", "A", "--lease", "2", "--no-cache", env=env)
    assert wait_for(lambda: _holds(postgres, "articles", "A"), 30)
    time.sleep(0.5)
    paused.send_signal(signal.SIGSTOP)
    time.sleep(3)  # A's lease runs out
    google.delay = 0
    other = run("feed", feed, "-o", "outB", "--host", "B", "--lease", "2", "--no-cache", env=env)
    assert other.returncode == 0, other.stderr
    paused.send_signal(signal.SIGCONT)
    paused.wait(timeout=60)
    saved = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.glob("out*/*.txt"))
    assert len(saved) == 1, saved
