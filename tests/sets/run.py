#!/usr/bin/env python3
"""Exercise sets from git, end to end, against real servers on loopback.

Publishes tests/sets/fixture (a one-exercise set) in a bare repository and
serves it over a local path, file://, git:// (git daemon) and http:// (git
http-backend behind a local web server, with a Basic-auth area), then drives
`gograde sets ...` and `gograde grade` as a user would: add over each
transport, grade (the report names set, URL and commit), update after a new
commit, pin to a tag and a commit and back, a rewritten history refused
without --force, two commands racing for the lock, an update killed
mid-fetch, the remote down (offline use), credentials from ~/.git-credentials
(never shown anywhere), every kind of bad input (malformed URL, missing
repository, missing ref, no or invalid manifest, paths escaping the set,
symlinks out of it, duplicate name), --verify, and a disk filling up during
an update. Every failure must say why and leave the sets as they were.

usage: run.py GOGRADE CACHE_DIR WORK_DIR
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import GitDaemon, HttpGit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GG, CACHE, WORK = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
PASSWORD = "s3cret/Pa55"  # '/' is percent-encoded in URLs and the credential store
USER = "alice"

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
SRV = os.path.join(WORK, "srv")        # what the servers serve
DATA = os.path.join(WORK, "data")      # XDG_DATA_HOME: the store
HOME = os.path.join(WORK, "home")      # HOME: credentials live here
os.makedirs(SRV)
os.makedirs(HOME)
STORE = os.path.join(DATA, "gograde", "sets")
STALL = os.path.join(WORK, "stall")

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "GIT_", "GOGRADE_"))}
ENV.update(XDG_DATA_HOME=DATA, HOME=HOME, NETRC=os.path.join(HOME, "no-netrc"))
GIT_ENV = dict(ENV, GIT_AUTHOR_NAME="Set Author", GIT_AUTHOR_EMAIL="author@example.invalid",
               GIT_COMMITTER_NAME="Set Author", GIT_COMMITTER_EMAIL="author@example.invalid",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)

OUTPUTS = []  # everything gograde printed: no password may appear in it
checks = 0


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def git(*args, cwd=None):
    p = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"git {' '.join(args)}: {p.stderr}")
    return p.stdout.strip()


def gg(*args, rc=0, want=(), unwanted=(), timeout=600):
    global checks
    p = subprocess.run([GG, "--cache", CACHE, *args], capture_output=True, text=True, env=ENV, timeout=timeout)
    text = p.stdout + p.stderr
    OUTPUTS.append(text)
    where = f"gograde {' '.join(args)}"
    if p.returncode != rc:
        fail(f"{where}: exit {p.returncode}, expected {rc}\n{text}")
    for w in want:
        if not re.search(w, text, re.S):
            fail(f"{where}: output lacks /{w}/\n{text}")
    for w in unwanted:
        if re.search(w, text, re.S):
            fail(f"{where}: output has /{w}/\n{text}")
    checks += 1
    return text


def state(name):
    with open(os.path.join(STORE, name, "set.json")) as f:
        return json.load(f)


def set_names():
    return sorted(n for n in os.listdir(STORE) if not n.startswith(".") and n != "lock") if os.path.isdir(STORE) else []


def no_leftovers():
    junk = [n for n in os.listdir(STORE) if n.startswith(".")]
    for n in set_names():
        junk += [f"{n}/versions/{v}" for v in os.listdir(os.path.join(STORE, n, "versions")) if v.startswith(".")]
    if junk:
        fail(f"leftovers in the store: {junk}")


def grade_json(name, submission):
    out = gg("grade", name, submission, "--format", "json", rc=0)
    return json.loads(out[: out.rindex("}") + 1])


# ---- the upstream repository ---------------------------------------------------------------

WORKTREE = os.path.join(WORK, "author")
shutil.copytree(os.path.join(HERE, "fixture"), WORKTREE)
git("init", "-q", "-b", "main", cwd=WORKTREE)
git("add", "-A", cwd=WORKTREE)
git("commit", "-q", "-m", "v1: sum-chan", cwd=WORKTREE)
git("tag", "-a", "v1", "-m", "version 1", cwd=WORKTREE)
V1 = git("rev-parse", "HEAD", cwd=WORKTREE)
UP = os.path.join(SRV, "up.git")
git("clone", "-q", "--bare", WORKTREE, UP)
git("remote", "add", "up", UP, cwd=WORKTREE)
REFERENCE = os.path.join(WORKTREE, "reference", "sum-chan")


def commit_v2(message="v2: an item for the empty channel"):
    with open(os.path.join(WORKTREE, "graders", "sum-chan", "rubric.toml"), "a") as f:
        f.write('\n[[item]]\nid = "empty"\ntitle = "Empty channel"\npoints = 1\nsuite = "sum_test.cpp"\n'
                'tests = "[empty]"\nbuilds = ["normal"]\nruns = ["det:1"]\n')
    with open(os.path.join(WORKTREE, "gograde-set.toml")) as f:
        manifest = f.read().replace('version = "1.0.0"', 'version = "2.0.0"')
    with open(os.path.join(WORKTREE, "gograde-set.toml"), "w") as f:
        f.write(manifest)
    git("commit", "-q", "-am", message, cwd=WORKTREE)
    return git("rev-parse", "HEAD", cwd=WORKTREE)


open(os.path.join(WORK, "no-stall"), "w").close()
daemon = GitDaemon(SRV)
daemon.start()
web = HttpGit(SRV, USER, PASSWORD, STALL)
web.start()
try:
    # ---- add over every transport; grade; the report names the version -----------------
    gg("sets", "add", UP, "--name", "vialocal", want=[r'added set "vialocal" from .*up\.git: branch main at version 1\.0\.0'])
    gg("sets", "add", "file://" + UP, "--name", "viafile", want=[r"added set \"viafile\" from file://"])
    gg("sets", "add", daemon.url("up.git"), "--name", "viagit", want=[r"added set \"viagit\" from git://127\.0\.0\.1"])
    out = gg("sets", "add", web.url("up.git"), "--name", "viahttp", want=[r"added set \"viahttp\" from http://127\.0\.0\.1"])
    if not re.search(r"fetched http://\S+: \d+ objects", out):
        fail(f"no fetch progress shown:\n{out}")
    for n in ("vialocal", "viafile", "viagit", "viahttp"):
        if state(n)["commit"] != V1:
            fail(f"{n}: commit {state(n)['commit']}, expected {V1}")
    gg("sets", "list", want=[r"builtin .*vialocal +1\.0\.0 +branch main +" + V1[:12], r"viahttp .*http://127\.0\.0\.1"])
    gg("sets", "show", "viagit", want=[r"commit: +" + V1, r"follows: +branch main", r"viagit/sum-chan +Sum over a channel"])
    gg("list", want=[r"viahttp/sum-chan +Sum over a channel"])
    gg("grade", "sum-chan", REFERENCE, rc=2, want=[r'"sum-chan" is in several sets: .*viafile/sum-chan.*name one as set/slug'])
    report = grade_json("viahttp/sum-chan", REFERENCE)
    if report["set"] != {"name": "viahttp", "version": "1.0.0", "url": web.url("up.git"), "ref": "main", "commit": V1}:
        fail(f"report's set: {report['set']}")
    if (report["verdict"], report["score"], report["max_score"]) != ("passed", 2, 2):
        fail(f"grade of the reference: {report['verdict']} {report['score']}/{report['max_score']}")
    gg("grade", "viagit/sum-chan", os.path.join(WORKTREE, "graders", "sum-chan", "mutants", "off-by-one"), rc=1,
       want=[r"set: viagit 1\.0\.0, commit " + V1 + r", following main, from git://"])

    # ---- a new commit upstream: update every set ------------------------------------
    V2 = commit_v2()
    git("push", "-q", "up", "main", cwd=WORKTREE)
    gg("sets", "update", want=[r"updated viafile: version 1\.0\.0 \(commit " + V1[:12] + r"\) -> version 2\.0\.0 \(commit " + V2[:12],
                               r"updated viagit", r"updated viahttp", r"updated vialocal"])
    report = grade_json("viagit/sum-chan", REFERENCE)
    if (report["score"], report["max_score"], report["set"]["commit"], report["set"]["version"]) != (3, 3, V2, "2.0.0"):
        fail(f"after update: {report['score']}/{report['max_score']} at {report['set']}")
    gg("sets", "update", "viagit", want=[r"viagit is up to date: branch main at version 2\.0\.0"])

    # ---- pin to a tag, to a commit, and back to the branch --------------------------
    gg("sets", "pin", "viahttp", "v1", want=[r"viahttp now follows tag v1 at version 1\.0\.0 \(commit " + V1[:12]])
    if grade_json("viahttp/sum-chan", REFERENCE)["max_score"] != 2 or state("viahttp")["commit"] != V1:
        fail("pinned to v1, the grade does not use v1")
    gg("sets", "update", "viahttp", want=[r"viahttp is up to date: tag v1"])
    gg("sets", "pin", "viahttp", V2[:10], want=[r"now follows commit " + V2[:10] + r".*pinned"])
    gg("sets", "update", "viahttp", want=[r"pinned to commit " + V2[:12] + r": nothing to update"])
    gg("sets", "pin", "viahttp", "main", want=[r"now follows branch main at version 2\.0\.0"])
    gg("sets", "pin", "viahttp", "no-such-ref", rc=2,
       want=[r'no branch, tag or commit "no-such-ref" in http://\S+ \(branches: main; tags: v1\); keeping viahttp at version 2\.0\.0'])
    # Only the version in use and the one before it are kept.
    if len(os.listdir(os.path.join(STORE, "viahttp", "versions"))) > 2:
        fail(f"old versions kept: {os.listdir(os.path.join(STORE, 'viahttp', 'versions'))}")

    # ---- history rewritten upstream -------------------------------------------------
    git("commit", "-q", "--amend", "-m", "v2, rewritten", cwd=WORKTREE)
    V2B = git("rev-parse", "HEAD", cwd=WORKTREE)
    git("push", "-q", "--force", "up", "main", cwd=WORKTREE)
    gg("sets", "update", "viafile", rc=2,
       want=[r"history of branch main was rewritten upstream: it moved from " + V2[:12] + " to " + V2B[:12],
             r"keeping viafile at version 2\.0\.0 \(commit " + V2[:12] + r"\), which works offline", r"--force"])
    if state("viafile")["commit"] != V2:
        fail("a refused update changed the set")
    gg("show", "viafile/sum-chan", want=[r"Rubric \(3 points\)"])
    gg("sets", "update", "viafile", "--force", want=[r"updated viafile: .* -> .*" + V2B[:12] + r".*history rewritten upstream"])

    # ---- leftovers of a killed command are cleaned by the next one ------------------
    junk = os.path.join(STORE, "viafile", "versions", ".staging-deadbeef-99999")
    os.makedirs(os.path.join(junk, "exercises"))
    lockfile = os.path.join(STORE, "viafile", "git", "refs", "remotes", "origin", "main.lock")
    open(lockfile, "w").close()
    os.makedirs(os.path.join(STORE, ".staging-add-99999", "git"))
    gg("sets", "update", "viafile", want=[r"viafile is up to date"])
    if os.path.exists(junk) or os.path.exists(lockfile):
        fail("leftovers of a killed update were not cleaned")
    no_leftovers()

    # ---- two commands at once; an update killed mid-fetch ---------------------------
    open(STALL, "w").close()
    before = state("viahttp")
    stuck = subprocess.Popen([GG, "--cache", CACHE, "sets", "update", "viahttp"], env=ENV,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while web.stalled == 0 and time.time() < deadline:
        time.sleep(0.05)
    if web.stalled == 0:
        fail("the update never reached the stalled server")
    gg("sets", "update", "viafile", rc=2,
       want=[rf"another gograde command \(pid {stuck.pid}\) is changing the sets .*nothing was done"])
    gg("sets", "add", UP, "--name", "racer", rc=2, want=[rf"another gograde command \(pid {stuck.pid}\)"])
    stuck.send_signal(signal.SIGKILL)
    stuck.wait()
    os.remove(STALL)
    if state("viahttp") != before:
        fail("a killed update changed the set")
    gg("grade", "viahttp/sum-chan", REFERENCE, want=[r"sum-chan: passed|passed"])
    gg("sets", "update", "viahttp", "--force", want=[r"updated viahttp: .*" + V2B[:12]])
    no_leftovers()

    # ---- credentials for http: from ~/.git-credentials, never shown -----------------
    private = web.url("up.git", private=True)
    gg("sets", "add", private, "--name", "private", rc=2,
       want=[r"authentication required and no credentials found"], unwanted=[r"s3cret"])
    with open(os.path.join(HOME, ".git-credentials"), "w") as f:
        f.write(f"https://{USER}:wrong@127.0.0.1:{web.port}\n")  # another protocol: not used
        f.write(f"http://{USER}:s3cret%2FPa55@127.0.0.1:{web.port}\n")
    gg("sets", "add", private, "--name", "private", want=[r'added set "private" from http://127\.0\.0\.1:\d+/private/up\.git'])
    report = grade_json("private/sum-chan", REFERENCE)
    if report["set"]["url"] != private:
        fail(f"private set's URL in the report: {report['set']['url']}")
    with open(os.path.join(HOME, ".git-credentials"), "w") as f:
        f.write(f"http://{USER}:not-it@127.0.0.1:{web.port}\n")
    gg("sets", "update", "private", rc=2,
       want=[r"authentication failed with the credentials from .*\.git-credentials", r"keeping private at version"])
    os.remove(os.path.join(HOME, ".git-credentials"))
    # A password in the URL is used for that fetch only, and kept nowhere.
    with_password = private.replace("http://", f"http://{USER}:s3cret%2FPa55@")
    gg("sets", "add", with_password, "--name", "private2",
       want=[rf'added set "private2" from http://{USER}@127\.0\.0\.1'])
    if state("private2")["url"] != private.replace("http://", f"http://{USER}@"):
        fail(f"stored URL: {state('private2')['url']}")
    gg("sets", "update", "private2", rc=2, want=[r"authentication required and no credentials found"])

    # ---- the remote down: everything added still works ------------------------------
    web.stop()
    daemon.stop()
    gg("grade", "viahttp/sum-chan", REFERENCE, want=[r"passed"])
    gg("sets", "update", "viahttp", rc=2,
       want=[r"cannot reach http://127\.0\.0\.1:\d+/up\.git: .*; keeping viahttp at version 2\.0\.0 \(commit " + V2B[:12] + r"\), which works offline"])
    gg("sets", "update", "viagit", rc=2, want=[r"cannot reach git://.*keeping viagit at"])
    gg("sets", "pin", "viahttp", "v1", want=[r"viahttp now follows tag v1 at version 1\.0\.0.*offline"])
    gg("show", "viahttp/sum-chan", want=[r"Rubric \(2 points\)"])
    web.start()  # back, on the same port
    daemon.start()
    gg("sets", "pin", "viahttp", "main", want=[r"now follows branch main at version 2\.0\.0 \(commit " + V2B[:12]])

    # ---- bad input: a clear error, and nothing changes ------------------------------
    names_before = set_names()
    for url, why in [
        ("ftp://example.com/set.git", r"malformed URL .*unsupported scheme \"ftp\""),
        ("http://", r"malformed URL .*no host"),
        ("http://127.0.0.1:99999/x.git", r"malformed URL .*is not a host\[:port\]"),
        ("://nothing", r"malformed URL .*no scheme"),
        ("http:/127.0.0.1/up.git", r"malformed URL .*\"http:\" without \"//\""),
        ("https://bad host/x.git", r"malformed URL .*spaces"),
        ("file://", r"malformed URL .*no path"),
        (os.path.join(WORK, "nowhere"), r"no repository at .*nowhere: not a directory"),
        ("file://" + os.path.join(WORK, "nowhere.git"), r"cannot reach file://.*nowhere\.git"),
        (HOME, r"cannot (reach|fetch from) .*home"),
        (web.url("nope.git"), r"cannot (reach|fetch from) http://127\.0\.0\.1:\d+/nope\.git: .*"),
        (daemon.url("nope.git"), r"cannot (reach|fetch from) git://127\.0\.0\.1:\d+/nope\.git"),
    ]:
        gg("sets", "add", url, "--name", "bad", rc=2, want=[why])
    gg("sets", "add", UP, "--name", "bad", "--ref", "no-such-branch", rc=2,
       want=[r'no branch, tag or commit "no-such-branch" in .*up\.git \(branches: main; tags: v1\)'])
    gg("sets", "add", UP, "--name", "bad", "--ref", "0123456789abcdef", rc=2, want=[r'no branch, tag or commit "0123456789abcdef"'])
    gg("sets", "add", UP, "--name", "viahttp", rc=2, want=[r'a set named "viahttp" already exists \(from http://'])
    gg("sets", "add", UP, "--name", "builtin", rc=2, want=[r'"builtin" \(--name\) names the built-in set'])
    gg("sets", "add", UP, "--name", "Bad/Name", rc=2, want=[r'"Bad/Name" \(--name\) is not a set name'])
    gg("sets", "add", UP, "--name", "fixture")
    gg("sets", "add", UP, rc=2, want=[r'a set named "fixture" already exists'])  # the manifest's name, taken

    def broken(name, change, why):
        """A copy of the set with one defect, committed and served."""
        tree = os.path.join(WORK, "broken-" + name)
        shutil.copytree(os.path.join(HERE, "fixture"), tree, symlinks=True)
        change(tree)
        git("init", "-q", "-b", "main", cwd=tree)
        git("add", "-A", cwd=tree)
        git("commit", "-q", "-m", "broken: " + name, cwd=tree)
        bare = os.path.join(SRV, name + ".git")
        git("clone", "-q", "--bare", tree, bare)
        gg("sets", "add", web.url(name + ".git"), "--name", "bad", rc=2, want=[why])

    def edit(path, old, new):
        def change(tree):
            p = os.path.join(tree, path)
            with open(p) as f:
                text = f.read()
            if old not in text:
                fail(f"{path} lacks {old!r}")
            with open(p, "w") as f:
                f.write(text.replace(old, new))
        return change

    broken("no-manifest", lambda t: os.remove(os.path.join(t, "gograde-set.toml")),
           r"is not a valid set: gograde-set.toml: missing")
    broken("no-version", edit("gograde-set.toml", 'version = "1.0.0"\n', ""),
           r"is not a valid set: gograde-set.toml: version: required string")
    broken("bad-name", edit("gograde-set.toml", 'name = "fixture"', 'name = "Fix Ture"'),
           r"gograde-set.toml: name: \"Fix Ture\" is not a set name")
    broken("not-a-list", edit("gograde-set.toml", 'exercises = ["sum-chan"]', 'exercises = "sum-chan"'),
           r"gograde-set.toml: exercises: must be a list of strings")
    broken("escape-dotdot", edit("gograde-set.toml", '["sum-chan"]', '["sum-chan", "../../etc"]'),
           r"gograde-set.toml: exercises\[1\]: \"../../etc\" escapes the set")
    broken("escape-absolute", edit("gograde-set.toml", '["sum-chan"]', '["/etc"]'),
           r"gograde-set.toml: exercises\[0\]: \"/etc\" escapes the set")
    broken("missing-folder", edit("gograde-set.toml", '["sum-chan"]', '["sum-chan", "ghost"]'),
           r"gograde-set.toml: exercises: \"ghost\" has no folder exercises/ghost/")
    broken("rubric-points", edit("graders/sum-chan/rubric.toml", "points = 2\n", ""),
           r"graders/sum-chan/rubric.toml: item\[0\].points: required")
    broken("suite-escapes", edit("graders/sum-chan/rubric.toml", 'suite = "sum_test.cpp"', 'suite = "../../../../etc/passwd"'),
           r"graders/sum-chan/rubric.toml: item\[0\].suite: \"../../../../etc/passwd\" escapes the exercise")
    broken("link-absolute", lambda t: os.symlink("/etc/passwd", os.path.join(t, "graders", "sum-chan", "passwd")),
           r"graders/sum-chan/passwd: a symlink to \"/etc/passwd\", outside the set")
    broken("link-relative", lambda t: os.symlink("../../../../../etc/passwd", os.path.join(t, "graders", "sum-chan", "up")),
           r"graders/sum-chan/up: a symlink to \"../../../../../etc/passwd\", outside the set")
    empty = os.path.join(SRV, "empty.git")
    git("init", "-q", "--bare", empty)
    gg("sets", "add", "file://" + empty, "--name", "bad", rc=2, want=[r"has no default branch|no branch, tag or commit"])
    if set_names() != sorted(names_before + ["fixture"]):
        fail(f"a failed add changed the store: {set_names()}")
    no_leftovers()

    # A symlink inside the set is fine.
    broken_ok = os.path.join(WORK, "linked")
    shutil.copytree(os.path.join(HERE, "fixture"), broken_ok)
    os.symlink("../README.md", os.path.join(broken_ok, "exercises", "sum-chan", "starter", "README.md"))
    git("init", "-q", "-b", "main", cwd=broken_ok)
    git("add", "-A", cwd=broken_ok)
    git("commit", "-q", "-m", "an inner symlink", cwd=broken_ok)
    gg("sets", "add", broken_ok, "--name", "linked", want=[r'added set "linked"'])

    # ---- --verify: validate before switching ----------------------------------------
    gg("sets", "add", UP, "--name", "verified", "--verify", want=[r"reference +passed +passed +ok", r'added set "verified"'])
    edit("graders/sum-chan/mutants/off-by-one/mutant.toml", 'expected = "failed"', 'expected = "passed"')(WORKTREE)
    git("commit", "-q", "-am", "a mutant expected to pass: validate must fail", cwd=WORKTREE)
    V3 = git("rev-parse", "HEAD", cwd=WORKTREE)
    git("push", "-q", "up", "main", cwd=WORKTREE)
    gg("sets", "update", "verified", "--verify", rc=2,
       want=[r"off-by-one +passed +failed +WRONG", r"--verify: commit " + V3[:12] + r" fails `gograde validate`",
             r"keeping verified at version 2\.0\.0 \(commit " + V2B[:12]])
    if state("verified")["commit"] != V2B:
        fail("a set failing --verify was switched to")
    gg("sets", "update", "verified", want=[r"updated verified: .* -> .*" + V3[:12]])

    # ---- the disk fills up during an update -----------------------------------------
    disk_tree = os.path.join(WORK, "disk")
    shutil.copytree(os.path.join(HERE, "fixture"), disk_tree)
    git("init", "-q", "-b", "main", cwd=disk_tree)
    git("add", "-A", cwd=disk_tree)
    git("commit", "-q", "-m", "small", cwd=disk_tree)
    small = git("rev-parse", "HEAD", cwd=disk_tree)
    disk = os.path.join(SRV, "disk.git")
    git("clone", "-q", "--bare", disk_tree, disk)
    git("checkout", "-q", "-b", "big", cwd=disk_tree)
    with open(os.path.join(disk_tree, "graders", "sum-chan", "noise.bin"), "wb") as f:
        f.write(os.urandom(4 << 20))
    git("add", "-A", cwd=disk_tree)
    git("commit", "-q", "-m", "4 MiB of noise", cwd=disk_tree)
    tiny = os.path.join(WORK, "tiny-disk")
    os.makedirs(tiny)
    script = f"""
{GG} --cache {CACHE} sets add file://{disk} --name small; echo "@add=$?"
git -C {disk_tree} push -q {disk} big:main
{GG} --cache {CACHE} sets update small; echo "@update=$?"
{GG} --cache {CACHE} sets show small; echo "@show=$?"
{GG} --cache {CACHE} show small/sum-chan >/dev/null; echo "@exercise=$?"
ls -A {tiny}/gograde/sets; ls -A {tiny}/gograde/sets/small/versions
"""
    p = subprocess.run(["bwrap", "--dev-bind", "/", "/", "--size", str(1536 << 10), "--tmpfs", tiny, "--",
                        "sh", "-c", script], env=dict(GIT_ENV, XDG_DATA_HOME=tiny), capture_output=True, text=True,
                       timeout=300)
    out = p.stdout + p.stderr
    OUTPUTS.append(out)
    for w in [r"@add=0", r"@update=2", r"No space left on device|no space|space", rf"keeping small at version 1\.0\.0 \(commit {small[:12]}\)",
              rf"commit: +{small}", r"@show=0", r"@exercise=0"]:
        if not re.search(w, out):
            fail(f"disk full: output lacks /{w}/\n{out}")
    if re.search(r"^\.staging", out, re.M):
        fail(f"disk full: a staging directory was left:\n{out}")
    checks += 1

    # ---- remove ----------------------------------------------------------------------
    gg("sets", "remove", "viafile", want=[r'removed set "viafile" \(file://'])
    gg("grade", "viafile/sum-chan", REFERENCE, rc=2, want=[r'no set "viafile"'])
    gg("sets", "remove", "viafile", rc=2, want=[r'no set "viafile"'])
    gg("sets", "show", "nope", rc=2, want=[r'no set "nope" \(sets: builtin, '])
    gg("sets", "update", "nope", rc=2, want=[r'no set "nope"'])

    # ---- no password anywhere ----------------------------------------------------------
    for text in OUTPUTS:
        if PASSWORD in text or "s3cret%2F" in text:
            fail(f"the password appears in gograde's output:\n{text}")
    for root, _, files in os.walk(DATA):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                blob = f.read()
            if PASSWORD.encode() in blob or b"s3cret%2F" in blob:
                fail(f"the password is stored in {os.path.join(root, name)}")
finally:
    web.stop()
    daemon.stop()

print(f"sets: {checks} checks passed (local path, file://, git://127.0.0.1:{daemon.port}, "
      f"http://127.0.0.1:{web.port}; {web.requests} HTTP requests served)")
