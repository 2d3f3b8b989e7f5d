"""`make bench`: the Fuchsia microbenchmarks on zc and on Linux, in one run (docs/bench.md).

Boots zc with `init=bin/zc-bench <options>`, then the Linux peer (Debian's stock cloud kernel with
an initramfs whose /init is microbenchmarks/linux) with the same options, in the same QEMU mode
and machine (harness/qemu.py: q35, `-cpu max`, one CPU). Streams progress, extracts the
fuchsiaperf JSON between the markers of docs/results.md from each serial log, writes
results/runs/<YYYYMMDD-HHMMSS>-<short commit>-<mode>/ and prints the report: perftest's table
for zc, zc vs Linux, zc vs limits, zc vs the 2020 Zircon/zCore figures, and the verdict.

    /usr/bin/python3 -m harness.bench [--mode auto|kvm|tcg|icount] [--quick] [--filter REGEX]
    /usr/bin/python3 -m harness.bench --report RUN_DIR     # the report of a recorded run

Exit status: 0 when both guests ran and reported (whatever the verdict), 1 when a guest failed
(the run folder is still written when zc reported), 2 for bad arguments (unknown mode, a filter
that matches nothing, ...; nothing is written under results/).
"""

import argparse
import csv
import datetime
import io
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from . import analogues, native, perftargets, qemu, smpreport, stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "results", "baselines", "zircon-zcore-2020.csv")

MARK_BEGIN = "==== fuchsiaperf begin ===="
MARK_END = "==== fuchsiaperf end ===="
PROGRESS = re.compile(r"^bench: \[(\d+)/(\d+)\]\s+(\S+)")
LINUX_EXIT = re.compile(r"^linux-bench: exit status (-?\d+)\s*$", re.M)
# perftest_main's words for a filter that selects nothing (exit status 2).
NO_MATCH = re.compile(r"matches no test|no tests to run")
FAILED_TEST = re.compile(r"^bench: FAILED (\S+): (.*)$", re.M)
# Lines another writer may interleave with the JSON: kernel messages (printk with a timestamp,
# zc's own `zc: ...`). Dropped from the block only when it does not parse as it is.
NOISE = re.compile(r"^(\[\s*\d+\.\d+\]|zc: |<\d>)")

UNIT_NS = {"nanoseconds": 1.0, "ns": 1.0, "microseconds": 1e3, "us": 1e3,
           "milliseconds": 1e6, "ms": 1e6, "seconds": 1e9, "s": 1e9}

# linux_nomit: the same Linux peer booted with mitigations=off, the like-for-like peer of a
# kernel without speculation mitigations (zc has none); "linux" is the kernel as shipped.
SYSTEMS = ("zc", "linux", "linux_nomit")
# Run natively on the host, beside the guests and never in their verdict (harness/native.py).
NATIVE_SYSTEMS = ("zc-hosted", "linux-host")
SUITES = {"zc": "fuchsia.microbenchmarks", "linux": "linux.microbenchmarks",
          "linux_nomit": "linux.microbenchmarks",
          "zc-hosted": "fuchsia.microbenchmarks", "linux-host": "linux.microbenchmarks"}
LINUX_CMDLINE = {"linux": "console=ttyS0 quiet panic=-1",
                 "linux_nomit": "console=ttyS0 quiet panic=-1 mitigations=off"}
ZC_MITIGATIONS = {"(all)": "none: zc has no speculation mitigations (no PTI, retpolines, IBRS, "
                           "verw or RSB filling)"}
VULNERABILITY = re.compile(r"^linux-bench: vulnerability (\S+): (.*?)\s*$", re.M)

# --- what a run measures ------------------------------------------------------------------------
# Full run: adaptive run counts; QUICK: the labels the verdict needs plus one of each family,
# fewer runs. The budget is guest time per test (under TCG that is close to wall time).
# Measured here (2 cores, TCG): `make bench` from a clean clone 2.5-3 minutes (zc ~40 s, Linux
# ~80 s, the rest build and kernel download); most tests stop at 1000 runs (perftest's default
# count), the slow ones (2 MiB copies and maps on Linux) at the 3 s budget with 300+ runs.
# More runs would mostly grow the run folders (~3 MB of JSON per system now), not the precision:
# under TCG the spread between boots is larger than within one. QUICK: ~15 s after a build.
FULL_OPTIONS = ["--min-runs", "20", "--max-runs", "1000", "--budget-ms", "3000"]
QUICK_OPTIONS = ["--min-runs", "10", "--max-runs", "500", "--budget-ms", "300"]
# POSIX ERE (the guests' own engine: no \d).
QUICK_FILTER = ("^(Syscall/Null"
                "|Limit/Memcpy/(128|512|2048)kbytes"
                "|Vmo/(Read|Write)/[0-9]+kbytes"
                "|Vmo/Clone/(128|2048)kbytes"
                "|VmoMap/(Read|Write)/128kbytes"
                "|Channel/WriteRead/[0-9]+bytes/[01]handles"
                "|HandleCreate_(Vmo|Event)"
                "|Event/(Signal|Duplicate)"
                "|Port/QueueWait"
                "|Socket/WriteRead/(64|65536)bytes"
                "|RoundTrip_(Futex|BasicChannel)_SingleProcess"
                "|Thread/CreateAndJoin"
                "|Mmu/MapUnmap"
                "|Pager/(SupplyPages|FaultRoundTrip)/(4|64)k"
                "|SMP/.*"   # registered only with more than one CPU (docs/smp.md)
                ")$")
DEFAULT_TIMEOUT = {False: 780.0, True: 170.0}   # per boot, full / quick
# Boots per system in a full run: the spread between boots (larger than within one under TCG)
# is what the confidence intervals and `harness compare` need (harness/stats.py).
FULL_BOOTS = 3

# --- the verdict (issue 6) ----------------------------------------------------------------------
#   kind "limit": zc's label <= factor x zc's reference label (same guest)
#   kind "linux": zc's label faster than Linux's (ratio < 1), per label of a family
TARGETS = [
    {"id": "1", "title": "Vmo/Read|Write/2048kbytes <= 1.2x Limit/Memcpy/2048kbytes",
     "kind": "limit", "factor": 1.2,
     "pairs": [("Vmo/Read/2048kbytes", "Limit/Memcpy/2048kbytes"),
               ("Vmo/Write/2048kbytes", "Limit/Memcpy/2048kbytes")]},
    {"id": "2", "title": "Vmo/Clone/2048kbytes .clone and .close <= 1.5x the 128kbytes figures",
     "kind": "limit", "factor": 1.5,
     "pairs": [("Vmo/Clone/2048kbytes.clone", "Vmo/Clone/128kbytes.clone"),
               ("Vmo/Clone/2048kbytes.close", "Vmo/Clone/128kbytes.close")]},
    {"id": "3", "title": "Channel/WriteRead/64bytes/0handles <= 4x Syscall/Null",
     "kind": "limit", "factor": 4.0,
     "pairs": [("Channel/WriteRead/64bytes/0handles", "Syscall/Null")]},
    {"id": "4", "title": "zc faster than Linux (same run)", "kind": "linux", "factor": 1.0,
     "peer": "linux",
     "families": ["Syscall/Null",
                  r"re:^Channel/WriteRead/\d+bytes/\d+handles$",
                  r"re:^Vmo/(Read|Write)/\d+kbytes$",
                  "HandleCreate_Vmo",
                  r"re:^VmoMap/(Read|Write)/\d+kbytes$",
                  "Event/Signal",
                  "Port/QueueWait",
                  r"re:^Socket/WriteRead/\d+bytes$",
                  "RoundTrip_Futex_SingleProcess"]},
]
TARGETS.append(dict(TARGETS[-1], id="4m", peer="linux_nomit",
                    title="zc faster than Linux with mitigations=off (same run)"))
FAMILY_NAMES = {
    r"re:^Channel/WriteRead/\d+bytes/\d+handles$": "Channel/WriteRead/*",
    r"re:^Vmo/(Read|Write)/\d+kbytes$": "Vmo/Read|Write/*",
    r"re:^VmoMap/(Read|Write)/\d+kbytes$": "VmoMap/Read|Write/*",
    r"re:^Socket/WriteRead/\d+bytes$": "Socket/WriteRead/*",
}
MET, NOT_MET, NO_DATA, INCONCLUSIVE = "met", "not met", "no data", "inconclusive"
# A zc/Linux comparison whose two sides do not do the same work (harness/analogues.py): shown,
# never counted for or against a target.
UNEQUAL = "not equal work"

MEMCPY_LIMITED = re.compile(
    r"^(Vmo/(Read|Write)(/ZeroPage)?|VmoMap(Range)?/(Read|Write)(/Kernel)?)/(\d+kbytes)$")

SUMMARY_COLUMNS = ["label", "zc_median_ns", "zc_mean_ns", "zc_runs", "linux_median_ns",
                   "linux_runs", "zc_over_linux", "limit_label", "limit_median_ns",
                   "zc_over_limit", "zircon_2020_ns", "zcore_2020_ns", "equal_work",
                   "zc_boots", "linux_boots", "zc_ci_low_ns", "zc_ci_high_ns", "linux_ci_low_ns",
                   "linux_ci_high_ns", "zc_over_linux_ci_low", "zc_over_linux_ci_high",
                   "zc_over_limit_ci_low", "zc_over_limit_ci_high", "copy_ratio",
                   "copy_ratio_ci_low", "copy_ratio_ci_high", "linux_nomit_median_ns",
                   "zc_over_linux_nomit", "zc_over_linux_nomit_ci_low",
                   "zc_over_linux_nomit_ci_high"]


