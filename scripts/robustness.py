#!/usr/bin/env python3
"""Robustness of the headline conclusion: what the ten-year effect (ten-year minus three-year
contracts, paired with common random numbers) depends on, as first-order and total Sobol indices
over the uncertain parameters below (SALib's Saltelli design of base size N, n·(d + 2) points, run at
both contract lengths as one commissim sweep: commissim.sobol_contrast). Writes indices.csv
(outcome, parameter, S1, S1_conf, ST, ST_conf; the outcomes: children's outcome score, total public
cost and independent providers trading at the end), effects.csv (each point's parameters and its mean
paired effects) and the sweep's runs.csv and manifest under OUT/sweep for scripts/report.py.
Deterministic: the design and the runs come from one seed.

    robustness.py BIN OUT N"""
import os
import sys
import time

BIN, OUT, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.environ["COMMISSIM_BIN"] = os.path.abspath(BIN)
import commissim as cs  # noqa: E402

# Uncertain parameters and plausible ranges (docs/MODEL.md, section 5: sensitivity).
BOUNDS = {
    "investment.payback_months": (24, 96),
    "investment.quality_gain": (0.15, 0.5),
    "trust.loss_multiplier": (1.5, 5.0),
    "delivery.quality_sensitivity": (1.0, 4.0),
    "market.shortage_markup": (0.1, 0.6),
    "demand.trend": (0.0, 0.04),
    "trust.staff_turnover": (0.005, 0.05),
    "market.fixed_cost_share_fostering": (0.2, 0.5),
    "market.fixed_cost_share_residential": (0.4, 0.8),
    # What a bid costs a provider: a judgement (MODEL.md 3.6), and what sets how many providers the
    # market holds and how far ten-year contracts change it (MODEL.md 5).
    "market.bid_cost": (1000, 10000),
    # Bids a provider can prepare in a month, one per this many registered places: a judgement too
    # (MODEL.md 3.6); together with the bid cost it sets what tendering costs the providers.
    "market.places_per_bid": (5, 50),
}
SCALE, REPLICATIONS, SEED = 0.2, 2, 20261122
OUTCOMES = {"outcome": ["outcome_mean_end"], "public_cost": ["spend_total", "external_costs_committed_total"],
            "providers": ["providers_end"]}

start = time.time()
res = cs.sobol_contrast("scenarios/three_year.toml", BOUNDS, {"policy.contract_months": [36, 120]}, OUTCOMES, n=N,
                        replications=REPLICATIONS, seed=SEED, set={"simulation.scale": SCALE}, out=os.path.join(OUT, "sweep"),
                        quiet=bool(os.environ.get("QUIET")))
os.makedirs(OUT, exist_ok=True)
res.indices.to_csv(os.path.join(OUT, "indices.csv"), index=False)
res.effects.assign(scale=SCALE, replications=REPLICATIONS).to_csv(os.path.join(OUT, "effects.csv"), index=False)
summary = os.path.join(OUT, "sweep", "summary.csv")
if os.path.exists(summary):  # per point and month: large, and runs.csv holds what the report reads
    os.remove(summary)
print(f"robustness: {len(res.effects)} points × 2 contract lengths × {REPLICATIONS} replications in {time.time() - start:.0f} s", file=sys.stderr)
