"""harness.coretests: the core-tests vs zCore 2020 table on known input, and its place in the
closing block of `harness test` (after the per-area counts, before the last line)."""

import io

from harness import coretests, qemu, testrun

GUEST = """\
[==========] Running 6 tests
[ RUN      ] ChannelTest.A
[       OK ] ChannelTest.A
[ RUN      ] ChannelTest.B
user/tests/core/channel_test.c:1: expected ZX_OK
[  FAILED  ] ChannelTest.B
[ RUN      ] HandleDup.A
[       OK ] HandleDup.A
[ RUN      ] Property.A
[       OK ] Property.A
[ RUN      ] Property.B
[       OK ] Property.B
[ RUN      ] VmoTestCase.A
[       OK ] VmoTestCase.A
zctest: 5 passed, 1 failed
"""

BASELINE = {"ChannelTest": (38, 38), "HandleDup": (4, 4), "VmoTestCase": (7, 27),
            "PortTest": (8, 18)}


def suite(name="bin/core-tests", log=GUEST):
    boot = qemu.decode(qemu.BootResult(mode="tcg", seconds=1.0, log_text=log, timeout=30,
                                       timed_out=False, qemu_returncode=3))
    return testrun.evaluate_suite(name, log, boot)


def test_table_known_input():
    assert coretests.table([suite()], BASELINE) == [
        "core-tests vs zCore 2020 (results/baselines/zcore-core-tests-2020.csv):",
        "  area         zc passed/total  zCore 2020 passed/total",
        "  ChannelTest  1/2              38/38",
        "  HandleDup    1/1              4/4",
        "  Property     2/2              -",
        "  VmoTestCase  1/1              7/27",
        "  total        5/6              49/69",
    ]


def test_table_only_for_core_tests():
    assert coretests.table([suite("bin/foundation-test")], BASELINE) == []
    assert coretests.table([], BASELINE) == []
    host = testrun.evaluate_host("build/host/core-tests", "1 passed, 0 failed\n", 0)
    assert coretests.table([host], BASELINE) == []


def test_table_no_zcore_rows():
    lines = coretests.table([suite()], {})
    assert lines[-1] == "  total        5/6              -"
    assert all(line.endswith("-") for line in lines[2:])


def test_baseline_file_reads():
    base = coretests.load_baseline()
    assert base["ChannelTest"] == (38, 38)
    assert base["VmoClone2TestCase"] == (29, 41)
    assert coretests.load_baseline("/nonexistent/zcore.csv") == {}


def test_baseline_csv(tmp_path):
    p = tmp_path / "z.csv"
    p.write_text("suite,zcore_passed,total\nPortTest,8,18\nEventPairTest,8,8\n")
    assert coretests.load_baseline(str(p)) == {"PortTest": (8, 18), "EventPairTest": (8, 8)}


def test_report_places_table_before_last_line():
    r = suite()
    out = io.StringIO()
    assert testrun.report([r], out, extra=coretests.table([r], BASELINE)) == (5, 1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "By area:"
    i = lines.index("core-tests vs zCore 2020 (results/baselines/zcore-core-tests-2020.csv):")
    assert lines[i - 1].startswith("  VmoTestCase ")  # after the per-area counts
    assert lines[-2] == "  total        5/6              49/69"
    assert lines[-1] == "5 passed, 1 failed"
