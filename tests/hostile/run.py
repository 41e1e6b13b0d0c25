#!/usr/bin/env python3
"""The hostile corpus, end to end: every case in tests/hostile/corpus, and the
cases made here that a source tree cannot hold (symbolic and hard links, a
FIFO, a directory where a file belongs, a candidate folder that is a link, a
submission that crashes the grading process), is graded in one `gograde
batch` (mixed with good submissions) against the hostile-probe exercise
(tests/hostile/set). Checks that every case gets the verdict of
tests/hostile/expected.tsv, that the grader survives and writes its summary,
that nothing outside the sandbox changed (a canary file, the source tree,
escape targets), that the loopback listener the cases try to reach saw no
connection, that the grader's secret (a canary in its environment) appears in
no output, that no process of the sandbox outlives the batch, that a stopped
or sleeping submission is graded in seconds, and that a batch killed midway
leaves nothing its rerun trips on.

usage: run.py GOGRADE SOURCE_ROOT WORK_DIR [CACHE]

CACHE: the gograde cache the batches use (the build tree's, warm: the runtimes
are built once, by the build); without it, the user's default cache.
"""
import hashlib, json, os, secrets, shutil, signal, socket, subprocess, sys, threading, time

gograde, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
batch_cache = (os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else
               os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                            "gograde"))
gg = [gograde, "--cache", batch_cache]
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
with open(os.path.join(here, "probe", "probes.hpp")) as f:
    probes = f.read().replace("#pragma once", "")
fills = {"@SOURCE_ROOT@": root, "@CANARY_DIR@": canary_dir, "@CORPUS@": corpus, "@PORT@": str(port),
         "@PROBES@": probes, "@GIANT_LINE@": "#" + " " * 50000,
         "@GIANT_COMMENT@": "// " + "x" * 300 * 1024}
for case in sorted(os.listdir(src_corpus)):
    os.makedirs(os.path.join(corpus, case))
    for name in os.listdir(os.path.join(src_corpus, case)):
        with open(os.path.join(src_corpus, case, name)) as f:
            text = f.read()
        for k, v in fills.items():
            text = text.replace(k, v)
        with open(os.path.join(corpus, case, name), "w") as f:
            f.write(text)

# Cases a source tree cannot hold: made here. (case, expected verdict, what it tries)
good = open(os.path.join(src_corpus, "good-zero", "probe.hpp")).read()
def case_dir(name):
    d = os.path.join(corpus, name)
    os.makedirs(d)
    return d
made = [("symlink-shadow", "rejected", "probe.hpp is a symbolic link to /etc/shadow"),
        ("symlink-reference", "rejected", "probe.hpp is a symbolic link to the reference solution"),
        ("symlink-sibling", "rejected", "probe.hpp is a symbolic link to a file beside it"),
        ("hardlink-reference", "rejected", "probe.hpp is a hard link to a copy of the reference elsewhere"),
        ("fifo-file", "rejected", "probe.hpp is a FIFO (reading it would block forever)"),
        ("directory-file", "rejected", "probe.hpp is a directory"),
        ("linked-folder", "error", "the candidate's folder is a symbolic link to another candidate's"),
        ("crash-me", "internal_error", "the grading process dies on this submission (GOGRADE_TEST_CRASH): one row lost, not the batch")]
os.symlink("/etc/shadow", os.path.join(case_dir("symlink-shadow"), "probe.hpp"))
os.symlink(os.path.join(here, "set", "reference", "hostile-probe", "probe.hpp"),
           os.path.join(case_dir("symlink-reference"), "probe.hpp"))
d = case_dir("symlink-sibling")
with open(os.path.join(d, "mine.hpp"), "w") as f:
    f.write(good)
os.symlink("mine.hpp", os.path.join(d, "probe.hpp"))
elsewhere = os.path.join(work, "elsewhere")
os.makedirs(elsewhere)
shutil.copy(os.path.join(here, "set", "reference", "hostile-probe", "probe.hpp"), os.path.join(elsewhere, "ref.hpp"))
os.link(os.path.join(elsewhere, "ref.hpp"), os.path.join(case_dir("hardlink-reference"), "probe.hpp"))
os.mkfifo(os.path.join(case_dir("fifo-file"), "probe.hpp"))
os.makedirs(os.path.join(case_dir("directory-file"), "probe.hpp"))
os.symlink(os.path.join(corpus, "good-zero"), os.path.join(corpus, "linked-folder"))
with open(os.path.join(case_dir("crash-me"), "probe.hpp"), "w") as f:
    f.write(good)

def read_expected(name):
    """{case: (verdict, what it tries)} of a table of expected verdicts."""
    table = {}
    with open(os.path.join(here, name)) as f:
        next(f)
        for line in f:
            case, verdict, what = line.rstrip("\n").split("\t")
            table[case] = (verdict, what)
    return table

