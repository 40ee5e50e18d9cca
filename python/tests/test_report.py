"""Tests of `commissim report` (commissim.report) on real, small results of every kind: what a
reader relies on — the arms named as the study names them, the plain words led by children, the
numbers those of comparison.csv, Fieller's interval as the binary computes it, a page that opens
offline and renders its charts in a real browser (Chromium, headless), and one-line errors."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import commissim as cs
from commissim.report import kind_of, report
from commissim.report.catalogue import catalogue
from commissim.report.effects import Effect, concern_words

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"
SMALL = {"simulation.scale": 0.03, "simulation.months": 24, "simulation.burn_in_months": 12}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    study = tmp / "study.toml"
    study.write_text(f"""
[study]
title = "Report test study"
replications = 4
seed = 11
set = {{ "simulation.scale" = 0.03, "simulation.months" = 24, "simulation.burn_in_months" = 12 }}

[[comparison]]
name = "length"
title = "Contract length"
a = "{SCEN}/three_year.toml"
b = "{SCEN}/ten_year.toml"
label_a = "Short contracts"
label_b = "Long contracts"

[[comparison]]
name = "strategies"
title = "Price squeeze against co-design"
a = "{SCEN}/price_squeeze.toml"
b = "{SCEN}/codesign.toml"
""")
    cs.compare(study, out=tmp / "study", quiet=True)
    cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=4, set=SMALL, label_b="ten years", out=tmp / "cmp", quiet=True)
    cs.run(SCEN / "baseline.toml", set=SMALL, out=tmp / "run", quiet=True)
    cs.sweep(SCEN / "baseline.toml", vary={"policy.contract_months": [36, 120], "budget.growth": [0.0, 0.02]}, replications=3, seed=5,
             set=SMALL, contrast={"policy.contract_months": [36, 120]}, out=tmp / "sweep", quiet=True)
    cs.sweep(SCEN / "baseline.toml", vary={"policy.contract_months": [36, 120]}, replications=1, seed=5, set=SMALL,
             out=tmp / "sweep1", quiet=True)
    return tmp


def test_each_kind_is_recognised_and_reported(results):
    for name, kind in [("study", "study"), ("cmp", "comparison"), ("run", "run"), ("sweep", "sweep"), ("sweep1", "sweep")]:
        assert kind_of(results / name) == kind
        r = report(results / name)
        assert r.kind == kind
        assert (results / name / "REPORT.md").read_text() == r.markdown
        assert (results / name / "report.html").exists()
        for fig in os.listdir(results / name / "figures"):
            assert (results / name / "figures" / fig).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "![" in r.markdown, f"{name}: the report has figures"


def test_arms_are_named_as_the_study_names_them_and_the_plain_words_lead_with_children(results):
    md = report(results / "study").markdown
    assert md.startswith("# Report test study")
    assert "With Long contracts instead of Short contracts" in md
    # An arm without a label is named by its file, never assumed to be a contract length.
    assert "With codesign instead of price_squeeze" in md
    assert "ten-year" not in md.lower() and "3-year" not in md
    cat = catalogue()
    order = [c for c in cat.concerns if c != "other"]
    for para in [l for l in md.splitlines() if l.startswith('<p class="summary"')]:
        seen = [para.index(f"For {concern_words(c)}:") for c in order if f"For {concern_words(c)}:" in para]
        assert seen == sorted(seen), para
        if "No clear difference in:" in para:
            assert para.index("No clear difference in:") > max(seen, default=0)
    assert "With ten years instead of three_year" in report(results / "cmp").markdown


def test_tables_quote_comparison_csv_and_say_when_a_difference_is_not_clear(results):
    md = report(results / "study").markdown
    rows = pd.read_csv(results / "study" / "length" / "comparison.csv").set_index(["metric", "measure"])
    section = md.split("### Contract length")[1].split("###")[0]
    for metric, measure, label in [("breakdowns", "total", "Placement breakdowns"), ("spend", "total", "Council spend"),
                                   ("outcome_mean", "end", "Outcome score of leavers")]:
        r = rows.loc[(metric, measure)]
        rel, lo, hi = (100 * float(r[k]) for k in ("rel_diff", "rel_ci95_low", "rel_ci95_high"))
        line = next(l for l in section.splitlines() if l.startswith("|") and l.split("|")[2].strip().startswith(label))
        assert f"{rel:+.1f}% ({lo:+.1f}% to {hi:+.1f}%)" in line
        clear = r["diff_ci95_low"] > 0 or r["diff_ci95_high"] < 0
        assert line.rstrip(" |").endswith("no clear difference") == (not clear)


def test_fieller_interval_in_python_is_the_binarys(results):
    runs = pd.read_csv(results / "cmp" / "runs.csv")
    rows = pd.read_csv(results / "cmp" / "comparison.csv").set_index(["metric", "measure"])
    cat = catalogue()
    checked = 0
    for metric in ["spend", "breakdowns", "outcome_mean", "investment", "price_fostering"]:
        m = cat.get(metric)
        col = f"{metric}_{m.measure}"
        a = runs[runs["arm"] == "A"].sort_values("replication")[col].to_numpy()
        b = runs[runs["arm"] == "B"].sort_values("replication")[col].to_numpy()
        e = Effect.from_pairs(m, a, b)
        r = rows.loc[(metric, m.measure)]
        if pd.isna(r["rel_ci95_low"]):
            continue
        # Python works from runs.csv, whose values are rounded to 1e-6 (CSVFormat.number), the binary
        # from the unrounded ones: each value is off by up to d = 5e-7, each paired difference by
        # up to 2d, which moves a bound of the mean difference by up to (1 + t) 2d with t the
        # interval's t quantile (the mean and the spread of the differences both move), and a
        # bound of the relative difference by that over the arm-A mean; the bound written is
        # itself rounded to 1e-6. Small-valued metrics such as
        # outcome_mean (about 0.5) need this; large ones are held by the relative tolerance.
        d, t = 5e-7, 3.2  # t(0.975, 3) for the 4 replications here is 3.18
        diff_tol = 5e-7 + 2 * (1 + t) * d
        rel_tol = 5e-7 + 2 * (1 + t) * d / abs(a.mean())
        assert e.rel_low == pytest.approx(r["rel_ci95_low"], rel=1e-4, abs=rel_tol)
        assert e.rel_high == pytest.approx(r["rel_ci95_high"], rel=1e-4, abs=rel_tol)
        assert e.low == pytest.approx(r["diff_ci95_low"], rel=1e-4, abs=diff_tol)
        checked += 1
    assert checked >= 3


def test_counts_on_a_small_base_also_get_absolute_differences_and_no_interval_passes_minus_100(results):
    md = report(results / "study").markdown
    import re
    for lo in re.findall(r"\(([-+]\d+\.\d)% to", md):
        assert float(lo) >= -100.0
    rows = pd.read_csv(results / "study" / "length" / "comparison.csv").set_index(["metric", "measure"])
    r = rows.loc[("exits_small_charity", "total")]
    assert r["mean_a"] < 100
    line = next(l for l in md.split("### Contract length")[1].splitlines() if "Small-charity exits" in l)
    assert "providers (" in line, "an absolute difference in providers beside the relative one"


def test_sweep_contrasts_pair_replications_and_one_replication_gives_no_interval(results):
    md = report(results / "sweep").markdown
    assert "## Contrast: policy.contract_months = 120 against policy.contract_months = 36" in md
    assert "At budget.growth = 0." in md and "At budget.growth = 0.02." in md
    # The contrast's difference is the mean of paired differences in runs.csv.
    runs = pd.read_csv(results / "sweep" / "runs.csv")
    g = runs[runs["budget.growth"] == 0]
    a = g[g["policy.contract_months"] == 36].set_index("replication")["spend_total"]
    b = g[g["policy.contract_months"] == 120].set_index("replication")["spend_total"]
    e = Effect.from_pairs(catalogue().get("spend"), a.to_numpy(), b.loc[a.index].to_numpy())
    line = next(l for l in md.split("## Contrast")[1].splitlines() if l.startswith("| Council spend"))
    assert line.split("|")[2].strip().startswith(e.text())
    one = report(results / "sweep1").markdown
    assert "One replication per point: the intervals are empty" in one
    assert " to " not in one.split("## By point")[1].split("## Pictures")[0]


def test_chosen_metrics_only_and_unknown_ones_refused(results):
    md = report(results / "cmp", metrics=["spend", "outcome_mean"]).markdown
    table = md.split("## The measures")[1].split("## Pictures")[0]
    assert "Council spend" in table and "Outcome score of leavers" in table and "Placement breakdowns" not in table
    with pytest.raises(cs.CommissimError) as e:
        report(results / "cmp", metrics=["spend", "month"])
    assert e.value.key == "metrics" and "commissim columns" in e.value.fix
    assert e.value.file == str(results / "cmp"), "named against the folder, as every other error is"
    with pytest.raises(cs.CommissimError) as e:
        report(results / "cmp", title="two\nlines")
    assert e.value.key == "title" and e.value.file == str(results / "cmp")


def test_the_page_is_self_contained(results, tmp_path):
    page = report(results / "study").html
    assert (results / "study" / "report.html").read_text() == page
    import re
    srcs = re.findall(r'src="([^"]*)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "http://" not in page and "https://" not in page
    assert "<table>" in page and "<h1>Report test study</h1>" in page
    # A label is text on the page, never markup (a study file is a user's input).
    hostile = tmp_path / "hostile"
    shutil.copytree(results / "cmp", hostile)
    manifest = json.loads((hostile / "manifest.json").read_text())
    manifest["label_b"] = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    (hostile / "manifest.json").write_text(json.dumps(manifest))
    page = report(hostile).html
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (scripts/install-deps.sh --browser)")
def test_the_page_renders_its_charts_in_a_headless_browser(results, tmp_path):
    report(results / "study")
    page = (results / "study" / "report.html").resolve().as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=5000"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    import re
    m = re.search(r'<body data-charts="(\d+)" data-charts-rendered="(\d+)"', dom)
    assert m, "the page's load script ran"
    charts, rendered = int(m.group(1)), int(m.group(2))
    assert charts >= 3 and rendered == charts, (charts, rendered)
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1280,2000", f"--screenshot={shot}", page], capture_output=True, timeout=120)
    import matplotlib.image
    pixels = matplotlib.image.imread(shot)[..., :3]
    ink = (pixels.mean(axis=2) < 0.9).mean()
    assert pixels.shape[0] >= 1000 and 0.02 < ink < 0.6, ink  # text and tables drawn, not a blank or black page
    keep = os.environ.get("COMMISSIM_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


def test_the_binarys_report_command_runs_the_package_and_says_what_is_wrong(results, tmp_path):
    env = dict(os.environ, COMMISSIM_PYTHON=sys.executable)
    p = subprocess.run([cs.binary(), "report", str(results / "cmp"), "--metrics", "spend"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert "comparison report" in p.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    p = subprocess.run([cs.binary(), "report", str(empty)], capture_output=True, text=True, env=env)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "fix:" in lines[0] and str(empty) in lines[0]
    p = subprocess.run([cs.binary(), "report", str(results / "cmp")], capture_output=True, text=True,
                       env=dict(os.environ, COMMISSIM_PYTHON="/nonexistent/python"))
    assert p.returncode == 2 and "COMMISSIM_PYTHON" in p.stderr


def test_a_study_with_mixed_or_missing_comparisons_is_refused(results, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(results / "study", broken)
    shutil.rmtree(broken / "strategies")
    with pytest.raises(cs.CommissimError) as e:
        report(broken)
    assert "1 of the study's 2 comparisons" in str(e.value)
    shutil.copytree(results / "study" / "strategies", broken / "strategies")
    manifest = json.loads((broken / "length" / "manifest.json").read_text())
    manifest["study_fingerprint"] = "0" * 16
    (broken / "length" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(cs.CommissimError) as e:
        report(broken)
    assert "different runs" in str(e.value)


def test_damaged_results_give_one_line_errors_not_tracebacks(results, tmp_path):
    cases = {
        "manifest is not JSON": ("cmp", "manifest.json", "{not json"),
        "comparison.csv lost its columns": ("cmp", "comparison.csv", "metric,measure\nspend,total\n"),
        "comparison.csv is empty": ("cmp", "comparison.csv", ""),
        "runs.csv lost its columns": ("sweep", "runs.csv", "point,replication\n0,0\n"),
        "timeseries.csv is binary": ("run", "timeseries.csv", "\x00\x01\x02"),
    }
    for what, (src, name, text) in cases.items():
        folder = tmp_path / what.replace(" ", "_")
        shutil.copytree(results / src, folder)
        (folder / name).write_text(text)
        p = subprocess.run([sys.executable, "-m", "commissim.report", str(folder)], capture_output=True, text=True)
        assert p.returncode == 2, (what, p.stderr)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "fix:" in lines[0], (what, p.stderr)
        assert not (folder / "report.html.tmp").exists()


def test_a_full_disk_while_drawing_is_one_line_naming_the_figure(results, tmp_path, monkeypatch):
    """A figure that cannot be written (a full disk) was a traceback ending in OSError; it is one
    CommissimError naming the PNG, and no half-written PNG is left."""
    import errno

    from PIL import Image

    real_save = Image.Image.save

    def full_disk(self, fp, *args, **kwargs):
        real_save(self, fp, *args, **kwargs)
        if isinstance(fp, (str, os.PathLike)):  # a file on disk (matplotlib saves into memory too)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # written, then the disk is full

    monkeypatch.setattr(Image.Image, "save", full_disk)
    folder = tmp_path / "run"
    shutil.copytree(results / "run", folder)
    for earlier in ("REPORT.md", "report.html"):  # an earlier test's report of this folder
        (folder / earlier).unlink(missing_ok=True)
    shutil.rmtree(folder / "figures", ignore_errors=True)
    with pytest.raises(cs.CommissimError) as e:
        report(folder)
    assert e.value.file == str(folder / "figures" / "series.png"), e.value.file  # where it was to be, not the staged copy
    assert "No space left on device" in e.value.message and "free disk space" in e.value.fix
    assert not (folder / "REPORT.md").exists() and not (folder / "figures").exists()
    assert not [f for f in os.listdir(folder) if f.startswith(".report-")]


def test_a_report_that_fails_leaves_the_earlier_one_whole(results, tmp_path, monkeypatch):
    """A report that fails part-way (here the page cannot be written: a full disk) left the
    earlier report's REPORT.md beside its figures deleted, or a new REPORT.md beside the old
    page. The report is staged beside the folder and moved in whole: the earlier one is kept byte
    for byte, nothing staged is left, and an --out folder the call made is removed."""
    import errno

    from commissim.report.document import Document

    folder = tmp_path / "run"
    shutil.copytree(results / "run", folder)
    report(folder, metrics=["spend", "outcome_mean"])
    (folder / "figures" / "notes.txt").write_text("the user's")
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert (folder / "figures" / "series.png").exists()

    def full_disk(self, where):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.path.join(where, "report.html"))

    monkeypatch.setattr(Document, "html", full_disk)
    with pytest.raises(cs.CommissimError) as e:
        report(folder, metrics=["children_served", "children_waiting"])
    assert e.value.file == str(folder / "report.html") and "No space left on device" in e.value.message
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert not [f for f in os.listdir(folder) if f.startswith(".report-")]
    with pytest.raises(cs.CommissimError):
        report(folder, out=tmp_path / "new" / "elsewhere")
    assert not (tmp_path / "new" / "elsewhere").exists()
    monkeypatch.undo()
    with pytest.raises(cs.CommissimError) as e:  # was "cannot create : No such file or directory"
        report(folder, out="")
    assert e.value.key == "--out" and "empty" in e.value.message
    # And a report that succeeds replaces the earlier figures (none stale) and keeps other files.
    report(folder, metrics=["children_served"])
    assert sorted(os.listdir(folder / "figures")) == ["notes.txt", "series.png"]
    assert (folder / "figures" / "series.png").read_bytes() != before[Path("figures/series.png")]
    assert "children_served" in (folder / "REPORT.md").read_text() or "Children" in (folder / "REPORT.md").read_text()


def test_a_breakdown_by_council_group_is_reported_per_group(results, tmp_path):
    res = cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=3, set=SMALL, by="group", out=tmp_path / "groups", quiet=True)
    md = report(tmp_path / "groups").markdown
    section = md.split("### By council group")[1].split("## Pictures")[0]
    groups = res.groups[res.groups["level"].isin(["group", "england"])]
    for name in groups["group"].unique():
        assert f"**{name}.** With ten_year instead of three_year" in section
    r = groups[(groups["group"] == "England") & (groups["metric"] == "spend")].iloc[0]
    line = next(l for l in section.splitlines() if l.startswith("| England | Spend"))
    assert f"{100 * r['rel_diff']:+.1f}% ({100 * r['rel_ci95_low']:+.1f}% to {100 * r['rel_ci95_high']:+.1f}%)" in line


def test_facts_verdicts_read_the_claimed_direction_off_the_interval():
    # scripts/report.py judges each stylised-fact claim from the study's own intervals.
    import importlib.util
    from types import SimpleNamespace
    spec = importlib.util.spec_from_file_location("report_script", Path(__file__).parents[2] / "scripts" / "report.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    def effect(diff, low, high):
        return SimpleNamespace(diff=diff, clear=low > 0 or high < 0)

    assert script.verdict(effect(2, 1, 3), "+") == "holds"
    assert script.verdict(effect(-2, -3, -1), "-") == "holds"
    assert script.verdict(effect(-2, -3, -1), "+").startswith("**fails")
    assert script.verdict(effect(1, -1, 3), "+") == "not resolved"
    assert script.verdict(effect(5, 4, 6), None) == "context"
    # Every fact's rows name a direction or None, and every claimed metric is in the catalogue.
    cat = catalogue()
    for rows in script.FACT_METRICS.values():
        for metric, measure, direction in rows:
            assert direction in ("+", "-", None)
            assert cat.get(metric, measure) is not None


def test_calibration_at_scale_reads_targets_as_calibrate_does():
    # scripts/calibration_at_scale.py: a target's window mean, its expression, per-scale levels.
    import importlib.util
    spec = importlib.util.spec_from_file_location("cal_scale", Path(__file__).parents[2] / "scripts" / "calibration_at_scale.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    ts = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [10.0, 10.0, 20.0, 20.0]})
    targets = [{"metric": "a", "from": 2, "to": 3},
               {"expression": "12 * (a + b) / 2", "from": 1, "to": 4},
               {"metric": "b", "from": 2, "to": 4, "every": 2, "per_scale": True},
               {"expression": "-a / (b - b)", "from": 1, "to": 4}]
    got = script.moments(ts, targets, 0.5)
    assert got[0] == 2.5
    assert got[1] == 12 * (2.5 + 15.0) / 2
    assert got[2] == 15.0 / 0.5          # months 2 and 4, divided by the scale
    assert got[3] != got[3]               # a division by zero is NaN, as in calibrate
    with pytest.raises(ValueError):
        script.evaluate("__import__('os')", lambda name: 1.0)


def test_convergence_plot_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """`commissim calibrate` draws convergence.png with commissim.calibration_plot: a disk that
    filled while matplotlib wrote it left half of a PNG in place of the earlier one."""
    import errno

    import matplotlib.figure

    from commissim import calibration_plot

    pd.DataFrame({"evaluation": [1, 2, 3, 4], "objective": [9.0, 4.0, 5.0, 1.0], "best_objective": [9.0, 4.0, 4.0, 1.0],
                  "restart": [0, 0, 1, 1]}).to_csv(tmp_path / "journal.csv", index=False)
    png = calibration_plot.plot(tmp_path)
    earlier = png.read_bytes()
    assert earlier.startswith(b"\x89PNG")
    real = matplotlib.figure.Figure.savefig

    def full_disk(self, fname, *args, **kwargs):
        real(self, fname, *args, **kwargs)
        with open(fname, "r+b") as f:
            f.truncate(100)  # half written, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(fname))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full_disk)
    with pytest.raises(OSError):
        calibration_plot.plot(tmp_path)
    assert png.read_bytes() == earlier and sorted(os.listdir(tmp_path)) == ["convergence.png", "journal.csv"]


def test_money_reads_to_three_significant_figures():
    """Two fostering fees 0.5% apart (£1,150 and £1,156 a week) read as £1.1 k and £1.2 k beside
    "no clear difference": every amount keeps at least three significant figures."""
    from commissim.report.catalogue import fmt_value

    assert fmt_value(1149.955944, "£/week") == "£1.15 k/week" and fmt_value(1156.126436, "£/week") == "£1.16 k/week"
    assert fmt_value(102.62e9, "£") == "£102.62 bn" and fmt_value(982.9e6, "£") == "£982.9 m"
    assert fmt_value(9334522.8, "£/month") == "£9.33 m/month" and fmt_value(850, "£/week") == "£850/week"
    assert fmt_value(8.456, "£/month") == "£8.46/month" and fmt_value(0, "£") == "£0"


def test_no_report_of_a_folder_a_command_is_writing(results, tmp_path):
    """A report made while a sweep, comparison or calibration was writing the folder read results
    being replaced and could land beside the new ones. The report takes the lock those commands
    hold on `.partial/lock` (flock, as Study/PartialState.swift takes it) and is refused while
    one holds it; an unfinished command's lock file that no process holds does not stop it."""
    import fcntl

    folder = tmp_path / "cmp"
    shutil.copytree(results / "cmp", folder)
    (folder / ".partial").mkdir()
    fd = os.open(folder / ".partial" / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        with pytest.raises(cs.CommissimError) as e:
            report(folder)
        assert "another commissim process is writing" in e.value.message and e.value.file == str(folder)
        assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
        assert not [f for f in os.listdir(folder) if f.startswith(".report-")]
    finally:
        os.close(fd)
    report(folder)  # the lock released (the command finished or was stopped): reported as ever
    assert (folder / "REPORT.md").exists()


def test_no_report_lands_beside_results_that_replaced_those_it_drew(results, tmp_path, monkeypatch):
    """A run that finished into a folder while its report was drawn (3 times in 5 when started a
    second or two apart) left the report of the earlier run beside the new results: REPORT.md
    quoted seed 20261122 over a timeseries.csv of seed 7. The report notes the results it starts
    from and, holding the lock a command takes to move results in (FolderLock, OutputFolder.swift),
    checks they are still there before moving its files in; a report of results replaced while it
    was drawn is refused, and nothing of it is left."""
    import commissim.report as rep

    folder = tmp_path / "run"
    shutil.copytree(results / "run", folder)
    kind = kind_of(folder)
    drawn = rep.BUILDERS[kind]

    def drawn_while_a_run_replaces(*args):
        doc = drawn(*args)
        cs.run(SCEN / "baseline.toml", set=SMALL, seed=7, out=folder, quiet=True)  # a run into the folder meanwhile
        return doc

    monkeypatch.setitem(rep.BUILDERS, kind, drawn_while_a_run_replaces)
    with pytest.raises(cs.CommissimError) as e:
        report(folder, metrics=["spend"])
    assert "replaced while the report was drawn" in e.value.message and e.value.file == str(folder)
    assert str(json.loads((folder / "manifest.json").read_text())["seed"]) == "7"
    assert not (folder / "REPORT.md").exists() and not (folder / "figures").exists()
    assert not [f for f in os.listdir(folder) if f.startswith(".report-")]
    monkeypatch.undo()
    report(folder, metrics=["spend"])  # made again: of the results as they are now
    assert "--seed 7" in (folder / "REPORT.md").read_text()


def test_a_command_moves_its_results_in_only_while_no_report_is_moving_in(results, tmp_path):
    """The other half of the lock: a run that finishes while a report holds the folder's lock (for
    the moment it moves its files in) waits for it, then replaces the folder whole."""
    import fcntl
    import time

    from commissim._cli import binary

    folder = tmp_path / "run"
    shutil.copytree(results / "run", folder)
    before = (folder / "manifest.json").read_bytes()
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        cmd = [binary(), "run", str(SCEN / "baseline.toml"), "--out", str(folder), "--seed", "7", "-q"]
        cmd += [a for k, v in SMALL.items() for a in ("--set", f"{k}={v}")]
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        time.sleep(4)  # the run (a second or so) is done and waiting for the lock
        assert proc.poll() is None and (folder / "manifest.json").read_bytes() == before
    finally:
        os.close(fd)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert str(json.loads((folder / "manifest.json").read_text())["seed"]) == "7"


def test_a_calibration_folder_is_pointed_to_its_own_report(tmp_path):
    """A calibration's folder was said to hold "no commissim results"; its report is FIT.md."""
    (tmp_path / "fit.csv").write_text("target\n")
    (tmp_path / "FIT.md").write_text("# Calibration fit\n")
    with pytest.raises(cs.CommissimError) as e:
        report(tmp_path)
    assert "holds a calibration" in e.value.message and "FIT.md" in e.value.fix


def test_a_run_shorter_than_a_year_is_not_labelled_by_the_year(tmp_path):
    """Levels are means of the last 12 months, or of all of a shorter run (RunSummary.swift): a
    six-month comparison's report said "mean of the last 12 months", and a run's "first year"
    and "last year" were the same six months."""
    short = {"simulation.scale": 0.03, "simulation.months": 6, "simulation.burn_in_months": 6}
    cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=2, set=short, out=tmp_path / "cmp", quiet=True)
    md = report(tmp_path / "cmp").markdown
    assert "mean of the last 6 months" in md and "levels are means of its last 6 months" in md
    assert "12 months" not in md
    assert "means of the last 6 months for levels" in (tmp_path / "cmp" / "summary.txt").read_text()  # the binary's summary too
    cs.run(SCEN / "baseline.toml", set=short, out=tmp_path / "run", quiet=True)
    md = report(tmp_path / "run").markdown
    assert "first 6 months, monthly mean" in md and "first year" not in md
    cs.sweep(SCEN / "baseline.toml", vary={"simulation.months": [3, 6]}, replications=2,
             set={"simulation.scale": 0.03, "simulation.burn_in_months": 6}, out=tmp_path / "sweep", quiet=True)
    md = report(tmp_path / "sweep").markdown
    assert "mean of the last 3 months" in md and "12 months" not in md
