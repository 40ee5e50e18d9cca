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
[ $# -ge 1 ] && [ "$1" != "-h" ] && [ "$1" != "--help" ] || usage
STUDY=$(readlink -f "$1"); shift
SHARDS=""; OUT=""; PARTITION=""; CPUS=1; MEM=""; TIME=""; ACCOUNT=""; ONLY=""; MERGE=1
PASS=""; KEEP=""  # arguments for both the shards and the merge, quoted for the job's shell
BIN="$(cd "$(dirname "$0")/../.." && pwd)/.build/release/commissim"
while [ $# -gt 0 ]; do
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
    --set) PASS+=" --set $(printf %q "$2")"; shift 2 ;;
    --metrics) PASS+=" --metrics $(printf %q "$2")"; shift 2 ;;
    --keep-runs) KEEP=" --keep-runs"; shift ;;
    -h|--help) usage ;;
    *) echo "submit.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$SHARDS" ] && [ -n "$OUT" ] || { echo "submit.sh: --shards and --out are required" >&2; exit 2; }
[ -f "$STUDY" ] || { echo "submit.sh: no study file $STUDY" >&2; exit 2; }
[ -x "$BIN" ] || { echo "submit.sh: no commissim binary at $BIN (swift build -c release, or --bin)" >&2; exit 2; }
"$BIN" sweep --help >/dev/null
mkdir -p "$OUT/shards" "$OUT/logs"
OUT=$(readlink -f "$OUT")
BIN=$(readlink -f "$BIN")

common=(--parsable)
[ -n "$PARTITION" ] && common+=(--partition "$PARTITION")
[ -n "$ACCOUNT" ] && common+=(--account "$ACCOUNT")
[ -n "$TIME" ] && common+=(--time "$TIME")

if [ -n "$ONLY" ]; then ARRAY=$(echo "$ONLY" | tr ' ' ','); else ARRAY="0-$((SHARDS - 1))"; fi
task=(--array "$ARRAY" --cpus-per-task "$CPUS" --job-name commissim-shard --output "$OUT/logs/shard-%a.out")
[ -n "$MEM" ] && task+=(--mem "$MEM")
# Each task runs shard SLURM_ARRAY_TASK_ID of N (N = --shards; SLURM_ARRAY_TASK_COUNT when the whole
# array is submitted) on the cores SLURM gives it.
ARRAY_JOB=$(sbatch "${common[@]}" "${task[@]}" --wrap \
  "exec '$BIN' sweep '$STUDY' --shard \"\$SLURM_ARRAY_TASK_ID/${SHARDS:-\$SLURM_ARRAY_TASK_COUNT}\" --out '$OUT/shards/'\"\$SLURM_ARRAY_TASK_ID\" --threads \"\${SLURM_CPUS_PER_TASK:-1}\"$PASS")
ARRAY_JOB=${ARRAY_JOB%%;*}
echo "array job $ARRAY_JOB: shards $ARRAY of $SHARDS"
if [ "$MERGE" = 1 ]; then
  dirs=$(for i in $(seq 0 $((SHARDS - 1))); do printf "'%s/shards/%s' " "$OUT" "$i"; done)
  MERGE_JOB=$(sbatch "${common[@]}" --dependency "afterok:$ARRAY_JOB" --job-name commissim-merge \
    --output "$OUT/logs/merge.out" --wrap "exec '$BIN' merge '$STUDY' $dirs --out '$OUT' --quiet$PASS$KEEP")
  MERGE_JOB=${MERGE_JOB%%;*}
  echo "merge job $MERGE_JOB (after $ARRAY_JOB succeeds): results in $OUT"
fi
