"""convergence.png of a calibration folder (``commissim calibrate``): the objective of every
evaluation and the best so far, on a log scale, with the restarts marked.

    python -m commissim.calibration_plot results/calibration
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ._files import write_whole  # noqa: E402


def plot(folder: str | Path) -> Path:
    folder = Path(folder)
    j = pd.read_csv(folder / "journal.csv")
    fig, ax = plt.subplots(figsize=(7, 3.8), dpi=120)
    ax.scatter(j["evaluation"], j["objective"], s=6, color="#9aa7b8", label="candidate")
    ax.plot(j["evaluation"], j["best_objective"], color="#1f4e79", lw=1.8, label="best so far")
    for _, first in j.groupby("restart")["evaluation"].min().iloc[1:].items():
        ax.axvline(first, color="#c0504d", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("evaluation")
    ax.set_ylabel("objective  Σ w·(error / tolerance)²")
    ax.set_title("Calibration convergence (dashed: restarts)")
    ax.legend(frameon=False)
    fig.tight_layout()
    out = folder / "convergence.png"
    try:  # a full disk leaves no half of a PNG
        write_whole(out, lambda tmp: fig.savefig(tmp, format="png", metadata={"Software": None}))
    finally:
        plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m commissim.calibration_plot FOLDER", file=sys.stderr)
        return 2
    try:
        plot(args[0])
    except (OSError, KeyError, ValueError, pd.errors.ParserError) as e:
        print(f"error: {args[0]}: cannot draw convergence.png ({e}) — fix: run `commissim calibrate` into that folder first", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
