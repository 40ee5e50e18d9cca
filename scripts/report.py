#!/usr/bin/env python3
"""Writes the headline study's REPORT.md and report.html (the same code as `commissim report`:
commissim.report, with the study's robustness analysis, the changes since the previous version
and the model's limits added) and FACTS.md for the stylised-facts study. Run by
scripts/run-study.sh; regenerated with the results, never hand-edited.

    report.py STUDY OUT [--facts FACTS_STUDY FACTS_OUT] [--trim]

STUDY is a comparison study file (scenarios/headline_study.toml); OUT the folder its comparisons were
written to (its robustness/ folder from scripts/robustness.py). --trim keeps only the reported
metrics in each comparison_monthly.csv (small committed results)."""
import argparse
import csv
import os
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("COMMISSIM_BIN", os.path.join(ROOT, ".build", "release", "commissim"))
from commissim import CommissimError  # noqa: E402
from commissim._files import write_text_whole, write_whole  # noqa: E402
from commissim.report import ComparisonFolder, Section, catalogue, report  # noqa: E402
from commissim.report.catalogue import fmt_value  # noqa: E402

# The metrics shown for each stylised fact (comparison name in scenarios/stylised_facts_study.toml);
# a comparison not listed here shows its largest clear effects.
# Each fact's rows: (metric, measure, the direction DOMAIN.md's fact claims for B − A: "+", "-" or
# None for context). FACTS.md judges every claimed direction from the study's own intervals.
FACT_METRICS = {
    "fact1_contract_length": [("investment", "total", "+"), ("capital_small_charity", "end", "+"), ("quality_mean", "end", "+"),
                              ("outcome_mean", "end", "+")],
    "fact2_price_squeeze": [("spend", "total", None), ("exits_small_charity", "total", "+"), ("survival_small_charity", "end", "-"),
                            ("spend_spot", "total", "+"),
                            ("external_costs_committed", "total", "+"), ("public_cost", "end", "+"), ("trust_provider_all", "end", "-"),
                            ("hhi_local", "end", "+"), ("hhi_regional", "end", "+"), ("price_fostering", "end", "+"),
                            ("new_spot_price_fostering", "end", "+")],
    "fact3_retendering": [("trust_provider_all", "end", "-"), ("bids_per_tender", "end", "-"), ("transaction_costs", "total", "+"),
                          ("tenders", "total", None)],
    "fact4_consolidation": [("share_small_charity", "end", "-"), ("share_large_charity", "end", None), ("share_investor_private", "end", None),
                            ("hhi_local", "end", "+")],
    "fact5_outcome_finance": [("exits_small_charity", "total", "-"), ("exits_small_private", "total", "-"),
                              ("survival_small_charity", "end", "+"), ("survival_small_private", "end", "+"), ("providers", "end", "+"),
                              ("outcome_mean", "end", None)],
    "fact6_rising_demand": [("unmet_need", "end", "+"), ("new_spot_looked_after", "total", "+"), ("new_spot_placements", "total", None),
                            ("rationed", "total", "+"), ("price_fostering", "end", "+"), ("budget_pressure", "end", "+"),
                            ("overspend", "total", "+")],
}

# Claims about which kind of provider is hit first, read month by month from comparison_monthly.csv:
# fact name -> (metric prefix, the kind claimed first, direction). DOMAIN fact 2: exits rise "small
# charities first"; survival_<kind> (the share of the kind's month-1 providers still trading) is the
# measure that does not count entrants.
FACT_FIRST = {
    "fact2_price_squeeze": ("survival", "small_charity", "-"),
}
# Months in a row the paired difference must be clear for a kind to count as hit from the first of them
# (one clear month can be a single early exit).
FIRST_RUN = 3


def first_clear_months(path, prefix, direction):
    """For each kind (metric `<prefix>_<kind>`), the first month from which B − A is clearly of `direction`
    for FIRST_RUN months in a row (None if never); None if the monthly file is missing."""
    if not os.path.exists(path):
        return None
    series = {}
    for r in read(path):
        if r["metric"].startswith(prefix + "_"):
            try:
                clear = float(r["ci95_high"]) < 0 if direction == "-" else float(r["ci95_low"]) > 0
            except ValueError:  # an empty interval (no pairs that month) is not a clear difference
                clear = False
            series.setdefault(r["metric"][len(prefix) + 1:], []).append((int(r["month"]), clear))
    firsts = {}
    for kind, months in series.items():
        months.sort()
        firsts[kind] = next((m for i, (m, _) in enumerate(months)
                             if len(months[i:i + FIRST_RUN]) == FIRST_RUN and all(c for _, c in months[i:i + FIRST_RUN])), None)
    return firsts or None


