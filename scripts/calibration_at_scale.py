#!/usr/bin/env python3
"""Do a calibration's targets read the same at another scale? (docs/MODEL.md §3.15)

A calibration runs at reduced scale (scenarios/calibration.toml: 30% of England) on the claim that
its targets — shares, prices, margins, levels per unit of scale — do not depend on the scale. This
runs the calibration's scenario at its own scale and at another (default: England, 1.0) with the
same seeds, and prints each target's mean and sd at both and the difference against its standard
error (Welch). It needs no fit: the scenario's own values are used.

    .venv/bin/python scripts/calibration_at_scale.py scenarios/calibration.toml [--scale 1.0] [--seeds 6]
"""
import argparse
import ast
import math
import os
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import commissim as cs  # noqa: E402


def evaluate(expression, means):
    """Value of a target's expression (+ − * /, parentheses, numbers, metric names) on window means."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return means(node.id)
        raise ValueError(f"cannot read {expression!r}")
    return ev(ast.parse(expression, mode="eval"))


OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
       ast.Div: lambda a, b: a / b if b else math.nan}


def moments(ts, targets, scale):
    out = []
    for t in targets:
        rows = list(range(t.get("from", 1) - 1, t.get("to", len(ts)), t.get("every", 1)))
        v = evaluate(t.get("metric") or t["expression"], lambda name: float(ts[name].iloc[rows].mean()))
        out.append(v / scale if t.get("per_scale", False) else v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("calibration")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with open(args.calibration, "rb") as f:
        cal = tomllib.load(f)
    c = cal["calibration"]
    scenario = os.path.join(os.path.dirname(args.calibration), c["scenario"])
    base = dict(c.get("set", {}))
    own = float(base.get("simulation.scale", 1.0))
    targets = cal["targets"]

    def one(job):
        scale, seed = job
        ts = cs.run(scenario, seed=seed, set={**base, "simulation.scale": scale}, quiet=True).timeseries
        return moments(ts, targets, scale)

    jobs = [(s, 1000 + k) for s in (own, args.scale) for k in range(args.seeds)]
    with ThreadPoolExecutor(args.threads) as pool:
        results = list(pool.map(one, jobs))
    at = {own: results[:args.seeds], args.scale: results[args.seeds:]}

    def stats(xs):
        m = sum(xs) / len(xs)
        return m, (math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else math.nan)

    print(f"{scenario}, seeds 1000–{999 + args.seeds}: targets at scale {own:g} (the calibration's) and {args.scale:g}")
    print(f"| target | evidence | scale {own:g}: mean (sd) | scale {args.scale:g}: mean (sd) | difference | / its se |")
    print("|---|---|---|---|---|---|")
    for i, t in enumerate(targets):
        (ma, sa), (mb, sb) = stats([r[i] for r in at[own]]), stats([r[i] for r in at[args.scale]])
        se = math.sqrt((sa ** 2 + sb ** 2) / args.seeds)
        print(f"| {t['name']} | {t['value']:g} | {ma:.4g} ({sa:.2g}) | {mb:.4g} ({sb:.2g}) | {(mb - ma) / abs(t['value']):+.1%} of evidence | "
              f"{(mb - ma) / se if se > 0 else math.nan:+.1f} |")


if __name__ == "__main__":
    try:
        main()
    except cs.CommissimError as e:
        sys.exit(f"calibration_at_scale.py: {e}")
