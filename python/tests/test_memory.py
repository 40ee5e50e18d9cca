"""The memory limit (README, "Limits"; scripts/memory_check.py): under COMMISSIM_MEMORY_LIMIT_MB a
market whose estimate is above the limit is refused when read, and one that outgrows the limit
while it runs stops mid-run — each with one error line naming the scenario file and the key, exit
2, no output folder and a peak memory within the limit. A comparison stopped this way leaves no results,
only its journal of finished runs in OUT/.partial, as after Ctrl-C (to resume under a higher limit)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))


def test_markets_stop_at_the_memory_limit():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "memory_check.py"), BIN, "--quick"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "stopped: error:" in r.stdout and "in month" in r.stdout and "would need about" in r.stdout
    assert r.stdout.strip().endswith("memory: 0 failed")


def test_a_comparison_that_outgrows_the_limit_leaves_no_results(tmp_path):
    out = tmp_path / "cmp"
    sets = ["simulation.scale=0.003", "councils[counties].count=100000", "simulation.burn_in_months=12", "simulation.months=36"]
    cmd = [BIN, "compare", str(ROOT / "scenarios" / "rising_demand.toml"), str(ROOT / "scenarios" / "rising_demand.toml"),
           "--out", str(out), "--replications", "2", "-q"]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "COMMISSIM_MEMORY_LIMIT_MB": "164"})
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "rising_demand.toml" in lines[0] and "simulation.scale" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == [".partial"], "no results, only the journal"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cmp")], "no staging folder"
