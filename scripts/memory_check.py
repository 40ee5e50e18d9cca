#!/usr/bin/env python3
"""Does the memory limit hold? (README, "Limits")

A market may hold at most 4 GiB (or COMMISSIM_MEMORY_LIMIT_MB megabytes): a scenario whose estimate
at the start is above it is refused when read (`MemoryEstimate`, Sources/CommissimIO/ScenarioParser.swift,
recorded in each manifest as `memory_estimate_bytes`), and a market that outgrows it while it runs
stops before the allocation that would pass it (`MemoryLimit`, Sources/CommissimEngine/MemoryLimit.swift;
`Market.ensureRoom`, Sources/CommissimModel/Simulation/Footprint.swift) with a one-line error and
exit status 2.

This runs markets of very different shapes — England, many councils, many providers, many
children, demand growing — and prints each run's peak resident memory (getrusage of the child
process) beside its estimate. Then it runs the shapes that need the most again under a limit below
what they need — one below its estimate at the start, one that outgrows its estimate while it
runs: each must stop with exit 2, one line on stderr, no output folder, and a peak within the limit.

    .venv/bin/python scripts/memory_check.py [BIN] [--quick]

Exit 0 when every limited run stops as it should, 1 otherwise. --quick runs the smaller shapes
only (the test suite's check, python/tests/test_memory.py).
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHORT = ["simulation.burn_in_months=12", "simulation.months=12"]
# name, scenario, overrides, quick?
SHAPES = [
    ("England, 10%", "baseline", ["simulation.scale=0.1"] + SHORT, True),
    ("500 councils", "baseline", ["simulation.scale=0.005", "councils[counties].count=100000"] + SHORT, True),
    ("2,000 independent providers", "baseline", ["simulation.scale=0.5", "providers[small private].count=4000", "councils[london].children=100"] + SHORT, True),
    ("300 councils, 4 years", "rising_demand", ["simulation.scale=0.003", "councils[counties].count=100000", "simulation.burn_in_months=12", "simulation.months=36"], True),
    ("England", "baseline", ["simulation.scale=1"] + SHORT, False),
    ("1,000 councils, 4 years", "rising_demand", ["simulation.scale=0.01", "councils[counties].count=100000", "simulation.burn_in_months=12", "simulation.months=36"], False),
    ("England, demand five times", "baseline", ["demand.referrals_per_10k=18.8"] + SHORT, False),
    ("England, demand growing", "rising_demand", ["demand.trend=0.3", "simulation.burn_in_months=12", "simulation.months=60"], False),
]


def run(binary, scenario, sets, out, limit_mb=None):
    """Runs one scenario in a child process: (exit status, peak resident bytes, stderr)."""
    cmd = [binary, "run", str(ROOT / "scenarios" / f"{scenario}.toml"), "--out", out, "-q"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ)
    env.pop("COMMISSIM_MEMORY_LIMIT_MB", None)
    if limit_mb is not None:
        env["COMMISSIM_MEMORY_LIMIT_MB"] = str(limit_mb)
    err = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(err.fileno(), 2)
        os.execvpe(cmd[0], cmd, env)
    _, status, usage = os.wait4(pid, 0)
    err.seek(0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, err.read().decode(errors="replace")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0] if args else str(ROOT / ".build/release/commissim")
    shapes = [s for s in SHAPES if s[3]] if "--quick" in sys.argv else SHAPES
    failed = 0
    estimates = {}
    print(f"{'market':32} {'peak MB':>9} {'estimate MB':>12} {'peak/estimate':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, scenario, sets, _) in enumerate(shapes):
            out = os.path.join(tmp, f"free{n}")
            rc, peak, err = run(binary, scenario, sets, out)
            if rc != 0:
                print(f"{name:32} failed (exit {rc}): {err.strip()}")
                failed += 1
                continue
            estimate = json.load(open(os.path.join(out, "manifest.json")))["memory_estimate_bytes"]
            estimates[name] = estimate
            print(f"{name:32} {peak / 2**20:9.0f} {estimate / 2**20:12.0f} {peak / estimate:14.2f}", flush=True)
        # Under a limit: a market whose estimate is above it is refused when read; one that
        # outgrows it later (entrants widen the trust matrices past the estimate) stops mid-run.
        print(f"\n{'market, limited':32} {'limit MB':>9} {'peak MB':>9}  outcome")
        checks = [("500 councils", 0.9, "would need about"), ("300 councils, 4 years", 1.0, "in month")]
        for name, share, says in checks:
            scenario, sets = next((sc, st) for nm, sc, st, _ in shapes if nm == name)
            limit = int(share * estimates[name] / 2**20) + (1 if share >= 1 else 0)
            out = os.path.join(tmp, "limited")
            rc, peak, err = run(binary, scenario, sets, out, limit_mb=limit)
            lines = [l for l in err.splitlines() if l.strip()]
            problems = []
            if rc != 2:
                problems.append(f"exit {rc}, not 2")
            if len(lines) != 1 or not lines[0].startswith("error: ") or says not in err:
                problems.append(f"not the one error line expected ({says!r}): {err.strip()[:300]!r}")
            if os.path.exists(out) or any(e.startswith(".limited.") for e in os.listdir(tmp)):
                problems.append("left output behind")
            if peak > limit * 2**20:
                problems.append(f"peak {peak / 2**20:.0f} MB above the limit")
            failed += bool(problems)
            outcome = "stopped: " + lines[0][:150] if not problems else "; ".join(problems)
            print(f"{name:32} {limit:9d} {peak / 2**20:9.0f}  {outcome}", flush=True)
    print(f"memory: {'0 failed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
