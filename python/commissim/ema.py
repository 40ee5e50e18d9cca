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

from contextlib import contextmanager
from typing import Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ._cli import MAX_SEED, CommissimError, optional_whole_number, whole_number
from .api import PathLike, sweep


@contextmanager
def _seeded(seed: Optional[int]):
    """EMA's samplers draw from numpy's global generator: with a seed, the design is the same
    every time (the global state is put back afterwards); without one, EMA's own behaviour."""
    if seed is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(state)


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
    n_scenarios = whole_number("n_scenarios", n_scenarios, 1)
    model = CommissimModel(scenario, uncertainties=uncertainties, outcomes=outcomes, measure=measure)
    return model.perform_experiments(scenarios=n_scenarios, uncertainty_sampler=sampler, replications=replications, seed=seed,
                                     set=set, out=out, threads=threads, quiet=quiet)


class CommissimModel:
    """commissim as an EMA Workbench model: `uncertainties` and `levers` are EMA parameters named
    by commissim parameter paths (group paths such as ``councils[london].policy.contract_months``
    included), `outcomes` names of `commissim columns` (checked against the catalogue when the
    model is made). ``perform_experiments`` samples both with EMA's samplers, crosses every
    scenario with every policy and runs the whole design as one sweep (threads, resume, common
    random numbers: replication r of every point shares its seed), returning EMA's
    ``(experiments, outcomes)``.

        from ema_workbench import IntegerParameter, RealParameter
        model = CommissimModel("scenarios/baseline.toml",
                               uncertainties=[RealParameter("demand.trend", 0.0, 0.04)],
                               levers=[IntegerParameter("policy.contract_months", 36, 120)],
                               outcomes=["outcome_mean", "spend"])
        experiments, outcomes = model.perform_experiments(scenarios=64, policies=4)
    """

    def __init__(self, scenario: PathLike, *, uncertainties: Sequence = (), levers: Sequence = (),
                 outcomes: Sequence[str] = (), measure: str = "end", name: str = "commissim"):
        from ._cli import call, names_argument  # noqa: PLC0415

        outcomes = names_argument("outcomes", outcomes)  # one name is one outcome, not its letters
        if not outcomes:
            raise CommissimError("no outcomes", key="outcomes", fix="name metrics of `commissim columns`, e.g. ['outcome_mean']")
        if measure not in ("end", "total"):
            raise CommissimError(f"measure {measure!r}", key="measure", fix="use 'end' (mean of the last 12 months, or of every month of a shorter run) or 'total'")
        columns = [line.split()[0] for line in call(["columns"], quiet=True, capture=True).splitlines() if line.strip()]
        for o in outcomes:
            if o not in columns or o in ("month", "year"):
                raise CommissimError(f"{o!r} is not a metric of timeseries.csv", key=o, fix="use a name `commissim columns` lists")
        names = [p.name for p in list(uncertainties) + list(levers)]
        if len(set(names)) != len(names):
            raise CommissimError("a parameter is both an uncertainty and a lever (or named twice)", key="levers",
                                 fix="name each parameter path once")
        self.scenario, self.name, self.measure = scenario, name, measure
        self.uncertainties, self.levers, self.outcomes = list(uncertainties), list(levers), list(outcomes)

    def perform_experiments(self, scenarios: int = 100, policies: int = 1, *, uncertainty_sampler="lhs", lever_sampler="lhs",
                            replications: int = 1, seed: Optional[int] = None, set: Optional[Mapping[str, object]] = None,
                            out: Optional[PathLike] = None, threads: Optional[int] = None,
                            quiet: bool = False) -> Tuple[pd.DataFrame, dict]:
        """Every sampled scenario (uncertainties) under every sampled policy (levers), as one sweep.
        `experiments` has a column per parameter plus ``scenario``, ``policy`` (their numbers) and
        ``model`` ("none" for the policy without levers); `outcomes` maps each outcome to its array (mean over `replications`)."""
        from ema_workbench.em_framework import samplers  # noqa: PLC0415

        scenarios, policies = whole_number("scenarios", scenarios, 1), whole_number("policies", policies, 1)
        replications, seed = whole_number("replications", replications, 1), optional_whole_number("seed", seed, 0, MAX_SEED)

        def draw(params, n, sampler):
            if not params:
                return [{}]
            return [{q.name: point[q.name] for q in params}
                    for point in samplers.sample_parameters(params, n, sampler=_sampler(sampler))]

        with _seeded(seed):
            sc = draw(self.uncertainties, scenarios, uncertainty_sampler)
            po = draw(self.levers, policies, lever_sampler)
        rows, tags = [], []
        for j, pol in enumerate(po):
            for i, s in enumerate(sc):
                rows.append({**s, **pol})
                tags.append((i, j))
        names = [p.name for p in self.uncertainties + self.levers]
        design = pd.DataFrame(rows, columns=names)
        for n in names:
            design[n] = design[n].map(lambda v: v.item() if hasattr(v, "item") else v)
        result = sweep(self.scenario, design=design, replications=replications, seed=seed, set=set, metrics=self.outcomes,
                       out=out, threads=threads, quiet=quiet)
        by_point = result.runs.groupby("point")
        values = {o: by_point[f"{o}_{self.measure}"].mean().reindex(range(len(design))).to_numpy() for o in self.outcomes}
        experiments = design.copy()
        experiments["scenario"] = [t[0] for t in tags]
        # Without levers there is one policy, the scenario's own: EMA's "none".
        experiments["policy"] = [t[1] for t in tags] if self.levers else "none"
        experiments["model"] = self.name
        return experiments, values
