"""harness.qemu and `harness boot`: exit-status decoding, mode selection, argument errors, and
real boots of tiny multiboot guests."""

import io
import json
import os
import stat

import pytest

from harness import qemu


def decoded(rc, log="", timed_out=False, stderr=""):
    return qemu.decode(qemu.BootResult(mode="tcg", seconds=1.0, log_text=log,
                                       timed_out=timed_out, timeout=5, qemu_returncode=rc,
                                       qemu_stderr=stderr))


EXIT3 = "zc: userboot exited with status 3\n"


@pytest.mark.parametrize("rc,log,outcome,status,code", [
    (7, EXIT3, "exited", 3, 3),                       # v = 7 >> 1
    (7, "", "exited", 3, 3),                          # the port alone is enough for v > 0
    (1, "zc: userboot exited with status 0\n", "exited", 0, 0),
    (249, "zc: userboot exited with status 124\n", "exited", 124, 124),
    (251, "zc: userboot exited with status -5\n", "exited", -5, 125),   # full int64 from the log
    (251, "zc: userboot exited with status 4294967296\n", "exited", 4294967296, 125),
    (251, "", "exited", 125, 125),
    (253, "zc: panic: out of memory\n", "panic", None, 126),
    (0, "", "reset", None, 128),
    (1, "", "qemu-error", None, 127),                 # QEMU's own failure, not a guest exit 0
    (2, "", "qemu-error", None, 127),
    (-9, "", "qemu-error", None, 127),
])
def test_decode(rc, log, outcome, status, code):
    r = decoded(rc, log)
    assert (r.outcome, r.status, r.exit_code) == (outcome, status, code)
    assert r.panicked == (outcome == "panic")


def test_decode_timeout():
    r = decoded(None, "half a line", timed_out=True)
    assert (r.outcome, r.exit_code, r.timed_out) == ("timeout", 129, True)
    assert r.verdict() == "harness: timeout after 5 s (tcg); QEMU killed"


def test_decode_last_exit_line_wins_and_mismatch_is_reported():
    r = decoded(7, "zc: userboot exited with status 9\nzc: userboot exited with status 4\n")
    assert r.status == 3 and "log says status 4, exit port says 3" in r.note


def test_verdicts_name_the_mode():
    assert decoded(7, EXIT3).verdict() == "harness: zc exited with status 3 (tcg, 1.00 s)"
    assert decoded(253, "zc: panic: boom\n").verdict() == \
        "harness: zc kernel panic (tcg, 1.00 s): zc: panic: boom"
    assert decoded(0).verdict().startswith("harness: guest reset (tcg, 1.00 s)")
    r = decoded(1, stderr="qemu-system-x86_64: could not load kernel 'x'")
    assert r.verdict() == ("harness: QEMU failed (tcg, 1.00 s): exit status 1: "
                           "qemu-system-x86_64: could not load kernel 'x'")


def test_exit_value_for_matches_the_abi():
    assert [qemu.exit_value_for(s) for s in (0, 1, 124, 125, -1, 1 << 40)] == \
        [0, 1, 124, 125, 125, 125]


def test_mode_auto_without_kvm_device_is_tcg(tmp_path, fake_qemu):
    q = fake_qemu("tcg", "kvm")
    assert qemu.select_mode("auto", q, kvm_device=str(tmp_path / "no-kvm")) == "tcg"


def test_mode_auto_with_usable_kvm(tmp_path, fake_qemu):
    dev = tmp_path / "kvm"
    dev.write_text("")
    assert qemu.select_mode("auto", fake_qemu("tcg", "kvm"), kvm_device=str(dev)) == "kvm"
    # the device opens, but this QEMU was built without KVM
    assert qemu.select_mode("auto", fake_qemu("tcg"), kvm_device=str(dev)) == "tcg"
    with pytest.raises(qemu.HarnessError, match="does not accept -accel kvm"):
        qemu.select_mode("kvm", fake_qemu("tcg"), kvm_device=str(dev))


def test_mode_kvm_device_not_openable(tmp_path, fake_qemu):
    # a directory exists but never opens read-write (even for root)
    with pytest.raises(qemu.HarnessError, match="cannot be opened read-write"):
        qemu.select_mode("kvm", fake_qemu("kvm"), kvm_device=str(tmp_path))


def test_forced_kvm_without_device_is_a_clear_error(tmp_path, fake_qemu):
    with pytest.raises(qemu.HarnessError, match=r"mode kvm is not available here: .* does not "
                       r"exist; use --mode tcg"):
        qemu.select_mode("kvm", fake_qemu("kvm"), kvm_device=str(tmp_path / "no-kvm"))


