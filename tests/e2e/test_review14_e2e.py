"""Review of issue 14, end to end: defects found by the second pair of eyes, each an
xfail that the fix turns into a pass."""

import os


def test_a_glossary_path_that_is_a_fifo_is_one_error_line(run, tmp_path):
    fifo = tmp_path / "terms.fifo"
    os.mkfifo(fifo)
    article = tmp_path / "article.txt"
    article.write_text("Вибухи у Києві: сили ППО працювали всю ніч над містом.\n", encoding="utf-8")
    result = run("translate", article, "-o", tmp_path / "out", "--glossary", fifo, timeout=20)
    assert result.returncode == 2
    assert result.stderr.startswith("warnews: error: glossary")
    assert "Traceback" not in result.stderr
