"""The memory limit (README, "Limits"; scripts/memory_check.py): under COMMISSIM_MEMORY_LIMIT_MB a
market whose estimate is above the limit is refused when read, and one that outgrows the limit
while it runs stops mid-run — each with one error line naming the scenario file and the key, exit
2, no output folder and a peak memory within the limit; so does a block the system refuses (a ulimit).
A comparison stopped this way leaves no results,
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


def test_memory_the_system_refuses_stops_the_run_cleanly(tmp_path):
    """Under a `ulimit -v` below what the market needs, the block the system refuses ends the run
    as the limit does (one error line, exit 2, no output), not with a crash."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (250 * 2**20, 250 * 2**20))

    out = tmp_path / "run"
    cmd = [BIN, "run", str(ROOT / "scenarios" / "baseline.toml"), "--out", str(out), "-q"]
    for s in ["simulation.scale=0.005", "councils[counties].count=100000", "simulation.burn_in_months=12", "simulation.months=12"]:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=cap)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "the system refused" in lines[0], r.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".run")]


def test_a_limit_that_is_not_a_number_of_megabytes_is_refused(tmp_path):
    """COMMISSIM_MEMORY_LIMIT_MB must be a number of megabytes: anything else stops the command
    with one line naming the variable (it used to be ignored silently, running under 4 GiB)."""
    for bad in ["abc", "0", "-5", "inf", "1e30"]:
        r = subprocess.run([BIN, "run", str(ROOT / "scenarios" / "baseline.toml"), "--out", str(tmp_path / "run"), "-q", "--months", "1"],
                           capture_output=True, text=True, env={**os.environ, "COMMISSIM_MEMORY_LIMIT_MB": bad})
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1, (bad, r.stderr)
        assert lines[0].startswith("error: COMMISSIM_MEMORY_LIMIT_MB: ") and "fix: " in lines[0], lines[0]
        assert not (tmp_path / "run").exists()
