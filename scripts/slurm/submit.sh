#!/usr/bin/env bash
# Submit a commissim sweep to SLURM as a job array (one shard per task) plus a merge job that
# starts when the whole array has succeeded. The merged files equal `commissim sweep` on one machine.
#
#   scripts/slurm/submit.sh STUDY.toml --shards 64 --out /shared/results/study \
#       [--partition NAME] [--cpus 8] [--mem 4G] [--time 02:00:00] [--account A] \
#       [--only "3 17"] [--bin /path/to/commissim] [--no-merge] \
#       [--set PATH=VALUE ...] [--metrics a,b] [--keep-runs]
#
# --set and --metrics go to every shard and to the merge (they must match: they are part of the
# study's identity); --keep-runs makes the merge write every run's monthly series under OUT/runs/.
# --only resubmits just the listed shard numbers (e.g. those `commissim merge` reported missing)
# and a new merge job after them. Shard I writes OUT/shards/I; logs go to OUT/logs/.
# A shard task killed midway (scancel, time limit, node failure) resumes from its saved runs when
# resubmitted. Prints the array and merge job ids.
set -euo pipefail
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2; }
fail() { echo "submit.sh: $*" >&2; exit 2; }
# `$1` quoted for the POSIX shell that runs a job's --wrap (a path may hold spaces or quotes).
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
[ $# -ge 1 ] && [ "$1" != "-h" ] && [ "$1" != "--help" ] || usage
STUDY=$(readlink -f "$1"); shift
SHARDS=""; OUT=""; PARTITION=""; CPUS=1; MEM=""; TIME=""; ACCOUNT=""; ONLY=""; MERGE=1
PASS=""; KEEP=""  # arguments for both the shards and the merge, quoted for the job's shell
BIN="$(cd "$(dirname "$0")/../.." && pwd)/.build/release/commissim"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-merge|--keep-runs|-h|--help) ;;
    --*) [ $# -ge 2 ] || fail "$1 needs a value" ;;
  esac
  case "$1" in
    --shards) SHARDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --partition) PARTITION="$2"; shift 2 ;;
    --cpus) CPUS="$2"; shift 2 ;;
    --mem) MEM="$2"; shift 2 ;;
    --time) TIME="$2"; shift 2 ;;
    --account) ACCOUNT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --no-merge) MERGE=0; shift ;;
    --set) PASS+=" --set $(sq "$2")"; shift 2 ;;
    --metrics) PASS+=" --metrics $(sq "$2")"; shift 2 ;;
    --keep-runs) KEEP=" --keep-runs"; shift ;;
    -h|--help) usage ;;
    *) echo "submit.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$SHARDS" ] && [ -n "$OUT" ] || fail "--shards and --out are required"
whole() { [[ "$1" =~ ^[0-9]{1,7}$ ]] && [ $((10#$1)) -ge "$2" ] && [ $((10#$1)) -le "$3" ]; }
whole "$SHARDS" 1 1000000 || fail "--shards '$SHARDS' is not a whole number from 1 to 1000000"
SHARDS=$((10#$SHARDS))
whole "$CPUS" 1 100000 || fail "--cpus '$CPUS' is not a whole number of at least 1"
for i in $ONLY; do whole "$i" 0 $((SHARDS - 1)) || fail "--only: '$i' is not a shard number from 0 to $((SHARDS - 1))"; done
[ -z "$ONLY" ] || [ -n "${ONLY// /}" ] || fail "--only needs shard numbers, e.g. --only \"3 17\""
[ -f "$STUDY" ] || fail "no study file $STUDY"
[ -x "$BIN" ] || fail "no commissim binary at $BIN (swift build -c release, or --bin)"
"$BIN" sweep --help >/dev/null
mkdir -p "$OUT/shards" "$OUT/logs"
OUT=$(readlink -f "$OUT")
BIN=$(readlink -f "$BIN")

common=(--parsable)
[ -n "$PARTITION" ] && common+=(--partition "$PARTITION")
[ -n "$ACCOUNT" ] && common+=(--account "$ACCOUNT")
[ -n "$TIME" ] && common+=(--time "$TIME")

if [ -n "$ONLY" ]; then ARRAY=$(echo $ONLY | tr ' ' ','); else ARRAY="0-$((SHARDS - 1))"; fi
task=(--array "$ARRAY" --cpus-per-task "$CPUS" --job-name commissim-shard --output "$OUT/logs/shard-%a.out")
[ -n "$MEM" ] && task+=(--mem "$MEM")
# Each task runs shard SLURM_ARRAY_TASK_ID of N (N = --shards; SLURM_ARRAY_TASK_COUNT when the whole
# array is submitted) on the cores SLURM gives it.
ARRAY_JOB=$(sbatch "${common[@]}" "${task[@]}" --wrap \
  "exec $(sq "$BIN") sweep $(sq "$STUDY") --shard \"\$SLURM_ARRAY_TASK_ID/$SHARDS\" --out $(sq "$OUT/shards/")\"\$SLURM_ARRAY_TASK_ID\" --threads \"\${SLURM_CPUS_PER_TASK:-1}\"$PASS")
ARRAY_JOB=${ARRAY_JOB%%;*}
echo "array job $ARRAY_JOB: shards $ARRAY of $SHARDS"
if [ "$MERGE" = 1 ]; then
  dirs=$(for i in $(seq 0 $((SHARDS - 1))); do printf "%s " "$(sq "$OUT/shards/$i")"; done)
  MERGE_JOB=$(sbatch "${common[@]}" --dependency "afterok:$ARRAY_JOB" --job-name commissim-merge \
    --output "$OUT/logs/merge.out" --wrap "exec $(sq "$BIN") merge $(sq "$STUDY") $dirs--out $(sq "$OUT") --quiet$PASS$KEEP")
  MERGE_JOB=${MERGE_JOB%%;*}
  echo "merge job $MERGE_JOB (after $ARRAY_JOB succeeds): results in $OUT"
fi
