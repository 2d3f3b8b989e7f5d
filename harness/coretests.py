"""The core-tests suite next to zCore's 2020 results: one row per area (the part of a test name
before the first '.') with zc's passed/total and, from results/baselines/zcore-core-tests-2020.csv,
what zCore reported for the suite of the same name ("-" when zCore has no such row).

`harness test` prints the table (testrun.report) after the per-area counts and before the closing
`N passed, N failed` line. See docs/core-tests.md.
"""

import csv
import os
from typing import Dict, List, Optional, Sequence, Tuple

SUITE = "core-tests"  # basename of the in-guest suite, bin/core-tests
SUITES = (SUITE, "core-tests-2")  # the object model, parts 1 and 2
BASELINE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "results", "baselines", "zcore-core-tests-2020.csv")


def load_baseline(path: str = BASELINE) -> Dict[str, Tuple[int, int]]:
    """{suite: (zcore_passed, total)} from the CSV (header suite,zcore_passed,total); {} if the
    file is missing."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return {row["suite"]: (int(row["zcore_passed"]), int(row["total"]))
                    for row in csv.DictReader(f) if row.get("suite")}
    except FileNotFoundError:
        return {}


def area_totals(cases) -> Dict[str, Tuple[int, int]]:
    """{area: (passed, total)} over the cases of one suite (objects with .area and .passed)."""
    out: Dict[str, List[int]] = {}
    for c in cases:
        t = out.setdefault(c.area, [0, 0])
        t[0] += 1 if c.passed else 0
        t[1] += 1
    return {a: (p, n) for a, (p, n) in out.items()}


def format_table(zc: Dict[str, Tuple[int, int]],
                 zcore: Dict[str, Tuple[int, int]], suite: str = SUITE) -> List[str]:
    """The table lines: a title, a header, one row per zc area (sorted), a total row. The zCore
    total sums the rows shown that zCore has."""
    if not zc:
        return []
    rows = []
    for area in sorted(zc):
        p, n = zc[area]
        z = zcore.get(area)
        rows.append((area, f"{p}/{n}", f"{z[0]}/{z[1]}" if z else "-"))
    zc_p = sum(p for p, _ in zc.values())
    zc_n = sum(n for _, n in zc.values())
    matched = [zcore[a] for a in zc if a in zcore]
    z_total = f"{sum(p for p, _ in matched)}/{sum(n for _, n in matched)}" if matched else "-"
    rows.append(("total", f"{zc_p}/{zc_n}", z_total))
    head = ("area", "zc passed/total", "zCore 2020 passed/total")
    w0 = max(len(head[0]), *(len(r[0]) for r in rows))
    w1 = max(len(head[1]), *(len(r[1]) for r in rows))
    lines = [f"{suite} vs zCore 2020 (results/baselines/zcore-core-tests-2020.csv):"]
    lines += [f"  {a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in (head, *rows)]
    return lines


def table(results: Sequence, baseline: Optional[Dict[str, Tuple[int, int]]] = None) -> List[str]:
    """Table lines for each core-tests suite (parts 1 and 2) among `results`
    (testrun.SuiteResult); [] when the run had none."""
    lines: List[str] = []
    for suite in SUITES:
        cases = [c for r in results
                 if r.kind == "qemu" and os.path.basename(r.name) == suite for c in r.cases]
        if cases:
            lines += format_table(area_totals(cases), load_baseline() if baseline is None else baseline, suite)
    return lines
