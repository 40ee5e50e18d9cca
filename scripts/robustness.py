#!/usr/bin/env python3
"""Robustness of the headline conclusion: Latin-hypercube samples of the uncertain parameters; for
each sample a paired comparison (common random numbers) of three-year against ten-year contracts at
20% scale. Writes samples.csv (parameters and paired differences) for scripts/report.py.
Deterministic: the samples come from a fixed seed, the runs from commissim's seeds."""
import csv
import os
import random
import subprocess
import sys

BIN, OUT, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Uncertain parameters and plausible ranges (see docs/MODEL.md).
RANGES = {
    "investment.payback_months": (24, 96, int),
    "investment.quality_gain": (0.15, 0.5, float),
    "trust.loss_multiplier": (1.5, 5.0, float),
    "delivery.quality_sensitivity": (1.0, 4.0, float),
    "market.shortage_markup": (0.1, 0.6, float),
    "demand.trend": (0.0, 0.04, float),
    "trust.staff_turnover": (0.005, 0.05, float),
    "market.fixed_cost_share": (0.4, 0.8, float),
}
rng = random.Random(20261122)
names = list(RANGES)
strata = {n: rng.sample(range(N), N) for n in names}
os.makedirs(OUT, exist_ok=True)
rows = []
for i in range(N):
    params = {}
    for n in names:
        lo, hi, kind = RANGES[n]
        x = lo + (strata[n][i] + rng.random()) / N * (hi - lo)
        params[n] = int(round(x)) if kind is int else round(x, 6)
    sets = sum([["--set", f"{k}={v}"] for k, v in params.items()], [])
    folder = os.path.join(OUT, f"sample-{i}")
    subprocess.run([BIN, "compare", "scenarios/three_year.toml", "scenarios/ten_year.toml", "--replications", "4",
                    "--out", folder, "-q", "--set", "simulation.scale=0.2"] + sets, check=True)
    cmp = {(r["metric"], r["measure"]): r for r in csv.DictReader(open(os.path.join(folder, "comparison.csv")))}
    outcome = float(cmp[("outcome_mean", "end")]["diff"])
    spend = float(cmp[("spend", "total")]["diff"])
    external = float(cmp[("external_costs_committed", "total")]["diff"])
    rows.append({**params, "sample": i, "outcome_diff": outcome, "public_cost_diff": spend + external,
                 "spend_diff": spend, "external_diff": external})
    for f in os.listdir(folder):  # keep only the summary
        if f not in ("comparison.csv",):
            os.remove(os.path.join(folder, f))
    os.remove(os.path.join(folder, "comparison.csv"))
    os.rmdir(folder)
    print(f"    sample {i + 1}/{N}", file=sys.stderr)
with open(os.path.join(OUT, "samples.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["sample"] + names + ["outcome_diff", "public_cost_diff", "spend_diff", "external_diff"])
    w.writeheader()
    w.writerows(rows)
