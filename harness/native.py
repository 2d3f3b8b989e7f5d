"""The native systems of `make bench` (issue 16, docs/bench.md "Native on the host"):

- `zc-hosted`: the same kernel and the same bin/zc-bench as the in-guest run, as one Linux
  process (hal/hosted, build/hosted/zc-hosted), timed on the host CPU with no emulator;
- `linux-host`: the same Linux benchmark program the Linux peer boots as /init
  (build/linux/bench/linux-bench), run as an ordinary process of the host's own Linux.

Both run with the same options, alternating (zc-hosted, linux-host, zc-hosted, ...) like the
guests' boots. Their figures are real nanoseconds on this machine, but of a kernel inside a
Linux process (a system call is a SIGSYS delivery and return through the host kernel): they are written
to their own files (`zc-hosted.fuchsiaperf.json`, `linux-host.fuchsiaperf.json`,
`native-summary.csv`, boots/ and logs) and their own report section, and are never mixed into
the in-guest comparison or its verdict.
"""

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from . import bench, smpreport

DEFAULT_BINARIES = {"zc-hosted": "build/hosted/zc-hosted",
                    "linux-host": "build/linux/bench/linux-bench"}
BUILD_HINT = {"zc-hosted": "make hosted", "linux-host": "make linux-bench"}
SUMMARY_FILE = "native-summary.csv"
# The figures issue 16 asks for, in this order (Vmo/Read also against each side's memcpy).
KEY_LABELS = ("Syscall/Null", "Channel/WriteRead/64bytes/0handles", "Event/Signal",
              "Port/QueueWait", "Vmo/Read/2048kbytes", "Limit/Memcpy/2048kbytes")
VULNERABILITIES = "/sys/devices/system/cpu/vulnerabilities"


@dataclass
class NativeRun:
    system: str
    entries: List["bench.Entry"] = field(default_factory=list)
    error: Optional[str] = None
    seconds: float = 0.0
    status: Optional[int] = None
    no_match: bool = False


def command(system: str, binary: str, initrd: str, options: Sequence[str]) -> List[str]:
    """The command line of one run: zc-hosted takes the kernel's command line (init=... and
    the program's arguments), the Linux program its options directly."""
    if system == "zc-hosted":
        return [binary, "--initrd", initrd, "init=bin/zc-bench", *options]
    return [binary, *options]


def check_binaries(systems: Sequence[str], binaries: Dict[str, str], initrd: str):
    """A clear error, before anything runs, for a binary that is not built."""
    for s in systems:
        b = binaries[s]
        if not (os.path.isfile(b) and os.access(b, os.X_OK)):
            raise bench.BenchError(f"{s}: {b} not found or not executable (build it with "
                                   f"`{BUILD_HINT[s]}`)", 2)
    if "zc-hosted" in systems and not os.path.isfile(initrd):
        raise bench.BenchError(f"zc-hosted: bootfs {initrd} not found (build it with `make`)", 2)


def run_one(system: str, argv: List[str], log_path: str, timeout: float) -> NativeRun:
    """Run one native process to its end, its output in log_path; the results or why not."""
    run = NativeRun(system)
    start = time.monotonic()
    with open(log_path, "w") as log:
        try:
            p = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            run.status = p.returncode
        except subprocess.TimeoutExpired:
            run.error = f"{system} did not finish in {timeout:g} s (killed)"
        except OSError as e:
            run.error = f"{system}: cannot run {argv[0]}: {e}"
    run.seconds = time.monotonic() - start
    with open(log_path, errors="replace") as f:
        text = f.read()
    if run.status == 2 and bench.NO_MATCH.search(text):
        run.no_match = True     # the filter selects nothing this program has: no results
        return run
    if run.error is None and run.status != 0:
        tail = bench.guest_message(text, 6)
        run.error = f"{system} exited with status {run.status}" + (f": {tail}" if tail else "")
    if run.error is None:
        try:
            run.entries = bench.extract_results(text, os.path.basename(log_path))
        except bench.BenchError as e:
            run.error = f"{system}: {e}"
    return run


