"""Parquet copies of a result folder's CSV files, written beside them (pyarrow).

    import commissim as cs
    cs.to_parquet("results/sweep")        # summary.parquet beside summary.csv, …

or ``python -m commissim.parquet DIR``. `run`, `sweep` and `compare` take ``parquet=True`` (with
``out=``) to do the same when they finish. The CSV files stay the reference: the manifest's
fingerprints are theirs; a Parquet file holds the same table with pandas' inferred types, and a
command that writes or removes a CSV file removes its Parquet copy (OutputFolder.swift).
"""
from __future__ import annotations

import os
import sys
from typing import List

import pandas as pd

from ._cli import CommissimError, path_argument
from ._files import identity, write_whole


def require_pyarrow() -> None:
    """Raises CommissimError (with the fix) unless pyarrow is installed."""
    try:
        import pyarrow  # noqa: F401, PLC0415
    except ImportError as e:
        raise CommissimError("Parquet output needs pyarrow", key="parquet", fix="pip install pyarrow (python/requirements.txt)") from e


def to_parquet(folder: "os.PathLike[str] | str") -> List[str]:
    """Writes `<name>.parquet` beside every `<name>.csv` under `folder` (sub-folders included,
    hidden ones such as `.partial` skipped); returns the paths written."""
    require_pyarrow()
    folder = path_argument("folder", folder)
    if not os.path.isdir(folder):
        raise CommissimError(f"{folder} is not a result folder", file=folder, fix="give the --out folder of a run, sweep or comparison")
    written = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".csv"):
                src = os.path.join(root, name)
                dst = src[:-4] + ".parquet"
                made_from = identity(src)
                try:
                    table = pd.read_csv(src)
                except (OSError, ValueError) as e:  # pandas' parser errors are ValueErrors
                    raise CommissimError(f"cannot read {src} as a table ({e})", file=src,
                                         fix="rerun the command that wrote the folder, or remove the file") from None
                try:
                    # Never a half-written Parquet file, and none beside a CSV file that replaced
                    # the one it copies (a command writing the folder meanwhile: the lock it moves
                    # files in with is held while the copy is checked and moved in).
                    moved = write_whole(dst, lambda tmp: table.to_parquet(tmp, index=False), only_if=lambda: identity(src) == made_from)
                except (OSError, ValueError) as e:  # pyarrow's errors are OSError or ValueError
                    raise CommissimError(f"cannot write {dst}: {getattr(e, 'strerror', None) or e}", file=dst,
                                         fix="free disk space or choose a folder you can write") from None
                if not moved:
                    raise CommissimError(f"{src} was replaced while its Parquet copy was made", file=src,
                                         fix="make the copies again once the command writing the folder has finished")
                written.append(dst)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m commissim.parquet RESULT_FOLDER")
    try:
        paths = to_parquet(sys.argv[1])
    except CommissimError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    for path in paths:
        print(path)
