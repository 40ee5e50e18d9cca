"""`commissim report DIR`: a report for any result folder — a run, a sweep, a comparison or a
comparison study — as REPORT.md with its figures and one self-contained report.html.

Arm names come from the folder's manifest (`label_a`/`label_b`: the study's or the command's
labels, else the scenario files' names), never from assumptions; the plain-words summary leads
with children, then councils, the public purse and the market (the catalogue's `concern`), names
the arms and says which outcomes do not differ; relative differences carry Fieller's interval of
the ratio of means, and absolute differences are given where the base is a small count.

    from commissim.report import report
    report("results/3v10")                      # writes results/3v10/REPORT.md and report.html
    python -m commissim.report results/3v10 --metrics outcome_mean,spend
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import math
import os
import shlex
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .._cli import CommissimError, names_argument, path_argument
from .._files import folder_locked, identity
from ..api import _manifest, _read as _csv, paired_runs
from . import figures
from .catalogue import END_MONTHS, Catalogue, Metric, catalogue, end_window, fmt_value, months_words
from .document import Document
from .effects import Effect, plain_words

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore

__all__ = ["report", "Report", "Section", "ComparisonFolder", "kind_of"]


@dataclass
class Section:
    """Extra text a caller adds to a report (the headline study's robustness and limits):
    a heading and Markdown lines, placed before the figures."""
    heading: str
    lines: List[str]


@dataclass
class Report:
    kind: str
    markdown: str
    html: str
    paths: List[str] = field(default_factory=list)


# --- reading a result folder ---------------------------------------------------------------------

def _scenario(folder: str, name: str) -> dict:
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def _study_folders(folder: str) -> List[str]:
    subs = []
    for d in sorted(os.listdir(folder)):
        p = os.path.join(folder, d)
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "comparison.csv")) and os.path.exists(os.path.join(p, "manifest.json")):
            subs.append(p)
    return subs


def kind_of(folder: str) -> str:
    """"comparison", "sweep", "run" or "study" from the files the folder holds."""
    if not os.path.isdir(folder):
        raise CommissimError(f"{folder} is not a folder", file=folder, fix="give the --out folder of `commissim run`, `sweep` or `compare`")
    has = lambda n: os.path.exists(os.path.join(folder, n))  # noqa: E731
    if has("comparison.csv"):
        return "comparison"
    if has("summary.csv") and has("points.csv"):
        return "sweep"
    if has("timeseries.csv"):
        return "run"
    if _study_folders(folder):
        return "study"
    if has(".partial"):
        raise CommissimError(f"{folder} holds an unfinished run", file=folder, fix="run the same command again to finish it (it resumes)")
    if has("fit.csv") and has("FIT.md"):  # `commissim calibrate` writes its own report
        raise CommissimError(f"{folder} holds a calibration, whose report is its FIT.md (with convergence.png)", file=folder,
                             fix="read FIT.md there; `commissim report` draws runs, sweeps and comparisons")
    raise CommissimError(f"{folder} holds no commissim results", file=folder,
                         fix="give the --out folder of `commissim run`, `sweep` or `compare` (a comparison or a comparison study)")


def _windowed(metrics: Sequence[Metric], months: int) -> List[Metric]:
    """`metrics` whose "end" levels are means over ``end_window(months)`` months, as the binary
    takes them: a run shorter than a year is not labelled "the last 12 months"."""
    return [dataclasses.replace(m, window=end_window(months)) for m in metrics]


def _level_words(metrics: Sequence[Metric]) -> str:
    return f"means of its last {months_words(metrics[0].window if metrics else END_MONTHS)}"


def _months(sim: dict) -> int:
    return int(sim.get("months", 240))


def _simulation_words(sim: dict) -> str:
    scale, months = float(sim.get("scale", 1.0)), _months(sim)
    size = "England scale" if scale == 1 else f"{100 * scale:g}% of England's scale"
    burn = int(sim.get("burn_in_months", 0))
    years = f"{months / 12:g} years" if months % 12 == 0 else f"{months} months"
    return f"{size}, {years}" + (f" after a {burn / 12:g}-year burn-in" if burn else "")


def _command(manifest: dict) -> str:
    cmd = manifest.get("command") or []
    if cmd:
        cmd = ["commissim"] + list(cmd[1:])
    return shlex.join(cmd)


def _overrides(values: Sequence[str]) -> str:
    return ", ".join(f"`{v.replace('=', ' = ', 1)}`" for v in values)


# --- comparisons ---------------------------------------------------------------------------------

@dataclass
class ComparisonFolder:
    """One comparison's folder as the report reads it: comparison.csv indexed by (metric,
    measure), the monthly rows, the manifest, its name, title and arm labels, the simulation."""
    folder: str
    manifest: dict
    rows: pd.DataFrame
    monthly: Optional[pd.DataFrame]
    name: str
    title: str
    label_a: str
    label_b: str
    sim: dict

    @classmethod
    def load(cls, folder: str) -> "ComparisonFolder":
        m = _manifest(folder)
        rows = _csv(folder, "comparison.csv").set_index(["metric", "measure"])
        stem = lambda p: os.path.splitext(os.path.basename(p or "?"))[0]  # noqa: E731
        label_a = m.get("label_a") or stem(m.get("scenario_file"))
        label_b = m.get("label_b") or stem(m.get("scenario_b_file"))
        name = m.get("comparison") or os.path.basename(os.path.normpath(folder))
        title = m.get("comparison_title") or f"{label_b} against {label_a}"
        sim = _scenario(folder, "a.resolved.toml").get("simulation", {})
        return cls(folder, m, rows, _csv(folder, "comparison_monthly.csv", required=False), name, title, label_a, label_b, sim)

    def effect(self, metric: Metric) -> Optional[Effect]:
        key = (metric.name, metric.measure)
        if key not in self.rows.index:
            return None
        return Effect.from_row(metric, self.rows.loc[key])

    def effects(self, metrics: Sequence[Metric]) -> List[Effect]:
        return [e for e in (self.effect(m) for m in metrics) if e is not None]

    def arm(self, key: str) -> str:
        m = self.manifest
        file = m.get("scenario_file") if key == "a" else m.get("scenario_b_file")
        own = m.get("overrides_a" if key == "a" else "overrides_b") or []
        label = self.label_a if key == "a" else self.label_b
        where = f"`{file}`" if file else "?"
        return f"**{label}** = {where}" + (f" with {_overrides(own)}" if own else "")

    def monthly_of(self, metric: str) -> Optional[pd.DataFrame]:
        if self.monthly is None:
            return None
        rows = self.monthly[self.monthly["metric"] == metric]
        return rows if len(rows) else None


def _groups_section(doc: Document, c: "ComparisonFolder", cat: Catalogue, level: int) -> None:
    """With `compare --by group|council`: the paired effects for each council group and England
    (comparison_groups.csv), the measures of GROUP_SHOWN, with plain words per group."""
    from .catalogue import GROUP_SHOWN  # noqa: PLC0415

    groups = _csv(c.folder, "comparison_groups.csv", required=False)
    if groups is None or not len(groups):
        return
    groups = groups[groups["level"].isin(["group", "england"])]
    doc.heading("By council group", level)
    doc.para("From `comparison_groups.csv` (`compare --by`): each group's councils together, and England; "
             "every measure and each council are in the file (`commissim columns --groups` says what each means).")
    rows = []
    for name, g in groups.groupby("group", sort=False):
        by = g.set_index("metric")
        effects = [Effect.from_row(cat.groups[m], by.loc[m]) for m in GROUP_SHOWN if m in by.index and m in cat.groups]
        doc.summary(f"**{name}.** " + plain_words(effects, c.label_a, c.label_b, ["other"]))
        rows += [[name, f"{e.metric.label} ({e.metric.measure_words})", fmt_value(e.mean_a, e.metric.unit), fmt_value(e.mean_b, e.metric.unit),
                  e.text(), e.verdict] for e in effects]
    doc.table(["group", "measure", c.label_a, c.label_b, f"{c.label_b} − {c.label_a} (95% CI)", "verdict"], rows)


def _effects_table(doc: Document, effects: Sequence[Effect], label_a: str, label_b: str) -> None:
    doc.table(["for", "measure", label_a, label_b, f"{label_b} − {label_a} (95% CI)", "verdict"],
              [[e.metric.concern, f"{e.metric.label} ({e.metric.measure_words})", fmt_value(e.mean_a, e.metric.measured_unit),
                fmt_value(e.mean_b, e.metric.measured_unit), e.text(), e.verdict] for e in effects])


CI_NOTE = ("Paired differences with common random numbers (replication *r* of both arms shares its seed); 95% intervals: "
           "a t interval for the difference, Fieller's interval for the ratio of means (the relative difference), which stops at "
           "−100% for what cannot be negative. Where the base is a small count, or the ratio's interval is unbounded, the absolute "
           "difference is given too. \"No clear difference\": the interval includes zero.")


def _comparison_report(folder: str, out: str, cat: Catalogue, metrics: List[Metric], title: Optional[str], sections) -> Document:
    c = ComparisonFolder.load(folder)
    metrics = _windowed(metrics, _months(c.sim))
    doc = Document(title or c.title)
    m = c.manifest
    doc.heading("What was run")
    doc.bullets([
        f"Command: `{_command(m)}`; commissim {m.get('version', '?')} (build {m.get('build', '?')}).",
        f"A = {c.arm('a')}; B = {c.arm('b')}.",
        f"{m.get('replications', '?')} paired replications, {_simulation_words(c.sim)}; seed {m.get('seed', '?')}, GSL {m.get('generator', '?')}.",
        f"Reproduce: `{m.get('reproduce', '')}`.",
        "Every metric: `comparison.csv`; by month: `comparison_monthly.csv`; every run: `runs.csv`; seeds and scenarios: `manifest.json`.",
    ])
    effects = c.effects(metrics)
    doc.heading("In plain words")
    doc.summary(plain_words(effects, c.label_a, c.label_b, cat.concerns))
    doc.heading("The measures")
    doc.para(f"Totals are over the reported run; levels are {_level_words(metrics)}. " + CI_NOTE)
    _effects_table(doc, effects, c.label_a, c.label_b)
    _groups_section(doc, c, cat, 3)
    _add_sections(doc, sections)
    _comparison_pictures(doc, out, [(c, effects)], metrics, f"{c.label_b} minus {c.label_a}, % of {c.label_a}, 95% CI")
    return doc


def _add_sections(doc: Document, sections: Sequence[Section]) -> None:
    for s in sections:
        doc.heading(s.heading)
        doc.lines += list(s.lines) + [""]


def _comparison_pictures(doc: Document, out: str, compared: Sequence[Tuple["ComparisonFolder", List[Effect]]], metrics: Sequence[Metric],
                         xlabel: str) -> None:
    """The relative paired differences of every comparison in one bar chart, then each metric's
    monthly series with a row of panels per comparison."""
    figs = _figure_folder(out)
    doc.heading("Pictures")
    if figures.paired_bars(os.path.join(figs, "paired_differences.png"), [(c.title, es) for c, es in compared], xlabel):
        doc.figure("figures/paired_differences.png", "paired differences")
    for metric in metrics:
        panels = [(c.title, c.monthly_of(metric.name), c.label_a, c.label_b) for c, _ in compared]
        if figures.comparison_series(os.path.join(figs, f"{metric.name}.png"), metric, panels):
            doc.figure(f"figures/{metric.name}.png", metric.label)


def _figure_folder(out: str) -> str:
    """The figures/ folder of the report being staged in `out` (see ``report``)."""
    figs = os.path.join(out, "figures")
    os.makedirs(figs, exist_ok=True)
    return figs


def _study_report(folder: str, out: str, cat: Catalogue, metrics: List[Metric], title: Optional[str], sections) -> Document:
    comps = [ComparisonFolder.load(f) for f in _study_folders(folder)]
    prints = {c.manifest.get("study_fingerprint") for c in comps}
    if len(prints) != 1 or None in prints:
        raise CommissimError(f"the comparisons under {folder} come from different runs or versions of a study", file=folder,
                             fix="run the study again (`commissim compare STUDY --out FOLDER`)")
    comps.sort(key=lambda c: c.manifest.get("comparison_index", 0))
    first = comps[0].manifest
    expected = first.get("comparisons")
    if expected is not None and expected != len(comps):
        have = {c.manifest.get("comparison_index") for c in comps}
        raise CommissimError(f"{folder} holds {len(comps)} of the study's {expected} comparisons", file=folder,
                             fix=f"run `commissim compare {first.get('study_file', 'STUDY')} --out {folder}` to finish it"
                                 + (f" (missing: number {', '.join(str(i + 1) for i in range(expected) if i not in have)})" if have else ""))
    doc = Document(title or first.get("study_title") or "Comparison study")
    doc.heading("What was run")
    study_file = first.get("study_file", "")
    doc.bullets([
        f"Study file: `{study_file}`, run with `{_command(first)}`; commissim {first.get('version', '?')} (build {first.get('build', '?')}).",
        f"{first.get('replications', '?')} paired replications per comparison, {_simulation_words(comps[0].sim)}; "
        f"replication *r* of both arms uses the same seed (common random numbers), derived from seed {first.get('seed', '?')}; GSL {first.get('generator', '?')}.",
    ] + [f"**{c.title}** (`{c.name}/`): A = {c.arm('a')}; B = {c.arm('b')}." for c in comps] + [
        "Each folder holds `comparison.csv` (every metric), `comparison_monthly.csv` (by month), `runs.csv`, the resolved scenarios and "
        "`manifest.json` (command, seeds, scenario texts, the study's fingerprint).",
    ])
    metrics = _windowed(metrics, min(_months(c.sim) for c in comps))
    all_effects = {c.name: c.effects(metrics) for c in comps}
    doc.heading("In plain words")
    for c in comps:
        doc.summary(f"**{c.title}.** " + plain_words(all_effects[c.name], c.label_a, c.label_b, cat.concerns))
    doc.heading("Across the comparisons")
    doc.para("B − A as a % of A with 95% intervals (· = the interval includes zero). " + CI_NOTE)
    header = ["measure"] + [f"{c.title} ({c.label_b} − {c.label_a})" for c in comps]
    rows = []
    for metric in metrics:
        cells = [f"{metric.label} ({metric.measure_words})"]
        for c in comps:
            e = c.effect(metric)
            cells.append("–" if e is None else e.text() + ("" if e.clear else " ·"))
        rows.append(cells)
    doc.table(header, rows)
    for c in comps:
        doc.heading(c.title, 3)
        _effects_table(doc, all_effects[c.name], c.label_a, c.label_b)
        _groups_section(doc, c, cat, 4)
    _add_sections(doc, sections)
    _comparison_pictures(doc, out, [(c, all_effects[c.name]) for c in comps], metrics, "B minus A, % of A, 95% CI")
    return doc


# --- runs ----------------------------------------------------------------------------------------

def _run_report(folder: str, out: str, cat: Catalogue, metrics: List[Metric], title: Optional[str], sections) -> Document:
    m = _manifest(folder)
    ts = _csv(folder, "timeseries.csv")
    sim = _scenario(folder, "scenario.resolved.toml").get("simulation", {})
    doc = Document(title or f"Run of {os.path.basename(m.get('scenario_file', 'a scenario'))}")
    doc.heading("What was run")
    doc.bullets([
        f"Command: `{_command(m)}`; commissim {m.get('version', '?')} (build {m.get('build', '?')}).",
        f"Scenario `{m.get('scenario_file', '?')}`, {_simulation_words(sim)}; seed {m.get('seed', '?')}, GSL {m.get('generator', '?')}.",
        f"Reproduce: `{m.get('reproduce', '')}`. Every column: `timeseries.csv` (`commissim columns` says what each means).",
    ])
    n = end_window(len(ts))  # a year, or the whole of a shorter run
    last = ts[ts["month"] > ts["month"].max() - n]
    first = ts[ts["month"] <= ts["month"].min() + n - 1]
    span = "year" if n == END_MONTHS else months_words(n)
    rows = []
    for metric in metrics:
        if metric.name not in ts:
            continue
        unit = metric.unit
        total = fmt_value(float(ts[metric.name].sum()), metric.measured_unit if metric.measure == "total" else unit) if metric.measure == "total" else "–"
        rows.append([metric.concern, metric.label, fmt_value(float(first[metric.name].mean()), unit), fmt_value(float(last[metric.name].mean()), unit), total])
    doc.heading("The measures")
    doc.para("One run (one seed): no intervals. For the spread from chance, run replications (`commissim sweep`) or compare (`commissim compare`).")
    doc.table(["for", "measure", f"first {span}, monthly mean", f"last {span}, monthly mean", "total over the run"], rows)
    _add_sections(doc, sections)
    figs = _figure_folder(out)
    doc.heading("Pictures")
    if figures.run_series(os.path.join(figs, "series.png"), metrics, ts):
        doc.figure("figures/series.png", "monthly series")
    return doc


# --- sweeps --------------------------------------------------------------------------------------

def _interval(values: np.ndarray) -> Tuple[float, float, float]:
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    from scipy import stats  # noqa: PLC0415

    half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def _value(v) -> str:
    if isinstance(v, str) and v == "":
        return "none"  # a list parameter with no entries (no strategy)
    return f"{v:g}" if isinstance(v, (int, float, np.integer, np.floating)) else str(v)


def _sweep_report(folder: str, out: str, cat: Catalogue, metrics: List[Metric], title: Optional[str], sections) -> Document:
    m = _manifest(folder)
    points = _csv(folder, "points.csv")
    runs = _csv(folder, "runs.csv")
    params = [c for c in points.columns if c != "point"]
    study = _scenario(folder, "study.toml")
    contrast = study.get("contrast") or {}
    sim = _scenario(folder, "scenario.resolved.toml").get("simulation", {})
    shortest = int(points["simulation.months"].min()) if "simulation.months" in points else _months(sim)
    metrics = _windowed([x for x in metrics if f"{x.name}_{x.measure}" in runs], shortest)
    if not metrics:
        raise CommissimError("none of the metrics asked for is in runs.csv", file=os.path.join(folder, "runs.csv"),
                             fix="name metrics the sweep kept (its [study] metrics)")
    reps = int(m.get("replications", runs["replication"].nunique()))
    doc = Document(title or f"Sweep of {os.path.basename(m.get('scenario_file', 'a scenario'))} over {', '.join(params)}")
    doc.heading("What was run")
    doc.bullets([
        f"Command: `{_command(m)}`; commissim {m.get('version', '?')} (build {m.get('build', '?')}).",
        f"Scenario `{m.get('scenario_file', '?')}`, {_simulation_words(sim)}; design `{m.get('design', '?')}`: {len(points)} points × {reps} "
        f"replications; replication *r* has the same seed at every point (common random numbers), derived from seed {m.get('seed', '?')}.",
        "Varied: " + ", ".join(f"`{p}` ({', '.join(_value(v) for v in sorted(points[p].unique())[:8])}{', …' if points[p].nunique() > 8 else ''})" for p in params) + ".",
        "Every run: `runs.csv`; per point and month: `summary.csv`; the points: `points.csv`.",
    ])
    per_point = []
    for pid, g in runs.groupby("point"):
        row = {"point": pid, **{p: g[p].iloc[0] for p in params}}
        for x in metrics:
            row[x.name], row[x.name + "_low"], row[x.name + "_high"] = _interval(g[f"{x.name}_{x.measure}"].to_numpy(dtype=float))
        per_point.append(row)
    table = pd.DataFrame(per_point)
    if reps < 2:
        doc.para("One replication per point: the intervals are empty. Run more replications for the spread from chance.")
    if contrast:
        _contrast_sections(doc, cat, metrics, runs, params, contrast)
    doc.heading("By point")
    shown = metrics if len(metrics) <= 6 else metrics[:6]
    doc.para("Mean over replications with its 95% interval" + ("" if shown is metrics else f" (the first {len(shown)} measures; every one is in `runs.csv`)") + ".")
    if len(table) <= 60:
        doc.table(params + [f"{x.label} ({x.measure_words})" for x in shown],
                  [[_value(r[p]) for p in params] + [_mean_ci(r, x) for x in shown] for _, r in table.iterrows()])
    else:
        doc.para(f"{len(table)} points: too many to list; see the figure and `runs.csv`.")
    _add_sections(doc, sections)
    figs = _figure_folder(out)
    doc.heading("Pictures")
    numeric = [p for p in params if pd.api.types.is_numeric_dtype(points[p]) and points[p].nunique() > 1]
    contrast_param = next(iter(contrast), None)
    x = next((p for p in numeric if p != contrast_param), numeric[0] if numeric else None)
    if x is not None:
        others = [p for p in params if p != x and points[p].nunique() > 1]
        series = others[0] if len(others) == 1 and points[others[0]].nunique() <= 8 else None
        if figures.sweep_effects(os.path.join(figs, "by_point.png"), metrics, table, x, series):
            doc.figure("figures/by_point.png", f"measures against {x}")
            if len(others) > (1 if series else 0):
                doc.para(f"Other varied parameters ({', '.join(o for o in others if o != series)}) differ between the points shown at each `{x}`.")
    return doc


def _mean_ci(row, x: Metric) -> str:
    unit = x.measured_unit
    text = fmt_value(row[x.name], unit)
    if row[x.name + "_low"] == row[x.name + "_low"]:
        text += f" ({fmt_value(row[x.name + '_low'], unit)} to {fmt_value(row[x.name + '_high'], unit)})"
    return text


def _contrast_sections(doc: Document, cat: Catalogue, metrics: List[Metric], runs: pd.DataFrame, params: List[str], contrast: dict) -> None:
    (by, (a, b)), = contrast.items()
    label_a, label_b = f"{by} = {_value(a)}", f"{by} = {_value(b)}"
    within = [p for p in params if p != by]
    doc.heading(f"Contrast: {label_b} against {label_a}")
    doc.para(f"Paired by replication (common random numbers) at every combination of the other varied parameters. {CI_NOTE}")
    columns, effects_by = [], []
    for key, ga, gb in paired_runs(runs, by, a, b, within):
        name = ", ".join(f"{p} = {_value(v)}" for p, v in zip(within, key)) or "all points"
        es = [Effect.from_pairs(x, ga[f"{x.name}_{x.measure}"].to_numpy(float), gb[f"{x.name}_{x.measure}"].to_numpy(float)) for x in metrics]
        columns.append(name)
        effects_by.append(es)
    if len(columns) <= 8:
        for name, es in zip(columns, effects_by):
            doc.summary(f"**At {name}.** " + plain_words(es, label_a, label_b, cat.concerns))
    doc.table(["measure"] + columns,
              [[f"{x.label} ({x.measure_words})"] + [es[i].text() + ("" if es[i].clear else " ·") for es in effects_by] for i, x in enumerate(metrics)])


# --- the entry point -----------------------------------------------------------------------------

BUILDERS = {"comparison": _comparison_report, "study": _study_report, "run": _run_report, "sweep": _sweep_report}


def _remove_stale_stages(out: str) -> None:
    """Removes the staged reports (`.report-PID-…`) of report processes that are gone (killed
    with SIGKILL, or the machine stopped), as OutputFolder.swift removes a run's staging folders."""
    for name in os.listdir(out):
        parts = name.split("-")
        if not (name.startswith(".report-") and len(parts) >= 3 and parts[1].isdigit()):
            continue
        pid = int(parts[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        except (PermissionError, OverflowError):
            pass  # another user's process, still running


def _move_report(stage: str, out: str) -> List[str]:
    """Moves the report staged in `stage` into `out` (renames within one disk: nothing is copied),
    replacing the PNG files of an earlier report's figures/ (so none is stale). Returns the paths
    of REPORT.md and report.html."""
    figs, staged = os.path.join(out, "figures"), os.path.join(stage, "figures")
    new = sorted(f for f in os.listdir(staged) if f.endswith(".png")) if os.path.isdir(staged) else []
    try:
        if new or os.path.isdir(figs):
            os.makedirs(figs, exist_ok=True)
            for f in os.listdir(figs):
                if f.endswith(".png") and f not in new:
                    os.remove(os.path.join(figs, f))
        for f in new:
            os.replace(os.path.join(staged, f), os.path.join(figs, f))
        paths = []
        for name in ("REPORT.md", "report.html"):
            os.replace(os.path.join(stage, name), os.path.join(out, name))
            paths.append(os.path.join(out, name))
    except OSError as e:
        raise CommissimError(f"cannot move the report into {out}: {e.strerror or e}", file=e.filename or out, key="--out",
                             fix="choose a folder you can write (--out)") from None
    return paths


def report(folder, out=None, *, metrics: Optional[Sequence[str]] = None, title: Optional[str] = None,
           sections: Sequence[Section] = (), preface: Sequence[str] = ()) -> Report:
    """Writes REPORT.md, report.html and figures/ for the result `folder` (into `out`, default the
    folder itself) and returns them. `metrics`: the metric names to show (default the headline
    metrics of `commissim columns --json`); `sections`: extra text before the figures; `preface`:
    Markdown lines under the title."""
    folder = path_argument("folder", folder)
    if title is not None and (not isinstance(title, str) or not 0 < len(title) <= 200
                              or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in title)):
        # A line break would end the Markdown heading and spill the rest into the text.
        raise CommissimError(f"title {title!r} is not one line of 1 to 200 characters", file=folder, key="title",
                             fix="give a one-line title, or leave it out for the study's own")
    guard = _ResultsGuard(folder)
    try:
        return _report(folder, out, metrics=metrics, title=title, sections=sections, preface=preface, guard=guard)
    finally:
        guard.close()


class _ResultsGuard:
    """Keeps a report to the results it was drawn from. It holds the lock a sweep, comparison or
    calibration holds while it writes the folder (`_hold_results`), and notes which results the
    folder holds when the report starts: the folder itself and its manifest.json, which every
    command moves in anew. Before the report moves its files in (`moving_in`) it takes the lock
    every command takes on the folder to move its results in (OutputFolder.swift, FolderLock) and
    checks the results are still those: a run finishing into the folder while the report was drawn
    left the report of the earlier run beside the new results."""

    def __init__(self, folder: str):
        self.folder = folder
        self.partial = _hold_results(folder)
        self.start = self.results()

    def results(self):
        return identity(self.folder, whole=False), identity(os.path.join(self.folder, "manifest.json"))

    def replaced(self) -> bool:
        """Whether other results have been moved into the folder since the report began."""
        return self.results() != self.start

    def replaced_error(self) -> CommissimError:
        return CommissimError(f"the results in {self.folder} were replaced while the report was drawn", file=self.folder,
                              fix="make the report again: it describes the results as they are now")

    @contextlib.contextmanager
    def moving_in(self):
        if self.partial is None:  # a command that began writing the folder since: its results are not these
            self.partial = _hold_results(self.folder)
        with folder_locked(self.folder):
            if self.replaced():
                raise self.replaced_error()
            yield

    def close(self):
        if self.partial is not None:
            os.close(self.partial)
            self.partial = None


def _hold_results(folder: str) -> Optional[int]:
    """Takes the lock a sweep, comparison or calibration holds on `folder/.partial/lock` while it
    writes the folder (Study/PartialState.swift), so no report is made from results being
    replaced, nor moved in beside new ones. Returns its descriptor (None where the folder has no
    lock file: no such command has written it unfinished); refused while a command holds it."""
    path = os.path.join(folder, ".partial", "lock")
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise CommissimError(f"another commissim process is writing {folder}", file=folder,
                             fix="wait for it to finish (or stop it), then make the report") from None
    return fd


def _report(folder: str, out, *, metrics, title, sections, preface, guard: _ResultsGuard) -> Report:
    kind = kind_of(folder)
    cat = catalogue()
    try:
        chosen = cat.chosen(names_argument("metrics", metrics))
    except CommissimError as e:  # named against the folder reported on, as every other error is
        e.file = e.file or folder
        raise
    out = os.fspath(out) if out is not None else folder
    if not out.strip():
        raise CommissimError("the report's folder (--out) is empty", key="--out", fix="give a folder, or leave --out out to write into the result folder")
    made = not os.path.isdir(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise CommissimError(f"cannot create {out}: {e.strerror}", file=out, key="--out", fix="choose a folder you can write") from None
    # The report is drawn and written in a folder of its own beside `out` and moved in whole once
    # every file is written: a full disk, a bad result folder or an interruption leaves the earlier
    # report as it was (or none, and no folder this call made), never half of a new one.
    stage = None
    try:
        try:
            _remove_stale_stages(out)
            stage = tempfile.mkdtemp(prefix=f".report-{os.getpid()}-", dir=out)
            doc = BUILDERS[kind](folder, stage, cat, chosen, title, list(sections))
            doc.lines[2:2] = list(preface) + ([""] if preface else [])
            md = doc.markdown()
            page = doc.html(stage)
            for name, text in (("REPORT.md", md), ("report.html", page)):
                with open(os.path.join(stage, name), "w", encoding="utf-8") as f:
                    f.write(text)
        except CommissimError:
            raise
        except OSError as e:
            if guard.replaced():  # the folder (and the staged report in it) went from under the report
                raise guard.replaced_error() from None
            # A full disk or a missing permission while the report is drawn: one line, not a traceback.
            # Named as the file it was to become in `out`, not as the staged one (gone by then).
            where = os.fspath(e.filename) if e.filename else out
            if stage and where.startswith(stage + os.sep):
                where = os.path.join(out, os.path.relpath(where, stage))
            elif where.startswith(os.path.join(out, ".report-")):  # the staging folder could not be made
                where = out
            raise CommissimError(f"cannot read or write the file: {e.strerror or e}", file=where, key="--out",
                                 fix="free disk space or choose a folder you can write (--out)") from None
        except (KeyError, ValueError, TypeError, IndexError, AttributeError, pd.errors.ParserError) as e:
            if guard.replaced():  # read half from the earlier results, half from the new
                raise guard.replaced_error() from None
            # A file edited or cut short by hand, or from another tool: say which folder, not a traceback.
            raise CommissimError(f"{folder} does not hold {kind} results commissim wrote ({type(e).__name__}: {e})", file=folder,
                                 fix="rerun the command that wrote the folder (or give the folder it wrote)") from None
        # Moved with interruptions held back (a signal then acts once the report is whole).
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            with guard.moving_in():
                paths = _move_report(stage, out)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
    except BaseException:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        if made and os.path.isdir(out) and not os.listdir(out):
            os.rmdir(out)
        raise
    shutil.rmtree(stage, ignore_errors=True)
    return Report(kind=kind, markdown=md, html=page, paths=paths)