class BenchError(Exception):
    """A run that cannot go on; the message says why (and what to do)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# --- fuchsiaperf JSON ---------------------------------------------------------------------------
@dataclass
class Entry:
    label: str
    values: List[float]          # nanoseconds, one per run
    bytes_per_run: Optional[int] = None
    unit: str = "nanoseconds"
    test_suite: str = ""


def extract_json_text(log_text: str, source: str = "log") -> str:
    """The text between the last begin marker and the end marker after it."""
    lines = log_text.replace("\r", "").split("\n")
    begins = [i for i, ln in enumerate(lines) if ln.strip() == MARK_BEGIN]
    if not begins:
        raise BenchError(f"{source}: no '{MARK_BEGIN}' line in the serial log "
                         "(the benchmark program did not finish)")
    start = begins[-1] + 1
    for i in range(start, len(lines)):
        if lines[i].strip() == MARK_END:
            return "\n".join(lines[start:i])
    raise BenchError(f"{source}: the fuchsiaperf JSON is cut off: '{MARK_BEGIN}' without "
                     f"'{MARK_END}' after it")


def parse_fuchsiaperf(text: str, source: str = "JSON") -> List[Entry]:
    """fuchsiaperf JSON text -> entries (values in ns). Raises BenchError when malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BenchError(f"{source}: malformed fuchsiaperf JSON: {e.msg} at line {e.lineno} "
                         f"column {e.colno}") from None
    if not isinstance(data, list):
        raise BenchError(f"{source}: fuchsiaperf JSON must be a list of results, "
                         f"not {type(data).__name__}")
    out = []
    for n, d in enumerate(data):
        where = f"{source}: result {n}"
        if not isinstance(d, dict):
            raise BenchError(f"{where} is not an object")
        for key in ("label", "unit", "values"):
            if key not in d:
                raise BenchError(f"{where} ({d.get('label', '?')}) has no '{key}'")
        label, unit, values = d["label"], d["unit"], d["values"]
        if not isinstance(label, str) or not label:
            raise BenchError(f"{where}: 'label' must be a non-empty string")
        if unit not in UNIT_NS:
            raise BenchError(f"{where} ({label}): unknown unit '{unit}'")
        if not isinstance(values, list) or not all(
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                for v in values):
            raise BenchError(f"{where} ({label}): 'values' must be a list of numbers")
        # The runner writes null for a value that is not finite; such runs are dropped.
        values = [v for v in values if v is not None and math.isfinite(v)]
        if not values:
            raise BenchError(f"{where} ({label}): no finite value in 'values'")
        b = d.get("bytes_processed_per_run")
        out.append(Entry(label, [float(v) * UNIT_NS[unit] for v in values],
                         int(b) if isinstance(b, (int, float)) and b else None, unit,
                         d.get("test_suite", "")))
    return out


def extract_results(log_text: str, source: str = "log") -> List[Entry]:
    """The fuchsiaperf entries a benchmark program printed on its console (docs/results.md)."""
    text = extract_json_text(log_text, source)
    try:
        return parse_fuchsiaperf(text, source)
    except BenchError as first:
        cleaned = "\n".join(ln for ln in text.split("\n") if not NOISE.match(ln))
        if cleaned == text:
            raise
        try:
            return parse_fuchsiaperf(cleaned, source)
        except BenchError:
            raise first from None


def to_json(entries: Sequence[Entry], suite: str) -> list:
    out = []
    for e in entries:
        d = {"label": e.label, "test_suite": e.test_suite or suite, "unit": "nanoseconds",
             "values": e.values}
        if e.bytes_per_run:
            d["bytes_processed_per_run"] = e.bytes_per_run
        out.append(d)
    return out


def load_json_file(path: str) -> List[Entry]:
    with open(path) as f:
        return parse_fuchsiaperf(f.read(), os.path.basename(path))


# --- statistics ---------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    """perftest's median: the middle value, or the mean of the two middle ones."""
    s = sorted(values)
    n = len(s)
    if n == 0:
        raise ValueError("median of nothing")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def std_dev(values: Sequence[float]) -> float:
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


@dataclass
class Value:
    """A label's figure: the mean over boots of each boot's median of the per-run values (one
    boot: its median), with its 95% bootstrap interval (harness/stats.py). `how` tells when it
    was derived."""
    median: float
    runs: int
    how: str = ""
    low: Optional[float] = None
    high: Optional[float] = None
    boots: int = 1
    est: Optional[stats.Estimate] = None


def as_dict(entries: Sequence[Entry]) -> Dict[str, Entry]:
    return {e.label: e for e in entries}


def run_values(results: Dict[str, Entry], label: str) -> Optional[Tuple[List[float], str]]:
    """The per-run values of `label`; for a multi-step test without an overall entry (e.g.
    HandleCreate_Vmo = .create + .close) the per-run sums of its steps, and how they were made."""
    e = results.get(label)
    if e:
        return e.values, ""
    steps = [x for k, x in results.items() if k.startswith(label + ".") and "." not in
             k[len(label) + 1:]]
    if steps and len({len(x.values) for x in steps}) == 1:
        sums = [sum(vals) for vals in zip(*(x.values for x in steps))]
        names = "+".join(x.label[len(label):] for x in steps)
        return sums, f"sum of steps {names}"
    return None


Boots = Sequence[Dict[str, Entry]]


def value_of(results, label: str, system: str = "") -> Optional[Value]:
    """The figure of `label` in one boot's results (a dict) or in several boots (a list of
    dicts), with its interval."""
    boots = [results] if isinstance(results, dict) else list(results)
    key = (system, label, tuple(id(b) for b in boots))
    if key in _VALUE_CACHE and _VALUE_CACHE[key][0] == boots:
        return _VALUE_CACHE[key][1]
    per_boot, how = [], ""
    for b in boots:
        rv = run_values(b, label)
        if rv:
            per_boot.append(rv[0])
            how = rv[1]
    est = stats.estimate(per_boot, f"{system}:{label}")
    v = Value(est.value, est.runs, how, est.low, est.high, est.boots, est) if est else None
    _VALUE_CACHE[key] = (boots, v)
    return v


# value_of's results by (system, label, the boots' identities); the boots are kept beside each
# result so that an id reused by a new dict is never mistaken for the old one.
_VALUE_CACHE: Dict[tuple, tuple] = {}


def ratio_ci(a: Optional[Value], b: Optional[Value]) -> Optional[Tuple[float, float, float]]:
    """a / b with its 95% interval: (ratio, low, high)."""
    return stats.ratio(a.est if a else None, b.est if b else None)


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b <= 0:
        return None
    return a / b


# --- baselines ----------------------------------------------------------------------------------
def load_baseline(path: str = BASELINE) -> Dict[str, Tuple[Optional[float], Optional[float]]]:
    out = {}
    try:
        with open(path) as f:
            for row in csv.DictReader(f):
                def num(s):
                    try:
                        return float(s)
                    except (TypeError, ValueError):
                        return None
                out[row["label"]] = (num(row.get("zircon_ns")), num(row.get("zcore_ns")))
    except OSError:
        pass
    return out


# --- summary.csv --------------------------------------------------------------------------------
def limit_label_for(label: str, zc: Dict[str, Entry]) -> Optional[str]:
    """The floor a label is compared with in the same guest: memcpy of the same size for VMO
    copies and maps, else Syscall/Null (none for the limits themselves)."""
    if label.startswith("Limit/") or label == "Syscall/Null":
        return None
    m = MEMCPY_LIMITED.match(label)
    if m:
        limit = f"Limit/Memcpy/{m.group(7)}"
        return limit if limit in zc else None
    return "Syscall/Null" if "Syscall/Null" in zc else None


def copy_ratio(boots: Dict[str, Boots], label: str, peer: str = "linux"):
    """For a bulk copy label (Vmo/Read|Write, VmoMap...): (zc / zc's Limit/Memcpy of the same
    size) / (Linux / Linux's Limit/Memcpy), with its interval, and the memcpy label; None
    otherwise. Emulation (TCG, icount) distorts each system's copy instructions differently
    (Linux's `rep movsb`), so copies are compared through each system's own memcpy."""
    m = MEMCPY_LIMITED.match(label)
    if not m:
        return None
    limit = f"Limit/Memcpy/{m.group(7)}"
    vals = [value_of(boots.get(s, [{}]), l, s) for s in ("zc", peer) for l in (label, limit)]
    r = stats.ratio_of_ratios(*[v.est if v else None for v in vals])
    return (r, limit) if r else None


