#!/usr/bin/env python3
"""Tests of scripts/report.py on a real, small comparison study run by the commissim binary.

    python scripts/test_report.py .build/release/commissim

Runs `commissim compare STUDY` on a tiny study (3% of England, two years, three replications), then
the report generator, and checks what a reader relies on: every comparison of the study file is
described, the tables quote the numbers in comparison.csv, the figures are real PNG files, --trim
keeps only the reported metrics, and stale or missing results are refused. The report itself is
commissim.report's (python/tests/test_report.py tests it on every kind of result). Prints
"report: N passed, M failed" last (read by scripts/test.sh)."""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/commissim")
REPORT = os.path.join(ROOT, "scripts", "report.py")
SC = os.path.join(ROOT, "scenarios")

STUDY = f"""
[study]
title = "A small test study"
replications = 3
seed = 11
set = {{ "simulation.scale" = 0.03, "simulation.months" = 24 }}

[[comparison]]
name = "baseline"
title = "Baseline title for the test"
a = "{SC}/three_year.toml"
b = "{SC}/ten_year.toml"

[[comparison]]
name = "austerity"
title = "Austerity title for the test"
a = "{SC}/austerity.toml"
b = "{SC}/austerity.toml"
set_a = {{ "policy.contract_months" = 36 }}
set_b = {{ "policy.contract_months" = 120 }}

[[comparison]]
name = "baseline_5plus2"
title = "Middle path title for the test"
a = "{SC}/three_year.toml"
b = "{SC}/five_plus_two.toml"

[[comparison]]
name = "price_squeeze"
title = "Squeeze title for the test"
a = "{SC}/price_squeeze.toml"
b = "{SC}/price_squeeze.toml"
set_b = {{ "policy.contract_months" = 120 }}
"""

FACTS = f"""
[study]
title = "Facts for the test"
replications = 3
seed = 11
set = {{ "simulation.scale" = 0.03, "simulation.months" = 24 }}

[[comparison]]
name = "fact1_contract_length"
title = "Fact one title"
a = "{SC}/three_year.toml"
b = "{SC}/ten_year.toml"

[[comparison]]
name = "fact2_price_squeeze"
title = "Fact two title"
a = "{SC}/three_year.toml"
b = "{SC}/price_squeeze.toml"

[[comparison]]
name = "something_else"
title = "An unlisted comparison"
a = "{SC}/three_year.toml"
b = "{SC}/rising_demand.toml"
"""


def text(path):
    with open(path) as f:
        return f.read()


