"""The SMP benchmarks' report plumbing (harness/smpreport.py, bench.py's "SMP scaling" section)
on small synthetic fuchsiaperf files: throughput and speed-up with intervals, the run folder's
smp_scaling.csv, `--report` of a recorded run, and a one-CPU run left as it was."""

import io
import json
import os
import re

import pytest

from harness import bench, smpreport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def perf(suite, figures):
    """A fuchsiaperf file's data: {label: [run ns, ...]}."""
    return [{"label": k, "test_suite": suite, "unit": "nanoseconds", "values": v}
            for k, v in figures.items()]


# zc: 2 threads take twice as long as 1 (time-sliced on one CPU: speed-up 1);
# Linux: the same time (two CPUs in parallel: speed-up 2).
ZC = {"Syscall/Null": [100, 101, 99],
      "SMP/PingPong/Event": [6000, 6100, 5900],
      "SMP/Scale/EventSignal/1threads": [200000, 200000, 200000],
      "SMP/Scale/EventSignal/2threads": [400000, 400000, 400000]}
LINUX = {"Syscall/Null": [500, 510, 490],
         "SMP/PingPong/Event": [60000, 61000, 59000],
         "SMP/Scale/EventSignal/1threads": [100000, 100000, 100000],
         "SMP/Scale/EventSignal/2threads": [100000, 100000, 100000]}


def entries(data):
    return bench.parse_fuchsiaperf(json.dumps(data))


def test_ops_per_thread_agree_with_both_programs():
    for path in ("microbenchmarks/zircon/smp.c", "microbenchmarks/linux/bench_smp.c"):
        with open(os.path.join(ROOT, path)) as f:
            m = re.search(r"#define SMP_SCALE_OPS (\d+)u", f.read())
        assert m and int(m.group(1)) == smpreport.SCALE_OPS, path


def test_scale_labels_and_throughput():
    got = smpreport.scale_labels(["SMP/Scale/VmoRead/2threads", "SMP/Scale/VmoRead/1threads",
                                  "SMP/PingPong/Channel", "SMP/Scale/EventSignal/1threads",
                                  "Vmo/Read/128kbytes"])
    assert got == {"VmoRead": {2: "SMP/Scale/VmoRead/2threads", 1: "SMP/Scale/VmoRead/1threads"},
                   "EventSignal": {1: "SMP/Scale/EventSignal/1threads"}}


def test_section_figures_and_intervals():
    zc, linux = entries(perf("fuchsia.microbenchmarks", ZC)), entries(perf("linux.microbenchmarks", LINUX))
    recs = bench.smp_records(zc, linux, None, 2, ops_per_thread=200)
    by = {(r["system"], r["threads"]): r for r in recs}
    # 200 ops in 200 us = 1M ops/s; 2 x 200 ops in 400 us = 1M ops/s (speed-up 1)
    assert by[("zc", 1)]["ops_per_s"] == pytest.approx(1e6)
    assert by[("zc", 2)]["ops_per_s"] == pytest.approx(1e6)
    assert by[("zc", 2)]["speedup"] == pytest.approx(1.0)
    assert by[("linux", 2)]["ops_per_s"] == pytest.approx(4e6)
    assert by[("linux", 2)]["speedup"] == pytest.approx(2.0)
    assert by[("linux", 2)]["ns_per_op"] == pytest.approx(250.0)
    assert by[("zc", 1)]["speedup"] == pytest.approx(1.0)
    for r in recs:
        assert r["ops_per_s_ci_low"] <= r["ops_per_s"] <= r["ops_per_s_ci_high"]
        assert r["speedup_ci_low"] <= r["speedup"] <= r["speedup_ci_high"]
    text = bench.report(zc, linux, "tcg", {}, bench.compute_verdict(zc, linux), smp=2, smp_scale_ops=200)
    sec = text.split("== SMP scaling (tcg, 2 CPUs)")[1].split("== verdict")[0]
    assert "each doing 200 operations" in sec
    lines = sec.splitlines()
    assert "EventSignal:" in lines
    zc_line = next(l for l in lines if l.strip().startswith("zc "))
    linux_line = next(l for l in lines if l.strip().startswith("linux "))
    assert "1.00M [1.00M, 1.00M]" in zc_line and zc_line.rstrip().endswith("1.00 [1.00, 1.00]")
    assert "4.00M [4.00M, 4.00M]" in linux_line and linux_line.rstrip().endswith("2.00 [2.00, 2.00]")
    # the ping-pong is an ordinary zc/Linux comparison; neither family enters the verdict
    assert "SMP/PingPong/Event" in text.split("== zc vs Linux, same run")[1].split("==")[0]
    assert "SMP/" not in text.split("== verdict")[1]


def test_intervals_come_from_the_boots():
    noisy = {"SMP/Scale/VmoRead/1threads": [100000, 120000, 80000, 110000, 90000],
             "SMP/Scale/VmoRead/2threads": [100000, 140000, 60000, 130000, 70000]}
    zc = entries(perf("fuchsia.microbenchmarks", noisy))
    recs = bench.smp_records(zc, [], None, 2)
    two = next(r for r in recs if r["threads"] == 2)
    assert two["speedup"] == pytest.approx(2.0)
    assert two["speedup_ci_low"] < 2.0 < two["speedup_ci_high"]
    assert [r["system"] for r in recs] == ["zc", "zc"]   # Linux measured nothing


