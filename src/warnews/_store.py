"""Files on disk: complete or absent, inside the output folder, never over another article."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from ._errors import StoreError

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".json"


def write_atomic(path: Path, content: str) -> None:
    """Write to a temporary name in the same folder, fsync, then rename over path."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:  # interrupted: leave no half-written temporary file behind
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder itself is on disk.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _same_article(meta_path: Path, identity: dict[str, str]) -> bool:
    try:
        existing = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(existing, dict) and any(
        value and existing.get(key) == value for key, value in identity.items()
    )


def choose_path(folder: Path, stem: str, identity: dict[str, str], preferred: Path | None = None) -> Path:
    """The text file's path: stem.txt, or stem-2.txt, ... unless that name holds this article.

    `preferred` (the name an interrupted earlier run chose for this article) wins when it
    is free or holds this article, so that a title translated differently the second
    time does not make a second file.
    """
    if preferred is not None and preferred.parent.resolve() == folder.resolve():
        preferred = folder / preferred.name
        meta = preferred.with_suffix(META_SUFFIX)
        if (not preferred.exists() and not meta.exists()) or (
            meta.exists() and _same_article(meta, identity)
        ):
            return preferred
    for number in itertools.count(1):
        name = stem if number == 1 else f"{stem}-{number}"
        text_path, meta_path = folder / f"{name}{TEXT_SUFFIX}", folder / f"{name}{META_SUFFIX}"
        if not text_path.exists() and not meta_path.exists():
            return text_path
        if meta_path.exists() and _same_article(meta_path, identity):
            return text_path
    raise AssertionError("unreachable")  # pragma: no cover


def prepare_folder(folder: Path) -> None:
    """Create the output folder, and remove temporary files that killed runs left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the output folder {folder}: {error.strerror or error}") from None
    if not folder.is_dir():
        raise StoreError(f"the output folder {folder} is not a folder")
    for leftover in folder.glob(".*.tmp"):
        pid = leftover.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def original_path(path: Path, language: str) -> Path:
    """Where the source text of the translation at path goes: NAME.uk.txt beside NAME.txt."""
    return path.with_name(f"{path.stem}.{language}{TEXT_SUFFIX}")


def save(
    path: Path,
    identity: dict[str, str],
    text: str,
    metadata: dict[str, Any],
    original: tuple[str, str] | None = None,
) -> Path:
    """Save the text and its metadata sidecar at path (from choose_path); return path.
    original: (language, text) of the source, saved beside it.

    The sidecar is written first, so that a text file on disk always has its sidecar,
    and a re-run after a crash between the two recognises the name as its own; the
    translation last, so that its presence means the article is complete.
    """
    metadata = {**metadata, **identity, "file": path.name}
    companions = []
    if original is not None:
        metadata["original_file"] = original_path(path, original[0]).name
        companions.append((original_path(path, original[0]), original[1]))
    files = [(path.with_suffix(META_SUFFIX), json.dumps(metadata, ensure_ascii=False, indent=2) + "\n")]
    files += [*companions, (path, text)]
    created: list[Path] = []  # a new article's files, removed if it cannot be saved whole
    try:
        for file, content in files:
            if not path.exists() and not file.exists():
                created.append(file)
            write_atomic(file, content)
    except StoreError:
        for file in created:
            file.unlink(missing_ok=True)
        raise
    return path