def fmt_num(x: Optional[float], digits: int = 1) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def summary_rows(zc_entries: Sequence[Entry], linux_entries: Sequence[Entry],
                 baseline: Dict[str, Tuple[Optional[float], Optional[float]]],
                 boots: Optional[Dict[str, Boots]] = None) -> List[dict]:
    """One row per label. `boots` = {"zc": [results of boot 1, ...], "linux": [...]}; without
    it the entries are one boot. Figures and ratios come with their 95% intervals."""
    zc, linux = as_dict(zc_entries), as_dict(linux_entries)
    boots = boots or {"zc": [zc], "linux": [linux]}
    labels = [e.label for e in zc_entries] + [e.label for e in linux_entries
                                              if e.label not in zc]
    rows = []
    for label in labels:
        z = value_of(boots["zc"], label, "zc") if label in zc else None
        l = value_of(boots["linux"], label, "linux") if label in linux else None
        limit = limit_label_for(label, zc) if z else None
        lim = value_of(boots["zc"], limit, "zc") if limit else None
        zircon, zcore = baseline.get(label, (None, None))
        zl, zlim = ratio_ci(z, l), ratio_ci(z, lim)
        cr = copy_ratio(boots, label) if z and l else None
        nm = value_of(boots.get("linux_nomit", [{}]), label, "linux_nomit") if z else None
        znm = ratio_ci(z, nm)
        rows.append({
            "label": label,
            "zc_median_ns": fmt_num(z.median if z else None),
            "zc_mean_ns": fmt_num(mean(zc[label].values) if z else None),
            "zc_runs": str(len(zc[label].values)) if z else "",
            "linux_median_ns": fmt_num(l.median if l else None),
            "linux_runs": str(len(linux[label].values)) if l else "",
            "zc_over_linux": fmt_num(zl[0] if zl else None, 3),
            "limit_label": limit or "", "limit_median_ns": fmt_num(lim.median if lim else None),
            "zc_over_limit": fmt_num(zlim[0] if zlim else None, 3),
            "zircon_2020_ns": fmt_num(zircon, 0), "zcore_2020_ns": fmt_num(zcore, 0),
            "equal_work": _equal_cell(label) if z and l else "",
            "zc_boots": str(z.boots) if z else "", "linux_boots": str(l.boots) if l else "",
            "zc_ci_low_ns": fmt_num(z.low if z else None),
            "zc_ci_high_ns": fmt_num(z.high if z else None),
            "linux_ci_low_ns": fmt_num(l.low if l else None),
            "linux_ci_high_ns": fmt_num(l.high if l else None),
            "zc_over_linux_ci_low": fmt_num(zl[1] if zl else None, 3),
            "zc_over_linux_ci_high": fmt_num(zl[2] if zl else None, 3),
            "zc_over_limit_ci_low": fmt_num(zlim[1] if zlim else None, 3),
            "zc_over_limit_ci_high": fmt_num(zlim[2] if zlim else None, 3),
            "copy_ratio": fmt_num(cr[0][0] if cr else None, 3),
            "copy_ratio_ci_low": fmt_num(cr[0][1] if cr else None, 3),
            "copy_ratio_ci_high": fmt_num(cr[0][2] if cr else None, 3),
            "linux_nomit_median_ns": fmt_num(nm.median if nm else None),
            "zc_over_linux_nomit": fmt_num(znm[0] if znm else None, 3),
            "zc_over_linux_nomit_ci_low": fmt_num(znm[1] if znm else None, 3),
            "zc_over_linux_nomit_ci_high": fmt_num(znm[2] if znm else None, 3),
        })
    return rows


def _equal_cell(label: str) -> str:
    """summary.csv's equal_work: yes / no (harness/analogues.py) / unknown (no row)."""
    eq = analogues.equal_work(label)
    return {True: "yes", False: "no"}.get(eq, "unknown")


def write_summary_csv(path: str, rows: List[dict]):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


# --- verdict ------------------------------------------------------------------------------------
def _bases(results: Dict[str, Entry]) -> List[str]:
    """Every label plus every multi-step test name (the part before the step)."""
    out = list(results)
    for k in results:
        if "." in k:
            base = k.rsplit(".", 1)[0]
            if base not in out:
                out.append(base)
    return out


def _family_labels(family: str, zc: Dict[str, Entry], linux: Dict[str, Entry]) -> List[str]:
    if not family.startswith("re:"):
        return [family]
    rx = re.compile(family[3:])
    seen: List[str] = []
    for label in _bases(zc) + _bases(linux):
        if rx.match(label) and label not in seen:
            seen.append(label)
    return seen


def _row(label, value, ref_label, ref, factor, strict, system_ref) -> dict:
    rc = ratio_ci(value, ref)
    if rc is None:
        status = NO_DATA
        missing = [f"{sys_} {lbl}" for sys_, lbl, v in
                   (("zc", label, value), (system_ref, ref_label, ref)) if v is None]
        note = "missing: " + ", ".join(missing) if missing else ""
    else:
        # met / not met only when the whole 95% interval of the ratio says so
        status = stats.judge(rc[1:], factor, strict)
        note = "; ".join(x for x in ((value.how and f"zc {value.how}"),
                                     (ref.how and f"{system_ref} {ref.how}")) if x)
    return {"label": label, "value_ns": value.median if value else None,
            "value_ci": [value.low, value.high] if value else None,
            "reference": f"{system_ref} {ref_label}", "reference_ns": ref.median if ref else None,
            "reference_ci": [ref.low, ref.high] if ref else None,
            "ratio": rc[0] if rc else None, "ratio_ci": list(rc[1:]) if rc else None,
            "boots": [value.boots if value else 0, ref.boots if ref else 0],
            "threshold": factor, "comparison": "<" if strict else "<=",
            "status": status, "note": note}


def group_status(rows: List[dict]) -> str:
    rows = [r for r in rows if r["status"] != UNEQUAL]
    statuses = {r["status"] for r in rows}
    if not rows:
        return NO_DATA
    if NOT_MET in statuses:
        return NOT_MET
    if INCONCLUSIVE in statuses:
        return INCONCLUSIVE
    if NO_DATA in statuses:
        return NO_DATA
    return MET


def compute_verdict(zc_entries: Sequence[Entry], linux_entries: Sequence[Entry],
                    boots: Optional[Dict[str, Boots]] = None) -> dict:
    """The targets of issue 6 with their ratios, 95% intervals and met / not met / inconclusive
    / no data. A comparison is met only when its whole interval meets the threshold, not met
    when the whole interval fails it; a target is met only when every comparison is met."""
    zc, linux = as_dict(zc_entries), as_dict(linux_entries)
    boots = boots or {"zc": [zc], "linux": [linux]}
    bz, bl = boots["zc"], boots["linux"]
    targets = []
    for t in TARGETS:
        rows = []
        if t["kind"] == "limit":
            for label, ref in t["pairs"]:
                rows.append(_row(label, value_of(bz, label, "zc"), ref,
                                 value_of(bz, ref, "zc"), t["factor"], False, "zc"))
        else:
            peer = t.get("peer", "linux")
            bp = boots.get(peer) or [{}]
            if peer != "linux" and not any(bp):
                continue   # a run without that Linux configuration
            for fam in t["families"]:
                labels = _family_labels(fam, zc, linux)
                if not labels:
                    name = FAMILY_NAMES.get(fam, fam)
                    rows.append({"label": name, "value_ns": None, "reference": f"linux {name}",
                                 "reference_ns": None, "ratio": None, "threshold": t["factor"],
                                 "comparison": "<", "status": NO_DATA,
                                 "note": "no such label on either system"})
                for label in labels:
                    row = _row(label, value_of(bz, label, "zc"), label,
                               value_of(bp, label, peer), t["factor"], True, peer)
                    cr = copy_ratio(boots, label, peer)
                    if MEMCPY_LIMITED.match(label) and not cr and row["ratio"] is not None:
                        row.update(status=NO_DATA, raw_ratio=row["ratio"], note="a copy: needs "
                                   "Limit/Memcpy of its size on both systems")
                    if cr and row["ratio"] is not None:
                        (r, lo, hi), limit = cr
                        row["note"] = "; ".join(x for x in (row["note"], (
                            f"a copy: (zc / zc {limit}) / ({peer} / {peer} {limit}); "
                            f"raw zc/{peer} {row['ratio']:.3f}")) if x)
                        row.update(ratio=r, ratio_ci=[lo, hi], raw_ratio=row["ratio"],
                                   status=stats.judge((lo, hi), t["factor"], True))
                    why = analogues.unequal([label]).get(label)
                    if why:
                        row["status"] = UNEQUAL
                        row["note"] = "; ".join(x for x in (row["note"], why) if x)
                    rows.append(row)
        targets.append({"id": t["id"], "title": t["title"], "status": group_status(rows),
                        "rows": rows})
    counts = {s: sum(1 for t in targets if t["status"] == s)
              for s in (MET, NOT_MET, INCONCLUSIVE, NO_DATA)}
    return {"statistic": "per label the mean over boots of each boot's median of the per-run "
                         "values (ns); ratio = value / reference; *_ci = 95% two-level bootstrap "
                         "interval (boots, then runs); a comparison is met / not met only when "
                         "its whole interval is; comparisons marked 'not equal work' do not count",
            "boots": {"zc": len(bz), "linux": len(bl),
                      "linux_nomit": len([b for b in boots.get("linux_nomit", []) if b])},
            "targets": targets, "counts": counts}


# --- the report ---------------------------------------------------------------------------------
def test_name(label: str, results: Dict[str, Entry]) -> str:
    """The test a label belongs to: `Test.step` -> `Test` when other steps or `Test` exist."""
    if "." in label:
        base = label.rsplit(".", 1)[0]
        if base in results or any(k != label and k.startswith(base + ".") for k in results):
            return base
    return label

def fmt_ns(x: Optional[float]) -> str:
    if x is None:
        return "-"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def fmt_ratio(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.2f}"


def perftest_table(entries: Sequence[Entry]) -> str:
    """perftest's summary table (ResultsSet::PrintSummaryStatistics)."""
    out = io.StringIO()
    out.write("%10s %10s %10s %10s %10s %-12s %15s %s\n" % (
        "Mean", "Std dev", "Min", "Max", "Median", "Unit", "Mean Mbytes/sec", "Test case"))
    if not entries:
        out.write("(No test results)\n")
    for e in entries:
        m = mean(e.values)
        out.write("%10.0f %10.0f %10.0f %10.0f %10.0f %-12s" % (
            m, std_dev(e.values), min(e.values), max(e.values), median(e.values), "nanoseconds"))
        if e.bytes_per_run and m > 0:
            out.write(" %15.3f" % (e.bytes_per_run / m * 1e9 / (1024 * 1024)))
        else:
            out.write(" %15s" % "N/A")
        out.write(f" {e.label}\n")
    return out.getvalue()


