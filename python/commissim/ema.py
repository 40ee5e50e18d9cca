"""EMA Workbench with commissim: sample EMA uncertainties with an EMA sampler, run the design as
one commissim sweep (threads, resume, common random numbers) and get EMA's (experiments,
outcomes) back, ready for PRIM, CART or feature scoring.

    from ema_workbench import RealParameter
    from ema_workbench.analysis import prim
    from commissim.ema import perform_experiments

    experiments, outcomes = perform_experiments("scenarios/baseline.toml",
        [RealParameter("investment.payback_months", 24, 96), RealParameter("trust.gain_rate", 0.02, 0.08)],
        ["outcome_mean"], n_scenarios=128)
    box = prim.Prim(experiments[["investment.payback_months", "trust.gain_rate"]],
                    outcomes["outcome_mean"] < 0.55, threshold=0.6).find_box()

Parameter names are commissim's parameter paths (dots are fine; no `__` renaming).
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ._cli import CommissimError
from .api import PathLike, sweep


def _sampler(sampler):
    from ema_workbench.em_framework import samplers  # noqa: PLC0415

    if not isinstance(sampler, str):
        return sampler
    named = {"lhs": samplers.LHSSampler, "mc": samplers.MonteCarloSampler, "ff": samplers.FullFactorialSampler}
    if sampler not in named:
        raise CommissimError(f"sampler {sampler!r}", key="sampler", fix="use 'lhs', 'mc', 'ff' or an EMA sampler instance")
    return named[sampler]()


def perform_experiments(scenario: PathLike, uncertainties: Sequence, outcomes: Sequence[str], n_scenarios: int = 100, *,
                        sampler="lhs", measure: str = "end", replications: int = 1, seed: Optional[int] = None,
                        set: Optional[Mapping[str, object]] = None, out: Optional[PathLike] = None,
                        threads: Optional[int] = None, quiet: bool = False) -> Tuple[pd.DataFrame, dict]:
    """EMA's `perform_experiments` for commissim: `uncertainties` are EMA parameters
    (RealParameter, IntegerParameter, CategoricalParameter) named by parameter path, `outcomes`
    metric names (each run's `<metric>_<measure>`, "end" or "total", averaged over
    `replications`). Returns (experiments, outcomes) in EMA's shapes: a DataFrame with one column
    per uncertainty plus `scenario`, `policy` and `model`, and {outcome: array per experiment}."""
    from ema_workbench.em_framework import samplers  # noqa: PLC0415

    if not outcomes:
        raise CommissimError("no outcomes", key="outcomes", fix="name metrics of `commissim columns`, e.g. ['outcome_mean']")
    designs = samplers.sample_parameters(list(uncertainties), int(n_scenarios), sampler=_sampler(sampler))
    names = [u.name for u in uncertainties]
    design = pd.DataFrame([{n: point[n] for n in names} for point in designs], columns=names)
    for n in names:  # numpy scalars as plain values, for the design file
        design[n] = design[n].map(lambda v: v.item() if hasattr(v, "item") else v)
    result = sweep(scenario, design=design, replications=replications, seed=seed, set=set, metrics=list(outcomes),
                   out=out, threads=threads, quiet=quiet)
    by_point = result.runs.groupby("point")
    values = {}
    for o in outcomes:
        col = f"{o}_{measure}"
        if col not in result.runs:
            raise CommissimError(f"no column {col!r}", key=o, fix="measure 'end' or 'total'")
        values[o] = by_point[col].mean().reindex(range(len(design))).to_numpy()
    experiments = design.copy()
    experiments["scenario"] = np.arange(len(design))
    experiments["policy"] = "none"
    experiments["model"] = "commissim"
    return experiments, values
