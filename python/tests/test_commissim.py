"""Tests of the Python package against the real binary, on small, short markets."""
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import commissim as cs

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"
SMALL = {"simulation.scale": 0.05, "simulation.months": 24, "simulation.burn_in_months": 12}


def test_run_returns_the_monthly_series_and_is_reproducible(tmp_path):
    r1 = cs.run(SCEN / "three_year.toml", seed=3, set=SMALL, quiet=True)
    r2 = cs.run(SCEN / "three_year.toml", seed=3, set=SMALL, out=tmp_path / "r", quiet=True)
    assert list(r1.timeseries["month"]) == list(range(1, 25))
    assert r1.timeseries["children_served"].dtype.kind == "f" or r1.timeseries["children_served"].dtype.kind == "i"
    pd.testing.assert_frame_equal(r1.timeseries, r2.timeseries)
    assert r1.manifest["seed"] == "3"
    assert r1.folder is None and r2.folder == str(tmp_path / "r")
    assert (tmp_path / "r" / "timeseries.csv").exists()
    other = cs.run(SCEN / "three_year.toml", seed=4, set=SMALL, quiet=True)
    assert not other.timeseries["spend"].equals(r1.timeseries["spend"])


def test_detail_tables_and_set_values_of_every_type():
    r = cs.run(SCEN / "three_year.toml", seed=1, detail=True, quiet=True,
               set=SMALL | {"policy.strategies": ["price_squeeze"], "policy.trigger": -1.0, "investor.enabled": False})
    assert r.councils is not None and r.providers is not None
    assert {"month", "provider", "kind"} <= set(r.providers.columns)
    assert r.timeseries["fee_cuts"].sum() > 0, "the price squeeze set from Python applied"


def test_a_bad_file_raises_with_its_file_line_key_and_fix():
    bad = ROOT / "Tests" / "BadInputs" / "bad-choice.toml"
    with pytest.raises(cs.CommissimError) as e:
        cs.run(bad, quiet=True)
    err = e.value
    assert err.file.endswith("bad-choice.toml") and err.line == 3
    assert err.key == "councils.policy.payment"
    assert "block" in err.fix and err.returncode == 2
    assert "bad-choice.toml:3" in str(err)
    with pytest.raises(cs.CommissimError):
        cs.validate(bad)
    cs.validate(SCEN / "baseline.toml")


def test_an_unknown_parameter_raises_with_the_suggestion():
    with pytest.raises(cs.CommissimError) as e:
        cs.run(SCEN / "three_year.toml", set={"simulation.sead": 3}, quiet=True)
    assert e.value.key == "simulation.sead"
    assert "simulation.seed" in e.value.fix


def test_binary_not_found_is_an_error_with_a_fix(monkeypatch):
    monkeypatch.setenv("COMMISSIM_BIN", "/nonexistent/commissim")
    with pytest.raises(cs.CommissimError) as e:
        cs.binary()
    assert "COMMISSIM_BIN" in e.value.fix


def test_compare_gives_paired_differences():
    res = cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=3, set=SMALL, quiet=True)
    d = res.differences
    assert {"metric", "measure", "mean_a", "mean_b", "diff", "diff_ci95_low", "diff_ci95_high"} <= set(d.columns)
    row = d[(d.metric == "spend") & (d.measure == "total")].iloc[0]
    assert row["diff"] == pytest.approx(row["mean_b"] - row["mean_a"], rel=1e-6, abs=1e-6)
    assert len(res.runs) == 6
    # Arm B's mean over replications is the mean of its runs.
    b = res.runs[res.runs["arm"] == "B"]["spend_total"].mean()
    assert row["mean_b"] == pytest.approx(b, rel=1e-9)


