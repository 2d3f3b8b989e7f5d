"""harness.hosted: how a zc-hosted run is read (status, panic, sanitizer report, crash, timeout)
and how a hosted suite lands in `harness test`'s counts. The binary is a stand-in shell script
that prints what zc-hosted would and exits as it would."""

import os
import stat
import types

from harness import hosted, qemu, testrun

SUITE_OK = """zc: booting (hosted)
[==========] Running 2 tests
[ RUN      ] A.One
[       OK ] A.One (0 ms)
[ RUN      ] A.Two
[       OK ] A.Two (0 ms)
zctest: 2 passed, 0 failed
userboot: bin/s exited with 0
zc: userboot exited with status 0
"""


def fake(tmp_path, name, text, code, sleep=0):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n"
                    f"echo \"$@\" > {tmp_path}/args\n"
                    f"cat <<'EOF'\n{text}EOF\n"
                    + (f"sleep {sleep}\n" if sleep else "")
                    + ("kill -SEGV $$\n" if code == "segv" else f"exit {code}\n"))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_exit_status_and_arguments(tmp_path):
    b = fake(tmp_path, "zc-hosted", SUITE_OK, 0)
    r = hosted.run(b, "bootfs.cpio", hosted.suite_args("bin/core-tests-2"), timeout=10)
    assert (r.mode, r.outcome, r.status) == ("hosted", "exited", 0)
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["--initrd", "bootfs.cpio", "init=bin/core-tests-2"]
    assert args[3] == "--exclude" and "IoPorts." in args[4]


def test_status_panic_sanitizer_crash_timeout(tmp_path):
    r = hosted.run(fake(tmp_path, "a", "zc: userboot exited with status 3\n", 3), "i", [], 10)
    assert (r.outcome, r.status) == ("exited", 3)
    r = hosted.run(fake(tmp_path, "b", "zc: PANIC: boom\n", 126), "i", [], 10)
    assert r.outcome == "panic"
    r = hosted.run(fake(tmp_path, "zc-hosted-asan", "ERROR: AddressSanitizer\n",
                        hosted.SANITIZER_EXIT), "i", [], 10)
    assert (r.mode, r.outcome) == ("hosted-asan", "qemu-error") and "sanitizer" in r.note
    r = hosted.run(fake(tmp_path, "c", "", "segv"), "i", [], 10)
    assert r.outcome == "qemu-error"
    r = hosted.run(fake(tmp_path, "d", "", 0, sleep=5), "i", [], 0.5)
    assert r.outcome == "timeout"


def test_hosted_suite_in_the_summary(tmp_path):
    b = fake(tmp_path, "zc-hosted", SUITE_OK, 0)
    a = types.SimpleNamespace(log_dir=str(tmp_path), suite_elf_dir=str(tmp_path),
                              initrd="i", timeout=10, expect_dir=str(tmp_path))
    r = testrun.run_hosted_suite("bin/s", a, b)
    assert (r.mode, r.passed, r.failed) == ("hosted", 2, 0)
    assert os.path.exists(os.path.join(str(tmp_path), "s.hosted.log"))
    bad = fake(tmp_path, "zc-hosted-asan", "[==========] Running 2 tests\n[ RUN      ] A.One\n",
               hosted.SANITIZER_EXIT)
    r = testrun.run_hosted_suite("bin/s", a, bad)
    assert r.mode == "hosted-asan" and r.failed >= 1
