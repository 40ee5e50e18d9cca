#!/usr/bin/env bash
# The headline study: three-year versus ten-year contracts, under the baseline and under austerity
# (28% over four years). Installs what is missing, builds, runs paired comparisons with common
# random numbers, and writes CSV, plots and a generated report under results/contract_length/.
#
#   bash scripts/run-study.sh            # REPS=16 pairs per comparison by default
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-16}"
OUT=results/contract_length
bash scripts/install-deps.sh --python
swift build -c release --product commissim
BIN=.build/release/commissim
mkdir -p "$OUT"
echo "baseline: three-year vs ten-year contracts ($REPS paired replications)" >&2
"$BIN" compare scenarios/three_year.toml scenarios/ten_year.toml --replications "$REPS" --out "$OUT/baseline" -q
echo "austerity: three-year vs ten-year contracts ($REPS paired replications)" >&2
"$BIN" compare scenarios/austerity.toml scenarios/austerity.toml --set-a policy.contract_months=36 --set-b policy.contract_months=120 \
  --replications "$REPS" --out "$OUT/austerity" -q
.venv/bin/python scripts/report.py "$OUT"
echo "wrote $OUT/REPORT.md" >&2
