#!/usr/bin/env python3
"""The cost of driving a sweep from Python: a 1,000-run sweep (10 points × 100 replications, a
small short market) run by `commissim sweep` and by `commissim.sweep` (DataFrames loaded
included), in alternation, PAIRS times; prints each pair's times and the median ratio.

    .venv/bin/python scripts/bench_python.py [BIN] [PAIRS]     # default .build/release/commissim, 5"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "commissim")
PAIRS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
os.environ["COMMISSIM_BIN"] = BIN
import commissim as cs  # noqa: E402

SCEN = os.path.join(ROOT, "scenarios", "baseline.toml")
SET = {"simulation.scale": 0.02, "simulation.months": 24, "simulation.burn_in_months": 12}
VARY = {"policy.contract_months": [12, 24, 36, 48, 60, 72, 84, 96, 108, 120]}
STUDY = f"""[study]
scenario = "{SCEN}"
replications = 100
seed = 3
design = "grid"
set = {{ "simulation.scale" = 0.02, "simulation.months" = 24, "simulation.burn_in_months" = 12 }}
[vary]
"policy.contract_months" = [12, 24, 36, 48, 60, 72, 84, 96, 108, 120]
"""

ratios = []
with tempfile.TemporaryDirectory() as tmp:
    study = os.path.join(tmp, "study.toml")
    with open(study, "w") as f:
        f.write(STUDY)
    for i in range(PAIRS):
        s = time.perf_counter()
        subprocess.run([BIN, "sweep", study, "--out", os.path.join(tmp, f"cli{i}"), "-q"], check=True)
        cli = time.perf_counter() - s
        s = time.perf_counter()
        res = cs.sweep(SCEN, vary=VARY, replications=100, seed=3, set=SET, out=os.path.join(tmp, f"py{i}"), quiet=True)
        py = time.perf_counter() - s
        assert len(res.runs) == 1000
        ratios.append(py / cli)
        print(f"pair {i + 1}: CLI {cli:.2f} s, Python {py:.2f} s, ratio {py / cli:.3f}")
print(f"1,000-run sweep: Python / CLI median ratio {statistics.median(ratios):.3f} over {PAIRS} alternating pairs "
      f"(range {min(ratios):.3f}–{max(ratios):.3f})")
