"""run, sweep, compare, validate and params: the binary's commands with DataFrames back."""
from __future__ import annotations

import json
import numbers
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence, Union

import pandas as pd

from ._cli import (MAX_SEED, CommissimError, call, confidence_level, mapping_argument, names_argument, optional_whole_number, path_argument,
                   set_args, toml_value, whole_number)

PathLike = Union[str, os.PathLike]


@dataclass
class RunResult:
    """One run: ``timeseries`` (one row per reported month), ``councils`` and ``providers``
    (with ``detail=True``), the ``manifest`` (seeds, resolved scenario, build) and the folder."""
    timeseries: pd.DataFrame
    manifest: dict
    councils: Optional[pd.DataFrame] = None
    providers: Optional[pd.DataFrame] = None
    folder: Optional[str] = None


@dataclass
class SweepResult:
    """A sweep: ``summary`` (point, month, metric, n, mean, sd, CI, quantiles, joined with the
    point's parameters), ``runs`` (one row per point × replication: ``<metric>_end`` and
    ``<metric>_total``), ``points`` (the design) and the ``manifest``."""
    summary: pd.DataFrame
    runs: pd.DataFrame
    points: pd.DataFrame
    manifest: dict
    folder: Optional[str] = None
    #: contrasts.csv when the sweep had a `[contrast]` (``sweep(contrast=...)``), else None.
    contrasts: Optional[pd.DataFrame] = None

    def contrast(self, metric: str, by: str, a, b, *, measure: str = "end", within: Sequence[str] = (), level: float = 0.95) -> pd.DataFrame:
        """Paired differences of `metric` (``measure`` "end" or "total") between the points where
        parameter `by` is `a` and where it is `b`, at each combination of the `within`
        parameters (default: every other varied parameter), pairing replication r with
        replication r (common random numbers). Columns: the `within` parameters, n, mean_a,
        mean_b, diff, ci_low, ci_high (t interval at `level`)."""
        from scipy import stats  # noqa: PLC0415 (scipy comes with SALib)

        level = confidence_level(level)
        col = f"{metric}_{measure}"
        if col not in self.runs:
            raise CommissimError(f"no column {col!r} in runs.csv", key=metric, fix="name a metric of `commissim columns`, measure 'end' or 'total'")
        params = [c for c in self.points.columns if c != "point"]
        if by not in params:
            raise CommissimError(f"{by!r} is not varied in this sweep", key=by, fix=f"use one of: {', '.join(params)}")
        for w in within:
            if w not in params or w == by:
                raise CommissimError(f"{w!r} is not another parameter varied in this sweep", key="within",
                                     fix=f"use some of: {', '.join(p for p in params if p != by)}")
        values = self.points[by].drop_duplicates().tolist()  # empty text for an empty list (``_read``)
        for name, v in (("a", a), ("b", b)):
            if not _is(self.points[by], v).any():
                raise CommissimError(f"{v!r} is not a value of {by} in this sweep", key=name, fix=f"use one of: {', '.join(map(str, values))}")
        if _is(pd.Series([a]), b).all():
            raise CommissimError("a and b are the same value, so every difference would be 0", key="b", fix="give two different values")
        within = list(within) if within else [p for p in params if p != by]
        rows = []
        for key, ga, gb in paired_runs(self.runs, by, a, b, within):
            ga, gb = ga[col], gb[col]
            d = gb - ga
            n = len(d)
            mean = d.mean() if n else float("nan")
            half = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / n ** 0.5 if n > 1 else float("nan")
            rows.append(dict(zip(within, key)) | {"n": n, "mean_a": ga.mean(), "mean_b": gb.mean(),
                                                  "diff": mean, "ci_low": mean - half, "ci_high": mean + half})
        return pd.DataFrame(rows)