def table(headers: List[str], rows: List[List[str]], left: Sequence[int] = (0,)) -> str:
    """Plain text columns; the columns in `left` left-aligned, the others right-aligned."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] +
                     [line(r) for r in rows]) + "\n"


def verdict_table(verdict: dict) -> str:
    rows = []
    for t in verdict["targets"]:
        rows.append([f"({t['id']}) {t['title']}", "", "", "", "", "", "", t["status"].upper()])
        for r in t["rows"]:
            ref = r["reference"]
            if ref.endswith(" " + r["label"]):   # zc vs Linux: the same label
                ref = ref[:-len(r["label"])] + "(same)"
            rows.append([f"    {r['label']}", fmt_ns(r["value_ns"]), ref,
                         fmt_ns(r["reference_ns"]), fmt_ratio(r["ratio"]),
                         fmt_interval(r.get("ratio_ci")),
                         f"{r['comparison']} {r['threshold']:g}", r["status"]])
    c = verdict["counts"]
    b = verdict.get("boots", {})
    return (table(["target", "zc ns", "reference", "ref ns", "ratio", "95% CI", "needs",
                   "verdict"], rows, left=(0, 2, 7)) +
            f"targets: {c[MET]} met, {c[NOT_MET]} not met, {c.get(INCONCLUSIVE, 0)} "
            f"inconclusive, {c[NO_DATA]} no data (boots: zc {b.get('zc', 1)}, linux "
            f"{b.get('linux', 1)}; a comparison is met or not met only when its whole 95% "
            "interval is, else inconclusive; a target is met only when all its comparisons are; "
            f"'{UNEQUAL}' comparisons do not count)\n")


def fmt_interval(ci) -> str:
    if not ci or ci[0] is None:
        return "-"
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def _bulk_message(label: str) -> bool:
    """A message or FIFO batch over 4 KiB: its instruction count is mostly the copy (and an
    emulated `rep movsb` counts one instruction per byte), so it is no path length."""
    m = re.search(r"/(\d+)bytes(?:_(\d+)batch)?(/|$|\.)", label)
    return bool(m) and int(m.group(1)) * int(m.group(2) or 1) > 4096


def path_length_rows(rows: List[dict]) -> List[dict]:
    """Every label measured on both systems that is not a bulk copy (nor the memcpy floor, nor
    an SMP/ label: several threads, and waits, are no one call's path), as records
    (pathlength.csv): in icount, the cross-system figure emulation does not distort."""
    out = []
    for r in rows:
        if not (r["zc_median_ns"] and r["linux_median_ns"]) or MEMCPY_LIMITED.match(r["label"]) \
                or r["label"].startswith(("Limit/", "SMP/")) or _bulk_message(r["label"]):
            continue
        out.append({"label": r["label"], "zc_instructions": r["zc_median_ns"],
                    "linux_instructions": r["linux_median_ns"],
                    "zc_over_linux": r["zc_over_linux"], "equal_work": r.get("equal_work", "")})
    return out


def path_length_table(rows: List[dict]) -> str:
    """icount runs: instructions per run of each label of path_length_rows."""
    pl = [[r["label"], f"{float(r['zc_instructions']):.0f}",
           f"{float(r['linux_instructions']):.0f}", fmt_ratio(float(r["zc_over_linux"])),
           {"yes": "", "no": "NOT EQUAL WORK"}.get(r["equal_work"], "?")]
          for r in path_length_rows(rows)]
    return ("\n== path length (icount): instructions per run, every label that is not a bulk "
            "copy (VMO copies and maps, memcpy, messages over 4 KiB)\n" +
            (table(["label", "zc instr", "linux instr", "zc/linux", "work"], pl, left=(0, 4))
             if pl else "(no label measured on both)\n"))


def report(zc_entries: Sequence[Entry], linux_entries: Sequence[Entry], mode: str,
           baseline: Dict[str, Tuple[Optional[float], Optional[float]]],
           verdict: dict, rows: Optional[List[dict]] = None,
           boots: Optional[Dict[str, Boots]] = None,
           mitigations: Optional[dict] = None,
           kvm_unhealthy: Optional[str] = None, smp: int = 1,
           smp_scale_ops: int = smpreport.SCALE_OPS) -> str:
    """The text report. `kvm_unhealthy`: why this kvm run's KVM is not a real one (its times
    then do not stand beside the 2020 KVM figures). `smp`: the guests' CPU count."""
    zc, linux = as_dict(zc_entries), as_dict(linux_entries)
    rows = rows if rows is not None else summary_rows(zc_entries, linux_entries, baseline, boots)
    out = io.StringIO()
    out.write(f"== zc ({mode}): perftest summary\n")
    out.write(perftest_table(zc_entries))

    icount = mode == "icount"
    out.write(f"\n== zc vs Linux, same run ({mode}); ratio = zc figure / Linux figure (per "
              "label the mean over boots of each boot's median), < 1 means zc is faster; "
              "'faster'/'slower' only when the whole 95% interval says so; copy* = for bulk "
              "copies, (zc / zc's Limit/Memcpy of the size) / (Linux / Linux's), which decides "
              "them\n")
    if icount:
        out.write("   icount: figures are instructions per run (1 ns of guest time = 1 "
                  "instruction): the path length of each call on each system; bulk copies are "
                  "compared only through copy* (emulated `rep movs` counts one instruction per "
                  "element)\n")
    lr, unequal_tests = [], {}
    for r in rows:
        if r["zc_over_linux"]:
            rr = float(r["zc_over_linux"])
            equal = r.get("equal_work", "") != "no"
            if not equal:
                a = analogues.analogue_of(r["label"])
                unequal_tests[analogues.test_of(r["label"])] = a.why if a else ""
            lo, hi = r.get("zc_over_linux_ci_low"), r.get("zc_over_linux_ci_high")
            ci = [float(lo), float(hi)] if lo and hi else None
            says = ("faster" if ci[1] < 1 else "slower" if ci[0] > 1 else "inconclusive") \
                if ci else ("faster" if rr < 1 else "slower")
            copy = r.get("copy_ratio")
            if copy:
                cci = [float(r["copy_ratio_ci_low"]), float(r["copy_ratio_ci_high"])]
                says = ("faster" if cci[1] < 1 else "slower" if cci[0] > 1 else "inconclusive") \
                    + " (copy, vs own memcpy)"
            elif MEMCPY_LIMITED.match(r["label"]):
                says += " (raw: no memcpy of this size)"
            lr.append([r["label"], r["zc_median_ns"], r["linux_median_ns"], fmt_ratio(rr),
                       fmt_interval(ci), fmt_ratio(float(copy)) if copy else "",
                       fmt_interval(cci) if copy else "", says if equal else "NOT EQUAL WORK"])
    unit = "instr" if icount else "ns"
    out.write(table(["label", f"zc {unit}", f"linux {unit}", "zc/linux", "95% CI", "copy*",
                     "95% CI", "zc is"], lr, left=(0, 7))
              if lr else "(no label measured on both)\n")
    if unequal_tests:
        out.write("not equal work (harness/analogues.py, docs/bench.md; out of the verdict):\n")
        for test, why in unequal_tests.items():
            out.write(f"  {test}: {why}\n")
    for what, have, lack in (("no Linux analogue (microbenchmarks/linux/README.md)", zc, linux),
                             ("Linux only (not in zc's set)", linux, zc)):
        tests = sorted({test_name(k, have) for k in have} - {test_name(k, lack) for k in lack})
        if tests:
            out.write(f"{what}: {len(tests)} tests: {', '.join(tests)}\n")

    nl = [[r["label"], r["zc_median_ns"], r["linux_nomit_median_ns"],
           fmt_ratio(float(r["zc_over_linux_nomit"])),
           fmt_interval([float(r["zc_over_linux_nomit_ci_low"]),
                         float(r["zc_over_linux_nomit_ci_high"])]),
           "" if r.get("equal_work") != "no" else "NOT EQUAL WORK"]
          for r in rows if r.get("zc_over_linux_nomit")]
    if nl:
        out.write(f"\n== zc vs Linux booted with mitigations=off, same run ({mode}): the peer "
                  "without speculation mitigations, like zc\n")
        out.write(table(["label", "zc ns", "linux(mit=off) ns", "zc/linux", "95% CI", "work"],
                        nl, left=(0, 5)))
    if mitigations:
        out.write("\n== speculation mitigations of each measured kernel\n")
        for system, m in mitigations.items():
            if isinstance(m, dict) and m:
                out.write(f"{system}: " + "; ".join(f"{k}: {v}" for k, v in sorted(m.items()))
                          + "\n")
    if icount:
        out.write(path_length_table(rows))

    out.write(f"\n== zc vs limits (same guest): Vmo/VmoMap copies vs Limit/Memcpy of the same "
              "size, everything else vs Syscall/Null\n")
    # steps only for tests without an overall entry (HandleCreate_*, Port/QueueWait, ...)
    lim = [[r["label"], r["zc_median_ns"], r["limit_label"], r["limit_median_ns"],
            fmt_ratio(float(r["zc_over_limit"]))] for r in rows
           if r["zc_over_limit"] and (test_name(r["label"], zc) == r["label"] or
                                      test_name(r["label"], zc) not in zc)]
    out.write(table(["label", "zc ns", "limit", "limit ns", "zc/limit"], lim, left=(0, 2))
              if lim
              else "(no limit labels in this run)\n")

    comparable = mode == "kvm" and not kvm_unhealthy
    why_not = (f"this run's KVM is not healthy ({kvm_unhealthy})" if kvm_unhealthy
               else f"this run is {mode}, not kvm")
    out.write("\n== zc vs the 2020 Zircon and zCore figures (zCore thesis, KVM)" +
              ("" if comparable else f": NOT COMPARABLE, {why_not}") + "\n")
    br = []
    for label, (zircon, zcore) in baseline.items():
        v = value_of(zc, label)
        if v is None:
            continue
        if comparable:
            br.append([label, fmt_ns(v.median), fmt_ns(zircon), fmt_ns(zcore),
                       fmt_ratio(ratio(v.median, zircon)), fmt_ratio(ratio(v.median, zcore))])
        else:
            br.append([label, fmt_ns(v.median), fmt_ns(zircon), fmt_ns(zcore),
                       "not comparable", "not comparable"])
    out.write(table(["label", "zc ns", "zircon ns", "zcore ns", "zc/zircon", "zc/zcore"], br)
              if br else "(no label of the baseline in this run)\n")

    out.write(smpreport.section(smp_records(zc_entries, linux_entries, boots, smp,
                                            ops_per_thread=smp_scale_ops), smp, mode,
                                table))

    out.write(f"\n== verdict ({mode})\n")
    out.write(verdict_table(verdict))
    return out.getvalue()


