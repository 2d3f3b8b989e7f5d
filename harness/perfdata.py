"""Reading recorded benchmark results: run folders, fuchsiaperf JSON, summary.csv and the
published baselines (docs/results.md). Shared by compare, benchcheck, bisect and the dashboard.

Every loader raises RunError with a message that names the file and what is wrong with it."""

import csv
import json
import math
import os
import re
import statistics
from dataclasses import dataclass, field
from typing import Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS_DIR = os.path.join(ROOT, "results", "runs")
BASELINES_DIR = os.path.join(ROOT, "results", "baselines")
ZIRCON_ZCORE_CSV = os.path.join(BASELINES_DIR, "zircon-zcore-2020.csv")
MEMCPY_THESIS_CSV = os.path.join(BASELINES_DIR, "memcpy-rlibc-vs-musl-2020.csv")

RUN_NAME = re.compile(r"^(\d{8}-\d{6})-([0-9a-zA-Z]+)-([a-z0-9]+)$")
MODES = ("kvm", "tcg", "icount", "host", "native")
# fuchsiaperf units -> nanoseconds (perftest writes "nanoseconds"; accept the usual spellings)
UNIT_NS = {"nanoseconds": 1.0, "ns": 1.0, "microseconds": 1e3, "us": 1e3,
           "milliseconds": 1e6, "ms": 1e6, "seconds": 1e9, "s": 1e9}
ZC_FILE = "zc.fuchsiaperf.json"
LINUX_FILE = "linux.fuchsiaperf.json"
LINUX_NOMIT_FILE = "linux_nomit.fuchsiaperf.json"   # Linux booted with mitigations=off
SUMMARY_FILE = "summary.csv"
META_FILE = "meta.json"
MEMCPY_FILE = "memcpy.gbench.json"
BOOTS_DIR = "boots"            # multi-boot runs: boots/<system>-<i>.fuchsiaperf.json


class RunError(Exception):
    """A run folder or results file that cannot be used; the message says which and why."""


def median(values) -> Optional[float]:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def family(label: str) -> str:
    """The benchmark family: the label up to its first '/' or '.', and there up to its first
    '_' (Vmo, Channel, Syscall, HandleCreate, RoundTrip ...)."""
    return re.split(r"[/.]", label, 1)[0].split("_", 1)[0]


def load_fuchsiaperf(path: str) -> Dict[str, List[float]]:
    """{label: [nanoseconds per run]} in file order. Raises RunError on anything malformed."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise RunError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RunError(f"{path}: cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise RunError(f"{path}: not JSON: {e}") from None
    return parse_fuchsiaperf(data, path)


def parse_fuchsiaperf(data, where: str = "fuchsiaperf") -> Dict[str, List[float]]:
    if not isinstance(data, list):
        raise RunError(f"{where}: expected a JSON list of results, got {type(data).__name__}")
    out: Dict[str, List[float]] = {}
    for i, e in enumerate(data):
        if not isinstance(e, dict):
            raise RunError(f"{where}: entry {i} is not an object")
        label = e.get("label")
        if not isinstance(label, str) or not label:
            raise RunError(f"{where}: entry {i} has no label")
        values = e.get("values")
        if not isinstance(values, list) or not values:
            raise RunError(f"{where}: '{label}' has no values")
        unit = e.get("unit", "nanoseconds")
        if unit not in UNIT_NS:
            raise RunError(f"{where}: '{label}' has unit '{unit}' (expected nanoseconds)")
        scale = UNIT_NS[unit]
        vals = []
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise RunError(f"{where}: '{label}' has a value that is not a number: {v!r}")
            vals.append(float(v) * scale)
        out.setdefault(label, []).extend(vals)
    return out


def load_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise RunError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunError(f"{path}: not readable JSON: {e}") from None
    if not isinstance(data, dict):
        raise RunError(f"{path}: expected a JSON object")
    return data


def _float(cell) -> Optional[float]:
    try:
        v = float(cell)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def load_summary(path: str) -> Dict[str, dict]:
    """summary.csv as {label: row}; numeric cells become floats (None when empty)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise RunError(f"{path}: cannot read: {e}") from None
    out = {}
    for row in rows:
        label = row.get("label")
        if not label:
            raise RunError(f"{path}: a row has no label")
        out[label] = {k: (v if k in ("label", "limit_label") else _float(v))
                      for k, v in row.items() if k is not None}
    return out


