#!/usr/bin/env python3
"""Checks the job files in deploy/ for what running gograde batch needs.

Each file is parsed (YAML for Kubernetes and GitHub Actions, `bash -n` for
the Slurm script) and its fields checked: a shard count stated in one place
and used in another must agree, the command must grade a shard and the
results must be merged. Then each check is shown to catch a broken copy
(the file with one field changed), so a checker that passes everything fails.

usage: check_deploy.py DEPLOY_DIR
"""
import copy
import subprocess
import sys

import yaml


def check_kubernetes(docs):
    errors = []
    jobs = [d for d in docs if isinstance(d, dict) and d.get("kind") == "Job"]
    if len(jobs) != 1:
        return [f"expected one Job, found {len(jobs)}"]
    job = jobs[0]
    if job.get("apiVersion") != "batch/v1":
        errors.append(f"apiVersion is {job.get('apiVersion')!r}, not batch/v1")
    if not job.get("metadata", {}).get("name"):
        errors.append("the Job has no metadata.name")
    spec = job.get("spec", {})
    if spec.get("completionMode") != "Indexed":
        errors.append("spec.completionMode is not Indexed (no JOB_COMPLETION_INDEX for --shard auto)")
    completions = spec.get("completions")
    if not isinstance(completions, int) or completions < 1:
        errors.append(f"spec.completions is {completions!r}, not a positive number")
        completions = None
    parallelism = spec.get("parallelism", 1)
    if not isinstance(parallelism, int) or parallelism < 1 or (completions and parallelism > completions):
        errors.append(f"spec.parallelism {parallelism!r} is not between 1 and the completions")
    pod = spec.get("template", {}).get("spec", {})
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        errors.append(f"a Job's pods restart Never or OnFailure, not {pod.get('restartPolicy')!r}")
    containers = pod.get("containers") or []
    if len(containers) != 1:
        return errors + [f"expected one container, found {len(containers)}"]
    c = containers[0]
    if not c.get("image"):
        errors.append("the container has no image")
    command = " ".join(str(x) for x in (c.get("command") or []) + (c.get("args") or []))
    if "gograde batch" not in command or "--shard auto" not in command:
        errors.append("the container does not run `gograde batch ... --shard auto`")
    env = {e.get("name"): e.get("value") for e in c.get("env") or []}
    if completions and env.get("GOGRADE_SHARD_COUNT") != str(completions):
        errors.append(f"GOGRADE_SHARD_COUNT is {env.get('GOGRADE_SHARD_COUNT')!r} but completions is {completions}")
    volumes = {v.get("name") for v in pod.get("volumes") or []}
    for m in c.get("volumeMounts") or []:
        if m.get("name") not in volumes:
            errors.append(f"volumeMount {m.get('name')!r} names no volume")
        if not str(m.get("mountPath", "")).startswith("/"):
            errors.append(f"volumeMount {m.get('name')!r} has no absolute mountPath")
    if "-o /batch/reports" in command and not any(
            str(m.get("mountPath")) == "/batch" for m in c.get("volumeMounts") or []):
        errors.append("the reports directory is not on a mounted volume")
    return errors


