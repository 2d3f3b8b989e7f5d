"""Before and after on the same machine: wall-time ratios of two zc builds, boot by boot.

    /usr/bin/python3 -m harness.ab --a OLD_DIR --b NEW_DIR --label Channel/WriteRead/64bytes/0handles
        [--base Syscall/Null] [--boots 20] [--runs 3000] [--mode tcg]

OLD_DIR and NEW_DIR are build folders (each holding kernel/zc.elf and bootfs.cpio; a `git
worktree` of the old commit built with `make`). The two builds boot in turn (a, b, a, b, ...)
and run only the labels asked for plus the base label. Each boot gives, per label, the ratio
of its median to the base label's median in that same boot: the host's speed drifts between
boots (on a nested VM by 2x and more), much less within one. Over the boots the report gives
each build's median ratio, the change, and a one-sided Mann-Whitney test that the ratio went
down (`--expect up` for the other way).

This is the evidence docs/performance.md asks for when a change is judged by its TCG wall-time
ratio; `make bench` remains the figure of record (icount and the comparison with Linux).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from typing import Dict, List, Optional, Sequence

from . import bench, qemu


class AbError(Exception):
    pass


def build_files(folder: str) -> Dict[str, str]:
    """The kernel and bootfs of a build folder; AbError when one is missing."""
    files = {"kernel": os.path.join(folder, "kernel", "zc.elf"), "initrd": os.path.join(folder, "bootfs.cpio")}
    for what, path in files.items():
        if not os.path.isfile(path):
            raise AbError(f"{folder}: no {what} at {path} (build it with make)")
    return files


def in_boot_ratios(medians: Dict[str, float], labels: Sequence[str], base: str, source: str) -> Dict[str, float]:
    """label -> its median over the base label's median, within one boot."""
    if base not in medians:
        raise AbError(f"{source}: the base label {base} is not in its results")
    if medians[base] <= 0:
        raise AbError(f"{source}: the base label {base} has a median of {medians[base]}")
    out = {}
    for label in labels:
        if label not in medians:
            raise AbError(f"{source}: the label {label} is not in its results (is it a zc-bench label?)")
        out[label] = medians[label] / medians[base]
    return out


def boot_medians(files: Dict[str, str], labels: Sequence[str], runs: int, mode: str, timeout: float,
                 log_path: Optional[str]) -> Dict[str, float]:
    """One boot of zc-bench with these labels: label -> median (ns)."""
    pattern = "^(" + "|".join(re.escape(x) for x in labels) + ")$"
    cmdline = f"init=bin/zc-bench --filter {pattern} --runs {runs} --quiet"
    r = qemu.boot(files["kernel"], files["initrd"], cmdline, mode=mode, timeout=timeout, log_path=log_path)
    if r.outcome != "exited":
        raise AbError(f"{files['kernel']}: the boot ended with {r.outcome} {r.note}".rstrip())
    try:
        entries = bench.extract_results(r.log_text, files["kernel"])
    except bench.BenchError as e:
        raise AbError(str(e)) from None
    return {e.label: statistics.median(e.values) for e in entries}


def compare(a: Sequence[float], b: Sequence[float], expect: str) -> dict:
    """Medians of two samples of ratios, the relative change and the one-sided p-value."""
    from scipy.stats import mannwhitneyu
    if len(a) < 2 or len(b) < 2:
        raise AbError("at least two boots of each build are needed")
    ma, mb = statistics.median(a), statistics.median(b)
    alternative = "less" if expect == "down" else "greater"
    p = mannwhitneyu(b, a, alternative=alternative).pvalue
    return {"a": ma, "b": mb, "change": mb / ma - 1.0, "p": float(p)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="harness.ab", description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True, help="the build folder before (kernel/zc.elf, bootfs.cpio)")
    ap.add_argument("--b", required=True, help="the build folder after")
    ap.add_argument("--label", action="append", required=True, help="a zc-bench label (repeatable)")
    ap.add_argument("--base", default="Syscall/Null", help="the label each ratio is taken against")
    ap.add_argument("--boots", type=int, default=20, help="boots of each build")
    ap.add_argument("--runs", type=int, default=3000, help="runs of each label per boot")
    ap.add_argument("--mode", choices=("tcg", "kvm"), default="tcg")
    ap.add_argument("--expect", choices=("down", "up"), default="down", help="the direction tested")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per boot")
    ap.add_argument("--log-dir", help="keep each boot's serial log here")
    a = ap.parse_args(argv)
    if a.boots < 2 or a.runs < 1:
        ap.error("--boots must be at least 2 and --runs at least 1")
    labels = list(dict.fromkeys(a.label))
    if a.base in labels:
        ap.error(f"--base {a.base} is also a --label")
    try:
        builds = {"a": build_files(a.a), "b": build_files(a.b)}
        ratios: Dict[str, Dict[str, List[float]]] = {"a": {x: [] for x in labels}, "b": {x: [] for x in labels}}
        log_dir = a.log_dir or tempfile.mkdtemp(prefix="zc-ab-")
        os.makedirs(log_dir, exist_ok=True)
        for n in range(a.boots):
            for which in ("a", "b"):
                log = os.path.join(log_dir, f"{which}-{n + 1}.log")
                med = boot_medians(builds[which], labels + [a.base], a.runs, a.mode, a.timeout, log)
                for label, r in in_boot_ratios(med, labels, a.base, log).items():
                    ratios[which][label].append(r)
            print(f"ab: boot {n + 1} of {a.boots} of each", file=sys.stderr)
        print(f"ab: {a.boots} {a.mode} boots of each build, {a.runs} runs per label; ratio = the label's "
              f"median / {a.base}'s median in the same boot; p: one-sided Mann-Whitney (ratio {a.expect})")
        print(f"{'label':<45} {'a ratio':>8} {'b ratio':>8} {'change':>8} {'p':>7}")
        for label in labels:
            c = compare(ratios["a"][label], ratios["b"][label], a.expect)
            print(f"{label:<45} {c['a']:8.3f} {c['b']:8.3f} {c['change'] * 100:+7.1f}% {c['p']:7.4f}")
        print(f"ab: serial logs in {log_dir}")
    except (AbError, qemu.HarnessError) as e:
        print(f"ab: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