def test_sweep_grid_summary_contrast_and_an_explicit_design_agree():
    vary = {"policy.contract_months": [36, 120], "policy.extension_months": [0, 24]}
    grid = cs.sweep(SCEN / "three_year.toml", vary=vary, replications=3, seed=11, set=SMALL, quiet=True)
    assert len(grid.points) == 4 and len(grid.runs) == 12
    assert {"point", "month", "metric", "mean", "policy.contract_months"} <= set(grid.summary.columns)
    c = grid.contrast("outcome_mean", by="policy.contract_months", a=36, b=120, measure="total")
    assert len(c) == 2 and (c["n"] == 3).all()
    with pytest.raises(cs.CommissimError) as e:  # 95 for 95%: refused, not a NaN interval
        grid.contrast("outcome_mean", by="policy.contract_months", a=36, b=120, level=95)
    assert e.value.key == "level"
    # The contrast is the paired difference replication by replication.
    runs = grid.runs[grid.runs["policy.extension_months"] == 0].set_index("replication")
    manual = (runs[runs["policy.contract_months"] == 120]["outcome_mean_total"] - runs[runs["policy.contract_months"] == 36]["outcome_mean_total"]).mean()
    assert c[c["policy.extension_months"] == 0]["diff"].iloc[0] == pytest.approx(manual, rel=1e-12)
    # The same points as an explicit design (a DataFrame) give the same runs: common random numbers.
    design = grid.points.drop(columns="point")
    explicit = cs.sweep(SCEN / "three_year.toml", design=design, replications=3, seed=11, set=SMALL, quiet=True)
    cols = ["point", "replication", "seed", "spend_total", "outcome_mean_total"]
    pd.testing.assert_frame_equal(grid.runs[cols], explicit.runs[cols])
    # Only the metrics asked for, with the same numbers.
    few = cs.sweep(SCEN / "three_year.toml", vary=vary, replications=3, seed=11, set=SMALL, metrics=["spend"], quiet=True)
    assert set(few.summary["metric"]) == {"spend"}
    assert "month_end" not in grid.runs and "outcome_mean_end" not in few.runs
    pd.testing.assert_series_equal(few.runs["spend_total"], grid.runs["spend_total"])
    # The binary's [contrast] gives the same paired differences as SweepResult.contrast.
    withc = cs.sweep(SCEN / "three_year.toml", vary=vary, replications=3, seed=11, set=SMALL, metrics=["outcome_mean"],
                     contrast={"policy.contract_months": [36, 120]}, quiet=True)
    binary = withc.contrasts[(withc.contrasts.metric == "outcome_mean") & (withc.contrasts.measure == "total")].set_index("policy.extension_months")
    for ext, d in c.set_index("policy.extension_months")["diff"].items():
        assert binary.loc[ext, "diff"] == pytest.approx(d, rel=1e-5, abs=1e-6)
    assert grid.contrasts is None


def test_params_lists_the_parameter_space():
    p = cs.params()
    row = p.set_index("path").loc["simulation.months"]
    assert row["type"] == "integer" and row["min"] == 1


# A parameter that cannot matter (the investor's capital with no investor) and one that must
# (the referral rate, for children served): with common random numbers the first's indices are 0.
BOUNDS = {"demand.referrals_per_10k": (2.0, 6.0), "investor.capital": (1e8, 9e8)}


def test_sobol_indices_find_the_parameter_that_matters():
    si = cs.sobol(SCEN / "three_year.toml", BOUNDS, outcome="children_served", n=8, replications=1, seed=5, set=SMALL, quiet=True)
    idx = si.indices.set_index("parameter")
    assert len(si.design) == 8 * (2 + 2)
    assert si.design["demand.referrals_per_10k"].between(2, 6).all()
    assert idx.loc["demand.referrals_per_10k", "ST"] > 0.5
    assert idx.loc["investor.capital", "ST"] == pytest.approx(0, abs=1e-9)
    assert idx.loc["investor.capital", "S1"] == pytest.approx(0, abs=1e-9)
    assert {"S1_conf", "ST_conf"} <= set(si.indices.columns)


def test_morris_screens_out_the_parameter_that_cannot_matter():
    m = cs.morris(SCEN / "three_year.toml", BOUNDS | {"investment.payback_months": (24, 96)}, outcome="children_served",
                  trajectories=4, replications=1, seed=5, set=SMALL, quiet=True)
    idx = m.indices.set_index("parameter")
    assert len(m.design) == 4 * (3 + 1)
    assert m.design["investment.payback_months"].dtype.kind in "fi"
    assert idx.loc["demand.referrals_per_10k", "mu_star"] > 0
    assert idx.loc["investor.capital", "mu_star"] == pytest.approx(0, abs=1e-9)


def test_bad_bounds_and_unknown_parameters_are_refused_before_running():
    with pytest.raises(cs.CommissimError) as e:
        cs.sobol(SCEN / "three_year.toml", {"no.such": (0, 1)}, outcome="spend", n=4, quiet=True)
    assert e.value.key == "no.such"
    with pytest.raises(cs.CommissimError):
        cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0.05, 0.01)}, outcome="spend", n=4, quiet=True)


