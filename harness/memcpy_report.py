#!/usr/bin/python3
"""Report of a `make bench-memcpy` run: our memcpy variants beside glibc and beside the zCore
thesis's rlibc -> optimized memcpy speedups (Table 4.3).

usage: memcpy_report.py [--write-meta [--commit=SHORT]] RUN_DIR

RUN_DIR holds memcpy.gbench.json (Google Benchmark JSON from build/host/libc-opt-bench).
--write-meta also writes RUN_DIR/meta.json (commit, date, host CPU, mode "host"; fields as in
docs/results.md); --commit gives the commit the run was built from (default: HEAD now).
Writes RUN_DIR/memcpy-report.txt and RUN_DIR/memcpy-summary.csv and prints the report.
Baseline: results/baselines/memcpy-rlibc-vs-musl-2020.csv (label,rlibc_ns,rlibc_opt_ns).
"""
import csv
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "results", "baselines", "memcpy-rlibc-vs-musl-2020.csv")
VARIANTS = ["bytes", "musl", "erms", "sse2", "sse2nt"]
IMPLS = VARIANTS + ["dispatch", "glibc"]
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Thesis rows are VMO map + read/write of these sizes, kernel side.
NOISY_CV_PCT = 10
THESIS_SIZES = {128 << 10: "128kbytes", 512 << 10: "512kbytes", 2 << 20: "2048kbytes"}


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_date(context):
    """When the benchmark started (Google Benchmark's context), in UTC; else now."""
    try:
        d = datetime.datetime.fromisoformat(context["date"])
        if d.tzinfo:
            return d.astimezone(datetime.timezone.utc)
    except (KeyError, ValueError):
        pass
    return datetime.datetime.now(datetime.timezone.utc)