def host_linux() -> dict:
    """What the host's Linux is: release, CPU, whether it is itself a virtual machine, and its
    speculation mitigations (the linux-host figures pay for them; zc-hosted's calls cross the
    same host kernel twice per call)."""
    mitigations = {}
    if os.path.isdir(VULNERABILITIES):
        for n in sorted(os.listdir(VULNERABILITIES)):
            try:
                with open(os.path.join(VULNERABILITIES, n)) as f:
                    mitigations[n] = f.read().strip()
            except OSError:
                pass
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((ln for ln in f if ln.startswith("flags")), "")
    except OSError:
        pass
    return {"release": os.uname().release, "cpu": bench.host_cpu(), "cores": os.cpu_count(),
            "virtual_machine": " hypervisor" in flags, "mitigations": mitigations}


def native_pass(systems: Sequence[str], binaries: Dict[str, str], initrd: str,
                options: Sequence[str], n_runs: int, timeout: float, work: str, dest: str,
                out) -> Tuple[str, dict, List[str]]:
    """Run the native systems n_runs times each, alternating; write their files into dest.
    Returns the report section, the meta.json entry and the errors (empty when all ran)."""
    per_run: Dict[str, List[List[bench.Entry]]] = {s: [] for s in systems}
    runs: Dict[str, List[NativeRun]] = {s: [] for s in systems}
    for r, s in [(r, s) for r in range(n_runs) for s in systems]:
        if runs[s] and (runs[s][0].error or runs[s][0].no_match):
            continue    # a system that failed is not run again
        argv = command(s, binaries[s], initrd, options)
        out.write(f"bench: native: running {s}"
                  f"{'' if n_runs == 1 else f' ({r + 1}/{n_runs})'}: {' '.join(argv)}\n")
        out.flush()
        g = run_one(s, argv, os.path.join(work, bench.boot_log_name(s, r)), timeout)
        runs[s].append(g)
        out.write(f"bench: native: {s}: " + (f"FAILED: {g.error}" if g.error else
                                              "no benchmark matches the filter here"
                                              if g.no_match else f"{len(g.entries)} results") +
                  f" in {g.seconds:.1f} s\n")
        if g.entries:
            per_run[s].append(g.entries)
    errors = [g.error for s in systems for g in runs[s] if g.error]

    for s in systems:
        if per_run[s]:
            bench.write_fuchsiaperf(os.path.join(dest, f"{s}.fuchsiaperf.json"),
                                    bench.to_json(bench.merge_boots(per_run[s]), bench.SUITES[s]))
        log = os.path.join(work, f"{s}.log")
        if os.path.exists(log):
            shutil.copyfile(log, os.path.join(dest, f"{s}.log"))
    if n_runs > 1:
        bench.write_boots(dest, work, per_run, systems, n_runs)

    host = host_linux()
    rows = []
    if len(systems) == 2 and all(per_run[s] for s in systems):
        rows = summary(per_run)
        bench.write_summary_csv(os.path.join(dest, SUMMARY_FILE), rows)
    meta = {"systems": list(systems), "runs": {s: len(per_run[s]) for s in systems},
            "binaries": {s: binaries[s] for s in systems},
            "commands": {s: command(s, binaries[s], initrd, options) for s in systems},
            "seconds": {s: round(sum(g.seconds for g in runs[s]), 1) for s in systems},
            "host_linux": host, "summary": SUMMARY_FILE if rows else None,
            "errors": errors}
    return section(rows, host, per_run, errors), meta, errors


def summary(per_run: Dict[str, List[List["bench.Entry"]]]) -> List[dict]:
    """summary.csv's rows for the native pair: its `zc` columns are zc-hosted, its `linux`
    columns the host's Linux (no baseline, no mitigations=off peer)."""
    boots = {"zc": [bench.as_dict(e) for e in per_run["zc-hosted"]],
             "linux": [bench.as_dict(e) for e in per_run["linux-host"]]}
    return bench.summary_rows(bench.merge_boots(per_run["zc-hosted"]),
                              bench.merge_boots(per_run["linux-host"]), {}, boots)


def _says(lo: str, hi: str) -> str:
    if not lo or not hi:
        return ""
    return "faster" if float(hi) < 1 else "slower" if float(lo) > 1 else "inconclusive"


