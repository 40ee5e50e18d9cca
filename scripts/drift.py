"""Drift of the baseline at rest (MODEL.md §4.1): runs the baseline with N seeds and prints, per
metric, the year-1 and year-20 means, and the change over the run after taking out what demand
growth and inflation explain (children and providers by the demand index, prices by the price
index, spend by both; shares, ratios and scores as they are), with a 95% CI over seeds.

    .venv/bin/python scripts/drift.py [.build/release/commissim] [N=8] [extra commissim run args...]
"""
import math, sys
from yearly import seeds_yearly_means

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/commissim"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 8
EXTRA = sys.argv[3:]
# metric -> what explains its growth: "demand", "price", "both" or None (a level that should stay put)
METRICS = {
    "providers": "demand", "n_small_charity": "demand", "n_large_charity": "demand",
    "n_small_private": "demand", "n_investor_private": "demand",
    "children_served": "demand", "children_waiting": "demand",
    "spot_share": None, "in_house_share": None,
    "price_fostering": "price", "price_residential": "price", "provider_margin": None,
    "trust_provider": None, "trust_council": None, "trust_provider_all": None,
    "late_payments": "demand", "reserves_small_charity": None, "reserves_large_charity": None,
    "budget_pressure": None, "quality_mean": None, "outcome_mean": None, "hhi_local": None,
    "spend": "both", "rollovers": "demand", "tenders_waiting": "demand",
    "tenders": "demand", "bid_costs": "both",
    # capital per place is held at month-1 prices (MODEL.md 3.10)
    "capital_small_charity": None, "capital_large_charity": None, "capital_investor_private": None,
    # the calibration's IFA pair (MODEL.md 3.15), whose margin drifted before the bid-writing limit
    "investor_fee_fostering": "price", "investor_margin_fostering": None, "independent_spend_share_fostering": None,
}
ABSOLUTE = {"budget_pressure"}  # reported as a difference, not a ratio


def main():
    runs = seeds_yearly_means(BIN, N, METRICS, EXTRA, prefix="commissim-drift-")
    last = max(runs[0])
    trend = inflation = 0.02
    for line in open("scenarios/baseline.toml"):
        if line.split("#")[0].strip().startswith("trend"):
            trend = float(line.split("=")[1].split("#")[0])
        if line.split("#")[0].strip().startswith("inflation"):
            inflation = float(line.split("=")[1].split("#")[0])
    span = last - 1
    index = {"demand": (1 + trend) ** span, "price": (1 + inflation) ** span}
    index["both"] = index["demand"] * index["price"]
    t = {4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}.get(N - 1, 1.96)
    print(f"baseline drift, year 1 to year {last}, {N} seeds; change net of demand (+{index['demand'] - 1:.0%}) and prices (+{index['price'] - 1:.0%}) where they explain it")
    print(f"| metric | year 1 | year {last} | change | net change (95% CI) |")
    print("|---|---|---|---|---|")
    for k, explained in METRICS.items():
        a = [r[1][k] for r in runs]
        b = [r[last][k] for r in runs]
        if k in ABSOLUTE:
            ch = [y - x for x, y in zip(a, b)]
        else:
            ch = [(y / (index[explained] if explained else 1)) / x - 1 if x else 0 for x, y in zip(a, b)]
        m = sum(ch) / N
        sd = math.sqrt(sum((c - m) ** 2 for c in ch) / (N - 1)) if N > 1 else 0
        h = t * sd / math.sqrt(N)
        fmt = (lambda v: f"{v:+.3f}") if k in ABSOLUTE else (lambda v: f"{v:+.1%}")
        raw = sum((y - x) if k in ABSOLUTE else (y / x - 1 if x else 0) for x, y in zip(a, b)) / N
        net = f"{fmt(m)} ({fmt(m - h)} to {fmt(m + h)})" if explained or k in ABSOLUTE else f"({fmt(m - h)} to {fmt(m + h)})"
        print(f"| {k} | {sum(a) / N:,.3f} | {sum(b) / N:,.3f} | {fmt(raw)} | {net} |")


if __name__ == "__main__":
    main()