def first_verdict(firsts, claimed):
    """'holds' when the claimed kind is clear strictly before every other kind."""
    mine = firsts.get(claimed)
    if mine is None:
        return "not resolved"
    others = [m for k, m in firsts.items() if k != claimed and m is not None]
    if all(mine < m for m in others):
        return "holds"
    return "**fails** (another kind first)" if any(m < mine for m in others) else "not resolved"


def verdict(e, direction):
    """Whether the study's interval supports the claimed direction of B − A."""
    if direction is None:
        return "context"
    if not e.clear:
        return "not resolved"
    return "holds" if (e.diff > 0) == (direction == "+") else "**fails** (opposite)"


def calibration_limit():
    """The calibration line of the limits, read from results/calibration/fit.csv (what the shipped fit met)."""
    path = os.path.join(ROOT, "results", "calibration", "fit.csv")
    lead = "- The baseline is calibrated (`commissim calibrate scenarios/calibration.toml`, results/calibration/FIT.md)"
    tail = " It is not fitted to local data; effect sizes are indicative, directions are what the tests hold."
    if not os.path.exists(path):
        return lead + "." + tail
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    # Targets read after year 5: the fit holds them later in the run too (MODEL.md §3.15).
    starts = [r["window"].split("-")[0] for r in rows]
    late = [r for r, start in zip(rows, starts) if start.isdigit() and int(start) > 60]
    windows = sorted({r["window"].split(" ")[0] for r in late})
    missed = [r["target"] for r in rows if r["check_within"] != "true"]
    met = f"{len(rows) - len(missed)} of {len(rows)} met with fresh seeds" + (f" (missed: {', '.join(missed)})" if missed else "")
    return (lead + f" to {len(rows)} national targets: children in care (004), placement moves (004), the independent "
            "shares of spend (004), the CMA's fees and margins and the scale of spend (Public Accounts Committee)"
            + (f", {len(late)} of them (shares and margins) again in months {' and '.join(windows)}" if late else "")
            + f"; {met}; docs/MODEL.md §3.15 compares them at England's scale." + tail)


LIMITS = [
    "- Bands are 95% confidence intervals of the mean across replications (left panels) and of the mean paired "
    "difference (right panels); the paired intervals are much narrower because both regimes share their random numbers.",
    "- Investment pays back over `investment.payback_months` (48 by default); the advantage of long contracts scales with it. "
    "The robustness section shows how much the answer depends on it.",
    "- Both arms share a burn-in under the status quo (three-year block contracts) and diverge from one market "
    "at month 1; the reported years are after it. The baseline is at rest in prices, shares, trust, reserves, quality and "
    "outcomes; provider numbers and concentration still consolidate slowly (`docs/MODEL.md`, sections 3.1 and 4).",
    "- How many independent providers trade is the model's, not a calibrated number (docs/MODEL.md §4.1): it is set by the "
    "bid cost, the bids a provider can write in a month and how far the shortage mark-up draws entrants, all judgements. With ten-year contracts councils tender a tenth as "
    "often, fewer small providers go insolvent paying for lost bids, and more providers enter; the entry carries most of the "
    "effect (docs/MODEL.md §5: with providers kept from bidding themselves insolvent it holds at about the same size; without "
    "entry it vanishes; entry reading the price of new business carries most of it). The direction holds over the robustness design; its size does not rest on "
    "evidence. The extra providers are mostly small entrants without a contract: they lower the trust measured over every "
    "provider and local concentration by being counted, which is why the contract holders' trust is shown beside it, and "
    "they raise the count of small-charity exits in the baseline (more small charities enter and trade; of those trading "
    "at month 1 more survive with ten-year contracts, `survival_small_charity` in comparison.csv; docs/MODEL.md §5).",
    "- External (silo) costs count care leavers as 004 defines them (about 10,000 a year), from a stock of earlier leavers "
    "at month 1; shown undiscounted (committed by the run's leavers) and discounted at the Green Book's 3.5% (falling in the run).",
]


