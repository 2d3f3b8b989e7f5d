"""The path-length targets of issue 18, checked in a full run's icount section.

Every figure is instructions per run (icount: one virtual ns per guest instruction): the median
of the section's runs with its 95% bootstrap interval (harness/stats.py; icount is
deterministic up to the instructions a timer interrupt or the first runs' page faults add). A
ratio's interval comes from the two bootstrap distributions divided pairwise. A target is "met"
when the whole interval of its figure is within the bound (or the bound's interval), "not met"
when it is wholly outside, else "inconclusive"; "not measured" when a label is missing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from . import stats

Values = Dict[str, Sequence[float]]  # label -> per-run instruction counts


@dataclass
class Figure:
    median: float
    lo: float
    hi: float
    est: Optional[stats.Estimate] = None  # behind a measured figure: its bootstrap, for ratios

    @staticmethod
    def of(values: Optional[Sequence[float]], key: str = "") -> Optional["Figure"]:
        e = stats.estimate([values], key=key) if values else None
        return Figure(e.value, e.low, e.high, e) if e else None

    def scaled(self, k: float) -> "Figure":
        return Figure(self.median * k, self.lo * k, self.hi * k)


def ratio(a: Figure, b: Figure) -> Figure:
    """a / b; its interval from the two bootstrap distributions (stats.ratio), or, without
    them, the quotient of the two intervals."""
    r = stats.ratio(a.est, b.est) if a.est and b.est else None
    if r:
        return Figure(*r)
    return Figure(a.median / b.median, a.lo / b.hi, a.hi / b.lo)


def verdict(fig: Optional[Figure], bound: Optional[Figure]) -> str:
    if fig is None or bound is None:
        return "not measured"
    if fig.hi <= bound.lo:
        return "met"
    if fig.lo > bound.hi:
        return "not met"
    return "inconclusive"


@dataclass
class Row:
    target: str
    figure: Optional[Figure]
    bound: Optional[Figure]
    result: str
    unit: str = "instr"


def _fig(values: Values, label: str) -> Optional[Figure]:
    return Figure.of(values.get(label), key=label)


def evaluate(zc: Values, linux: Values, bulk=lambda label: False) -> List[Row]:
    """The targets, in the issue's order. `bulk(label)`: labels that are bulk copies (left out
    of the last target)."""
    rows: List[Row] = []
    null = _fig(zc, "Syscall/Null")

    def vs_null(label: str, k: float) -> None:
        f = _fig(zc, label)
        bound = null.scaled(k) if null else None
        rows.append(Row(f"{label} <= {k:g} x Syscall/Null", f, bound, verdict(f, bound)))

    rows.append(Row("Syscall/Null <= 120 (benchmark loop included)", null, Figure(120, 120, 120),
                    verdict(null, Figure(120, 120, 120))))
    vs_null("Channel/WriteRead/64bytes/0handles", 3)
    vs_null("Channel/WriteRead/64bytes/1handles", 4)
    for label in ("Event/Signal", "Port/QueueWait.queue", "Port/QueueWait.wait",
                  "Event/Duplicate.duplicate_handle", "Event/Duplicate.close_handle"):
        vs_null(label, 1.5)
    for label in sorted(l for l in zc if l.startswith(("VmoMap/Read/", "Mmu/MapUnmap"))
                        and l in linux and ("." in l or l.startswith("VmoMap/"))):
        f, bound = _fig(zc, label), _fig(linux, label)
        rows.append(Row(f"{label} <= Linux", f, bound, verdict(f, bound)))
    for label in ("Vmo/Read/2048kbytes", "Vmo/Write/2048kbytes"):
        f, mem = _fig(zc, label), _fig(zc, "Limit/Memcpy/2048kbytes")
        r = ratio(f, mem) if f and mem else None
        bound = Figure(1.1, 1.1, 1.1)
        rows.append(Row(f"{label} <= 1.1 x Limit/Memcpy/2048kbytes", r, bound, verdict(r, bound),
                        unit="x memcpy"))
    over = []
    measured = 0
    for label in sorted(set(zc) & set(linux)):
        if label.startswith("Limit/") or bulk(label):
            continue
        r = ratio(_fig(zc, label), _fig(linux, label))
        measured += 1
        if verdict(r, Figure(0.5, 0.5, 0.5)) != "met":
            over.append(label)
    rows.append(Row(f"zc <= 0.5 x Linux on every label that is not a bulk copy "
                    f"({measured - len(over)} of {measured} met)", None, None,
                    "met" if measured and not over else ("not measured" if not measured else "not met"),
                    unit=("over: " + ", ".join(over[:12]) + (" ..." if len(over) > 12 else "")) if over else ""))
    return rows


def _num(x: float, unit: str) -> str:
    return f"{x:.2f}" if unit.startswith("x") else f"{x:.0f}"


def table_rows(rows: List[Row]) -> List[List[str]]:
    out = []
    for r in rows:
        fig = (f"{_num(r.figure.median, r.unit)} [{_num(r.figure.lo, r.unit)}, {_num(r.figure.hi, r.unit)}]"
               if r.figure else "-")
        bound = f"{_num(r.bound.median, r.unit)}" if r.bound else "-"
        out.append([r.target, fig, bound, r.result] + ([r.unit] if r.unit not in ("instr",) else [""]))
    return out


def csv_records(rows: List[Row]) -> List[dict]:
    return [{"target": r.target, "median": r.figure.median if r.figure else "",
             "lo": r.figure.lo if r.figure else "", "hi": r.figure.hi if r.figure else "",
             "bound": r.bound.median if r.bound else "", "result": r.result, "unit": r.unit}
            for r in rows]


def main(argv=None) -> int:
    """Recomputes a run folder's targets from its raw icount files:
    /usr/bin/python3 -m harness.perftargets results/runs/<run>  (prints the table, rewrites
    targets.csv)."""
    import argparse
    import csv
    import os
    import sys

    from . import bench
    ap = argparse.ArgumentParser(prog="harness.perftargets", description=main.__doc__.split("\n")[0])
    ap.add_argument("run", help="a run folder of a full make bench (with zc/linux.icount.fuchsiaperf.json)")
    a = ap.parse_args(argv)
    files = [os.path.join(a.run, f"{s}.icount.fuchsiaperf.json") for s in ("zc", "linux")]
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        print(f"harness.perftargets: {', '.join(missing)} missing: not a full run's folder", file=sys.stderr)
        return 2
    try:
        zc, linux = (bench.load_json_file(f) for f in files)
    except (ValueError, KeyError, OSError) as e:
        print(f"harness.perftargets: cannot read the icount results: {e}", file=sys.stderr)
        return 2
    rows = []
    pl = os.path.join(a.run, "pathlength.csv")
    if os.path.exists(pl):
        with open(pl, newline="") as f:
            rows = list(csv.DictReader(f))
    sys.stdout.write(bench.targets_section(zc, linux, rows, a.run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
