#!/usr/bin/env python3
"""The hostile corpus, end to end: every case in tests/hostile/corpus is graded
in one `gograde batch` (mixed with good submissions) against the hostile-probe
exercise (tests/hostile/set). Checks that every case gets the verdict of
tests/hostile/expected.tsv, that the grader survives, that nothing outside the
sandbox changed (a canary file, the source tree, escape targets), and that the
loopback listener the cases try to reach saw no connection.

usage: run.py GOGRADE SOURCE_ROOT WORK_DIR
"""
import hashlib, json, os, shutil, socket, subprocess, sys, threading, time

gograde, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
here = os.path.join(root, "tests", "hostile")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# Outside the sandbox: a canary, and a listener on 127.0.0.1.
canary_dir = os.path.join(work, "canary")
os.makedirs(canary_dir)
with open(os.path.join(canary_dir, "canary.txt"), "w") as f:
    f.write("the grader's own file: no submission may change it\n")
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
port = listener.getsockname()[1]
connections = []
def accept():
    listener.settimeout(0.5)
    while not stop.is_set():
        try:
            c, _ = listener.accept()
            connections.append(c)
        except OSError:
            pass
stop = threading.Event()
threading.Thread(target=accept, daemon=True).start()

def tree_digest(path):
    """{file: sha256} of a tree (build outputs, .git and report folders left out)."""
    out = {}
    for d, dirs, files in os.walk(path):
        dirs[:] = [x for x in dirs if x not in ("build", ".git", ".gograde-reports", "__pycache__")]
        for name in files:
            p = os.path.join(d, name)
            try:
                with open(p, "rb") as f:
                    out[p] = hashlib.sha256(f.read()).hexdigest()
            except OSError as e:
                out[p] = str(e)
    return out

def changed(before, after):
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

# The corpus, with the paths and port of this machine filled in.
corpus = os.path.join(work, "corpus")
src_corpus = os.path.join(here, "corpus")
for case in sorted(os.listdir(src_corpus)):
    os.makedirs(os.path.join(corpus, case))
    for name in os.listdir(os.path.join(src_corpus, case)):
        with open(os.path.join(src_corpus, case, name)) as f:
            text = f.read()
        for k, v in {"@SOURCE_ROOT@": root, "@CANARY_DIR@": canary_dir, "@CORPUS@": corpus, "@PORT@": str(port)}.items():
            text = text.replace(k, v)
        with open(os.path.join(corpus, case, name), "w") as f:
            f.write(text)

expected = {}
with open(os.path.join(here, "expected.tsv")) as f:
    next(f)
    for line in f:
        case, verdict, what = line.rstrip("\n").split("\t")
        expected[case] = (verdict, what)
assert len(expected) >= 25 and set(expected) == set(os.listdir(corpus)), "expected.tsv and the corpus disagree"

before_src = tree_digest(root)
before_canary = tree_digest(canary_dir)
out = os.path.join(work, "reports")
t0 = time.time()
proc = subprocess.run([gograde, "--set", os.path.join(here, "set"), "batch", corpus, "-j", "2", "-o", out,
                       "--format", "json"], capture_output=True, text=True, timeout=3600)
elapsed = time.time() - t0
stop.set()

failures = []
if proc.returncode not in (0, 1):
    failures.append(f"the grader itself ended with {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
rows = []
for case, (want, what) in sorted(expected.items()):
    path = os.path.join(out, case, "hostile-probe.json")
    try:
        with open(path) as f:
            g = json.load(f)
        got = g["verdict"]
        score = f'{g["score"]}/{g["max_score"]}'
    except (OSError, ValueError, KeyError) as e:
        got, score = f"(no report: {e})", "-"
    ok = got == want
    if want == "passed" and score != "2/2":
        ok = False
    rows.append((case, want, got, score, "ok" if ok else "WRONG", what))
    if not ok:
        failures.append(f"{case}: expected {want}, got {got} ({score})")
width = max(len(r[0]) for r in rows)
for r in rows:
    print(f"{r[0]:<{width}}  {r[1]:<14} {r[2]:<14} {r[3]:<5} {r[4]:<5}  {r[5]}")

if changed(before_canary, tree_digest(canary_dir)):
    failures.append("the canary directory outside the sandbox changed: " + ", ".join(changed(before_canary, tree_digest(canary_dir))))
if changed(before_src, tree_digest(root)):
    failures.append("the source tree changed during the batch: " + ", ".join(changed(before_src, tree_digest(root))[:10]))
for p in [os.path.join(root, "escaped-write"), os.path.join(canary_dir, "escaped-write"), "/etc/gograde-escaped",
          "/usr/gograde-escaped", "/root/gograde-escaped"]:
    if os.path.exists(p):
        failures.append(f"a case wrote {p}")
        try:
            os.remove(p)
        except OSError:
            pass
if connections:
    failures.append(f"{len(connections)} connection(s) reached the loopback listener")

matched = sum(1 for r in rows if r[4] == "ok")
print(f"\nhostile corpus: {len(rows)} cases ({len(rows) - 3} hostile, 3 good), {matched} verdicts matched, "
      f"grader exit {proc.returncode}, {elapsed:.0f} s; canary, source tree and listener "
      f"{'untouched' if not any('canary' in x or 'source tree' in x or 'listener' in x or 'wrote' in x for x in failures) else 'TOUCHED'}")
if failures:
    print("\nFAILURES:\n" + "\n".join(failures))
    sys.exit(1)
