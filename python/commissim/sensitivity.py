"""Global sensitivity analysis with SALib: a Saltelli (Sobol) or Morris design run as one
commissim sweep (threads, resume, common random numbers), then SALib's indices with their
confidence intervals."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ._cli import MAX_SEED, CommissimError, mapping_argument, optional_whole_number, whole_number
from .api import PathLike, SweepResult, params, sweep


@dataclass
class SensitivityResult:
    """``indices`` (one row per parameter), the SALib ``problem``, the ``design`` run (one row
    per point), the ``outputs`` (the outcome per point, mean over replications) and the sweep."""
    indices: pd.DataFrame
    problem: dict
    design: pd.DataFrame
    outputs: np.ndarray
    sweep: SweepResult


def _problem(bounds: Mapping[str, Tuple[float, float]]) -> dict:
    bounds = mapping_argument("bounds", bounds, '{"investment.payback_months": (24, 96)}')
    if not bounds:
        raise CommissimError("no parameters to analyse", fix="give bounds such as {'investment.payback_months': (24, 96)}")
    types = _parameter_types()
    kinds = {}
    for name, b in bounds.items():
        kind = _type_of(str(name), types)
        if kind is None:
            raise CommissimError("unknown parameter", key=name, fix="see `commissim params` for the parameter paths")
        if kind not in ("real", "integer"):
            raise CommissimError(f"a {kind} parameter has no numeric range", key=name, fix="analyse numeric parameters only")
        kinds[name] = kind
        try:
            lo, hi = (float(x) for x in b)
        except (TypeError, ValueError):
            raise CommissimError(f"bounds {b!r} are not two numbers", key=name, fix="give (low, high), e.g. (24, 96)") from None
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise CommissimError(f"bounds {b} are not finite", key=name, fix="give finite (low, high)")
        if not lo < hi:
            raise CommissimError(f"bounds {b} are empty", key=name, fix="give (low, high) with low < high")
    return {"num_vars": len(bounds), "names": list(bounds), "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
            "integer": [kinds[n] == "integer" for n in bounds]}


def _parameter_types() -> dict:
    """Each parameter's type by every name a sweep accepts for it: its name (`policy.contract_months`,
    which sets every council group) and its catalogue path (`councils.policy.contract_months`,
    `providers.target_margin` for a group's own parameters)."""
    catalogue, groups = params(), params(groups=True)
    return (dict(zip(groups["path"], groups["type"])) | dict(zip(catalogue["path"], catalogue["type"]))
            | dict(zip(catalogue["name"], catalogue["type"])))


def _type_of(name: str, types: dict) -> Optional[str]:
    """The type of parameter `name`, also for one group's copy (`councils[London].policy.contract_months`,
    `providers[small charity].target_margin`); None for an unknown name (the group itself is
    checked by the binary, against the scenario, when the design runs)."""
    if name in types:
        return types[name]
    group = re.fullmatch(r"(councils|providers)\[[^\]]+\]\.(.+)", name)
    return types.get(f"{group[1]}.{group[2]}") if group else None


def _measure(measure: str) -> str:
    if measure not in ("end", "total"):
        raise CommissimError(f"{measure!r} is not a measure", key="measure", fix="use 'end' (the last month) or 'total' (the whole run)")
    return measure


def _design(problem: dict, x: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(x, columns=problem["names"])
    for name, whole in zip(problem["names"], problem["integer"]):
        if whole:
            frame[name] = frame[name].round().astype(int)
    return frame


def _outputs(result: SweepResult, outcome: str, measure: str, n_points: int) -> np.ndarray:
    col = f"{outcome}_{measure}"
    if col not in result.runs:
        raise CommissimError(f"no column {col!r} in the sweep's runs", key=outcome,
                             fix="name a metric of `commissim columns`, measure 'end' or 'total'")
    y = result.runs.groupby("point")[col].mean().reindex(range(n_points)).to_numpy()
    if np.isnan(y).any():
        raise CommissimError("some design points have no runs", fix="rerun the sweep (it resumes)")
    return y


def _run(scenario, problem, x, outcome, measure, replications, seed, set, out, threads, quiet):
    if not isinstance(outcome, str):
        raise CommissimError(f"{outcome!r} is not the name of one metric", key="outcome", fix='give one column of timeseries.csv, e.g. "spend"')
    """The sampled points `x` as run (integers rounded), one sweep of them asking only for
    `outcome`, and the outcome per point averaged over replications."""
    design = _design(problem, x)
    result = sweep(scenario, design=design, replications=replications, seed=seed, set=set, metrics=[outcome], out=out,
                   threads=threads, quiet=quiet)
    return design, _outputs(result, outcome, measure, len(design)), result


def _salib_problem(problem: dict) -> dict:
    return {k: problem[k] for k in ("num_vars", "names", "bounds")}


def sobol(scenario: PathLike, bounds: Mapping[str, Tuple[float, float]], outcome: str, *, measure: str = "end",
          n: int = 256, replications: int = 2, seed: Optional[int] = None, calc_second_order: bool = False,
          set: Optional[Mapping[str, object]] = None, out: Optional[PathLike] = None, threads: Optional[int] = None,
          quiet: bool = False) -> SensitivityResult:
    """Sobol indices of `outcome` (a column of timeseries.csv at its month-`measure` "end" or
    its "total") over `bounds` {path: (low, high)}: SALib's Saltelli design of base size `n`
    (n·(d + 2) points, or n·(2d + 2) with second order), each point run `replications` times with
    common random numbers, the outcome averaged over replications, then SALib's
    ``sobol.analyze``. ``indices``: parameter, S1, S1_conf, ST, ST_conf (95% bootstrap)."""
    from SALib.analyze import sobol as analyze  # noqa: PLC0415
    from SALib.sample import sobol as sample  # noqa: PLC0415

    problem = _problem(bounds)
    n, replications, measure = whole_number("n", n, 1), whole_number("replications", replications, 1), _measure(measure)
    seed = optional_whole_number("seed", seed, 0, MAX_SEED)
    x = sample.sample(_salib_problem(problem), n, calc_second_order=calc_second_order, seed=seed)
    design, y, result = _run(scenario, problem, x, outcome, measure, replications, seed, set, out, threads, quiet)
    si = analyze.analyze(_salib_problem(problem), y, calc_second_order=calc_second_order, print_to_console=False, seed=seed)
    indices = pd.DataFrame({"parameter": problem["names"], "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})
    return SensitivityResult(indices=indices, problem=problem, design=design, outputs=y, sweep=result)


def morris(scenario: PathLike, bounds: Mapping[str, Tuple[float, float]], outcome: str, *, measure: str = "end",
           trajectories: int = 10, levels: int = 4, replications: int = 2, seed: Optional[int] = None,
           set: Optional[Mapping[str, object]] = None, out: Optional[PathLike] = None, threads: Optional[int] = None,
           quiet: bool = False) -> SensitivityResult:
    """Morris elementary effects of `outcome` over `bounds`: SALib's Morris design of
    `trajectories` trajectories on a `levels`-level grid (trajectories·(d + 1) points), run as
    one sweep, then ``morris.analyze``. ``indices``: parameter, mu, mu_star, sigma, mu_star_conf."""
    from SALib.analyze import morris as analyze  # noqa: PLC0415
    from SALib.sample import morris as sample  # noqa: PLC0415

    problem = _problem(bounds)
    trajectories, levels = whole_number("trajectories", trajectories, 2), whole_number("levels", levels, 2)
    replications, measure = whole_number("replications", replications, 1), _measure(measure)
    seed = optional_whole_number("seed", seed, 0, MAX_SEED)
    x = sample.sample(_salib_problem(problem), trajectories, num_levels=levels, seed=seed)
    design, y, result = _run(scenario, problem, x, outcome, measure, replications, seed, set, out, threads, quiet)
    # Analyse the points as run (integer parameters rounded), so each effect is the one simulated.
    si = analyze.analyze(_salib_problem(problem), design.to_numpy(dtype=float), y, num_levels=levels, print_to_console=False, seed=seed)
    indices = pd.DataFrame({"parameter": problem["names"], "mu": si["mu"], "mu_star": si["mu_star"], "sigma": si["sigma"],
                            "mu_star_conf": si["mu_star_conf"]})
    return SensitivityResult(indices=indices, problem=problem, design=design, outputs=y, sweep=result)


@dataclass
class ContrastSensitivityResult:
    """Sobol indices of a paired effect: ``indices`` (outcome, parameter, S1, S1_conf, ST,
    ST_conf), ``effects`` (one row per design point: its parameters and the mean paired effect
    B − A of each outcome over replications), the SALib ``problem`` and the sweep."""
    indices: pd.DataFrame
    effects: pd.DataFrame
    problem: dict
    sweep: SweepResult


def sobol_contrast(scenario: PathLike, bounds: Mapping[str, Tuple[float, float]], contrast: Mapping[str, Sequence],
                   outcomes: Mapping[str, Sequence[str]], *, n: int = 16, replications: int = 2, seed: Optional[int] = None,
                   set: Optional[Mapping[str, object]] = None, out: Optional[PathLike] = None, threads: Optional[int] = None,
                   quiet: bool = False) -> ContrastSensitivityResult:
    """Sobol indices of an effect rather than a level: what the paired difference B − A of
    `contrast` ({path: [A, B]}, e.g. ten-year against three-year contracts) depends on over
    `bounds`. SALib's Saltelli design (n·(d + 2) points) is run at A and at B as one sweep with
    common random numbers (replication r shares its seed everywhere), the effect at each point
    is the mean over replications of B − A, and SALib's ``sobol.analyze`` is applied to it.
    `outcomes` names each effect and the runs.csv columns it sums, e.g.
    {"public_cost": ["spend_total", "external_costs_committed_total"]}."""
    from SALib.analyze import sobol as analyze  # noqa: PLC0415
    from SALib.sample import sobol as sample  # noqa: PLC0415

    problem = _problem(bounds)
    contrast = mapping_argument("contrast", contrast, '{"policy.contract_months": [36, 120]}')
    outcomes = mapping_argument("outcomes", outcomes, '{"public_cost": ["spend_total", "external_costs_committed_total"]}')
    if len(contrast) != 1:
        raise CommissimError("a contrast names one parameter and its two values", key="contrast", fix="e.g. {'policy.contract_months': [36, 120]}")
    (by, values), = contrast.items()
    values = list(values) if isinstance(values, (list, tuple, np.ndarray)) else []
    if by in problem["names"] or len(values) != 2:
        raise CommissimError("the contrast needs two values of a parameter not in bounds", key=by, fix="e.g. {'policy.contract_months': [36, 120]}")
    n, replications = whole_number("n", n, 1), whole_number("replications", replications, 1)
    seed = optional_whole_number("seed", seed, 0, MAX_SEED)
    x = sample.sample(_salib_problem(problem), n, calc_second_order=False, seed=seed)
    design = _design(problem, x)
    m = len(design)
    # Point 2i is design row i at A, point 2i + 1 the same row at B: neighbours that differ only in
    # `by`, which the sweep runs from one burn-in per replication when `by` acts from month 1
    # (a contract length, a strategy: MODEL.md 3.1).
    full = pd.concat([design.assign(**{by: values[0]}), design.assign(**{by: values[1]})]).sort_index(kind="stable").reset_index(drop=True)
    for name, cols in outcomes.items():
        if isinstance(cols, str) or not all(isinstance(c, str) for c in (cols if isinstance(cols, (list, tuple)) else [None])):
            raise CommissimError(f"{cols!r} is not a list of runs.csv columns", key=str(name), fix='e.g. {"public_cost": ["spend_total", "external_costs_committed_total"]}')
    metrics = sorted({c.rsplit("_", 1)[0] for cols in outcomes.values() for c in cols})
    result = sweep(scenario, design=full, replications=replications, seed=seed, set=set, metrics=metrics, out=out, threads=threads, quiet=quiet)
    runs = result.runs.set_index(["point", "replication"])
    effects = design.copy()
    rows = []
    for name, cols in outcomes.items():
        missing = [c for c in cols if c not in runs]
        if missing:
            raise CommissimError(f"no column {missing[0]!r} in the sweep's runs", key=name, fix="name runs.csv columns: <metric>_end or <metric>_total")
        total = runs[list(cols)].sum(axis=1)
        a = total.loc[range(0, 2 * m, 2)].unstack()
        b = total.loc[range(1, 2 * m, 2)].unstack()
        a.index = range(m)
        b.index = a.index
        y = (b - a).mean(axis=1).reindex(range(m)).to_numpy()
        if np.isnan(y).any():
            raise CommissimError("some design points have no runs", fix="rerun (the sweep resumes when out= is given)")
        effects[name] = y
        si = analyze.analyze(_salib_problem(problem), y, calc_second_order=False, print_to_console=False, seed=seed)
        for j, p in enumerate(problem["names"]):
            rows.append({"outcome": name, "parameter": p, "S1": si["S1"][j], "S1_conf": si["S1_conf"][j], "ST": si["ST"][j], "ST_conf": si["ST_conf"][j]})
    return ContrastSensitivityResult(indices=pd.DataFrame(rows), effects=effects, problem=problem, sweep=result)
