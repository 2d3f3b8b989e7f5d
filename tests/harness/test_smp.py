"""SMP=N: the harness boots the guest with -smp N (checked here without QEMU), and zc brings the
CPUs up: the boot line names them and zx_system_get_num_cpus() counts them (bin/cpus, booted
under tcg, and under kvm where /dev/kvm is usable). docs/smp.md."""

import os
import re

import pytest

from harness import qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZC_KERNEL = os.path.join(ROOT, "build", "kernel", "zc.elf")
ZC_INITRD = os.path.join(ROOT, "build", "bootfs.cpio")
ZC_DEBUG_KERNEL = os.path.join(ROOT, "build", "kernel-debug", "zc.elf")  # ZC_DEBUG (kernel/build.mk)


def test_smp_reaches_qemu():
    args = qemu.qemu_args("k.elf", "i.cpio", "init=bin/hello", "tcg", smp=4)
    i = args.index("-smp")
    assert args[i:i + 2] == ["-smp", "4"]
    assert qemu.qemu_args("k.elf", "i.cpio", "", "tcg")[i:i + 2] == ["-smp", "1"]


@pytest.mark.parametrize("bad", ["0", "9", "x", "", "-1", "2.5", 0, 100])
def test_bad_cpu_counts_are_clear_errors(bad):
    with pytest.raises(qemu.HarnessError, match=r"must be a whole number from 1 to 8"):
        qemu.check_smp(bad)
    with pytest.raises(qemu.HarnessError):
        qemu.qemu_args("k.elf", "i.cpio", "", "tcg", smp=bad)


def test_good_cpu_counts():
    assert [qemu.check_smp(v) for v in ("1", " 2", 8, "4")] == [1, 2, 8, 4]


def test_cli_rejects_a_bad_count(run_harness):
    r = run_harness("boot", "--smp", "0", "--cmdline", "init=bin/hello")
    assert r.returncode == qemu.CODE_HARNESS
    assert "--smp" in r.stderr and "whole number from 1 to 8" in r.stderr


def test_verdict_names_the_cpus():
    one = qemu.BootResult(mode="tcg", seconds=1.0, log_text="", exit_value=0, status=0)
    two = qemu.BootResult(mode="tcg", seconds=1.0, log_text="", exit_value=0, status=0, smp=2)
    assert "(tcg, 1.00 s)" in one.verdict()
    assert "(tcg, 2 CPUs, 1.00 s)" in two.verdict()


