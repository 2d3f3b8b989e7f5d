"""The dashboard: `make dashboard` writes dashboard/out/index.html and its PNG charts from the run
folders (results/runs/) and the published baselines (results/baselines/); `make view` serves it.

    /usr/bin/python3 -m harness.dashboard build [--runs DIR] [--baselines DIR] [--out DIR]
    /usr/bin/python3 -m harness.dashboard serve [--dir DIR] [--port N]

The page is plain HTML, CSS and a little JavaScript (sorting and filtering the table) and loads
nothing from the network. See docs/dashboard.md for what each panel shows."""

import argparse
import datetime
import html
import json
import math
import os
import shutil
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from . import perfdata
from .perfdata import Run, RunError

ROOT = perfdata.ROOT
ASSETS = os.path.join(ROOT, "dashboard", "assets")
DEFAULT_OUT = os.path.join(ROOT, "dashboard", "out")
RAW_MAX_BYTES = 8 << 20  # raw files larger than this are listed, not copied
THESIS_SIZES = {128 << 10: "128kbytes", 512 << 10: "512kbytes", 2 << 20: "2048kbytes"}
MEMCPY_IMPLS = ["bytes", "musl", "erms", "sse2", "sse2nt", "dispatch", "glibc"]

GREEN, RED, BLUE, GREY = "#2e7d32", "#c62828", "#1565c0", "#9e9e9e"
FAMILY_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78",
                  "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d"]


def esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def fmt_ns(v: Optional[float]) -> str:
    if v is None:
        return ""
    if v >= 1e6:
        return f"{v / 1e6:.3g} ms" if v < 1e9 else f"{v / 1e9:.3g} s"
    if v >= 1e4:
        return f"{v / 1e3:.3g} µs"
    return f"{v:.4g} ns" if v < 100 else f"{v:.0f} ns"


def fmt_ratio(v: Optional[float]) -> str:
    return "" if v is None else (f"{v:.3g}×")


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


@dataclass
class Chart:
    id: str
    title: str
    caption: str
    png: Optional[str] = None    # file name under out/, None = not drawn
    note: str = ""               # why it is not drawn, or a remark
    error_bars: int = 0          # how many bars carry a 95% interval


@dataclass
class Data:
    runs: List[Run]
    guest: List[Run]              # benchmark runs with zc results, date order
    host: List[Run]               # host runs with memcpy.gbench.json
    latest: Optional[Run]
    latest_kvm: Optional[Run]
    baseline: Dict[str, dict]
    thesis_memcpy: Dict[str, dict]
    problems: List[str] = field(default_factory=list)


def load_thesis_memcpy(path: str) -> Dict[str, dict]:
    import csv
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out[row["label"]] = {"rlibc": float(row["rlibc_ns"]),
                                     "opt": float(row["rlibc_opt_ns"])}
            except (KeyError, TypeError, ValueError):
                continue
    return out


def load_data(runs_dir: str, baselines_dir: str) -> Data:
    runs, problems = [], []
    for path in perfdata.list_runs(runs_dir):
        try:
            run = perfdata.load_run(path, strict=False)
        except RunError as e:
            problems.append(str(e))
            continue
        problems.extend(run.problems)
        runs.append(run)
    guest = [r for r in runs if not r.is_host and r.zc]
    host = [r for r in runs if os.path.exists(os.path.join(r.path, perfdata.MEMCPY_FILE))]
    kvm = [r for r in guest if r.kvm_comparable]
    baseline = perfdata.load_baseline(os.path.join(baselines_dir, "zircon-zcore-2020.csv"))
    thesis = load_thesis_memcpy(os.path.join(baselines_dir, "memcpy-rlibc-vs-musl-2020.csv"))
    return Data(runs, guest, host, guest[-1] if guest else None, kvm[-1] if kvm else None,
                baseline, thesis, problems)


# ---------------------------------------------------------------------------------------------
# Charts (matplotlib, Agg)

def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.size": 8, "axes.titlesize": 10, "figure.dpi": 100,
                         "savefig.bbox": "tight", "font.family": "DejaVu Sans"})
    return plt


def _log_ratio_axis(ax, values):
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    ax.set_xscale("log")
    finite = [v for v in values if v and v > 0 and math.isfinite(v)]
    lo = min(finite + [1.0]) / 1.3
    hi = max(finite + [1.0]) * 1.3
    ax.set_xlim(lo, hi)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)


def _family_order(labels: List[str]) -> List[str]:
    fams: Dict[str, List[str]] = {}
    for l in labels:
        fams.setdefault(perfdata.family(l), []).append(l)
    return [l for f in sorted(fams) for l in fams[f]]


