"""Input files at the size limit (4 MiB; README, "Limits") in the shapes that made reading them
quadratic: keys thousands of levels deep, a header of megabytes followed by many keys, hundreds of
thousands of unknown keys or council groups. Each must end as bad input does (exit 2, the first
errors by line with file, line and key, then a count of the rest), not hang: before the key
locator bounded its keys (SourceLocator.maxLevels, maxKeyLength) the long header took over 20
minutes. The 60-second bound is a hang check, far above the seconds these take (not a speed target)."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))
LIMIT = 4 * 2**20 - 64

SHAPES = {
    "deep_header": lambda: "[" + "a." * 100_000 + "b]\nx = 1\n",
    "long_header_then_keys": lambda: "[" + "a" * 2_000_000 + "]\n" + "".join(f"x{i} = 1\n" for i in range(150_000)),
    "unknown_keys": lambda: "[simulation]\n" + "".join(f"k{i} = 1\n" for i in range(300_000)),
    "council_groups": lambda: "".join(f'[[councils]]\nname = "c{i}"\nchildren = 1000\nregion = "r{i}"\n' for i in range(60_000)),
    "duplicate_keys": lambda: "[simulation]\n" + "x = 1\n" * 600_000,
    "long_keys": lambda: "[demand]\n" + "".join("k" * 500 + f"{i} = 1\n" for i in range(7_000)),
    # A sweep of 100,000 misspelt parameter paths, each compared with every parameter for a hint.
    "sweep_unknown_paths": lambda: '[study]\nscenario = "' + str(ROOT / "scenarios" / "baseline.toml") + '"\nreplications = 1\n[vary]\n'
    + "".join(f'"demand.trend{i}" = [0.01, 0.02]\n' for i in range(100_000)),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_file_at_the_size_limit_is_refused_in_seconds(tmp_path, shape):
    text = SHAPES[shape]()[:LIMIT]
    text = text[: text.rindex("\n") + 1]  # whole lines: the shape itself, not a cut line, is refused
    path = tmp_path / f"{shape}.toml"
    path.write_text(text)
    command = "sweep" if shape.startswith("sweep") else "run"
    r = subprocess.run([BIN, command, str(path), "--out", str(tmp_path / "out"), "-q"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 21, f"{len(lines)} lines: the first 20 errors and a count at most"
    assert all(line.startswith(f"error: {path}") for line in lines), lines[:3]
    assert all(len(line) < 1200 for line in lines), "long keys are shortened in messages"
    if len(lines) == 21:
        assert "more problems not shown" in lines[-1]
    assert not (tmp_path / "out").exists()


def test_thousands_of_overrides_are_refused_and_hundreds_run(tmp_path):
    """The argument parser's work grows with the square of repeated options (20,000 `--set`s took
    minutes): above 4,000 arguments the command is refused with one line; 1,900 `--set`s run."""
    scenario = str(ROOT / "scenarios" / "baseline.toml")
    many = [a for _ in range(5_000) for a in ("--set", "demand.trend=0.01")]
    r = subprocess.run([BIN, "run", scenario, "--out", str(tmp_path / "a"), "-q", *many], capture_output=True, text=True, timeout=60)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "above the limit of 4000" in lines[0] and "fix: " in lines[0], r.stderr[-500:]
    some = [a for _ in range(1_900) for a in ("--set", "demand.trend=0.01")]
    small = ["--months", "1", "--set", "simulation.burn_in_months=0", "--set", "simulation.scale=0.01"]
    r = subprocess.run([BIN, "run", scenario, "--out", str(tmp_path / "b"), "-q", *small, *some], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-500:]
