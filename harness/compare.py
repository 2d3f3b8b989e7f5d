"""`/usr/bin/python3 -m harness compare RUN_A RUN_B`: is B faster or slower than A, per label?

When both runs have two or more boots (a full `make bench`), the rule is Fuchsia perfcompare's:
per run and label, one figure per boot (its median) and the 95% Student-t interval of their
mean (harness/stats.py, boot_interval); a label is faster / slower only when the two intervals
do not overlap and the means differ by at least the minimum effect (1%). Boots, not runs, are
the samples: under TCG the spread between boots is larger than inside one, so a test over the
runs of single boots flags most labels of two runs of one commit.

Otherwise (a run with one boot): the medians, B/A, the two-sided Mann-Whitney U p-value of the
two samples (scipy), and a verdict:
  faster / slower   p < alpha (0.05) and the medians differ by at least the minimum effect (1%)
  no significant difference   otherwise
Samples without any spread in both runs (icount runs repeat exactly) are compared by value alone:
there the test has nothing to reject, and a difference of the minimum effect is real.

Exit status: 0 = nothing slower beyond the threshold, 1 = something is, 2 = the runs cannot be
compared (missing run, mismatched modes, malformed files)."""

import argparse
import json
import math
import re
import sys
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional

from . import perfdata, stats
from .perfdata import RunError

ALPHA = 0.05
MIN_EFFECT_PCT = 1.0
EXIT_OK, EXIT_SLOWER, EXIT_ERROR = 0, 1, 2

FASTER, SLOWER, SAME = "faster", "slower", "no significant difference"


@dataclass
class Row:
    label: str
    a_median: float
    b_median: float
    ratio: float          # B / A
    p: Optional[float]    # None when a sample has too few values for the test
    a_runs: int
    b_runs: int
    verdict: str
    exact: bool           # both samples without spread: judged by value
    rule: str = "mann-whitney"        # or "boots" (perfcompare's intervals over boots)
    a_ci: Optional[List[float]] = None   # rule "boots": the 95% interval of each run
    b_ci: Optional[List[float]] = None


def mann_whitney_p(a: List[float], b: List[float]) -> Optional[float]:
    from scipy.stats import mannwhitneyu
    if not a or not b:
        return None
    if len(set(a)) == 1 and set(a) == set(b):
        return 1.0
    p = float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return p if math.isfinite(p) else 1.0


def judge(label: str, a: List[float], b: List[float], alpha: float = ALPHA,
          min_effect_pct: float = MIN_EFFECT_PCT) -> Row:
    ma, mb = perfdata.median(a), perfdata.median(b)
    if ma <= 0:
        ratio = 1.0 if mb == ma else math.inf
    else:
        ratio = mb / ma
    p = mann_whitney_p(a, b)
    exact = max(a) == min(a) and max(b) == min(b)
    effect = abs(ratio - 1.0) * 100.0 >= min_effect_pct - 1e-9
    significant = exact or (p is not None and p < alpha)
    verdict = SAME
    if significant and effect:
        verdict = SLOWER if ratio > 1 else FASTER
    return Row(label, ma, mb, ratio, p, len(a), len(b), verdict, exact)


def judge_boots(label: str, a: List[List[float]], b: List[List[float]],
                min_effect_pct: float = MIN_EFFECT_PCT) -> Row:
    """perfcompare's rule over boots (two or more on each side): faster / slower only when the
    two 95% intervals of the mean of the per-boot medians do not overlap."""
    ia, ib = stats.boot_interval(a), stats.boot_interval(b)
    ma, mb = ia[0], ib[0]
    ratio = (mb / ma) if ma > 0 else (1.0 if mb == ma else math.inf)
    effect = abs(ratio - 1.0) * 100.0 >= min_effect_pct - 1e-9
    exact = ia[1] == ia[2] and ib[1] == ib[2]
    verdict = SAME
    if effect and not stats.overlap(ia[1:], ib[1:]):
        verdict = SLOWER if ratio > 1 else FASTER
    return Row(label, ma, mb, ratio, None, sum(map(len, a)), sum(map(len, b)), verdict, exact,
               "boots", list(ia[1:]), list(ib[1:]))