def _bar_height(n: int) -> float:
    return max(2.5, 0.17 * n + 1.2)


def _hbars(ax, labels, values, colours, base=1.0):
    """Horizontal bars from `base` (1x on a ratio axis) to each value; None draws nothing."""
    y = list(range(len(labels)))
    ax.barh(y, [v - base if v else float("nan") for v in values], color=colours, left=base,
            height=0.7)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_ylim(len(labels) - 0.5, -0.5)


def _ratio_colours(values):
    return [GREY if v is None else (GREEN if v <= 1.0 else RED) for v in values]


def chart_vs_2020(data: Data, out_dir: str) -> Chart:
    c = Chart("vs2020", "zc against Zircon and zCore (2020, KVM)",
              "Per label, zc's median over the 2020 figure of the zCore thesis (Zircon left, "
              "zCore right), as in the thesis's Figure 4.1. Below 1× zc is faster. KVM runs "
              "only: the 2020 figures were measured under KVM.")
    run = data.latest_kvm
    if run is None:
        c.note = ("No kvm run yet, so there is nothing to set beside the 2020 figures: they were "
                  "measured under KVM, and tcg or icount results are not comparable with them. "
                  "Record a run on a host with /dev/kvm (make bench MODE=kvm).")
        return c
    labels = [l for l in data.baseline if l in run.zc]
    if not labels:
        c.note = f"The latest kvm run ({run.name}) has none of the baseline's labels."
        return c
    plt = _plt()
    zc = [run.zc_median(l) for l in labels]
    vs_zircon = [ratio(z, data.baseline[l]["zircon"]) for z, l in zip(zc, labels)]
    vs_zcore = [ratio(z, data.baseline[l]["zcore"]) for z, l in zip(zc, labels)]
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(12, _bar_height(len(labels))))
    for ax, vals, who in ((axes[0], vs_zircon, "Zircon"), (axes[1], vs_zcore, "zCore")):
        _hbars(ax, labels, vals, _ratio_colours(vals))
        _log_ratio_axis(ax, vs_zircon + vs_zcore)
        ax.set_title(f"zc ({run.name}) / {who} 2020", pad=18)
        ax.xaxis.set_ticks_position("both")
        ax.tick_params(axis="x", labeltop=True)
    c.png = "vs2020.png"
    fig.savefig(os.path.join(out_dir, c.png))
    plt.close(fig)
    c.note = f"Run {run.name}; {len(labels)} labels."
    return c


def _summary_ci(run: Run, label: str, column: str):
    """(value, low, high) of a summary.csv ratio column with its _ci_low/_ci_high, or None."""
    row = (run.summary or {}).get(label) or {}
    try:
        v, lo, hi = (float(row[column]), float(row[column + "_ci_low"]),
                     float(row[column + "_ci_high"]))
    except (KeyError, TypeError, ValueError):
        return None
    return (v, lo, hi) if lo <= v <= hi else None


