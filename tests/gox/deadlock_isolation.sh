#!/usr/bin/env bash
# A deadlock is reported by gox's own detector whatever starts the program:
# directly, under timeout(1) (its own process group, signals handled), in a
# new session without a terminal (setsid), in the grader's sandbox (bubblewrap:
# new session, PID namespace, seccomp). Each run must end by itself with Go's
# deadlock message well before the 20 s a hang would take.
# Usage: deadlock_isolation.sh PROBE GOGRADE
set -uo pipefail
probe=$1 gograde=$2
limit_ms=3000  # the detector needs ~100 ms of idleness; the rest is start-up
fail=0
run() {  # label, command...
  local label=$1
  shift
  local start end out rc
  start=$(date +%s%N)
  out=$("$@" 2>&1 </dev/null)
  rc=$?
  end=$(date +%s%N)
  local ms=$(((end - start) / 1000000))
  if [[ $out == *"all goroutines are asleep - deadlock!"* && $rc -ne 124 && $ms -lt $limit_ms ]]; then
    echo "ok   ${ms} ms  $label"
  else
    echo "FAIL ${ms} ms (exit $rc) $label"
    echo "$out" | head -5
    fail=1
  fi
}
for shape in leaked-lock channel waitgroup; do
  for cfg in "GOX_SCHED=det GOX_SEED=1" "GOX_SCHED=det GOX_SEED=3" "GOX_SCHED=det GOX_SEED=7" \
             "GOX_SCHED=par GOX_THREADS=1" "GOX_SCHED=par GOX_THREADS=2"; do
    for how in direct timeout setsid sandbox; do
      case $how in
        direct) cmd=(env $cfg GOX_CLOCK=real "$probe" "$shape") ;;
        timeout) cmd=(timeout 20 env $cfg GOX_CLOCK=real "$probe" "$shape") ;;
        setsid) cmd=(timeout 20 setsid -w env $cfg GOX_CLOCK=real "$probe" "$shape") ;;
        sandbox) cmd=(timeout 20 "$gograde" sandbox-exec --ro "$(dirname "$probe")" -- /usr/bin/env $cfg GOX_CLOCK=real "$probe" "$shape") ;;
      esac
      run "$shape [$cfg] $how" "${cmd[@]}"
    done
  done
done
exit $fail
