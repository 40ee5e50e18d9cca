"""Text from a scenario — a group's name — may hold commas, quotes, line ends, control characters,
non-ASCII and spreadsheet formulas. It must come out of every file as it went in: councils.csv
quoted per RFC 4180 (one row per council, the same columns in every row), and
scenario.resolved.toml escaped so that running it repeats the run byte for byte (the names used to
be written raw: a comma split councils.csv's columns, a line break made the resolved scenario
unreadable)."""
import csv
import filecmp
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("COMMISSIM_BIN", str(ROOT / ".build" / "release" / "commissim"))

NAMES = ['a,b "quoted"\nnew\rline\ttab \x01 \\ back', "=cmd|' /C calc'!A0 é🙂"]


def toml_string(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out += "\\u%04X" % ord(ch)
        else:
            out += ch
    return out + '"'


def test_group_names_of_any_text_survive_csv_and_the_resolved_scenario(tmp_path):
    groups = "".join(f"[[councils]]\nname = {toml_string(n)}\ncount = {3 + i}\nchildren = 50000\n" for i, n in enumerate(NAMES))
    scenario = tmp_path / "names.toml"
    scenario.write_text("[simulation]\nmonths = 12\nburn_in_months = 6\nscale = 0.05\n" + groups, encoding="utf-8")
    first, again = tmp_path / "first", tmp_path / "again"
    r = subprocess.run([BIN, "run", str(scenario), "--out", str(first), "-q", "--detail"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(first / "councils.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len({len(row) for row in rows}) == 1, "every row has the header's columns"
    name = rows[0].index("name")
    assert {row[name] for row in rows[1:]} == set(NAMES)
    r = subprocess.run([BIN, "run", str(first / "scenario.resolved.toml"), "--out", str(again), "-q", "--detail"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for f in ["timeseries.csv", "councils.csv", "providers.csv"]:
        assert filecmp.cmp(first / f, again / f, shallow=False), f