def verdict_html(run: Optional[Run]) -> str:
    """The verdict of the latest run (verdict.json): each target, each comparison with its ratio
    and 95% interval, and its status."""
    out = ['<section id="verdict"><h2>Verdict of the latest run</h2>']
    path = os.path.join(run.path, "verdict.json") if run else None
    try:
        with open(path) as f:
            v = json.load(f)
        targets = v["targets"]
    except (TypeError, OSError, ValueError, KeyError):
        out.append('<p class="note empty" id="no-verdict">No verdict.json in the latest run.</p>'
                   "</section>")
        return "".join(out)
    out.append(f'<p class="caption">{esc(v.get("statistic", ""))}</p>')
    out.append('<table id="verdict-table"><thead><tr><th>target / comparison</th><th>zc</th>'
               "<th>reference</th><th>ratio</th><th>95% CI</th><th>needs</th><th>status</th>"
               "</tr></thead><tbody>")
    for t in targets:
        st = t.get("status", "")
        out.append(f'<tr class="target {esc(st.replace(" ", "-"))}"><td colspan="6"><b>'
                   f'({esc(t.get("id"))}) {esc(t.get("title"))}</b></td><td><b>{esc(st)}</b>'
                   "</td></tr>")
        for r in t.get("rows", []):
            ci = r.get("ratio_ci")
            cis = f"[{ci[0]:.3g}, {ci[1]:.3g}]" if ci and None not in ci else ""
            rs = r.get("status", "")
            out.append(f'<tr class="comparison {esc(rs.replace(" ", "-"))}"><td>'
                       f'{esc(r.get("label"))}</td><td>{esc(fmt_ns(r.get("value_ns")))}</td>'
                       f'<td>{esc(r.get("reference"))}</td><td>{esc(fmt_ratio(r.get("ratio")))}'
                       f'</td><td>{esc(cis)}</td><td>{esc(r.get("comparison", ""))} '
                       f'{esc(r.get("threshold", ""))}</td><td title="{esc(r.get("note", ""))}">'
                       f"{esc(rs)}</td></tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def chart_vs_linux(data: Data, out_dir: str) -> Chart:
    c = Chart("linux", "zc / Linux, same run",
              "Per label, zc's median over Linux's median measured in the same run, same QEMU "
              "mode and CPU model; log scale, grouped by family. Below 1× zc is faster.")
    run = data.latest
    if run is None:
        c.note = "No benchmark run yet (make bench)."
        return c
    if not run.linux:
        c.note = f"The latest run ({run.name}) has no Linux results."
        return c
    labels = _family_order([l for l in run.zc if l in run.linux])
    if not labels:
        c.note = f"The latest run ({run.name}) has no label measured on both systems."
        return c
    plt = _plt()
    vals = [ratio(run.zc_median(l), run.linux_median(l)) for l in labels]
    # The ratio and its 95% interval from summary.csv when the run has them (harness/stats.py:
    # mean over boots of the per-boot medians), else the ratio of the medians.
    cis = [_summary_ci(run, l, "zc_over_linux") for l in labels]
    vals = [ci[0] if ci else v for ci, v in zip(cis, vals)]
    fams = sorted({perfdata.family(l) for l in labels})
    colour = {f: FAMILY_COLOURS[i % len(FAMILY_COLOURS)] for i, f in enumerate(fams)}
    fig, ax = plt.subplots(figsize=(9, _bar_height(len(labels))))
    _hbars(ax, labels, vals, [colour[perfdata.family(l)] for l in labels])
    bars = [(i, ci) for i, ci in enumerate(cis) if ci]
    if bars:
        ax.errorbar([ci[0] for _, ci in bars], [i for i, _ in bars],
                    xerr=[[ci[0] - ci[1] for _, ci in bars], [ci[2] - ci[0] for _, ci in bars]],
                    fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    _log_ratio_axis(ax, vals + [ci[2] for _, ci in bars] + [ci[1] for _, ci in bars])
    ax.set_title(f"zc / Linux per label ({run.name}, {run.mode})", pad=18)
    ax.tick_params(axis="x", labeltop=True)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=colour[f], label=f) for f in fams], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=7, title="family")
    c.png = "linux.png"
    fig.savefig(os.path.join(out_dir, c.png))
    plt.close(fig)
    c.note = f"Run {run.name} ({run.mode}); {len(labels)} labels; " + (
        f"error bars: 95% confidence intervals of {len(bars)} ratios (summary.csv)." if bars
        else "no confidence intervals in this run (recorded before they existed).")
    c.error_bars = len(bars)
    return c


def chart_vs_limits(data: Data, out_dir: str) -> Chart:
    c = Chart("limits", "zc against the in-guest limits",
              "Top: VMO read/write (and VMO map + access) over a plain memcpy of the same size "
              "in the same guest, the floor for a copy. Bottom: each call over Syscall/Null, "
              "the floor for any call, i.e. how many null system calls it costs.")
    run = data.latest
    if run is None:
        c.note = "No benchmark run yet (make bench)."
        return c
    pairs = [(l, perfdata.limit_of(run, l)) for l in run.zc]
    pairs = [(l, lim) for l, lim in pairs if lim and lim in run.zc]
    copies = [(l, lim) for l, lim in pairs if lim != perfdata.NULL_CALL]
    calls = [(l, lim) for l, lim in pairs if lim == perfdata.NULL_CALL]
    if not pairs:
        c.note = (f"The latest run ({run.name}) has no limit benchmarks "
                  "(Limit/Memcpy/*, Syscall/Null).")
        return c
    plt = _plt()
    panels = [p for p in (copies, calls) if p]
    heights = [0.17 * len(p) + 0.9 for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights) + 0.6), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, panel in zip(axes[:, 0], panels):
        labels = _family_order([l for l, _ in panel])
        lim = dict(panel)
        vals = [ratio(run.zc_median(l), run.zc_median(lim[l])) for l in labels]
        _hbars(ax, labels, vals, [BLUE] * len(vals))
        _log_ratio_axis(ax, vals)
        for i, v in enumerate(vals):
            if v:
                ax.text(v, i, f" {v:.2f}×", va="center", fontsize=6)
        if panel is copies:
            ax.set_title("÷ memcpy of the same size (Limit/Memcpy/*)")
        else:
            ax.set_title(f"÷ Syscall/Null ({fmt_ns(run.zc_median(perfdata.NULL_CALL))})")
    fig.suptitle(f"zc against its floors ({run.name}, {run.mode})")
    fig.tight_layout()
    c.png = "limits.png"
    fig.savefig(os.path.join(out_dir, c.png))
    plt.close(fig)
    c.note = f"Run {run.name} ({run.mode})."
    return c


