"""The regression gate: `make bench-check` and `make bench-reference` (docs/regressions.md).

    /usr/bin/python3 -m harness.benchcheck check      [--kernel K] [--initrd I] [--reference DIR]
    /usr/bin/python3 -m harness.benchcheck reference  [--kernel K] [--initrd I] [--reference DIR]

check: boots zc once in icount mode (QEMU `-icount shift=0,sleep=off,align=off`: guest time is
an instruction count, so a run repeats to the instruction) with `bin/zc-bench --runs RUNS
--filter SUBSET`, and compares each label's median with results/reference/. Fails (exit 1) when
any label grew by more than 3%, when a label of the reference is missing, or when zc cannot be
measured (exit 2). The fresh run is written as a run folder under build/bench-check/ so that
`harness compare results/reference build/bench-check/<run>` works on it.

reference: measures the subset twice, checks that the two agree (icount should repeat exactly;
more than 0.5% apart on a label means that label is not stable enough for a 3% gate), and writes
results/reference/ (meta.json, zc.fuchsiaperf.json, zc.log). Commit it with a message that says
why the reference moved."""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from typing import Dict, List, Optional

from . import perfdata, qemu
from .perfdata import RunError

ROOT = perfdata.ROOT
REFERENCE_DIR = os.path.join(ROOT, "results", "reference")
WORK_DIR = os.path.join(ROOT, "build", "bench-check")
PROGRAM = "bin/zc-bench"
MODE = "icount"
# The gate's subset: one or two labels of each family that exercises a different kernel path.
# POSIX ERE (zc-bench's own engine: no \d); steps (Label.step) come with their test.
SUBSET = ("^(Syscall/(Null|ManyArgs)"
          "|Limit/Memcpy/128kbytes"
          "|Vmo/(Read|Write)/(128|2048)kbytes"
          "|Vmo/Clone/(128|2048)kbytes"
          "|Vmo/CloneMap/128kbytes"
          "|VmoMap/(Read|Write)/128kbytes"
          "|Channel/WriteRead/(64|65536)bytes/[01]handles"
          "|HandleCreate_(Vmo|Event|Channel|Thread)"
          "|Event/(Signal|Duplicate|WaitForAlreadySignaledEvent)"
          "|Port/QueueWait"
          "|ObjectWaitAsync"
          "|Socket/WriteRead/(64|65536)bytes"
          "|Fifo/WriteRead/16bytes_1batch"
          "|RoundTrip_(Futex_SingleProcess|BasicChannel_(Single|Multi)Process|Port_SingleProcess)"
          "|Thread/CreateAndJoin"
          "|Mmu/MapUnmap"
          ")($|\\.)")
RUNS = 20
THRESHOLD_PCT = 3.0
STABLE_PCT = 0.5          # bench-reference: two measurements must agree this closely
TIMEOUT = 600.0

MARK_BEGIN = "==== fuchsiaperf begin ===="
MARK_END = "==== fuchsiaperf end ===="


class MeasureError(Exception):
    """zc could not be measured (build, boot, benchmark program or its output)."""


def ere_escape(label: str) -> str:
    """A label as a POSIX extended regex matching exactly that text."""
    return re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", label)


def _extract(log_text: str, source: str) -> Dict[str, List[float]]:
    """The fuchsiaperf results in a serial log: harness/bench.py's parser when it is there."""
    try:
        from . import bench
        entries = bench.extract_results(log_text, source)
        out: Dict[str, List[float]] = {}
        for e in entries:
            out.setdefault(e.label, []).extend(e.values)
        return out
    except ImportError:
        pass
    except Exception as e:  # bench.BenchError: its message says what is wrong
        if type(e).__name__ == "BenchError":
            raise MeasureError(str(e)) from None
        raise
    lines = log_text.replace("\r", "").split("\n")
    begins = [i for i, ln in enumerate(lines) if ln.strip() == MARK_BEGIN]
    if not begins:
        raise MeasureError(f"{source}: no '{MARK_BEGIN}' line: the benchmark did not finish")
    body = []
    for ln in lines[begins[-1] + 1:]:
        if ln.strip() == MARK_END:
            break
        body.append(ln)
    else:
        raise MeasureError(f"{source}: the fuchsiaperf JSON is cut off")
    try:
        return perfdata.parse_fuchsiaperf(json.loads("\n".join(body)), source)
    except (json.JSONDecodeError, RunError) as e:
        raise MeasureError(f"{source}: malformed fuchsiaperf JSON: {e}") from None


def bench_cmdline(flt: str, runs: int, program: str = PROGRAM) -> str:
    return f"init={program} --runs {runs} --filter {flt} --quiet --out -"


