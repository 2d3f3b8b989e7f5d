"""harness.benchcheck (make bench-check / bench-reference): the comparison with the reference,
and whole runs against the tiny icount guest of test_bisect.py standing in for zc-bench."""

import json
import subprocess
import sys

import pytest

from harness import benchcheck
from test_bisect import WORK_C, commit, tiny_repo  # noqa: F401 (tiny_repo: a fixture)

ROOT = benchcheck.ROOT


def test_compare_to_reference():
    ref = {"A": [100, 100, 100], "B": [200, 200], "C": [50], "Gone": [7]}
    new = {"A": [103, 103, 103], "B": [206.2, 206.2], "C": [40], "New": [1]}
    rows, failures = benchcheck.compare_to_reference(ref, new, 3.0)
    status = {r[0]: r[4] for r in rows}
    assert status == {"A": "ok", "B": "SLOWER", "C": "faster", "Gone": "MISSING", "New": "new"}
    assert len(failures) == 2
    assert failures[0].startswith("B: +3.10%") and failures[1].startswith("Gone: not measured")


def run_gate(*args):
    return subprocess.run([sys.executable, "-m", "harness.benchcheck", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_reference_then_check(tiny_repo, tmp_path):
    repo, _ = tiny_repo
    subprocess.run(["make", "-s", "-C", str(repo), "all"], check=True, capture_output=True)
    machine = ["--kernel", str(repo / "build/kernel/zc.elf"),
               "--initrd", str(repo / "build/bootfs.cpio"), "--runs", "5", "--timeout", "60",
               "--reference", str(tmp_path / "reference"), "--work-dir", str(tmp_path / "work"),
               "--filter", "^Tiny/"]
    r = run_gate("reference", *machine)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "the two runs differ by at most 0.000%" in r.stdout
    meta = json.loads((tmp_path / "reference" / "meta.json").read_text())
    assert meta["mode"] == "icount" and meta["filter"] == "^Tiny/" and meta["runs"] == 5
    r = run_gate("check", *machine)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "bench-check: ok: 2 labels within 3% of the reference" in r.stdout
    # the reference is a run folder: harness compare reads it
    run = r.stdout.split("bench-check: run folder ")[1].split("\n")[0]
    c = subprocess.run([sys.executable, "-m", "harness", "compare",
                        str(tmp_path / "reference"), f"{ROOT}/{run}"],
                       cwd=ROOT, capture_output=True, text=True)
    assert c.returncode == 0 and "0 faster, 0 slower, 2 no significant" in c.stdout, c.stdout

    # a much slower Tiny/Work (3000 iterations, was 2000 + 300) fails the gate
    commit(repo, "slower", **{"work.c": WORK_C.replace("2000", "3000")})
    subprocess.run(["make", "-s", "-C", str(repo), "all"], check=True, capture_output=True)
    r = run_gate("check", *machine)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Tiny/Work" in r.stdout and "SLOWER" in r.stdout
    assert "bench-check: FAIL: 1 of 2 labels regressed by more than 3%" in r.stdout

    # a guest that does not run: exit 2 with the reason
    bad = machine[:]
    bad[1] = str(tmp_path / "no-kernel.elf")
    r = run_gate("check", *bad)
    assert r.returncode == 2 and "could not be measured" in r.stderr


def test_no_reference(tmp_path):
    r = run_gate("check", "--reference", str(tmp_path / "none"))
    assert r.returncode == 2 and "make bench-reference" in r.stderr


def test_reference_refuses_unstable_numbers(tmp_path, monkeypatch, capsys):
    answers = iter([{"X": [100.0]}, {"X": [102.0]}])

    def fake_measure(*a, log_path=None, **k):
        open(log_path, "w").close()
        return next(answers)
    monkeypatch.setattr(benchcheck, "measure", fake_measure)
    rc = benchcheck.main(["reference", "--reference", str(tmp_path / "ref"),
                          "--work-dir", str(tmp_path / "w")])
    assert rc == 1
    assert "X: 100 vs 102 ns (1.96% apart)" in capsys.readouterr().err
    assert not (tmp_path / "ref").exists()


def test_the_committed_reference_is_usable():
    """results/reference/ (when there) is a run folder of the gate's mode and subset."""
    import os
    from harness import perfdata
    if not os.path.isdir(benchcheck.REFERENCE_DIR):
        pytest.skip("no results/reference yet")
    run = perfdata.load_run(benchcheck.REFERENCE_DIR, need_zc=True)
    assert run.mode == "icount"
    assert run.meta["filter"] == benchcheck.SUBSET and run.meta["runs"] == benchcheck.RUNS
    assert len(run.zc) >= 20