def _is(column: pd.Series, value) -> pd.Series:
    """Where `column` holds `value`: numbers as numbers (36 is 36.0: a float column read from
    CSV, or a value given as a float, matched nothing when both were compared as text), anything
    else as text in any case (True is "true")."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numeric and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return column == value
    # An empty list is an empty cell, which pandas reads as NaN.
    text = "" if value is None else str(_list_cell(value))
    return column.fillna("").astype(str).str.lower() == text.lower()


def _list_cell(value):
    """A list (a point's strategies) as points.csv and design files write it: its entries
    separated by spaces; any other value as it is."""
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else value


def paired_runs(runs: pd.DataFrame, by: str, a, b, within: Sequence[str]):
    """A sweep's runs.csv split for a contrast: for each combination `key` of the `within`
    parameters, the runs where `by` is `a` and where it is `b`, indexed by replication and
    restricted to the replications both have (replication r pairs with replication r: the common
    random numbers). Yields (key tuple, runs at A, runs at B)."""
    keyed = runs.groupby(list(within), dropna=False, sort=True) if within else [((), runs)]
    for key, group in keyed:
        key = key if isinstance(key, tuple) else (key,)
        ga = group[_is(group[by], a)].set_index("replication")
        gb = group[_is(group[by], b)].set_index("replication")
        common = ga.index.intersection(gb.index)
        yield key, ga.loc[common], gb.loc[common]


@dataclass
class ComparisonResult:
    """A paired comparison: ``differences`` (comparison.csv: metric, measure, unit, mean_a,
    mean_b, diff with its CI, rel_diff with its Fieller CI, …), ``runs`` (one row per arm ×
    replication), ``monthly`` (comparison_monthly.csv) and the ``manifest``."""
    differences: pd.DataFrame
    runs: pd.DataFrame
    monthly: Optional[pd.DataFrame]
    manifest: dict
    folder: Optional[str] = None
    #: comparison_groups.csv with ``by="group"`` or ``"council"``: level, group, council_a,
    #: council_b, metric, unit, mean_a, mean_b, diff with its CI, rel_diff with its Fieller CI, n.
    groups: Optional[pd.DataFrame] = None


@contextmanager
def _output(out: Optional[PathLike]):
    """The output folder: `out`, or a temporary one removed once the result is read."""
    if out is not None:
        yield path_argument("out", out)
        return
    tmp = tempfile.mkdtemp(prefix="commissim-")
    try:
        yield os.path.join(tmp, "out")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read(folder: str, name: str, required: bool = True) -> Optional[pd.DataFrame]:
    """A CSV file the binary wrote into `folder` (None when absent and not `required`); a file that
    is missing, cut short or not CSV raises CommissimError naming it."""
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        if required:
            raise CommissimError(f"{name} is missing from {folder}", file=path, fix="rerun the command that wrote the folder")
        return None
    try:
        frame = pd.read_csv(path)
        # An empty cell of a text column is empty text (a list parameter with no entries, such as
        # no strategy), not NaN: NaN among strings broke sorting and matching.
        text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
        frame[text] = frame[text].fillna("")
        return frame
    except (OSError, ValueError) as e:
        raise CommissimError(f"cannot read {path}: {e}", file=path, fix="rerun the command that wrote the folder") from None


def _manifest(folder: str) -> dict:
    path = os.path.join(folder, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise CommissimError(f"cannot read {path}: {e}", file=path, fix="rerun the command that wrote the folder") from None


def _threads(threads: Optional[int]) -> list:
    threads = optional_whole_number("threads", threads, 1)
    return ["--threads", str(threads)] if threads is not None else []


def _check_parquet(parquet: bool, out: Optional[PathLike]) -> None:
    """Before running: Parquet copies need a kept folder and pyarrow."""
    if not parquet:
        return
    if out is None:
        raise CommissimError("parquet=True writes Parquet files beside the CSV files of out", key="parquet", fix="give out=FOLDER too")
    from .parquet import require_pyarrow  # noqa: PLC0415
    require_pyarrow()


def _write_parquet(parquet: bool, folder: str) -> None:
    if parquet:
        from .parquet import to_parquet  # noqa: PLC0415
        to_parquet(folder)


def run(scenario: PathLike, *, seed: Optional[int] = None, set: Optional[Mapping[str, object]] = None,
        detail: bool = False, out: Optional[PathLike] = None, parquet: bool = False, quiet: bool = False) -> RunResult:
    """``commissim run``: one run of `scenario` (a .toml path), with parameter overrides `set`
    ({"simulation.scale": 0.1, ...}); ``detail`` adds the per-council and per-provider tables."""
    _check_parquet(parquet, out)
    seed = optional_whole_number("seed", seed, 0, MAX_SEED)
    with _output(out) as folder:
        args = ["run", path_argument("scenario", scenario), "--out", folder, *set_args("--set", set)]
        if seed is not None:
            args += ["--seed", str(seed)]
        if detail:
            args.append("--detail")
        if quiet:
            args.append("--quiet")
        call(args, quiet=quiet)
        _write_parquet(parquet, folder)
        return RunResult(timeseries=_read(folder, "timeseries.csv"), manifest=_manifest(folder),
                         councils=_read(folder, "councils.csv", required=False),
                         providers=_read(folder, "providers.csv", required=False),
                         folder=None if out is None else folder)


def _study_text(scenario: PathLike, *, vary: Optional[Mapping[str, Sequence]], design: str, points: Optional[int],
                points_file: Optional[str], replications: int, seed: Optional[int], set: Optional[Mapping[str, object]],
                metrics: Optional[Sequence[str]] = None, contrast: Optional[Mapping[str, Sequence]] = None) -> str:
    replications = whole_number("replications", replications, 1)
    seed, points = optional_whole_number("seed", seed, 0, MAX_SEED), optional_whole_number("points", points, 1)
    set, vary = mapping_argument("set", set), mapping_argument("vary", vary, '{"policy.contract_months": [36, 120]}')
    contrast = mapping_argument("contrast", contrast, '{"policy.contract_months": [36, 120]}')
    metrics = names_argument("metrics", metrics)
    lines = ["[study]", f"scenario = {toml_value(str(Path(path_argument('scenario', scenario)).resolve()))}", f"replications = {replications}",
             f"design = {toml_value(design)}"]
    if seed is not None:
        lines.append(f"seed = {seed}")
    if points is not None:
        lines.append(f"points = {points}")
    if points_file is not None:
        lines.append(f"points_file = {toml_value(points_file)}")
    if set:
        lines.append(f"set = {toml_value(dict(set))}")
    if metrics:
        lines.append(f"metrics = {toml_value(list(metrics))}")
    if vary:
        lines += ["", "[vary]"] + [f"{toml_value(str(k))} = {toml_value(v)}" for k, v in vary.items()]
    if contrast:
        lines += ["", "[contrast]"] + [f"{toml_value(str(k))} = {toml_value(list(v))}" for k, v in contrast.items()]
    return "\n".join(lines) + "\n"


def _as_arguments(error: CommissimError, study: str, points_file: Optional[str]) -> CommissimError:
    """`error` with the problems found in the study and design files ``sweep`` wrote for its
    caller told in terms of the call's own arguments (`replications`, `vary`, design row i),
    not of temporary files that are gone once it returns."""
    def told(e: CommissimError) -> CommissimError:
        if e.file == study:
            key = e.key[len("study."):] if e.key and e.key.startswith("study.") else e.key
            return CommissimError(e.message, key=key, fix=e.fix, returncode=e.returncode)
        if points_file is not None and e.file == points_file:
            where = f"design row {e.line - 2}: " if e.line is not None and e.line >= 2 else "design: "
            return CommissimError(where + e.message, key=e.key, fix=e.fix, returncode=e.returncode)
        return e
    errors = [told(e) for e in error.errors]
    first = errors[0]
    return CommissimError(first.message, file=first.file, line=first.line, key=first.key, fix=first.fix,
                          returncode=error.returncode, errors=errors, stderr=error.stderr)


def sweep(scenario: PathLike, *, vary: Optional[Mapping[str, Sequence]] = None, design: Union[str, pd.DataFrame] = "grid",
          points: Optional[int] = None, replications: int = 10, seed: Optional[int] = None,
          set: Optional[Mapping[str, object]] = None, metrics: Optional[Sequence[str]] = None,
          contrast: Optional[Mapping[str, Sequence]] = None, out: Optional[PathLike] = None,
          threads: Optional[int] = None, fresh: bool = False, parquet: bool = False, quiet: bool = False) -> SweepResult:
    """``commissim sweep``: every point of a design × `replications`, on all cores, with common
    random numbers (replication r has the same seed at every point), resumable when `out` is
    given. `design` is "grid" (every combination of `vary`'s lists), "lhs", "sobol" or "halton"
    (`points` points within `vary`'s [low, high] bounds), or a DataFrame of explicit points (one
    column per parameter path, one row per point: any sampler's design). `metrics` keeps
    summary and runs to the metrics named (default: every metric). `contrast` ({path: [A, B]})
    makes the binary write contrasts.csv (``SweepResult.contrasts``)."""
    _check_parquet(parquet, out)
    with _output(out) as folder, tempfile.TemporaryDirectory(prefix="commissim-study-") as tmp:
        points_file = None
        if isinstance(design, pd.DataFrame):
            if vary:
                raise CommissimError("an explicit design takes its parameters from its columns", key="vary", fix="leave out vary")
            if design.empty:
                raise CommissimError("the design has no points", key="design", fix="give a DataFrame with one row per point and one column per parameter")
            points_file = os.path.join(tmp, "design.csv")
            design = design.apply(lambda col: col.map(_list_cell) if col.dtype == object else col)
            design.to_csv(points_file, index=False)
            design_name = "file"
        else:
            design_name = design
        study = os.path.join(tmp, "study.toml")
        with open(study, "w", encoding="utf-8") as f:
            f.write(_study_text(scenario, vary=vary, design=design_name, points=points, points_file=points_file,
                                replications=replications, seed=seed, set=set, metrics=metrics, contrast=contrast))
        args = ["sweep", study, "--out", folder, *_threads(threads)]
        if fresh:
            args.append("--fresh")
        if quiet:
            args.append("--quiet")
        try:
            call(args, quiet=quiet)
        except CommissimError as e:
            raise _as_arguments(e, study, points_file) from None
        _write_parquet(parquet, folder)
        pts = _read(folder, "points.csv")
        summary = _read(folder, "summary.csv").merge(pts, on="point", how="left")
        return SweepResult(summary=summary, runs=_read(folder, "runs.csv"), points=pts, manifest=_manifest(folder),
                           folder=None if out is None else folder, contrasts=_read(folder, "contrasts.csv", required=False))


def compare(a: PathLike, b: Optional[PathLike] = None, *, replications: Optional[int] = None, seed: Optional[int] = None,
            set: Optional[Mapping[str, object]] = None, set_a: Optional[Mapping[str, object]] = None,
            set_b: Optional[Mapping[str, object]] = None, out: Optional[PathLike] = None, threads: Optional[int] = None,
            by: Optional[str] = None, label_a: Optional[str] = None, label_b: Optional[str] = None,
            parquet: bool = False, quiet: bool = False) -> ComparisonResult:
    """``commissim compare``: paired replications of scenario `a` against `b` (replication r of
    both arms shares its seed). `set` overrides both arms, `set_a`/`set_b` one each. Given a
    comparison study file and no `b`, returns a dict of name → ComparisonResult. `by="group"`
    (or `"council"`) adds ``groups``: the paired differences per council group and England (and
    per council), computed by the binary (``compare --by``). `label_a`/`label_b` name the arms in
    the summary, the manifest and reports (default: the scenario files' names)."""
    _check_parquet(parquet, out)
    replications = optional_whole_number("replications", replications, 2)
    seed = optional_whole_number("seed", seed, 0, MAX_SEED)
    with _output(out) as folder:
        args = ["compare", path_argument("a", a)] + ([path_argument("b", b)] if b is not None else [])
        args += ["--out", folder, *set_args("--set", set), *set_args("--set-a", set_a), *set_args("--set-b", set_b), *_threads(threads)]
        if replications is not None:
            args += ["--replications", str(replications)]
        if seed is not None:
            args += ["--seed", str(seed)]
        if by is not None:
            args += ["--by", str(by)]
        for flag, label in (("--label-a", label_a), ("--label-b", label_b)):
            if label is not None:
                args += [flag, str(label)]
        if quiet:
            args.append("--quiet")
        call(args, quiet=quiet)
        _write_parquet(parquet, folder)

        def load(f: str) -> ComparisonResult:
            return ComparisonResult(differences=_read(f, "comparison.csv"), runs=_read(f, "runs.csv"),
                                    monthly=_read(f, "comparison_monthly.csv", required=False), manifest=_manifest(f),
                                    folder=None if out is None else f, groups=_read(f, "comparison_groups.csv", required=False))

        if b is None and not os.path.exists(os.path.join(folder, "comparison.csv")):
            return {d: load(os.path.join(folder, d)) for d in sorted(os.listdir(folder))
                    if os.path.exists(os.path.join(folder, d, "comparison.csv"))}
        return load(folder)


def validate(path: PathLike, *, set: Optional[Mapping[str, object]] = None) -> None:
    """``commissim validate``: raises CommissimError (every problem in ``.errors``) unless `path`
    (a scenario, sweep, comparison-study or calibration file) is valid, with the overrides `set`
    applied to a scenario or a sweep as ``run`` and ``sweep`` apply them."""
    call(["validate", path_argument("path", path), *set_args("--set", set)], quiet=True, capture=True)


def params(groups: bool = False) -> pd.DataFrame:
    """Every scenario parameter: name, path, type, default, min, max, choices, unit, summary. With
    `groups`, the parameters of one council or provider group instead, named
    ``councils[NAME].…`` and ``providers[NAME].…`` (NAME: a group's name in the scenario)."""
    return pd.DataFrame(json.loads(call(["params", "--json"] + (["--groups"] if groups else []), quiet=True, capture=True)))