@dataclass
class Comparison:
    a: perfdata.Run
    b: perfdata.Run
    rows: List[Row]
    only_a: List[str]
    only_b: List[str]
    system: str
    alpha: float
    min_effect_pct: float
    threshold_pct: float

    def slower_beyond(self) -> List[Row]:
        return [r for r in self.rows
                if r.verdict == SLOWER and (r.ratio - 1.0) * 100.0 > self.threshold_pct - 1e-9]

    def counts(self) -> Dict[str, int]:
        c = {FASTER: 0, SLOWER: 0, SAME: 0}
        for r in self.rows:
            c[r.verdict] += 1
        return c


def samples(run: perfdata.Run, system: str) -> Dict[str, List[float]]:
    data = getattr(run, system)
    if data is None:
        name = {"zc": perfdata.ZC_FILE, "linux": perfdata.LINUX_FILE,
                "linux_nomit": perfdata.LINUX_NOMIT_FILE}[system]
        what = " (a host memcpy run)" if run.is_host else ""
        raise RunError(f"{run.path}: no {name}{what}")
    return data


def compare_runs(path_a: str, path_b: str, system: str = "zc", alpha: float = ALPHA,
                 min_effect_pct: float = MIN_EFFECT_PCT, threshold_pct: Optional[float] = None,
                 allow_mode_mismatch: bool = False, labels: Optional[str] = None) -> Comparison:
    a = perfdata.load_run(path_a)
    b = perfdata.load_run(path_b)
    if a.mode != b.mode and not allow_mode_mismatch:
        raise RunError(f"mismatched modes: {a.name} is {a.mode}, {b.name} is {b.mode}; "
                       "only runs of one QEMU mode can be compared")
    sa, sb = samples(a, system), samples(b, system)
    try:
        keep = re.compile(labels) if labels else None
    except re.error as e:
        raise RunError(f"--filter '{labels}': not a regular expression: {e}") from None
    names = [l for l in sa if l in sb and (keep is None or keep.search(l))]
    ba, bb = a.boots(system), b.boots(system)
    rows = []
    for l in names:
        xa, xb = stats.by_label(ba, l), stats.by_label(bb, l)
        if len(xa) >= 2 and len(xb) >= 2:
            rows.append(judge_boots(l, xa, xb, min_effect_pct))
        else:
            rows.append(judge(l, sa[l], sb[l], alpha, min_effect_pct))
    only_a = [l for l in sa if l not in sb and (keep is None or keep.search(l))]
    only_b = [l for l in sb if l not in sa and (keep is None or keep.search(l))]
    if not rows:
        raise RunError(f"{a.name} and {b.name} have no label in common"
                       + (f" matching '{labels}'" if labels else ""))
    return Comparison(a, b, rows, only_a, only_b, system, alpha, min_effect_pct,
                      min_effect_pct if threshold_pct is None else threshold_pct)


def _ns(v: float) -> str:
    return f"{v:.1f}" if v < 1e3 else f"{v:.0f}"


def _p(p: Optional[float], exact: bool, rule: str = "") -> str:
    if exact:
        return "exact"
    if rule == "boots":
        return "boots"
    if p is None:
        return "-"
    return f"{p:.2g}" if p >= 0.001 else f"{p:.1e}"


def _describe(run: perfdata.Run) -> str:
    subject = run.meta.get("commit_subject")
    dirty = " (dirty)" if run.meta.get("dirty") else ""
    return f"{run.name}: {run.mode}, commit {run.commit}{dirty}" + \
        (f" \"{subject}\"" if subject else "")


