"""harness/analogues.py, the table of what each benchmark does on zc and on Linux: every test of
both guests has exactly one row, the rows say what the report needs, and docs/bench.md shows
the table as the code has it."""

import os
import subprocess

import pytest

from harness import analogues, qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX_BENCH = os.path.join(ROOT, "build", "linux", "bench", "linux-bench")
ZC_KERNEL = os.path.join(ROOT, "build", "kernel", "zc.elf")
ZC_INITRD = os.path.join(ROOT, "build", "bootfs.cpio")


def listed(lines):
    return [l.strip() for l in lines if l.strip() and " " not in l.strip()]


@pytest.fixture(scope="module")
def linux_tests():
    if not os.path.exists(LINUX_BENCH):
        subprocess.run(["make", "-s", LINUX_BENCH[len(ROOT) + 1:]], cwd=ROOT, check=True,
                       timeout=300)
    r = subprocess.run([LINUX_BENCH, "--list"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return listed(r.stdout.splitlines())


@pytest.fixture(scope="module")
def zc_tests():
    if not (os.path.exists(ZC_KERNEL) and os.path.exists(ZC_INITRD)):
        subprocess.run(["make", "-s", "all"], cwd=ROOT, check=True, timeout=600)
    qemu.find_qemu()
    res = qemu.boot(ZC_KERNEL, ZC_INITRD, "init=bin/zc-bench --list", mode="tcg", timeout=60)
    assert res.status == 0, res.log_text[-2000:]
    return [l for l in listed(res.log_text.splitlines()) if "/" in l or "_" in l]


def test_every_linux_test_has_one_row_with_a_linux_side(linux_tests):
    assert len(linux_tests) > 50
    for t in linux_tests:
        rows = analogues.rows_for(t)
        assert len(rows) == 1, (t, [r.pattern for r in rows])
        assert rows[0].linux is not None, t


def test_every_zc_test_has_one_row(zc_tests, linux_tests):
    assert len(zc_tests) > 50
    for t in zc_tests:
        rows = analogues.rows_for(t)
        assert len(rows) == 1, (t, [r.pattern for r in rows])
        # a row says "no analogue" exactly when the Linux peer does not have the test
        assert (rows[0].equal is None) == (t not in linux_tests), t


def test_unequal_rows_say_why_and_steps_follow_their_test():
    for a in analogues.ANALOGUES:
        if a.equal is not True:
            assert a.why, a.pattern
    assert analogues.equal_work("Channel/WriteRead/64bytes/1handles.write") is False
    assert analogues.equal_work("Channel/WriteRead/64bytes/0handles.read") is True
    assert analogues.equal_work("HandleCreate_Vmo.create") is True
    assert analogues.equal_work("No/Such/Label") is None
    assert set(analogues.unequal(["Thread/CreateAndJoin", "Syscall/Null"])) == \
        {"Thread/CreateAndJoin"}


def test_docs_show_the_table():
    with open(os.path.join(ROOT, "docs", "bench.md")) as f:
        doc = f.read()
    assert analogues.markdown_table() in doc, \
        "docs/bench.md is out of date: paste `/usr/bin/python3 -m harness.analogues` into it"
