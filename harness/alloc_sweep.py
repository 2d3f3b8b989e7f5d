"""The allocation-failure sweep on the hosted backend (docs/hosted.md, issue 16).

For each suite: one run with no failure gives the number E of kernel allocations the run makes
(counted from the first entry into user code) and the live heap objects and frames at shutdown;
then, for each chosen N < E, a run of `zc-hosted` with ZC_FAIL_ALLOC=N (the Nth allocation fails,
hal/hosted/fuzz/allocfail.c) must:
  - end by the program's own exit (status 0..125): no kernel panic (126), no sanitizer report,
    no host signal, no hang (timeout);
  - have injected the failure;
  - leave no more live heap objects and frames at shutdown than the run without a failure (no
    leak; fewer is fine: a program that never started keeps no page tables);
  A test that sees its call fail reports its own failure (status 1): that is the expected
  outcome. The statuses other than ZX_ERR_NO_MEMORY that failing expectations got are counted
  and printed with the first N that gave each (a lead, not a failure: a test that goes on after
  an unchecked failure sees its consequences).
N runs over every allocation up to --full-first, then every --stride-th one after it (which
one is rotated by --offset so repeated sweeps cover different ones).

    python3 -m harness.alloc_sweep [--quick] [--jobs 2] [--suite NAME[:STRIDE]]...
Last line "N passed, N failed" (one case per suite), as `make test`'s host tests print."""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional, Tuple

from . import hosted

GOT = re.compile(r"expected .* got (ZX_ERR_\w+|ZX_OK)")
STATS = re.compile(r"zc-hosted: alloc-stats status=(-?\d+) events=(\d+) injected=(\d+) "
                   r"heap-live=(\d+) frames-live=(\d+)")

# (suite, stride after the fully swept head) for the full sweep (`make alloc-sweep`) and the
# bounded one in `make test` (--quick, about 2 minutes on 2 cores). core-tests-2 makes ~180,000
# allocations at ~2 s a run (VMO and mapping tests), so even the full sweep strides it.
FULL = [("bin/foundation-test", 1), ("bin/core-tests", 1), ("bin/hostile-tests", 1),
        ("bin/core-tests-2", 64)]
QUICK = [("bin/foundation-test", 3), ("bin/hostile-tests", 61), ("bin/core-tests", 23)]
FULL_FIRST = 2000
QUICK_FIRST = 150


class Run:
    def __init__(self, n: Optional[int], rc: Optional[int], out: str, timed_out: bool):
        self.n, self.rc, self.out, self.timed_out = n, rc, out, timed_out
        m = STATS.search(out)
        self.stats = tuple(int(x) for x in m.groups()) if m else None


def run_one(binary: str, initrd: str, suite: str, n: Optional[int], timeout: float) -> Run:
    env = dict(os.environ, **hosted.SANITIZER_ENV, ZC_ALLOC_STATS="1")
    if n is not None:
        env["ZC_FAIL_ALLOC"] = str(n)
    cmd = [binary, "--initrd", initrd] + hosted.suite_args(suite)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           stdin=subprocess.DEVNULL, timeout=timeout)
        return Run(n, p.returncode, p.stdout.decode("utf-8", "replace"), False)
    except subprocess.TimeoutExpired as e:
        return Run(n, None, (e.stdout or b"").decode("utf-8", "replace"), True)


def problem(r: Run, base: Run) -> Optional[str]:
    if r.timed_out:
        return "hang (timeout)"
    if r.rc is None or r.rc < 0:
        return f"killed by signal {-r.rc if r.rc is not None else '?'}"
    if r.rc == hosted.SANITIZER_EXIT:
        return "sanitizer report"
    if r.rc == 126:
        return "kernel panic"
    if r.rc == 127:
        return "zc-hosted could not start"
    if r.stats is None:
        return f"exit status {r.rc} without the alloc-stats line"
    if r.stats[2] != 1:
        return f"{r.stats[2]} failures injected (expected 1)"
    # A failure may leave fewer (a process that never started keeps no page tables), never more.
    if r.stats[3] > base.stats[3] or r.stats[4] > base.stats[4]:
        return (f"leak: heap objects {r.stats[3]} (without a failure {base.stats[3]}), "
                f"frames {r.stats[4]} (without {base.stats[4]})")
    return None


def sweep(binary: str, initrd: str, suite: str, stride: int, first: int, offset: int,
          jobs: int, timeout: float, log_dir: str) -> Tuple[bool, str]:
    name = os.path.basename(suite)
    base = run_one(binary, initrd, suite, None, timeout)
    if base.stats is None or base.rc not in (0, 1):
        return False, f"{name}: the run without a failure ended badly (status {base.rc})"
    events = base.stats[1]
    ns = [n for n in range(events) if n < first or (n - first) % stride == offset % stride]
    bad: List[str] = []
    outcomes: Dict[int, int] = {}
    other: Dict[str, Tuple[int, int]] = {}  # status -> (runs, first N)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for r in ex.map(lambda n: run_one(binary, initrd, suite, n, timeout), ns):
            p = problem(r, base)
            if r.rc is not None:
                outcomes[r.rc] = outcomes.get(r.rc, 0) + 1
            for st in set(GOT.findall(r.out)) - {"ZX_ERR_NO_MEMORY"}:
                runs, n0 = other.get(st, (0, r.n))
                other[st] = (runs + 1, n0)
            if p:
                bad.append(f"  N={r.n}: {p}")
                log = os.path.join(log_dir, f"alloc-sweep-{name}-{r.n}.log")
                with open(log, "w") as f:
                    f.write(r.out)
    took = time.monotonic() - start
    ends = ", ".join(f"status {k}: {v}" for k, v in sorted(outcomes.items()))
    head = (f"{name}: {len(ns)} runs of {events} allocations (all of the first {min(first, events)}"
            f", then 1 in {stride}) in {took:.0f} s; {ends}; {len(bad)} bad")
    seen = "; ".join(f"{st} in {k} runs (first N={n0})" for st, (k, n0) in sorted(other.items()))
    lead = [f"  other statuses in failing expectations: {seen}"] if seen else []
    return not bad, "\n".join([head] + lead + bad[:50])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="alloc_sweep", description=__doc__.split("\n")[0])
    p.add_argument("--binary", default="build/hosted/zc-hosted")
    p.add_argument("--initrd", default="build/bootfs.cpio")
    p.add_argument("--quick", action="store_true", help="the bounded sweep of make test")
    p.add_argument("--suite", action="append", default=[], metavar="bin/NAME[:STRIDE]")
    p.add_argument("--first", type=int, default=None, help="allocations swept one by one first")
    p.add_argument("--offset", type=int, default=0, help="which of each stride's allocations")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    p.add_argument("--log-dir", default="build/test-logs")
    a = p.parse_args(argv)
    suites = [(s.split(":")[0], int(s.split(":")[1]) if ":" in s else 1) for s in a.suite] or \
        (QUICK if a.quick else FULL)
    first = a.first if a.first is not None else (QUICK_FIRST if a.quick else FULL_FIRST)
    os.makedirs(a.log_dir, exist_ok=True)
    passed = failed = 0
    for suite, stride in suites:
        case = f"AllocSweep.{os.path.basename(suite)}"
        print(f"[ RUN      ] {case}", flush=True)
        ok, text = sweep(a.binary, a.initrd, suite, stride, first, a.offset, a.jobs, a.timeout,
                         a.log_dir)
        print(text, flush=True)
        print(f"[{'       OK ' if ok else '  FAILED  '}] {case}", flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