def _runs_by_mode(data: Data) -> Dict[str, List[Run]]:
    by: Dict[str, List[Run]] = {}
    for r in data.guest:
        by.setdefault(r.mode, []).append(r)
    return by


def chart_history(data: Data, out_dir: str) -> List[Chart]:
    charts = []
    by = _runs_by_mode(data)
    if not by:
        return [Chart("history", "History", "Each label across commits and runs, per mode.",
                      note="No benchmark run yet (make bench).")]
    for mode in sorted(by, key=lambda m: (m != "kvm", m)):
        runs = by[mode]
        c = Chart(f"history-{mode}", f"History ({mode})",
                  f"Each label's zc median across the {mode} runs in date order, relative to "
                  "its first value in this mode (grey lines, log scale); the bold line is the "
                  "geometric mean over the labels present in both that run and the first.")
        plt = _plt()
        labels = sorted({l for r in runs for l in r.zc})
        first: Dict[str, float] = {}
        series: Dict[str, List[Optional[float]]] = {l: [] for l in labels}
        for r in runs:
            for l in labels:
                m = r.zc_median(l)
                if m is not None and m > 0 and l not in first:
                    first[l] = m
                series[l].append(m / first[l] if m is not None and l in first else None)
        x = list(range(len(runs)))
        fig, ax = plt.subplots(figsize=(max(7, 0.9 * len(runs) + 4), 4.5))
        for l in labels:
            xs = [i for i in x if series[l][i] is not None]
            ys = [series[l][i] for i in xs]
            ax.plot(xs, ys, color=GREY, alpha=0.45, linewidth=0.8,
                    marker="." if len(xs) < 2 else None)
        geo = []
        for i in x:
            vals = [series[l][i] for l in labels if series[l][i]]
            geo.append(math.exp(sum(map(math.log, vals)) / len(vals)) if vals else None)
        ax.plot([i for i in x if geo[i]], [g for g in geo if g], color=BLUE, linewidth=2.5,
                marker="o", label="geometric mean")
        # name the labels that moved most by the last run
        last = [(abs(math.log(series[l][-1])), l) for l in labels if series[l][-1]]
        for dev, l in sorted(last, reverse=True)[:5]:
            if dev > math.log(1.03):
                ax.annotate(l, (x[-1], series[l][-1]), fontsize=6, color=RED,
                            xytext=(4, 0), textcoords="offset points", va="center")
        from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(MaxNLocator(7))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}×"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.axhline(1.0, color="black", linewidth=0.8)
        lo, hi = ax.get_ylim()
        if hi / lo < 1.1:
            ax.set_ylim(min(lo, 0.95), max(hi, 1.05))
        ax.set_xlim(-0.3, len(runs) - 1 + 0.3 + 0.5 * bool(last))
        ax.set_xticks(x)
        ax.set_xticklabels([f"{r.commit}{'*' if r.meta.get('dirty') else ''}\n{r.date[:10]}"
                            for r in runs], fontsize=7, rotation=0 if len(runs) < 8 else 45)
        ax.set_ylabel("median / first median (log)")
        ax.set_title(f"zc history, {mode} runs ({len(runs)}), {len(labels)} labels"
                     " (* = dirty tree)")
        ax.legend(fontsize=7)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        c.png = f"history-{mode}.png"
        fig.savefig(os.path.join(out_dir, c.png))
        plt.close(fig)
        c.note = f"{len(runs)} {mode} run(s), {runs[0].name} … {runs[-1].name}."
        charts.append(c)
    return charts


def memcpy_results(run: Run):
    from .memcpy_report import load_results
    return load_results(os.path.join(run.path, perfdata.MEMCPY_FILE))


