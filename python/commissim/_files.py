"""Files written whole or not at all, as the binary writes its own (OutputFolder.swift), and the
lock every writer of a results folder takes to move files in (FolderLock, OutputFolder.swift)."""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import Callable, Iterator, Optional, Tuple

from ._cli import CommissimError


def write_whole(path: "os.PathLike[str] | str", write: Callable[[str], object],
                only_if: Optional[Callable[[], bool]] = None) -> bool:
    """Writes `path` by `write(tmp)` into `path`.tmp beside it and moves that in with one rename:
    a full disk, an error or an interruption leaves the earlier file (or none), never half of
    one, and no .tmp. Errors propagate as `write` or the rename raised them. With `only_if`, the
    file is moved in holding its folder's lock (``folder_locked``) and only if `only_if()` is then
    true (what it was made from is still there); returns whether it was moved in."""
    path = os.fspath(path)
    tmp = path + ".tmp"
    try:
        write(tmp)
        if only_if is None:
            os.replace(tmp, path)
            return True
        with folder_locked(os.path.dirname(path) or "."):
            if not only_if():
                return False
            os.replace(tmp, path)
            return True
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_text_whole(path: "os.PathLike[str] | str", text: str) -> None:
    """``write_whole`` for a text file (UTF-8, line ends as given)."""
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    write_whole(path, write)


def identity(path: "os.PathLike[str] | str", whole: bool = True) -> Optional[Tuple[int, ...]]:
    """Which file (or folder) `path` is now: device and inode, and with `whole` its modification
    time and size; None if there is none. Commands move new results in as new files, so results
    replaced since have another identity."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size) if whole else (st.st_dev, st.st_ino)


@contextlib.contextmanager
def folder_locked(folder: "os.PathLike[str] | str", patience: float = 10.0) -> Iterator[None]:
    """Holds the lock on `folder` itself that every command takes to move its results in
    (FolderLock in OutputFolder.swift: an exclusive flock, held for moments). A folder that cannot
    be opened, or a file system without flock, goes unlocked, as the binary does; a lock held
    longer than `patience` seconds is one CommissimError."""
    folder = os.fspath(folder)
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (BlockingIOError, InterruptedError):
                if time.monotonic() > deadline:
                    raise CommissimError(f"another process has held the lock on {folder} for {patience:.0f} s", file=folder,
                                         fix="let it finish (or stop it), then try again") from None
                time.sleep(0.002)
            except OSError:
                break  # no flock on this file system: unlocked
        yield
    finally:
        os.close(fd)
