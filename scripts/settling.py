"""How long the drawn market takes to settle (MODEL.md §3.1, the burn-in's length): runs the
baseline in a stationary market (no burn-in, no demand trend, no inflation, no budget growth)
with N seeds for YEARS years and prints, per metric, the first year from which every later
yearly mean (over seeds) stays within 5% of the mean of the last ten years (0.02 for shares and
scores; fewer years for a short look).

    .venv/bin/python scripts/settling.py [.build/release/commissim] [N=4] [YEARS=60]
"""
import sys
from yearly import seeds_yearly_means

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/commissim"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 4
YEARS = int(sys.argv[3]) if len(sys.argv) > 3 else 60
# metric -> "relative" (5%) or "absolute" (0.02)
METRICS = {
    "providers": "relative", "n_small_charity": "relative", "n_large_charity": "relative",
    "n_small_private": "relative", "n_investor_private": "relative", "hhi_local": "relative",
    "spot_share": "absolute", "in_house_share": "absolute", "price_fostering": "relative",
    "price_residential": "relative", "provider_margin": "absolute", "trust_provider": "absolute",
    "trust_council": "absolute", "trust_provider_all": "absolute", "reserves_small_charity": "relative",
    "quality_mean": "absolute", "outcome_mean": "absolute", "tenders_waiting": "relative",
}
STATIONARY = ["--set", "simulation.burn_in_months=0", "--set", f"simulation.months={12 * YEARS}", "--set", "demand.trend=0",
              "--set", "budget.inflation=0", "--set", "budget.growth=0"]


def main():
    runs = seeds_yearly_means(BIN, N, METRICS, STATIONARY, prefix="commissim-settling-")
    mean = {y: {k: sum(r[y][k] for r in runs) / N for k in METRICS} for y in range(1, YEARS + 1)}
    ref_years = max(1, min(10, YEARS // 3))  # the last ten years (fewer for a short look)
    print(f"settling of the stationary baseline, {N} seeds, {YEARS} years; reference: years {YEARS - ref_years + 1}-{YEARS}")
    print("| metric | year 1 | year 20 | year 40 | reference | settles after |")
    print("|---|---|---|---|---|---|")
    for k, kind in METRICS.items():
        ref = sum(mean[y][k] for y in range(YEARS - ref_years + 1, YEARS + 1)) / ref_years
        ok = (lambda v: abs(v - ref) <= 0.05 * abs(ref)) if kind == "relative" else (lambda v: abs(v - ref) <= 0.02)
        settle = next((y for y in range(1, YEARS + 1) if all(ok(mean[z][k]) for z in range(y, YEARS + 1))), None)
        fmt = (lambda v: f"{v:,.0f}") if kind == "relative" and abs(ref) >= 100 else (lambda v: f"{v:.3f}")
        print(f"| {k} | {fmt(mean[1][k])} | {fmt(mean[min(20, YEARS)][k])} | {fmt(mean[min(40, YEARS)][k])} | {fmt(ref)} | "
              f"{'year ' + str(settle) if settle else 'does not settle'} |")


if __name__ == "__main__":
    main()
