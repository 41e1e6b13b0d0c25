#!/usr/bin/env python3
"""The judge's test main (harness/check/judge_main.cpp) on crafted driver
records: what a driver's process could write, honest or not. A test passes
only when its own checks pass on values the driver observed once, in a test
it reported once, cleanly; every other shape fails it (and never crashes the
judge).

usage: run.py JUDGE WORK_DIR
"""
import json, os, shutil, subprocess, sys

judge, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []

def obs(test, key, value):
    return json.dumps({"event": "obs", "test": test, "key": key, "value": value})

def rec(name, **kw):
    r = {"event": "test", "name": name, "status": "passed", "outcome": "ok"}
    r.update(kw)
    return json.dumps(r)

DONE = json.dumps({"event": "done", "passed": 2, "failed": 0})
GOOD = [obs("sum", "sum", 6), rec("sum"), obs("name", "name", "x"), rec("name"), DONE]

def judge_lines(lines, spec=None):
    records = os.path.join(work, "records.jsonl")
    results = os.path.join(work, "results.jsonl")
    with open(records, "w") as f:
        f.write("\n".join(lines) + "\n")
    if os.path.exists(results):
        os.remove(results)
    env = dict(os.environ, GOGRADE_OBSERVATIONS=records, GOGRADE_RESULTS=results)
    p = subprocess.run([judge] + ([spec] if spec else []), env=env, capture_output=True, text=True, timeout=60)
    if p.returncode < 0:
        return None, "judge killed by signal %d" % -p.returncode
    out = [json.loads(l) for l in open(results) if l.strip()]
    tests = {r["name"]: r for r in out if r["event"] == "test"}
    done = [r for r in out if r["event"] == "done"]
    return (tests, done[0] if done else None), ""

def expect(name, lines, verdicts, contains=None, driver_done=True, malformed=0):
    got, err = judge_lines(lines)
    if got is None:
        failures.append("%s: %s" % (name, err))
        return
    tests, done = got
    if done is None:
        failures.append("%s: no done record" % name)
        return
    for test, want in verdicts.items():
        r = tests.get(test)
        if r is None or r["status"] != want[0] or r["outcome"] != want[1]:
            failures.append("%s: %s: want %s, got %s" % (name, test, want, r))
    if contains and contains not in json.dumps(list(tests.values())):
        failures.append("%s: evidence lacks %r: %s" % (name, contains, json.dumps(list(tests.values()))))
    if done.get("driver_done") != driver_done:
        failures.append("%s: driver_done %s, want %s" % (name, done.get("driver_done"), driver_done))
    if done.get("malformed") != malformed:
        failures.append("%s: malformed %s, want %s" % (name, done.get("malformed"), malformed))
    print("ok  %s" % name)

P, F = ("passed", "ok"), ("failed", "ok")
expect("honest records pass", GOOD, {"sum": P, "name": P})
expect("a wrong value fails", [obs("sum", "sum", 7), rec("sum")] + GOOD[2:], {"sum": F, "name": P}, "7 == 6")
expect("a value of the wrong shape fails", [obs("sum", "sum", "six"), rec("sum")] + GOOD[2:], {"sum": F},
       "not of the expected shape")
expect("an exception observed fails", [obs("sum", "sum", {"threw": "boom"}), rec("sum")] + GOOD[2:], {"sum": F},
       "threw boom")
expect("a test the driver never reported fails", [obs("name", "name", "x"), rec("name"), DONE],
       {"sum": ("failed", "missing"), "name": P}, "reported nothing")
expect("observations without the test's record fail", [obs("sum", "sum", 6)] + GOOD[2:],
       {"sum": ("failed", "missing")})
expect("a test reported twice fails", [obs("sum", "sum", 6), rec("sum"), rec("sum")] + GOOD[2:], {"sum": F},
       "2 times")
expect("a key observed twice fails", [obs("sum", "sum", 6), obs("sum", "sum", 6), rec("sum")] + GOOD[2:],
       {"sum": F}, "more than once")
expect("a failed drive fails its test", [obs("sum", "sum", 6), rec("sum", status="failed",
       failure={"message": "the code under test threw"})] + GOOD[2:], {"sum": F}, "the code under test threw")
expect("a gox deadlock is the test's outcome", [obs("sum", "sum", 6), rec("sum", outcome="deadlock",
       report="goroutine 1 [chan receive]")] + GOOD[2:], {"sum": ("failed", "deadlock")}, "chan receive")
expect("an unknown outcome is no record", [obs("sum", "sum", 6), rec("sum", outcome="fine")] + GOOD[2:],
       {"sum": ("failed", "missing")}, malformed=1)
expect("records of the wrong types are no records",
       ['{"event":"test","name":5}', '{"event":"obs","test":"sum","key":1,"value":6}', '{"event":7}', "[1,2]",
        '{"event":"test","name":"sum","status":false}', "not json at all", "\x00\xff garbage"] + GOOD,
       {"sum": P, "name": P}, malformed=7)
expect("a driver that never finished is said so", GOOD[:-1], {"sum": P, "name": P}, driver_done=False)
expect("deep nesting and long lines do not crash the judge",
       ["[" * 200000 + "]" * 200000, obs("sum", "pad", "y" * 3_000_000)] + GOOD, {"sum": P, "name": P}, malformed=1)

def overlap(lost, n):
    return [obs("overlap", "lost", lost), obs("overlap", "overlapped", n), rec("overlap"), DONE]

expect("too little overlap is inconclusive, never passed", overlap(0, 5), {"overlap": ("inconclusive", "ok")},
       "only 5 chunks overlapped")
expect("a lost update fails however little overlap there was", overlap(3, 5), {"overlap": F}, "3 == 0")
expect("enough overlap and no lost update passes", overlap(0, 500), {"overlap": P})

# A test spec selects what is judged.
got, _ = judge_lines(GOOD, "[b]")
if got is None or set(got[0]) != {"name"}:
    failures.append("a test spec selects the judged tests: %s" % (got and list(got[0])))

# The driver's inputs.
inputs = os.path.join(work, "inputs.json")
subprocess.run([judge, "--gograde-inputs", inputs], check=True, timeout=60)
if json.load(open(inputs)) != {"numbers": [1, 2, 3]}:
    failures.append("inputs: %s" % open(inputs).read())

# Batch mode: each run judged on its own records, into its own results.
runs = []
for k, lines in enumerate([GOOD, [obs("sum", "sum", 5), rec("sum"), DONE]]):
    r = os.path.join(work, "b%d.records" % k)
    with open(r, "w") as f:
        f.write("\n".join(lines) + "\n")
    runs.append({"records": r, "results": os.path.join(work, "b%d.results" % k), "tests": "[a],[b]"})
with open(os.path.join(work, "batch.list"), "w") as f:
    f.write("\n".join(json.dumps(r) for r in runs) + "\n")
subprocess.run([judge, "--gograde-batch", os.path.join(work, "batch.list")], check=True, timeout=60,
               capture_output=True)
status = [[json.loads(l).get("status") for l in open(r["results"]) if '"test"' in l] for r in runs]
if status != [["passed", "passed"], ["failed", "failed"]]:
    failures.append("batch: %s" % status)

for f in failures:
    print("FAIL " + f)
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
