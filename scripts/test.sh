#!/usr/bin/env bash
# The whole test suite: installs what is missing, runs `swift test` with optimisation (the
# statistical tests simulate hundreds of market-years) and testing enabled, then the tests of the
# report generator (scripts/test_report.py, on a small real study), the Python package's tests
# (python/tests, pytest against the binary), the fuzz smoke run of the
# parsers (scripts/fuzz.sh, a minute of libFuzzer), then the SLURM cluster test (a
# real single-node cluster; skip with SKIP_SLURM=1). Ends with one line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --python --browser || exit 1
swift build -c release -Xswiftc -enable-testing --build-tests || exit 1
log=$(mktemp)
swift test -c release -Xswiftc -enable-testing --disable-swift-testing "$@" 2>&1 | tee "$log"
unit_status=${PIPESTATUS[0]}
# XCTest's last summary: "Executed N tests, with [K tests skipped and] M failures".
line=$(grep -E "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$log" | tail -1)
unit_run=$(echo "$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); unit_run=${unit_run:-0}
unit_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failures?.*/\1/'); unit_failed=${unit_failed:-0}
unit_skipped=$(echo "$line" | grep -oE "[0-9]+ tests? skipped" | grep -oE "^[0-9]+"); unit_skipped=${unit_skipped:-0}
report_passed=0; report_failed=0; report_status=0
if [ $# -eq 0 ]; then
  .venv/bin/python scripts/test_report.py .build/release/commissim 2>&1 | tee "$log"
  report_status=${PIPESTATUS[0]}
  s=$(grep -E "^report: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  report_passed=$(echo "$s" | sed -E 's/report: ([0-9]+) passed.*/\1/'); report_passed=${report_passed:-0}
  report_failed=$(echo "$s" | sed -E 's/.*passed, ([0-9]+) failed/\1/'); report_failed=${report_failed:-1}
  [ -n "$s" ] || report_failed=1
fi
# The Python package (python/), installed into .venv and tested against the binary just built.
py_passed=0; py_failed=0; py_status=0
if [ $# -eq 0 ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r python/requirements.txt ./python 2>&1 | tail -5
  COMMISSIM_BIN="$PWD/.build/release/commissim" .venv/bin/python -m pytest -q -p no:cacheprovider python/tests 2>&1 | tee "$log"
  py_status=${PIPESTATUS[0]}
  s=$(grep -E "^[0-9]+ (passed|failed)|^=+ .*(passed|failed)" "$log" | tail -1)
  py_passed=$(echo "$s" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+"); py_passed=${py_passed:-0}
  py_failed=$(echo "$s" | grep -oE "[0-9]+ (failed|errors?)" | awk '{n += $1} END {print n + 0}')
  [ -n "$s" ] || py_failed=1
  [ "$py_status" -eq 0 ] || [ "$py_failed" -gt 0 ] || py_failed=1
fi
# The fuzz smoke run (scripts/fuzz.sh, FUZZ_SECONDS, default 60; skip with SKIP_FUZZ=1).
fuzz_passed=0; fuzz_failed=0; fuzz_status=0
if [ "${SKIP_FUZZ:-0}" != 1 ] && [ $# -eq 0 ]; then
  bash scripts/fuzz.sh 2>&1 | tee "$log"
  fuzz_status=${PIPESTATUS[0]}
  s=$(grep -E "^fuzz: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  fuzz_passed=$(echo "$s" | sed -E 's/fuzz: ([0-9]+) passed.*/\1/'); fuzz_passed=${fuzz_passed:-0}
  fuzz_failed=$(echo "$s" | sed -E 's/.*passed, ([0-9]+) failed/\1/'); fuzz_failed=${fuzz_failed:-1}
  [ -n "$s" ] || fuzz_failed=1
fi
slurm_passed=0; slurm_failed=0; slurm_status=0
if [ "${SKIP_SLURM:-0}" != 1 ] && [ $# -eq 0 ]; then
  bash scripts/slurm/test-cluster.sh 2>&1 | tee "$log"
  slurm_status=${PIPESTATUS[0]}
  s=$(grep -E "^slurm: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  slurm_passed=$(echo "$s" | sed -E 's/slurm: ([0-9]+) passed.*/\1/'); slurm_passed=${slurm_passed:-0}
  slurm_failed=$(echo "$s" | sed -E 's/.*passed, ([0-9]+) failed/\1/'); slurm_failed=${slurm_failed:-1}
  [ -n "$s" ] || slurm_failed=1
fi
rm -f "$log"
passed=$(( unit_run - unit_failed - unit_skipped + report_passed + py_passed + fuzz_passed + slurm_passed ))
failed=$(( unit_failed + report_failed + py_failed + fuzz_failed + slurm_failed ))
[ "$unit_status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
# Skipped: known failures reported with their numbers (MODEL.md §4.2), neither passed nor failed.
skipped=""; [ "$unit_skipped" -gt 0 ] && skipped=", $unit_skipped skipped (known failures)"
echo "tests: $passed passed, $failed failed$skipped"
[ "$unit_status" -eq 0 ] && [ "$report_status" -eq 0 ] && [ "$py_status" -eq 0 ] && [ "$fuzz_status" -eq 0 ] && [ "$slurm_status" -eq 0 ] && [ "$failed" -eq 0 ]