@pytest.mark.parametrize("call, key", [
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", n=0), "n"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", n=2.5), "n"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", n=4, replications=0), "replications"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", n=4, measure="mid"), "measure"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, float("inf"))}, outcome="spend", n=4), "demand.trend"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": ("a", 1)}, outcome="spend", n=4), "demand.trend"),
    (lambda: cs.morris(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", trajectories=1), "trajectories"),
    (lambda: cs.sobol_contrast(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, {"policy.contract_months": [36, 120]},
                               {"o": ["spend_total"]}, n=0), "n"),
    (lambda: cs.sweep(SCEN / "three_year.toml", design=pd.DataFrame({"demand.trend": []})), "design"),
    (lambda: cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=-1), "replications"),
    (lambda: cs.run(SCEN / "three_year.toml", seed=-1), "seed"),
    # Fractions, strings, bools and out-of-range numbers are refused, never truncated or coerced
    # (seed=1.5 used to run seed 1; last_months=0 gave a frame of NaN).
    (lambda: cs.run(SCEN / "three_year.toml", seed=1.5), "seed"),
    (lambda: cs.run(SCEN / "three_year.toml", seed="12"), "seed"),
    (lambda: cs.run(SCEN / "three_year.toml", seed=2**53), "seed"),
    (lambda: cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=2.5), "replications"),
    (lambda: cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", seed=True), "seed"),
    (lambda: cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": [0.0]}, replications=True), "replications"),
    (lambda: cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": [0.0]}, threads=0), "threads"),
    (lambda: cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": (0.0, 0.1)}, design="lhs", points=3.5), "points"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome="spend", n=4, seed=-3), "seed"),
    (lambda: cs.compare_councils(SCEN / "three_year.toml", SCEN / "ten_year.toml", last_months=0), "last_months"),
    (lambda: cs.compare_councils(SCEN / "three_year.toml", SCEN / "ten_year.toml", replications=3.0000001), "replications"),
    (lambda: cs.compare_councils(SCEN / "three_year.toml", SCEN / "ten_year.toml", level=95), "level"),
    (lambda: cs.compare_councils(SCEN / "three_year.toml", SCEN / "ten_year.toml", seed=2**53 - 2, replications=4), "seed"),
    # Arguments of the wrong kind are one CommissimError naming them, not a TypeError or an
    # AttributeError from deep inside (set=[...] and run(None) were), and one name is one name
    # (metrics="spend" was read as the metrics "s", "p", "e", …).
    (lambda: cs.run(None), "scenario"),
    (lambda: cs.run(5), "scenario"),
    (lambda: cs.run(SCEN / "three_year.toml", out=7), "out"),
    (lambda: cs.run(SCEN / "three_year.toml", set=[("simulation.scale", 0.1)]), "set"),
    (lambda: cs.compare(SCEN / "three_year.toml", 3), "b"),
    (lambda: cs.compare(SCEN / "three_year.toml", SCEN / "ten_year.toml", set_b="simulation.scale=0.1"), "set_b"),
    (lambda: cs.sweep(SCEN / "three_year.toml", vary=[36, 120]), "vary"),
    (lambda: cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": [0.0]}, metrics=[1, 2]), "metrics"),
    (lambda: cs.validate(None), "path"),
    (lambda: cs.sobol(SCEN / "three_year.toml", [("demand.trend", 0, 0.05)], outcome="spend", n=4), "bounds"),
    (lambda: cs.sobol(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, outcome=["spend"], n=4), "outcome"),
    (lambda: cs.sobol_contrast(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, {"policy.contract_months": [36, 120]},
                               ["spend_total"], n=2), "outcomes"),
    (lambda: cs.sobol_contrast(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, {"policy.contract_months": [36, 120]},
                               {"o": "spend_total"}, n=2), "o"),
    (lambda: cs.sobol_contrast(SCEN / "three_year.toml", {"demand.trend": (0, 0.05)}, {"policy.contract_months": 36},
                               {"o": ["spend_total"]}, n=2), "policy.contract_months"),
    (lambda: cs.to_parquet(None), "folder"),
    (lambda: cs.write_report(None), "folder"),
    (lambda: cs.compare_councils(None, SCEN / "ten_year.toml"), "a"),
])
def test_bad_arguments_are_refused_naming_the_argument(call, key):
    with pytest.raises(cs.CommissimError) as e:
        call()
    assert e.value.key == key and e.value.fix, str(e.value)


def test_a_design_frame_of_flags_and_lists_runs_as_pandas_writes_it():
    """pandas writes True/False and quotes an empty string: the binary reads both (they were refused)."""
    design = pd.DataFrame({"investor.enabled": [True, False], "policy.strategies": ["", "price_squeeze lowest_price"]})
    sw = cs.sweep(SCEN / "three_year.toml", design=design, replications=1, set=SMALL, quiet=True)
    assert list(sw.points["investor.enabled"]) == [True, False]
    assert sw.points["policy.strategies"].fillna("").tolist() == ["", "price_squeeze lowest_price"]
    # A list in a cell is the same point as its entries separated by spaces.
    listed = cs.sweep(SCEN / "three_year.toml", design=design.assign(**{"policy.strategies": [[], ["price_squeeze", "lowest_price"]]}),
                      replications=1, set=SMALL, quiet=True)
    pd.testing.assert_frame_equal(listed.points, sw.points)


def test_numpy_and_pandas_values_are_written_as_their_numbers():
    """np.linspace as a vary list, a Series, numpy scalars in set: written as TOML numbers and
    lists (np.float64 printed as "np.float64(0.01)" and arrays raised a bare ValueError)."""
    sw = cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": np.linspace(0.0, 0.02, 3),
                                                 "policy.contract_months": pd.Series([36, 120])},
                  replications=1, set=SMALL | {"investment.payback_months": np.float64(48.0)}, quiet=True)
    assert sorted(sw.points["demand.trend"].unique()) == [0.0, 0.01, 0.02]
    assert sorted(sw.points["policy.contract_months"].unique()) == [36, 120]
    r = cs.run(SCEN / "three_year.toml", seed=np.int64(3), set=SMALL | {"demand.trend": np.float32(0.5) / 25}, quiet=True)
    assert r.manifest["seed"] == "3"


def test_text_with_line_breaks_and_quotes_is_written_as_valid_toml(tmp_path):
    """A scenario path (written into sweep's study file) or a group name holding a line break, a
    quote or a backslash: escaped, not written raw into a TOML string."""
    odd = tmp_path / 'we"ird\\dir\nx'
    odd.mkdir()
    (odd / "s.toml").write_text((SCEN / "three_year.toml").read_text())
    sw = cs.sweep(odd / "s.toml", vary={"demand.trend": [0.0]}, replications=1, set=SMALL, quiet=True)
    assert len(sw.runs) == 1
    assert cs._cli.toml_value('a"b\\c\nd\x01') == '"a\\"b\\\\c\\nd\\u0001"'


def test_sensitivity_takes_every_parameter_name_a_sweep_takes():
    """A policy key by its study name (policy.contract_months) and a group's own parameter
    (providers[NAME].…) were "unknown parameter" to the sensitivity functions, which looked names
    up by catalogue path."""
    res = cs.morris(SCEN / "three_year.toml", {"policy.contract_months": (36, 120),
                                               "providers[investor-backed private].target_margin": (0.05, 0.3)},
                    outcome="spend", trajectories=2, levels=4, replications=1, seed=1, set=SMALL, quiet=True)
    assert set(res.indices["parameter"]) == {"policy.contract_months", "providers[investor-backed private].target_margin"}
    assert (res.design["policy.contract_months"] % 1 == 0).all(), "an integer parameter gets whole values"
    groups = cs.params(groups=True)
    assert "providers[NAME].target_margin" in set(groups["name"]) and "policy.contract_months" not in set(groups["name"])


def test_a_contrast_of_strategies_reads_a_list_as_points_csv_writes_it(tmp_path):
    """No strategy is an empty cell in points.csv (NaN to pandas): [] and "" name it, the points
    read it as empty text, and the report lists it as "none" (sorting it among text raised)."""
    sw = cs.sweep(SCEN / "three_year.toml", vary={"policy.strategies": [[], ["price_squeeze"]]}, replications=2, set=SMALL, quiet=True,
                  out=tmp_path / "s")
    assert sw.points["policy.strategies"].tolist() == ["", "price_squeeze"]
    c = sw.contrast("spend", by="policy.strategies", a=[], b=["price_squeeze"])
    assert len(c) == 1 and c["n"].iloc[0] == 2 and c["diff"].notna().all()
    pd.testing.assert_frame_equal(c, sw.contrast("spend", by="policy.strategies", a="", b="price_squeeze"))
    rep = cs.write_report(tmp_path / "s")
    assert "`policy.strategies` (none, price_squeeze)" in rep.markdown
    for bad in ["two\nlines", ""]:  # a line break ended the Markdown heading and spilled into the text
        with pytest.raises(cs.CommissimError) as e:
            cs.write_report(tmp_path / "s", title=bad)
        assert e.value.key == "title"


def test_a_contrast_refuses_values_and_parameters_the_sweep_lacks():
    sw = cs.sweep(SCEN / "three_year.toml", vary={"policy.contract_months": [36, 120], "policy.extension_months": [0, 24]},
                  replications=2, set=SMALL, quiet=True)
    # 36.0 is the value 36: numbers match as numbers (as text "36.0" matched nothing: NaN rows).
    pd.testing.assert_frame_equal(sw.contrast("spend", by="policy.contract_months", a=36.0, b=120),
                                  sw.contrast("spend", by="policy.contract_months", a=36, b=120))
    for kwargs, key in [({"a": 36, "b": 99}, "b"), ({"a": 36, "b": 36.0}, "b"), ({"a": 36, "b": 120, "within": ["nope"]}, "within")]:
        with pytest.raises(cs.CommissimError) as e:
            sw.contrast("spend", by="policy.contract_months", **kwargs)
        assert e.value.key == key, str(e.value)


def test_validate_checks_overrides_as_run_applies_them():
    cs.validate(SCEN / "baseline.toml", set={"demand.trend": 0.01})
    with pytest.raises(cs.CommissimError) as e:
        cs.validate(SCEN / "baseline.toml", set={"demand.trend": 0.9})
    assert e.value.key == "demand.trend" and e.value.fix


def test_problems_in_a_sweeps_own_files_are_told_as_its_arguments():
    """sweep() writes a study file and a design file for the binary: their problems name the
    argument and the design row, never the temporary files."""
    with pytest.raises(cs.CommissimError) as e:
        cs.sweep(SCEN / "three_year.toml", design=pd.DataFrame({"demand.trend": [0.0, float("inf")]}), replications=2, set=SMALL, quiet=True)
    assert e.value.file is None and e.value.key == "demand.trend" and "design row 1" in e.value.message, str(e.value)
    with pytest.raises(cs.CommissimError) as e:
        cs.sweep(SCEN / "three_year.toml", vary={"demand.trend": [0.0]}, metrics=["nope"], replications=2, set=SMALL, quiet=True)
    assert e.value.file is None and e.value.key == "metrics", str(e.value)


COUNTY = """
[simulation]
scale = 0.05
months = 24
burn_in_months = 12
[[councils]]
name = "Our County"
count = 1
type = "county"
children = 150000
[[councils]]
name = "Others"
count = 4
"""


def test_compare_councils_gives_paired_answers_per_council_group_and_england(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(COUNTY)
    same = cs.compare_councils(path, path, replications=2, by="group", metrics=["spend", "budget"])
    assert set(same["name"]) == {"Our County", "Others"}
    assert (same["diff"] == 0).all(), "an arm against itself: exactly zero under common random numbers"
    res = cs.compare_councils(path, path, replications=3, by="group", metrics=["budget", "contract_length_let", "outcome_mean"],
                              set_b={"councils[Our County].policy.contract_months": 120})
    r = res.set_index(["name", "metric"])
    # Budget paths are exogenous and both arms share the burn-in: budgets are equal, group by group.
    assert r.loc[("Our County", "budget"), "diff"] == 0 and r.loc[("Others", "budget"), "diff"] == 0
    # The county lets ten-year contracts in arm B; the other councils keep three-year ones.
    assert r.loc[("Our County", "contract_length_let"), "mean_a"] == 36
    assert r.loc[("Our County", "contract_length_let"), "mean_b"] == 120
    assert r.loc[("Others", "contract_length_let"), "mean_b"] == 36
    assert {"ci_low", "ci_high", "n", "rel_diff"} <= set(res.columns)
    england = cs.compare_councils(path, path, replications=2, by="england", metrics=["spend", "outcome_mean"], out=tmp_path / "cc")
    assert list(england["unit"]) == ["England", "England"] and list(england["metric"]) == ["spend", "outcome_mean"]
    per = cs.compare_councils(path, path, replications=2, by="council", metrics=["spend"])
    assert len(per) == 2 and set(per["name"]) == {"Our County", "Others"}  # counts scale: 1 and 4 × 0.05 → 1 each
    # England is the sum of its councils (it was a row of NaN), and its numbers stay reproducible
    # from what out= keeps: each run's folder and the call's manifest.
    e = england.set_index("metric")
    assert e.loc["spend", "mean_a"] == pytest.approx(per["mean_a"].sum(), rel=1e-9)
    assert 0 < e.loc["outcome_mean", "mean_a"] < 1
    manifest = json.loads((tmp_path / "cc" / "manifest.json").read_text())
    assert manifest["seeds"] == [1, 2] and manifest["by"] == "england"
    again = cs.run(path, seed=manifest["seeds"][1], detail=True, quiet=True)
    kept = pd.read_csv(tmp_path / "cc" / "A" / "r1" / "councils.csv")
    pd.testing.assert_frame_equal(again.councils, kept)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "cc" / "councils_comparison.csv"), england, check_dtype=False)
    with pytest.raises(cs.CommissimError):
        cs.compare_councils(path, path, by="region")
    with pytest.raises(cs.CommissimError) as e:  # more months than the runs report: was a mean over all of them
        cs.compare_councils(path, path, replications=2, by="england", metrics=["spend"], last_months=10_000)
    assert e.value.key == "last_months" and "months each run reports" in e.value.message


