"""Files on disk: complete or absent, inside the output folder, never over another article.

Every file is written the same way: to a new temporary file in the same folder, created
exclusively (never through a link, never over an existing path) under a name nobody can
guess, synced, then renamed into place. Processes that save into one folder take turns
(an flock on the folder), so two articles never get one name.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import StoreError
from ._formats import format_of, problem
from ._settings import FORMATS

if TYPE_CHECKING:
    from ._model import Document

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".json"  # one sidecar for an article's file in any format


# .NAME.<pid>.<32 hex digits>.warnews-tmp: no other program makes such names, and the
# pid tells the cleanup whether the writer is still alive. The first 8 hex digits name the
# host (a digest of its name): in a folder that several hosts share, another host's pid
# means nothing here, and its leftover is removed only once no write could still be at it.
_TEMPORARY = re.compile(r"\..+\.(\d+)\.([0-9a-f]{8})[0-9a-f]{24}\.warnews-tmp")
HOST_MARK = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_FOREIGN_AGE = 3_600.0  # seconds: another host's temporary file older than this is a leftover
_FOLDER_LOCK_WAIT = 60.0  # seconds another process may hold the folder (a save takes milliseconds)


def write_atomic(path: Path, content: str) -> None:
    """Write to a new temporary file beside path (O_EXCL | O_NOFOLLOW, an unguessable
    name), fsync, then rename over path (a link at path is replaced, never followed)."""
    if path.name in ("", ".", ".."):  # a folder's name ("", ".", "/"): nothing to rename over
        raise StoreError(f"cannot write {path}: a folder, not a file")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{HOST_MARK}{secrets.token_hex(12)}.warnews-tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    created = False
    try:
        descriptor = os.open(temporary, flags, 0o666)
        created = True
        with open(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if created:
            temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:  # interrupted: leave no half-written temporary file behind
        if created:
            temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """This process's turn to choose names and save in folder (an flock on the folder
    itself: no lock file, and the kernel lets go when a process dies)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise StoreError(f"cannot open the output folder {folder}: {error.strerror or error}") from None
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    break  # a file system without locks: the names are still checked
                if waited >= _FOLDER_LOCK_WAIT:
                    raise StoreError(
                        f"another process has held the output folder {folder} too long"
                    ) from None
                time.sleep(0.01)
                waited += 0.01
        yield
    finally:
        os.close(descriptor)  # releases the lock


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
    try:  # a link planted at a sidecar's name is not followed
        descriptor = os.open(meta_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with open(descriptor, encoding="utf-8") as handle:
            existing = json.loads(handle.read(1 << 20))
    except (OSError, ValueError):
        return False
    return isinstance(existing, dict) and any(
        value and existing.get(key) == value for key, value in identity.items()
    )


def choose_path(
    folder: Path,
    stem: str,
    identity: dict[str, str],
    preferred: Path | None = None,
    suffix: str = TEXT_SUFFIX,
    reserve: Callable[[Path], bool] | None = None,
) -> Path:
    """The file's path: stem.txt (or its format's suffix), or stem-2.txt, ... unless that
    name holds this article.

    `preferred` (the name an interrupted earlier run chose for this article) wins when it
    is free or holds this article, so that a title translated differently the second
    time does not make a second file. `reserve` (a name free here) says whether the name
    is this article's to take: names are reserved through a shared state, so that hosts
    writing to one folder never choose one name, even where flock does not reach.
    """

    def usable(path: Path) -> bool:
        return _free_or_own(path, identity) and (reserve is None or reserve(path))

    if preferred is not None and preferred.parent.resolve() == folder.resolve():
        preferred = folder / f"{Path(preferred.name).stem}{suffix}"
        if usable(preferred):
            return preferred
    for number in itertools.count(1):
        name = stem if number == 1 else f"{stem}-{number}"
        if usable(folder / f"{name}{suffix}"):
            return folder / f"{name}{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def _free_or_own(text_path: Path, identity: dict[str, str]) -> bool:
    """Nothing at the name in any format (not even a dangling link), or this article's own
    files: the sidecar, shared by the formats, says whose they are."""
    meta_path = text_path.with_suffix(META_SUFFIX)
    names = [text_path.with_suffix(f".{format}") for format in FORMATS]
    if not any(os.path.lexists(path) for path in [meta_path, text_path, *names]):
        return True
    return _same_article(meta_path, identity)


def prepare_folder(folder: Path) -> None:
    """Create the output folder, and remove temporary files that killed runs left behind."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the output folder {folder}: {error.strerror or error}") from None
    if not folder.is_dir():
        raise StoreError(f"the output folder {folder} is not a folder")
    try:
        names = os.listdir(folder)
    except OSError as error:
        raise StoreError(f"cannot read the output folder {folder}: {error.strerror or error}") from None
    _remove_leftovers(folder, names)


def remove_leftovers_of(path: Path) -> None:
    """Remove the temporary files a killed writer of path (one file, such as the Atom feed,
    outside the output folder) left beside it."""
    try:
        names = [name for name in os.listdir(path.parent) if name.startswith(f".{path.name}.")]
    except OSError:
        return  # a folder that cannot be read: writing there will say why
    _remove_leftovers(path.parent, names)


def _remove_leftovers(folder: Path, names: list[str]) -> None:
    """Of these names in folder, remove the temporary files of processes that are gone:
    this host's whose pid is gone, another host's (a shared folder) an hour old."""
    for name in names:
        match = _TEMPORARY.fullmatch(name)
        if match is None or (match.group(2) == HOST_MARK and _alive(int(match.group(1)))):
            continue
        try:  # only warnews's own regular files; a link is left alone
            status = os.lstat(folder / name)
            foreign = match.group(2) != HOST_MARK
            if stat.S_ISREG(status.st_mode) and (not foreign or status.st_mtime < time.time() - _FOREIGN_AGE):
                os.unlink(folder / name)
        except OSError:
            pass  # a read-only folder: the next run that can will remove it


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def original_path(path: Path, language: str) -> Path:
    """Where the source text of the translation at path goes: NAME.uk.txt beside NAME.txt
    (NAME.uk.md beside NAME.md)."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def save(path: Path, document: Document) -> Path:
    """Save a document and its metadata sidecar at path (from choose_path); return path.
    Its source text, if kept, is saved beside it."""
    metadata = document.saved_as(path)
    original = None
    if document.original is not None:
        original = (original_path(path, metadata.source_language), document.original)
    return _write(path, document.text, metadata.to_dict(), original)


def _write(path: Path, text: str, sidecar: dict[str, Any], original: tuple[Path, str] | None = None) -> Path:
    """The sidecar, the original (if any), then the text, each checked first.

    The sidecar is written first, so that a text file on disk always has its sidecar,
    and a re-run after a crash between the two recognises the name as its own; the
    translation last, so that its presence means the article is complete.
    """
    paragraphs = int(sidecar["paragraphs"])
    wrong = _problem(path, text, paragraphs, bool(sidecar.get("bilingual")))
    if original is not None:
        wrong = wrong or _problem(path, original[1], paragraphs, False)
    if wrong:
        raise StoreError(f"refusing to write a wrong file: {wrong}")
    files = [(path.with_suffix(META_SUFFIX), json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n")]
    files += [*([original] if original else []), (path, text)]
    created: list[Path] = []  # a new article's files, removed if it cannot be saved whole
    try:
        for file, content in files:
            if not os.path.lexists(path) and not os.path.lexists(file):
                created.append(file)
            write_atomic(file, content)
    except StoreError:
        for file in created:
            try:
                file.unlink(missing_ok=True)
            except OSError:  # a read-only folder: nothing was created there either
                pass
        raise
    return path


def _problem(path: Path, text: str, paragraphs: int, bilingual: bool) -> str | None:
    """What is wrong with text as the file at path (its format by its suffix), or None."""
    format = format_of(path.suffix)
    if format is None:
        return f"{path.name} is not named as a txt, md or html file"
    return problem(format, text, paragraphs, bilingual)


def as_asked(text_path: Path, format: str, bilingual: bool) -> bool:
    """Whether the article saved at text_path is in this format, and bilingual if asked
    (and translated: an article in the target language has no pairs)."""
    if text_path.suffix != f".{format}":  # before reading anything
        return False
    try:
        return _paired_as_asked(json.loads(_read_own(text_path.with_suffix(META_SUFFIX))), format, bilingual)
    except (OSError, ValueError, AttributeError):
        return False


def _paired_as_asked(sidecar: dict[str, Any], format: str, bilingual: bool) -> bool:
    """as_asked, the suffix checked and the sidecar read."""
    paired, translated = bool(sidecar.get("bilingual")), sidecar.get("engine") is not None
    return paired == (bilingual and translated and format != "txt")


def saved_whole(text_path: Path) -> dict[str, Any] | None:
    """The sidecar of an article saved whole at text_path (its text there and as its
    sidecar says: what warnews wrote), else None."""
    try:
        metadata = json.loads(_read_own(text_path.with_suffix(META_SUFFIX)))
        text = _read_own(text_path)
        if not isinstance(metadata, dict) or metadata.get("file") != text_path.name:
            return None
        if _problem(text_path, text, int(metadata["paragraphs"]), bool(metadata.get("bilingual"))):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return metadata


def copy_saved(
    text_path: Path, folder: Path, format: str = "txt", bilingual: bool = False, keep_original: bool = False
) -> tuple[Path, bool, dict[str, Any]] | None:
    """Make an article saved at text_path again in folder, from its files alone (the
    translation, its sidecar and its original, if kept): (the path in folder, whether it
    was made (False: the article was there already), its metadata); None when the files
    cannot be used (gone, not what warnews wrote, or not in the format asked for, see
    as_asked; or the source text asked for and not kept there) and the article must be made
    anew."""
    if text_path.suffix != f".{format}":  # before reading anything
        return None
    try:
        metadata = json.loads(_read_own(text_path.with_suffix(META_SUFFIX)))
        if not _paired_as_asked(metadata, format, bilingual):
            return None
        text = _read_own(text_path)
        identity = {key: metadata[key] for key in ("source_id", "source_sha256")}
        paragraphs = int(metadata["paragraphs"])
        original = None
        if metadata.get("original_file"):
            language = str(metadata["source_language"])
            original = (language, _read_own(original_path(text_path, language)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(identity["source_id"], str) or not isinstance(identity["source_sha256"], str):
        return None
    if keep_original and original is None and metadata.get("engine") is not None:
        return None  # a translated article's source text is asked for: only a new run has it
    if _problem(text_path, text, paragraphs, bool(metadata.get("bilingual"))) or (
        original is not None and _problem(text_path, original[1], paragraphs, False)
    ):
        return None
    with folder_lock(folder):
        path = choose_path(folder, text_path.stem, identity, suffix=text_path.suffix)
        if os.path.lexists(path):  # choose_path gives a taken name only to this article's files
            return path, False, metadata
        metadata = {**metadata, "file": path.name}
        if original is not None:
            metadata["original_file"] = original_path(path, original[0]).name
        kept = (original_path(path, original[0]), original[1]) if original else None
        return _write(path, text, metadata, kept), True, metadata


def _read_own(path: Path, limit: int = 1 << 26) -> str:
    """A file warnews saved, read whole: never through a link, never beyond a bound."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with open(descriptor, encoding="utf-8", newline="") as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise ValueError(f"{path} is too large")
    return content
