"""Interrupted commands leave nothing half-written: Ctrl-C, SIGTERM or SIGHUP (a closed terminal)
stops `run` at once, removes its staging folder, keeps an earlier result in --out whole and exits
128 + the signal; `compare` finishes the runs in flight on the first signal and stops at once on a
second, keeping only its resume record (.partial). A signal the process was started ignoring
(nohup) stays ignored."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
# Long enough to be under way when the signal comes (a few seconds at England scale).
LONG = ["--set", "simulation.months=1200", "--set", "simulation.burn_in_months=600"]
SMALL = ["--set", "simulation.scale=0.05", "--set", "simulation.months=12", "--set", "simulation.burn_in_months=12"]


def as_from_a_terminal():
    """Default signal actions in the child, as a command typed at a terminal has them: CI may
    start the tests with SIGINT or SIGHUP ignored (a background job, nohup), and commissim keeps
    a signal it was started ignoring ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_run_leaves_the_earlier_result_whole_and_nothing_else(tmp_path, sig):
    out = tmp_path / "out"
    subprocess.run([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL], check=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    p = subprocess.Popen([BIN, "run", BASELINE, "--out", str(out), "-q", *LONG], stderr=subprocess.PIPE,
                         preexec_fn=as_from_a_terminal, start_new_session=True)
    time.sleep(1.0)
    p.send_signal(sig)
    p.wait(timeout=60)
    assert p.returncode == 128 + sig, p.stderr.read()
    assert listing(tmp_path) == ["out"]  # no staging folder left beside it
    assert {q.name: q.read_bytes() for q in out.iterdir()} == before


def test_a_signal_ignored_at_start_stays_ignored(tmp_path):
    out = tmp_path / "out"
    def as_nohup_starts_it():
        as_from_a_terminal()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    p = subprocess.Popen([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL, "--set", "simulation.months=240"],
                         preexec_fn=as_nohup_starts_it)
    time.sleep(0.2)
    p.send_signal(signal.SIGHUP)
    assert p.wait(timeout=120) == 0
    assert (out / "timeseries.csv").exists() and (out / "manifest.json").exists()


def test_compare_keeps_its_finished_runs_and_a_second_signal_stops_it_at_once(tmp_path):
    out = tmp_path / "cmp"
    cmd = [BIN, "compare", str(ROOT / "scenarios" / "three_year.toml"), str(ROOT / "scenarios" / "ten_year.toml"),
           "--replications", "40", "--out", str(out), "-q", "--threads", "1"]
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal, start_new_session=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    assert p.returncode == 128 + signal.SIGTERM, p.stderr.read()
    assert listing(tmp_path) == ["cmp"] and listing(out) == [".partial"]
    # The first signal alone: the runs in flight finish, are saved, and the command says how to resume.
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal, start_new_session=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=300)
    err = p.stderr.read()
    assert p.returncode == 128 + signal.SIGINT and "run the same command again to resume" in err, err
    assert listing(tmp_path) == ["cmp"] and listing(out) == [".partial"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_report_leaves_the_earlier_one_whole(tmp_path, sig):
    """`commissim report` runs the Python package: a SIGTERM or SIGHUP sent to the binary alone
    ended it and left the Python drawing; Ctrl-C (to both) printed a traceback. The signal is
    passed on, the staged report is removed, the earlier report stays byte for byte and the
    command exits 128 + the signal, silently."""
    out = tmp_path / "run"
    subprocess.run([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL], check=True)
    env = dict(os.environ, COMMISSIM_BIN=BIN)
    quiet = subprocess.run([BIN, "report", str(out), "-q", "--metrics", "spend"], check=True, env=env, capture_output=True)
    assert quiet.stdout == b"" and quiet.stderr == b""  # -q, as every other command has it
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    p = subprocess.Popen([BIN, "report", str(out), "-q"], stderr=subprocess.PIPE, env=env,
                         preexec_fn=as_from_a_terminal, start_new_session=True)
    # The signal comes once the report is being staged (the Python has started drawing).
    deadline = time.time() + 60
    while time.time() < deadline and not [f for f in os.listdir(out) if f.startswith(".report-")]:
        time.sleep(0.01)
    assert [f for f in os.listdir(out) if f.startswith(".report-")], "the report was never staged"
    if sig == signal.SIGINT:
        os.killpg(p.pid, sig)  # Ctrl-C reaches the whole foreground group
    else:
        p.send_signal(sig)  # a scheduler or `kill` signals the command alone
    p.wait(timeout=60)
    err = p.stderr.read().decode()
    assert p.returncode == 128 + sig and "Traceback" not in err, err
    time.sleep(0.2)
    assert not [f for f in os.listdir(out) if f.startswith(".report-")]
    assert {q.relative_to(out): q.read_bytes() for q in out.rglob("*") if q.is_file()} == before


def test_a_report_killed_outright_is_cleared_by_the_next(tmp_path):
    """SIGKILL leaves the staged report (`.report-PID-…`): the next report removes it once that
    process is gone, and keeps one whose process is still running."""
    out = tmp_path / "run"
    subprocess.run([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL], check=True)
    env = dict(os.environ, COMMISSIM_BIN=BIN)
    p = subprocess.Popen([BIN, "report", str(out), "-q"], env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not [f for f in os.listdir(out) if f.startswith(".report-")]:
        time.sleep(0.01)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    time.sleep(0.2)
    left = [f for f in os.listdir(out) if f.startswith(".report-")]
    assert left, "SIGKILL cannot be caught: the staged report stays until the next report"
    alive = out / f".report-{os.getpid()}-keep"  # this test's own process: still running
    alive.mkdir()
    subprocess.run([BIN, "report", str(out), "-q"], check=True, env=env)
    assert sorted(f for f in os.listdir(out) if f.startswith(".report-")) == [alive.name]
    assert (out / "REPORT.md").exists()


def test_two_runs_into_one_folder_at_once_leave_one_whole_result(tmp_path):
    """Two `run`s finishing into the same --out at the same moment: the folder holds one of them
    whole (its manifest's seed is its series'), and the other says so in one line — it said
    "cannot replace the old output folder: No such file or directory — fix: check the folder's
    permissions" when the other had moved the old folder aside first, or "Directory not empty"."""
    small = ["--set", "simulation.scale=0.02", "--set", "simulation.months=6", "--set", "simulation.burn_in_months=0"]
    ref = {}
    for seed in (11, 22):
        subprocess.run([BIN, "run", BASELINE, "--out", str(tmp_path / f"r{seed}"), "-q", "--seed", str(seed), *small], check=True)
        ref[seed] = (tmp_path / f"r{seed}" / "timeseries.csv").read_bytes()
    out = tmp_path / "race"
    for _ in range(12):
        ps = [subprocess.Popen([BIN, "run", BASELINE, "--out", str(out), "-q", "--seed", str(seed), *small],
                               stderr=subprocess.PIPE) for seed in (11, 22)]
        for p in ps:
            p.wait(timeout=120)
            err = p.stderr.read().decode()
            assert p.returncode == 0 or (p.returncode == 2 and "another process wrote its results into the folder" in err), err
        seed = int(json.loads((out / "manifest.json").read_text())["seed"])
        assert (out / "timeseries.csv").read_bytes() == ref[seed]
        assert sorted(os.listdir(tmp_path)) == ["r11", "r22", "race"], "nothing left beside it"


def test_a_run_is_not_written_into_a_folder_another_command_is_writing(tmp_path):
    """A run takes no lock: written into a folder a sweep was writing, its timeseries.csv stayed
    beside the sweep's results when the sweep finished. A folder that holds a sweep's,
    comparison's or calibration's unfinished work (`.partial/`, running or interrupted) is
    refused, before the run and again before its files are moved in."""
    study = tmp_path / "study.toml"
    study.write_text(f'[study]\nscenario = "{BASELINE}"\nreplications = 4\n[vary]\n"policy.contract_months" = [36, 60, 120]\n')
    out = tmp_path / "sweep"
    p = subprocess.Popen([BIN, "sweep", str(study), "--out", str(out), "-q", "--set", "simulation.scale=0.2",
                          "--set", "simulation.months=120"], preexec_fn=as_from_a_terminal, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (out / ".partial" / "state").exists():
        time.sleep(0.01)
    r = subprocess.run([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL], capture_output=True, text=True)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    assert r.returncode == 2 and "holds the unfinished work of a sweep (.partial)" in r.stderr, r.stderr
    assert not (out / "timeseries.csv").exists()
    # Interrupted (the .partial it resumes from is still there): refused the same way.
    assert (out / ".partial").is_dir()
    r = subprocess.run([BIN, "run", BASELINE, "--out", str(out), "-q", *SMALL], capture_output=True, text=True)
    assert r.returncode == 2 and "unfinished work of a sweep" in r.stderr, r.stderr