def chart_memcpy(data: Data, out_dir: str):
    """(chart, table rows, run) for the latest host memcpy run."""
    c = Chart("memcpy", "memcpy variants (host)",
              "ns per copy (median of repetitions) of each libc-opt variant and glibc on the "
              "host, hot and cold cache, log-log; from the latest host run's "
              "memcpy.gbench.json (make bench-memcpy).")
    run = None
    res = None
    for r in reversed(data.host):
        try:
            res, _, _ = memcpy_results(r)
        except (OSError, ValueError, KeyError, TypeError) as e:
            data.problems.append(f"{r.path}/{perfdata.MEMCPY_FILE}: unreadable: {e}")
            continue
        run = r
        break
    if run is None or not res:
        c.note = "No host memcpy run yet (make bench-memcpy)."
        return c, [], None
    plt = _plt()
    modes = [m for m in ("hot", "cold") if any(k[1] == m for k in res)]
    sizes = sorted({k[2] for k in res})
    fig, axes = plt.subplots(1, len(modes), figsize=(6 * len(modes), 4), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        for i, impl in enumerate(MEMCPY_IMPLS):
            pts = [(n, res[(impl, mode, n)]) for n in sizes if (impl, mode, n) in res]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3,
                        label=impl, color=FAMILY_COLOURS[i % len(FAMILY_COLOURS)])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("bytes")
        ax.set_ylabel("ns per copy")
        ax.set_title(f"{mode} cache")
        ax.grid(color="#dddddd", linewidth=0.5)
        ax.legend(fontsize=7)
    fig.suptitle(f"memcpy on the host ({run.name})", y=1.02)
    c.png = "memcpy.png"
    fig.savefig(os.path.join(out_dir, c.png))
    plt.close(fig)
    rows = []
    for mode in modes:
        for n in sizes:
            t = {i: res.get((i, mode, n)) for i in MEMCPY_IMPLS}
            if all(v is None for v in t.values()):
                continue
            thesis = {}
            if n in THESIS_SIZES:
                for op in ("Read", "Write"):
                    th = data.thesis_memcpy.get(f"VmoMap/{op}/Kernel/{THESIS_SIZES[n]}")
                    if th:
                        thesis[op] = th
            rows.append({"mode": mode, "bytes": n, "ns": t,
                         "speedup": ratio(t["bytes"], t["musl"]),
                         "vs_glibc": ratio(t["dispatch"], t["glibc"]), "thesis": thesis})
    c.note = f"Run {run.name}; chosen at start-up: {run.meta.get('memcpy_chosen', '?')}."
    return c, rows, run


# ---------------------------------------------------------------------------------------------
# The page

def size_label(n: int) -> str:
    if n >= 1 << 20:
        return f"{n >> 20} MiB"
    if n >= 1 << 10:
        return f"{n >> 10} KiB"
    return f"{n} B"


def sparkline(values: List[Optional[float]], current: int) -> str:
    """An inline SVG of a label's medians across the runs of one mode; the dot is this run."""
    pts = [(i, v) for i, v in enumerate(values) if v]
    if len(pts) < 2:
        return ""
    w, h, pad = 90, 18, 2
    lo = min(math.log(v) for _, v in pts)
    hi = max(math.log(v) for _, v in pts)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)

    def xy(i, v):
        return (pad + (w - 2 * pad) * i / n, h - pad - (h - 2 * pad) * (math.log(v) - lo) / span)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in pts))
    dot = ""
    if values[current]:
        x, y = xy(current, values[current])
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{BLUE}"/>'
    tip = " → ".join(fmt_ns(v) for _, v in pts)
    return (f'<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f'<title>{esc(tip)}</title><polyline fill="none" stroke="{GREY}" '
            f'stroke-width="1" points="{path}"/>{dot}</svg>')


def table_rows(data: Data) -> List[dict]:
    run = data.latest
    if run is None:
        return []
    same_mode = [r for r in data.guest if r.mode == run.mode]
    idx = same_mode.index(run)
    kvm = run.kvm_comparable
    rows = []
    for label, values in run.zc.items():
        zc = perfdata.median(values)
        lx = run.linux_median(label)
        lim = perfdata.limit_of(run, label)
        lim_ns = run.zc_median(lim) if lim else None
        base = data.baseline.get(label, {})
        zircon, zcore = base.get("zircon"), base.get("zcore")
        rows.append({
            "label": label, "family": perfdata.family(label), "zc": zc, "runs": len(values),
            "linux": lx, "zc_linux": ratio(zc, lx), "limit": lim, "limit_ns": lim_ns,
            "zc_limit": ratio(zc, lim_ns), "zircon": zircon, "zcore": zcore,
            "zc_zircon": ratio(zc, zircon) if kvm else None,
            "zc_zcore": ratio(zc, zcore) if kvm else None,
            "history": sparkline([r.zc_median(label) for r in same_mode], idx),
        })
    return rows