def smp_records(zc_entries: Sequence[Entry], linux_entries: Sequence[Entry],
                boots: Optional[Dict[str, Boots]], smp: int,
                systems: Sequence[str] = SYSTEMS, ops_per_thread: int = smpreport.SCALE_OPS) -> List[dict]:
    """The SMP/Scale figures of every system of the run (the guests; or the native systems,
    given as `systems`) that measured them (harness/smpreport.py)."""
    boots = boots or {"zc": [as_dict(zc_entries)], "linux": [as_dict(linux_entries)]}
    systems = [s for s in systems if any(boots.get(s, [{}]))]
    labels = list(dict.fromkeys(k for s in systems for b in boots[s] for k in b))

    def estimate(system, label):
        v = value_of(boots[system], label, system)
        return v.est if v else None
    return smpreport.scaling_records(estimate, systems, labels, smp, ops_per_thread)


# --- run metadata -------------------------------------------------------------------------------
def git(*args) -> Optional[str]:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def host_cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def qemu_version(binary: str) -> Optional[str]:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             timeout=30).stdout
        m = re.search(r"version (\S+)", out)
        return m.group(1) if m else out.splitlines()[0] if out else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def load_linux_kernel_info(linux_dir: str) -> dict:
    path = os.path.join(linux_dir, "kernel.json")
    try:
        with open(path) as f:
            info = json.load(f)
    except (OSError, ValueError):
        raise BenchError(f"the Linux peer's kernel is not there ({path} missing): run "
                         "`make setup` or `make linux-kernel`") from None
    vmlinuz = os.path.join(linux_dir, info.get("vmlinuz", ""))
    if not os.path.isfile(vmlinuz):
        raise BenchError(f"{vmlinuz} not found: run `make linux-kernel` again")
    info["vmlinuz_path"] = vmlinuz
    return info


# --- running the guests -------------------------------------------------------------------------
PROGRESS_TIME = re.compile(r"^bench: \[(\d+)/(\d+)\]\s+(\S+) \.\.\. \(([\d.]+) s\)", re.M)
DONE_TIME = re.compile(r"^bench: done: \d+ tests, \d+ failed, ([\d.]+) s", re.M)


def test_durations(log_text: str) -> List[Tuple[str, float]]:
    """(test, seconds) in run order from a guest's serial log: each test's start (its progress
    line) to the next one's, the last to `bench: done`. Empty when the log did not finish."""
    starts = [(m.group(3), float(m.group(4))) for m in PROGRESS_TIME.finditer(log_text)]
    done = DONE_TIME.search(log_text)
    if not starts or not done:
        return []
    ends = [t for _, t in starts[1:]] + [float(done.group(1))]
    return [(name, max(0.0, end - t)) for (name, t), end in zip(starts, ends)]


def previous_durations(results_dir: str, mode: str, opts: List[str],
                       system: str) -> List[Tuple[str, float]]:
    """The per-test times of `system` in the newest recorded run of the same mode and guest
    options (the same tests and run counts), for the progress estimate; [] when there is none."""
    try:
        names = sorted(os.listdir(results_dir), reverse=True)
    except OSError:
        return []
    for name in names:
        d = os.path.join(results_dir, name)
        try:
            with open(os.path.join(d, "meta.json")) as f:
                meta = json.load(f)
            if meta.get("mode") != mode or meta.get("options") != opts:
                continue
            with open(os.path.join(d, f"{system}.log"), errors="replace") as f:
                durations = test_durations(f.read().replace("\r", ""))
        except (OSError, ValueError):
            continue
        if durations:
            return durations
    return []


class Progress:
    """A text sink for the serial console that turns `bench: [i/N] LABEL` lines into progress
    lines with elapsed time and an estimate of what is left: from the previous run's per-test
    times when there is one (scaled by how this run's pace compares so far), else from the
    average time per test so far."""

    def __init__(self, system: str, out, run_start: float, verbose: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 previous: Sequence[Tuple[str, float]] = ()):
        self.system, self.out, self.verbose, self.clock = system, out, verbose, clock
        self.previous = list(previous)
        self.previous_index = {name: i for i, (name, _) in enumerate(self.previous)}
        self.run_start = run_start
        self.start = clock()
        self.first_test: Optional[float] = None
        self.buf = ""
        self.tests = 0
        self.tail: List[str] = []

    def write(self, text: str):
        self.buf += text
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            self.line(line)

    def flush(self):
        pass

    def estimate_left(self, label: str, elapsed: float, remaining: int) -> Optional[float]:
        """Seconds left by the previous run's times: what the tests from `label` on took then,
        times (this run's elapsed / the previous run's at the same point); None without them
        (or when this run's remaining count differs: another selection of tests)."""
        i = self.previous_index.get(label)
        if i is None or len(self.previous) - i != remaining:
            return None
        before = sum(t for _, t in self.previous[:i])
        pace = elapsed / before if before > 0 and elapsed > 0 else 1.0
        return pace * sum(t for _, t in self.previous[i:])

    def line(self, line: str):
        self.tail = (self.tail + [line])[-15:]
        if self.verbose:
            self.out.write(f"{self.system}| {line}\n")
        m = PROGRESS.match(line)
        if not m:
            return
        i, n, label = int(m.group(1)), int(m.group(2)), m.group(3)
        now = self.clock()
        if self.first_test is None:
            self.first_test = now
        self.tests = n
        done = i - 1
        estimate = self.estimate_left(label, now - self.first_test, n - done)
        if estimate is None:
            per = (now - self.first_test) / done if done else None
            estimate = per * (n - done) if per is not None else None
        left = f", ~{fmt_duration(estimate)} left" if estimate is not None else ""
        self.out.write(f"bench: {self.system:<5} [{i:>3}/{n}] {label:<48} "
                       f"{fmt_duration(now - self.start)}{left} "
                       f"(run {fmt_duration(now - self.run_start)})\n")
        self.out.flush()


def fmt_duration(s: float) -> str:
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def linux_decode(result: qemu.BootResult) -> qemu.BootResult:
    """harness.qemu decodes zc's exit protocol; the Linux peer says its status on the console
    (`linux-bench: exit status N`) and writes it to the same isa-debug-exit port."""
    rc = result.qemu_returncode
    said = None
    for m in LINUX_EXIT.finditer(result.log_text):
        said = int(m.group(1))
    if result.timed_out:
        result.outcome = "timeout"
    elif rc is not None and rc > 0 and rc % 2 == 1 and said is not None and \
            qemu.exit_value_for(said) == rc >> 1:
        result.outcome, result.exit_value, result.status, result.note = \
            "exited", rc >> 1, said, ""
    elif rc == 0:
        result.outcome = "reset"
        result.note = ("the guest powered off or rebooted without the exit port "
                       "(a Linux panic reboots: panic=-1)")
    elif rc is not None and rc % 2 == 1 and said is None and rc > 1:
        result.outcome, result.exit_value, result.status = "exited", rc >> 1, rc >> 1
        result.note = "no 'linux-bench: exit status' line"
    else:
        result.outcome = "qemu-error"
        lines = result.qemu_stderr.strip().splitlines()
        result.note = f"QEMU exit status {rc}" + (f": {lines[-1]}" if lines else "")
    return qemu.mark_kvm_error(result)


@dataclass
class GuestRun:
    system: str
    result: Optional[qemu.BootResult] = None
    entries: List[Entry] = field(default_factory=list)
    error: Optional[str] = None
    no_match: bool = False     # exit 2 with "matches nothing": no label of the filter here
    bad_args: Optional[str] = None   # exit 2 for another reason: the guest's message
    message: str = ""                # what the guest said before exiting with status 2

    @property
    def ok(self) -> bool:
        return self.error is None and self.bad_args is None


def guest_message(log_text: str, lines: int = 6) -> str:
    """The last lines a guest printed before it exited (its error message)."""
    tail = [ln for ln in log_text.replace("\r", "").split("\n") if ln.strip() and
            not LINUX_EXIT.match(ln) and not qemu.EXIT_LINE.search(ln)]
    return "\n".join(tail[-lines:])


# Under kvm a guest that has printed nothing after this long is given up on: on a KVM that
# emulates guest kernel code (docs/kvm.md) a stock Linux does not get past early boot in
# minutes, and the run should say so rather than wait for the whole timeout.
KVM_SILENCE_TIMEOUT = 180.0


