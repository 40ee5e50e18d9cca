"""A sweep's resume record (OUT/.partial/state) damaged outside commissim — a disk fault, an edit —
is reported as damaged, with the fix (delete it or --fresh), not as the record of another study;
--fresh then runs the sweep from the start."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))


def test_a_damaged_resume_record_is_named_and_fresh_starts_again(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(f'[study]\nscenario = "{ROOT / "scenarios" / "baseline.toml"}"\nreplications = 2\n'
                     'set = { "simulation.scale" = 0.02, "simulation.burn_in_months" = 6, "simulation.months" = 12 }\n'
                     '[vary]\n"demand.trend" = [0.0, 0.02]\n')
    out = tmp_path / "out"
    for damage in [b"garbage{{{\n", b"", os.urandom(2000), b"commissim sweep\nstudy 12ab"]:
        (out / ".partial").mkdir(parents=True, exist_ok=True)
        (out / ".partial" / "state").write_bytes(damage)
        r = subprocess.run([BIN, "sweep", str(study), "--out", str(out), "-q"], capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and "is damaged" in lines[0] and "--fresh" in lines[0], r.stderr
    r = subprocess.run([BIN, "sweep", str(study), "--out", str(out), "-q", "--fresh"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (out / "summary.csv").exists() and not (out / ".partial").exists()