def section(rows: List[dict], host: dict, per_run: Dict[str, List[List["bench.Entry"]]], errors: List[str],
            scale_ops: int = smpreport.SCALE_OPS) -> str:
    """The report's native section (with the SMP scaling of the systems that measured it: the
    host's CPUs, not the guests'; `scale_ops`: the run's operations per thread)."""
    scaling = bench.smp_records([], [], {s: [bench.as_dict(e) for e in v] for s, v in
                                         per_run.items()}, host.get("cores"), list(per_run), scale_ops)
    scaling_text = smpreport.section(scaling, host.get("cores"), "native", bench.table)
    runs = ", ".join(f"{s} {len(v)}" for s, v in per_run.items())
    vm = " (itself a virtual machine)" if host.get("virtual_machine") else ""
    text = [f"\n== native on this host, not emulated (zc-hosted = zc as a Linux process, "
            f"hal/hosted; linux-host = the same Linux benchmarks as a process of the host's "
            f"Linux {host['release']}{vm}, {host['cpu']}, {host['cores']} cores); runs: {runs}; "
            "NOT part of the in-guest comparison or its verdict\n"]
    if errors:
        text += [f"native: FAILED: {e}\n" for e in errors]
    if not rows:
        text.append("(no native comparison: both native systems are needed)\n")
        return "".join(text) + scaling_text
    by_label = {r["label"]: r for r in rows}
    key = []
    shown = [l for k in KEY_LABELS for l in ([k] if k in by_label else
                                             [x for x in by_label if x.startswith(k + ".")])]
    for label in shown:
        r = by_label[label]
        lim = (f"{float(r['zc_over_limit']):.2f} [{float(r['zc_over_limit_ci_low']):.2f}, "
               f"{float(r['zc_over_limit_ci_high']):.2f}] x own memcpy"
               if r.get("zc_over_limit") and r.get("limit_label", "").startswith("Limit/Memcpy")
               else "")
        key.append([label, r["zc_median_ns"],
                    _ns_interval(_floats(r, "zc_ci_low_ns", "zc_ci_high_ns")),
                    r["linux_median_ns"],
                    _ns_interval(_floats(r, "linux_ci_low_ns", "linux_ci_high_ns")),
                    r["zc_over_linux"],
                    bench.fmt_interval(_floats(r, "zc_over_linux_ci_low",
                                               "zc_over_linux_ci_high")), lim])
    text.append(bench.table(["label", "zc-hosted ns", "95% CI", "linux-host ns", "95% CI",
                             "zc/linux", "95% CI", "zc-hosted copy"], key, left=(0, 7)))
    equal = [r for r in rows if r.get("zc_over_linux") and r.get("equal_work") != "no"]
    counts = {"faster": 0, "slower": 0, "inconclusive": 0}
    for r in equal:
        s = _says(r["zc_over_linux_ci_low"], r["zc_over_linux_ci_high"])
        if s:
            counts[s] += 1
    text.append(f"all {len(rows)} labels in {SUMMARY_FILE} (its zc columns are zc-hosted, its "
                f"linux columns the host's Linux); of {len(equal)} equal-work labels on both, "
                f"zc-hosted is faster on {counts['faster']}, slower on {counts['slower']}, "
                f"inconclusive on {counts['inconclusive']} (95% intervals). A zc-hosted system "
                "call is a host signal delivery (SIGSYS) and its return: "
                "docs/hosted.md.\n")
    return "".join(text) + scaling_text


def _ns_interval(ci: Optional[List[float]]) -> str:
    return f"[{bench.fmt_ns(ci[0])}, {bench.fmt_ns(ci[1])}]" if ci else "-"


def _floats(r: dict, lo: str, hi: str) -> Optional[List[float]]:
    return [float(r[lo]), float(r[hi])] if r.get(lo) and r.get(hi) else None


def recorded_section(run_dir: str, meta: dict) -> str:
    """The native section of a recorded run (`--report`), from its raw files; "" without one."""
    systems = [s for s in bench.NATIVE_SYSTEMS
               if os.path.exists(os.path.join(run_dir, f"{s}.fuchsiaperf.json"))]
    if not systems:
        return ""
    per_run = {s: [list(b.values()) for b in bench.load_boots(run_dir, s)] for s in systems}
    rows = summary(per_run) if len(systems) == 2 else []
    nm = meta.get("native") or {}
    host = nm.get("host_linux") or {"release": "?", "cpu": "?", "cores": "?"}
    return section(rows, host, per_run, nm.get("errors") or [],
                   meta.get("smp_scale_ops", smpreport.LEGACY_SCALE_OPS))
