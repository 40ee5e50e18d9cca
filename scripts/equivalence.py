#!/usr/bin/env python3
"""Are two engines the same model? (issue "Twice as fast per simulated month", MODEL.md §2)

A faster engine changes outputs bit for bit (other draws, another order of sums), so byte identity
cannot be the check. This runs every shipped scenario with both binaries over the same seeds and
compares, metric by metric, the distributions of the main end-of-run results with the two-sample
Kolmogorov–Smirnov test (scipy), Holm-corrected over every scenario and metric together, so the
chance of any false alarm when the engines are equivalent is at most --alpha.

    .venv/bin/python scripts/equivalence.py OLD_BIN NEW_BIN [--seeds 30] [--scale 0.1] [--months 60]
        [--alpha 0.01] [--scenarios three_year,price_squeeze] [--set-new PATH=VALUE ...] [--out DIR]

Levels are compared by their mean over the last 12 months, flows by their total over the run (the
rule `commissim compare` uses). Exit 0: no difference after Holm; 1: some metric differs (listed);
2: bad arguments. --set-new applies an override to NEW's runs only: it checks that the test sees a
real difference (its power), as the test of this script does. --out keeps the table as CSV.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scipy.stats import ks_2samp

ROOT = Path(__file__).resolve().parents[1]
# The end-of-run results an equivalence must hold: children, spend, prices, the market, quality.
METRICS = ["children_served", "children_waiting", "looked_after", "spend", "spend_spot", "external_costs_committed",
           "price_fostering", "price_residential", "providers", "exits_small_charity", "hhi_local", "quality_mean",
           "outcome_mean", "breakdowns", "trust_provider_all", "investment", "two_placements_share"]
# Shipped scenario files (not studies, sweeps or calibrations).
NOT_SCENARIOS = {"calibration.toml", "headline_sweep.toml"}


def shipped_scenarios():
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml") if p.name not in NOT_SCENARIOS and not p.stem.endswith("_study"))


def flows(binary):
    """The columns a comparison totals over the run (`columns --json` gives each metric's measure)."""
    cols = json.loads(subprocess.run([binary, "columns", "--json"], check=True, capture_output=True, text=True).stdout)["timeseries"]
    return {c["name"] for c in cols if c.get("measure") == "total"}


def summary(label, binary, scenario, seed, args, extra, tmp, flow):
    out = os.path.join(tmp, f"{label}-{scenario}-{seed}")
    cmd = [binary, "run", str(ROOT / "scenarios" / f"{scenario}.toml"), "--out", out, "--seed", str(seed), "--months", str(args.months),
           "--set", f"simulation.scale={args.scale}", "-q"]
    for s in extra:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    with open(os.path.join(out, "timeseries.csv")) as f:
        rows = list(csv.DictReader(f))
    tail = rows[-12:]
    return {m: sum(float(r[m]) for r in rows) if m in flow else sum(float(r[m]) for r in tail) / len(tail) for m in METRICS}


def holm(pvalues):
    """Holm's step-down adjusted p-values, in the input's order."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted, running = [0.0] * len(pvalues), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--scenarios", default=None, help="comma-separated names in scenarios/ (default: every shipped scenario)")
    ap.add_argument("--set-new", action="append", default=[], metavar="PATH=VALUE")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    for b in (args.old, args.new):
        if not os.access(b, os.X_OK):
            print(f"equivalence: {b} is not an executable commissim binary", file=sys.stderr)
            sys.exit(2)
    if args.seeds < 5 or not 0 < args.alpha < 1:
        print("equivalence: use --seeds 5 or more and 0 < --alpha < 1", file=sys.stderr)
        sys.exit(2)
    scenarios = args.scenarios.split(",") if args.scenarios else shipped_scenarios()
    missing = [s for s in scenarios if not (ROOT / "scenarios" / f"{s}.toml").exists()]
    if missing:
        print(f"equivalence: no scenarios/{missing[0]}.toml; shipped: {', '.join(shipped_scenarios())}", file=sys.stderr)
        sys.exit(2)
    # The smallest p-value the exact two-sided test can give with n seeds per engine is 2 / C(2n, n);
    # Holm multiplies the smallest by the number of tests, so too few seeds could never see a difference.
    tests = len(scenarios) * len(METRICS)
    floor = lambda n: tests * 2 / math.comb(2 * n, n)
    if floor(args.seeds) >= args.alpha:
        need = next(n for n in range(args.seeds, 10_000) if floor(n) < args.alpha)
        print(f"equivalence: {args.seeds} seeds cannot show a difference among {tests} tests at --alpha {args.alpha} "
              f"(smallest Holm p {floor(args.seeds):.3g}); use --seeds {need} or more", file=sys.stderr)
        sys.exit(2)
    flow = flows(args.new)
    seeds = range(1, args.seeds + 1)
    with tempfile.TemporaryDirectory(prefix="commissim-equivalence-") as tmp, ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = {(b, s, seed): pool.submit(summary, b, binary, s, seed, args, args.set_new if b == "new" else [], tmp, flow)
                for s in scenarios for b, binary in (("old", args.old), ("new", args.new)) for seed in seeds}
        results = {k: f.result() for k, f in jobs.items()}
    table = []
    for s in scenarios:
        for m in METRICS:
            a = [results[("old", s, seed)][m] for seed in seeds]
            b = [results[("new", s, seed)][m] for seed in seeds]
            # Identical samples (a metric that is always 0, or an unchanged engine) give p = 1.
            p = 1.0 if sorted(a) == sorted(b) else float(ks_2samp(a, b).pvalue)
            table.append({"scenario": s, "metric": m, "old_mean": sum(a) / len(a), "new_mean": sum(b) / len(b), "ks_p": p})
    for row, q in zip(table, holm([r["ks_p"] for r in table])):
        row["holm_p"] = q
        row["differs"] = q < args.alpha
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "equivalence.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(table)
    differing = [r for r in table if r["differs"]]
    print(f"equivalence: {len(scenarios)} scenarios × {len(METRICS)} metrics, {args.seeds} seeds each, scale {args.scale}, "
          f"{args.months} months; Kolmogorov–Smirnov, Holm-corrected, family-wise false-alarm rate {args.alpha}")
    for r in sorted(table, key=lambda r: r["holm_p"])[:10]:
        print(f"  {r['scenario']:26s} {r['metric']:26s} old {r['old_mean']:14.6g}  new {r['new_mean']:14.6g}  KS p {r['ks_p']:.3g}  Holm {r['holm_p']:.3g}"
              + ("  DIFFERS" if r["differs"] else ""))
    if differing:
        print(f"equivalence: {len(differing)} of {len(table)} scenario-metrics differ", file=sys.stderr)
        sys.exit(1)
    print("equivalence: no difference at this false-alarm rate")


if __name__ == "__main__":
    main()