COLUMNS = [  # key, header, kind, title
    ("label", "label", "text", "benchmark label (perftest's Test or Test.step)"),
    ("family", "family", "text", "the label up to its first / or . (and _)"),
    ("zc", "zc", "ns", "zc median"),
    ("runs", "runs", "int", "zc run count"),
    ("linux", "Linux", "ns", "Linux median, same run"),
    ("zc_linux", "zc/Linux", "ratio", "below 1 zc is faster"),
    ("limit_ns", "limit", "ns", "the in-guest floor (memcpy or Syscall/Null)"),
    ("zc_limit", "zc/limit", "ratio", "zc over its floor"),
    ("zircon", "Zircon 2020", "ns", "zCore thesis, KVM"),
    ("zcore", "zCore 2020", "ns", "zCore thesis, KVM"),
    ("zc_zircon", "zc/Zircon", "ratio", "kvm runs only"),
    ("zc_zcore", "zc/zCore", "ratio", "kvm runs only"),
    ("history", "history", "none", "this label's medians across the runs of this mode"),
]


def _cell(row: dict, key: str, kind: str, kvm: bool) -> str:
    v = row[key]
    if kind == "none":
        return f"<td>{v}</td>"
    if kind == "text":
        extra = f' title="limit: {esc(row["limit"])}"' if key == "label" and row["limit"] else ""
        return f'<td data-v="{esc(v)}"{extra}>{esc(v)}</td>'
    if v is None:
        if key in ("zc_zircon", "zc_zcore") and not kvm and row[key.split("_")[1]]:
            return '<td class="nc" data-v="">n/c</td>'
        return '<td data-v=""></td>'
    cls = ""
    if kind == "ratio":
        if key != "zc_limit":  # zc over its floor is > 1 by nature: no colour
            cls = ' class="good"' if v < 1 else ' class="bad"' if v > 1 else ""
        text = fmt_ratio(v)
    elif kind == "int":
        text = str(v)
    else:
        text = fmt_ns(v)
    return f'<td{cls} data-v="{v:.6g}">{esc(text)}</td>'