def fail(message):
    sys.exit(f"report.py: {message}")


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def load_study(path):
    try:
        with open(path, "rb") as f:
            study = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(f"cannot read the study file {path}: {e}")
    return {"file": path, "title": study["study"].get("title", "Comparison study"), "comparisons": study.get("comparison", [])}


def check_folders(study, out):
    for c in study["comparisons"]:
        folder = os.path.join(out, c["name"])
        if not os.path.exists(os.path.join(folder, "manifest.json")):
            fail(f"{folder} is missing: run `commissim compare {study['file']} --out {out}` first")


def keep_rows(path, keep):
    """Rewrites the comparison_monthly.csv at `path` with only the rows whose metric `keep` accepts."""
    rows = read(path)
    if not rows:
        return
    def write(tmp):  # whole or not at all: a full disk keeps the file as it was
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(r for r in rows if keep(r["metric"]))
    write_whole(path, write)


def trim(out, keep):
    """Keeps only the reported metrics' rows of each comparison_monthly.csv."""
    for d in sorted(os.listdir(out)):
        path = os.path.join(out, d, "comparison_monthly.csv")
        if os.path.exists(path):
            keep_rows(path, lambda metric: metric in keep)


def changes_since_last_version():
    """The 'Findings that moved' part of the newest CHANGELOG.md entry, if there is one."""
    path = os.path.join(ROOT, "CHANGELOG.md")
    if not os.path.exists(path):
        return None
    out, inside, entries = [], False, 0
    for line in open(path):
        if line.startswith("## "):
            entries += 1
            if entries > 1:
                break
        if line.startswith("### "):
            inside = line.strip() == "### Findings that moved"
            continue
        if inside:
            out.append(line.rstrip("\n"))
    while out and not out[-1].strip():
        out.pop()
    return Section("What changed since the previous version", ["From `CHANGELOG.md`:", ""] + out) if out else None


# The effects scripts/robustness.py analyses, in the order of the table's columns: its name in
# indices.csv / effects.csv, the column heading, and the sentence counting the points where ten-year
# contracts do better (a predicate on the effect B − A).
ROBUSTNESS_EFFECTS = [
    ("outcome", "outcome effect", "give better children's outcomes", lambda d: d > 0),
    ("public_cost", "public-cost effect", "give a lower total public cost (council spend plus costs outside the council, undiscounted)",
     lambda d: d < 0),
    ("providers", "providers effect", "leave more independent providers trading at the end", lambda d: d > 0),
]


