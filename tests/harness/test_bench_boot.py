"""harness/bench.py with real guests: the Linux peer (Debian's kernel + our initramfs) booted for
real with a tiny filter, next to a stand-in for zc (a tiny multiboot guest that prints a
fixed fuchsiaperf block, conftest.make_guest), and the "filter matches nothing" paths.

The Linux tests skip only when the kernel package is not there (make setup fetches it into
build/linux/); the initramfs is built with make when it is missing."""

import csv
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX_DIR = os.path.join(ROOT, "build", "linux")
INITRAMFS = os.path.join(LINUX_DIR, "initramfs.cpio")

FAKE_ZC = """bench: 1 tests, 3 runs each
bench: [1/1] Syscall/Null ... (0.0 s)
==== fuchsiaperf begin ====
[{"label": "Syscall/Null", "test_suite": "fuchsia.microbenchmarks", "unit": "nanoseconds",
  "values": [100, 120, 110]}]
==== fuchsiaperf end ====
zc: userboot exited with status 0
"""
FAKE_ZC_NO_MATCH = """perftest: the filter 'Nothing' matches no test
zc: userboot exited with status 2
"""


@pytest.fixture
def linux_peer():
    """(linux dir, initramfs) of the real Linux peer; skips when the kernel is not fetched."""
    if not os.path.exists(os.path.join(LINUX_DIR, "kernel.json")):
        pytest.skip("the Linux kernel package is not present (build/linux/kernel.json): "
                    "run `make setup` or `make linux-kernel`")
    if not os.path.exists(INITRAMFS):
        subprocess.run(["make", "-s", "linux-bench"], cwd=ROOT, check=True, timeout=300)
    return LINUX_DIR, INITRAMFS