def test_tcg_and_icount_are_taken_as_given(tmp_path, fake_qemu):
    q = fake_qemu("tcg", "kvm")
    assert qemu.select_mode("tcg", q) == "tcg"
    assert qemu.select_mode("icount", q) == "icount"
    with pytest.raises(qemu.HarnessError, match="unknown mode 'fast'"):
        qemu.select_mode("fast", q)


@pytest.mark.skipif(os.path.exists("/dev/kvm"), reason="this machine has /dev/kvm")
def test_auto_on_this_machine_is_tcg(need_qemu):
    assert qemu.select_mode("auto", need_qemu) == "tcg"


def test_same_machine_in_every_mode():
    args = {m: qemu.qemu_args("k.elf", "i.cpio", "init=bin/hello a b", m)
            for m in ("kvm", "tcg", "icount")}

    def without_accel(a):
        out, skip = [], 0
        for x in a:
            if skip:
                skip -= 1
            elif x in ("-accel", "-icount"):
                skip = 1
            else:
                out.append(x)
        return out
    assert without_accel(args["kvm"]) == without_accel(args["tcg"]) == without_accel(args["icount"])
    tcg = args["tcg"]
    for pair in (["-cpu", "max"], ["-machine", "q35"], ["-smp", "1"], ["-m", "512M"],
                 ["-append", "init=bin/hello a b"],
                 ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]):
        i = tcg.index(pair[0])
        assert tcg[i:i + 2] == pair
    assert "-accel" in args["kvm"] and args["kvm"][args["kvm"].index("-accel") + 1] == "kvm"
    assert "shift=0,sleep=off,align=off" in args["icount"]


def test_boot_missing_files(tmp_path):
    k = tmp_path / "zc.elf"
    with pytest.raises(qemu.HarnessError, match=r"kernel .*zc.elf not found"):
        qemu.boot(str(k), str(tmp_path / "bootfs.cpio"), "init=bin/hello")
    k.write_text("")
    with pytest.raises(qemu.HarnessError, match=r"initrd .*bootfs.cpio not found"):
        qemu.boot(str(k), str(tmp_path / "bootfs.cpio"), "init=bin/hello")


def test_boot_qemu_not_installed(tmp_path):
    for f in ("k", "i"):
        (tmp_path / f).write_text("")
    with pytest.raises(qemu.HarnessError, match="no-such-qemu not found: install QEMU"):
        qemu.boot(str(tmp_path / "k"), str(tmp_path / "i"), "", qemu="no-such-qemu")


def test_cli_missing_kernel(run_harness, tmp_path):
    p = run_harness("boot", "--kernel", str(tmp_path / "zc.elf"), "--initrd",
                    str(tmp_path / "b.cpio"), "--cmdline", "init=bin/hello")
    assert p.returncode == 127
    assert f"harness: kernel {tmp_path}/zc.elf not found (build it with `make`)" in p.stderr


def test_cli_bad_mode(run_harness):
    p = run_harness("boot", "--cmdline", "init=bin/hello", "--mode", "fast")
    assert p.returncode == 127
    assert "invalid choice: 'fast' (choose from 'auto', 'kvm', 'tcg', 'icount')" in p.stderr


def test_cli_needs_cmdline(run_harness):
    p = run_harness("boot")
    assert p.returncode == 127 and "--cmdline" in p.stderr


# Real boots of tiny guests.

def test_boot_streams_and_exits_with_status(make_guest, need_qemu, tmp_path):
    k, i = make_guest("hello from guest\nzc: userboot exited with status 3\n", value=3)
    log = tmp_path / "logs" / "serial.log"
    echoed = []

    class Echo:
        def write(self, s):
            echoed.append(s)

        def flush(self):
            pass

    r = qemu.boot(k, i, "init=bin/hello a b", mode="tcg", timeout=30, log_path=str(log),
                  echo=Echo())
    assert (r.outcome, r.status, r.exit_code, r.mode) == ("exited", 3, 3, "tcg")
    text = "hello from guest\nzc: userboot exited with status 3\n"
    assert r.log_text == text and log.read_text() == text and "".join(echoed) == text
    assert r.command[0] == need_qemu and r.seconds > 0


