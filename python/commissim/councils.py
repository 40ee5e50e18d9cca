"""Answers for one council: paired differences per council, per council group and for England,
from each run's councils.csv (`commissim run --detail`)."""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from typing import Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from ._cli import (MAX_SEED, CommissimError, confidence_level, mapping_argument, names_argument, optional_whole_number, path_argument,
                   whole_number)
from ._files import write_text_whole, write_whole
from .api import PathLike, run

# councils.csv columns and how a group of councils and months combines them: "sum" adds them up,
# ("mean", WEIGHT) is a mean weighted by another column (docs/COLUMNS.md).
AGGREGATION = {
    "spend": "sum", "spend_month": "sum", "budget": "sum", "children_served": "sum", "children_waiting": "sum", "children_spot": "sum",
    "children_in_house": "sum", "leavers": "sum", "contracts_let": "sum", "rollovers": "sum", "breaks": "sum",
    "outcome_mean": ("mean", "leavers"), "quality_received": ("mean", "children_served"),
    "contract_price_fostering": ("mean", "contracts"), "contract_price_residential": ("mean", "contracts"),
    "contract_price_family_support": ("mean", "contracts"), "trust_in_providers": ("mean", "contracts"),
    "providers_trust": ("mean", "contracts"), "budget_pressure": ("mean", "budget"),
    "contract_length_let": ("mean", "contracts_let"),
}
DEFAULT_METRICS = ["spend_month", "outcome_mean", "quality_received", "children_waiting", "children_spot",
                   "contract_price_fostering", "trust_in_providers", "providers_trust", "breaks"]


def _summarise(councils: pd.DataFrame, by: str, metrics: Sequence[str], months: Optional[int]) -> pd.DataFrame:
    d = councils
    if months is not None:
        reported = int(d["month"].nunique())
        if months > reported:  # the mean would be over fewer months than asked, without a word
            raise CommissimError(f"last_months={months} is more than the {reported} months each run reports", key="last_months",
                                 fix=f"give last_months of at most {reported}, or leave it out for totals over the run")
        d = d[d["month"] > d["month"].max() - months]
    keys = {"council": ["council", "name"], "group": ["name"], "england": []}[by]
    out = {}
    grouped = d.groupby(keys) if keys else [((), d)]
    for key, g in grouped:
        key = key if isinstance(key, tuple) else (key,)
        row = {}
        for m in metrics:
            how = AGGREGATION[m]
            if how == "sum":
                row[m] = g[m].sum() / (g["month"].nunique() if months is not None else 1)
            else:
                w = g[how[1]]
                row[m] = (g[m] * w).sum() / w.sum() if w.sum() > 0 else np.nan
        out[key] = row
    if not keys:
        # England: one row (from_dict keyed by the empty tuple gave a row of NaN).
        return pd.DataFrame([out[()]], index=pd.Index(["England"], name="unit"))
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=keys)
    return frame


