#!/usr/bin/env bash
# Fuzzes the scenario and study parsers with libFuzzer (Sources/CommissimFuzz), for FUZZ_SECONDS
# (default 60), from a seed corpus of every shipped scenario and study and the crash corpus kept
# as regression tests (Tests/FuzzCorpus), with a dictionary of the format's tokens and every
# parameter key. Fails on any crash, leaving the input under .build-fuzz/crashes/ — copy it into
# Tests/FuzzCorpus/ with the fix. Prints "fuzz: N passed, N failed" (1 run: passed or failed).
#
#   bash scripts/fuzz.sh                 # a minute, as CI runs it
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${FUZZ_SECONDS:-60}"
W=.build-fuzz
echo "fuzz: building the libFuzzer target (scratch path $W)" >&2
swift build -c release --product CommissimFuzz --scratch-path "$W" \
  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DFUZZING \
  -Xcc -fsanitize=fuzzer-no-link -Xcxx -fsanitize=fuzzer-no-link \
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >"$W.log" 2>&1 || { tail -20 "$W.log" >&2; echo "fuzz: 0 passed, 1 failed"; exit 1; }
BIN="$W/release/CommissimFuzz"
corpus="$W/corpus"; crashes="$W/crashes"
rm -rf "$crashes"; mkdir -p "$corpus" "$crashes"
cp scenarios/*.toml Tests/FuzzCorpus/* "$corpus/" 2>/dev/null
dict="$W/toml.dict"
{
  for t in '[' ']' '[[' ']]' '=' '"' "'" '"""' "'''" '{' '}' ',' '.' '#' '\x0a' '\x0d\x0a' '\x09' 'true' 'false' 'inf' 'nan' '-' '+' '_' \
           '0x' '0o' '0b' '1e30' '1979-05-27T07:32:00Z' '\xc3\xa9' '\xc2\x85' '\xe2\x80\xa8' '\xef\xbb\xbf' '\\u0000' '\\U0001F600' 'dist' 'mean' 'sd' 'min' 'max' \
           'from' 'to' 'steps' 'by' 'study' 'vary' 'comparison' 'policy' 'councils' 'providers' 'scenario' 'replications' \
           'seed' 'design' 'points' 'set' 'set_a' 'set_b' 'lognormal' 'gamma' 'beta' 'normal' 'uniform'; do
    printf '"%s"\n' "$t"
  done
  .build/release/commissim params 2>/dev/null | sed -n 's/^\([a-z_]*\.[a-z_.0-9]*\) = .*/"\1"/p'
  .build/release/commissim params 2>/dev/null | sed -n 's/^[a-z_]*\.\([a-z_0-9]*\) = .*/"\1"/p'
} | sort -u > "$dict"
echo "fuzz: running ${SECONDS_TO_RUN}s from $(ls "$corpus" | wc -l) seed inputs" >&2
"$BIN" "$corpus" -dict="$dict" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -timeout=30 -rss_limit_mb=4096 \
  -artifact_prefix="$crashes/" -print_final_stats=1 >"$W/run.log" 2>&1
status=$?
grep -E "^stat::number_of_executed_units|^Done" "$W/run.log" >&2
# Slow units (slow-unit-*, over 10 s on a loaded machine: a parse that forks to catch toml++'s
# aborts) are reported, not failures; crashes, timeouts (30 s), out-of-memory and leaks are.
slow=$(ls "$crashes" | grep -c '^slow-unit-' || true)
[ "$slow" -gt 0 ] && echo "fuzz: $slow slow unit(s) in $crashes (not failures)" >&2
if [ $status -ne 0 ] || [ -n "$(ls "$crashes" | grep -Ev '^slow-unit-')" ]; then
  tail -30 "$W/run.log" >&2
  echo "fuzz: crash inputs in $crashes" >&2
  echo "fuzz: 0 passed, 1 failed"; exit 1
fi
echo "fuzz: 1 passed, 0 failed"
