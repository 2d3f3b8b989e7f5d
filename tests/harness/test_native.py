"""harness/native.py: the native systems of `make bench` (zc-hosted and the Linux benchmarks on
the host), with stand-in programs for the argument, failure and file checks, and the real
zc-hosted and linux-bench for one label when they are built."""

import csv
import json
import os
import stat
import statistics

import pytest

from harness import bench, native

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fake_program(path, values, status=0, label="Syscall/Null"):
    """A stand-in benchmark program: prints a fuchsiaperf block and its arguments, exits."""
    block = json.dumps([{"label": label, "test_suite": "x", "unit": "nanoseconds",
                         "values": values},
                        {"label": "Limit/Memcpy/2048kbytes", "test_suite": "x",
                         "unit": "nanoseconds", "values": [100.0, 101.0, 99.0],
                         "bytes_processed_per_run": 2097152}])
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho \"args: $*\"\necho '==== fuchsiaperf begin ===='\n"
                f"echo '{block}'\necho '==== fuchsiaperf end ===='\nexit {status}\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return str(path)


def run(tmp_path, capsys, zc, linux, *extra):
    rc = bench.main(["--systems", "zc-hosted,linux-host", "--hosted-bin", zc,
                     "--linux-bench-bin", linux, "--initrd", __file__,
                     "--results-dir", str(tmp_path / "runs"),
                     "--work-dir", str(tmp_path / "work"), *extra])
    return rc, capsys.readouterr()


def only_run(tmp_path):
    (d,) = os.listdir(tmp_path / "runs")
    assert d.endswith("-native")
    return tmp_path / "runs" / d


def test_native_only_run_writes_its_files_and_figures(tmp_path, capsys):
    zc = fake_program(tmp_path / "zc", [2000.0, 2100.0, 1900.0])
    linux = fake_program(tmp_path / "linux", [100.0, 110.0, 90.0])
    rc, io = run(tmp_path, capsys, zc, linux, "--boots", "2")
    assert rc == 0, io.err
    d = only_run(tmp_path)
    for name in ("zc-hosted.fuchsiaperf.json", "linux-host.fuchsiaperf.json", "meta.json",
                 native.SUMMARY_FILE, "boots/zc-hosted-2.fuchsiaperf.json",
                 "boots/linux-host-1.fuchsiaperf.json", "zc-hosted.log"):
        assert (d / name).exists(), name
    meta = json.loads((d / "meta.json").read_text())
    assert meta["mode"] == "native" and meta["native"]["runs"] == {"zc-hosted": 2,
                                                                    "linux-host": 2}
    # zc-hosted gets the kernel command line, the Linux program the options themselves
    assert "init=bin/zc-bench" in meta["native"]["commands"]["zc-hosted"]
    assert "init=bin/zc-bench" not in meta["native"]["commands"]["linux-host"]
    rows = {r["label"]: r for r in csv.DictReader(open(d / native.SUMMARY_FILE))}
    null = rows["Syscall/Null"]
    # recomputed from the raw values: both boots are the same program, so the median holds
    assert float(null["zc_median_ns"]) == pytest.approx(statistics.median([2000, 2100, 1900]))
    assert float(null["zc_over_linux"]) == pytest.approx(20.0, rel=0.01)
    assert float(null["zc_over_linux_ci_low"]) <= 20.0 <= float(null["zc_over_linux_ci_high"])
    assert "== native on this host" in io.out and "NOT part of the in-guest" in io.out
    assert "Syscall/Null" in io.out
    # the recorded run's report shows the same section from the raw files
    assert bench.main(["--report", str(d)]) == 0
    again = capsys.readouterr().out
    assert "Syscall/Null" in again and "20.000" in again


def test_a_missing_binary_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    linux = fake_program(tmp_path / "linux", [100.0])
    rc, io = run(tmp_path, capsys, str(tmp_path / "absent"), linux)
    assert rc == 2
    assert "not found" in io.err and "make hosted" in io.err
    assert not (tmp_path / "runs").exists()


def test_a_failing_program_fails_the_run_and_says_why(tmp_path, capsys):
    zc = fake_program(tmp_path / "zc", [2000.0], status=3)
    linux = fake_program(tmp_path / "linux", [100.0])
    rc, io = run(tmp_path, capsys, zc, linux, "--boots", "2")
    assert rc == 1
    assert "zc-hosted exited with status 3" in io.out
    meta = json.loads((only_run(tmp_path) / "meta.json").read_text())
    assert meta["native"]["runs"]["zc-hosted"] == 0    # not run again after failing
    assert meta["native"]["errors"]


def test_unknown_system_is_refused(tmp_path, capsys):
    assert bench.main(["--systems", "zc-hosted,bsd", "--results-dir",
                       str(tmp_path / "runs")]) == 2
    assert "--systems takes a comma list" in capsys.readouterr().err


REAL = {s: os.path.join(ROOT, native.DEFAULT_BINARIES[s]) for s in native.DEFAULT_BINARIES}


@pytest.mark.skipif(not all(os.access(p, os.X_OK) for p in REAL.values()),
                    reason="zc-hosted or linux-bench not built (make hosted linux-bench)")
def test_real_programs_report_the_same_label(tmp_path, capsys):
    rc = bench.main(["--systems", "zc-hosted,linux-host", "--hosted-bin", REAL["zc-hosted"],
                     "--linux-bench-bin", REAL["linux-host"],
                     "--initrd", os.path.join(ROOT, "build/bootfs.cpio"),
                     "--filter", "^Syscall/Null$", "--runs", "50", "--boots", "1",
                     "--results-dir", str(tmp_path / "runs"), "--work-dir", str(tmp_path / "w")])
    out = capsys.readouterr().out
    assert rc == 0, out
    rows = {r["label"]: r for r in
            csv.DictReader(open(only_run(tmp_path) / native.SUMMARY_FILE))}
    assert float(rows["Syscall/Null"]["zc_median_ns"]) > 0
    assert float(rows["Syscall/Null"]["linux_median_ns"]) > 0
