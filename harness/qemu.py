"""Boot zc in QEMU: pick the mode, build the command line, stream the serial console, decode the
exit status (docs/abi.md, "End of run and the exit protocol").

The machine is the same in every mode: q35, `-cpu max`, one CPU unless asked for more (`-smp N`,
SMP=N in make; docs/smp.md: the other CPUs come up and idle). Only the accelerator changes:
  kvm     `-accel kvm`; `-cpu max` is then host passthrough (every feature KVM can give), less
          arch-capabilities on a host whose KVM refuses that MSR (kvm_cpu, docs/kvm.md).
  tcg     `-accel tcg`; `-cpu max` is every feature QEMU's emulator implements.
  icount  `-accel tcg -icount shift=0,sleep=off,align=off`: one virtual ns per guest instruction,
          so guest-visible time is an instruction count. For regression detection, never speed.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, TextIO

QEMU = "qemu-system-x86_64"
MACHINE = "q35"
CPU = "max"
MODES = ("auto", "kvm", "tcg", "icount")
ACCEL_ARGS = {
    "kvm": ["-accel", "kvm"],
    "tcg": ["-accel", "tcg"],
    "icount": ["-accel", "tcg", "-icount", "shift=0,sleep=off,align=off"],
}
DEFAULT_MEMORY = "512M"
DEFAULT_SMP = 1
MAX_SMP = 8  # the most CPUs zc brings up (hal/hal.h: HAL_MAX_CPUS)
DEFAULT_TIMEOUT = 60.0
HEARTBEAT_EVERY = 60.0  # seconds of silence between heartbeat lines
# QEMU's message when KVM cannot run the guest on; the vCPU then stops and QEMU lingers.
KVM_INTERNAL_ERROR = "KVM internal error"

# Values the kernel writes to the isa-debug-exit port (QEMU then exits with (v << 1) | 1).
EXIT_CLAMPED = 125  # the status was outside 0..124; the full value is on the serial log
EXIT_PANIC = 126

# Exit codes of `harness boot` beyond the program's own 0..125.
CODE_PANIC = 126
CODE_HARNESS = 127  # could not boot: bad arguments, missing files, QEMU missing or failing
CODE_RESET = 128
CODE_TIMEOUT = 129

EXIT_LINE = re.compile(r"zc: userboot exited with status (-?\d+)")


class HarnessError(Exception):
    """Something that stops a boot before the guest runs; the message says what to do."""


def check_smp(value) -> int:
    """The CPU count asked for (SMP=N, --smp N) as an int, or HarnessError saying what is allowed."""
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SMP:
        raise HarnessError(f"CPU count {text!r}: must be a whole number from 1 to {MAX_SMP} "
                           f"(zc brings up at most {MAX_SMP})")
    return int(text)


def smp_arg(value: str) -> int:
    """An argparse type for --smp: check_smp's message as the usage error."""
    try:
        return check_smp(value)
    except HarnessError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cpus_label(smp: int) -> str:
    """How a mode line names the CPU count: nothing for the default one CPU."""
    return f", {smp} CPUs" if smp != DEFAULT_SMP else ""


def find_qemu(qemu: Optional[str] = None) -> str:
    name = qemu or os.environ.get("ZC_QEMU") or QEMU
    path = shutil.which(name)
    if not path:
        raise HarnessError(f"{name} not found: install QEMU with `make setup` "
                           "(Debian package qemu-system-x86)")
    return path


def kvm_device_usable(device: str = "/dev/kvm"):
    """(True, "") when `device` exists and opens read-write, else (False, why)."""
    if not os.path.exists(device):
        return False, f"{device} does not exist"
    try:
        os.close(os.open(device, os.O_RDWR | os.O_CLOEXEC))
    except OSError as e:
        return False, f"{device} cannot be opened read-write ({e.strerror})"
    return True, ""


