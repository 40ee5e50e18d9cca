#!/usr/bin/env python3
"""Generates REPORT.md and its plots from a comparison study and the folders `commissim compare STUDY`
wrote for it, and FACTS.md from the stylised-facts study (both run by scripts/run-study.sh).
Regenerated with the results; never hand-edited.

    report.py STUDY OUT [--facts FACTS_STUDY FACTS_OUT] [--trim]

STUDY is a comparison study file (scenarios/headline_study.toml); OUT the folder its comparisons were
written to. The comparisons named "baseline" and "austerity" get the full tables; names ending in
"5plus2" form the middle-path table; the others the cost-cutting table. --trim keeps only the plotted
metrics in each comparison_monthly.csv (small committed results)."""
import argparse
import csv
import json
import os
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# The metrics shown for each stylised fact (comparison name in scenarios/stylised_facts_study.toml);
# a comparison not listed here shows its largest clear effects.
FACT_METRICS = {
    "fact1_contract_length": [("investment", "total"), ("capital_small_charity", "end"), ("quality_mean", "end"), ("outcome_mean", "end")],
    "fact2_price_squeeze": [("spend", "total"), ("exits_small_charity", "total"), ("spend_spot", "total"), ("external_costs_committed", "total"),
                            ("trust_provider_all", "end"), ("hhi_local", "end"), ("price_fostering", "end")],
    "fact3_retendering": [("trust_provider_all", "end"), ("bids_per_tender", "end"), ("transaction_costs", "total"), ("tenders", "total")],
    "fact4_consolidation": [("share_small_charity", "end"), ("share_large_charity", "end"), ("share_investor_private", "end"), ("hhi_local", "end")],
    "fact5_outcome_finance": [("exits_small_charity", "total"), ("exits_small_private", "total"), ("providers", "end"), ("outcome_mean", "end")],
    "fact6_rising_demand": [("unmet_need", "end"), ("new_spot_looked_after", "total"), ("new_spot_placements", "total"), ("rationed", "total"),
                            ("price_fostering", "end"), ("budget_pressure", "end"), ("overspend", "total")],
}

# (metric, measure, label, group, better-when) — measure: "end" = mean of the last 12 months, "total" = over the run.
KEY = [
    ("outcome_mean", "end", "Outcome score of leavers", "children", "up"),
    ("good_outcome_share", "end", "Share of leavers with a good outcome", "children", "up"),
    ("breakdowns", "total", "Placement breakdowns", "children", "down"),
    ("unmet_need", "end", "Unmet need (children waiting or screened out)", "children", "down"),
    ("spend", "total", "Council spend", "councils", "down"),
    ("transaction_costs", "total", "Transaction costs (tendering, monitoring)", "councils", "down"),
    ("exits_small_charity", "total", "Small-charity exits", "market", "down"),
    ("providers", "end", "Independent providers trading", "market", "up"),
    ("hhi_local", "end", "Local concentration (HHI)", "market", "down"),
    ("price_fostering", "end", "Fostering price per week", "market", "down"),
    ("trust_provider_all", "end", "Providers' trust in councils", "market", "up"),
    ("investment", "total", "Providers' investment", "market", "up"),
    ("external_costs_committed", "total", "Costs falling outside the council (justice, welfare), undiscounted", "public purse", "down"),
    ("external_costs_pv", "total", "Costs outside the council falling in the run, discounted at 3.5% (Green Book)", "public purse", "down"),
    ("rationed", "total", "Family-support referrals rationed over budget", "children", "down"),
]
PLOTS = ["outcome_mean", "breakdowns", "spend", "external_costs", "investment", "n_small_charity", "hhi_local", "trust_provider_all"]


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def fail(message):
    sys.exit(f"report.py: {message}")


