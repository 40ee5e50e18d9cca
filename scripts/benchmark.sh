#!/usr/bin/env bash
# Benchmark of one England-scale baseline run on one thread (issue: simulation core).
# Builds in release mode and prints wall time and peak memory (median of N runs), plus the
# market size actually simulated. Timings on shared machines are noisy: quote the median.
#   OLD=path/to/old/commissim PAIRS=9   paired ratio new/old of the time per simulated month
#   CALLGRIND=1                         instruction counts (load-independent), against OLD too
#   SKIP_SWEEP=1                        without the sweep scaling part
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-5}"
command -v pkg-config >/dev/null && pkg-config --exists gsl || { echo "GSL missing: run scripts/install-deps.sh" >&2; exit 1; }
swift build -c release --product commissim >/dev/null
BIN=.build/release/commissim
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
times=(); mems=(); burn=()
# Alternate full runs with burn-in-only runs (the burn-in plus one reported month), so the
# burn-in's months and the reported months are timed apart in the same minutes.
for i in $(seq 1 "$N"); do
  /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" run scenarios/baseline.toml --out "$OUT/run" -q
  read -r t m < "$OUT/t"
  times+=("$t"); mems+=("$m")
  /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" run scenarios/baseline.toml --out "$OUT/burn" --months 1 -q
  read -r t m < "$OUT/t"
  burn+=("$t")
done
python3 - "$OUT/run/timeseries.csv" "${times[*]}" "${mems[*]}" "${burn[*]}" "$OUT/run/scenario.resolved.toml" <<'PY'
import csv, statistics, sys, re
rows = list(csv.DictReader(open(sys.argv[1])))
times = [float(x) for x in sys.argv[2].split()]
mems = [int(x) / 1024 for x in sys.argv[3].split()]
burn = [float(x) for x in sys.argv[4].split()]
burn_in = int(re.search(r"^burn_in_months = (\d+)", open(sys.argv[5]).read(), re.M).group(1))
served = statistics.mean(float(r["children_served"]) for r in rows)
print(f"baseline run: {burn_in} months of burn-in + {len(rows)} reported months, mean {served:,.0f} children in service, "
      f"{rows[0]['providers']} independent providers at month 1")
tb, tf = statistics.median(burn), statistics.median(times)
print(f"wall time   : median {tf:.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)}), "
      f"{1000 * tf / (burn_in + len(rows)):.2f} ms per simulated month")
print(f"  burn-in   : median {tb:.2f} s for {burn_in} months + 1 ({1000 * tb / (burn_in + 1):.2f} ms/month, set-up included)")
print(f"  reported  : {tf - tb:.2f} s for {len(rows) - 1} further months ({1000 * (tf - tb) / max(1, len(rows) - 1):.2f} ms/month)")
print(f"peak memory : median {statistics.median(mems):.0f} MB (max {max(mems):.0f})")
print(f"targets     : < 1.5 s and < 300 MB for 240 months without burn-in (before burn-in existed); per month no slower")
PY

