"""harness.testrun and `harness test`: the gtest-like parser, how suites are counted when they end
badly, .expect files, host tests, pytest reports, and the closing summary line."""

import io
import json
import os
import stat
import subprocess

import pytest

from harness import qemu, testrun

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GUEST_OUTPUT = """\
zc: boot: kernel entry to first user instruction 812 us
[==========] Running 4 tests
[ RUN      ] Channel.CreateAndClose
[       OK ] Channel.CreateAndClose
[ RUN      ] Channel.WriteTooBig
user/tests/channel.c:42: expected ZX_ERR_OUT_OF_RANGE, got ZX_OK
[  FAILED  ] Channel.WriteTooBig
[ RUN      ] Vmo.Create
[       OK ] Vmo.Create (3 ms)
[ RUN      ] Vmo.Resize
[       OK ] Vmo.Resize
[  FAILED  ] 1 test, listed below:
[  FAILED  ] Channel.WriteTooBig
zctest: 3 passed, 1 failed
zc: userboot exited with status 1
"""


def boot_result(log, rc=3, timed_out=False):
    return qemu.decode(qemu.BootResult(mode="tcg", seconds=2.0, log_text=log, timeout=30,
                                       timed_out=timed_out, qemu_returncode=rc))


def names(r, passed):
    return [c.name for c in r.cases if c.passed == passed]


def test_parse_gtest_known_output():
    g = testrun.parse_gtest(GUEST_OUTPUT)
    assert g.summary == (3, 1) and g.planned == 4 and g.unfinished is None
    assert [(c.name, c.passed) for c in g.cases] == [
        ("Channel.CreateAndClose", True), ("Channel.WriteTooBig", False),
        ("Vmo.Create", True), ("Vmo.Resize", True)]
    assert g.cases[1].detail == ["user/tests/channel.c:42: expected ZX_ERR_OUT_OF_RANGE, got ZX_OK"]
    assert g.cases[1].area == "Channel"


def test_parse_gtest_unfinished_test():
    g = testrun.parse_gtest("[ RUN      ] Port.Wait\nwaiting...\n")
    assert g.cases == [] and g.summary is None
    assert (g.unfinished.name, g.unfinished.detail) == ("Port.Wait", ["waiting..."])


def test_suite_clean_run():
    r = testrun.evaluate_suite("bin/core-tests", GUEST_OUTPUT, boot_result(GUEST_OUTPUT))
    assert (r.passed, r.failed, r.problems) == (3, 1, [])
    assert names(r, False) == ["Channel.WriteTooBig"]
    assert r.info == "tcg, 2.0 s"


def test_suite_timeout_mid_test_counts_the_unfinished_and_never_run_tests():
    log = "[==========] Running 5 tests\n[ RUN      ] A.One\n[       OK ] A.One\n" \
          "[ RUN      ] A.Two\nstuck\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=None, timed_out=True))
    assert (r.passed, r.failed) == (1, 4)  # A.Two unfinished + 3 never ran
    assert names(r, False) == ["A.Two"]
    assert r.cases[-1].detail == ["stuck", "did not finish: timeout after 30 s"]
    assert r.problems == ["3 of 5 tests never ran", "timeout after 30 s"]


def test_suite_panic_between_tests_is_one_failure():
    log = "[ RUN      ] A.One\n[       OK ] A.One\nzc: panic: bad\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=253))
    assert (r.passed, r.failed) == (1, 1)
    assert names(r, False) == ["a-tests.run"]
    assert r.problems == ["kernel panic: zc: panic: bad"]


def test_suite_panic_after_summary_still_fails():
    log = "zctest: 2 passed, 0 failed\nzc: panic: teardown\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=253))
    assert (r.passed, r.failed) == (2, 1)


def test_suite_without_summary_line():
    log = "[ RUN      ] A.One\n[       OK ] A.One\nzc: userboot exited with status 0\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=1))
    assert (r.passed, r.failed) == (1, 1)
    assert r.problems == ["no 'zctest: N passed, N failed' summary line"]


def test_suite_nonzero_status_with_no_failures():
    log = "zctest: 2 passed, 0 failed\nzc: userboot exited with status 4\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=9))
    assert (r.passed, r.failed) == (2, 1)
    assert r.problems == ["exited with status 4 but reported 0 failures"]


def test_suite_not_booted():
    r = testrun.evaluate_suite("bin/a-tests", "", None, error="kernel build/kernel/zc.elf "
                               "not found (build it with `make`)")
    assert (r.passed, r.failed) == (0, 1)
    assert r.cases[0].detail == ["kernel build/kernel/zc.elf not found (build it with `make`)"]