def load_study(path):
    """The comparisons of a study file, in order: name, title, scenario paths (absolute) and overrides."""
    try:
        with open(path, "rb") as f:
            study = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(f"cannot read the study file {path}: {e}")
    here = os.path.dirname(os.path.abspath(path))
    comparisons = []
    for c in study.get("comparison", []):
        both = {**study["study"].get("set", {}), **c.get("set", {})}
        comparisons.append({
            "name": c["name"], "title": c.get("title", c["name"]),
            "a": os.path.join(here, c["a"]), "b": os.path.join(here, c["b"]),
            "set": both, "set_a": c.get("set_a", {}), "set_b": c.get("set_b", {}),
        })
    return {"file": path, "title": study["study"].get("title", "Comparison study"), "comparisons": comparisons}


def load_results(study, out):
    """Each comparison's rows, monthly series and manifest; all must come from one run of the study."""
    data, prints = {}, set()
    for c in study["comparisons"]:
        folder = os.path.join(out, c["name"])
        if not os.path.exists(os.path.join(folder, "manifest.json")):
            fail(f"{folder} is missing: run `commissim compare {study['file']} --out {out}` first")
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
        prints.add(manifest.get("study_fingerprint"))
        monthly = os.path.join(folder, "comparison_monthly.csv")
        data[c["name"]] = {
            "rows": {(r["metric"], r["measure"]): r for r in read(os.path.join(folder, "comparison.csv"))},
            "monthly": read(monthly) if os.path.exists(monthly) else [],
            "manifest": manifest, "title": c["title"], "study": c,
        }
    if len(prints) != 1 or None in prints:
        fail(f"the folders under {out} come from different runs or versions of {study['file']}: run it again")
    return data


def arm_labels(name):
    return ("3-year", "5+2") if name.endswith("5plus2") else ("3-year contracts", "10-year contracts")


def overrides_text(values):
    return ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in values.items())


def file_name(path):
    return f"`{os.path.basename(path)}`"


def arm_text(comparison, key, show):
    """Arm `key` ("a" or "b") of a comparison: its scenario shown by `show`, with its own overrides."""
    own = comparison["set_" + key]
    return show(comparison[key]) + (f" with {overrides_text(own)}" if own else "")


def fmt_pct(x):
    return f"{100 * x:+.1f}%"


COUNT_UNITS = ("children", "placements", "providers", "contracts", "tenders")


def effect(r):
    """(text, clear) for a comparison.csv row: the relative difference with its 95% interval
    (Fieller's, from commissim, stopping at -100% for what cannot be negative), and, where the base is a
    small count (under 1,000) or the relative interval is unbounded, the absolute difference with
    its interval too. Clear when the interval of the difference excludes zero."""
    rel = float(r["rel_diff"]) if r["rel_diff"] else float("nan")
    diff, dlo, dhi = float(r["diff"]), float(r["diff_ci95_low"]), float(r["diff_ci95_high"])
    clear = dlo > 0 or dhi < 0
    if r["rel_ci95_low"] and r["rel_ci95_high"]:
        text = f"{fmt_pct(rel)} ({fmt_pct(float(r['rel_ci95_low']))} to {fmt_pct(float(r['rel_ci95_high']))})"
    else:
        text = f"{fmt_pct(rel)} (relative interval unbounded)" if rel == rel else "(no base)"
    unit = r.get("unit", "")
    if (unit in COUNT_UNITS and abs(float(r["mean_a"])) < 1000) or not (r["rel_ci95_low"] and r["rel_ci95_high"]):
        text += f"; {diff:+,.1f} {unit} ({dlo:+,.1f} to {dhi:+,.1f})".rstrip()
    return text, clear


