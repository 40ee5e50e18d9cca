"""Tutorial: a Sobol analysis with SALib and scenario discovery with EMA Workbench's PRIM, both
run through commissim's sweep (threads, resume, common random numbers).

    .venv/bin/pip install -r python/requirements.txt ./python
    .venv/bin/python docs/tutorials/sobol_and_prim.py            # a 20% market: a few minutes on 2 cores
    .venv/bin/python docs/tutorials/sobol_and_prim.py --quick    # a tiny market, seconds (what the tests run)

Question: which uncertain parameters drive the outcomes of leavers under ten-year contracts, and
in which region of them are outcomes poor?
"""
import sys
import warnings
from pathlib import Path

import commissim as cs

ROOT = Path(__file__).resolve().parents[2]
QUICK = "--quick" in sys.argv
SCENARIO = ROOT / "scenarios" / "ten_year.toml"
# A smaller, shorter market for a tutorial; drop `set` for England scale (about 4 s a run).
SET = ({"simulation.scale": 0.05, "simulation.months": 24, "simulation.burn_in_months": 24} if QUICK
       else {"simulation.scale": 0.2, "simulation.months": 120})
BOUNDS = {
    "investment.payback_months": (24, 96),      # how long providers will wait for investment to pay back
    "delivery.quality_sensitivity": (0.2, 1.0), # how much quality of care moves outcomes
    "trust.gain_rate": (0.02, 0.08),            # how fast trust builds
}

# 1. Sobol indices (SALib's Saltelli design, n·(d + 2) points, run as one sweep).
si = cs.sobol(SCENARIO, BOUNDS, outcome="outcome_mean", n=4 if QUICK else 64, replications=1 if QUICK else 2,
              seed=7, set=SET, quiet=QUICK)
print("Sobol indices of the outcomes of leavers (first order S1, total ST, 95% intervals):"
      + ("  [--quick: far too few points for meaningful indices]" if QUICK else ""))
print(si.indices.round(3).to_string(index=False))

# 2. PRIM over an EMA Latin hypercube: where are outcomes in the worst quarter?
warnings.simplefilter("ignore")  # EMA warns about optional parallel back-ends
from ema_workbench import RealParameter  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402
from commissim.ema import perform_experiments  # noqa: E402

uncertainties = [RealParameter(name, lo, hi) for name, (lo, hi) in BOUNDS.items()]
experiments, outcomes = perform_experiments(SCENARIO, uncertainties, ["outcome_mean"], n_scenarios=16 if QUICK else 200,
                                            seed=7, set=SET, quiet=QUICK)
y = outcomes["outcome_mean"]
poor = y <= sorted(y)[len(y) // 4]
box = prim.Prim(experiments[list(BOUNDS)], poor, threshold=0.5).find_box()
print(f"\nPRIM box for the worst quarter of outcomes: coverage {box.coverage:.2f}, density {box.density:.2f}; limits:")
print(box.box_lims[-1].to_string())