def run_guest(system: str, kernel: str, initrd: str, cmdline: str, mode: str, timeout: float,
              memory: str, log_path: str, progress: Progress,
              qemu_binary: Optional[str], heartbeat=None, smp: int = qemu.DEFAULT_SMP) -> GuestRun:
    run = GuestRun(system)
    try:
        res = qemu.boot(kernel, initrd, cmdline, mode=mode, timeout=timeout, memory=memory, smp=smp,
                        log_path=log_path, echo=progress, qemu=qemu_binary, name=system,
                        heartbeat=heartbeat,
                        silence_timeout=KVM_SILENCE_TIMEOUT if mode == "kvm" else None)
    except qemu.HarnessError as e:
        run.error = str(e)
        return run
    if system.startswith("linux"):
        res = linux_decode(res)
    run.result = res
    if res.outcome == "exited" and res.status == 2:
        msg = guest_message(res.log_text)
        run.message = msg
        if NO_MATCH.search(msg):
            run.no_match = True
        else:
            run.bad_args = msg or "exit status 2"
        return run
    try:
        run.entries = extract_results(res.log_text, f"{system}.log")
    except BenchError as e:
        run.error = str(e)
    if res.outcome != "exited" or res.status != 0:
        why = {"exited": f"exited with status {res.status}",
               "panic": "kernel panic",
               "timeout": res.note or f"timed out after {timeout:g} s",
               "reset": "reset", "qemu-error": "QEMU failed"}.get(res.outcome, res.outcome)
        note = res.note if res.note and res.outcome != "timeout" else ""
        run.error = f"{system} {why}" + (f": {note}" if note else "") + \
            (f"; {run.error}" if run.error else "")
    return run


def build_options(a) -> List[str]:
    opts: List[str] = []
    if a.runs:
        opts += ["--runs", str(a.runs)]
    else:
        base = QUICK_OPTIONS if a.quick else FULL_OPTIONS
        given = {"--min-runs": a.min_runs, "--max-runs": a.max_runs, "--budget-ms": a.budget_ms}
        for i in range(0, len(base), 2):
            v = given.get(base[i])
            opts += [base[i], str(v) if v else base[i + 1]]
    flt = a.filter if a.filter else (QUICK_FILTER if a.quick else None)
    if flt:
        opts += ["--filter", flt]
    return opts


def check_filter(flt: Optional[str]):
    """Reject what neither guest could take: a regex that does not compile, or characters the
    kernel command line cannot carry."""
    if not flt:
        return
    try:
        re.compile(flt)
    except re.error as e:
        raise BenchError(f"bad filter '{flt}': {e}", 2) from None
    if any(c in flt for c in "\"'\n") or any(c.isspace() for c in flt):
        raise BenchError(f"bad filter '{flt}': no spaces or quotes (it travels on the kernel "
                         "command line)", 2)


def run_name(start: datetime.datetime, commit: str, mode: str) -> str:
    return f"{start.strftime('%Y%m%d-%H%M%S')}-{commit}-{mode}"


def write_fuchsiaperf(path: str, data: list):
    """fuchsiaperf JSON, one result per line (values inline: a run has ~300 x 1000 of them)."""
    def compact(v):
        return int(v) if float(v).is_integer() and abs(v) < 2 ** 53 else v
    with open(path, "w") as f:
        f.write("[\n" + ",\n".join(
            json.dumps(dict(d, values=[compact(v) for v in d["values"]]),
                       separators=(", ", ": ")) for d in data) + "\n]\n")


