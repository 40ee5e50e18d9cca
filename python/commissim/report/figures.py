"""The report's figures (matplotlib, PNG): axis labels with units, plain titles, years on the
time axis, no offset notation."""
from __future__ import annotations

import dataclasses
import math
from typing import List, Sequence, Tuple

import numpy as np

from .._files import write_whole
from .catalogue import Metric, axis_label
from .effects import Effect

A_COLOUR, B_COLOUR = "#c0504d", "#1f77b4"


def _plt():
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    plt.rcParams.update({"axes.formatter.useoffset": False, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _monthly(metric: Metric) -> Metric:
    """The metric as a monthly series (a flow per month, a level as it is)."""
    return dataclasses.replace(metric, measure="end")


def _save(fig, path: str) -> None:
    """Saves as a palette PNG (Pillow's quantiser, which comes with matplotlib): the page inlines
    every figure, and a 64-colour chart is a fifth of the size of a true-colour one."""
    import io  # noqa: PLC0415

    import matplotlib.pyplot as plt  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, dpi=80, format="png")
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    # Whole or not at all: a full disk leaves no half-written PNG (report() says the error, naming it).
    try:
        write_whole(path, lambda tmp: image.save(tmp, format="PNG", optimize=True))
    except OSError as e:
        raise OSError(e.errno, e.strerror or str(e), path) from None


def comparison_series(path: str, metric: Metric, panels: Sequence[Tuple[str, object, str, str]]) -> bool:
    """For each panel (title, monthly rows of the metric as a DataFrame, label A, label B): the
    two arms' means with 95% bands (left) and the paired difference B − A with its band (right)."""
    panels = [p for p in panels if p[1] is not None and len(p[1])]
    if not panels:
        return False
    plt = _plt()
    m = _monthly(metric)
    fig, axes = plt.subplots(len(panels), 2, figsize=(11, 3.3 * len(panels)), squeeze=False)
    for i, (title, rows, label_a, label_b) in enumerate(panels):
        t = rows["month"].to_numpy() / 12
        top = max(float(np.nanmax(np.abs(rows[["mean_a", "mean_b"]].to_numpy()))), 1e-12)
        div, ylabel = axis_label(m, top)
        ax = axes[i][0]
        for arm, label, colour in (("a", label_a, A_COLOUR), ("b", label_b, B_COLOUR)):
            ax.plot(t, rows[f"mean_{arm}"] / div, label=label, color=colour)
            if f"{arm}_ci95_low" in rows:
                ax.fill_between(t, rows[f"{arm}_ci95_low"] / div, rows[f"{arm}_ci95_high"] / div, color=colour, alpha=0.2, lw=0)
        ax.set_title(f"{title}: {metric.label}", fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel(ylabel, fontsize=8)
        ax.legend(fontsize=8)
        ax = axes[i][1]
        dtop = max(float(np.nanmax(np.abs(rows[["ci95_low", "ci95_high"]].to_numpy()))), 1e-12)
        ddiv, dlabel = axis_label(m, dtop)
        ax.fill_between(t, rows["ci95_low"] / ddiv, rows["ci95_high"] / ddiv, color=B_COLOUR, alpha=0.25, lw=0, label="95% CI")
        ax.plot(t, rows["diff"] / ddiv, color=B_COLOUR, label=f"{label_b} minus {label_a}")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(f"{title}: paired difference", fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel("difference in " + dlabel[0].lower() + dlabel[1:], fontsize=8)
        ax.legend(fontsize=8)
    _save(fig, path)
    return True


def paired_bars(path: str, groups: Sequence[Tuple[str, List[Effect]]], xlabel: str) -> bool:
    """Relative paired differences with their Fieller intervals, one bar per metric and group
    (comparison); metrics without a bounded relative interval are left out."""
    groups = [(t, [e for e in es if e.bounded]) for t, es in groups]
    labels = []
    for _, es in groups:
        for e in es:
            if e.metric.label not in labels:
                labels.append(e.metric.label)
    if not labels:
        return False
    plt = _plt()
    k = len(groups)
    height = 0.8 / k
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(labels) * max(1, k ** 0.5) + 1.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    largest = 0.0
    for j, (title, es) in enumerate(groups):
        by = {e.metric.label: e for e in es}
        ys, vals, lo, hi = [], [], [], []
        for i, label in enumerate(labels):
            e = by.get(label)
            if e is None:
                continue
            ys.append(i + height * j)
            vals.append(100 * e.rel)
            lo.append(100 * max(0.0, e.rel - e.rel_low))
            hi.append(100 * max(0.0, e.rel_high - e.rel))
            largest = max(largest, abs(100 * e.rel_low), abs(100 * e.rel_high))
        ax.barh(ys, vals, height=height * 0.92, xerr=[lo, hi], label=title, color=colours[j % len(colours)], capsize=2)
    ax.set_yticks([i + height * (k - 1) / 2 for i in range(len(labels))])
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    if largest > 40:
        ax.set_xscale("symlog", linthresh=20)
        xlabel += " (log scale beyond ±20%)"
    ax.set_xlabel(xlabel)
    if k > 1:
        ax.legend(fontsize=7)
    _save(fig, path)
    return True


def run_series(path: str, metrics: Sequence[Metric], ts) -> bool:
    """Small multiples of the monthly series of `metrics` from one run's timeseries.csv."""
    metrics = [m for m in metrics if m.name in ts]
    if not metrics:
        return False
    plt = _plt()
    cols = 3
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.8 * rows), squeeze=False)
    t = ts["month"].to_numpy() / 12
    for i, metric in enumerate(metrics):
        ax = axes[i // cols][i % cols]
        m = _monthly(metric)
        y = ts[metric.name].to_numpy(dtype=float)
        div, label = axis_label(m, max(float(np.nanmax(np.abs(y))) if len(y) else 1.0, 1e-12))
        ax.plot(t, y / div, color=B_COLOUR)
        ax.set_title(metric.label, fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel(label.split(" (", 1)[1].rstrip(")") if " (" in label else "", fontsize=8)
    for j in range(len(metrics), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    _save(fig, path)
    return True


def sweep_effects(path: str, metrics: Sequence[Metric], table, x: str, series: str = None) -> bool:
    """Each metric's mean with its 95% interval against the varied parameter `x` (a line per
    value of `series` when given). `table`: one row per point with x, series and, per metric,
    `<name>`, `<name>_low`, `<name>_high`."""
    plt = _plt()
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.0 * rows), squeeze=False)
    groups = [(None, table)] if series is None else list(table.groupby(series, sort=True))
    for i, metric in enumerate(metrics):
        ax = axes[i // cols][i % cols]
        top = max(float(np.nanmax(np.abs(table[metric.name].to_numpy(dtype=float)))), 1e-12)
        div, label = axis_label(metric, top)
        for value, g in groups:
            g = g.sort_values(x)
            y = g[metric.name].to_numpy(dtype=float) / div
            err = [y - g[metric.name + "_low"].to_numpy(dtype=float) / div, g[metric.name + "_high"].to_numpy(dtype=float) / div - y]
            err = np.nan_to_num(np.abs(np.asarray(err)))
            ax.errorbar(g[x].to_numpy(dtype=float), y, yerr=err, marker="o", ms=3, capsize=2, lw=1,
                        label=None if value is None else f"{series} = {value:g}" if isinstance(value, (int, float)) else f"{series} = {value}")
        ax.set_title(metric.label + f" ({metric.measure_words})", fontsize=8)
        ax.set_xlabel(x, fontsize=8)
        ax.set_ylabel(label.split(" (", 1)[1].rstrip(")") if " (" in label else "", fontsize=8)
        if series is not None and i == 0:
            ax.legend(fontsize=7)
    for j in range(len(metrics), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    _save(fig, path)
    return True