def qemu_accelerators(qemu: str) -> List[str]:
    """The accelerators this QEMU binary was built with (`-accel help`)."""
    try:
        out = subprocess.run([qemu, "-accel", "help"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    # "Accelerators supported in QEMU binary:" then one name a line
    return [ln.strip() for ln in out.splitlines()[1:] if ln.strip()]


def select_mode(requested: str, qemu: str, kvm_device: str = "/dev/kvm") -> str:
    """Resolve `auto` to kvm or tcg; check that a forced kvm is possible."""
    if requested not in MODES:
        raise HarnessError(f"unknown mode '{requested}' (choose from {', '.join(MODES)})")
    if requested in ("tcg", "icount"):
        return requested
    ok, why = kvm_available(qemu, kvm_device)
    if ok:
        return "kvm"
    if requested == "kvm":
        raise HarnessError(f"mode kvm is not available here: {why}; use --mode tcg or auto")
    return "tcg"


def kvm_available(qemu: str, kvm_device: str = "/dev/kvm"):
    """(True, "") when KVM can be asked for at all: the device opens and QEMU has the
    accelerator. Says nothing about whether it is fast (kvm_health)."""
    ok, why = kvm_device_usable(kvm_device)
    if ok and "kvm" not in qemu_accelerators(qemu):
        ok, why = False, f"{qemu} does not accept -accel kvm"
    return ok, why


# The health probe: zc's bin/hello booted once under kvm and once under tcg. KVM is healthy when
# zc boots on it and the boot is not slower than under TCG. A nested or paravirtual KVM that
# emulates guest kernel code (docs/kvm.md) is tens of times slower than TCG: `auto` then takes
# tcg. The verdict is cached per (QEMU binary, host kernel, /dev/kvm, zc kernel) in
# <kernel dir>/kvm-health.json, so the probe costs a few seconds once per kernel build.
PROBE_CMDLINE = "init=bin/hello"
PROBE_TIMEOUT = 60.0
EMULATED_LINE = re.compile(r"zc: cpu: kernel code runs in the hypervisor's instruction emulator")


@dataclass
class Health:
    healthy: bool
    reason: str
    kvm_seconds: Optional[float] = None
    tcg_seconds: Optional[float] = None


def _file_key(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()[:16]
    except OSError:
        return "missing"


def _host_key(qemu: str, kvm_device: str) -> dict:
    """What a KVM verdict depends on besides zc: the QEMU binary, the host kernel, the device."""
    try:
        st = os.stat(qemu)
        qemu_id = f"{os.path.realpath(qemu)}:{st.st_size}:{int(st.st_mtime)}"
    except OSError:
        qemu_id = qemu
    return {"qemu": qemu_id, "host_kernel": platform.release(), "kvm_device": kvm_device}


def _health_key(qemu: str, kernel: str, initrd: str, kvm_device: str) -> dict:
    return {**_host_key(qemu, kvm_device), "kernel": _file_key(kernel), "initrd": _file_key(initrd)}


def kvm_health(qemu: str, kernel: str, initrd: str, kvm_device: str = "/dev/kvm",
               cache: Optional[str] = None, refresh: bool = False) -> Health:
    """Whether KVM is worth using here (see above); the verdict is cached."""
    cache = cache or os.path.join(os.path.dirname(os.path.abspath(kernel)), "kvm-health.json")
    key = _health_key(qemu, kernel, initrd, kvm_device)
    if not refresh:
        try:
            with open(cache, encoding="utf-8") as f:
                saved = json.load(f)
            if saved.get("key") == key:
                return Health(**saved["health"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    runs = {}
    for m in ("kvm", "tcg"):
        try:
            runs[m] = boot(kernel, initrd, PROBE_CMDLINE, mode=m, timeout=PROBE_TIMEOUT,
                           qemu=qemu, kvm_device=kvm_device)
        except HarnessError as e:
            runs[m] = e
    k, t = runs["kvm"], runs["tcg"]
    if isinstance(t, HarnessError) or t.outcome != "exited" or t.status != 0:
        # Without a working TCG boot there is nothing to compare with: say so, keep KVM.
        h = Health(True, "the TCG reference boot of the probe failed; KVM taken untested")
    elif isinstance(k, HarnessError):
        h = Health(False, f"zc cannot boot under KVM here ({k})", None, t.seconds)
    elif k.outcome != "exited" or k.status != 0:
        h = Health(False, f"zc's probe boot ({PROBE_CMDLINE}) fails under KVM here: "
                   f"{k.verdict().replace('harness: ', '')}", k.seconds, t.seconds)
    elif k.seconds > t.seconds:
        emulated = " (the hypervisor emulates guest kernel code)" \
            if EMULATED_LINE.search(k.log_text) else ""
        h = Health(False, f"KVM is slower than TCG here{emulated}: the probe boot took "
                   f"{k.seconds:.2f} s under kvm, {t.seconds:.2f} s under tcg",
                   k.seconds, t.seconds)
    else:
        h = Health(True, f"KVM is healthy: the probe boot took {k.seconds:.2f} s under kvm, "
                   f"{t.seconds:.2f} s under tcg", k.seconds, t.seconds)
    try:
        with open(cache, "w", encoding="utf-8") as f:
            json.dump({"key": key, "health": h.__dict__}, f, indent=1)
    except OSError:
        pass
    return h


def choose_mode(requested: str, qemu: str, kernel: Optional[str] = None,
                initrd: Optional[str] = None, kvm_device: str = "/dev/kvm"):
    """(mode, why): select_mode, plus for `auto` the health probe when zc's kernel and bootfs
    are given. `why` is one line for the user, naming how to force KVM when it is not taken."""
    mode = select_mode(requested, qemu, kvm_device)
    if requested != "auto":
        return mode, f"{mode} (asked for)"
    if mode == "tcg":
        return mode, f"auto chose tcg: {kvm_available(qemu, kvm_device)[1]}"
    if not (kernel and initrd and os.path.isfile(kernel) and os.path.isfile(initrd)):
        return mode, "auto chose kvm (usable; no zc kernel to probe its health with)"
    h = kvm_health(qemu, kernel, initrd, kvm_device)
    if h.healthy:
        return "kvm", f"auto chose kvm: {h.reason}"
    return "tcg", (f"auto chose tcg: {h.reason}; force KVM with MODE=kvm (--mode kvm)")


# The CPU under KVM. `-cpu max` passes the host's features through, and QEMU then sets the MSRs
# they imply. A host KVM may refuse one: a nested kvm_pvm was seen to reject
# IA32_ARCH_CAPABILITIES (MSR 0x10a), and QEMU 7.2 then aborts at the first vCPU reset, before
# the guest runs ("failed to set MSR 0x10a"). kvm_cpu starts QEMU once with `-cpu max` and no
# guest; when it dies of that, kvm boots use `-cpu max,-arch-capabilities` on this machine (zc
# does not read that MSR). The answer is cached beside the kernel, per QEMU binary, host kernel
# and device (kvm-cpu.json); docs/kvm.md.
KVM_CPU_WITHOUT_ARCH_CAPS = CPU + ",-arch-capabilities"
KVM_CPU_PROBE_SECONDS = 2.0


def _probe_kvm_cpu(qemu: str) -> str:
    cmd = [qemu, "-accel", "kvm", "-machine", MACHINE, "-cpu", CPU, "-m", "64M", "-nodefaults",
           "-no-reboot", "-display", "none"]
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    except OSError:
        return CPU
    try:
        _, err = p.communicate(timeout=KVM_CPU_PROBE_SECONDS)
    except subprocess.TimeoutExpired:  # running: the CPU is accepted
        p.kill()
        p.communicate()
        return CPU
    if p.returncode != 0 and "failed to set MSR 0x10a" in (err or ""):
        return KVM_CPU_WITHOUT_ARCH_CAPS
    return CPU  # some other failure: the boot itself reports it


def kvm_cpu(qemu: str, cache_dir: Optional[str] = None, kvm_device: str = "/dev/kvm") -> str:
    """-cpu for a kvm boot on this machine (see above)."""
    key = _host_key(qemu, kvm_device)
    path = os.path.join(cache_dir, "kvm-cpu.json") if cache_dir else None
    if path:
        try:
            with open(path) as f:
                cached = json.load(f)
            if cached.get("key") == key and cached.get("cpu") in (CPU, KVM_CPU_WITHOUT_ARCH_CAPS):
                return cached["cpu"]
        except (OSError, ValueError, AttributeError):
            pass
    cpu = _probe_kvm_cpu(qemu)
    if path:
        try:
            with open(path, "w") as f:
                json.dump({"key": key, "cpu": cpu}, f)
        except OSError:
            pass
    return cpu


def qemu_args(kernel: str, initrd: str, cmdline: str, mode: str,
              memory: str = DEFAULT_MEMORY, smp: int = DEFAULT_SMP, cpu: str = CPU) -> List[str]:
    """QEMU's arguments (without the binary) for a resolved mode (kvm, tcg or icount)."""
    return [
        "-machine", MACHINE, *ACCEL_ARGS[mode], "-cpu", cpu, "-m", memory,
        "-smp", str(check_smp(smp)),
        "-nodefaults", "-no-reboot", "-display", "none", "-vga", "none",
        "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-kernel", kernel, "-initrd", initrd, "-append", cmdline,
    ]


@dataclass
class BootResult:
    """One boot. `outcome` is one of exited, panic, reset, timeout, qemu-error."""
    mode: str
    seconds: float
    log_text: str
    timed_out: bool = False
    timeout: float = 0.0
    qemu_returncode: Optional[int] = None
    qemu_stderr: str = ""
    command: List[str] = field(default_factory=list)
    outcome: str = "exited"
    exit_value: Optional[int] = None   # v written to isa-debug-exit
    status: Optional[int] = None       # the program's status (full int64 when the log has it)
    note: str = ""                     # why a reset/qemu-error/mismatch, for the verdict
    kvm_error: str = ""                # QEMU's "KVM internal error" line, when it printed one
    smp: int = DEFAULT_SMP             # the guest's CPUs (-smp)

    @property
    def panicked(self) -> bool:
        return self.outcome == "panic"

    @property
    def exit_code(self) -> int:
        """What `harness boot` exits with: v for a normal end, else one of CODE_*."""
        return {"exited": self.exit_value, "panic": CODE_PANIC, "reset": CODE_RESET,
                "timeout": CODE_TIMEOUT}.get(self.outcome, CODE_HARNESS)

    def verdict(self) -> str:
        where = f"({self.mode}{cpus_label(self.smp)}, {self.seconds:.2f} s)"
        if self.outcome == "exited":
            extra = f"; {self.note}" if self.note else ""
            return f"harness: zc exited with status {self.status} {where}{extra}"
        if self.outcome == "panic":
            return f"harness: zc kernel panic {where}{': ' + self.note if self.note else ''}"
        if self.outcome == "timeout":
            what = self.note or f"timeout after {self.timeout:g} s"
            return f"harness: {what} ({self.mode}); QEMU killed"
        if self.outcome == "reset":
            return f"harness: guest reset {where}: {self.note}"
        return f"harness: QEMU failed {where}: {self.note}"


def userboot_status(log_text: str) -> Optional[int]:
    """The status on the kernel's `zc: userboot exited with status N` line, if any."""
    m = None
    for m in EXIT_LINE.finditer(log_text):
        pass
    return int(m.group(1)) if m else None


def exit_value_for(status: int) -> int:
    """What the kernel writes to the exit port for a userboot status (docs/abi.md)."""
    return status if 0 <= status <= 124 else EXIT_CLAMPED


def decode(result: BootResult) -> BootResult:
    """Fill outcome/exit_value/status/note from qemu_returncode, timed_out and the log."""
    rc, log = result.qemu_returncode, result.log_text
    logged = userboot_status(log)
    if result.timed_out:
        result.outcome = "timeout"
    elif rc is None or rc < 0:
        result.outcome = "qemu-error"
        result.note = f"QEMU killed by signal {-rc}" if rc else "QEMU did not run"
    elif rc == 0:
        result.outcome = "reset"
        result.note = ("QEMU exited 0 without the exit port (triple fault or reboot; "
                       "-no-reboot turns both into an exit)")
    elif rc % 2 == 0 or (rc == 1 and logged is None):
        # QEMU's own failures exit 1 (or another even code); a guest exit 0 is also 1, but then
        # the kernel has printed its exit line first.
        result.outcome = "qemu-error"
        said = result.qemu_stderr.strip().splitlines()
        result.note = f"exit status {rc}" + (f": {said[-1]}" if said else "")
    else:
        v = rc >> 1
        result.exit_value = v
        if v == EXIT_PANIC:
            result.outcome = "panic"
            result.note = next((ln.strip() for ln in log.splitlines() if "panic" in ln), "")
        else:
            result.outcome = "exited"
            result.status = v
            if logged is not None and exit_value_for(logged) == v:
                result.status = logged
            elif logged is not None:
                result.note = f"log says status {logged}, exit port says {v}"
            elif v == EXIT_CLAMPED:
                result.note = "outside 0..124, and the log has no exit line with the full value"
    return result


def _pump(stream, sink):
    """Read a byte stream line by line into sink(line) until EOF."""
    for raw in iter(stream.readline, b""):
        sink(raw.decode("utf-8", "replace").rstrip("\r\n"))
    stream.close()


def boot(kernel: str, initrd: str, cmdline: str, mode: str = "auto",
         timeout: float = DEFAULT_TIMEOUT, memory: str = DEFAULT_MEMORY,
         log_path: Optional[str] = None, echo: Optional[TextIO] = None,
         qemu: Optional[str] = None, kvm_device: str = "/dev/kvm",
         on_start: Optional[Callable[[List[str]], None]] = None,
         name: str = "zc", heartbeat: Optional[TextIO] = None,
         heartbeat_every: float = HEARTBEAT_EVERY,
         silence_timeout: Optional[float] = None, smp: int = DEFAULT_SMP) -> BootResult:
    """Boot a guest once (zc unless told otherwise). Serial lines go to `echo` (a text stream,
    None = silent) and `log_path` as they arrive; `on_start` gets the QEMU command. While the
    guest prints nothing for `heartbeat_every` seconds, a line goes to `heartbeat` ("harness:
    still booting linux, 60 s, no output yet"). With `silence_timeout`, a guest that has printed
    nothing at all after that many seconds is killed (outcome timeout, the note says so).
    Raises HarnessError when the boot cannot start."""
    for what, path in (("kernel", kernel), ("initrd", initrd)):
        if not os.path.isfile(path):
            raise HarnessError(f"{what} {path} not found (build it with `make`)")
    binary = find_qemu(qemu)
    mode = select_mode(mode, binary, kvm_device)
    cpu = kvm_cpu(binary, os.path.dirname(os.path.abspath(kernel)), kvm_device) if mode == "kvm" else CPU
    command = [binary, *qemu_args(kernel, initrd, cmdline, mode, memory, smp, cpu)]
    if on_start:
        on_start(command)

    lines: List[str] = []
    errors: List[str] = []
    log = None
    if log_path:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
            log = open(log_path, "w", encoding="utf-8")
        except OSError as e:
            raise HarnessError(f"cannot write the log {log_path}: {e.strerror}") from e

    last_output = [None]

    def serial_line(line: str):
        last_output[0] = time.monotonic()
        lines.append(line)
        if log:
            log.write(line + "\n")
            log.flush()
        if echo:
            echo.write(line + "\n")
            echo.flush()

    start = time.monotonic()
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as e:
        if log:
            log.close()
        raise HarnessError(f"cannot start {binary}: {e}") from e
    kvm_error = []

    def stderr_line(line: str):
        errors.append(line)
        if KVM_INTERNAL_ERROR in line:  # QEMU stops the vCPU and waits: nothing more will come
            kvm_error.append(line)

    readers = [threading.Thread(target=_pump, args=(proc.stdout, serial_line), daemon=True),
               threading.Thread(target=_pump, args=(proc.stderr, stderr_line), daemon=True)]
    for t in readers:
        t.start()
    timed_out, silent = False, False
    last_beat = start
    try:
        while True:
            now = time.monotonic()
            left = start + timeout - now
            if left <= 0:
                timed_out = True
                break
            try:
                proc.wait(timeout=min(left, 1.0))
                break
            except subprocess.TimeoutExpired:
                pass
            if kvm_error:
                time.sleep(0.5)  # let QEMU finish printing the register dump
                break
            now = time.monotonic()
            quiet_since = last_output[0] or start
            if silence_timeout and last_output[0] is None and now - start >= silence_timeout:
                timed_out = silent = True
                break
            if heartbeat and now - quiet_since >= heartbeat_every and \
                    now - last_beat >= heartbeat_every:
                last_beat = now
                if last_output[0] is None:
                    heartbeat.write(f"harness: still booting {name}, {now - start:.0f} s, "
                                    f"no output yet ({mode})\n")
                else:
                    heartbeat.write(f"harness: {name} still running, {now - start:.0f} s, "
                                    f"nothing printed for {now - quiet_since:.0f} s ({mode})\n")
                heartbeat.flush()
    finally:
        if proc.poll() is None:  # timeout, or Ctrl-C in the harness
            proc.kill()
            proc.wait()
        for t in readers:
            t.join(timeout=5)
        if log:
            log.close()
    seconds = time.monotonic() - start
    log_text = "".join(line + "\n" for line in lines)
    result = decode(BootResult(mode=mode, seconds=seconds, log_text=log_text,
                               timed_out=timed_out,
                               timeout=silence_timeout if silent else timeout,
                               qemu_returncode=None if timed_out else proc.returncode,
                               qemu_stderr="\n".join(errors), command=command, smp=smp))
    if silent:
        result.note = f"{name} printed nothing in {silence_timeout:g} s under {mode}"
    if kvm_error:
        emulation = any("emulation failure" in ln for ln in errors)
        result.kvm_error = "KVM internal error" + (
            ": emulation failure (the hypervisor could not emulate an instruction of the guest; "
            "docs/kvm.md)" if emulation else "")
        mark_kvm_error(result)
    return result


def mark_kvm_error(result: BootResult) -> BootResult:
    """A boot that QEMU's KVM gave up on ends as a qemu-error saying so, whatever the guest's
    own exit protocol would make of the killed QEMU (decoders call this last)."""
    if result.kvm_error:
        result.outcome, result.note = "qemu-error", result.kvm_error
    return result


def print_qemu_stderr(result: BootResult, out: TextIO = sys.stderr):
    """QEMU's own messages (warnings, load errors), prefixed so they are not taken for zc's."""
    for line in result.qemu_stderr.splitlines():
        out.write(f"qemu: {line}\n")
