#!/usr/bin/env bash
# The headline study: three-year versus ten-year contracts (and five-plus-two as a middle path),
# under the baseline, under austerity (28% over four years), under a price squeeze and under a
# co-design partnership; the six stylised facts; and a robustness analysis over uncertain
# parameters. Installs what is missing, builds, runs paired comparisons with common random numbers,
# and writes CSV, plots and a generated report under results/contract_length/ (and
# results/stylised_facts/).
#
#   bash scripts/run-study.sh        # REPS=12 pairs per headline comparison; ROBUST=24 samples
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-12}"
FACT_REPS="${FACT_REPS:-8}"
ROBUST="${ROBUST:-24}"
OUT=results/contract_length
bash scripts/install-deps.sh --python
swift build -c release --product commissim
BIN=.build/release/commissim
mkdir -p "$OUT" results/stylised_facts
cmp_() { # name, A, B, then extra options
  local name=$1 a=$2 b=$3; shift 3
  echo "  $name" >&2
  "$BIN" compare "$a" "$b" --replications "$REPS" --out "$OUT/$name" -q "$@"
}
echo "headline comparisons ($REPS paired replications each, England scale, 20 years):" >&2
cmp_ baseline scenarios/three_year.toml scenarios/ten_year.toml
cmp_ baseline_5plus2 scenarios/three_year.toml scenarios/five_plus_two.toml
cmp_ austerity scenarios/austerity.toml scenarios/austerity.toml --set-a policy.contract_months=36 --set-b policy.contract_months=120
cmp_ austerity_5plus2 scenarios/austerity.toml scenarios/austerity.toml --set-a policy.contract_months=36 \
  --set-b policy.contract_months=60 --set-b policy.extension_months=24
cmp_ price_squeeze scenarios/price_squeeze.toml scenarios/price_squeeze.toml --set-a policy.contract_months=36 --set-b policy.contract_months=120
cmp_ codesign scenarios/codesign.toml scenarios/codesign.toml --set-a policy.contract_months=36 --set-b policy.contract_months=120

echo "stylised facts ($FACT_REPS paired replications each, 15% scale, 15 years):" >&2
fact() { # name, A, B, extra options
  local name=$1 a=$2 b=$3; shift 3
  echo "  $name" >&2
  "$BIN" compare "$a" "$b" --replications "$FACT_REPS" --out "results/stylised_facts/$name" -q \
    --set simulation.scale=0.15 --set simulation.months=180 "$@"
}
fact fact1_contract_length scenarios/three_year.toml scenarios/ten_year.toml
fact fact2_price_squeeze scenarios/three_year.toml scenarios/price_squeeze.toml
fact fact3_retendering scenarios/three_year.toml scenarios/three_year.toml --set policy.extension_months=24 --set-b policy.retender_good_incumbents=true
fact fact4_consolidation scenarios/three_year.toml scenarios/consolidation.toml
fact fact5_outcome_finance scenarios/outcome_payment.toml scenarios/outcome_payment_investor.toml
fact fact6_rising_demand scenarios/three_year.toml scenarios/rising_demand.toml

echo "robustness ($ROBUST Latin-hypercube samples of uncertain parameters):" >&2
.venv/bin/python scripts/robustness.py "$BIN" "$OUT/robustness" "$ROBUST"

# Keep the committed results small: monthly series only for the metrics the report plots.
find results/stylised_facts -name comparison_monthly.csv -delete
.venv/bin/python scripts/report.py "$OUT" --trim
echo "wrote $OUT/REPORT.md and results/stylised_facts/FACTS.md" >&2
