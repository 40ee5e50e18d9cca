"""scripts/equivalence.py: the statistical-equivalence check a faster engine must pass (issue
"Twice as fast per simulated month"). An engine compared with itself never differs; an engine whose
model is changed (here: 60% more referrals, applied to the new runs only) is caught; too few seeds
to ever see a difference among the tests is refused with exit 2."""
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "equivalence.py"
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))
TINY = ["--scale", "0.03", "--months", "12", "--scenarios", "three_year,price_squeeze"]


def equivalence(*args):
    return subprocess.run([sys.executable, str(SCRIPT), BIN, BIN, *TINY, *args], capture_output=True, text=True)


def test_an_engine_is_equivalent_to_itself(tmp_path):
    r = equivalence("--seeds", "10", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(tmp_path / "equivalence.csv")
    assert len(table) == 2 * 17 and set(table.scenario) == {"three_year", "price_squeeze"}
    assert (table.holm_p == 1).all() and not table.differs.any()


def test_a_changed_model_is_caught():
    r = equivalence("--seeds", "10", "--set-new", "demand.referrals_per_10k=6")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "children_served" in r.stdout and "DIFFERS" in r.stdout


def test_too_few_seeds_are_refused():
    r = equivalence("--seeds", "6")
    assert r.returncode == 2
    assert "use --seeds 8 or more" in r.stderr