@dataclass
class Run:
    path: str
    meta: dict
    zc: Optional[Dict[str, List[float]]] = None
    linux: Optional[Dict[str, List[float]]] = None
    linux_nomit: Optional[Dict[str, List[float]]] = None
    summary: Optional[Dict[str, dict]] = None
    problems: List[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return os.path.basename(os.path.normpath(self.path))

    @property
    def kvm_comparable(self) -> bool:
        """A kvm run on a healthy KVM: the only kind whose times stand beside the 2020 KVM
        figures. A run on a KVM that emulates guest kernel code (meta kvm_health) is not."""
        health = self.meta.get("kvm_health")
        return self.meta.get("mode") == "kvm" and not (
            isinstance(health, dict) and health.get("healthy") is False)

    @property
    def mode(self) -> str:
        return self.meta.get("mode") or "?"

    @property
    def commit(self) -> str:
        return self.meta.get("commit") or "?"

    @property
    def date(self) -> str:
        return self.meta.get("date") or ""

    @property
    def is_host(self) -> bool:
        return self.mode == "host"

    def files(self) -> List[str]:
        return sorted(f for f in os.listdir(self.path)
                      if os.path.isfile(os.path.join(self.path, f)))

    def boots(self, system: str) -> List[Dict[str, List[float]]]:
        """The per-boot samples of one system: boots/<system>-<i>.fuchsiaperf.json of a
        multi-boot run (harness/bench.py), else its one merged file as a single boot."""
        bdir = os.path.join(self.path, BOOTS_DIR)
        rx = re.compile(rf"{re.escape(system)}-(\d+)\.fuchsiaperf\.json")
        found = sorted(((int(m.group(1)), n) for n in (os.listdir(bdir) if os.path.isdir(bdir)
                                                       else []) for m in [rx.fullmatch(n)] if m))
        if found:
            return [load_fuchsiaperf(os.path.join(bdir, n)) for _, n in found]
        data = getattr(self, system, None)
        return [data] if data is not None else []

    def zc_median(self, label) -> Optional[float]:
        return median(self.zc.get(label, [])) if self.zc else None

    def linux_median(self, label) -> Optional[float]:
        return median(self.linux.get(label, [])) if self.linux else None


def load_run(path: str, need_zc: bool = False, strict: bool = True) -> Run:
    """Load a run folder. Its mode comes from meta.json, else from the folder name.

    strict: a malformed file raises RunError; otherwise it is skipped and noted in problems.
    need_zc: a run without zc.fuchsiaperf.json raises RunError."""
    if not os.path.isdir(path):
        raise RunError(f"{path}: no such run folder")
    meta_path = os.path.join(path, META_FILE)
    problems = []
    meta: dict = {}
    if os.path.exists(meta_path):
        try:
            meta = load_json(meta_path)
        except RunError as e:
            if strict:
                raise
            problems.append(str(e))
    m = RUN_NAME.match(os.path.basename(os.path.normpath(path)))
    if not meta.get("mode") and m:
        meta["mode"] = m.group(3)
    if not meta.get("commit") and m:
        meta["commit"] = m.group(2)
    if not meta.get("date") and m:
        d = m.group(1)
        meta["date"] = f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[9:11]}:{d[11:13]}:{d[13:15]}Z"
    run = Run(path=path, meta=meta, problems=problems)

    def load(name):
        p = os.path.join(path, name)
        if not os.path.exists(p):
            return None
        try:
            return load_fuchsiaperf(p)
        except RunError as e:
            if strict:
                raise
            problems.append(str(e))
            return None

    run.zc = load(ZC_FILE)
    run.linux = load(LINUX_FILE)
    run.linux_nomit = load(LINUX_NOMIT_FILE)
    sp = os.path.join(path, SUMMARY_FILE)
    if os.path.exists(sp):
        try:
            run.summary = load_summary(sp)
        except RunError as e:
            if strict:
                raise
            problems.append(str(e))
    if need_zc and run.zc is None:
        what = " (a host memcpy run)" if run.is_host else ""
        raise RunError(f"{path}: no {ZC_FILE}{what}")
    return run


def list_runs(runs_dir: str = RUNS_DIR) -> List[str]:
    """Run folders in date order (their names start with the UTC date)."""
    if not os.path.isdir(runs_dir):
        return []
    return [os.path.join(runs_dir, n) for n in sorted(os.listdir(runs_dir))
            if os.path.isdir(os.path.join(runs_dir, n)) and not n.startswith(".")]


def resolve_run(arg: str, runs_dir: str = RUNS_DIR) -> str:
    """A run folder from a path, a folder name under results/runs (or the start of one),
    `latest` / `latest-N` (benchmark runs, not host runs), or a commit (at least 4 hex digits)
    that matches exactly one run folder."""
    if os.path.isdir(arg):
        return arg
    if os.path.isfile(arg) and os.path.basename(arg) == ZC_FILE:
        return os.path.dirname(arg) or "."
    runs = list_runs(runs_dir)
    m = re.fullmatch(r"latest(?:-(\d+))?", arg)
    if m:
        guest = [r for r in runs if not r.endswith(("-host", "-native"))]
        k = int(m.group(1) or 0)
        if k >= len(guest):
            raise RunError(f"{arg}: there are only {len(guest)} benchmark runs in {runs_dir}")
        return guest[-1 - k]
    def matches(run):
        name = os.path.basename(run)
        m = RUN_NAME.match(name)
        return name.startswith(arg) or (m is not None and len(arg) >= 4
                                        and m.group(2).startswith(arg))
    hits = [r for r in runs if matches(r)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise RunError(f"{arg}: no such run folder (not a path, nor a name in {runs_dir})")
    raise RunError(f"{arg}: matches {len(hits)} runs: "
                   + ", ".join(os.path.basename(h) for h in hits[:5]))


def load_baseline(path: str = ZIRCON_ZCORE_CSV) -> Dict[str, dict]:
    """{label: {"zircon": ns, "zcore": ns}} from results/baselines/zircon-zcore-2020.csv."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("label"):
                out[row["label"]] = {"zircon": _float(row.get("zircon_ns")),
                                     "zcore": _float(row.get("zcore_ns"))}
    return out


LIMIT_VMO = re.compile(r"^Vmo/(Read|Write)/(\d+kbytes)$")
NULL_CALL = "Syscall/Null"


def limit_of(run: Run, label: str) -> Optional[str]:
    """The in-guest floor of a label: summary.csv's limit_label when the run has one, else
    Vmo/Read|Write/SIZE -> a Limit/Memcpy/SIZE label of the run, other calls -> Syscall/Null."""
    if run.summary and label in run.summary:
        return run.summary[label].get("limit_label") or None
    if not run.zc or label.startswith("Limit/") or label == NULL_CALL:
        return None
    m = LIMIT_VMO.match(label)
    if m:
        for cand in (f"Limit/Memcpy/{m.group(2)}", f"Limit/Memcpy/{m.group(1)}/{m.group(2)}"):
            if cand in run.zc:
                return cand
        return None
    return NULL_CALL if NULL_CALL in run.zc else None