def _boot_cpus(mode, n, smp=None, kernel_args=""):
    if not (os.path.exists(ZC_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("zc is not built (make)")
    try:
        binary = qemu.find_qemu()
    except qemu.HarnessError as e:
        pytest.skip(str(e))
    return qemu.boot(ZC_KERNEL, ZC_INITRD, f"{kernel_args}init=bin/cpus {n}", mode=mode,
                     smp=smp or n, timeout=120, qemu=binary)


def _check_cpus(r, n):
    assert r.outcome == "exited" and r.status == 0, r.verdict() + "\n" + r.log_text
    ids = ",".join(str(i) for i in range(n))
    online = re.search(r"zc: smp: (\d+) CPUs? online \(APIC ids ([\d,]+)\)(.*)", r.log_text)
    assert online, r.log_text
    assert (int(online.group(1)), online.group(2)) == (n, ids)
    if n > 1:
        assert f"IPI taken by {n - 1} of {n - 1}" in online.group(3)
    # Each CPU read its own number through its GS base (its own x86_percpu block) at bring-up.
    assert f"own GS block on {n} of {n}" in online.group(3)
    assert "left out" not in online.group(3) and "failed" not in online.group(3)
    assert f"cpus: zx_system_get_num_cpus() = {n}" in r.log_text


@pytest.mark.parametrize("n", [1, 2, 4])
def test_cpus_come_up_under_tcg(n):
    _check_cpus(_boot_cpus("tcg", n), n)


def test_a_cpu_that_does_not_start_is_left_out():
    # zc.smp_nostart=1: the CPU with APIC id 1 gets INIT but no SIPI. The boot waits its 1 s,
    # reports it and goes on with the other two.
    r = _boot_cpus("tcg", 2, smp=3, kernel_args="zc.smp_nostart=1 ")
    assert r.outcome == "exited" and r.status == 0, r.verdict() + "\n" + r.log_text
    assert "zc: smp: CPU with APIC id 1 did not come up in 1000 ms; left out" in r.log_text
    assert re.search(r"zc: smp: 2 CPUs online \(APIC ids 0,2\) in \d+ ms, IPI taken by 1 of 1, "
                     r"own GS block on 2 of 2; 1 failed to start", r.log_text), r.log_text
    assert "cpus: zx_system_get_num_cpus() = 2" in r.log_text


def test_cpus_come_up_under_kvm():
    try:
        binary = qemu.find_qemu()
    except qemu.HarnessError as e:
        pytest.skip(str(e))
    usable, why = qemu.kvm_available(binary)
    if not usable:
        pytest.skip(f"kvm: {why}")
    _check_cpus(_boot_cpus("kvm", 2), 2)


# The in-guest suites with two CPUs under tcg: threads run on both (the kernel lock, per-CPU
# run queues, docs/smp.md), every case must pass as with one, and bin/core-tests-2's SystemCpu
# cases see zx_system_get_num_cpus() == 2.
SMP_SUITES = ["bin/foundation-test", "bin/core-tests", "bin/core-tests-2", "bin/hostile-tests", "bin/smp-stress"]


def _run_suites(run_harness, mode, n, suites, log_name, kernel=ZC_KERNEL):
    log_dir = os.path.join(ROOT, "build", "test-logs", log_name)
    r = run_harness("test", "--kernel", kernel, "--initrd", ZC_INITRD, "--mode", mode, "--smp", str(n),
                    "--log-dir", log_dir, "--suite", *suites, timeout=600)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    counts = re.fullmatch(r"(\d+) passed, (\d+) failed", last)
    assert counts and int(counts.group(2)) == 0 and int(counts.group(1)) > 0, r.stdout[-3000:]
    assert r.returncode == 0
    assert f"in-guest suites ran under {mode}, {n} CPUs" in r.stdout
    return log_dir


# The stress suite of cross-CPU races (user/tests/smp) with four CPUs under tcg, and with two
# under kvm where it is usable (real CPU rules for the IPIs, the TLB shootdown and the lock).
def test_stress_suite_with_four_cpus_tcg(run_harness):
    if not (os.path.exists(ZC_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("zc is not built (make)")
    log_dir = _run_suites(run_harness, "tcg", 4, ["bin/smp-stress"], "smp4-stress")
    with open(os.path.join(log_dir, "smp-stress.log"), errors="replace") as f:
        log = f.read()
    assert "zc: smp: 4 CPUs online" in log
    assert re.search(r"zctest: (\d+) passed, 0 failed", log)


def test_stress_suite_with_two_cpus_kvm(run_harness):
    if not (os.path.exists(ZC_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("zc is not built (make)")
    try:
        usable, why = qemu.kvm_available(qemu.find_qemu())
    except qemu.HarnessError as e:
        usable, why = False, str(e)
    if not usable:
        pytest.skip(f"kvm: {why}")
    _run_suites(run_harness, "kvm", 2, ["bin/smp-stress"], "smp2-kvm-stress")


def test_suites_pass_with_two_cpus(run_harness):
    if not (os.path.exists(ZC_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("zc is not built (make)")
    log_dir = _run_suites(run_harness, "tcg", 2, SMP_SUITES, "smp2")
    for suite in SMP_SUITES:
        with open(os.path.join(log_dir, os.path.basename(suite) + ".log"), errors="replace") as f:
            assert "zc: smp: 2 CPUs online (APIC ids 0,1)" in f.read(), suite


# The debug kernel (DEBUG_ASSERT on: the kernel lock's and the object locks' assertions,
# spin_assert_held, docs/smp.md "Locking") under every suite with two CPUs and the stress suite
# with four: an assertion that fails panics the guest, and its suite fails.
@pytest.mark.parametrize("n,suites", [(2, SMP_SUITES), (4, ["bin/smp-stress"])])
def test_debug_kernel_keeps_its_lock_assertions(run_harness, n, suites):
    if not (os.path.exists(ZC_DEBUG_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("the debug kernel is not built (make build/kernel-debug/zc.elf)")
    log_dir = _run_suites(run_harness, "tcg", n, suites, f"smp{n}-debug", kernel=ZC_DEBUG_KERNEL)
    for suite in suites:
        with open(os.path.join(log_dir, os.path.basename(suite) + ".log"), errors="replace") as f:
            log = f.read()
        assert f"zc: smp: {n} CPUs online" in log and "ASSERT failed" not in log, suite


# The in-guest fuzzer with two CPUs on the debug kernel: one calling thread per CPU in each
# child (docs/hostile.md), so random calls race each other; no leak, no failed assertion.
def test_threaded_fuzzer_on_two_cpus_debug_kernel(run_harness):
    if not (os.path.exists(ZC_DEBUG_KERNEL) and os.path.exists(ZC_INITRD)):
        pytest.skip("the debug kernel is not built (make build/kernel-debug/zc.elf)")
    log_dir = _run_suites(run_harness, "tcg", 2, ["bin/fuzz-guest"], "smp2-debug-fuzz", kernel=ZC_DEBUG_KERNEL)
    with open(os.path.join(log_dir, "fuzz-guest.log"), errors="replace") as f:
        log = f.read()
    assert "fuzz: 2 calling threads per child" in log and "ASSERT failed" not in log
    m = re.search(r"fuzz: \d+ calls \(and (\d+) on other threads\) in \d+ children .*; 0 leaks", log)
    assert m and int(m.group(1)) > 0, log[-2000:]