def check_workflow(wf):
    errors = []
    if not isinstance(wf, dict):
        return ["not a mapping"]
    # YAML 1.1 reads the key `on` as true.
    if "on" not in wf and True not in wf:
        errors.append("no `on:` trigger")
    jobs = wf.get("jobs") or {}
    grade = jobs.get("grade") or {}
    matrix = (grade.get("strategy") or {}).get("matrix") or {}
    shards = matrix.get("shard")
    if not isinstance(shards, list) or not shards or shards != list(range(1, len(shards) + 1)):
        errors.append(f"matrix.shard is {shards!r}, not 1..N")
        n = None
    else:
        n = len(shards)
    runs = [s.get("run", "") for s in grade.get("steps") or []]
    shard_runs = [r for r in runs if "gograde batch" in r and "--shard" in r]
    if len(shard_runs) != 1:
        errors.append("the grade job has no single `gograde batch ... --shard` step")
    elif n and f'--shard "${{{{ matrix.shard }}}}/{n}"' not in shard_runs[0]:
        errors.append(f"the grade step's --shard is not ${{{{ matrix.shard }}}}/{n}")
    uploads = [s for s in grade.get("steps") or [] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    if not uploads or "${{ matrix.shard }}" not in str((uploads[0].get("with") or {}).get("name", "")):
        errors.append("the grade job does not upload its reports under a name per shard")
    merge = jobs.get("merge") or {}
    needs = merge.get("needs")
    if "grade" not in (needs if isinstance(needs, list) else [needs]):
        errors.append("the merge job does not wait for the grade jobs (needs: grade)")
    if not any("gograde batch merge" in s.get("run", "") for s in merge.get("steps") or []):
        errors.append("the merge job does not run `gograde batch merge`")
    downloads = [s for s in merge.get("steps") or [] if str(s.get("uses", "")).startswith("actions/download-artifact")]
    if not downloads:
        errors.append("the merge job downloads no artifacts")
    for name, job in jobs.items():
        if not job.get("runs-on"):
            errors.append(f"job {name} has no runs-on")
    return errors


def check_sbatch(path, text):
    errors = []
    r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
    if r.returncode != 0:
        errors.append("bash -n: " + r.stderr.strip())
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#!"):
        errors.append("no #! line")
    # sbatch reads #SBATCH lines only before the first command.
    first_command = next((i for i, l in enumerate(lines[1:], 1) if l.strip() and not l.startswith("#")), len(lines))
    late = [l for l in lines[first_command:] if l.startswith("#SBATCH")]
    if late:
        errors.append(f"#SBATCH after the first command (ignored by sbatch): {late[0]}")
    if not any(l.startswith("#SBATCH") for l in lines[:first_command]):
        errors.append("no #SBATCH options")
    if 'batch "$subs"' not in text or '--shard "${GOGRADE_SHARD:-auto}"' not in text:
        errors.append("the script does not run `gograde batch` with --shard auto (or $GOGRADE_SHARD)")
    return errors


def main():
    deploy = sys.argv[1]
    k8s_path = f"{deploy}/kubernetes/gograde-batch-job.yaml"
    wf_path = f"{deploy}/github/gograde-batch.yml"
    sb_path = f"{deploy}/slurm/gograde-batch.sbatch"
    with open(k8s_path) as f:
        k8s = list(yaml.safe_load_all(f))
    with open(wf_path) as f:
        wf = yaml.safe_load(f)
    with open(sb_path) as f:
        sb = f.read()

    failed = False
    for name, errors in ((k8s_path, check_kubernetes(k8s)), (wf_path, check_workflow(wf)),
                         (sb_path, check_sbatch(sb_path, sb))):
        for e in errors:
            print(f"{name}: {e}")
            failed = True
        if not errors:
            print(f"{name}: ok")

    # Each check catches a broken copy.
    def k8s_broken(edit):
        d = copy.deepcopy(k8s)
        edit(next(x for x in d if isinstance(x, dict) and x.get("kind") == "Job"))
        return check_kubernetes(d)

    def wf_broken(edit):
        d = copy.deepcopy(wf)
        edit(d)
        return check_workflow(d)

    def env_of(job):
        return job["spec"]["template"]["spec"]["containers"][0]["env"]

    broken = {
        "a shard count that disagrees with completions":
            k8s_broken(lambda j: [e.update(value="3") for e in env_of(j) if e["name"] == "GOGRADE_SHARD_COUNT"]),
        "no Indexed completion mode": k8s_broken(lambda j: j["spec"].pop("completionMode")),
        "a restarting pod": k8s_broken(lambda j: j["spec"]["template"]["spec"].update(restartPolicy="Always")),
        "a mount of no volume": k8s_broken(lambda j: j["spec"]["template"]["spec"]["volumes"].pop(0)),
        "a matrix not 1..N": wf_broken(lambda w: w["jobs"]["grade"]["strategy"]["matrix"].update(shard=[1, 2, 4])),
        "a matrix longer than the --shard count":
            wf_broken(lambda w: w["jobs"]["grade"]["strategy"]["matrix"].update(shard=[1, 2, 3, 4, 5])),
        "a merge that does not wait": wf_broken(lambda w: w["jobs"]["merge"].pop("needs")),
        "#SBATCH after a command": check_sbatch(sb_path, sb + "\n#SBATCH --time=1\n"),
    }
    for what, errors in broken.items():
        if not errors:
            print(f"self-check: {what} was not caught")
            failed = True
    if not failed:
        print(f"deploy files ok; {len(broken)} broken copies caught")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
