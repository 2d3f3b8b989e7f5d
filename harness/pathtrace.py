"""Where a benchmark's instructions go: one QEMU boot that logs every executed instruction.

    /usr/bin/python3 -m harness.pathtrace --label Syscall/Null [--kernel ...] [--runs 1]

QEMU (TCG, `-singlestep -d exec,nochain`) logs the address of every instruction the guest
executes while bin/zc-bench runs one label. The log is cut into iterations at each entry of the
benchmark loop's marker (perftest_keep_running by default); the steady-state iteration (the one
whose length is the median) is attributed to the symbols of the kernel ELF, the benchmark ELF
and the vDSO (its load address is found from the `syscall` instructions the trace executes), and
grouped into parts: benchmark loop (user code), vDSO, kernel entry/exit (assembly), and kernel C.

The figure is exact and deterministic like `-icount` (every instruction counts one, a `rep`
iteration one per repetition as TCG executes it), so it is the tool for docs/performance.md's
breakdowns; wall time of this boot means nothing (logging dominates).
"""
from __future__ import annotations

import argparse
import bisect
import collections
import os
import re
import statistics
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Tuple

from . import qemu

TRACE_RE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
# Kernel symbols that are the trap/syscall entry and the return to user mode (assembly).
# The end of the user half of the address space (x86_64, 47-bit canonical addresses).
USER_END = 1 << 47
ENTRY_SYMBOLS = {"x86_syscall_entry", "syscall_direct", "back_to_kernel", "x86_context_enter", "trap_common"}


class Symbols:
    """Address -> symbol name for one ELF (loaded at `base`)."""

    def __init__(self, elf: str, base: int = 0):
        self.base = base
        out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True,
                             check=True).stdout
        self.addrs: List[int] = []
        self.names: List[str] = []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) != 3 or parts[1] not in "tTwWiI":
                continue
            self.addrs.append(int(parts[0], 16) + base)
            self.names.append(parts[2])
        lo, hi = _text_range(elf)
        self.lo, self.hi = lo + base, hi + base

    def lookup(self, pc: int) -> Optional[str]:
        if not (self.lo <= pc < self.hi):
            return None
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else None


def _text_range(elf: str) -> Tuple[int, int]:
    """[lowest, highest) address of the ELF's executable sections."""
    out = subprocess.run(["readelf", "-SW", elf], capture_output=True, text=True, check=True).stdout
    lo, hi = None, 0
    for line in out.splitlines():
        m = re.search(r"\]\s+\S+\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+\S*X", line)
        if m:
            start, size = int(m.group(1), 16), int(m.group(2), 16)
            lo = start if lo is None else min(lo, start)
            hi = max(hi, start + size)
    return lo or 0, hi


def syscall_offsets(vdso: str) -> List[int]:
    """Offsets of every `syscall` instruction in the vDSO."""
    out = subprocess.run(["objdump", "-d", vdso], capture_output=True, text=True, check=True).stdout
    return [int(m.group(1), 16) for m in re.finditer(r"^\s*([0-9a-f]+):\s+0f 05\s+syscall", out, re.M)]


def read_pcs(path: str) -> List[int]:
    pcs = []
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if m:
                pcs.append(int(m.group(1), 16))
    return pcs


def find_vdso_base(pcs: List[int], kernel: Symbols, vdso: str) -> Optional[int]:
    """The vDSO's load address in the benchmark process: the user pc right before the kernel's
    syscall entry is one of the vDSO's `syscall` instructions, and the base is page aligned.
    Each process has its own vDSO mapping: the base most syscalls came from wins."""
    entry = [a for a, n in zip(kernel.addrs, kernel.names) if n == "x86_syscall_entry"]
    if not entry:
        return None
    offs = syscall_offsets(vdso)
    bases: Dict[int, int] = collections.Counter()
    for i in range(1, len(pcs)):
        if pcs[i] == entry[0]:
            p = pcs[i - 1]
            cands = {p - o for o in offs if (p - o) % 4096 == 0 and p - o > 0}
            if len(cands) == 1:
                bases[cands.pop()] += 1
    return bases.most_common(1)[0][0] if bases else None


def find_pie_base(pcs: List[int], elf: str, marker: str) -> int:
    """Where a position-independent program was loaded (user programs are static PIE, linked at
    0): of the page-aligned bases b for which b + (the marker's offset) was executed, the one
    under which the most of the program's function entries were executed."""
    syms = Symbols(elf)
    off = [a for a, n in zip(syms.addrs, syms.names) if n == marker]
    if not off:
        return 0
    seen = set(pcs)
    # User addresses only: a kernel base can score higher by chance (many kernel function
    # entries sit at the program's symbol offsets from some page-aligned kernel address).
    cands = {pc - off[0] for pc in seen
             if off[0] <= pc < USER_END and (pc - off[0]) % 4096 == 0}
    def score(b: int) -> int:
        return sum(1 for a in syms.addrs if a + b in seen)
    return max(cands, key=score, default=0)


def part_of(where: str, sym: str) -> str:
    if where == "kernel":
        return "kernel entry/exit (asm)" if sym in ENTRY_SYMBOLS else "kernel C"
    return {"bench": "benchmark loop (user)", "vdso": "vDSO"}.get(where, "other")