def fmt_num(x):
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:,.2f} bn"
    if a >= 1e6:
        return f"{x / 1e6:,.1f} m"
    if a >= 1e3:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def main(study, OUT, trim):
    data = load_results(study, OUT)
    names = [c["name"] for c in study["comparisons"]]
    CONDITIONS = [(k, data[k]["title"]) for k in names if k in ("baseline", "austerity")]
    MIDDLE = [(k, data[k]["title"]) for k in names if k.endswith("5plus2")]
    STRATEGIES = [(k, data[k]["title"]) for k in names if (k, data[k]["title"]) not in CONDITIONS + MIDDLE]
    if not CONDITIONS:
        fail(f"{study['file']} needs comparisons named baseline and/or austerity for the main tables")
    if trim:  # keep only the plotted metrics' monthly rows (small committed results)
        for key in data:
            path = os.path.join(OUT, key, "comparison_monthly.csv")
            if os.path.exists(path) and data[key]["monthly"]:
                rows = [r for r in data[key]["monthly"] if r["metric"] in PLOTS]
                with open(path, "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(data[key]["monthly"][0].keys()))
                    w.writeheader()
                    w.writerows(rows)
                data[key]["monthly"] = rows
    figs = os.path.join(OUT, "figures")
    os.makedirs(figs, exist_ok=True)

    # Time series: levels of both regimes with 95% CI bands, and the paired difference with its band.
    def series_figure(metric, groups, filename):
        groups = [(k, t) for k, t in groups if data[k]["monthly"]]
        if not groups:
            return
        fig, axes = plt.subplots(len(groups), 2, figsize=(11, 3.2 * len(groups)), squeeze=False)
        for i, (key, title) in enumerate(groups):
            m = [r for r in data[key]["monthly"] if r["metric"] == metric]
            t = [int(r["month"]) / 12 for r in m]
            names = arm_labels(key)
            ax = axes[i][0]
            for arm, label, color in (("a", names[0], "#c0504d"), ("b", names[1], "#1f77b4")):
                ax.plot(t, [float(r[f"mean_{arm}"]) for r in m], label=label, color=color)
                if f"{arm}_ci95_low" in m[0]:
                    ax.fill_between(t, [float(r[f"{arm}_ci95_low"]) for r in m], [float(r[f"{arm}_ci95_high"]) for r in m],
                                    color=color, alpha=0.2, lw=0)
            ax.set_title(f"{title}: {metric}", fontsize=9)
            ax.set_xlabel("year")
            ax.legend(fontsize=8)
            ax = axes[i][1]
            d = [float(r["diff"]) for r in m]
            ax.fill_between(t, [float(r["ci95_low"]) for r in m], [float(r["ci95_high"]) for r in m], color="#1f77b4", alpha=0.25, label="95% CI")
            ax.plot(t, d, color="#1f77b4", label=f"{names[1]} minus {names[0]}")
            ax.axhline(0, color="black", lw=0.6)
            ax.set_title(f"{title}: paired difference", fontsize=9)
            ax.set_xlabel("year")
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(figs, filename), dpi=90)
        plt.close(fig)

    for metric in PLOTS:
        series_figure(metric, CONDITIONS, f"{metric}.png")
        series_figure(metric, MIDDLE + STRATEGIES, f"{metric}_middle_and_strategies.png")

    # Bars: relative paired differences with CIs for the key metrics.
    fig, ax = plt.subplots(figsize=(9, 6))
    labels = [k[2] for k in KEY]
    for j, (key, title) in enumerate(CONDITIONS):
        vals, lo, hi = [], [], []
        for metric, measure, *_ in KEY:
            r = data[key]["rows"][(metric, measure)]
            v = float(r["rel_diff"] or 0)
            vals.append(100 * v)
            lo.append(100 * (v - float(r["rel_ci95_low"])) if r["rel_ci95_low"] else 0)
            hi.append(100 * (float(r["rel_ci95_high"]) - v) if r["rel_ci95_high"] else 0)
        y = [i + 0.38 * j for i in range(len(KEY))]
        ax.barh(y, vals, height=0.36, xerr=[lo, hi], label=title, color=["#1f77b4", "#ff7f0e"][j], capsize=2)
    ax.set_yticks([i + 0.19 for i in range(len(KEY))])
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xscale("symlog", linthresh=20)  # investment changes by hundreds of per cent, the rest by a few
    ax.set_xlabel("10-year minus 3-year, % of 3-year value, 95% CI (log scale beyond ±20%)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(figs, "paired_differences.png"), dpi=90)
    plt.close(fig)

    # The report.
    man = data[CONDITIONS[0][0]]["manifest"]
    with open(os.path.join(OUT, CONDITIONS[0][0], "a.resolved.toml"), "rb") as f:
        sim = tomllib.load(f).get("simulation", {})
    scale, years = float(sim.get("scale", 1.0)), int(sim.get("months", 240)) / 12
    size = "England scale" if scale == 1 else f"{100 * scale:g}% of England's scale"

    def link(path):
        rel = os.path.relpath(path, OUT)
        return f"[`{os.path.relpath(path)}`]({rel})"

    lines = [
        f"# {study['title']}",
        "",
        "*Generated by `scripts/report.py` from the results beside it; regenerate with `bash scripts/run-study.sh`.*",
        "",
        "## What was run",
        "",
        f"- Study file: {link(study['file'])}, run with `commissim compare {os.path.relpath(study['file'])} --out {os.path.relpath(OUT)}`.",
        f"- Model: commissim {man['version']}; {man['replications']} paired replications per comparison, {size}, {years:g} years; "
        f"random streams: GSL {man['generator']}; replication *r* of both arms uses the same seed (common random numbers), "
        f"derived from seed {man['seed']}.",
    ]
    for c in study["comparisons"]:
        common = f"; both with {overrides_text(c['set'])}" if c["set"] else ""
        lines.append(f"- **{c['title']}** (`{c['name']}/`): A = {arm_text(c, 'a', link)}, B = {arm_text(c, 'b', link)}{common}.")
    lines += [
        "- Each folder holds `comparison.csv` (every metric), `comparison_monthly.csv` (the plotted metrics, by month), `runs.csv`, "
        "the resolved scenarios and `manifest.json` (command line, seeds, scenario texts and the study's fingerprint).",
        "",
    ]
    lines += changes_since_last_version()
    lines += [
        "## Findings",
        "",
        f"Paired differences, ten-year minus three-year, with 95% confidence intervals; totals are over {years:g} years, "
        "levels are means over the last 12 months. A difference whose interval includes zero is not distinguishable from chance.",
        "",
    ]
    for key, title in CONDITIONS:
        lines += [f"### {title}", "", "| for | measure | 3-year | 10-year | difference (95% CI) |", "|---|---|---|---|---|"]
        for metric, measure, label, group, _ in KEY:
            r = data[key]["rows"][(metric, measure)]
            text, clear = effect(r)
            lines.append(f"| {group} | {label} | {fmt_num(float(r['mean_a']))} | {fmt_num(float(r['mean_b']))} | "
                         f"{text}{'' if clear else ' (not clear)'} |")
        lines.append("")
        # Plain words.
        words = []
        for metric, measure, label, group, better in KEY:
            r = data[key]["rows"][(metric, measure)]
            text, clear = effect(r)
            if clear:
                up = float(r["diff_ci95_low"]) > 0
                small = r.get("unit", "") in COUNT_UNITS and abs(float(r["mean_a"])) < 1000
                size = f"{float(r['diff']):+,.0f} {r['unit']}" if small else fmt_pct(float(r['rel_diff']))
                words.append(f"{label.lower()} {'higher' if up else 'lower'} ({size})")
        lines += ["In plain words: with ten-year contracts, " + ("; ".join(words) if words else "no clear difference") + ".", ""]
    # The middle path and the strategies: the headline measures only.
    for group_title, group in [("## Five-plus-two as a middle path", MIDDLE), ("## Under cost-cutting strategies: ten-year against three-year", STRATEGIES)]:
        lines += [group_title, "", "| measure | " + " | ".join(t for _, t in group) + " |", "|---|" + "---|" * len(group)]
        for metric, measure, label, group_name, _ in KEY:
            cells = []
            for key, _ in group:
                r = data[key]["rows"][(metric, measure)]
                text, clear = effect(r)
                cells.append(text + ("" if clear else " ·"))
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines += ["", "(· = the 95% interval includes zero.)", ""]
    robustness(lines, OUT)
    lines += ["## Pictures", "", "![paired differences](figures/paired_differences.png)", ""]
    for metric in PLOTS:
        lines += [f"![{metric}](figures/{metric}.png)", ""]
    lines += ["### Five-plus-two and the strategies", ""]
    for metric in PLOTS:
        if os.path.exists(os.path.join(figs, f"{metric}_middle_and_strategies.png")):
            lines += [f"![{metric}, five-plus-two and strategies](figures/{metric}_middle_and_strategies.png)", ""]
    lines += [
        "## Limits of the model",
        "",
        "- The model is calibrated to the seeds' national figures (children in care, placement moves, CMA prices and margins), "
        "not fitted to local data; effect sizes are indicative, directions are what the tests hold.",
        "- Bands are 95% confidence intervals of the mean across replications (left panels) and of the mean paired "
        "difference (right panels); the paired intervals are much narrower because both regimes share their random numbers.",
        "- Investment pays back over `investment.payback_months` (48 by default); the advantage of long contracts scales with it. "
        "The robustness section shows how much the answer depends on it.",
        "- Both arms share a 240-month burn-in under the status quo (three-year block contracts) and diverge from one market "
        "at month 1; the reported years are after it. The baseline is at rest in prices, shares, trust, reserves, quality and "
        "outcomes; provider numbers and concentration still consolidate slowly (`docs/MODEL.md`, sections 3.1 and 4).",
        "- External (silo) costs count care leavers as 004 defines them (about 10,000 a year), from a stock of earlier leavers "
        "at month 1; shown undiscounted (committed by the run's leavers) and discounted at the Green Book's 3.5% (falling in the run).",
        "",
    ]
    with open(os.path.join(OUT, "REPORT.md"), "w") as f:
        f.write("\n".join(lines))


def changes_since_last_version():
    """The 'Findings that moved' part of the newest CHANGELOG.md entry, if there is one."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CHANGELOG.md")
    if not os.path.exists(path):
        return []
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
    return ["## What changed since the previous version", "", "From `CHANGELOG.md`:", ""] + out + [""] if out else []


def robustness(lines, OUT):
    path = os.path.join(OUT, "robustness", "samples.csv")
    if not os.path.exists(path):
        return
    rows = read(path)
    params = [k for k in rows[0] if k not in ("sample", "outcome_diff", "public_cost_diff", "spend_diff", "external_diff")]
    n = len(rows)
    better_outcome = sum(float(r["outcome_diff"]) > 0 for r in rows)
    cheaper = sum(float(r["public_cost_diff"]) < 0 for r in rows)

    def ranks(xs):
        order = sorted(range(len(xs)), key=lambda i: xs[i])
        r = [0.0] * len(xs)
        for rank, i in enumerate(order):
            r[i] = rank
        return r

    def spearman(xs, ys):
        rx, ry = ranks(xs), ranks(ys)
        mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
        cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
        vx = sum((a - mx) ** 2 for a in rx) ** 0.5
        vy = sum((b - my) ** 2 for b in ry) ** 0.5
        return cov / (vx * vy) if vx and vy else 0.0

    lines += ["## Robustness", "",
              f"{n} Latin-hypercube samples of the uncertain parameters below (ranges in `scripts/robustness.py`), "
              "each a paired comparison of ten-year against three-year contracts (4 replications, 20% scale, 20 years).", "",
              f"- Ten-year contracts give better children's outcomes in **{better_outcome} of {n}** samples "
              f"({100 * better_outcome / n:.0f}%).",
              f"- Ten-year contracts give a lower total public cost (council spend plus costs outside the council) in "
              f"**{cheaper} of {n}** samples ({100 * cheaper / n:.0f}%).", "",
              "What the answer depends on most (Spearman rank correlation of each parameter with the paired difference):", "",
              "| parameter | with outcome gain | with public cost difference |", "|---|---|---|"]
    out_d = [float(r["outcome_diff"]) for r in rows]
    cost_d = [float(r["public_cost_diff"]) for r in rows]
    corr = [(p, spearman([float(r[p]) for r in rows], out_d), spearman([float(r[p]) for r in rows], cost_d)) for p in params]
    for p, a, b in sorted(corr, key=lambda t: -max(abs(t[1]), abs(t[2]))):
        lines.append(f"| `{p}` | {a:+.2f} | {b:+.2f} |")
    lines.append("")


def facts(study, root):
    data = load_results(study, root)
    lines = [f"# {study['title']}", "",
             "*Generated by `scripts/report.py`; each is also held by a test in `Tests/CommissimTests/StylisedFactTests.swift`.*", "",
             f"From [`{os.path.relpath(study['file'])}`]({os.path.relpath(study['file'], root)}): paired comparisons with common random "
             "numbers; B − A as % of A with 95% CI.", ""]
    for c in study["comparisons"]:
        rows = data[c["name"]]["rows"]
        n = next(iter(rows.values()))["n"]
        arms = f"A = {arm_text(c, 'a', file_name)}, B = {arm_text(c, 'b', file_name)}"
        metrics = FACT_METRICS.get(c["name"])
        if metrics is None:  # largest clear effects
            clear = [r for r in rows.values() if r["rel_diff"] and (float(r["diff_ci95_low"]) > 0 or float(r["diff_ci95_high"]) < 0)]
            metrics = [(r["metric"], r["measure"]) for r in sorted(clear, key=lambda r: -abs(float(r["rel_diff"])))[:6]]
        lines += [f"## {c['title']}", "", f"{arms}; {n} replications", "", "| metric | A | B | B − A (95% CI) |", "|---|---|---|---|"]
        for metric, measure in metrics:
            r = rows[(metric, measure)]
            text, clear = effect(r)
            lines.append(f"| {metric} ({measure}) | {fmt_num(float(r['mean_a']))} | {fmt_num(float(r['mean_b']))} | "
                         f"{text}{'' if clear else ' (not clear)'} |")
        lines.append("")
    lines += ["Fact 2 in this calibration: the squeeze saves council money early and raises exits, lost trust and costs "
              "outside the council, but it does not raise spot spending, local concentration or unit prices (docs/MODEL.md §4.2; "
              "the test reports the spot-spending claim as a known failure).", "",
              "Fact 5: an investor's finance lowers exits by about 5%, the size measured at England scale; its test uses the 96 "
              "pairs a power calculation asks for (docs/MODEL.md §4.2), so this study's pairs may not resolve every kind.", "",
              "Fact 6: councils over budget ration family support (docs/MODEL.md §3.3), so spot purchases of all tiers together "
              "no longer rise; spot purchases for looked-after children, whom councils must place, do (the test asserts those).", "",
              "Fact 4: the rise in local concentration is small against its run-to-run spread (effect size about 0.5): its test "
              "uses the 64 pairs a power calculation asks for (the others 16); this study's pairs do not resolve it, and the HHI "
              "row above says so when its interval includes zero. The shift of share from small charities is clear.", ""]
    with open(os.path.join(root, "FACTS.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write REPORT.md (and FACTS.md) from comparison studies.")
    parser.add_argument("study", help="comparison study file, e.g. scenarios/headline_study.toml")
    parser.add_argument("out", help="folder its comparisons were written to, e.g. results/contract_length")
    parser.add_argument("--facts", nargs=2, metavar=("FACTS_STUDY", "FACTS_OUT"), help="stylised-facts study and its folder")
    parser.add_argument("--trim", action="store_true", help="keep only the plotted metrics in comparison_monthly.csv")
    args = parser.parse_args()
    main(load_study(args.study), args.out, args.trim)
    if args.facts:
        facts(load_study(args.facts[0]), args.facts[1])