def write_meta(run_dir, context, commit=None):
    path = os.path.join(run_dir, "meta.json")
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            meta = json.load(f)
    status = git("status", "--porcelain", "--untracked-files=no")
    commit = commit or git("rev-parse", "--short", "HEAD") or "nocommit"
    meta.update({
        "commit": commit,
        "commit_subject": git("log", "-1", "--format=%s", commit) if commit != "nocommit"
        else None,
        "dirty": bool(status) if status is not None else None,
        "date": run_date(context).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "host",
        "host_cpu": cpu_model(),
        "host_cores": os.cpu_count(),
        "host_kernel": platform.release(),
        "benchmarks": sorted(set(meta.get("benchmarks", [])) | {"memcpy"}),
        "memcpy_chosen": context.get("memcpy_chosen"),
        "memcpy_select": context.get("memcpy_select"),
    })
    with open(path, "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


def load_results(path):
    """({(impl, mode, size): ns per copy}, context, {key: coefficient of variation}).

    The time is the median over repetitions when there are several."""
    with open(path) as f:
        data = json.load(f)
    medians, plain, cvs = {}, {}, {}
    for b in data.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        parts = name.split("/")
        if len(parts) != 4 or parts[0] != "memcpy":
            continue
        key = (parts[1], parts[2], int(parts[3]))
        ns = b["real_time"] * UNIT_NS[b.get("time_unit", "ns")]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = ns
            elif b.get("aggregate_name") == "cv":
                cvs[key] = b["real_time"]   # a fraction, whatever time_unit says
        elif not b.get("error_occurred"):
            plain.setdefault(key, []).append(ns)
    res = {k: sorted(v)[len(v) // 2] for k, v in plain.items()}
    res.update(medians)
    return res, data.get("context", {}), cvs


def load_thesis():
    out = {}
    with open(BASELINE) as f:
        for row in csv.DictReader(f):
            out[row["label"]] = float(row["rlibc_ns"]) / float(row["rlibc_opt_ns"])
    return out


def size_label(n):
    if n >= 1 << 20:
        return "%d MiB" % (n >> 20)
    if n >= 1 << 10:
        return "%d KiB" % (n >> 10)
    return "%d B" % n


def fmt_ns(x):
    if x is None:
        return "-"
    return "%.0f" % x if x >= 100 else "%.1f" % x


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_x(x):
    return "-" if x is None else "%.2fx" % x


def verdict(value, ok):
    return "not measured" if value is None else ("met" if ok else "NOT met")


def report(run_dir):
    res, context, cvs = load_results(os.path.join(run_dir, "memcpy.gbench.json"))
    thesis = load_thesis()
    chosen = context.get("memcpy_chosen", "?")
    lines = []
    out = lines.append
    meta_path = os.path.join(run_dir, "meta.json")
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    out("memcpy host benchmark: %s" % os.path.basename(os.path.normpath(run_dir)))
    out("commit %s  date %s  cpu %s" % (meta.get("commit", "?"), meta.get("date", "?"),
                                          meta.get("host_cpu", cpu_model())))
    out("%s; repeated: %s" % (context.get("memcpy_select", "selection: ?"),
                              context.get("memcpy_select_repeats", "?")))
    out("times are ns per copy (median of repetitions); dispatch = `memcpy` -> %s" % chosen)
    out("musl/bytes = speedup of the musl variant over the byte loop; chosen/glibc = time of "
        "`memcpy` over glibc's (< 1 is faster);")
    out("* = repetitions spread more than %d%% (coefficient of variation): a noisy figure"
        % NOISY_CV_PCT)
    out("thesis = zCore thesis Table 4.3, rlibc_ns / rlibc_opt_ns for VmoMap Read / Write "
        "(kernel copy inside a VMO benchmark, KVM, 2020)")
    rows = []
    sizes = sorted({k[2] for k in res})
    for mode in ("hot", "cold"):
        if not any(k[1] == mode for k in res):
            continue
        out("")
        out("%s cache" % mode)
        hdr = ["size"] + IMPLS + ["musl/bytes", "chosen/glibc", "thesis rd/wr"]
        table = []
        for n in sizes:
            t = {i: res.get((i, mode, n)) for i in IMPLS}
            if all(v is None for v in t.values()):
                continue
            speed = ratio(t["bytes"], t["musl"])
            vs_glibc = ratio(t["dispatch"], t["glibc"])
            th = ""
            if n in THESIS_SIZES:
                r = thesis.get("VmoMap/Read/Kernel/" + THESIS_SIZES[n])
                w = thesis.get("VmoMap/Write/Kernel/" + THESIS_SIZES[n])
                th = "%s / %s" % (fmt_x(r), fmt_x(w))
            cells = [fmt_ns(t[i]) + ("*" if cvs.get((i, mode, n), 0) * 100 > NOISY_CV_PCT else "")
                     for i in IMPLS]
            table.append([size_label(n)] + cells +
                         [fmt_x(speed), fmt_x(vs_glibc), th])
            rows.append({"mode": mode, "bytes": n, **{i + "_ns": t[i] for i in IMPLS},
                         "musl_over_bytes": speed, "chosen": chosen,
                         "chosen_over_glibc": vs_glibc})
        widths = [max(len(str(r[c])) for r in [hdr] + table) for c in range(len(hdr))]
        for r in [hdr] + table:
            out("  ".join(str(v).rjust(w) for v, w in zip(r, widths)).rstrip())

    out("")
    out("goals (2 MiB, hot cache):")
    big = 2 << 20
    s = ratio(res.get(("bytes", "hot", big)), res.get(("musl", "hot", big)))
    out("  musl variant >= 4x the byte loop: %s -> %s" %
        (fmt_x(s), verdict(s, s is not None and s >= 4)))
    g = ratio(res.get(("dispatch", "hot", big)), res.get(("glibc", "hot", big)))
    out("  chosen variant (%s) within 10%% of glibc: time %s of glibc's -> %s" %
        (chosen, fmt_x(g), verdict(g, g is not None and g <= 1.10)))

    text = "\n".join(lines) + "\n"
    with open(os.path.join(run_dir, "memcpy-report.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(run_dir, "memcpy-summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["mode"])
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else (round(v, 3) if isinstance(v, float) else v))
                        for k, v in r.items()})
    sys.stdout.write(text)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    run_dir = args[0]
    if "--write-meta" in argv:
        _, context, _ = load_results(os.path.join(run_dir, "memcpy.gbench.json"))
        commit = [a.split("=", 1)[1] for a in argv if a.startswith("--commit=")]
        write_meta(run_dir, context, commit[-1] if commit else None)
    report(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