def test_cli_boot_full_status(make_guest, need_qemu, run_harness):
    k, i = make_guest("zc: userboot exited with status -5\n", value=125)
    p = run_harness("boot", "--kernel", k, "--initrd", i, "--cmdline", "init=bin/x",
                    "--mode", "tcg")
    assert p.returncode == 125
    assert p.stdout == "zc: userboot exited with status -5\n"
    assert p.stderr.splitlines()[-1].startswith("harness: zc exited with status -5 (tcg, ")


def test_cli_boot_quiet_icount(make_guest, need_qemu, run_harness):
    k, i = make_guest("zc: userboot exited with status 0\n", value=0)
    p = run_harness("boot", "--kernel", k, "--initrd", i, "--cmdline", "init=bin/x",
                    "--mode", "icount", "--quiet")
    assert (p.returncode, p.stdout) == (0, "")
    assert p.stderr.startswith("harness: zc exited with status 0 (icount, ")


def test_boot_panic(make_guest, need_qemu):
    k, i = make_guest("zc: panic: test panic\n", value=126)
    r = qemu.boot(k, i, "", mode="tcg", timeout=30)
    assert (r.outcome, r.panicked, r.exit_code) == ("panic", True, 126)
    assert r.note == "zc: panic: test panic"


def test_boot_triple_fault_is_a_reset(make_guest, need_qemu):
    k, i = make_guest("about to fault\n", end="triple-fault")
    r = qemu.boot(k, i, "", mode="tcg", timeout=30)
    assert (r.outcome, r.exit_code, r.log_text) == ("reset", 128, "about to fault\n")


def test_boot_timeout_kills_qemu(make_guest, need_qemu, run_harness):
    k, i = make_guest("spinning\n", end="hang")
    p = run_harness("boot", "--kernel", k, "--initrd", i, "--cmdline", "", "--mode", "tcg",
                    "--timeout", "1")
    assert p.returncode == 129
    assert p.stdout == "spinning\n"
    assert p.stderr.splitlines()[-1] == "harness: timeout after 1 s (tcg); QEMU killed"


def test_boot_qemu_rejects_kernel(need_qemu, tmp_path):
    k = tmp_path / "zc.elf"
    k.write_text("not an ELF\n")
    r = qemu.boot(str(k), str(k), "", mode="tcg", timeout=30)
    assert (r.outcome, r.exit_code) == ("qemu-error", 127)
    assert r.qemu_stderr and r.note.startswith("exit status 1: ")


def _fake_boots(monkeypatch, seconds, kvm_outcome="exited", emulated=False):
    """qemu.boot replaced by one that answers per mode; returns the list of modes booted."""
    booted = []

    def boot(kernel, initrd, cmdline, mode="auto", **kw):
        booted.append(mode)
        log = "zc: cpu: kernel code runs in the hypervisor's instruction emulator\n" \
            if emulated and mode == "kvm" else ""
        r = qemu.BootResult(mode=mode, seconds=seconds[mode], log_text=log)
        r.outcome, r.status = ("exited", 0) if mode == "tcg" else (kvm_outcome, 0)
        return r
    monkeypatch.setattr(qemu, "boot", boot)
    return booted


@pytest.fixture
def kvm_setup(tmp_path, fake_qemu):
    dev = tmp_path / "kvm"
    dev.write_text("")
    kernel, initrd = tmp_path / "zc.elf", tmp_path / "bootfs.cpio"
    kernel.write_text("kernel")
    initrd.write_text("bootfs")
    return fake_qemu("tcg", "kvm"), str(kernel), str(initrd), str(dev)


def test_auto_falls_back_to_tcg_when_kvm_is_slower(monkeypatch, kvm_setup):
    q, k, i, dev = kvm_setup
    booted = _fake_boots(monkeypatch, {"kvm": 2.5, "tcg": 0.2}, emulated=True)
    mode, why = qemu.choose_mode("auto", q, k, i, kvm_device=dev)
    assert mode == "tcg"
    assert "slower than TCG" in why and "emulates guest kernel code" in why
    assert "2.50 s under kvm, 0.20 s under tcg" in why and "MODE=kvm" in why
    assert booted == ["kvm", "tcg"]
    # The verdict is cached next to the kernel: no second probe for the same kernel.
    assert qemu.choose_mode("auto", q, k, i, kvm_device=dev)[0] == "tcg" and len(booted) == 2
    # A rebuilt kernel is probed again.
    with open(k, "w") as f:
        f.write("another kernel")
    qemu.choose_mode("auto", q, k, i, kvm_device=dev)
    assert len(booted) == 4


