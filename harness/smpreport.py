"""The "SMP scaling" section of a bench report (docs/smp.md, "Benchmarks").

`SMP/Scale/<work>/<N>threads` times one run of N threads each doing SCALE_OPS operations of
<work> on its own objects, from the start signal until the last thread has finished (the same
protocol on zc and on Linux: microbenchmarks/zircon/smp.c, microbenchmarks/linux/bench_smp.c).
A run of t ns is N x SCALE_OPS / t operations per second across the threads. Per work and
system the section gives that throughput with 1 thread and with as many threads as the run has
CPUs, and the speed-up (throughput at N over throughput at 1 = N x t(1) / t(N)), each with its
95% bootstrap interval (harness/stats.py: boots, then runs). The labels exist only when the
guest has more than one CPU, so a one-CPU run has no such section.
"""

import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from . import stats

# Operations per thread and run: SMP_SCALE_OPS of both benchmark programs (a test checks that
# the three agree). A run folder records the count it was measured with (meta.json
# "smp_scale_ops"); folders from before it was recorded used LEGACY_SCALE_OPS.
SCALE_OPS = 2000
LEGACY_SCALE_OPS = 200
SCALE = re.compile(r"^SMP/Scale/([A-Za-z]+)/(\d+)threads$")
CSV_COLUMNS = ["work", "system", "cpus", "threads", "run_ns", "ops_per_s", "ops_per_s_ci_low",
               "ops_per_s_ci_high", "ns_per_op", "speedup", "speedup_ci_low",
               "speedup_ci_high", "ops_per_thread"]


def scale_labels(labels) -> Dict[str, Dict[int, str]]:
    """{work: {threads: label}} of the SMP/Scale labels among `labels`, works in first-seen
    order."""
    out: Dict[str, Dict[int, str]] = {}
    for label in labels:
        m = SCALE.match(label)
        if m:
            out.setdefault(m.group(1), {})[int(m.group(2))] = label
    return out


def throughput(threads: int, est: stats.Estimate, ops_per_thread: int = SCALE_OPS) -> Tuple[float, float, float]:
    """Operations per second across the threads, with its interval, from a run-time estimate."""
    ops = threads * ops_per_thread * 1e9
    return ops / est.value, ops / est.high, ops / est.low


def speedup(threads: int, one: stats.Estimate, n: stats.Estimate) -> Optional[Tuple[float, float, float]]:
    """Throughput with `threads` threads over throughput with 1: threads x t(1) / t(N)."""
    r = stats.ratio(one, n)
    return (threads * r[0], threads * r[1], threads * r[2]) if r else None


def scaling_records(estimate: Callable[[str, str], Optional[stats.Estimate]],
                    systems: Sequence[str], labels, cpus: int, ops_per_thread: int = SCALE_OPS) -> List[dict]:
    """One record per (work, system, thread count) measured: run time, throughput and the
    speed-up over 1 thread, with intervals. `estimate(system, label)` gives a label's run-time
    estimate (None when the system did not measure it); `ops_per_thread` is the count the run
    was measured with."""
    recs = []
    for work, by_n in scale_labels(labels).items():
        for system in systems:
            one = estimate(system, by_n[1]) if 1 in by_n else None
            for n in sorted(by_n):
                est = estimate(system, by_n[n])
                if est is None:
                    continue
                t = throughput(n, est, ops_per_thread)
                s = speedup(n, one, est) if one else None
                recs.append({"work": work, "system": system, "cpus": cpus, "threads": n,
                             "run_ns": est.value, "ops_per_s": t[0], "ops_per_s_ci_low": t[1],
                             "ops_per_s_ci_high": t[2], "ns_per_op": est.value / (n * ops_per_thread),
                             "speedup": s[0] if s else None,
                             "speedup_ci_low": s[1] if s else None,
                             "speedup_ci_high": s[2] if s else None,
                             "ops_per_thread": ops_per_thread})
    return recs


def _ops(x: float) -> str:
    return f"{x / 1e3:.0f}k" if x < 1e6 else f"{x / 1e6:.2f}M"


def section(records: List[dict], cpus: int, mode: str,
            table: Callable[[List[str], List[List[str]]], str]) -> str:
    """The report's text: per work a table (made by `table(headers, rows)`) of each system's
    throughput at 1 thread and at the CPU count (or the most threads measured), and the
    speed-up, with 95% intervals."""
    if not records:
        return ""
    out = [f"\n== SMP scaling ({mode}, {cpus} CPUs): SMP/Scale/<work>/<N>threads, N threads "
           f"pinned one per CPU, each doing {records[0]['ops_per_thread']} operations on its own objects per run; "
           "throughput = N x ops / run time (operations per second across the threads), "
           "ns/op = run time / (N x ops), "
           "speed-up = throughput at N / throughput at 1 (N when it scales perfectly, 1 when "
           "the threads share one CPU); [95% interval]\n"]
    works = list(dict.fromkeys(r["work"] for r in records))
    for work in works:
        rows = []
        for system in dict.fromkeys(r["system"] for r in records if r["work"] == work):
            mine = {r["threads"]: r for r in records if r["work"] == work and r["system"] == system}
            top = max(mine)
            one, n = mine.get(1), mine[top]

            def tp(r):
                return (f"{_ops(r['ops_per_s'])} [{_ops(r['ops_per_s_ci_low'])}, "
                        f"{_ops(r['ops_per_s_ci_high'])}]") if r else "-"
            sp = (f"{n['speedup']:.2f} [{n['speedup_ci_low']:.2f}, {n['speedup_ci_high']:.2f}]"
                  if n["speedup"] is not None else "-")
            rows.append([system, tp(one), str(top), tp(n), f"{n['ns_per_op']:.0f}", sp])
        out.append(f"{work}:\n")
        out.append(table(["system", "ops/s, 1 thread", "N", "ops/s, N threads", "ns/op at N",
                           "speed-up N/1"], rows))
    return "".join(out)


def csv_rows(records: List[dict]) -> List[dict]:
    """smp_scaling.csv's rows: the records with their figures formatted."""
    def fmt(v, digits):
        return "" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))
    return [{k: fmt(r[k], 3 if k.startswith("speedup") else 1) for k in CSV_COLUMNS}
            for r in records]
