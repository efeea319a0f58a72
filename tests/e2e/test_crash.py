"""The crash test: SIGKILL at random moments, run after run, over the same corpus.

After every kill the disk and the database must be in a state a reader can trust: each
text file complete, with its sidecar, once per article, and known to the database. After
a last clean run every article exists exactly once and the database agrees with the disk.
"""

import json
import random
import signal
import subprocess

from pages import article_page, body_paragraphs, state_articles, texts, ukrainian_paragraphs

ITERATIONS = 30
ARTICLES = 12
PACED = ("--translator-rate", "4")  # the default pace: a run lasts long enough to be killed in it


def articles(tmp_path):
    return state_articles(tmp_path, "status", "output_path")


def check_consistent(tmp_path, links, final=False):
    """What must hold at any moment, killed or not."""
    out = tmp_path / "out"
    rows = articles(tmp_path)
    sources = []
    for text in texts(out) if out.exists() else []:
        content = text.read_text()
        meta = json.loads(text.with_suffix(".json").read_text())  # a text file always has its sidecar
        assert content.startswith("date 2024-01-11 ") and content.endswith("\n"), text
        assert len(body_paragraphs(content)) == meta["paragraphs"] == 3, "complete, not cut short"
        assert meta["file"] == text.name and meta["source"] in links
        sources.append(meta["source"])
        status, path = rows[meta["source"]]  # the database knows the file: done, or planned before a kill
        assert path == str(text.resolve()), (text, path)
        assert status in ("done", "pending") if not final else status == "done"
    assert len(sources) == len(set(sources)), "no article twice"
    for url, (status, path) in rows.items():
        if status == "done":
            assert path and json.loads(open(path[:-4] + ".json").read())["source"] == url
    return sources


def test_sigkill_at_random_moments(spawn, run, site, google, tmp_path):
    links = [
        site.add(f"/news/{n}", article_page(f"Новина дня номер {n}", ukrainian_paragraphs(3, seed=n * 5)))
        for n in range(ARTICLES)
    ]
    (tmp_path / "urls.txt").write_text("\n".join(links))
    google.delay = 0.1
    chance = random.Random(20241126)
    kills = 0
    for iteration in range(ITERATIONS):
        force = ["--force"] if iteration % 2 else []  # rewrite finished articles too
        process = spawn(
            "fetch", "-i", "urls.txt", "-o", "out", "--concurrency", "4", "--no-cache", *force, *PACED
        )
        try:  # a run that ends before its moment is not waited for any longer
            process.wait(timeout=chance.uniform(0.2, 2.0))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            kills += 1
            process.wait()
        check_consistent(tmp_path, links)
    assert kills >= ITERATIONS // 2, f"only {kills} runs were killed before they ended"
    google.delay = 0
    final = run("fetch", "-i", "urls.txt", "-o", "out")
    assert final.returncode == 0, final.stderr
    sources = check_consistent(tmp_path, links, final=True)
    assert sorted(sources) == sorted(links), "every article exactly once"
    assert [path.name for path in (tmp_path / "out").iterdir() if path.name.startswith(".")] == []
    assert {status for status, _ in articles(tmp_path).values()} == {"done"}
    assert len(articles(tmp_path)) == ARTICLES