def test_auto_takes_a_healthy_kvm(monkeypatch, kvm_setup):
    q, k, i, dev = kvm_setup
    _fake_boots(monkeypatch, {"kvm": 0.1, "tcg": 0.3})
    mode, why = qemu.choose_mode("auto", q, k, i, kvm_device=dev)
    assert mode == "kvm" and "healthy" in why


def test_auto_falls_back_when_zc_cannot_boot_on_kvm(monkeypatch, kvm_setup):
    q, k, i, dev = kvm_setup
    _fake_boots(monkeypatch, {"kvm": 0.1, "tcg": 0.3}, kvm_outcome="panic")
    mode, why = qemu.choose_mode("auto", q, k, i, kvm_device=dev)
    assert mode == "tcg" and "fails under KVM" in why


def test_forced_kvm_is_never_probed(monkeypatch, kvm_setup):
    q, k, i, dev = kvm_setup
    booted = _fake_boots(monkeypatch, {"kvm": 9.0, "tcg": 0.1})
    assert qemu.choose_mode("kvm", q, k, i, kvm_device=dev)[0] == "kvm" and booted == []


def test_heartbeat_and_silence_timeout(make_guest, need_qemu, tmp_path):
    k, i = make_guest("", end="hang")
    beats = io.StringIO()
    r = qemu.boot(k, i, "", mode="tcg", timeout=60, name="linux", heartbeat=beats,
                  heartbeat_every=1, silence_timeout=3)
    assert r.outcome == "timeout" and r.seconds < 30
    assert r.verdict() == "harness: linux printed nothing in 3 s under tcg (tcg); QEMU killed"
    assert "harness: still booting linux, 1 s, no output yet (tcg)" in beats.getvalue()


def test_heartbeat_after_output(make_guest, need_qemu):
    k, i = make_guest("started\n", end="hang")
    beats = io.StringIO()
    r = qemu.boot(k, i, "", mode="tcg", timeout=3, heartbeat=beats, heartbeat_every=1,
                  silence_timeout=2)
    assert r.outcome == "timeout" and r.log_text == "started\n"  # output: no silence cut-off
    assert "zc still running" in beats.getvalue() and "nothing printed for" in beats.getvalue()


def test_kvm_internal_error_ends_the_boot_at_once(tmp_path):
    fake = tmp_path / "qemu-stuck"
    fake.write_text("#!/bin/sh\necho 'KVM internal error. Suberror: 1' >&2\n"
                    "echo 'emulation failure' >&2\nexec sleep 60\n")
    fake.chmod(0o755)
    k = tmp_path / "k"
    k.write_text("x")
    r = qemu.boot(str(k), str(k), "", mode="tcg", timeout=50, qemu=str(fake))
    assert r.seconds < 10
    assert r.outcome == "qemu-error" and "emulation failure" in r.note


# kvm_cpu: a host KVM that refuses IA32_ARCH_CAPABILITIES makes QEMU abort at the first vCPU
# reset with `-cpu max`; kvm boots then drop that feature. Fake QEMUs stand in for both hosts.
def _fake_qemu(tmp_path, name, body):
    p = tmp_path / name
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(0o755)
    return str(p)


def test_kvm_cpu_drops_arch_capabilities_where_kvm_refuses_the_msr(tmp_path):
    refuses = _fake_qemu(tmp_path, "refuses", 'echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2; exit 134')
    accepts = _fake_qemu(tmp_path, "accepts", "exec sleep 30")
    broken = _fake_qemu(tmp_path, "broken", 'echo "qemu-system-x86_64: something else" >&2; exit 1')
    assert qemu.kvm_cpu(refuses) == "max,-arch-capabilities"
    assert qemu.kvm_cpu(accepts) == "max"
    assert qemu.kvm_cpu(broken) == "max"  # the boot reports its own failure
    # Recorded beside the kernel (kvm-cpu.json), per QEMU binary; a bad record is probed again.
    cache = tmp_path / "cache"
    cache.mkdir()
    assert qemu.kvm_cpu(refuses, str(cache)) == "max,-arch-capabilities"
    recorded = json.loads((cache / "kvm-cpu.json").read_text())
    assert recorded["cpu"] == "max,-arch-capabilities"
    (cache / "kvm-cpu.json").write_text("not json")
    assert qemu.kvm_cpu(accepts, str(cache)) == "max"  # a bad cache file is probed again
    assert json.loads((cache / "kvm-cpu.json").read_text())["cpu"] == "max"