def _meta_table(run: Run) -> str:
    keys = ["commit", "commit_subject", "dirty", "mode", "quick", "date", "qemu_version",
            "qemu_cpu", "machine", "memory", "host_cpu", "host_cores", "linux_kernel",
            "wall_seconds"]
    keys += [k for k in run.meta if k not in keys and k not in ("zc_runs", "linux_runs")]
    rows = []
    for k in keys:
        if k in run.meta:
            v = run.meta[k]
            if isinstance(v, (dict, list)):
                v = json.dumps(v)
                if len(v) > 200:
                    v = v[:200] + " …"
            rows.append(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>")
    return '<table class="meta">' + "".join(rows) + "</table>"


def _raw_links(run: Run, copied: Dict[str, List[str]]) -> str:
    links = []
    for f in run.files():
        if f in copied.get(run.name, []):
            links.append(f'<a href="raw/{esc(run.name)}/{esc(f)}">{esc(f)}</a>')
        else:
            links.append(f'<span title="too large to copy">{esc(f)}</span>')
    return " · ".join(links) or "(no files)"


def copy_raw(data: Data, out_dir: str) -> Dict[str, List[str]]:
    copied: Dict[str, List[str]] = {}
    raw = os.path.join(out_dir, "raw")
    for run in data.runs:
        dest = os.path.join(raw, run.name)
        os.makedirs(dest, exist_ok=True)
        for f in run.files():
            src = os.path.join(run.path, f)
            if os.path.getsize(src) <= RAW_MAX_BYTES:
                shutil.copyfile(src, os.path.join(dest, f))
                copied.setdefault(run.name, []).append(f)
    return copied


def _chart_html(c: Chart) -> str:
    body = (f'<img src="{esc(c.png)}" alt="{esc(c.title)}" loading="eager">' if c.png
            else "")
    note_cls = "info" if c.png else "note empty"
    return (f'<section class="chart" id="chart-{esc(c.id)}"><h2>{esc(c.title)}</h2>'
            f'<p class="caption">{esc(c.caption)}</p>'
            + (f'<p class="{note_cls}">{esc(c.note)}</p>' if c.note else "")
            + (f'<a href="{esc(c.png)}">{body}</a>' if c.png else "") + "</section>")


def _memcpy_html(c: Chart, rows: List[dict], run: Optional[Run]) -> str:
    parts = [_chart_html(c)]
    if rows:
        head = ("<tr><th>cache</th><th>size</th>" + "".join(f"<th>{i}</th>"
                                                           for i in MEMCPY_IMPLS)
                + "<th>musl / bytes</th><th>chosen / glibc</th>"
                "<th>thesis Read rlibc → opt</th><th>thesis Write rlibc → opt</th></tr>")
        body = []
        for r in rows:
            cells = "".join(f"<td>{esc(fmt_ns(r['ns'][i]))}</td>" for i in MEMCPY_IMPLS)
            th = []
            for op in ("Read", "Write"):
                t = r["thesis"].get(op)
                th.append(f"<td>{esc(fmt_ns(t['rlibc']))} → {esc(fmt_ns(t['opt']))} "
                          f"({t['rlibc'] / t['opt']:.2f}×)</td>" if t else "<td></td>")
            body.append(f"<tr><td>{r['mode']}</td><td>{size_label(r['bytes'])}</td>{cells}"
                        f"<td>{esc(fmt_ratio(r['speedup']))}</td>"
                        f"<td>{esc(fmt_ratio(r['vs_glibc']))}</td>{''.join(th)}</tr>")
        parts.append('<table class="memcpy" id="memcpy-table">' + head + "".join(body)
                     + "</table>")
        parts.append('<p class="caption">The thesis columns are the zCore thesis\'s Table 4.3: '
                     "VmoMap Read/Write (kernel side) with rlibc's byte-wise memcpy and with the "
                     "optimized one, KVM, 2020; compare their speedup with musl / bytes.</p>")
    return '<div id="memcpy">' + "".join(parts) + "</div>"


def render(data: Data, charts: List[Chart], memcpy_html: str, copied: Dict[str, List[str]],
           generated: str) -> str:
    run = data.latest
    rows = table_rows(data)
    kvm = run is not None and run.mode == "kvm"
    fams = sorted({r["family"] for r in rows})
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>zc benchmarks</title>", '<link rel="icon" href="data:,">',
           '<link rel="stylesheet" href="style.css"></head><body>',
           "<header><h1>zc benchmarks</h1>",
           f'<p class="sub">Generated {esc(generated)} from {len(data.runs)} run folder(s) '
           "in results/runs and the 2020 baselines in results/baselines.</p></header>",
           '<nav><a href="#run">run</a> <a href="#verdict">verdict</a> '
           '<a href="#labels">table</a> '
           + "".join(f'<a href="#chart-{esc(c.id)}">{esc(c.title)}</a> ' for c in charts)
           + '<a href="#memcpy">memcpy</a> <a href="#runs">all runs</a></nav>']

    out.append('<section id="run"><h2>Latest run</h2>')
    if run is None:
        out.append('<p class="note empty" id="no-runs">No benchmark run yet: record one with '
                   "<code>make bench</code> (results/runs/&lt;date&gt;-&lt;commit&gt;-&lt;mode&gt;/"
                   ").</p>")
    else:
        warn = ""
        if run.mode != "kvm":
            warn = (f'<p class="note">Mode {esc(run.mode)}: the Zircon and zCore 2020 figures '
                    "(KVM) are shown but marked n/c (not comparable).</p>")
        if run.mode == "icount":
            warn += ('<p class="note">icount: guest time is an instruction count; good for '
                     "regressions, never for speed claims.</p>")
        if not run.linux:
            warn += '<p class="note">This run has no Linux results.</p>'
        out.append(f'<p><b id="run-name">{esc(run.name)}</b></p>{warn}{_meta_table(run)}'
                   f'<p class="raw">raw files: {_raw_links(run, copied)}</p>')
    out.append("</section>")

    out.append(verdict_html(run))
    out.append('<section id="labels"><h2>Every label</h2>')
    if run is not None:
        out.append(f'<p class="caption">Run {esc(run.name)} ({esc(run.mode)}): medians; ratios '
                   "below 1 (green) mean zc is faster. Click a header to sort; filter by text "
                   "(a plain substring, or /regex/) or family.</p>")
    out.append('<div class="controls"><input id="filter" type="search" '
               'placeholder="filter labels, e.g. Channel or /^Vmo/Read/" aria-label="filter">'
               '<select id="family" aria-label="family"><option value="">all families</option>'
               + "".join(f'<option value="{esc(f)}">{esc(f)}</option>' for f in fams)
               + '</select><span id="count"></span></div>')
    out.append('<table id="labels-table" class="sortable"><thead><tr>'
               + "".join(f'<th data-key="{k}" data-kind="{kind}" title="{esc(t)}">{esc(h)}</th>'
                         for k, h, kind, t in COLUMNS)
               + "</tr></thead><tbody>")
    for r in rows:
        out.append(f'<tr data-family="{esc(r["family"])}">'
                   + "".join(_cell(r, k, kind, kvm) for k, _, kind, _ in COLUMNS) + "</tr>")
    out.append("</tbody></table>")
    if not rows:
        out.append('<p class="note empty">No labels to show.</p>')
    out.append("</section>")

    out.extend(_chart_html(c) for c in charts)
    out.append(memcpy_html)

    out.append('<section id="runs"><h2>All runs</h2>')
    if data.runs:
        out.append("<table><tr><th>run</th><th>mode</th><th>commit</th><th>date</th>"
                   "<th>dirty</th><th>zc labels</th><th>Linux labels</th><th>files</th></tr>")
        for r in reversed(data.runs):
            out.append(f"<tr><td>{esc(r.name)}</td><td>{esc(r.mode)}</td>"
                       f"<td>{esc(r.commit)}</td><td>{esc(r.date)}</td>"
                       f"<td>{'yes' if r.meta.get('dirty') else ''}</td>"
                       f"<td>{len(r.zc) if r.zc else ''}</td>"
                       f"<td>{len(r.linux) if r.linux else ''}</td>"
                       f"<td>{_raw_links(r, copied)}</td></tr>")
        out.append("</table>")
    else:
        out.append('<p class="note empty">No run folders in results/runs.</p>')
    if data.problems:
        out.append('<h3>Skipped</h3><ul class="problems">'
                   + "".join(f"<li>{esc(p)}</li>" for p in data.problems) + "</ul>")
    out.append("</section>")
    summary = {"runs": len(data.runs), "latest": run.name if run else None,
               "labels": len(rows), "charts": [c.png for c in charts if c.png]}
    out.append('<script type="application/json" id="dashboard-data">'
               + esc(json.dumps(summary)) + "</script>")
    out.append('<script src="app.js"></script></body></html>')
    return "\n".join(out) + "\n"