expected = read_expected("expected.tsv")
assert len(expected) >= 25 and set(expected) == set(os.listdir(src_corpus)), "expected.tsv and the corpus disagree"
for case, verdict, what in made:
    expected[case] = (verdict, what)

secret = "canary-" + secrets.token_hex(12)
env = dict(os.environ, HOSTILE_CANARY_SECRET=secret, GOGRADE_TEST_CRASH="crash-me")

before_src = tree_digest(root)
before_canary = tree_digest(canary_dir)
out = os.path.join(work, "reports")
t0 = time.time()
def boot_ticks():
    """Now, in clock ticks since boot (the unit of a process's start time)."""
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) * os.sysconf("SC_CLK_TCK")
batch_started = boot_ticks()
proc = subprocess.run([*gg, "--set", os.path.join(here, "set"), "batch", corpus, "-j", "2", "-o", out,
                       "--format", "json"], capture_output=True, text=True, timeout=3600, env=env)
elapsed = time.time() - t0
stop.set()

failures = []
if proc.returncode not in (0, 1, 3):
    failures.append(f"the grader itself ended with {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
def check_batch(name, batch, out_dir, table):
    """The batch's summary against its table: its rows, printed; failures noted."""
    try:
        with open(os.path.join(out_dir, "summary.json")) as f:
            summary = {r["candidate"]: r for r in json.load(f)["rows"]}
    except (OSError, ValueError, KeyError) as e:
        summary = {}
        failures.append(f"{name}: no summary was written: {e}\n{batch.stdout[-3000:]}\n{batch.stderr[-3000:]}")
    found = []
    for case, (want, what) in sorted(table.items()):
        r = summary.get(case)
        got = r["verdict"] if r else "(no row)"
        score = f'{r["score"]}/{r["max_score"]}' if r and r["status"] != "error" else "-"
        ok = got == want and (want != "passed" or r["score"] == r["max_score"])
        found.append((case, want, got, score, "ok" if ok else "WRONG", what))
        if not ok:
            failures.append(f"{name} {case}: expected {want}, got {got} ({score}): {r['message'] if r else ''}")
    if set(summary) - set(table):
        failures.append(f"{name}: rows for unknown cases: " + ", ".join(sorted(set(summary) - set(table))))
    width = max(len(r[0]) for r in found)
    for r in found:
        print(f"{r[0]:<{width}}  {r[1]:<14} {r[2]:<14} {r[3]:<5} {r[4]:<5}  {r[5]}")
    return found

rows = check_batch("hostile", proc, out, expected)

def alive(tag):
    """Whether the process a leftover's tag (PID.START) names still runs."""
    pid, start = tag.split(".")[:2]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            return fields[0] not in ("Z", "X") and fields[19] == start
    except (OSError, IndexError):
        return False

# The integrity corpus: safe-counter answers that try to forge their verdict
# or reach around the grader, graded with the default allowlist (the probe
# exercise above lets the system through, to test the sandbox).
integrity_src = os.path.join(here, "integrity")
integrity = os.path.join(work, "integrity")
shutil.copytree(integrity_src, integrity)
shutil.copytree(os.path.join(root, "reference", "safe-counter"), os.path.join(integrity, "good"),
                ignore=shutil.ignore_patterns("go"))
integrity_expected = read_expected("integrity.tsv")
assert set(integrity_expected) == set(os.listdir(integrity_src)) | {"good"}, "integrity.tsv and the integrity corpus disagree"
integrity_out = os.path.join(work, "integrity-reports")
t1 = time.time()
iproc = subprocess.run([*gg, "batch", integrity, "--exercise", "safe-counter", "-j", "2", "-o", integrity_out,
                        "--format", "json"], capture_output=True, text=True, timeout=3600, env=env)
integrity_elapsed = time.time() - t1
print()
rows += check_batch("integrity", iproc, integrity_out, integrity_expected)

# Every grade removed its own run and judging directories.
stray = [n for n in os.listdir("/tmp") if (n.startswith("gograde-run-") or n.startswith("gograde-judge-"))
         and not alive(n.split("-")[2])]
if stray:
    failures.append("grades left their run directories behind: " + ", ".join(stray))

# The grader's secret is in no report and in nothing it printed.
leaks = [p for p in (os.path.join(d, n) for d, _, ns in os.walk(out) for n in ns)
         if secret in open(p, errors="replace").read()]
if secret in proc.stdout or secret in proc.stderr:
    leaks.append("gograde's own output")
# Nor the grader's files: the canary and /etc/passwd's first line, which a
# forged report names, are never quoted.
passwd_head = open("/etc/passwd").readline().strip()
for d, _, ns in os.walk(out):
    for n in ns:
        text = open(os.path.join(d, n), errors="replace").read()
        if "the grader's own file" in text or (passwd_head and passwd_head in text):
            leaks.append(os.path.join(d, n) + " (quotes a file of the grader's)")
if leaks:
    failures.append("the grader's secret leaked into: " + ", ".join(leaks))

# Nothing of a sandbox outlives the batch (the daemon case): no process of the
# sandbox's identity (uid 65534 when graded as root) is left. Another grader
# on the machine (its programs run from another gograde cache) is not ours.
def another_graders(pid):
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    in_a_cache = "/gograde-cache/" in exe or "/.cache/gograde/" in exe
    return in_a_cache and not exe.startswith(batch_cache + "/")
if os.geteuid() == 0:
    time.sleep(1)
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                uid = next(l for l in f if l.startswith("Uid:")).split()[1]
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # Started by this batch (other programs of the machine may run as nobody), and not a zombie.
            if (uid == "65534" and float(fields[19]) >= batch_started and fields[0] not in ("Z", "X")
                    and not another_graders(pid)):
                left.append(pid + " " + open(f"/proc/{pid}/cmdline").read().replace("\0", " ")[:80])
        except (OSError, StopIteration, IndexError, ValueError):
            pass
    if left:
        failures.append("processes of the sandbox outlived the batch: " + "; ".join(left))

# Containment costs seconds: a stopped and a sleeping submission, graded warm.
for case in ("sigstop-self", "sleep-forever", "block-forever"):
    t = time.time()
    g = subprocess.run([*gg, "--set", os.path.join(here, "set"), "grade", "hostile-probe",
                        os.path.join(corpus, case), "--format", "json"], capture_output=True, text=True, timeout=600)
    took = time.time() - t
    try:
        verdict = json.loads(g.stdout)["verdict"]
    except ValueError:
        verdict = "(no report)"
    print(f"warm grade of {case}: {verdict} in {took:.1f} s")
    if verdict != "timeout" or took > 20:
        failures.append(f"{case}: a warm grade took {took:.1f} s ({verdict}); containment must take seconds")

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

# A batch killed midway leaves staging folders, run directories and
# cgroups; the next run removes every one of them and finishes.
def dead_leftovers():
    found = []
    for base, depth in ((batch_cache, 1), ("/tmp", 0), (kill_out, 1)):
        dirs = [base]
        for _ in range(depth):
            dirs += [os.path.join(d, n) for d in list(dirs) if os.path.isdir(d) for n in os.listdir(d)
                     if os.path.isdir(os.path.join(d, n))]
        for d in dirs:
            if not os.path.isdir(d):
                continue
            for n in os.listdir(d):
                for mark in (".tmp-", "gograde-run-", "gograde-judge-", "gograde-exec-"):
                    k = n.rfind(mark)
                    if k < 0 or (mark != ".tmp-" and k != 0):
                        continue
                    tag = n[k + len(mark):].split("-")[0]
                    if "." in tag and not alive(tag):
                        found.append(os.path.join(d, n))
    return found

kill_dir = os.path.join(work, "killed")
kill_out = os.path.join(work, "killed-reports")
for case in ("sleep-forever", "good-loop", "wrong-answer"):
    shutil.copytree(os.path.join(corpus, case), os.path.join(kill_dir, case))
with open(os.path.join(kill_dir, "good-loop", "probe.hpp"), "a") as f:
    f.write("\n// changed: a new build\n" + "// " + secrets.token_hex(8) + "\n")
batch_cmd = [*gg, "--set", os.path.join(here, "set"), "batch", kill_dir, "-j", "2", "-o", kill_out]
victim = subprocess.Popen(batch_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
time.sleep(2.5)
os.killpg(victim.pid, signal.SIGKILL)
victim.wait()
time.sleep(0.5)
before = dead_leftovers()
rerun = subprocess.run(batch_cmd, capture_output=True, text=True, timeout=600)
after = dead_leftovers()
print(f"killed batch: {len(before)} leftover(s) after the kill, {len(after)} after the rerun (exit {rerun.returncode})")
if after:
    failures.append("leftovers of a killed batch survived its rerun: " + ", ".join(after))
if rerun.returncode not in (0, 1) or not os.path.exists(os.path.join(kill_out, "summary.json")):
    failures.append(f"the rerun of a killed batch did not finish: {rerun.returncode}\n{rerun.stderr[-2000:]}")

matched = sum(1 for r in rows if r[4] == "ok")
print(f"\nhostile corpus: {len(rows)} cases ({len(rows) - 6} hostile, 6 good or honest), {matched} verdicts matched, "
      f"grader exit {proc.returncode}, {elapsed:.0f} s (integrity batch {integrity_elapsed:.0f} s); canary, source tree and listener "
      f"{'untouched' if not any('canary' in x or 'source tree' in x or 'listener' in x or 'wrote' in x for x in failures) else 'TOUCHED'}")
if failures:
    print("\nFAILURES:\n" + "\n".join(failures))
    sys.exit(1)
