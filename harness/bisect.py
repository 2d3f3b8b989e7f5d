"""`make bisect GOOD=<rev> BAD=<rev> BENCH=<label> [THRESHOLD=<pct>]`: the first commit that made
a benchmark slower, found by `git bisect run` with icount measurements (docs/regressions.md).

    /usr/bin/python3 -m harness.bisect --good REV --bad REV --bench LABEL [--threshold PCT]
        [--runs N] [--repo DIR] [--work-dir build/bisect] [--build-cmd CMD]
        [--kernel build/kernel/zc.elf] [--initrd build/bootfs.cpio] [--program bin/zc-bench]

It never touches your checkout: it adds a temporary `git worktree` under build/bisect/, builds
and measures GOOD and BAD there (BAD must be slower than GOOD by more than THRESHOLD, default 3%),
then runs `git bisect run` in the worktree. Each step builds the commit (a build failure answers
125: skip), boots it in icount mode with `<program> --runs N --filter ^LABEL$`, and answers bad
when the median exceeds GOOD's by more than the threshold. At the end it prints the first bad
commit with its figures and its parent's, resets the bisection and removes the worktree.

Exit status: 0 = found, 1 = no regression between GOOD and BAD (or only skipped commits left),
2 = cannot bisect (bad revisions, GOOD does not build or measure, ...)."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from typing import Optional

from . import benchcheck, perfdata

ROOT = perfdata.ROOT
DEFAULT_THRESHOLD = 3.0
DEFAULT_RUNS = 10
SKIP = 125
STEP_TIMEOUT = 900.0


class BisectError(Exception):
    pass


def git(repo: str, *args, check: bool = True, capture: bool = True) -> str:
    r = subprocess.run(["git", "-C", repo, *args], capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise BisectError(f"git {' '.join(args)}: {(r.stderr or '').strip() or r.returncode}")
    return (r.stdout or "").strip()


def clean_env() -> dict:
    """The environment for the builds: without the outer make's flags and variables."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS"):
        env.pop(k, None)
    return env


def build(worktree: str, cmd: str, log_path: str) -> bool:
    with open(log_path, "w") as log:
        r = subprocess.run(cmd, shell=True, cwd=worktree, stdout=log, stderr=subprocess.STDOUT,
                           env=clean_env(), stdin=subprocess.DEVNULL)
    return r.returncode == 0


def measure_here(state: dict, worktree: str, tag: str) -> dict:
    """Build and measure the commit checked out in the worktree: {"status": "ok", "value": ns,
    "values": [...]}, or {"status": "build-failed" | "no-measurement", "why": ...}."""
    commit = git(worktree, "rev-parse", "HEAD")
    cache = state.get("cache_file")
    known = {}
    if cache and os.path.exists(cache):
        with open(cache) as f:
            known = json.load(f)
    if commit in known:
        return known[commit]
    logs = state["log_dir"]
    short = commit[:12]
    t0 = time.monotonic()
    if not build(worktree, state["build_cmd"], os.path.join(logs, f"{short}-build.log")):
        out = {"status": "build-failed",
               "why": f"`{state['build_cmd']}` failed (build/bisect/logs/{short}-build.log)"}
    else:
        label = state["label"]
        try:
            res = benchcheck.measure(os.path.join(worktree, state["kernel"]),
                                     os.path.join(worktree, state["initrd"]),
                                     "^" + benchcheck.ere_escape(label) + "$", state["runs"],
                                     timeout=state["timeout"], program=state["program"],
                                     log_path=os.path.join(logs, f"{short}-{tag}.log"))
            if label not in res:
                raise benchcheck.MeasureError(f"{label} not in the results "
                                              f"({', '.join(list(res)[:5])})")
            values = res[label]
            out = {"status": "ok", "value": perfdata.median(values), "values": values}
        except benchcheck.MeasureError as e:
            out = {"status": "no-measurement", "why": str(e).split("\n")[0]}
    out["subject"] = git(worktree, "log", "-1", "--format=%s")
    out["seconds"] = round(time.monotonic() - t0, 1)
    if cache:
        known[commit] = out
        with open(cache, "w") as f:
            json.dump(known, f, indent=1)
    return out