def build(runs_dir: str = perfdata.RUNS_DIR, baselines_dir: str = perfdata.BASELINES_DIR,
          out_dir: str = DEFAULT_OUT, now: Optional[str] = None) -> dict:
    data = load_data(runs_dir, baselines_dir)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    charts = [chart_vs_2020(data, out_dir), chart_vs_linux(data, out_dir),
              chart_vs_limits(data, out_dir)]
    charts += chart_history(data, out_dir)
    mc, mrows, mrun = chart_memcpy(data, out_dir)
    memcpy_html = _memcpy_html(mc, mrows, mrun)
    copied = copy_raw(data, out_dir)
    for f in ("style.css", "app.js"):
        shutil.copyfile(os.path.join(ASSETS, f), os.path.join(out_dir, f))
    generated = now or datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
    page = render(data, charts, memcpy_html, copied, generated)
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
    pngs = [c.png for c in charts + [mc] if c.png]
    return {"index": os.path.join(out_dir, "index.html"), "runs": len(data.runs),
            "latest": data.latest.name if data.latest else None,
            "latest_kvm": data.latest_kvm.name if data.latest_kvm else None,
            "labels": len(table_rows(data)), "charts": pngs, "problems": data.problems,
            "error_bars": {c.id: c.error_bars for c in charts}}


# ---------------------------------------------------------------------------------------------
# make view

def serve(directory: str, host: str = "127.0.0.1", port: int = 0, announce=print):
    import functools
    import http.server
    if not os.path.isfile(os.path.join(directory, "index.html")):
        raise RunError(f"{directory}/index.html not found: run `make dashboard` first")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt, *args):  # quiet: one line per request is noise here
            pass

    httpd = http.server.ThreadingHTTPServer(
        (host, port), functools.partial(Handler, directory=directory))
    announce(f"dashboard: serving {directory} at http://{host}:{httpd.server_address[1]}/ "
             "(Ctrl-C stops)")
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="harness.dashboard", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the page and charts")
    b.add_argument("--runs", default=perfdata.RUNS_DIR, help="run folders (%(default)s)")
    b.add_argument("--baselines", default=perfdata.BASELINES_DIR,
                   help="baseline CSVs (%(default)s)")
    b.add_argument("--out", default=DEFAULT_OUT, help="output folder (%(default)s)")
    s = sub.add_parser("serve", help="serve the page on 127.0.0.1")
    s.add_argument("--dir", default=DEFAULT_OUT, help="folder to serve (%(default)s)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0, help="0 = a free port (%(default)s)")
    a = p.parse_args(argv)
    try:
        if a.command == "build":
            info = build(a.runs, a.baselines, a.out)
            rel = os.path.relpath(info["index"])
            print(f"dashboard: {rel}: {info['runs']} run(s); latest {info['latest'] or 'none'}"
                  f" ({info['labels']} labels); latest kvm {info['latest_kvm'] or 'none'}; "
                  f"{len(info['charts'])} chart(s)")
            for prob in info["problems"]:
                print(f"dashboard: skipped: {prob}")
        else:
            serve(a.dir, a.host, a.port)
    except RunError as e:
        print(f"dashboard: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
