"""Files written whole or not at all, as the binary writes its own (OutputFolder.swift)."""
from __future__ import annotations

import os
from typing import Callable


def write_whole(path: "os.PathLike[str] | str", write: Callable[[str], object]) -> None:
    """Writes `path` by `write(tmp)` into `path`.tmp beside it and moves that in with one rename:
    a full disk, an error or an interruption leaves the earlier file (or none), never half of
    one, and no .tmp. Errors propagate as `write` or the rename raised them."""
    path = os.fspath(path)
    tmp = path + ".tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_text_whole(path: "os.PathLike[str] | str", text: str) -> None:
    """``write_whole`` for a text file (UTF-8, line ends as given)."""
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    write_whole(path, write)
