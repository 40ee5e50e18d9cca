#!/usr/bin/env bash
# The headline study: three-year versus ten-year contracts (and five-plus-two as a middle path),
# under the baseline, under austerity (28% over four years), under a price squeeze and under a
# co-design partnership; the six stylised facts; and a robustness analysis over uncertain
# parameters. Installs what is missing, builds, runs the paired comparisons (common random
# numbers) of the study files scenarios/headline_study.toml and scenarios/stylised_facts_study.toml,
# and writes CSV, plots and a generated report under results/contract_length/ (and
# results/stylised_facts/).
#
#   bash scripts/run-study.sh        # replications as in the study files; ROBUST=32 (Saltelli base size)
#   REPS=4 FACT_REPS=3 ROBUST=4 bash scripts/run-study.sh   # a quicker, rougher look
#   QUIET=1 bash scripts/run-study.sh                       # no progress bars
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-}"            # empty: the study file's replications
FACT_REPS="${FACT_REPS:-}"
ROBUST="${ROBUST:-32}"        # Saltelli base size: ROBUST·13 points (11 parameters + 2), each at both contract lengths
OUT=results/contract_length
bash scripts/install-deps.sh --python
swift build -c release --product commissim
BIN=.build/release/commissim
echo "headline study: scenarios/headline_study.toml (replications: ${REPS:-as in the file}):" >&2
"$BIN" compare scenarios/headline_study.toml --out "$OUT" ${REPS:+--replications "$REPS"} ${QUIET:+-q}

echo "stylised facts: scenarios/stylised_facts_study.toml (replications: ${FACT_REPS:-as in the file}):" >&2
"$BIN" compare scenarios/stylised_facts_study.toml --out results/stylised_facts ${FACT_REPS:+--replications "$FACT_REPS"} ${QUIET:+-q}

echo "robustness (Sobol indices of the ten-year effect: Saltelli design of base size $ROBUST):" >&2
.venv/bin/python scripts/robustness.py "$BIN" "$OUT/robustness" "$ROBUST"

# Keep the committed results small: report.py --trim keeps monthly series only for the metrics the
# report plots and the rows the facts' month-by-month claims read (scripts/report.py, FACT_FIRST).
.venv/bin/python scripts/report.py scenarios/headline_study.toml "$OUT" --facts scenarios/stylised_facts_study.toml results/stylised_facts --trim
echo "wrote $OUT/REPORT.md and results/stylised_facts/FACTS.md" >&2