def test_compare_councils_out_keeps_only_its_own_results(tmp_path):
    """out= was written over whatever the folder held: a run's folder lost its manifest to the
    call's, a second call with fewer replications left the first's extra runs, and an interrupted
    call left the earlier table and manifest describing runs it had replaced."""
    path = tmp_path / "county.toml"
    path.write_text(COUNTY)
    cs.run(path, quiet=True, out=tmp_path / "run")
    before = (tmp_path / "run" / "manifest.json").read_bytes()
    with pytest.raises(cs.CommissimError) as e:
        cs.compare_councils(path, path, replications=2, by="england", metrics=["spend"], out=tmp_path / "run")
    assert "timeseries.csv" in e.value.message and e.value.key == "out"
    assert (tmp_path / "run" / "manifest.json").read_bytes() == before and not (tmp_path / "run" / "A").exists()
    (tmp_path / "busy" / ".partial").mkdir(parents=True)  # a sweep writing it, or interrupted
    with pytest.raises(cs.CommissimError) as e:
        cs.compare_councils(path, path, replications=2, by="england", metrics=["spend"], out=tmp_path / "busy")
    assert ".partial" in e.value.message and sorted(os.listdir(tmp_path / "busy")) == [".partial"]
    cc = tmp_path / "cc"
    cs.compare_councils(path, path, replications=3, by="england", metrics=["spend"], out=cc)
    assert (cc / "A" / "r2").is_dir()
    cs.compare_councils(path, path, replications=2, by="england", metrics=["spend"], out=cc)
    assert sorted(os.listdir(cc / "A")) == ["r0", "r1"] and sorted(os.listdir(cc / "B")) == ["r0", "r1"]
    assert json.loads((cc / "manifest.json").read_text())["runs"]["A"] == ["A/r0", "A/r1"]
    # A call that fails once it has begun (here a run it cannot start) leaves no earlier table or
    # manifest to describe the runs it replaced.
    with pytest.raises(cs.CommissimError):
        cs.compare_councils(path, path, replications=2, by="england", metrics=["spend"], set_b={"simulation.scale": -1}, out=cc)
    assert not (cc / "manifest.json").exists() and not (cc / "councils_comparison.csv").exists()