def measure(kernel: str, initrd: str, flt: str, runs: int, mode: str = MODE,
            timeout: float = TIMEOUT, log_path: Optional[str] = None,
            program: str = PROGRAM, qemu_binary: Optional[str] = None,
            echo=None) -> Dict[str, List[float]]:
    """Boot zc once running the benchmark program; {label: values in ns}."""
    cmdline = bench_cmdline(flt, runs, program)
    try:
        res = qemu.boot(kernel, initrd, cmdline, mode=mode, timeout=timeout, log_path=log_path,
                        qemu=qemu_binary, echo=echo)
    except qemu.HarnessError as e:
        raise MeasureError(str(e)) from None
    if res.outcome != "exited" or res.status != 0:
        tail = "\n".join(res.log_text.rstrip().split("\n")[-8:])
        raise MeasureError(f"{res.verdict()}\n  command line: {cmdline}\n  last lines:\n{tail}")
    results = _extract(res.log_text, log_path or "serial log")
    if not results:
        raise MeasureError(f"no results for filter '{flt}'")
    return results


def tool_versions() -> dict:
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=30).stdout.split("\n")[0].strip() or None
        except (OSError, subprocess.TimeoutExpired):
            return None
    return {"qemu_version": first_line([qemu.find_qemu(), "--version"]),
            "gcc_version": first_line([os.environ.get("CC") or "gcc", "--version"])}


