#!/usr/bin/env bash
# A real single-node SLURM cluster for the tests. Installs slurm-wlm and munge if missing, starts
# munged, slurmctld and slurmd with a minimal configuration (state and logs in a temporary folder),
# submits a small sharded study through scripts/slurm/submit.sh, checks the merged result equals a
# single-machine `commissim sweep`, kills a shard midway with scancel and checks that resubmitting
# it completes correctly, then stops only the daemons it started, by pid.
# Prints "N passed, N failed" at the end; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.build/release/commissim
[ -x "$BIN" ] || swift build -c release --product commissim >/dev/null
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "installing slurm-wlm and munge (apt-get)" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null
fi

T=$(mktemp -d /tmp/commissim-slurm.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 1
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT

pass=0; fail=0
check() { if "$@"; then pass=$((pass + 1)); echo "ok: ${DESC}"; else fail=$((fail + 1)); echo "FAILED: ${DESC}"; fi; }

# munge, on its own socket and key.
mkdir -p "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$T/munge/munge.key"; chmod 700 "$T/munge"
munged --force --key-file="$T/munge/munge.key" --socket="$T/munge/munge.socket" \
  --pid-file="$T/munged.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" || { echo "munged failed"; cat "$T/munge/munged.log"; exit 1; }

HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024) - 1024}' /proc/meminfo)
PORT=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$T/state" "$T/spool" "$T/log"
cat > "$T/slurm.conf" <<CONF
ClusterName=commissimtest
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=3600
KillWait=5
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -f "$SLURM_CONF" || { cat "$T/log/slurmctld.log"; exit 1; }
slurmd -f "$SLURM_CONF" || { cat "$T/log/slurmd.log"; exit 1; }
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 1
done
DESC="single-node cluster is up"; check sinfo -h -o %t | grep -q idle

wait_jobs() { # wait until no job of ours is pending or running (at most $1 seconds)
  for _ in $(seq "$1"); do
    [ -z "$(squeue -h -o %i 2>/dev/null)" ] && return 0
    sleep 1
  done
  return 1
}
state_of() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }

# A small study, as a single-machine sweep and as four shards on the cluster.
cat > "$T/study.toml" <<TOML
[study]
scenario = "$ROOT/scenarios/three_year.toml"
replications = 6
seed = 3
[vary]
"policy.contract_months" = [36, 120]
"simulation.scale" = 0.03
"simulation.months" = 48
TOML
# With an override and a metric selection (both part of the study's identity: every shard and the
# merge need them) and every run's series kept.
same=(--set "policy.extension_months=12" --metrics "spend,children_served")
"$BIN" sweep "$T/study.toml" --out "$T/single" --quiet --keep-runs "${same[@]}"
# Into a folder whose name has a space and a quote: each job's command line quotes its paths.
CL="$T/it's a cluster"
OUTPUT=$(scripts/slurm/submit.sh "$T/study.toml" --shards 4 --out "$CL" --partition test --keep-runs "${same[@]}")
echo "$OUTPUT"
MERGE_JOB=$(echo "$OUTPUT" | awk '/^merge job/ {print $3}')
DESC="array and merge jobs finish"; check wait_jobs 300
DESC="merge job completed"; check test "$(state_of "$MERGE_JOB")" = COMPLETED
for f in summary.csv runs.csv points.csv; do
  DESC="merged $f equals the single-machine sweep"; check cmp -s "$T/single/$f" "$CL/$f"
done
DESC="merged runs/ (--keep-runs) equals the single-machine sweep's"; check diff -r "$T/single/runs" "$CL/runs"

# A shard killed midway and resubmitted.
cat > "$T/long.toml" <<TOML
[study]
scenario = "$ROOT/scenarios/three_year.toml"
replications = 40
seed = 4
[vary]
"simulation.scale" = 0.05
"simulation.months" = 120
TOML
OUTPUT=$(scripts/slurm/submit.sh "$T/long.toml" --shards 2 --out "$T/killed" --partition test --no-merge)
ARRAY_JOB=$(echo "$OUTPUT" | awk '/^array job/ {print $3}' | tr -d :)
for _ in $(seq 120); do  # wait until shard 1 has saved some runs, then kill it
  s=$(stat -c %s "$T/killed/shards/1/.partial/shard.journal" 2>/dev/null || echo 0)
  [ "$s" -gt 0 ] && break
  sleep 0.5
done
scancel "${ARRAY_JOB}_1"
wait_jobs 120
DESC="killed shard left no shard.bin"; check test ! -f "$T/killed/shards/1/shard.bin"
DESC="merge lists the killed shard as missing"
check bash -c "'$BIN' merge '$T/long.toml' '$T/killed/shards/0' '$T/killed/shards/1' --out '$T/killed' --quiet 2>&1 | grep -q 'missing shards: 1'"
scripts/slurm/submit.sh "$T/long.toml" --shards 2 --out "$T/killed" --partition test --only 1 >/dev/null
DESC="resubmitted shard and merge finish"; check wait_jobs 300
"$BIN" sweep "$T/long.toml" --out "$T/long-single" --quiet
DESC="resubmitted, merged result equals the single-machine sweep"; check cmp -s "$T/long-single/summary.csv" "$T/killed/summary.csv"
DESC="the resubmitted shard resumed from the runs saved before scancel"; check grep -q "resuming with" "$T/killed/logs/shard-1.out"

echo "slurm: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