def test_compare_by_group_reads_the_binarys_breakdown(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(COUNTY)
    res = cs.compare(path, path, replications=3, by="council", set_b={"councils[Our County].policy.contract_months": 120},
                     quiet=True)
    g = res.groups
    assert {"level", "group", "council_a", "council_b", "metric", "mean_a", "mean_b", "diff", "diff_ci95_low", "n"} <= set(g.columns)
    assert set(g["level"]) == {"england", "group", "council"}
    r = g[g["level"] == "group"].set_index(["group", "metric"])
    assert r.loc[("Our County", "contract_length_let"), "mean_b"] == 120
    assert r.loc[("Others", "contract_length_let"), "mean_b"] == 36
    # England's spend over the run is the time series' total spend (comparison.csv).
    total = res.differences.query("metric == 'spend' and measure == 'total'")["mean_a"].iloc[0]
    england = g.query("level == 'england' and metric == 'spend'")["mean_a"].iloc[0]
    assert england == pytest.approx(total, rel=1e-6)
    assert cs.compare(path, path, replications=2, quiet=True).groups is None
    with pytest.raises(cs.CommissimError) as e:
        cs.compare(path, path, replications=2, by="ward", quiet=True)
    assert e.value.key == "--by"


def test_ema_workbench_experiments_run_as_one_sweep_and_feed_prim():
    import warnings
    warnings.simplefilter("ignore")
    from ema_workbench import IntegerParameter, RealParameter
    from ema_workbench.analysis import prim
    from commissim.ema import perform_experiments

    unc = [RealParameter("demand.referrals_per_10k", 2.0, 6.0), RealParameter("investor.capital", 1e8, 9e8),
           IntegerParameter("market.spot_candidates", 3, 9)]
    experiments, outcomes = perform_experiments(SCEN / "three_year.toml", unc, ["children_served"], n_scenarios=12, seed=3,
                                                set=SMALL, quiet=True)
    assert len(experiments) == 12 and {"scenario", "policy", "model"} <= set(experiments.columns)
    assert experiments["demand.referrals_per_10k"].between(2, 6).all()
    assert experiments["market.spot_candidates"].map(lambda v: float(v).is_integer()).all()
    y = outcomes["children_served"]
    assert y.shape == (12,)
    # Children served follow the referral rate (rank correlation), whatever the investor's capital.
    r = pd.Series(experiments["demand.referrals_per_10k"]).rank().corr(pd.Series(y).rank())
    assert r > 0.9
    # PRIM finds the high-demand box on the referral rate.
    # As floats: EMA 2.5's PRIM pastes fractional limits into integer columns, which pandas 3 refuses.
    x = experiments[["demand.referrals_per_10k", "investor.capital", "market.spot_candidates"]].astype(float)
    box = prim.Prim(x, y > np.median(y), threshold=0.8).find_box()
    # The seed makes EMA's design (drawn from numpy's global generator) the same every time.
    again, _ = perform_experiments(SCEN / "three_year.toml", unc, ["children_served"], n_scenarios=12, seed=3, set=SMALL, quiet=True)
    pd.testing.assert_frame_equal(again, experiments)
    assert box.box_lims[-1]["demand.referrals_per_10k"].iloc[0] > 2.0


def test_ema_model_crosses_scenarios_with_policies_in_one_sweep():
    import warnings
    warnings.simplefilter("ignore")
    from ema_workbench import IntegerParameter, RealParameter
    from commissim.ema import CommissimModel

    model = CommissimModel(SCEN / "three_year.toml", uncertainties=[RealParameter("demand.referrals_per_10k", 2.0, 6.0)],
                           levers=[IntegerParameter("policy.contract_months", 36, 120)], outcomes=["children_served", "contract_length_let"],
                           measure="total")
    experiments, outcomes = model.perform_experiments(scenarios=4, policies=3, seed=3, set=SMALL, quiet=True)
    assert len(experiments) == 12 and sorted(set(experiments["policy"])) == [0, 1, 2]
    assert sorted(set(experiments["scenario"])) == [0, 1, 2, 3]
    # Each policy (lever value) is the same across its scenarios; each scenario the same across policies.
    assert (experiments.groupby("policy")["policy.contract_months"].nunique() == 1).all()
    assert (experiments.groupby("scenario")["demand.referrals_per_10k"].nunique() == 1).all()
    assert outcomes["children_served"].shape == (12,)
    # The lever reaches the runs: longer contracts let, longer mean length let.
    by = pd.DataFrame({"m": experiments["policy.contract_months"], "len": outcomes["contract_length_let"]}).groupby("m")["len"].mean()
    assert by.is_monotonic_increasing
    with pytest.raises(cs.CommissimError) as e:
        CommissimModel(SCEN / "three_year.toml", outcomes=["outcome_meen"])
    assert e.value.key == "outcome_meen"


def test_one_metric_name_is_one_metric(tmp_path):
    res = cs.sweep(SCEN / "three_year.toml", vary={"policy.contract_months": [36]}, replications=1, seed=2, set=SMALL,
                   metrics="spend", quiet=True)
    assert sorted(c for c in res.runs.columns if c.endswith("_total")) == ["spend_total"]


def test_a_sweep_of_many_points_makes_each_points_configuration_as_it_runs(tmp_path):
    """Every point's configuration (about 35 KB) was made before the first run: a grid of a
    million points, within the limits, took 35 GB. A sweep of 100,000 points now holds about
    150 MB when its first point is finished (3.5 GB before)."""
    import subprocess
    import time

    from commissim._cli import binary

    study = tmp_path / "many.toml"
    study.write_text(f"""[study]
scenario = "{SCEN / 'baseline.toml'}"
replications = 1
set = {{ "simulation.scale" = 0.003, "simulation.months" = 1, "simulation.burn_in_months" = 0 }}
[vary]
"policy.contract_months" = [{", ".join(str(12 + i) for i in range(200))}]
"market.bid_cost" = [{", ".join(str(1000 + 10 * i) for i in range(500))}]
""")
    out = tmp_path / "out"
    proc = subprocess.Popen([binary(), "sweep", str(study), "--out", str(out), "-q"], stderr=subprocess.PIPE, text=True)
    peak = None
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / ".partial").is_dir() and any(f.startswith("summary-") for f in os.listdir(out / ".partial")):
                status = open(f"/proc/{proc.pid}/status").read()
                peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))  # kB
                break
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
    assert peak is not None, "the sweep did not finish a point: " + proc.stderr.read()[-500:]
    assert peak < 600 * 1024, f"{peak / 1024:.0f} MB held at the first finished point"