# ---- Paired against another build (OLD=path/to/commissim): time per simulated month ----
# Alternates the two binaries on the baseline (OLD_SCENARIO: the old build's own baseline.toml), PAIRS times, and prints the median ratio new/old of
# the time per simulated month (burn-in months included: both are simulated months), and of the
# time per reported month alone.
if [ -n "${OLD:-}" ]; then
  PAIRS="${PAIRS:-9}"
  : > "$OUT/pairs"
  # Each pair also times each build's burn-in alone (--months 1; 0 s for a build without one),
  # so that the reported months can be compared apart: the burn-in's are cheaper (a smaller
  # market under the status quo), so the whole-run ratio flatters a build that has one.
  short() { # BIN SCENARIO OUTDIR : seconds of the burn-in plus one month, 0 without a burn-in
    if grep -q '^burn_in_months *= *[1-9]' "$2"; then
      /usr/bin/time -f "%e" -o "$OUT/ts" "$1" run "$2" --out "$3" --months 1 -q; cat "$OUT/ts"
    else echo 0; fi
  }
  for i in $(seq 1 "$PAIRS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/t" "$OLD" run "${OLD_SCENARIO:-scenarios/baseline.toml}" --out "$OUT/old" -q; a=$(cat "$OUT/t")
    /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" run scenarios/baseline.toml --out "$OUT/new" -q; b=$(cat "$OUT/t")
    c=$(short "$BIN" scenarios/baseline.toml "$OUT/new-short"); d=$(short "$OLD" "${OLD_SCENARIO:-scenarios/baseline.toml}" "$OUT/old-short")
    echo "$a $b $c $d" >> "$OUT/pairs"
  done
  # Peak memory grows with the months simulated (contracts and providers are kept for their
  # history): the old build once more over as many months as the new one simulates.
  burn=$(sed -n 's/^burn_in_months = \([0-9]*\)/\1/p' "$OUT/new/scenario.resolved.toml")
  old_burn=$(sed -n 's/^burn_in_months = \([0-9]*\)/\1/p' "$OUT/old/scenario.resolved.toml")
  total=$(( $(wc -l < "$OUT/new/timeseries.csv") - 1 + ${burn:-0} ))
  /usr/bin/time -f "%M" -o "$OUT/t" "$OLD" run "${OLD_SCENARIO:-scenarios/baseline.toml}" --out "$OUT/old-long" --months "$(( total - ${old_burn:-0} ))" -q
  echo "$total $(cat "$OUT/t")" > "$OUT/old-long-mem"
  python3 - "$OUT/pairs" "$OUT/old/timeseries.csv" "$OUT/new/timeseries.csv" "$OUT/old/scenario.resolved.toml" "$OUT/new/scenario.resolved.toml" "$OUT/old-long-mem" <<'PY'
import re, statistics, sys
def months(ts, toml):
    n = sum(1 for _ in open(ts)) - 1
    m = re.search(r"^burn_in_months = (\d+)", open(toml).read(), re.M)
    return n + (int(m.group(1)) if m else 0)
mo, mn = months(sys.argv[2], sys.argv[4]), months(sys.argv[3], sys.argv[5])
ro, rn = (sum(1 for _ in open(f)) - 1 for f in (sys.argv[2], sys.argv[3]))  # reported months
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
pairs = [(a, b) for a, _, b, _, _, _ in rows]
ratios = [(b / mn) / (a / mo) for a, b in pairs]
print(f"paired against OLD ({len(pairs)} alternating pairs): old {statistics.median(a for a, _ in pairs):.2f} s for {mo} months, "
      f"new {statistics.median(b for _, b in pairs):.2f} s for {mn} months")
q = lambda xs: f"median ratio {statistics.median(xs):.3f} (quartiles {statistics.quantiles(xs, n=4)[0]:.3f}-{statistics.quantiles(xs, n=4)[2]:.3f})"
print(f"  time per simulated month new/old: {q(ratios)}")
# The reported months alone: a run's time less its burn-in-only run's, over the months that adds.
per = lambda full, short, reported: (full - short) / (reported - 1) if short > 0 else full / reported
rep = [per(b, c, rn) / per(a, d, ro) for a, _, b, _, c, d in rows]
print(f"  time per reported month (burn-in months apart; like for like) new/old: {q(rep)}")
old_mem, new_mem = statistics.median(r[1] for r in rows) / 1024, statistics.median(r[3] for r in rows) / 1024
long_months, long_kb = open(sys.argv[6]).read().split()
print(f"  peak memory: old {old_mem:.0f} MB ({mo} months), new {new_mem:.0f} MB ({mn} months); "
      f"old over {long_months} months {int(long_kb) / 1024:.0f} MB (issue 14: new <= old)")
PY
fi

# ---- Callgrind instruction counts (CALLGRIND=1; load-independent): quarter scale, 60 + 60 months ----
# The binaries are stripped first (valgrind cannot read Swift's debug info). With OLD, both are
# counted and the ratio printed; compare builds with the same random streams for a code-only figure.
if [ "${CALLGRIND:-0}" = "1" ] && command -v valgrind >/dev/null; then
  count() {
    strip -o "$OUT/cg-bin" "$1"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$OUT/cg-bin" run scenarios/baseline.toml --out "$OUT/cg" -q \
      --set simulation.scale=0.25 --set simulation.months=60 --set simulation.burn_in_months=60 2>&1 |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | sort -n | tail -1
  }
  new_ir=$(count "$BIN")
  echo "callgrind   : $new_ir instructions (quarter scale, 120 simulated months: $((new_ir / 120)) per month)"
  if [ -n "${OLD:-}" ]; then
    old_ir=$(count "$OLD")
    python3 -c "print(f'  against OLD: {$old_ir} instructions, new/old {$new_ir / $old_ir:.4f}')"
  fi
fi

# ---- Sweep throughput and memory (issue: sweeps on every core) ----
if [ "${SKIP_SWEEP:-0}" != "1" ]; then
  CORES=$(nproc)
  REPS="${SWEEP_REPS:-8}"
  cat > "$OUT/speed.toml" <<TOML
[study]
scenario = "$PWD/scenarios/baseline.toml"
replications = $REPS
seed = 1
TOML
  for t in 1 "$CORES"; do
    s=$(date +%s.%N)
    "$BIN" sweep "$OUT/speed.toml" --out "$OUT/speed-$t" --threads "$t" -q
    e=$(date +%s.%N)
    python3 -c "print(f'sweep of $REPS England-scale baseline runs on $t thread(s): {$REPS/($e-$s):.3f} runs/s ({$e-$s:.1f} s)')"
    echo "$REPS $e $s" > "$OUT/rate-$t"
  done
  python3 - "$OUT/rate-1" "$OUT/rate-$CORES" "$CORES" <<'PY'
import sys
r = []
for f in sys.argv[1:3]:
    n, e, s = open(f).read().split(); r.append(float(n) / (float(e) - float(s)))
print(f"speed-up at {sys.argv[3]} threads: {r[1] / r[0]:.2f}x (issue 14: >= 1.9x on 2 cores)")
PY
  for reps in 100 1000; do
    cat > "$OUT/mem.toml" <<TOML
[study]
scenario = "$PWD/scenarios/baseline.toml"
replications = $reps
seed = 1
[vary]
"simulation.scale" = 0.05
"simulation.months" = 120
TOML
    /usr/bin/time -f "%M" -o "$OUT/mem" "$BIN" sweep "$OUT/mem.toml" --out "$OUT/mem-$reps" -q
    echo "peak memory of a sweep with $reps replications (5% scale, 120 months): $(( $(cat "$OUT/mem") / 1024 )) MB"
  done
fi
