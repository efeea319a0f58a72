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
from warnews._store import HOST_MARK, folder_lock, prepare_folder, save, write_atomic

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
    own_dead = f".a.txt.{pid}.{HOST_MARK}{'0' * 24}.warnews-tmp"
    own_alive = f".b.txt.{os.getpid()}.{HOST_MARK}{'1' * 24}.warnews-tmp"
    users = [".notes.123.tmp", f".draft.txt.{pid}.tmp", f".x.{pid}.{'2' * 31}.warnews-tmp"]
    # Another host's, writing to a shared folder: its pid means nothing here.
    foreign = f".d.txt.{pid}.{'f' * 32}.warnews-tmp"
    foreign_old = f".e.txt.{pid}.{'e' * 32}.warnews-tmp"
    for name in [own_dead, own_alive, *users, foreign, foreign_old]:
        (tmp_path / name).write_text("x")
    os.utime(tmp_path / foreign_old, (time.time() - 7_200, time.time() - 7_200))
    (tmp_path / f".c.txt.{pid}.{HOST_MARK}{'3' * 24}.warnews-tmp").symlink_to(tmp_path / own_alive)
    prepare_folder(tmp_path)
    left = sorted(path.name for path in tmp_path.iterdir())
    assert own_dead not in left and foreign_old not in left
    assert set(left) >= {own_alive, foreign, *users} and any(name.startswith(".c.txt") for name in left)


def test_a_temporary_file_names_its_host(tmp_path, monkeypatch):
    names = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        names.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    write_atomic(tmp_path / "a.txt", "article\n")
    temporary = [name for name in names if name.endswith(".warnews-tmp")]
    assert len(temporary) == 1 and temporary[0].startswith(f".a.txt.{os.getpid()}.{HOST_MARK}")


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