def test_parquet_copies_beside_the_csv_files(tmp_path):
    res = cs.sweep(SCEN / "three_year.toml", vary={"policy.contract_months": [36, 120]}, replications=2, seed=2, set=SMALL,
                   metrics=["spend"], out=tmp_path / "s", parquet=True, quiet=True)
    for name in ("summary", "runs", "points"):
        assert (tmp_path / "s" / f"{name}.parquet").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s" / "runs.parquet"), res.runs)
    written = cs.to_parquet(tmp_path / "s")
    assert sorted(os.path.basename(p) for p in written) == ["points.parquet", "runs.parquet", "summary.parquet"]
    with pytest.raises(cs.CommissimError) as e:
        cs.run(SCEN / "three_year.toml", set=SMALL, parquet=True, quiet=True)
    assert e.value.key == "parquet", "parquet needs out="
    # A copy belongs to its CSV file: results written anew without parquet= leave no copy of the
    # earlier ones (a sweep into the folder kept the first sweep's summary.parquet; a run its
    # timeseries.parquet).
    cs.sweep(SCEN / "three_year.toml", vary={"policy.contract_months": [36, 60]}, replications=2, seed=3, set=SMALL,
             metrics=["spend"], out=tmp_path / "s", quiet=True)
    assert not [f for f in os.listdir(tmp_path / "s") if f.endswith(".parquet")]
    cs.run(SCEN / "three_year.toml", set=SMALL, out=tmp_path / "r", parquet=True, quiet=True)
    (tmp_path / "r" / "notes.parquet").write_bytes(b"the user's")  # no CSV of that name: not commissim's
    cs.run(SCEN / "three_year.toml", set=SMALL, seed=9, out=tmp_path / "r", quiet=True)
    assert sorted(f for f in os.listdir(tmp_path / "r") if f.endswith(".parquet")) == ["notes.parquet"]
    # A CSV that cannot be converted is one line naming it, and no half-written copy is left.
    (tmp_path / "r" / "broken.csv").write_text("")
    with pytest.raises(cs.CommissimError) as e:
        cs.to_parquet(tmp_path / "r")
    assert e.value.file.endswith("broken.csv")
    assert not [f for f in os.listdir(tmp_path / "r") if f.endswith(".tmp")]