def table(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def write(path, content):
    with open(path, "w") as f:
        f.write(content)


def run(*args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, COMMISSIM_BIN=BIN))
    if check and p.returncode != 0:
        raise AssertionError(f"{args} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


class ReportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="commissim-report-")
        cls.study = os.path.join(cls.tmp, "study.toml")
        cls.facts_study = os.path.join(cls.tmp, "facts.toml")
        write(cls.study, STUDY)
        write(cls.facts_study, FACTS)
        cls.out = os.path.join(cls.tmp, "out")
        cls.facts_out = os.path.join(cls.tmp, "facts")
        run(BIN, "compare", cls.study, "--out", cls.out, "-q")
        run(BIN, "compare", cls.facts_study, "--out", cls.facts_out, "-q")
        run(sys.executable, REPORT, cls.study, cls.out, "--facts", cls.facts_study, cls.facts_out, "--trim")
        cls.report = text(os.path.join(cls.out, "REPORT.md"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rows(self, name):
        return {(r["metric"], r["measure"]): r for r in table(os.path.join(self.out, name, "comparison.csv"))}

    def test_every_comparison_of_the_study_is_described(self):
        self.assertIn("# A small test study", self.report)
        for title in ["Baseline title for the test", "Austerity title for the test", "Middle path title for the test", "Squeeze title for the test"]:
            self.assertIn(title, self.report)
        self.assertIn("`policy.contract_months = 120`", self.report)
        self.assertIn("3 paired replications", self.report)
        self.assertIn("3% of England's scale, 2 years", self.report)
        self.assertIn("derived from seed 11", self.report)

    def test_tables_quote_the_numbers_in_comparison_csv(self):
        for name, heading in [("baseline", "Baseline title for the test"), ("austerity", "Austerity title for the test")]:
            section = self.report.split(f"### {heading}")[1].split("###")[0]
            r = self.rows(name)[("breakdowns", "total")]
            rel, lo, hi = (100 * float(r[k]) for k in ("rel_diff", "rel_ci95_low", "rel_ci95_high"))
            line = next(l for l in section.splitlines() if "Placement breakdowns" in l)
            self.assertIn(f"{rel:+.1f}% ({lo:+.1f}% to {hi:+.1f}%)", line)
            self.assertEqual(line.endswith("no clear difference |"), float(r["diff_ci95_low"]) <= 0 <= float(r["diff_ci95_high"]))
        squeeze = self.rows("price_squeeze")[("spend", "total")]
        self.assertIn(f"{100 * float(squeeze['rel_diff']):+.1f}%", self.report.split("## Across the comparisons")[1].split("###")[0])

    def test_no_relative_interval_of_a_count_passes_minus_100_percent(self):
        # Fieller's interval (comparison.csv): a count cannot fall by more than all of it.
        import re
        for name in ["baseline", "austerity", "price_squeeze"]:
            for r in self.rows(name).values():
                if r["rel_ci95_low"] and r.get("unit") in ("children", "placements", "providers", "£/month", "£"):
                    if float(r["mean_a"]) > 0 and float(r["mean_b"]) >= 0:
                        self.assertGreaterEqual(float(r["rel_ci95_low"]), -1.0, (name, r["metric"], r["measure"]))
        for lo in re.findall(r"\(([-+]\d+\.\d)% to", self.report):
            self.assertGreaterEqual(float(lo), -100.0)

    def test_figures_are_png_files_the_report_links(self):
        figures = os.path.join(self.out, "figures")
        for name in ["paired_differences.png", "outcome_mean.png", "spend.png"]:
            with open(os.path.join(figures, name), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
            self.assertIn(f"figures/{name}", self.report)

    def test_trim_keeps_only_the_plotted_metrics(self):
        metrics = {r["metric"] for r in table(os.path.join(self.out, "baseline", "comparison_monthly.csv"))}
        self.assertIn("outcome_mean", metrics)
        self.assertNotIn("tenders", metrics)
        # Exactly the headline metrics the report plots (`commissim columns --json`).
        headline = {h["name"] for h in json.loads(run(BIN, "columns", "--json").stdout)["headline"]}
        self.assertEqual(metrics, headline)

    def test_facts_lists_every_comparison(self):
        facts = text(os.path.join(self.facts_out, "FACTS.md"))
        self.assertIn("Fact one title", facts)
        self.assertIn("An unlisted comparison", facts)
        self.assertIn("| investment (total) |", facts)

    def test_facts_trim_keeps_only_the_rows_a_month_by_month_claim_reads(self):
        self.assertFalse(os.path.exists(os.path.join(self.facts_out, "fact1_contract_length", "comparison_monthly.csv")))
        metrics = {r["metric"] for r in table(os.path.join(self.facts_out, "fact2_price_squeeze", "comparison_monthly.csv"))}
        self.assertEqual(metrics, {m for m in metrics if m.startswith("survival_")})
        self.assertIn("survival_small_charity", metrics)
        facts = text(os.path.join(self.facts_out, "FACTS.md"))
        self.assertIn("| first kind whose survival is clearly lower (3 months in a row) |", facts)

    def test_first_kind_reads_runs_of_clear_months(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location("report", REPORT)
        report = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(report)
        path = os.path.join(self.tmp, "monthly.csv")

        def monthly(pattern):
            # pattern: kind -> string of '-' (clearly lower) and '.' (not clear), one character a month
            lines = ["month,metric,mean_a,mean_b,diff,ci95_low,ci95_high"]
            for kind, marks in pattern.items():
                for m, c in enumerate(marks, start=1):
                    lines.append(f"{m},survival_{kind},1,0.9,-0.1,{-0.2 if c == '-' else -0.2},{-0.01 if c == '-' else 0.05}")
            write(path, "\n".join(lines) + "\n")
            return report.first_clear_months(path, "survival", "-")

        # A single clear month is not a start; the first of three in a row is.
        f = monthly({"small_charity": "..-.---", "large_charity": ".--.--.---"})
        self.assertEqual(f, {"small_charity": 5, "large_charity": 8})
        self.assertEqual(report.first_verdict(f, "small_charity"), "holds")
        self.assertTrue(report.first_verdict(f, "large_charity").startswith("**fails**"))
        # A tie is not resolved; a kind never clear is not resolved and does not block the others.
        f = monthly({"small_charity": "---", "large_charity": "---", "small_private": "..."})
        self.assertEqual(f["small_private"], None)
        self.assertEqual(report.first_verdict(f, "small_charity"), "not resolved")
        self.assertEqual(report.first_verdict(f, "small_private"), "not resolved")
        self.assertIsNone(report.first_clear_months(os.path.join(self.tmp, "absent.csv"), "survival", "-"))

    def test_regenerating_gives_the_same_report(self):
        run(sys.executable, REPORT, self.study, self.out, "--trim")
        self.assertEqual(text(os.path.join(self.out, "REPORT.md")), self.report)

    def test_robustness_section_reads_every_effect_analysed(self):
        # A robustness folder as scripts/robustness.py writes it, with two parameters and four
        # points: the section counts the points per effect, quotes every index, names the
        # parameter that explains most of the providers effect, and orders rows by total index.
        folder = os.path.join(self.tmp, "robust")
        shutil.copytree(self.out, folder)
        os.makedirs(os.path.join(folder, "robustness"))
        idx = ["outcome,parameter,S1,S1_conf,ST,ST_conf"]
        for effect, (s1a, sta, s1b, stb) in {"outcome": (0.8, 0.9, 0.1, 0.2), "public_cost": (0.7, 0.75, 0.2, 0.3),
                                              "providers": (0.05, 0.1, 0.85, 0.95)}.items():
            idx += [f"{effect},a.x,{s1a},0.1,{sta},0.1", f"{effect},b.y,{s1b},0.1,{stb},0.1"]
        write(os.path.join(folder, "robustness", "indices.csv"), "\n".join(idx) + "\n")
        eff = ["a.x,b.y,outcome,public_cost,providers,scale,replications", "1,2,0.01,-5,10,0.2,2", "1,2,-0.01,-5,20,0.2,2",
               "1,2,0.02,3,30,0.2,2", "1,2,0.03,-1,-40,0.2,2"]
        write(os.path.join(folder, "robustness", "effects.csv"), "\n".join(eff) + "\n")
        run(sys.executable, REPORT, self.study, folder)
        section = text(os.path.join(folder, "REPORT.md")).split("## Robustness")[1].split("## ")[0]
        self.assertIn("better children's outcomes at **3 of 4** points", section)
        self.assertIn("lower total public cost (council spend plus costs outside the council, undiscounted) at **3 of 4** points", section)
        self.assertIn("more independent providers trading at the end at **3 of 4** points", section)
        self.assertIn("`b.y` explains most of the spread", section)
        self.assertIn("| parameter | outcome effect: first-order S1 | total ST | public-cost effect: first-order S1 | total ST | "
                      "providers effect: first-order S1 | total ST |", section)
        self.assertIn("| `b.y` | 0.10 ± 0.10 | 0.20 ± 0.10 | 0.20 ± 0.10 | 0.30 ± 0.10 | 0.85 ± 0.10 | 0.95 ± 0.10 |", section)
        self.assertLess(section.index("| `b.y` |"), section.index("| `a.x` |"))
        # Older folders analysed two effects: their section has four index columns, no providers line.
        write(os.path.join(folder, "robustness", "indices.csv"), "\n".join(idx[:5]) + "\n")
        write(os.path.join(folder, "robustness", "effects.csv"),
              "\n".join(l.replace(",providers", "").replace(",10,", ",").replace(",20,", ",").replace(",30,", ",").replace(",-40,", ",")
                        for l in eff) + "\n")
        run(sys.executable, REPORT, self.study, folder)
        section = text(os.path.join(folder, "REPORT.md")).split("## Robustness")[1].split("## ")[0]
        self.assertNotIn("providers", section)
        self.assertIn("| parameter | outcome effect: first-order S1 | total ST | public-cost effect: first-order S1 | total ST |\n", section)

    def test_missing_or_mixed_results_are_refused(self):
        broken = os.path.join(self.tmp, "broken")
        shutil.copytree(self.out, broken)
        shutil.rmtree(os.path.join(broken, "austerity"))
        p = run(sys.executable, REPORT, self.study, broken, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("austerity is missing", p.stderr)
        shutil.copytree(os.path.join(self.out, "austerity"), os.path.join(broken, "austerity"))
        path = os.path.join(broken, "baseline", "manifest.json")
        manifest = json.loads(text(path))
        manifest["study_fingerprint"] = "0" * 16
        write(path, json.dumps(manifest))
        p = run(sys.executable, REPORT, self.study, broken, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("different runs", p.stderr)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"report: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
