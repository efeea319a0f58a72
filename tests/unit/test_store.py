"""The one careful way files are written, and what is refused before anything is."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from factories import sample_document

from warnews._errors import StoreError
from warnews._render import document, header
from warnews._store import folder_lock, prepare_folder, save, write_atomic

FIRST = header(date(2024, 1, 11), None, "Ukrainian", "Google")


def test_a_wrong_file_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "a.txt"
    with pytest.raises(StoreError, match="refusing to write a wrong file: it has 1 paragraphs for 2"):
        save(path, sample_document(document(FIRST, ["One."]), 2, source_id="x"))
    with pytest.raises(StoreError, match="paragraph 1 is empty"):
        save(path, sample_document(document(FIRST, ["\u200b", "One."]), 2, source_id="x"))
    with pytest.raises(StoreError, match="exactly one newline"):
        save(path, sample_document(document(FIRST, ["One.", "\u200b"]), 2, source_id="x"))
    assert list(tmp_path.iterdir()) == []


def test_a_link_at_the_name_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "a.txt"
    target.symlink_to(victim)
    write_atomic(target, "article\n")
    assert victim.read_text() == "precious\n"
    assert not target.is_symlink() and target.read_text() == "article\n"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.txt"], "no temporary file left"


def test_cleanup_removes_only_warnews_temporaries_of_dead_processes(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    pid = int(dead.stdout)
    own_dead = f".a.txt.{pid}.{'0' * 32}.warnews-tmp"
    own_alive = f".b.txt.{os.getpid()}.{'1' * 32}.warnews-tmp"
    users = [".notes.123.tmp", f".draft.txt.{pid}.tmp", f".x.{pid}.{'2' * 31}.warnews-tmp"]
    for name in [own_dead, own_alive, *users]:
        (tmp_path / name).write_text("x")
    (tmp_path / f".c.txt.{pid}.{'3' * 32}.warnews-tmp").symlink_to(tmp_path / own_alive)
    prepare_folder(tmp_path)
    left = sorted(path.name for path in tmp_path.iterdir())
    assert own_dead not in left
    assert set(left) >= {own_alive, *users} and any(name.startswith(".c.txt") for name in left)


def test_the_folder_lock_holds_across_processes(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from warnews._store import folder_lock\n"
            f"with folder_lock(Path({str(tmp_path)!r})):\n    print('held', flush=True); time.sleep(1.0)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with folder_lock(tmp_path):
        waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert waited >= 0.5, "the second process waited for the first"


def test_the_folder_lock_of_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the output folder"):
        with folder_lock(Path(tmp_path / "missing")):
            pass