def test_no_parquet_copy_of_a_csv_file_replaced_while_it_was_made(tmp_path, monkeypatch):
    """A run finishing into the folder while `to_parquet` copied it left the copy of the earlier
    timeseries.csv beside the new one. The copy is moved in holding the lock commands move their
    files in with (FolderLock, OutputFolder.swift), only if the CSV file it was made from is still
    there; otherwise one line, and no copy."""
    cs.run(SCEN / "three_year.toml", set=SMALL, out=tmp_path / "r", quiet=True)
    written = pd.DataFrame.to_parquet

    def written_while_a_run_replaces(self, path, **kw):
        cs.run(SCEN / "three_year.toml", set=SMALL, seed=9, out=tmp_path / "r", quiet=True)
        return written(self, path, **kw)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", written_while_a_run_replaces)
    with pytest.raises(cs.CommissimError) as e:
        cs.to_parquet(tmp_path / "r")
    assert "replaced while its Parquet copy was made" in e.value.message and e.value.file.endswith("timeseries.csv")
    assert not [f for f in os.listdir(tmp_path / "r") if f.endswith((".parquet", ".tmp"))]
    monkeypatch.undo()
    cs.to_parquet(tmp_path / "r")  # made again, of the results as they are now
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r" / "timeseries.parquet"), pd.read_csv(tmp_path / "r" / "timeseries.csv"))


