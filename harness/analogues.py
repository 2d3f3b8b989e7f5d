"""What each benchmark does on zc and on the Linux peer, and whether that is the same work.

One row per test (a regex matched against the whole test name; a step label `Test.step` is
looked up by its test). `equal` is True when both sides make the same number of system calls
per run with the same copies and the same page faults provoked by the benchmark (how many
faults each kernel takes for them is the kernel's own business: fault-around is a design
choice, not extra work asked for); False when the APIs cannot match, in which case the label is
reported as "not equal work" and kept out of the verdict; None when the label exists on one
system only. docs/bench.md ("Equal work") shows the same table; tests/harness/test_analogues.py
checks that every test of both guests has exactly one row here and that the doc lists them all.
"""

import re
from dataclasses import dataclass
from typing import Dict, List, Optional


@dataclass(frozen=True)
class Analogue:
    pattern: str            # full-match regex on the test name
    zc: str                 # the timed calls of one run on zc
    linux: Optional[str]    # the same on Linux; None = no analogue
    equal: Optional[bool]   # same calls, copies and faults; None = one system only
    why: str = ""           # why not equal (or a caveat when equal)


ANALOGUES: List[Analogue] = [
    Analogue(r"Syscall/Null", "zx_syscall_test_0", "umask(0)", True,
             "no null syscall on Linux; umask is the cheapest real one (README of the peer)"),
    Analogue(r"Syscall/ManyArgs", "zx_syscall_test_8", None, None,
             "Linux syscalls take at most 6 arguments"),
    Analogue(r"ClockGetMonotonic", "zx_clock_get_monotonic (vDSO, no syscall)",
             "clock_gettime(CLOCK_MONOTONIC) (vDSO, no syscall)", True,
             "both read the TSC and scale it in user space"),
    Analogue(r"TicksGet", "zx_ticks_get (vDSO call: rdtsc)", "rdtsc inline (no call)", False,
             "no Linux call returns the raw tick counter; the bare instruction is a floor"),
    Analogue(r"Prng/Zx/CprngDraw", "zx_cprng_draw of 8 bytes (1 syscall)",
             "getrandom of 8 bytes (syscall(), never a vDSO draw)", True),
    Analogue(r"Limit/Memcpy/\d+kbytes", "in-guest memcpy (libc-opt, chosen at boot)",
             "in-guest memcpy (glibc)", True, "a floor, not a kernel path"),
    Analogue(r"Vmo/(Read|Write)/\d+kbytes", "zx_vmo_read|write", "pread|pwrite on a memfd", True),
    Analogue(r"Vmo/Write/ZeroPage/\d+kbytes", "zx_vmo_write from a never-written mapping",
             "pwrite from never-touched anonymous memory", True),
    Analogue(r"VmoMap/(Read|Write)/\d+kbytes",
             "zx_vmar_map, memcpy through the mapping (faults), zx_vmar_unmap",
             "mmap(MAP_SHARED), memcpy (faults), munmap", True,
             "both fill page tables on fault; each kernel maps a window of neighbours per fault"),
    Analogue(r"VmoMap/(Read|Write)/Kernel/\d+kbytes",
             "zx_vmar_map, zx_vmo_read|write into/from the mapping (faults), zx_vmar_unmap",
             "mmap(MAP_SHARED), pread|pwrite of a second memfd (faults), munmap", True),
    Analogue(r"VmoMapRange/(Read|Write)(/Kernel)?/\d+kbytes",
             "zx_vmar_map(ZX_VM_MAP_RANGE), copy, zx_vmar_unmap",
             "mmap(MAP_SHARED|MAP_POPULATE), copy, munmap", True),
    Analogue(r"Vmo/Clone/\d+kbytes", "zx_vmo_create_child(SNAPSHOT) / zx_handle_close",
             "mmap(MAP_PRIVATE) of the memfd / munmap", True,
             "one O(1) call each side; Linux's copy-on-write child is a mapping, not a snapshot"),
    Analogue(r"Vmo/Clone/ReadOrig(All|Some)/\d+kbytes",
             "zx_vmo_create_child, zx_vmo_read of the parent (whole / 1 page in 8), close",
             "mmap(MAP_PRIVATE), pread of the memfd (the same pages), munmap", True),
    Analogue(r"Vmo/Clone/(WriteOrig|ReadClone|WriteClone)(All|Some)/\d+kbytes",
             "zx_vmo_create_child, zx_vmo_read|write, close", None, None,
             "needs a snapshot or a clone object (peer README)"),
    Analogue(r"Vmo/CloneMap/\d+kbytes", "map, zx_vmo_create_child of the mapped VMO, close, unmap",
             None, None, "a MAP_PRIVATE clone never write-protects the parent's mapping"),
    Analogue(r"Stream/(WriteAt|ReadAt)(<64>)?/\d+bytes",
             "zx_stream_writev_at|readv_at at offset 0 (1 or 64 iovecs)",
             "pwritev|preadv at offset 0 on a memfd (1 or 64 iovecs)", True),
    Analogue(r"Channel/WriteRead/\d+bytes/0handles", "zx_channel_write / zx_channel_read",
             "sendmsg / recvmsg on socketpair(SEQPACKET)", True),
    Analogue(r"Channel/WriteRead/\d+bytes/1handles",
             "zx_channel_write (moves the handle) / zx_channel_read",
             "sendmsg(SCM_RIGHTS) + close / recvmsg", False,
             "a Zircon write moves the handle out of the writer's table in one call; "
             "SCM_RIGHTS leaves the fd open, so Linux needs a second call (close) per write"),
    Analogue(r"Channel/WriteEtcReadEtc/\d+bytes/[01]handles",
             "zx_channel_write_etc / zx_channel_read_etc", None, None,
             "Linux has one message call (= Channel/WriteRead)"),
    Analogue(r"Socket/WriteRead/\d+bytes", "zx_socket_write / zx_socket_read",
             "write / read on socketpair(STREAM)", True),
    Analogue(r"Fifo/WriteRead/\d+bytes_\d+batch", "zx_fifo_write / zx_fifo_read (a batch)",
             "write / read of the batch's bytes on a pipe", True),
    Analogue(r"Event/Signal", "zx_object_signal(0, 0)", "write(0) to an eventfd", True),
    Analogue(r"Event/Duplicate", "zx_handle_duplicate / zx_handle_close", "dup / close", True),
    Analogue(r"Event/Replace", "duplicate / zx_handle_replace / close", None, None,
             "no call replaces a descriptor"),
    Analogue(r"Event/WaitForAlreadySignaledEvent", "zx_object_wait_one(deadline 0)",
             "poll(1 eventfd, timeout 0)", True),
    Analogue(r"Event/WaitForManyWithAlreadySignaledEvent", "zx_object_wait_many(4, deadline 0)",
             "poll(4 eventfds, timeout 0)", True),
    Analogue(r"GetInfo/Runtime", "zx_object_get_info(thread self, ZX_INFO_TASK_RUNTIME)",
             "clock_gettime(CLOCK_THREAD_CPUTIME_ID) (a syscall)", True,
             "one call each side returning the thread's CPU time; zc's record also has queue time"),
    Analogue(r"HandleValid/1Threads", "zx_object_get_info(ZX_INFO_HANDLE_VALID, no buffer)",
             "fcntl(F_GETFD)", True, "one lookup of the handle / descriptor each side"),
    Analogue(r"HandleCreate_Vmo", "zx_vmo_create(64 KiB) / zx_handle_close",
             "memfd_create / close", True,
             "the memfd stays at size 0: sizing it is a second call (ftruncate), and neither "
             "side commits a page"),
    Analogue(r"HandleCreate_Event", "zx_event_create / close", "eventfd / close", True),
    Analogue(r"HandleCreate_Channel", "zx_channel_create / 2 closes",
             "socketpair(SEQPACKET) / 2 closes", True),
    Analogue(r"HandleCreate_Fifo", "zx_fifo_create / 2 closes", "pipe2 / 2 closes", True),
    Analogue(r"HandleCreate_Port", "zx_port_create / close", "epoll_create1 / close", True),
    Analogue(r"HandleCreate_(EventPair|Thread)", "create / close", None, None,
             "no eventpair object; clone creates and starts a thread at once"),
    Analogue(r"Port/QueueWait", "zx_port_queue / zx_port_wait",
             "write / read of a 48-byte packet on an O_DIRECT pipe", True),
    Analogue(r"ObjectWaitAsync", "event_create, port_create, wait_async, 2 closes",
             "eventfd, epoll_create1, epoll_ctl(ADD, ONESHOT), 2 closes", True),
    Analogue(r"Vmar/Protect", "2 x zx_vmar_protect of 16 mapped committed pages (RO, RW)",
             "2 x mprotect of 16 populated MAP_SHARED memfd pages", True),
    Analogue(r"Vmar/Decommit",
             "write 16 pages (faults), zx_vmar_op_range(DECOMMIT)",
             "write 16 pages (faults), madvise(MADV_REMOVE) on a MAP_SHARED memfd", True,
             "MADV_REMOVE frees the memfd's pages as DECOMMIT frees the VMO's"),
    Analogue(r"Mmu/MapUnmap", "zx_vmar_map(MAP_RANGE) of 256 committed pages / zx_vmar_unmap",
             "mmap(MAP_POPULATE) of 256 committed pages / munmap", True),
    Analogue(r"Mmu/MapUnmapWithFaults", "zx_vmar_map / read every page (faults) / zx_vmar_unmap",
             "mmap / read every page (faults) / munmap", True),
    Analogue(r"Pager/SupplyPages/(4|64)k",
             "supply: zx_pager_supply_pages of the absent range from a committed aux VMO; "
             "reset: a new pager and pager VMO, aux committed again",
             "supply: UFFDIO_COPY of the range into registered, never-faulted anonymous "
             "memory; reset: madvise(MADV_DONTNEED)", False,
             "a supply moves the aux VMO's pages (committed in reset); UFFDIO_COPY allocates "
             "pages and copies the bytes (UFFDIO_MOVE is Linux 6.8+, the guest runs 6.1); "
             "the resets differ (6 calls against 1)"),
    Analogue(r"Pager/FaultRoundTrip/(4|64)k",
             "fault: a read faults; pager thread: zx_port_wait (READ packet), "
             "zx_pager_supply_pages of the range; reset: as Pager/SupplyPages",
             "fault: a read faults; handler thread: read(uffd) (uffd_msg), UFFDIO_COPY of the "
             "range; reset: madvise(MADV_DONTNEED)", False,
             "the same calls and fault each side, but the supply moves committed pages where "
             "UFFDIO_COPY allocates and copies them (as Pager/SupplyPages); "
             "resets: 8 calls against 1"),
    Analogue(r"Thread/CreateAndJoin",
             "thread_create, vmo_create, vmar_map, thread_start, wait_one, vmar_unmap, 2 closes",
             "mmap, clone, futex wait, munmap", False,
             "8 calls against 4: a Zircon thread and its stack are objects with handles"),
    Analogue(r"RoundTrip_BasicChannel_(Single|Multi)Process",
             "per leg: zx_channel_write, zx_object_wait_one, zx_channel_read",
             "per leg: send, poll, recv(MSG_DONTWAIT)", True),
    Analogue(r"IpcThroughput_BasicChannel_\d+_\d+k?bytes_(Single|Multi)Process",
             "N x zx_channel_write, then N x (zx_object_wait_one, zx_channel_read); "
             "the server the same",
             "N x send, then N x (poll, recv(MSG_DONTWAIT)) on socketpair(SEQPACKET)", True),
    Analogue(r"RoundTrip_ChannelPort_(Single|Multi)Process",
             "per leg: channel_write, wait_async(ONCE), port_wait, channel_read",
             "per leg: send, epoll_ctl(MOD, ONESHOT), epoll_wait, recv", True),
    Analogue(r"RoundTrip_ChannelCall_(Single|Multi)Process", "zx_channel_call", None, None,
             "no combined write-and-wait call"),
    Analogue(r"RoundTrip_Port_(Single|Multi)Process", "per leg: zx_port_queue, zx_port_wait",
             "per leg: write, read (O_DIRECT pipes)", True),
    Analogue(r"RoundTrip_EventPort_(Single|Multi)Process",
             "per leg: signal_peer, wait_async(ONCE), port_wait, object_signal (clear)",
             "per leg: write(eventfd), epoll_ctl(MOD), epoll_wait, read (clear)", True),
    Analogue(r"RoundTrip_SocketPort_(Single|Multi)Process",
             "per leg: socket_write(1 byte), wait_async(ONCE), port_wait, socket_read",
             "per leg: write, epoll_ctl(MOD, ONESHOT), epoll_wait, read", True),
    Analogue(r"RoundTrip_Futex_SingleProcess", "zx_futex_wake / zx_futex_wait",
             "FUTEX_WAKE_PRIVATE / FUTEX_WAIT_PRIVATE", True),
    Analogue(r"RoundTrip_PthreadCondvar_SingleProcess", "(none)", "pthread_cond_signal/wait",
             None, "Linux only (glibc's condition variables)"),
    # SMP/* (docs/smp.md "Benchmarks"): only with more than one CPU; the threads are pinned
    # (zc accepts the CPU-mask profile and does not apply it yet: its threads share CPU 0).
    Analogue(r"SMP/PingPong/Channel",
             "per leg: channel_write(4 bytes), object_wait_one, channel_read",
             "per leg: send, poll, recv(MSG_DONTWAIT) on socketpair(SEQPACKET)", True,
             "the peer thread pinned to another CPU"),
    Analogue(r"SMP/PingPong/Event",
             "per leg: object_signal_peer, object_wait_one, object_signal (clear)",
             "per leg: write(1) to the peer's eventfd, poll, read (clear) of its own", True,
             "the peer thread pinned to another CPU"),
    Analogue(r"SMP/RoundTrip_(BasicChannel|ChannelPort|Port|EventPort|SocketPort)_MultiProcess",
             "as RoundTrip_<kind>_MultiProcess", "as RoundTrip_<kind>_MultiProcess", True,
             "the client pinned to CPU 0, the helper process to CPU 1"),
    Analogue(r"SMP/RoundTrip_ChannelCall_MultiProcess", "as RoundTrip_ChannelCall_MultiProcess",
             None, None, "no combined write-and-wait call"),
    Analogue(r"SMP/Scale/VmoRead/\d+threads",
             "each of N threads: 200 x zx_vmo_read of its own 4 KiB VMO; futex start/finish",
             "each of N threads: 200 x pread of 4 KiB from its own memfd; futex start/finish",
             True),
    Analogue(r"SMP/Scale/ChannelPair/\d+threads",
             "each of N threads: 200 x (channel_write + channel_read of 64 bytes) on its own "
             "pair; futex start/finish",
             "each of N threads: 200 x (send + recv of 64 bytes) on its own "
             "socketpair(SEQPACKET); futex start/finish", True),
    Analogue(r"SMP/Scale/EventSignal/\d+threads",
             "each of N threads: 200 x zx_object_signal(0, 0) on its own event; futex "
             "start/finish",
             "each of N threads: 200 x write(0) to its own eventfd; futex start/finish", True),
]