def git(*args) -> Optional[str]:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def write_run(dest: str, results: Dict[str, List[float]], log_text: Optional[str],
              extra: dict) -> None:
    os.makedirs(dest, exist_ok=True)
    data = [{"label": l, "test_suite": "fuchsia.microbenchmarks", "unit": "nanoseconds",
             "values": v} for l, v in results.items()]
    with open(os.path.join(dest, perfdata.ZC_FILE), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    status = git("status", "--porcelain", "--untracked-files=no")
    meta = {"commit": git("rev-parse", "--short", "HEAD") or "nocommit",
            "commit_subject": git("log", "-1", "--format=%s"),
            "dirty": bool(status) if status is not None else None, "mode": MODE,
            "quick": True,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "qemu_cpu": "-cpu max", "machine": qemu.MACHINE, "memory": qemu.DEFAULT_MEMORY,
            "host_cpu": platform.processor() or platform.machine(),
            "host_cores": os.cpu_count(),
            "zc_runs": {l: len(v) for l, v in results.items()}}
    meta.update(tool_versions())
    meta.update(extra)
    with open(os.path.join(dest, perfdata.META_FILE), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    if log_text is not None:
        with open(os.path.join(dest, "zc.log"), "w") as f:
            f.write(log_text)


def compare_to_reference(ref: Dict[str, List[float]], new: Dict[str, List[float]],
                         threshold_pct: float = THRESHOLD_PCT):
    """(rows, failures): rows = (label, ref median, new median, change %, status)."""
    rows, failures = [], []
    for label, values in ref.items():
        r = perfdata.median(values)
        if label not in new:
            rows.append((label, r, None, None, "MISSING"))
            failures.append(f"{label}: not measured (in the reference, not in this run)")
            continue
        n = perfdata.median(new[label])
        change = (n / r - 1.0) * 100.0 if r else 0.0
        status = "ok"
        if change > threshold_pct + 1e-9:
            status = "SLOWER"
            failures.append(f"{label}: {change:+.2f}% ({r:.0f} -> {n:.0f} ns)")
        elif change < -threshold_pct - 1e-9:
            status = "faster"
        rows.append((label, r, n, change, status))
    for label in new:
        if label not in ref:
            rows.append((label, None, perfdata.median(new[label]), None, "new"))
    return rows, failures


def _fmt(v):
    return "" if v is None else f"{v:.0f}"


def print_rows(rows, out=sys.stdout):
    width = max([len("label")] + [len(r[0]) for r in rows])
    out.write(f"{'label':<{width}}  {'reference':>12}  {'now':>12}  {'change':>8}  status\n")
    for label, r, n, ch, st in rows:
        chs = "" if ch is None else f"{ch:+.2f}%"
        out.write(f"{label:<{width}}  {_fmt(r):>12}  {_fmt(n):>12}  {chs:>8}  {st}\n")


def load_reference(ref_dir: str):
    if not os.path.isdir(ref_dir):
        raise RunError(f"{ref_dir}: no reference yet; record one with `make bench-reference` "
                       "and commit it")
    run = perfdata.load_run(ref_dir, need_zc=True)
    return run


def run_check(a) -> int:
    try:
        ref = load_reference(a.reference)
    except RunError as e:
        print(f"bench-check: error: {e}", file=sys.stderr)
        return 2
    flt = ref.meta.get("filter", a.filter)
    runs = int(ref.meta.get("runs", a.runs))
    if flt != a.filter or runs != a.runs:
        print(f"bench-check: note: the reference was recorded with filter {flt} and --runs "
              f"{runs}; using those (harness/benchcheck.py now says {a.filter}, --runs {a.runs}:"
              " refresh with `make bench-reference`)")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    commit = git("rev-parse", "--short", "HEAD") or "nocommit"
    dest = os.path.join(a.work_dir, f"{stamp}-{commit}-{MODE}")
    os.makedirs(dest, exist_ok=True)
    log = os.path.join(dest, "zc.log")
    print(f"bench-check: {MODE} run of {flt} (--runs {runs}) against "
          f"{os.path.relpath(a.reference, ROOT)} (threshold {a.threshold:g}%)")
    sys.stdout.flush()
    try:
        new = measure(a.kernel, a.initrd, flt, runs, timeout=a.timeout, log_path=log,
                      qemu_binary=a.qemu)
    except MeasureError as e:
        print(f"bench-check: error: zc could not be measured: {e}", file=sys.stderr)
        return 2
    write_run(dest, new, None, {"filter": flt, "runs": runs})
    rows, failures = compare_to_reference(ref.zc, new, a.threshold)
    print_rows(rows)
    versions = tool_versions()
    for k, v in versions.items():
        if ref.meta.get(k) and v and ref.meta[k] != v:
            print(f"bench-check: note: {k} differs from the reference's ({ref.meta[k]!r} there, "
                  f"{v!r} here): instruction counts may move")
    print(f"bench-check: run folder {os.path.relpath(dest, ROOT)}")
    if failures:
        print(f"bench-check: FAIL: {len(failures)} of {len(ref.zc)} labels regressed by more "
              f"than {a.threshold:g}% (or are missing):")
        for f in failures:
            print(f"  {f}")
        print("bench-check: find the commit with `make bisect GOOD=<rev> BAD=HEAD BENCH=<label>`;"
              " if the change is intended, `make bench-reference` and commit results/reference/ "
              "saying why")
        return 1
    faster = [r[0] for r in rows if r[4] == "faster"]
    if faster:
        print(f"bench-check: note: {len(faster)} labels are more than {a.threshold:g}% faster "
              "than the reference; `make bench-reference` (and commit it) keeps the gate tight")
    print(f"bench-check: ok: {len(ref.zc)} labels within {a.threshold:g}% of the reference")
    return 0


def run_reference(a) -> int:
    os.makedirs(a.work_dir, exist_ok=True)
    measurements, logs = [], []
    for i in (1, 2):
        log = os.path.join(a.work_dir, f"reference-{i}.log")
        print(f"bench-reference: {MODE} run {i}/2 of {a.filter} (--runs {a.runs})")
        sys.stdout.flush()
        try:
            measurements.append(measure(a.kernel, a.initrd, a.filter, a.runs,
                                        timeout=a.timeout, log_path=log, qemu_binary=a.qemu))
        except MeasureError as e:
            print(f"bench-reference: error: zc could not be measured: {e}", file=sys.stderr)
            return 2
        with open(log) as f:
            logs.append(f.read())
    first, second = measurements
    spread = {}
    unstable = []
    for label in first:
        if label not in second:
            unstable.append(f"{label}: missing in the second run")
            continue
        x, y = perfdata.median(first[label]), perfdata.median(second[label])
        spread[label] = abs(x - y) / max(x, y) * 100.0 if max(x, y) else 0.0
        if spread[label] > STABLE_PCT:
            unstable.append(f"{label}: {x:.0f} vs {y:.0f} ns ({spread[label]:.2f}% apart)")
    worst = max(spread.values()) if spread else 0.0
    print(f"bench-reference: {len(first)} labels; the two runs differ by at most {worst:.3f}%")
    if unstable and not a.force:
        print(f"bench-reference: error: not stable enough for a {THRESHOLD_PCT:g}% gate "
              f"(more than {STABLE_PCT:g}% apart):", file=sys.stderr)
        for u in unstable:
            print(f"  {u}", file=sys.stderr)
        print("  (take these labels out of SUBSET in harness/benchcheck.py, or --force)",
              file=sys.stderr)
        return 1
    if os.path.isdir(a.reference):
        for f in os.listdir(a.reference):
            os.unlink(os.path.join(a.reference, f))
    write_run(a.reference, first, logs[0],
              {"filter": a.filter, "runs": a.runs, "threshold_pct": THRESHOLD_PCT,
               "max_spread_pct": round(worst, 4)})
    print_rows([(l, None, perfdata.median(v), None, "recorded") for l, v in first.items()])
    print(f"bench-reference: wrote {os.path.relpath(a.reference, ROOT)}/; commit it with a "
          "message that says why the reference moved")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="harness.benchcheck",
                                description="icount regression gate against results/reference")
    p.add_argument("command", choices=("check", "reference"))
    p.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel", "zc.elf"))
    p.add_argument("--initrd", default=os.path.join(ROOT, "build", "bootfs.cpio"))
    p.add_argument("--reference", default=REFERENCE_DIR)
    p.add_argument("--work-dir", default=WORK_DIR)
    p.add_argument("--filter", default=SUBSET, help="the subset (POSIX ERE; %(default)s)")
    p.add_argument("--runs", type=int, default=RUNS, help="runs per test (%(default)s)")
    p.add_argument("--threshold", type=float, default=THRESHOLD_PCT,
                   help="fail above this growth in %% (%(default)s)")
    p.add_argument("--timeout", type=float, default=TIMEOUT)
    p.add_argument("--qemu", default=None)
    p.add_argument("--force", action="store_true",
                   help="reference: write it even when the two runs disagree")
    return p


def main(argv=None) -> int:
    a = parser().parse_args(argv)
    try:
        return run_check(a) if a.command == "check" else run_reference(a)
    except KeyboardInterrupt:
        print("bench-check: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