def run_bench(tmp_path, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "harness.bench", "--mode", "tcg",
                           "--results-dir", str(tmp_path / "runs"),
                           "--work-dir", str(tmp_path / "work"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_linux_peer_reports_next_to_zc(tmp_path, make_guest, need_qemu, linux_peer):
    linux_dir, initramfs = linux_peer
    kernel, initrd = make_guest(FAKE_ZC, value=0)
    # the guests only: the native systems (tests/harness/test_native.py) would run the real
    # zc-hosted on this fake bootfs
    r = run_bench(tmp_path, "--systems", "zc,linux,linux_nomit",
                  "--filter", "^Syscall/Null$", "--runs", "3", "--boots", "1",
                  "--kernel", kernel, "--initrd", initrd,
                  "--linux-dir", linux_dir, "--linux-initrd", initramfs)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "bench: linux [  1/1] Syscall/Null" in r.stdout      # streamed progress
    runs = os.listdir(tmp_path / "runs")
    assert len(runs) == 1 and runs[0].endswith("-tcg")
    run = tmp_path / "runs" / runs[0]
    assert sorted(os.listdir(run)) == sorted([
        "zc.fuchsiaperf.json", "linux.fuchsiaperf.json", "linux_nomit.fuchsiaperf.json",
        "meta.json", "summary.csv", "verdict.json", "zc.log", "linux.log", "linux_nomit.log",
        # the icount path-length section of a full run and its targets (docs/bench.md)
        "pathlength.csv", "zc.icount.fuchsiaperf.json", "linux.icount.fuchsiaperf.json",
        "zc.icount.log", "linux.icount.log", "targets.csv"])
    assert "mitigations=off --" in (run / "linux_nomit.log").read_text() or \
        "bench: booting linux_nomit: console=ttyS0 quiet panic=-1 mitigations=off" in r.stdout
    linux = json.loads((run / "linux.fuchsiaperf.json").read_text())
    assert [d["label"] for d in linux] == ["Syscall/Null"]
    assert linux[0]["test_suite"] == "linux.microbenchmarks"
    assert len(linux[0]["values"]) == 3 and all(v > 0 for v in linux[0]["values"])
    zc = json.loads((run / "zc.fuchsiaperf.json").read_text())
    assert zc[0]["values"] == [100, 120, 110]
    meta = json.loads((run / "meta.json").read_text())
    assert meta["mode"] == "tcg" and meta["machine"] == "q35" and meta["qemu_cpu"] == "-cpu max"
    assert meta["linux_kernel"].startswith("linux-image-")
    # which mitigations each kernel had, from /sys/devices/system/cpu/vulnerabilities
    assert meta["mitigations"]["zc"] and meta["mitigations"]["linux"]
    assert set(meta["mitigations"]["linux"]) == set(meta["mitigations"]["linux_nomit"])
    assert meta["mitigations"]["linux"] != meta["mitigations"]["linux_nomit"] or all(
        v.startswith("Not affected") for v in meta["mitigations"]["linux"].values())
    assert meta["zc_runs"] == {"Syscall/Null": 3} and meta["linux_runs"] == {"Syscall/Null": 3}
    for key in ("commit", "commit_subject", "dirty", "quick", "date", "qemu_version",
                "memory", "host_cpu", "host_cores", "wall_seconds"):
        assert key in meta
    row = (run / "summary.csv").read_text().splitlines()[1].split(",")
    assert row[0] == "Syscall/Null" and row[1] == "110.0" and row[5] == "3"
    verdict = json.loads((run / "verdict.json").read_text())
    rows = [x for t in verdict["targets"] for x in t["rows"] if x["label"] == "Syscall/Null"]
    assert rows and rows[0]["reference"] == "linux Syscall/Null" and rows[0]["ratio"] > 0
    assert "linux-bench: exit status 0" in (run / "linux.log").read_text()
    assert not os.listdir(tmp_path / "work")


def test_three_boots_by_default_each_kept(tmp_path, make_guest, need_qemu):
    kernel, initrd = make_guest(FAKE_ZC, value=0)
    r = run_bench(tmp_path, "--systems", "zc", "--filter", "^Syscall/Null$",
                  "--kernel", kernel, "--initrd", initrd)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "booting zc (boot 3/3)" in r.stdout
    run = tmp_path / "runs" / os.listdir(tmp_path / "runs")[0]
    assert sorted(os.listdir(run / "boots")) == [
        "zc-1.fuchsiaperf.json", "zc-2.fuchsiaperf.json", "zc-2.log", "zc-3.fuchsiaperf.json",
        "zc-3.log"]
    zc = json.loads((run / "zc.fuchsiaperf.json").read_text())
    assert zc[0]["values"] == [100, 120, 110] * 3            # every boot, in boot order
    meta = json.loads((run / "meta.json").read_text())
    assert meta["boots"] == {"zc": 3}
    row = next(csv.DictReader(open(run / "summary.csv")))
    assert row["zc_boots"] == "3" and float(row["zc_ci_low_ns"]) <= 110 <= \
        float(row["zc_ci_high_ns"])
    assert "boots: zc 3" in r.stdout


def test_a_filter_matching_nothing_on_linux_is_an_error(tmp_path, need_qemu, linux_peer):
    linux_dir, initramfs = linux_peer
    r = run_bench(tmp_path, "--systems", "linux", "--filter", "NoSuchBenchmark",
                  "--linux-dir", linux_dir, "--linux-initrd", initramfs)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "matches no test" in r.stderr
    assert not (tmp_path / "runs").exists()


def test_a_filter_matching_nothing_on_zc_stops_before_linux(tmp_path, make_guest, need_qemu):
    kernel, initrd = make_guest(FAKE_ZC_NO_MATCH, value=2)
    r = run_bench(tmp_path, "--systems", "zc", "--filter", "Nothing",
                  "--kernel", kernel, "--initrd", initrd)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "zc refused the options" in r.stderr and "matches no test" in r.stderr
    assert not (tmp_path / "runs").exists()
    assert not os.listdir(tmp_path / "work")


def test_a_guest_without_results_fails_and_writes_no_run(tmp_path, make_guest, need_qemu):
    kernel, initrd = make_guest("zc: panic: out of memory\n", value=126)
    r = run_bench(tmp_path, "--systems", "zc", "--kernel", kernel, "--initrd", initrd)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "bench: zc: FAILED: zc kernel panic" in r.stdout
    assert "no '==== fuchsiaperf begin ====' line" in r.stdout
    assert "zc reported nothing" in r.stdout
    assert not (tmp_path / "runs").exists()