def test_one_cpu_run_has_no_section_and_the_same_verdict():
    plain = {k: v for k, v in ZC.items() if not k.startswith("SMP/")}
    zc = entries(perf("fuchsia.microbenchmarks", plain))
    linux = entries(perf("linux.microbenchmarks", {k: v for k, v in LINUX.items()
                                                   if not k.startswith("SMP/")}))
    text = bench.report(zc, linux, "tcg", {}, bench.compute_verdict(zc, linux))
    assert "SMP scaling" not in text
    # SMP labels change no target of the verdict
    zc_all = entries(perf("fuchsia.microbenchmarks", ZC))
    linux_all = entries(perf("linux.microbenchmarks", LINUX))
    v1, v2 = bench.compute_verdict(zc, linux), bench.compute_verdict(zc_all, linux_all)
    assert [(t["id"], t["status"], len(t["rows"])) for t in v1["targets"]] == \
        [(t["id"], t["status"], len(t["rows"])) for t in v2["targets"]]


def test_path_length_leaves_smp_labels_out():
    zc, linux = entries(perf("fuchsia.microbenchmarks", ZC)), entries(perf("linux.microbenchmarks", LINUX))
    rows = bench.summary_rows(zc, linux, {})
    assert [r["label"] for r in bench.path_length_rows(rows)] == ["Syscall/Null"]


def test_recorded_run_report_and_csv(tmp_path, capsys):
    run = tmp_path / "run"
    os.makedirs(run / "boots")
    for system, data, suite in (("zc", ZC, "fuchsia.microbenchmarks"),
                                ("linux", LINUX, "linux.microbenchmarks")):
        for b in (1, 2):
            bench.write_fuchsiaperf(str(run / "boots" / f"{system}-{b}.fuchsiaperf.json"),
                                    perf(suite, data))
        bench.write_fuchsiaperf(str(run / f"{system}.fuchsiaperf.json"), perf(suite, data))
    # A folder from before meta.json recorded the count was measured with 200 per thread.
    bench.write_json(str(run / "meta.json"), {"mode": "tcg", "smp": 2})
    assert bench.main_report(str(run)) == 0
    out = capsys.readouterr().out
    assert "== SMP scaling (tcg, 2 CPUs)" in out and "each doing 200 operations" in out
    assert "1.00M [1.00M, 1.00M]" in out  # zc: 200 ops in 200 us
    # The count the run recorded is the one its figures use.
    bench.write_json(str(run / "meta.json"), {"mode": "tcg", "smp": 2, "smp_scale_ops": 2000})
    assert bench.main_report(str(run)) == 0
    out = capsys.readouterr().out
    assert "each doing 2000 operations" in out and "10.00M [10.00M, 10.00M]" in out
    recs = bench.smp_records([], [], {s: bench.load_boots(str(run), s) for s in bench.SYSTEMS}, 2)
    rows = smpreport.csv_rows(recs)
    assert list(rows[0]) == smpreport.CSV_COLUMNS
    assert {(r["system"], r["threads"], r["speedup"]) for r in rows} == \
        {("zc", "1", "1.000"), ("zc", "2", "1.000"), ("linux", "1", "1.000"), ("linux", "2", "2.000")}
    assert all(r["cpus"] == "2" for r in rows)


def test_path_length_pass_boots_one_cpu(tmp_path, monkeypatch):
    """The icount section measures one call's path: one CPU whatever the run's count, and a
    filter with only SMP/ labels (none exist with one CPU) skips it."""
    calls = []

    def fake_run_guest(system, kernel, initrd, cmdline, mode, timeout, memory, log, progress,
                       qemu_bin, heartbeat=None, smp=1):
        calls.append((system, mode, smp))
        return bench.GuestRun(system, no_match=True)
    monkeypatch.setattr(bench, "run_guest", fake_run_guest)
    monkeypatch.setattr(bench, "load_linux_kernel_info", lambda d: {"vmlinuz_path": "vmlinuz"})
    a = bench.parser().parse_args(["--smp", "2", "--filter", "^SMP/"])
    out = io.StringIO()
    assert bench.path_length_pass(a, str(tmp_path), str(tmp_path), {}, out) is None
    assert calls == [("zc", "icount", 1)]
    assert "no label of the filter exists with one CPU; skipped" in out.getvalue()


def test_native_section_has_the_hosts_scaling():
    from harness import native
    host = {"release": "6.x", "cpu": "test cpu", "cores": 2, "virtual_machine": False}
    per_run = {"zc-hosted": [], "linux-host": [entries(perf("linux.microbenchmarks", LINUX))]}
    text = native.section([], host, per_run, [])
    sec = text.split("== SMP scaling (native, 2 CPUs)")[1]
    assert "linux-host" in sec and "2.00 [2.00, 2.00]" in sec and "zc-hosted" not in sec
    # nothing measured: no section
    assert "SMP scaling" not in native.section([], host, {"zc-hosted": [], "linux-host": []}, [])