def describe(commit: str, m: dict, good_value: Optional[float] = None) -> str:
    subj = m.get("subject", "")
    if m.get("status") != "ok":
        return f"{commit[:12]} {subj}: {m.get('status')} ({m.get('why', '')})"
    rel = ""
    if good_value:
        rel = f" ({(m['value'] / good_value - 1) * 100:+.2f}% vs GOOD)"
    return f"{commit[:12]} {subj}: {m['value']:.0f} ns{rel}"


def step(state_path: str) -> int:
    """One `git bisect run` step, run in the worktree: 0 good, 1 bad, 125 skip."""
    with open(state_path) as f:
        state = json.load(f)
    worktree = os.getcwd()
    m = measure_here(state, worktree, "step")
    commit = git(worktree, "rev-parse", "HEAD")
    print(f"bisect: {describe(commit, m, state['good_value'])}", flush=True)
    if m["status"] != "ok":
        return SKIP
    return 1 if m["value"] > state["limit"] else 0


def checkout(worktree: str, rev: str):
    git(worktree, "checkout", "--quiet", "--detach", rev)


def bisect(a) -> int:
    repo = git(a.repo, "rev-parse", "--show-toplevel")
    try:
        good = git(repo, "rev-parse", "--verify", "--quiet", f"{a.good}^{{commit}}")
        bad = git(repo, "rev-parse", "--verify", "--quiet", f"{a.bad}^{{commit}}")
    except BisectError:
        raise BisectError(f"GOOD={a.good} or BAD={a.bad} is not a commit of {repo}") from None
    if good == bad:
        raise BisectError("GOOD and BAD are the same commit")
    if subprocess.run(["git", "-C", repo, "merge-base", "--is-ancestor", good, bad]).returncode:
        raise BisectError(f"GOOD ({a.good}) is not an ancestor of BAD ({a.bad})")
    work = os.path.abspath(a.work_dir)
    os.makedirs(work, exist_ok=True)
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    worktree = os.path.join(work, f"wt-{os.getpid()}")
    state_path = os.path.join(work, f"state-{os.getpid()}.json")
    state = {"label": a.bench, "runs": a.runs, "threshold": a.threshold,
             "build_cmd": a.build_cmd, "kernel": a.kernel, "initrd": a.initrd,
             "program": a.program, "timeout": a.timeout, "log_dir": logs,
             "cache_file": os.path.join(work, f"cache-{os.getpid()}.json")}
    print(f"bisect: {a.bench} between GOOD {good[:12]} and BAD {bad[:12]} "
          f"({git(repo, 'rev-list', '--count', f'{good}..{bad}')} commits), threshold "
          f"{a.threshold:g}%, icount, --runs {a.runs}; worktree {os.path.relpath(worktree)}",
          flush=True)
    git(repo, "worktree", "add", "--detach", "--force", worktree, bad)
    try:
        checkout(worktree, good)
        gm = measure_here(state, worktree, "good")
        print(f"bisect: GOOD {describe(good, gm)}", flush=True)
        if gm["status"] != "ok":
            raise BisectError(f"GOOD ({a.good}) cannot be measured: {gm.get('why')}")
        state["good_value"] = gm["value"]
        state["limit"] = gm["value"] * (1 + a.threshold / 100.0)
        checkout(worktree, bad)
        bm = measure_here(state, worktree, "bad")
        print(f"bisect: BAD  {describe(bad, bm, gm['value'])}", flush=True)
        if bm["status"] != "ok":
            raise BisectError(f"BAD ({a.bad}) cannot be measured: {bm.get('why')}")
        if bm["value"] <= state["limit"]:
            print(f"bisect: no regression: BAD is not more than {a.threshold:g}% slower than "
                  f"GOOD on {a.bench}")
            return 1
        with open(state_path, "w") as f:
            json.dump(state, f)
        git(worktree, "bisect", "start", bad, good)
        env = clean_env()
        env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"]
                                    if env.get("PYTHONPATH") else "")
        # -P: import harness from this checkout, never the worktree's (older) copy
        proc = subprocess.Popen(["git", "-C", worktree, "bisect", "run", sys.executable, "-P",
                                 "-m", "harness.bisect", "step", state_path],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, stdin=subprocess.DEVNULL)
        lines = []
        for line in proc.stdout:  # the steps' own lines as they come; git's at the end
            lines.append(line)
            if line.startswith("bisect: "):
                print(line.rstrip("\n"), flush=True)
        proc.wait()
        first = None
        text = "".join(lines)
        if "is the first bad commit" in text:
            first = git(worktree, "rev-parse", "refs/bisect/bad")
        if first is None:
            print(text.strip()[-3000:])
            print("bisect: no single first bad commit (only skipped commits left, see above)")
            return 1
        with open(state["cache_file"]) as f:
            known = json.load(f)
        fm = known.get(first)
        parent = git(repo, "rev-parse", f"{first}^")
        if parent not in known:
            checkout(worktree, parent)
            measure_here(state, worktree, "parent")
            with open(state["cache_file"]) as f:
                known = json.load(f)
        pm = known.get(parent, {})
        print("")
        print(f"bisect: first bad commit: {first}")
        print(f"bisect:   {git(repo, 'log', '-1', '--format=%h %s (%an, %ad)', '--date=short', first)}")
        print(f"bisect:   {a.bench}: {describe(first, fm, gm['value'])}")
        print(f"bisect:   parent     {describe(parent, pm, gm['value'])}")
        if fm and pm.get("status") == "ok":
            print(f"bisect:   change over its parent: {(fm['value'] / pm['value'] - 1) * 100:+.2f}%"
                  f" ({pm['value']:.0f} -> {fm['value']:.0f} ns, icount)")
        print(f"bisect:   GOOD {gm['value']:.0f} ns, BAD {bm['value']:.0f} ns, threshold "
              f"{a.threshold:g}% (limit {state['limit']:.0f} ns)")
        return 0
    finally:
        subprocess.run(["git", "-C", worktree, "bisect", "reset", "--quiet"],
                       capture_output=True)
        subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", worktree],
                       capture_output=True)
        shutil.rmtree(worktree, ignore_errors=True)
        subprocess.run(["git", "-C", repo, "worktree", "prune"], capture_output=True)
        for p in (state_path, state["cache_file"]):
            if os.path.exists(p) and not a.keep:
                os.unlink(p)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="harness.bisect",
                                description="find the commit that made a benchmark slower")
    p.add_argument("--good", required=True, help="a revision where LABEL was fast")
    p.add_argument("--bad", required=True, help="a later revision where it is slower")
    p.add_argument("--bench", required=True, metavar="LABEL", help="the label, e.g. Syscall/Null")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, metavar="PCT",
                   help="bad = slower than GOOD by more than this (%(default)s%%)")
    p.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of the test per boot "
                   "(%(default)s)")
    p.add_argument("--repo", default=ROOT, help="the repository (%(default)s)")
    p.add_argument("--work-dir", default=os.path.join(ROOT, "build", "bisect"),
                   help="the temporary worktree and logs go here (%(default)s)")
    p.add_argument("--build-cmd", default=f"make -j{os.cpu_count() or 1} all",
                   help="how to build a commit, in the worktree (%(default)s)")
    p.add_argument("--kernel", default="build/kernel/zc.elf", help="in the worktree")
    p.add_argument("--initrd", default="build/bootfs.cpio", help="in the worktree")
    p.add_argument("--program", default=benchcheck.PROGRAM, help="the bootfs benchmark program")
    p.add_argument("--timeout", type=float, default=STEP_TIMEOUT, help="seconds per boot")
    p.add_argument("--keep", action="store_true", help="keep the measurement cache")
    return p


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["step"]:
        if len(argv) != 2:
            print("usage: harness.bisect step STATE_JSON", file=sys.stderr)
            return 128  # stops `git bisect run`
        try:
            return step(argv[1])
        except Exception as e:  # anything unexpected stops the bisection, never "good"
            print(f"bisect: step failed: {e}", file=sys.stderr)
            return 128
    a = parser().parse_args(argv)
    if a.runs <= 0 or a.threshold < 0:
        print("bisect: error: --runs must be positive and --threshold not negative",
              file=sys.stderr)
        return 2
    try:
        return bisect(a)
    except BisectError as e:
        print(f"bisect: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bisect: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