_COMPILED = [(re.compile(a.pattern), a) for a in ANALOGUES]


def test_of(label: str) -> str:
    """`Test.step` -> `Test`; a label without a step is its own test."""
    return label.rsplit(".", 1)[0] if "." in label else label


def rows_for(test: str) -> List[Analogue]:
    """Every row whose pattern matches the whole test name (exactly one when the table is
    right)."""
    return [a for rx, a in _COMPILED if rx.fullmatch(test)]


def analogue_of(label: str) -> Optional[Analogue]:
    """The row of a label or of its test; None when no row matches."""
    for name in (label, test_of(label)):
        rows = rows_for(name)
        if rows:
            return rows[0]
    return None


def equal_work(label: str) -> Optional[bool]:
    """True/False as in the table; None for a label with no row or no analogue."""
    a = analogue_of(label)
    return a.equal if a else None


def unequal(labels) -> Dict[str, str]:
    """{label: why} for the labels whose two sides do not do the same work."""
    out = {}
    for label in labels:
        a = analogue_of(label)
        if a is not None and a.equal is False:
            out[label] = a.why
    return out


def markdown_table() -> str:
    """The table of docs/bench.md ("Equal work")."""
    def cell(s):
        return (s or "").replace("|", "\\|")
    lines = ["| test (regex) | zc, per run | Linux, per run | equal work | why / caveat |",
             "| --- | --- | --- | --- | --- |"]
    for a in ANALOGUES:
        eq = {True: "yes", False: "**no**", None: "no analogue"}[a.equal]
        lines.append(f"| `{cell(a.pattern)}` | {cell(a.zc)} | {cell(a.linux) or '-'} | {eq} | "
                     f"{cell(a.why)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