def robustness(out):
    """The Sobol indices of the ten-year effect (scripts/robustness.py), if they were computed."""
    folder = os.path.join(out, "robustness")
    if not os.path.exists(os.path.join(folder, "indices.csv")):
        return None
    indices, effects = read(os.path.join(folder, "indices.csv")), read(os.path.join(folder, "effects.csv"))
    n = len(effects)
    scale, reps = float(effects[0]["scale"]), int(effects[0]["replications"])
    by = {(r["outcome"], r["parameter"]): r for r in indices}
    shown = [e for e in ROBUSTNESS_EFFECTS if any(r["outcome"] == e[0] for r in indices) and e[0] in effects[0]]
    params = list(dict.fromkeys(r["parameter"] for r in indices if r["outcome"] == shown[0][0]))

    def cell(r, k):
        return f"{float(r[k]):.2f} ± {float(r[k + '_conf']):.2f}"

    lines = [
        f"What the ten-year effect (ten-year minus three-year contracts, paired) depends on: SALib's Saltelli design over the "
        f"{len(params)} uncertain parameters below ({n} points, each run at both contract lengths, {reps} replications, "
        f"{100 * scale:g}% scale; `scripts/robustness.py`, `commissim.sobol_contrast`), Sobol indices with 95% bootstrap intervals.",
        "",
    ]
    for name, _, sentence, better in shown:
        k = sum(better(float(r[name])) for r in effects)
        lines.append(f"- Ten-year contracts {sentence} at **{k} of {n}** points ({100 * k / n:.0f}%).")
    if any(e[0] == "providers" for e in shown):
        d = sorted(float(r["providers"]) for r in effects)
        q = lambda f: d[min(n - 1, int(f * n))]  # noqa: E731
        top = max(params, key=lambda p: float(by[("providers", p)]["ST"]))
        lines.append(f"  How many more: {q(0.1):+,.0f} to {q(0.9):+,.0f} providers between the design's 10th and 90th "
                     f"percentiles (median {q(0.5):+,.0f}) at {100 * scale:g}% of England; `{top}` explains most of the "
                     "spread (docs/MODEL.md §5 says why, and why the size is not evidence).")
    heads = " | ".join(f"{label}: first-order S1 | total ST" for _, label, _, _ in shown)
    lines += ["", f"| parameter | {heads} |", "|---" * (1 + 2 * len(shown)) + "|"]
    order = sorted(params, key=lambda p: -max(float(by[(e[0], p)]["ST"]) for e in shown))
    for p in order:
        cells = " | ".join(f"{cell(by[(e[0], p)], 'S1')} | {cell(by[(e[0], p)], 'ST')}" for e in shown)
        lines.append(f"| `{p}` | {cells} |")
    lines += ["", "S1: the share of the effect's variance over the design that a parameter explains alone; ST: with its "
              "interactions. With this many points the intervals are wide: an index whose interval includes zero is not "
              "distinguishable from noise (run-to-run noise in the effect at a point also inflates every ST)."]
    # Saltelli's and Jansen's estimators are not bounded: with few points an index reads above 1 or
    # below 0, which no share of a variance can be. Say so where it happens, so the table is read right.
    above = sorted({p for e in shown for p in params for ix in ("S1", "ST") if float(by[(e[0], p)][ix]) > 1})
    below = any(float(by[(e[0], p)][ix]) < 0 for e in shown for p in params for ix in ("S1", "ST"))
    if above or below:
        where = []
        if above:
            where.append("above 1 (" + ", ".join(f"`{p}`" for p in above) + ")")
        if below:
            where.append("below 0")
        lines[-1] += (f" The estimators are not bounded to [0, 1]: with this many points some read {' and '.join(where)}, "
                      "which no share of a variance can be; read such an estimate as its nearest bound, to within its interval "
                      "(an index above 1 means the parameter explains about all of the effect's variance).")
    return Section("Robustness", lines)


def headline(study, out, do_trim):
    check_folders(study, out)
    cat = catalogue()
    if do_trim:
        trim(out, {m.name for m in cat.headline})
    sections = [s for s in (changes_since_last_version(), robustness(out)) if s] + [Section("Limits of the model", [calibration_limit()] + LIMITS)]
    preface = ["*Generated by `scripts/report.py` (the code of `commissim report`) from the results beside it; "
               "regenerate with `bash scripts/run-study.sh`.*"]
    report(out, sections=sections, preface=preface, title=study["title"])


def trim_facts(study, root):
    """Keeps, of each fact's comparison_monthly.csv, only the rows a FACT_FIRST claim reads (deletes the rest)."""
    for entry in study["comparisons"]:
        path = os.path.join(root, entry["name"], "comparison_monthly.csv")
        if not os.path.exists(path):
            continue
        if entry["name"] not in FACT_FIRST:
            os.remove(path)
            continue
        prefix = FACT_FIRST[entry["name"]][0] + "_"
        keep_rows(path, lambda metric: metric.startswith(prefix))