def test_the_sobol_and_prim_tutorial_runs():
    import subprocess
    import sys
    r = subprocess.run([sys.executable, str(ROOT / "docs" / "tutorials" / "sobol_and_prim.py"), "--quick"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Sobol indices" in r.stdout and "PRIM box" in r.stdout


def test_sobol_contrast_gives_indices_of_a_paired_effect():
    res = cs.sobol_contrast(SCEN / "three_year.toml", BOUNDS, {"policy.contract_months": [36, 120]},
                            {"spend": ["spend_total"], "cost": ["spend_total", "external_costs_committed_total"]},
                            n=4, replications=2, seed=5, set=SMALL, quiet=True)
    m = 4 * (2 + 2)
    assert len(res.effects) == m and len(res.sweep.points) == 2 * m
    runs = res.sweep.runs.set_index(["point", "replication"])
    # Design row i runs as point 2i at A and 2i + 1 at B (neighbours, so the sweep runs both from
    # one burn-in per replication), with the same parameters otherwise.
    points = res.sweep.points.set_index("point")
    assert list(points["policy.contract_months"]) == [36, 120] * m
    for name in BOUNDS:
        assert list(points[name].iloc[0::2]) == list(points[name].iloc[1::2])
        assert np.allclose(points[name].iloc[0::2].to_numpy(float), res.effects[name].to_numpy(float), rtol=1e-6)  # points.csv: 7 digits
    # The effect at a point is the mean over replications of B − A, paired by replication.
    for i in (0, 5, m - 1):
        d = runs.loc[2 * i + 1, "spend_total"] - runs.loc[2 * i, "spend_total"]
        assert res.effects.loc[i, "spend"] == pytest.approx(d.mean(), rel=1e-12)
        c = (runs.loc[2 * i + 1, ["spend_total", "external_costs_committed_total"]].sum(axis=1)
             - runs.loc[2 * i, ["spend_total", "external_costs_committed_total"]].sum(axis=1))
        assert res.effects.loc[i, "cost"] == pytest.approx(c.mean(), rel=1e-12)
    idx = res.indices.set_index(["outcome", "parameter"])
    # Investor capital is unused without outcome-based contracts: with common random numbers its
    # indices are exactly zero; the market's size moves the effect.
    assert idx.loc[("spend", "investor.capital"), "ST"] == pytest.approx(0, abs=1e-9)
    assert idx.loc[("spend", "demand.referrals_per_10k"), "ST"] > 0
    with pytest.raises(cs.CommissimError):
        cs.sobol_contrast(SCEN / "three_year.toml", BOUNDS, {"demand.referrals_per_10k": [2, 6]}, {"spend": ["spend_total"]}, n=4, quiet=True)