def compare_councils(a: PathLike, b: PathLike, *, replications: int = 10, seed: int = 1, by: str = "council",
                     metrics: Optional[Sequence[str]] = None, last_months: Optional[int] = None,
                     set: Optional[Mapping[str, object]] = None, set_a: Optional[Mapping[str, object]] = None,
                     set_b: Optional[Mapping[str, object]] = None, threads: Optional[int] = None, quiet: bool = True,
                     level: float = 0.95, out: Optional[PathLike] = None) -> pd.DataFrame:
    """Paired differences B − A per council (`by="council"`), per council group (`"group"`, the
    `[[councils]] name`) or for England (`"england"`). Replication r of both arms runs with seed
    `seed + r` (common random numbers) and `--detail`; each run is summarised over its reported
    months (sums: totals over the run, or monthly means with `last_months`; rates and scores:
    means weighted as in ``AGGREGATION``). Columns: the unit's keys, metric, n, mean_a, mean_b,
    diff, ci_low, ci_high (t interval at `level`), rel_diff. With `out`, every run's folder
    (``A/r0``, ``B/r0``, … with its manifest), the table (``councils_comparison.csv``) and a
    ``manifest.json`` of the call (arguments, each replication's seed, the runs) stay there, so
    every number in the table can be reproduced."""
    from scipy import stats  # noqa: PLC0415

    if by not in ("council", "group", "england"):
        raise CommissimError(f"by={by!r}", key="by", fix="use 'council', 'group' or 'england'")
    metrics = names_argument("metrics", metrics) or list(DEFAULT_METRICS)
    a, b = path_argument("a", a), path_argument("b", b)
    out = None if out is None else path_argument("out", out)
    set, set_a, set_b = mapping_argument("set", set), mapping_argument("set_a", set_a), mapping_argument("set_b", set_b)
    for m in metrics:
        if m not in AGGREGATION:
            raise CommissimError(f"{m!r} is not a councils.csv metric this summary knows", key=m,
                                 fix="use one of: " + ", ".join(AGGREGATION))
    replications = whole_number("replications", replications, 2)
    # Replication r runs with seed + r: the last must still be a seed the binary accepts.
    seed = whole_number("seed", seed, 0, MAX_SEED - (replications - 1))
    last_months = optional_whole_number("last_months", last_months, 1)
    threads = optional_whole_number("threads", threads, 1)
    level = confidence_level(level)
    if out is not None:
        _claim_folder(out)
    jobs = [(arm, r) for r in range(replications) for arm in ("A", "B")]

    def one(job):
        arm, r = job
        over = dict(set) | dict(set_a if arm == "A" else set_b)
        folder = None if out is None else os.path.join(out, arm, f"r{r}")
        res = run(a if arm == "A" else b, seed=seed + r, set=over, detail=True, quiet=quiet, out=folder)
        return arm, r, _summarise(res.councils, by, metrics, last_months)

    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 2) as pool:
        results = list(pool.map(one, jobs))
    arms = {"A": {}, "B": {}}
    for arm, r, frame in results:
        arms[arm][r] = frame
    rows = []
    units = arms["A"][0].index
    t = stats.t.ppf(0.5 + level / 2, replications - 1)
    for unit in units:
        for m in metrics:
            xa = np.array([arms["A"][r].loc[unit, m] for r in range(replications)], dtype=float)
            xb = np.array([arms["B"][r].loc[unit, m] for r in range(replications)], dtype=float)
            d = xb - xa
            mean, half = d.mean(), t * d.std(ddof=1) / np.sqrt(replications)
            keys = unit if isinstance(unit, tuple) else (unit,)
            names = units.names if units.names != [None] else ["unit"]
            rows.append(dict(zip(names, keys)) | {"metric": m, "n": replications, "mean_a": xa.mean(), "mean_b": xb.mean(),
                                                  "diff": mean, "ci_low": mean - half, "ci_high": mean + half,
                                                  "rel_diff": mean / xa.mean() if xa.mean() else np.nan})
    table = pd.DataFrame(rows)
    if out is not None:
        _drop_other_runs(out, replications)
        _write_outputs(out, table, {
            "call": "commissim.compare_councils", "a": os.fspath(a), "b": os.fspath(b), "replications": replications,
            "seed": seed, "seeds": [seed + r for r in range(replications)], "by": by, "metrics": metrics,
            "last_months": last_months, "level": level, "set": dict(set or {}), "set_a": dict(set_a or {}), "set_b": dict(set_b or {}),
            "runs": {"A": [f"A/r{r}" for r in range(replications)], "B": [f"B/r{r}" for r in range(replications)]},
            "table": "councils_comparison.csv"})
    return table


# Files that mark a folder as holding another command's results (commissim's own markers), or
# its unfinished work (.partial: a sweep, comparison or calibration running or interrupted).
_OTHER_RESULTS = ("timeseries.csv", "summary.csv", "runs.csv", "comparison.csv", "fit.csv")


def _claim_folder(folder: str) -> None:
    """Makes `folder` ready for this call's results before anything runs: refused if it is a file
    or holds another command's results (its manifest would be overwritten); an earlier
    compare_councils's table and manifest are removed first, so an interrupted call never leaves
    them describing runs that have since been replaced."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise CommissimError(f"{folder} is a file, not a folder", file=folder, key="out", fix="give a folder for the runs and the table")
    manifest = os.path.join(folder, "manifest.json")
    call = None
    if os.path.exists(manifest):
        try:
            with open(manifest, encoding="utf-8") as f:
                call = json.load(f).get("call")
        except (OSError, ValueError, AttributeError):
            call = None
    other = [name for name in _OTHER_RESULTS + (".partial",) if os.path.exists(os.path.join(folder, name))]
    if other or (os.path.exists(manifest) and call != "commissim.compare_councils"):
        raise CommissimError(f"{folder} holds other results ({', '.join(other) or 'manifest.json'}); their manifest would be overwritten",
                             file=folder, key="out", fix="choose an empty folder (or one an earlier compare_councils wrote)")
    for name in ("manifest.json", "councils_comparison.csv"):
        try:
            os.remove(os.path.join(folder, name))
        except FileNotFoundError:
            pass


def _drop_other_runs(folder: str, replications: int) -> None:
    """Removes the run folders (A/rN, B/rN) of an earlier call with more replications: the
    manifest lists only this call's runs."""
    for arm in ("A", "B"):
        base = os.path.join(folder, arm)
        if not os.path.isdir(base):
            continue
        for name in os.listdir(base):
            if name[:1] == "r" and name[1:].isdigit() and int(name[1:]) >= replications:
                shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def _write_outputs(folder: str, table: pd.DataFrame, manifest: dict) -> None:
    """The table and the call's manifest beside the runs (values numpy gave are written as plain
    numbers), each written whole or not at all, the manifest last."""
    text = json.dumps(manifest, indent=2, default=lambda v: v.item() if hasattr(v, "item") else str(v)) + "\n"
    for name, save in (("councils_comparison.csv", lambda p: write_whole(p, lambda tmp: table.to_csv(tmp, index=False))),
                       ("manifest.json", lambda p: write_text_whole(p, text))):
        path = os.path.join(folder, name)
        try:
            save(path)
        except OSError as e:
            raise CommissimError(f"cannot write {path}: {e.strerror or e}", file=path, key="out",
                                 fix="free disk space or choose a folder you can write") from None