def write_json(path: str, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


FOOTPRINT = re.compile(r"thread-footprint: result threads=(\d+) kernel_bytes_per_thread=(\d+)"
                       r" heap_bytes_per_thread=(\d+)")


def measure_footprint(a, mode: str, work: str, out) -> dict:
    """Boots zc once more with bin/thread-footprint (10,000 threads blocked in zx_futex_wait)
    and returns what it reported, or the reason it did not."""
    log = os.path.join(work, "thread-footprint.log")
    try:
        res = qemu.boot(a.kernel, a.initrd, "init=bin/thread-footprint", mode=mode, timeout=300,
                        memory=a.memory, log_path=log, echo=None, qemu=a.qemu)
    except qemu.HarnessError as e:
        return {"error": str(e)}
    m = FOOTPRINT.search(res.log_text)
    if res.outcome != "exited" or res.status != 0 or not m:
        return {"error": f"thread-footprint {res.outcome} (status {res.status}), no result line"}
    fp = {"threads": int(m.group(1)), "kernel_bytes_per_thread": int(m.group(2)),
          "heap_bytes_per_thread": int(m.group(3))}
    out.write(f"bench: executor footprint: {fp['kernel_bytes_per_thread']} kernel bytes per blocked "
              f"thread ({fp['threads']} threads in zx_futex_wait; target <= 2048)\n")
    return fp


BOOTS_DIR = "boots"


def boot_log_name(system: str, b: int) -> str:
    """The serial log of boot b (0-based): `zc.log` for the first, `zc-2.log` ... after it."""
    return f"{system}.log" if b == 0 else f"{system}-{b + 1}.log"


def merge_boots(boots: Sequence[Sequence[Entry]]) -> List[Entry]:
    """One entry per label with the values of every boot, in boot order (what
    `<system>.fuchsiaperf.json` holds; the boots themselves go to boots/)."""
    merged: Dict[str, Entry] = {}
    for entries in boots:
        for e in entries:
            if e.label in merged:
                merged[e.label].values.extend(e.values)
            else:
                merged[e.label] = Entry(e.label, list(e.values), e.bytes_per_run)
    return list(merged.values())


def write_boots(dest: str, work: str, per_boot: Dict[str, List[List[Entry]]],
                systems: Sequence[str], n_boots: int):
    """boots/<system>-<i>.fuchsiaperf.json (and its log) for every boot of a multi-boot run."""
    bdir = os.path.join(dest, BOOTS_DIR)
    os.makedirs(bdir, exist_ok=True)
    for s in systems:
        for i, entries in enumerate(per_boot[s]):
            write_fuchsiaperf(os.path.join(bdir, f"{s}-{i + 1}.fuchsiaperf.json"),
                              to_json(entries, SUITES[s]))
        for b in range(1, n_boots):
            log = os.path.join(work, boot_log_name(s, b))
            if os.path.exists(log):
                shutil.copyfile(log, os.path.join(bdir, boot_log_name(s, b)))


def load_boots(run_dir: str, system: str) -> List[Dict[str, Entry]]:
    """The per-boot results of a run folder: boots/<system>-<i>.fuchsiaperf.json, or the one
    `<system>.fuchsiaperf.json` of a single-boot run ([{}] when there is none)."""
    bdir = os.path.join(run_dir, BOOTS_DIR)
    names = sorted((n for n in (os.listdir(bdir) if os.path.isdir(bdir) else [])
                    if re.fullmatch(rf"{system}-\d+\.fuchsiaperf\.json", n)),
                   key=lambda n: int(n.split("-")[-1].split(".")[0]))
    if names:
        return [as_dict(load_json_file(os.path.join(bdir, n))) for n in names]
    p = os.path.join(run_dir, f"{system}.fuchsiaperf.json")
    return [as_dict(load_json_file(p))] if os.path.exists(p) else [{}]


# The SMP scaling figures of a run with more than one CPU (harness/smpreport.py).
SMP_SCALING_CSV = "smp_scaling.csv"

PATH_LENGTH_RUNS = 20   # icount is deterministic: a few runs per label are the figure
PATH_LENGTH_COLUMNS = ["label", "zc_instructions", "linux_instructions", "zc_over_linux",
                       "equal_work"]


def path_length_pass(a, work: str, dest: str, baseline, out) -> Optional[str]:
    """A full run's icount section: zc and Linux (as shipped) booted once more under icount with
    PATH_LENGTH_RUNS runs per label; writes {zc,linux}.icount.fuchsiaperf.json and
    pathlength.csv to the run folder and returns the report's table (None when a boot failed).
    Always with one CPU, whatever the run's CPU count: a path length is one call's instructions
    (the SMP/ labels are left out of it), and Linux under icount with -smp 2 did not reach its
    init in 2 minutes here (icount runs the vCPUs in turn on one host thread)."""
    opts = ["--runs", str(PATH_LENGTH_RUNS)] + (["--filter", a.filter] if a.filter else [])
    guest_opts = " ".join(opts)
    linux_info = load_linux_kernel_info(a.linux_dir)
    linux_initrd = a.linux_initrd or os.path.join(a.linux_dir, "initramfs.cpio")
    guests = {"zc": (a.kernel, a.initrd, f"init=bin/zc-bench {guest_opts}"),
              "linux": (linux_info.get("vmlinuz_path"), linux_initrd,
                        f"{LINUX_CMDLINE['linux']} -- {guest_opts}")}
    entries = {}
    for system, (kernel, initrd, cmdline) in guests.items():
        out.write(f"bench: path length: booting {system} under icount: {cmdline}\n")
        out.flush()
        progress = Progress(system, out, time.monotonic(), a.verbose)
        g = run_guest(system, kernel, initrd, cmdline, "icount",
                      a.timeout or DEFAULT_TIMEOUT[False], a.memory,
                      os.path.join(work, f"{system}.icount.log"), progress, a.qemu,
                      heartbeat=out, smp=1)
        if g.no_match:
            out.write("bench: path length: no label of the filter exists with one CPU; "
                      "skipped\n")
            return None
        if g.error or not g.entries:
            out.write(f"bench: path length: {system} FAILED: {g.error or 'no results'}\n")
            return None
        entries[system] = g.entries
        shutil.copyfile(os.path.join(work, f"{system}.icount.log"),
                        os.path.join(dest, f"{system}.icount.log"))
        write_fuchsiaperf(os.path.join(dest, f"{system}.icount.fuchsiaperf.json"),
                          to_json(g.entries, SUITES[system]))
    rows = summary_rows(entries["zc"], entries["linux"], baseline, None)
    with open(os.path.join(dest, "pathlength.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PATH_LENGTH_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(path_length_rows(rows))
    return path_length_table(rows) + targets_section(entries["zc"], entries["linux"], rows, dest)


def targets_section(zc: Sequence[Entry], linux: Sequence[Entry], rows: List[dict], dest: str) -> str:
    """Issue 18's path-length targets from the icount section (harness/perftargets.py), also
    written to targets.csv."""
    unequal = {r["label"] for r in rows if r.get("equal_work") == "no"}
    not_path = lambda label: bool(MEMCPY_LIMITED.match(label)) or _bulk_message(label) or label in unequal
    results = perftargets.evaluate({e.label: e.values for e in zc}, {e.label: e.values for e in linux},
                                   bulk=not_path)
    with open(os.path.join(dest, "targets.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["target", "median", "lo", "hi", "bound", "result", "unit"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(perftargets.csv_records(results))
    return ("\n== path-length targets (issue 18; icount, this run: median [95% bootstrap interval] of the runs; "
            "Linux as shipped; met only when the whole interval is within the bound)\n" +
            table(["target", "figure", "bound", "result", "note"], perftargets.table_rows(results),
                  left=(0, 3, 4)))


def main_run(a) -> int:
    out = sys.stdout
    wall_start = time.monotonic()
    check_filter(a.filter)
    if a.mode not in qemu.MODES:
        raise BenchError(f"unknown mode '{a.mode}' (choose from {', '.join(qemu.MODES)})", 2)
    requested = a.systems.split(",")
    if not a.systems or set(requested) - set(SYSTEMS) - set(NATIVE_SYSTEMS):
        raise BenchError(f"--systems takes a comma list of {', '.join(SYSTEMS + NATIVE_SYSTEMS)}"
                         f", not '{a.systems}'", 2)
    systems = [s for s in SYSTEMS if s in requested]
    native_systems = [s for s in NATIVE_SYSTEMS if s in requested]
    native_binaries = {"zc-hosted": a.hosted_bin, "linux-host": a.linux_bench_bin}
    native.check_binaries(native_systems, native_binaries, a.initrd)
    if not systems:
        return native_only_run(a, native_systems, native_binaries, wall_start)
    try:
        binary = qemu.find_qemu(a.qemu)
        mode, why = qemu.choose_mode(a.mode, binary, a.kernel, a.initrd)
    except qemu.HarnessError as e:
        raise BenchError(str(e), 2) from None
    out.write(f"bench: mode: {why}\n")
    health = None
    if mode == "kvm":  # forced or chosen: record whether this KVM is a real one (cached probe)
        health = qemu.kvm_health(binary, a.kernel, a.initrd)
        if not health.healthy:
            out.write(f"bench: warning: {health.reason}: this run's times say nothing about "
                      "KVM on hardware and are not compared with the 2020 KVM figures\n")
    any_linux = any(s.startswith("linux") for s in systems)
    linux_info = load_linux_kernel_info(a.linux_dir) if any_linux else {}
    linux_initrd = a.linux_initrd or os.path.join(a.linux_dir, "initramfs.cpio")
    for what, path in ((("zc kernel", a.kernel), ("zc bootfs", a.initrd)) if "zc" in systems
                       else ()) + ((("Linux initramfs", linux_initrd),) if any_linux
                                   else ()):
        if not os.path.isfile(path):
            raise BenchError(f"{what} {path} not found (build it with `make`)", 2)

    opts = build_options(a)
    start = datetime.datetime.now(datetime.timezone.utc)
    commit = git("rev-parse", "--short", "HEAD") or "nocommit"
    name = run_name(start, commit, mode)
    work = os.path.join(a.work_dir, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    guest_opts = " ".join(opts)
    cmdlines = {"zc": f"init=bin/zc-bench {guest_opts}".strip(),
                **{s: f"{LINUX_CMDLINE[s]} -- {guest_opts}".strip() for s in LINUX_CMDLINE}}
    boot = {"zc": (a.kernel, a.initrd),
            "linux": (linux_info.get("vmlinuz_path"), linux_initrd),
            "linux_nomit": (linux_info.get("vmlinuz_path"), linux_initrd)}
    timeout = a.timeout or DEFAULT_TIMEOUT[bool(a.quick)]
    out.write(f"bench: {name}: {', '.join(systems)} in QEMU {mode} (q35, -cpu max, -smp {a.smp}, "
              f"{a.memory}), "
              f"{'QUICK, ' if a.quick else ''}options: {guest_opts}\n")
    if any_linux:
        out.write(f"bench: Linux peer: {linux_info.get('package')} {linux_info.get('version')}\n")
    out.flush()

    runs: Dict[str, GuestRun] = {}
    n_boots = a.boots or (1 if a.quick else FULL_BOOTS)
    boot_runs: Dict[str, List[GuestRun]] = {s: [] for s in systems}
    # Boots alternate between the systems (zc, linux, zc, linux, ...), so that a slow spell
    # of the host falls on both.
    for b, system in [(b, s) for b in range(n_boots) for s in systems]:
        if system in runs and not runs[system].ok:
            continue   # a system that failed is not booted again
        kernel, initrd = boot[system]
        what = system if n_boots == 1 else f"{system} (boot {b + 1}/{n_boots})"
        out.write(f"bench: booting {what}: {cmdlines[system]}\n")
        out.flush()
        progress = Progress(system, out, wall_start, a.verbose,
                            previous=previous_durations(a.results_dir, mode, opts, system))
        g = run_guest(system, kernel, initrd, cmdlines[system], mode, timeout, a.memory,
                      os.path.join(work, boot_log_name(system, b)), progress, a.qemu,
                      heartbeat=out, smp=a.smp)
        boot_runs[system].append(g)
        if b > 0:
            if g.error:
                runs[system].error = f"boot {b + 1}: {g.error}"
            out.write(f"bench: {system}: boot {b + 1}: " +
                      (f"FAILED: {g.error}" if g.error else f"{len(g.entries)} results") +
                      f" in {g.result.seconds if g.result else 0.0:.1f} s\n")
            continue
        runs[system] = g
        secs = g.result.seconds if g.result else 0.0
        if g.bad_args or (g.no_match and system == systems[0]):
            shutil.rmtree(work, ignore_errors=True)
            msg = g.message or "exit status 2"
            raise BenchError(f"{system} refused the options ({guest_opts}):\n  " +
                             msg.replace("\n", "\n  "), 2)
        if g.no_match:
            out.write(f"bench: {system}: no benchmark matches the filter here "
                      f"(no analogue); {secs:.1f} s\n")
        elif g.error:
            out.write(f"bench: {system}: FAILED: {g.error} ({secs:.1f} s)\n")
            for m in FAILED_TEST.finditer(g.result.log_text if g.result else ""):
                out.write(f"bench: {system}: test {m.group(1)} failed: {m.group(2)}\n")
            tail = guest_message(g.result.log_text, 12) if g.result else ""
            if tail:
                out.write("bench: its last lines:\n    " + tail.replace("\n", "\n    ") + "\n")
        else:
            out.write(f"bench: {system}: {len(g.entries)} results in {secs:.1f} s\n")
        out.flush()
        if system == "zc" and not g.entries:
            out.write(f"bench: zc reported nothing; Linux not booted, no run folder written. "
                      f"Logs: {work}/\n")
            return 1

    footprint = None
    if "zc" in systems and not a.filter and not runs["zc"].error:
        footprint = measure_footprint(a, mode, work, out)
        out.flush()

    per_boot = {s: [g.entries for g in boot_runs.get(s, []) if g.entries] for s in SYSTEMS}
    for s in systems:
        runs[s].entries = merge_boots(per_boot[s])
    zc_run = runs.get("zc")
    zc_entries = zc_run.entries if zc_run else []
    linux_entries = runs["linux"].entries if "linux" in runs else []
    baseline = load_baseline()
    boots = {s: [as_dict(e) for e in per_boot[s]] or [{}] for s in SYSTEMS}
    rows = summary_rows(zc_entries, linux_entries, baseline, boots)
    verdict = compute_verdict(zc_entries, linux_entries, boots)
    verdict.update({"mode": mode, "quick": bool(a.quick), "run": name})

    dest = os.path.join(a.results_dir, name)
    os.makedirs(dest, exist_ok=True)
    for system in systems:
        write_fuchsiaperf(os.path.join(dest, f"{system}.fuchsiaperf.json"),
                          to_json(runs[system].entries, SUITES[system]))
        log = os.path.join(work, f"{system}.log")
        if os.path.exists(log):
            shutil.copyfile(log, os.path.join(dest, f"{system}.log"))
    if n_boots > 1:
        write_boots(dest, work, per_boot, systems, n_boots)
    if os.path.exists(os.path.join(work, "thread-footprint.log")):
        shutil.copyfile(os.path.join(work, "thread-footprint.log"), os.path.join(dest, "thread-footprint.log"))
    write_summary_csv(os.path.join(dest, "summary.csv"), rows)
    write_json(os.path.join(dest, "verdict.json"), verdict)
    scaling = smp_records(zc_entries, linux_entries, boots, a.smp)
    if scaling:
        with open(os.path.join(dest, SMP_SCALING_CSV), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=smpreport.CSV_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(smpreport.csv_rows(scaling))
    # Every full run also measures path length (icount), the figure emulation does not distort.
    path_table = None
    if mode != "icount" and not a.quick and "zc" in runs and "linux" in runs and \
            runs["zc"].entries and runs["linux"].entries:
        path_table = path_length_pass(a, work, dest, baseline, out)
    native_text, native_meta, native_failed = None, None, []
    if native_systems:
        native_text, native_meta, native_failed = native.native_pass(
            native_systems, native_binaries, a.initrd, opts, n_boots, timeout, work, dest, out)
    meta = {
        **commit_meta(commit),
        "mode": mode, "quick": bool(a.quick),
        "date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "qemu_version": qemu_version(binary), "qemu_cpu": "-cpu " + (qemu.kvm_cpu(binary, os.path.dirname(os.path.abspath(a.kernel)))
                                if mode == "kvm" else qemu.CPU),
        "machine": qemu.MACHINE, "memory": a.memory, "smp": a.smp, "smp_scale_ops": smpreport.SCALE_OPS,
        "host_cpu": host_cpu(), "host_cores": os.cpu_count(),
        "linux_kernel": (f"{linux_info.get('package')} {linux_info.get('version')}"
                         if linux_info else None),
        "boots": {s: len(per_boot[s]) for s in systems},
        "zc_runs": {e.label: len(e.values) for e in zc_entries},
        "linux_runs": {e.label: len(e.values) for e in linux_entries},
        "wall_seconds": None,
        "thread_footprint": footprint,
        "kvm_health": health.__dict__ if health else None,
        "path_length": {"runs": PATH_LENGTH_RUNS, "mode": "icount", "smp": 1,
                        "file": "pathlength.csv"} if path_table else None,
        "native": native_meta,
        "options": opts, "filter": a.filter or (QUICK_FILTER if a.quick else None),
        "cmdlines": {s: cmdlines[s] for s in systems},
        "guests": {s: {"outcome": runs[s].result.outcome if runs[s].result else "not booted",
                       "status": runs[s].result.status if runs[s].result else None,
                       "seconds": round(runs[s].result.seconds, 2) if runs[s].result else None,
                       "results": len(runs[s].entries), "no_match": runs[s].no_match,
                       "error": runs[s].error} for s in systems},
    }
    meta["mitigations"] = {s: (ZC_MITIGATIONS if s == "zc" else dict(VULNERABILITY.findall(
        runs[s].result.log_text)) if runs[s].result else {}) for s in systems}
    failed = [s for s in systems if runs[s].error]
    meta["wall_seconds"] = round(time.monotonic() - wall_start, 1)
    write_json(os.path.join(dest, "meta.json"), meta)
    shutil.rmtree(work, ignore_errors=True)

    out.write("\n" + report(zc_entries, linux_entries, mode, baseline, verdict, rows, boots,
                             meta.get("mitigations"),
                             kvm_unhealthy=health.reason if health and not health.healthy
                             else None, smp=a.smp))
    if path_table:
        out.write(path_table)
    if native_text:
        out.write(native_text)
    out.write(f"\nbench: run folder {os.path.relpath(dest, ROOT) if dest.startswith(ROOT) else dest}"
              f" ({meta['wall_seconds']:.0f} s)\n")
    for s in failed:
        out.write(f"bench: FAILED: {runs[s].error} (see {s}.log in the run folder)\n")
    zc_ok = "zc" in runs and bool(runs["zc"].entries)
    linux_failed = [s for s in failed if s.startswith("linux")]
    if mode == "kvm" and linux_failed and zc_ok:
        out.write("bench: the Linux peer did not finish under this KVM, so this run has zc's "
                  "figures alone and no zc/Linux ratios; on a KVM that emulates guest kernel "
                  "code (docs/kvm.md) use MODE=tcg for the comparison\n")
        if health and not health.healthy and len(linux_failed) == len(failed):
            return 0  # the host's limit, said above; zc's run is complete
    if failed or native_failed:
        return 1
    return 0


def commit_meta(commit: str) -> dict:
    """meta.json's commit, its subject and whether the tree was dirty."""
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit,
            "commit_subject": git("log", "-1", "--format=%s") if commit != "nocommit" else None,
            "dirty": bool(status) if status is not None else None}


def native_only_run(a, native_systems: List[str], binaries: Dict[str, str],
                    wall_start: float) -> int:
    """`--systems` with native systems only: no QEMU; the run folder's mode is `native`."""
    out = sys.stdout
    check_filter(a.filter)
    opts = build_options(a)
    start = datetime.datetime.now(datetime.timezone.utc)
    commit = git("rev-parse", "--short", "HEAD") or "nocommit"
    name = run_name(start, commit, "native")
    work, dest = os.path.join(a.work_dir, name), os.path.join(a.results_dir, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.makedirs(dest, exist_ok=True)
    n_runs = a.boots or (1 if a.quick else FULL_BOOTS)
    out.write(f"bench: {name}: {', '.join(native_systems)} natively on this host (no QEMU), "
              f"{'QUICK, ' if a.quick else ''}options: {' '.join(opts)}\n")
    text, native_meta, errors = native.native_pass(
        native_systems, binaries, a.initrd, opts, n_runs, a.timeout or DEFAULT_TIMEOUT[bool(a.quick)],
        work, dest, out)
    meta = {**commit_meta(commit), "mode": "native",
            "quick": bool(a.quick), "date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host_cpu": host_cpu(), "host_cores": os.cpu_count(), "native": native_meta,
            "smp_scale_ops": smpreport.SCALE_OPS,
            "options": opts, "filter": a.filter or (QUICK_FILTER if a.quick else None),
            "wall_seconds": round(time.monotonic() - wall_start, 1)}
    write_json(os.path.join(dest, "meta.json"), meta)
    shutil.rmtree(work, ignore_errors=True)
    out.write(text)
    out.write(f"\nbench: run folder {os.path.relpath(dest, ROOT) if dest.startswith(ROOT) else dest}"
              f" ({meta['wall_seconds']:.0f} s)\n")
    return 1 if errors else 0


def main_report(run_dir: str) -> int:
    def load(name):
        p = os.path.join(run_dir, name)
        return load_json_file(p) if os.path.exists(p) else []
    try:
        with open(os.path.join(run_dir, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise BenchError(f"{run_dir}: no readable meta.json ({e})", 2) from None
    if meta.get("mode") == "native":
        sys.stdout.write(native.recorded_section(run_dir, meta))
        return 0
    zc_entries, linux_entries = load("zc.fuchsiaperf.json"), load("linux.fuchsiaperf.json")
    baseline = load_baseline()
    boots = {s: load_boots(run_dir, s) for s in SYSTEMS}
    verdict = compute_verdict(zc_entries, linux_entries, boots)
    sys.stdout.write(report(zc_entries, linux_entries, meta.get("mode", "?"), baseline, verdict,
                            boots=boots, mitigations=meta.get("mitigations"),
                            smp=meta.get("smp", 1),
                            smp_scale_ops=meta.get("smp_scale_ops", smpreport.LEGACY_SCALE_OPS)))
    sys.stdout.write(native.recorded_section(run_dir, meta))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="harness.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", default="auto", help="auto (kvm when usable, else tcg), kvm, tcg "
                   "or icount (%(default)s)")
    p.add_argument("--quick", action="store_true",
                   help="representative subset (the verdict's labels), fewer runs")
    p.add_argument("--filter", default=None, help="POSIX extended regex on the label (replaces "
                   "the QUICK subset when both are given)")
    p.add_argument("--runs", type=int, default=None, help="fixed run count per test")
    p.add_argument("--boots", type=int, default=None,
                   help=f"boots per system (default {FULL_BOOTS}, QUICK 1)")
    p.add_argument("--min-runs", type=int, default=None)
    p.add_argument("--max-runs", type=int, default=None)
    p.add_argument("--budget-ms", type=int, default=None, help="guest time budget per test")
    p.add_argument("--systems", default=",".join(SYSTEMS + NATIVE_SYSTEMS),
                   help="a comma list of zc, linux (as shipped), linux_nomit (booted with "
                   "mitigations=off), and the native systems zc-hosted (zc as a Linux process) "
                   "and linux-host (the Linux benchmarks on the host's Linux), reported apart "
                   "(%(default)s)")
    p.add_argument("--hosted-bin", default="build/hosted/zc-hosted",
                   help="zc-hosted (%(default)s; `make hosted`)")
    p.add_argument("--linux-bench-bin", default="build/linux/bench/linux-bench",
                   help="the Linux benchmark program run on the host (%(default)s)")
    p.add_argument("--kernel", default="build/kernel/zc.elf")
    p.add_argument("--initrd", default="build/bootfs.cpio")
    p.add_argument("--linux-dir", default="build/linux",
                   help="where tools/setup.sh --linux-kernel put the kernel (%(default)s)")
    p.add_argument("--linux-initrd", default=None,
                   help="the peer's initramfs (default LINUX_DIR/initramfs.cpio)")
    p.add_argument("--results-dir", default=os.path.join(ROOT, "results", "runs"))
    p.add_argument("--work-dir", default="build/bench",
                   help="logs of a run until it is complete (%(default)s)")
    p.add_argument("--timeout", type=float, default=None,
                   help=f"seconds per boot (default {DEFAULT_TIMEOUT[False]:g}, "
                   f"QUICK {DEFAULT_TIMEOUT[True]:g})")
    p.add_argument("--memory", default=qemu.DEFAULT_MEMORY)
    p.add_argument("--smp", type=qemu.smp_arg, default=qemu.DEFAULT_SMP,
                   help=f"guest CPUs, 1..{qemu.MAX_SMP} (%(default)s)")
    p.add_argument("--qemu", default=None)
    p.add_argument("--verbose", action="store_true", help="echo the serial consoles")
    p.add_argument("--report", metavar="RUN_DIR", help="print the report of a recorded run")
    return p


def main(argv=None) -> int:
    a = parser().parse_args(argv)
    try:
        if a.report:
            return main_report(a.report)
        for n in ("runs", "min_runs", "max_runs", "budget_ms", "boots"):
            v = getattr(a, n)
            if v is not None and v <= 0:
                raise BenchError(f"--{n.replace('_', '-')} must be positive", 2)
        return main_run(a)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
