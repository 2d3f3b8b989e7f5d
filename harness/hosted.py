"""zc-hosted runs (docs/hosted.md): the kernel as one Linux process, no QEMU.

`run()` starts `zc-hosted --initrd I init=bin/NAME args...` and returns a `qemu.BootResult`, so
`harness test --hosted BIN...` evaluates a hosted suite exactly like a QEMU boot. Its mode is
the binary's kind: `hosted` (zc-hosted), `hosted-asan` (zc-hosted-asan, AddressSanitizer +
UndefinedBehaviorSanitizer)."""

import os
import signal
import subprocess
import time
from typing import Dict, List, Optional

from . import qemu

# Tests of devices the hosted machine does not have, left out with zctest's --exclude (each
# printed as SKIPPED in the log): no port I/O for a Linux process, no HPET behind a physical VMO.
EXCLUDE: Dict[str, List[str]] = {
    "core-tests-2": ["IoPorts.", "VmoPhysical.MapDeviceRegisters"],
}

# A sanitizer report ends the run with this status (outside zc's 0..126), so it never reads as a
# program's status; the report itself is in the log.
SANITIZER_EXIT = 99 + 128
SANITIZER_ENV = {
    "ASAN_OPTIONS": f"exitcode={SANITIZER_EXIT}:handle_segv=0:handle_sigbus=0:handle_sigill=0:"
                    "handle_sigfpe=0:allow_user_segv_handler=1:use_sigaltstack=0:detect_leaks=0",
    "UBSAN_OPTIONS": f"exitcode={SANITIZER_EXIT}:print_stacktrace=1:halt_on_error=1",
}


def mode_of(binary: str) -> str:
    return "hosted-asan" if "asan" in os.path.basename(binary) else "hosted"


def suite_args(suite: str) -> List[str]:
    """init=SUITE plus the exclusions of its tests the hosted machine cannot run."""
    parts = EXCLUDE.get(os.path.basename(suite), [])
    return [f"init={suite}"] + (["--exclude", ":".join(parts)] if parts else [])


def run(binary: str, initrd: str, args: List[str], timeout: float,
        log_path: Optional[str] = None) -> qemu.BootResult:
    """One run of zc-hosted; args = the kernel command line's words."""
    cmd = [binary, "--initrd", initrd] + args
    env = dict(os.environ, **SANITIZER_ENV)
    start = time.monotonic()
    timed_out, rc, out = False, None, b""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=timeout)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        timed_out, out = True, e.stdout or b""
    except OSError as e:
        raise qemu.HarnessError(f"cannot run {binary}: {e}")
    text = out.decode("utf-8", "replace")
    if log_path:
        with open(log_path, "w") as f:
            f.write(text)
    r = qemu.BootResult(mode=mode_of(binary), seconds=time.monotonic() - start, log_text=text,
                        timed_out=timed_out, timeout=timeout, command=cmd)
    if rc is not None and 0 <= rc <= qemu.EXIT_PANIC:
        r.qemu_returncode = (rc << 1) | 1  # what QEMU's exit port would have given
        return qemu.decode(r)
    r = qemu.decode(r) if timed_out else r
    if not timed_out:
        r.outcome = "qemu-error"
        if rc is not None and rc < 0:
            r.note = f"zc-hosted killed by {signal.Signals(-rc).name}"
        elif rc == SANITIZER_EXIT:
            r.note = "sanitizer report (see the log)"
        else:
            r.note = f"zc-hosted exited {rc}"
    return r
