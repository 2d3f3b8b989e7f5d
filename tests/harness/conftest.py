"""Fixtures for the harness tests, including tiny real guests: 32-bit multiboot ELFs assembled
with binutils that print fixed text on COM1 and then exit through isa-debug-exit, hang, or
triple-fault. QEMU loads multiboot kernels with -kernel/-initrd/-append just as it loads zc."""

import os
import shutil
import stat
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GUEST_ASM = r"""
.section .text
.align 4
.long 0x1BADB002, 0, -0x1BADB002    /* multiboot v1 header: magic, flags, checksum */
.globl _start
_start:
    mov $msg, %esi
    mov $0x3f8, %dx
1:  lodsb
    test %al, %al
    jz 2f
    out %al, %dx
    jmp 1b
2:
{end}
msg: .asciz "{text}"
"""
GUEST_END = {
    "exit": "    mov ${value}, %eax\n    mov $0xf4, %dx\n    out %eax, %dx\n3:  hlt\n    jmp 3b",
    "hang": "3:  jmp 3b",
    "triple-fault": "    lidt nullidt\n    int3\nnullidt: .word 0\n .long 0",
}


def _asm_string(text):
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\r\\n"))


@pytest.fixture
def make_guest(tmp_path):
    """make_guest(text, end="exit", value=0) -> (kernel path, initrd path)."""
    if not (shutil.which("as") and shutil.which("ld")):
        pytest.skip("binutils (as, ld) not installed")
    count = [0]

    def build(text, end="exit", value=0):
        count[0] += 1
        base = tmp_path / f"guest{count[0]}"
        src = GUEST_ASM.format(end=GUEST_END[end].format(value=value), text=_asm_string(text))
        (base.with_suffix(".S")).write_text(src)
        subprocess.run(["as", "--32", "-o", f"{base}.o", f"{base}.S"], check=True)
        subprocess.run(["ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start",
                        "-o", f"{base}.elf", f"{base}.o"], check=True)
        initrd = tmp_path / "initrd"
        initrd.write_bytes(b"not a real bootfs\n")
        return str(base) + ".elf", str(initrd)

    return build


@pytest.fixture
def need_qemu():
    from harness import qemu
    try:
        return qemu.find_qemu()
    except qemu.HarnessError as e:
        pytest.skip(str(e))


@pytest.fixture
def run_harness():
    """run_harness(*args) runs `/usr/bin/python3 -m harness ARGS` from the repository root."""
    def run(*args, timeout=120):
        return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    return run


@pytest.fixture
def fake_qemu(tmp_path):
    """A 'QEMU' whose `-accel help` lists the given accelerators."""
    def make(*accels):
        path = tmp_path / f"qemu-{'-'.join(accels) or 'none'}"
        lines = "\\n".join(accels)
        path.write_text("#!/bin/sh\n"
                        f"printf 'Accelerators supported in QEMU binary:\\n{lines}\\n'\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return str(path)
    return make
