"""Yearly means of a run's metrics, shared by scripts/drift.py and scripts/settling.py."""
import csv
import os
import subprocess

# Derived metrics: shares of the children served.
SHARES = {"spot_share": "children_spot", "in_house_share": "children_in_house"}


def yearly_means(binary, seed, out, metrics, extra=()):
    """Runs the baseline with `seed` into `out` (extra `commissim run` arguments after) and returns
    {year: {metric: mean over the year's months}}; spot_share and in_house_share are the shares
    of children served."""
    subprocess.run([binary, "run", "scenarios/baseline.toml", "--out", out, "--seed", str(seed), "-q", *extra], check=True)
    years = {}
    with open(os.path.join(out, "timeseries.csv")) as f:
        for r in csv.DictReader(f):
            d = years.setdefault(int(r["year"]), {k: 0.0 for k in metrics} | {"n": 0})
            served = float(r["children_served"]) or 1
            for k in metrics:
                d[k] += float(r[SHARES[k]]) / served if k in SHARES else float(r[k])
            d["n"] += 1
    return {y: {k: v / d["n"] for k, v in d.items() if k != "n"} for y, d in years.items()}


def seeds_yearly_means(binary, n, metrics, extra=(), prefix="commissim-"):
    """`yearly_means` for seeds 1…n, run in parallel on every core, in seed order."""
    from concurrent.futures import ThreadPoolExecutor
    import tempfile
    tmp = tempfile.mkdtemp(prefix=prefix)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda s: yearly_means(binary, s, os.path.join(tmp, f"s{s}"), metrics, extra), range(1, n + 1)))