def facts(study, root, do_trim=False):
    check_folders(study, root)
    if do_trim:
        trim_facts(study, root)
    cat = catalogue()
    lines = [f"# {study['title']}", "",
             "*Generated by `scripts/report.py`; each is also held by a test in `Tests/CommissimTests/StylisedFactTests.swift`.*", "",
             f"From [`{os.path.relpath(study['file'])}`]({os.path.relpath(study['file'], root)}): paired comparisons with common random "
             "numbers; B − A as % of A with 95% CI (Fieller's interval of the ratio of means).", ""]
    summary = {}
    for entry in study["comparisons"]:
        c = ComparisonFolder.load(os.path.join(root, entry["name"]))
        metrics = FACT_METRICS.get(c.name)
        if metrics is None:  # largest clear effects
            rows = c.rows.drop(index=["month", "year"], level="metric", errors="ignore").dropna(subset=["rel_diff"])
            clear = rows[(rows["diff_ci95_low"] > 0) | (rows["diff_ci95_high"] < 0)]
            metrics = [(m, k, None) for m, k in clear["rel_diff"].abs().sort_values(ascending=False).index[:6]]
        lines += [f"## {c.title}", "", f"A = {c.arm('a')}; B = {c.arm('b')}; {c.manifest.get('replications')} replications", "",
                  "| metric | A | B | B − A (95% CI) | claimed | in this study |", "|---|---|---|---|---|---|"]
        held, failed, open_ = [], [], []
        for metric, measure, direction in metrics:
            e = c.effect(cat.get(metric, measure))
            unit = e.metric.measured_unit
            v = verdict(e, direction)
            (held if v == "holds" else failed if v.startswith("**") else open_ if v == "not resolved" else []).append(f"{metric} ({measure})")
            arrow = {"+": "higher", "-": "lower", None: "–"}[direction]
            lines.append(f"| {metric} ({measure}) | {fmt_value(e.mean_a, unit)} | {fmt_value(e.mean_b, unit)} | "
                         f"{e.text()}{'' if e.clear else ' (not clear)'} | {arrow} | {v} |")
        if c.name in FACT_FIRST:
            prefix, claimed, direction = FACT_FIRST[c.name]
            monthly = os.path.join(root, entry["name"], "comparison_monthly.csv")
            firsts = first_clear_months(monthly, prefix, direction)
            label = f"first kind whose {prefix} is clearly {'lower' if direction == '-' else 'higher'}"
            if firsts is None:
                lines.append(f"| {label} | | | (no comparison_monthly.csv) | {claimed} | not evaluated |")
            else:
                v = first_verdict(firsts, claimed)
                (held if v == "holds" else failed if v.startswith("**") else open_).append(f"{prefix} of {claimed} first")
                months = ", ".join(f"{k} month {m}" if m is not None else f"{k} never"
                                   for k, m in sorted(firsts.items(), key=lambda kv: (kv[1] is None, kv[1] or 0, kv[0])))
                lines.append(f"| {label} ({FIRST_RUN} months in a row) | | | {months} | {claimed} first | {v} |")
        summary[c.title] = (held, failed, open_)
        lines.append("")
    lines += ["## Summary", "", "| fact | claims that hold | fail (clear, opposite) | not resolved by these pairs |", "|---|---|---|---|"]
    for title, (held, failed, open_) in summary.items():
        lines.append(f"| {title} | {len(held)} | {', '.join(failed) or '–'} | {', '.join(open_) or '–'} |")
    lines += ["", "\"Claimed\" is the direction the stylised fact (../shared/DOMAIN.md) gives B − A; the verdict reads it off the 95% "
              "interval above, so it changes with the model and the pairs, never by hand. The tests in "
              "`Tests/CommissimTests/StylisedFactTests.swift` hold the same claims at reduced scale with more pairs (a power "
              "calculation sizes facts 4 and 5), and docs/MODEL.md §4.2 discusses the claims that fail. A \"first kind\" row reads "
              f"comparison_monthly.csv: for each kind, the first month from which B − A is clear in the claimed direction for "
              f"{FIRST_RUN} months in a row; the claim holds when the claimed kind comes strictly before every other.", ""]
    write_text_whole(os.path.join(root, "FACTS.md"), "\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write REPORT.md (and FACTS.md) from comparison studies.")
    parser.add_argument("study", help="comparison study file, e.g. scenarios/headline_study.toml")
    parser.add_argument("out", help="folder its comparisons were written to, e.g. results/contract_length")
    parser.add_argument("--facts", nargs=2, metavar=("FACTS_STUDY", "FACTS_OUT"), help="stylised-facts study and its folder")
    parser.add_argument("--trim", action="store_true", help="keep only the reported metrics in comparison_monthly.csv (of the facts: the rows their month-by-month claims read)")
    args = parser.parse_args()
    try:
        headline(load_study(args.study), args.out, args.trim)
        if args.facts:
            facts(load_study(args.facts[0]), args.facts[1], args.trim)
    except CommissimError as e:
        fail(str(e))
