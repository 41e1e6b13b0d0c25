#!/usr/bin/env bash
# A batch graded by a Slurm job array (deploy/slurm/gograde-batch.sbatch) on a
# single-node cluster started on this machine (scripts/slurm-cluster) equals
# the same batch graded on one machine; a shard cancelled mid-run and
# requeued resumes, and the merged summary is still complete and identical.
#
# usage: slurm_batch.sh GOGRADE CACHE SOURCE_DIR WORK_DIR
# Exit 77 (skipped) when Slurm or munge cannot run here, with the reason.
set -euo pipefail
GG=$1 CACHE=$2 SRC=$3 WORK=$4
export GOGRADE=$GG GOGRADE_CACHE=$CACHE XDG_DATA_HOME=$WORK/no-added-sets
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; for f in "$WORK"/slurm-*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

# The submissions: 14 entries of 13 candidates over three exercises, every
# overall verdict gograde gives (references, mutants over them, a compile
# error), and a directory with nothing to grade.
subs=$WORK/submissions
answer() {  # answer CANDIDATE SLUG [MUTANT]: the reference, with the mutant's files over it
  local to=$subs/$1/$2
  mkdir -p "$to"
  find "$SRC/reference/$2" -maxdepth 1 -type f -exec cp {} "$to/" \;
  if [ $# -eq 3 ]; then
    find "$SRC/graders/$2/mutants/$3" -maxdepth 1 -type f ! -name mutant.toml -exec cp {} "$to/" \;
  fi
}
answer ana reverse-string
answer ana json-manipulation
answer ben reverse-string byte-reversal
answer ben json-manipulation ignores-error
answer cho reverse-string c-string
answer dev reverse-string codecvt
answer eli reverse-string shared-buffer
answer fay json-manipulation insertion-order
answer gus json-manipulation shared-scratch
answer hal safe-counter
answer ivy safe-counter unlocked-inc
answer kim safe-counter aborts
answer lou safe-counter double-lock
mkdir -p "$subs/jon/safe-counter" && cp "$SRC/examples/erin/"*.hpp "$subs/jon/safe-counter/"
mkdir -p "$subs/zed" && echo "nothing yet" > "$subs/zed/notes.txt"

# One machine.
rc=0
"$GG" batch "$subs" -o "$WORK/single" -j 2 > "$WORK/single.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$WORK/single.log" >&2; fail "the single-machine batch exited $rc, not 1 (some did not pass)"; }
verdicts=$(cut -d, -f3 "$WORK/single/summary.csv" | tail -n +2 | sort -u | tr '\n' ' ')
echo "single machine: $(($(wc -l < "$WORK/single/summary.csv") - 1)) rows; verdicts: $verdicts"
for v in passed failed data_race crash deadlock compile_error error; do
  grep -q ",$v," "$WORK/single/summary.csv" || fail "no $v among the samples' verdicts ($verdicts)"
done

# The cluster.
cluster=$WORK/cluster
rc=0
"$SRC/scripts/slurm-cluster" start "$cluster" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"   # 77: skipped, the reason printed
trap '"$SRC/scripts/slurm-cluster" stop "$cluster" >/dev/null' EXIT
export SLURM_CONF=$cluster/slurm.conf

"$GG" batch plan "$subs" --shards 3 > "$WORK/plan.txt"
cat "$WORK/plan.txt"
# Shard 2 is held at its second submission, and cancelled there.
read -r -a shard2 < <(sed -n '/shard 2\/3:/{n;p}' "$WORK/plan.txt")
[ "${#shard2[@]}" -ge 2 ] || fail "shard 2 of the plan has fewer than two submissions"
first=${shard2[0]} held=${shard2[1]}
out=$WORK/cluster-out
export GOGRADE_TEST_HOLD="$held=$WORK/release"
job=$(sbatch --parsable --array=1-3 --cpus-per-task=1 --chdir="$WORK" --output="$WORK/slurm-%a.log" \
  "$SRC/deploy/slurm/gograde-batch.sbatch" "$subs" "$out")
echo "submitted job array $job; shard 2 held at $held"

wait_for() {  # wait_for SECONDS WHAT COMMAND...: until the command succeeds
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@"; do
    [ $((SECONDS - start)) -lt "$limit" ] || fail "waited $limit s for $what"
    sleep 0.5
  done
}
state_of() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
task_is() { [ "$(state_of "$1")" = "$2" ]; }
array_done() { [ -z "$(squeue -h -j "$job" 2>/dev/null)" ]; }

task_active() { case "$(state_of "$1")" in ""|PENDING|CONFIGURING|RUNNING|REQUEUED) return 0 ;; *) return 1 ;; esac; }
first_graded_or_over() { test -f "$out/$first.json" || ! task_active "${job}_2"; }
wait_for 900 "shard 2 to grade $first" first_graded_or_over
test -f "$out/$first.json" || fail "shard 2 ended ($(state_of "${job}_2")) before grading $first"
task_is "${job}_2" RUNNING || fail "shard 2 is $(state_of "${job}_2"), not running at its held submission"
scancel "${job}_2"
wait_for 60 "shard 2 to be cancelled" task_is "${job}_2" CANCELLED
[ ! -e "$out/shards/shard-2-of-3.json" ] || fail "a cancelled shard wrote its summary"
echo "shard 2 cancelled after $first, before $held"

touch "$WORK/release"
scontrol requeue "${job}_2"
scontrol update jobid="${job}_2" StartTime=now
wait_for 1200 "the job array to finish" array_done
grep -q "restart 1" "$WORK/slurm-2.log" || fail "shard 2 did not run again"
grep -q "${first/\// }: .*(already graded)" "$WORK/slurm-2.log" || fail "the requeued shard 2 graded $first again instead of resuming"
for k in 1 2 3; do
  [ -f "$out/shards/shard-$k-of-3.json" ] || fail "shard $k wrote no summary"
done

# The last shard merged; a merge by hand says the same, and both equal one machine's.
[ -f "$out/summary.csv" ] || fail "no shard merged the summary"
diff -u "$WORK/single/summary.csv" "$out/summary.csv" || fail "the merged summary differs from one machine's"
"$GG" batch merge "$out" -o "$WORK/merged" > "$WORK/merge.log" || { cat "$WORK/merge.log" >&2; fail "batch merge found problems"; }
diff -u "$WORK/single/summary.csv" "$WORK/merged/summary.csv" || fail "batch merge differs from one machine's batch"
grep -q '"problems": \[\]' "$WORK/merged/summary.json" || fail "the merged summary lists problems"
echo "the Slurm job array's merged summary equals one machine's: $(($(wc -l < "$out/summary.csv") - 1)) rows"
