#!/usr/bin/env python3
"""The cloud-go set (sets/cloud-go), added as a team adds its own set.

Publishes sets/cloud-go in a bare repository of its own, serves it with
`git daemon` on loopback, adds it with `gograde sets add git://...`, checks
that `gograde list` shows both the built-in set and the cloud set (and that
`show` and `init` work on a cloud exercise), then runs `gograde validate
cloud-go` on the added set: every reference full marks, every mutant its
verdict, item by item; honest answers written differently from the
references (cloud-alternatives/) get full marks too.

usage: cloud_set.py GOGRADE CACHE_DIR WORK_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import GitDaemon  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, "..", "..", "sets", "cloud-go")
GG, CACHE, WORK = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])


def manifest_exercises(root):
    with open(os.path.join(root, "gograde-set.toml"), "rb") as f:
        return tomllib.load(f)["exercises"]


EXERCISES = manifest_exercises(SET)
BUILTIN = manifest_exercises(os.path.join(HERE, "..", ".."))

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
SRV, DATA, HOME = (os.path.join(WORK, d) for d in ("srv", "data", "home"))
for d in (SRV, HOME):
    os.makedirs(d)
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "GIT_", "GOGRADE_"))}
ENV.update(XDG_DATA_HOME=DATA, HOME=HOME)
GIT_ENV = dict(ENV, GIT_AUTHOR_NAME="Set Author", GIT_AUTHOR_EMAIL="author@example.invalid",
               GIT_COMMITTER_NAME="Set Author", GIT_COMMITTER_EMAIL="author@example.invalid",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def git(*args, cwd=None):
    p = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"git {' '.join(args)}: {p.stderr}")
    return p.stdout.strip()


def gg(*args, rc=0, want=(), timeout=600, echo=False):
    p = subprocess.run([GG, "--cache", CACHE, *args], capture_output=True, text=True, env=ENV, timeout=timeout)
    text = p.stdout + p.stderr
    if echo:
        print(text)
    if p.returncode != rc:
        fail(f"gograde {' '.join(args)}: exit {p.returncode}, expected {rc}\n{text}")
    for w in want:
        if not re.search(w, text, re.S | re.M):
            fail(f"gograde {' '.join(args)}: output lacks /{w}/\n{text}")
    return p.stdout


if len(EXERCISES) < 6:
    fail(f"cloud-go lists {len(EXERCISES)} exercises, at least 6 wanted")

# The set in a repository of its own, as its authors would keep it.
src = os.path.join(WORK, "cloud-go")
shutil.copytree(SET, src)
git("init", "-q", "-b", "main", cwd=src)
git("add", "-A", cwd=src)
git("commit", "-qm", "cloud-go 1.0.0", cwd=src)
git("tag", "v1.0.0", cwd=src)
head = git("rev-parse", "HEAD", cwd=src)
git("clone", "-q", "--bare", src, os.path.join(SRV, "cloud-go.git"))

daemon = GitDaemon(SRV)
daemon.start()
try:
    url = f"git://127.0.0.1:{daemon.port}/cloud-go.git"
    gg("sets", "add", url, want=[r"cloud-go", r"1\.0\.0"])
    gg("sets", "list", want=[rf"cloud-go.*1\.0\.0.*{head[:7]}"])
finally:
    daemon.stop()  # the set works offline once added

# Both sets, every exercise of each.
listing = gg("list")
for slug, in_set in [(s, "cloud-go") for s in EXERCISES] + [(s, "builtin") for s in BUILTIN]:
    if not re.search(rf"^{slug}\s.*\(set {in_set}\)$", listing, re.M):
        fail(f"gograde list does not show {slug} in set {in_set}:\n{listing}")
gg("show", "cloud-go/circuit-breaker", want=[r"Circuit breaker", r"ErrOpen", r"cooldown"])
gg("init", "cloud-go/rate-limiter", os.path.join(WORK, "ws"))
if not os.path.isfile(os.path.join(WORK, "ws", "limiter.hpp")):
    fail("init wrote no starter")

# Honest answers written another way than the references get full marks
# (tests/sets/cloud-alternatives/<slug>/<name>/: GCRA instead of a token
# count, a done channel instead of a WaitGroup, a worker pool instead of a
# semaphore, generations, a state map and a dispatcher, a timer armed at the
# notice, buffered stages).
ALT = os.path.join(HERE, "cloud-alternatives")
for slug in sorted(os.listdir(ALT)):
    for name in sorted(os.listdir(os.path.join(ALT, slug))):
        gg("grade", f"cloud-go/{slug}", os.path.join(ALT, slug, name), want=[rf"^{slug}: passed — score (\d+)/\1 "])

# The set proves itself: references full marks, every mutant its verdict.
out = gg("validate", "cloud-go", timeout=3000, echo=True)
for slug in EXERCISES:
    if not re.search(rf"^{slug}\s+reference\s+passed\s+passed\s+ok", out, re.M):
        fail(f"validate: no passing reference row for {slug}")
    mutants = os.listdir(os.path.join(SET, "graders", slug, "mutants"))
    if len(mutants) < 6:
        fail(f"{slug}: {len(mutants)} mutants, at least 6 wanted")
    for m in mutants:
        if not re.search(rf"^{slug}\s+{m}\s+\S+\s+\S+\s+ok", out, re.M):
            fail(f"validate: mutant {slug}/{m} did not get its verdict")
print(f"cloud-go: added over git:// at {head[:12]}, listed beside the built-in set, validated")