def analyse(pcs: List[int], syms: Dict[str, Symbols], marker: int) -> dict:
    starts = [i for i, pc in enumerate(pcs) if pc == marker]
    if len(starts) < 4:
        raise SystemExit(f"pathtrace: the marker ran {len(starts)} times: too few iterations")
    # Steady state: the second half of the iterations (the first ones fault pages in).
    gaps = [(starts[k + 1] - starts[k], k) for k in range(len(starts) // 2, len(starts) - 1)]
    lengths = sorted(g for g, _ in gaps)
    median = statistics.median_low(lengths)
    k = next(k for g, k in gaps if g == median)
    per_sym: Dict[Tuple[str, str], int] = collections.Counter()
    for pc in pcs[starts[k]:starts[k + 1]]:
        for where, s in syms.items():
            name = s.lookup(pc)
            if name:
                per_sym[(where, name)] += 1
                break
        else:
            per_sym[("other", hex(pc & ~0xfff))] += 1
    parts: Dict[str, int] = collections.Counter()
    for (where, name), n in per_sym.items():
        parts[part_of(where, name)] += n
    return {"iterations": len(starts) - 1, "median": median, "min": lengths[0], "max": lengths[-1],
            "symbols": per_sym, "parts": parts, "pcs": pcs[starts[k]:starts[k + 1]]}


def disassembly(elf: str, base: int = 0) -> Dict[int, str]:
    """Address -> instruction text (objdump) for one ELF loaded at `base`."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], capture_output=True,
                         text=True, check=True).stdout
    insns = {}
    for m in re.finditer(r"^\s*([0-9a-f]+):\s+(.*)$", out, re.M):
        insns[int(m.group(1), 16) + base] = m.group(2).strip()
    return insns


def write_listing(path: str, pcs: List[int], syms: Dict[str, Symbols], elfs: Dict[str, str]) -> None:
    """One line per executed instruction of the steady-state iteration: symbol+offset, text."""
    text: Dict[int, str] = {}
    for where, s in syms.items():
        text.update(disassembly(elfs[where], s.base))
    with open(path, "w") as f:
        for n, pc in enumerate(pcs):
            where, name, off = "other", "?", 0
            for w, s in syms.items():
                nm = s.lookup(pc)
                if nm:
                    where, name = w, nm
                    off = pc - s.addrs[s.names.index(nm)]
                    break
            f.write(f"{n:5d} {where:6s} {name}+{off:#x}  {text.get(pc, '?')}\n")


def report(label: str, r: dict, out=sys.stdout) -> None:
    print(f"{label}: {r['median']} instructions per iteration (median of {len(r['symbols']) and r['iterations']} "
          f"iterations' second half; min {r['min']}, max {r['max']})", file=out)
    for part, n in sorted(r["parts"].items(), key=lambda x: -x[1]):
        print(f"  {n:6d}  {part}", file=out)
    print("  by symbol:", file=out)
    for (where, name), n in sorted(r["symbols"].items(), key=lambda x: -x[1]):
        print(f"  {n:6d}  {where:6s} {name}", file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="harness.pathtrace", description=__doc__.split("\n\n")[0])
    ap.add_argument("--label", required=True, help="a zc-bench label, e.g. Syscall/Null")
    ap.add_argument("--kernel", default="build/kernel/zc.elf")
    ap.add_argument("--initrd", default="build/bootfs.cpio")
    ap.add_argument("--bench-elf", default="build/user/zc-bench.elf")
    ap.add_argument("--vdso", default="build/user/vdso.so")
    ap.add_argument("--marker", default="perftest_keep_running",
                    help="benchmark symbol that starts each iteration")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--trace", help="reuse this trace file instead of booting")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--listing", help="write the steady-state iteration, one instruction a line, here")
    a = ap.parse_args(argv)
    for path in (a.kernel, a.initrd, a.bench_elf, a.vdso):
        if not os.path.exists(path):
            print(f"pathtrace: {path} does not exist (run make first)", file=sys.stderr)
            return 2
    tmp = None
    trace = a.trace
    if not trace:
        tmp = tempfile.TemporaryDirectory(prefix="zc-pathtrace-")
        trace = os.path.join(tmp.name, "trace.log")
        cmdline = f"init=bin/zc-bench --filter ^{re.escape(a.label)}$ --runs {a.runs} --quiet"
        args = qemu.qemu_args(a.kernel, a.initrd, cmdline, "tcg")
        args += ["-singlestep", "-d", "exec,nochain", "-D", trace]
        serial = os.path.join(tmp.name, "serial.log")
        args = [x if x != "stdio,id=ser0,signal=off" else f"file,id=ser0,path={serial}" for x in args]
        try:
            subprocess.run([qemu.find_qemu(), *args], timeout=a.timeout, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            print(f"pathtrace: the traced boot took more than {a.timeout:.0f} s", file=sys.stderr)
            return 1
        log = open(serial, errors="replace").read()
        if "fuchsiaperf end" not in log:
            print("pathtrace: the benchmark did not finish; its serial log:\n" + log[-2000:], file=sys.stderr)
            return 1
    pcs = read_pcs(trace)
    kernel = Symbols(a.kernel)
    bench = Symbols(a.bench_elf)
    if bench.lo < 0x100000:  # position-independent (linked at 0): find where it ran
        bench = Symbols(a.bench_elf, find_pie_base(pcs, a.bench_elf, a.marker))
    base = find_vdso_base(pcs, kernel, a.vdso)
    syms = {"bench": bench}
    if base is not None:
        syms["vdso"] = Symbols(a.vdso, base)
    syms["kernel"] = kernel
    marker = [addr for addr, n in zip(bench.addrs, bench.names) if n == a.marker]
    if not marker:
        print(f"pathtrace: no symbol {a.marker} in {a.bench_elf}", file=sys.stderr)
        return 2
    r = analyse(pcs, syms, marker[0])
    report(a.label, r)
    if a.listing:
        elfs = {"bench": a.bench_elf, "vdso": a.vdso, "kernel": a.kernel}
        write_listing(a.listing, r["pcs"], syms, elfs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
