#!/usr/bin/env bash
# gograde test --watch grades at once, then again after each save: a save by
# rewriting the file, and a save as an editor makes it (a new file renamed
# over the old one); a save of another file is not a change. Each grade ends
# in one status line. --watch-count ends it after N grades.
# usage: watch.sh GOGRADE CACHE SRC WORK
set -euo pipefail
GG=$1 CACHE=$2 SRC=$3 WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK/sub"
cp "$SRC/reference/safe-counter/counter.hpp" "$WORK/sub/"
out=$WORK/out.txt
"$GG" --cache "$CACHE" --color never test safe-counter "$WORK/sub" --watch --watch-count 3 >"$out" 2>"$WORK/err.txt" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# wait_lines N: until the status shows N lines (the grades are the clock: no
# fixed sleep decides anything), or the watcher ended.
wait_lines() {
  for _ in $(seq 1 1800); do
    [[ $(grep -c '^\[..:..:..\] safe-counter:' "$out" || true) -ge $1 ]] && return 0
    kill -0 $pid 2>/dev/null || break
    sleep 0.2
  done
  echo "FAIL: expected $1 status line(s):"; cat "$out" "$WORK/err.txt"; exit 1
}
wait_lines 1
grep -q '^\[..:..:..\] safe-counter: passed — 2 of 2 passed$' "$out" || { echo "FAIL: first grade"; cat "$out"; exit 1; }
# Another file in the directory is no change; then a broken save.
echo "notes" >"$WORK/sub/notes.txt"
sed 's/val_++;/val_ += 2;/' "$WORK/sub/counter.hpp" >"$WORK/sub/counter.hpp.new"
cat "$WORK/sub/counter.hpp.new" >"$WORK/sub/counter.hpp"
wait_lines 2
sed -n 2p "$out" | grep -q 'safe-counter: failed — [0-9] of 2 passed; Visible tests' || { echo "FAIL: second grade"; cat "$out"; exit 1; }
# Fixed the way an editor saves: a new file renamed over the old one.
cp "$SRC/reference/safe-counter/counter.hpp" "$WORK/sub/.counter.hpp.swp"
mv "$WORK/sub/.counter.hpp.swp" "$WORK/sub/counter.hpp"
wait_lines 3
sed -n 3p "$out" | grep -q 'safe-counter: passed — 2 of 2 passed$' || { echo "FAIL: third grade"; cat "$out"; exit 1; }
wait $pid || { echo "FAIL: exit status $? after --watch-count 3"; exit 1; }
trap - EXIT
[[ $(wc -l <"$out") -eq 3 ]] || { echo "FAIL: expected exactly 3 lines"; cat "$out"; exit 1; }
grep -q "counter.hpp changed: grading again" "$WORK/err.txt" || { echo "FAIL: no change note"; cat "$WORK/err.txt"; exit 1; }
grep -q "notes.txt" "$WORK/err.txt" && { echo "FAIL: notes.txt counted as a change"; exit 1; }
echo "watch ok"