def format_comparison(c: Comparison) -> List[str]:
    width = max(len("label"), *(len(r.label) for r in c.rows))
    lines = [f"A = {_describe(c.a)}", f"B = {_describe(c.b)}",
             f"{c.system}, medians in ns (rule 'boots': mean of the per-boot medians, with the "
             "95% intervals over boots); B/A < 1 is faster",
             f"{'label':<{width}}  {'A median':>12}  {'B median':>12}  {'B/A':>7}  "
             f"{'p':>7}  verdict"]
    for r in c.rows:
        mark = " !" if r in c.slower_beyond() else ""
        ci = (f"  A [{_ns(r.a_ci[0])}, {_ns(r.a_ci[1])}] B [{_ns(r.b_ci[0])}, {_ns(r.b_ci[1])}]"
              if r.rule == "boots" else "")
        lines.append(f"{r.label:<{width}}  {_ns(r.a_median):>12}  {_ns(r.b_median):>12}  "
                     f"{r.ratio:>7.3f}  {_p(r.p, r.exact, r.rule):>7}  {r.verdict}{mark}{ci}")
    if c.only_a:
        lines.append(f"only in A ({len(c.only_a)}): " + ", ".join(c.only_a))
    if c.only_b:
        lines.append(f"only in B ({len(c.only_b)}): " + ", ".join(c.only_b))
    n = c.counts()
    by_boots = sum(1 for r in c.rows if r.rule == "boots")
    how = (f"{by_boots} labels by intervals over boots (perfcompare), "
           f"{len(c.rows) - by_boots} by Mann-Whitney p < {c.alpha:g}" if by_boots
           else f"p < {c.alpha:g}")
    lines.append(f"compare: {n[FASTER]} faster, {n[SLOWER]} slower, {n[SAME]} no significant "
                 f"difference (minimum effect {c.min_effect_pct:g}%, {how})")
    slow = c.slower_beyond()
    if slow:
        lines.append(f"compare: FAIL: {len(slow)} slower by more than {c.threshold_pct:g}%: "
                     + ", ".join(f"{r.label} ({(r.ratio - 1) * 100:+.1f}%)" for r in slow))
    return lines


def to_json(c: Comparison) -> dict:
    return {"a": c.a.name, "b": c.b.name, "mode": c.a.mode, "system": c.system,
            "alpha": c.alpha, "min_effect_pct": c.min_effect_pct,
            "threshold_pct": c.threshold_pct, "counts": c.counts(),
            "slower_beyond_threshold": [r.label for r in c.slower_beyond()],
            "only_a": c.only_a, "only_b": c.only_b,
            "rows": [asdict(r) for r in c.rows]}


def add_arguments(p: argparse.ArgumentParser):
    p.add_argument("run_a", metavar="RUN_A", help="the earlier run: a run folder, its name "
                   "under results/runs, a unique part of it (commit), or latest / latest-N")
    p.add_argument("run_b", metavar="RUN_B", help="the later run, same forms")
    p.add_argument("--system", choices=("zc", "linux", "linux_nomit"), default="zc",
                   help="which guest's results to compare (%(default)s; linux_nomit = Linux "
                   "booted with mitigations=off)")
    p.add_argument("--min-effect", type=float, default=MIN_EFFECT_PCT, metavar="PCT",
                   help="smallest difference of the medians that counts (%(default)s%%)")
    p.add_argument("--threshold", type=float, default=None, metavar="PCT",
                   help="exit 1 when a label is slower by more than this (default: the "
                   "minimum effect)")
    p.add_argument("--alpha", type=float, default=ALPHA,
                   help="significance level of the Mann-Whitney U test (%(default)s)")
    p.add_argument("--filter", default=None, metavar="REGEX", help="only labels matching")
    p.add_argument("--allow-mode-mismatch", action="store_true",
                   help="compare runs of different QEMU modes anyway")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the result as JSON")
    p.add_argument("--runs-dir", default=perfdata.RUNS_DIR, help=argparse.SUPPRESS)


def run(a) -> int:
    try:
        pa = perfdata.resolve_run(a.run_a, a.runs_dir)
        pb = perfdata.resolve_run(a.run_b, a.runs_dir)
        c = compare_runs(pa, pb, system=a.system, alpha=a.alpha, min_effect_pct=a.min_effect,
                         threshold_pct=a.threshold, allow_mode_mismatch=a.allow_mode_mismatch,
                         labels=a.filter)
    except RunError as e:
        print(f"compare: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    for line in format_comparison(c):
        print(line)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(to_json(c), f, indent=2)
            f.write("\n")
    return EXIT_SLOWER if c.slower_beyond() else EXIT_OK


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="harness compare", description=__doc__.split("\n")[0])
    add_arguments(p)
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return EXIT_ERROR if e.code else 0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