def test_expect_file(tmp_path):
    f = tmp_path / "a-tests.expect"
    f.write_text("# kernel lines this suite must produce\n"
                 "zc: boot: kernel entry to first user instruction \\d+ us\n\n"
                 "^zc: process \\d+ \\(a-tests\\) killed: general protection fault\n"
                 "unbalanced (\n")
    expects = testrun.load_expect(str(f))
    assert [n for n, _ in expects] == [2, 4, 5]
    r = testrun.evaluate_suite("bin/a-tests", GUEST_OUTPUT, boot_result(GUEST_OUTPUT), None,
                               expects)
    assert (r.passed, r.failed) == (4, 3)
    assert names(r, True)[-1] == "a-tests.log:2"
    assert names(r, False)[-2:] == ["a-tests.log:4", "a-tests.log:5"]
    assert r.cases[-1].detail[0].startswith("bad regex /unbalanced (/")
    assert testrun.load_expect(str(tmp_path / "none.expect")) == []


@pytest.mark.parametrize("output,rc,counts,problem", [
    ("ok\n12 passed, 0 failed\n", 0, (12, 0), None),
    ("10 passed, 2 failed\n\n", 1, (10, 2), None),
    ("3 passed, 0 failed\n", 1, (3, 1), "exit status 1 but reported 0 failures"),
    ("partial output\n", 0, (0, 1), "no 'N passed, N failed' last line (exit status 0)"),
    ("1 passed, 0 failed\n", -11, (1, 1), "killed by signal 11"),
])
def test_host_test_counts(output, rc, counts, problem):
    r = testrun.evaluate_host("build/host/objects_test", output, rc)
    assert (r.passed, r.failed) == counts
    assert r.problems == ([problem] if problem else [])


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1"
failures="1" skipped="1" tests="5"><testcase classname="tests.harness.test_a" name="test_ok"/>
<testcase classname="tests.harness.test_a" name="test_bad"><failure message="assert 1 == 2"/>
</testcase><testcase classname="tests.dash.test_b" name="test_skip"><skipped message="no"/>
</testcase><testcase classname="tests.dash.test_b" name="test_err"><error message="fixture"/>
</testcase><testcase classname="tests.dash.test_b" name="test_ok2"/></testsuite></testsuites>"""


def test_pytest_report():
    r = testrun.evaluate_pytest(["tests"], JUNIT, 1)
    assert (r.passed, r.failed, r.skipped) == (2, 2, 1)
    assert names(r, False) == ["harness.test_a.test_bad", "dash.test_b.test_err"]
    assert testrun.area_counts([r]) == {"harness": [1, 1], "dash": [1, 1]}
    missing = testrun.evaluate_pytest(["tests"], None, 4)
    assert (missing.passed, missing.failed) == (0, 1)


def test_report_areas_and_last_line():
    a = testrun.evaluate_suite("bin/core-tests", GUEST_OUTPUT, boot_result(GUEST_OUTPUT))
    h = testrun.evaluate_host("build/host/objects_test", "7 passed, 0 failed\n", 0)
    out = io.StringIO()
    assert testrun.report([a, h], out) == (10, 1)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "10 passed, 1 failed"
    assert lines == ["By area:",
                     "  Channel       1 passed, 1 failed",
                     "  Vmo           2 passed, 0 failed",
                     "  objects_test  7 passed, 0 failed",
                     "10 passed, 1 failed"]


def _script(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_aggregator_end_to_end(make_guest, need_qemu, run_harness, tmp_path):
    k, i = make_guest(GUEST_OUTPUT, value=1)
    good = _script(tmp_path / "good_test", "echo '5 passed, 0 failed'\n")
    crash = _script(tmp_path / "crash_test", "echo starting; kill -SEGV $$\n")
    pydir = tmp_path / "py"
    pydir.mkdir()
    (pydir / "test_toy.py").write_text("def test_one():\n    pass\n\n"
                                       "def test_two():\n    assert 1 == 2\n")
    expect_dir = tmp_path / "expect"
    expect_dir.mkdir()
    (expect_dir / "core-tests.expect").write_text("kernel entry to first user\nnever printed\n")
    logs = tmp_path / "logs"
    p = run_harness("test", "--kernel", k, "--initrd", i, "--mode", "tcg", "--timeout", "30",
                    "--suite", "bin/core-tests", "--host-test", good, crash,
                    "--pytest", str(pydir), "--expect-dir", str(expect_dir),
                    "--log-dir", str(logs))
    # core-tests 3+1 and expect 1+1, good 5+0, crash 0+1, pytest 1+1
    assert p.stdout.splitlines()[-1] == "10 passed, 4 failed"
    assert p.returncode == 1
    assert "    FAILED core-tests.log:2" in p.stdout
    assert "    FAILED crash_test.run\n        killed by signal 11\n" in p.stdout
    assert "qemu   bin/core-tests (tcg, " in p.stdout
    assert (logs / "core-tests.log").read_text() == GUEST_OUTPUT
    assert (logs / "host-crash_test.log").read_text() == "starting\n"
    summary = json.loads((logs / "summary.json").read_text())
    assert (summary["passed"], summary["failed"]) == (10, 4)


def test_aggregator_all_pass_and_missing_kernel(run_harness, tmp_path):
    good = _script(tmp_path / "good_test", "echo '2 passed, 0 failed'\n")
    p = run_harness("test", "--host-test", good, "--log-dir", str(tmp_path / "logs"))
    assert (p.returncode, p.stdout.splitlines()[-1]) == (0, "2 passed, 0 failed")
    p = run_harness("test", "--kernel", str(tmp_path / "zc.elf"), "--initrd", good,
                    "--suite", "bin/a", "bin/b", "--log-dir", str(tmp_path / "logs"),
                    "--mode", "tcg")
    assert (p.returncode, p.stdout.splitlines()[-1]) == (1, "0 passed, 2 failed")
    assert p.stdout.count(f"kernel {tmp_path}/zc.elf not found (build it with `make`)") >= 2
    assert os.path.exists(tmp_path / "logs" / "a.log")


def test_suite_test_started_after_the_summary_counts_once():
    log = "zctest: 2 passed, 0 failed\n[ RUN      ] Late.Test\nzc: panic: late\n"
    r = testrun.evaluate_suite("bin/a-tests", log, boot_result(log, rc=253))
    assert (r.passed, r.failed) == (2, 1)
    assert names(r, False) == ["Late.Test"]


LISTED = ["A.one", "A.two", "B.three", "B.four"]


def test_a_suite_that_dies_counts_every_listed_case_it_never_ran():
    log = "[ RUN      ] A.one\n[       OK ] A.one\n[ RUN      ] A.two\n"
    boot = qemu.BootResult(mode="tcg", seconds=1.0, log_text=log, qemu_returncode=253)
    boot = qemu.decode(boot)  # v = 126: kernel panic
    r = testrun.evaluate_suite("bin/s", log, boot, listed=LISTED, mode="tcg")
    assert (r.passed, r.failed) == (1, 3)
    assert {c.name for c in r.cases if not c.passed} == {"A.two", "B.three", "B.four"}
    assert any("2 of 4 listed tests not run" in p for p in r.problems)


def test_a_suite_that_never_boots_counts_all_listed_cases():
    r = testrun.evaluate_suite("bin/s", "", None, error="QEMU missing", listed=LISTED,
                               mode="kvm")
    assert (r.passed, r.failed) == (0, 4)
    assert r.info == "kvm, not booted"


def test_a_complete_suite_is_not_padded_by_its_list():
    log = ("[ RUN      ] A.one\n[       OK ] A.one\nzctest: 1 passed, 0 failed\n"
           "zc: userboot exited with status 0\n")
    boot = qemu.decode(qemu.BootResult(mode="tcg", seconds=1.0, log_text=log,
                                       qemu_returncode=1))
    r = testrun.evaluate_suite("bin/s", log, boot, listed=LISTED, mode="tcg")
    assert (r.passed, r.failed) == (1, 0)


def test_suite_modes(tmp_path, fake_qemu):
    dev = tmp_path / "kvm"
    dev.write_text("")
    both = fake_qemu("tcg", "kvm")
    assert testrun.suite_modes("auto", both, kvm_device=str(dev))[0] == ["tcg", "kvm"]
    assert testrun.suite_modes("auto", both, kvm_device=str(tmp_path / "no"))[0] == ["tcg"]
    assert testrun.suite_modes("auto", fake_qemu("tcg"), kvm_device=str(dev))[0] == ["tcg"]
    assert testrun.suite_modes("icount", both, kvm_device=str(dev))[0] == ["icount"]
    assert testrun.suite_modes("kvm", both, kvm_device=str(dev))[0] == ["kvm"]


ZCTEST_C = r"""
struct zctest_case { const char *area, *name; void (*fn)(void); const char *file; int line; };
static void f(void) {}
__attribute__((used, section("zctest_cases"), aligned(8)))
static const struct zctest_case a = {"Area", "First", f, "x.c", 1};
__attribute__((used, section("zctest_cases"), aligned(8)))
static const struct zctest_case b = {"Other", "Second", f, "x.c", 2};
void _start(void) { for (;;) {} }
"""


def test_zctest_list_reads_the_cases_section(tmp_path):
    from harness import zctest_list
    src = tmp_path / "t.c"
    src.write_text(ZCTEST_C)
    elf = tmp_path / "t.elf"
    subprocess.run(["gcc", "-O1", "-no-pie", "-fno-pic", "-nostdlib", "-static", "-o", str(elf),
                    str(src)], check=True)
    assert sorted(zctest_list.cases(str(elf))) == ["Area.First", "Other.Second"]
    assert zctest_list.cases_or_none(str(tmp_path / "missing.elf")) is None
    src.write_text("not an elf")
    assert zctest_list.cases_or_none(str(src)) is None


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "build", "user", "core-tests.elf")),
                    reason="zc's suites are not built")
def test_zctest_list_matches_the_suites_own_count():
    from harness import zctest_list
    listed = zctest_list.cases(os.path.join(ROOT, "build", "user", "core-tests.elf"))
    assert len(listed) > 300 and len(set(listed)) == len(listed)
