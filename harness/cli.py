"""`/usr/bin/python3 -m harness <command>` from the repository root."""

import argparse
import shlex
import sys

from . import compare, qemu, testrun


class _Parser(argparse.ArgumentParser):
    """Usage errors exit with CODE_HARNESS like every other 'could not boot' case."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(qemu.CODE_HARNESS, f"harness: {message}\n")


def _add_machine_args(p, timeout):
    p.add_argument("--kernel", default="build/kernel/zc.elf", help="kernel ELF (%(default)s)")
    p.add_argument("--initrd", default="build/bootfs.cpio", help="bootfs cpio (%(default)s)")
    p.add_argument("--mode", default="auto", choices=qemu.MODES,
                   help="auto = kvm when /dev/kvm is usable and healthy (a probe boot no slower than "
                   "under tcg), else tcg (%(default)s)")
    p.add_argument("--timeout", type=float, default=timeout,
                   help="seconds per boot before QEMU is killed (%(default)s)")
    p.add_argument("--memory", default=qemu.DEFAULT_MEMORY, help="guest RAM (%(default)s)")
    p.add_argument("--smp", type=qemu.smp_arg, default=qemu.DEFAULT_SMP,
                   help=f"guest CPUs, 1..{qemu.MAX_SMP} (%(default)s; the others idle: docs/smp.md)")
    p.add_argument("--qemu", default=None, help=f"QEMU binary (default $ZC_QEMU or {qemu.QEMU})")


def parser():
    p = _Parser(prog="harness", description="Boot and test zc in QEMU.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("boot", help="boot zc once and exit with the program's status",
                       description="Boot zc once; exit with the program's status (0..125), "
                       f"{qemu.CODE_PANIC} kernel panic, {qemu.CODE_HARNESS} could not boot, "
                       f"{qemu.CODE_RESET} guest reset, {qemu.CODE_TIMEOUT} timeout.")
    _add_machine_args(b, qemu.DEFAULT_TIMEOUT)
    b.add_argument("--cmdline", required=True,
                   help='kernel command line, e.g. "init=bin/hello a b"')
    b.add_argument("--log", help="also write the serial output to this file")
    b.add_argument("--quiet", action="store_true", help="do not echo the serial output")
    b.add_argument("--verbose", action="store_true", help="print the QEMU command line")

    t = sub.add_parser("test", help="run host tests, pytest and in-guest suites; last line "
                       "'N passed, N failed'")
    _add_machine_args(t, testrun.DEFAULT_SUITE_TIMEOUT)
    t.add_argument("--suite", nargs="*", action="extend", default=[], metavar="bin/NAME",
                   help="in-guest test programs, one boot each (init=bin/NAME)")
    t.add_argument("--host-test", nargs="*", action="extend", default=[], metavar="PATH",
                   help="host test executables (last line 'N passed, N failed')")
    t.add_argument("--pytest", nargs="*", action="extend", default=[], metavar="DIR",
                   help="directories for pytest")
    t.add_argument("--hosted", nargs="*", action="extend", default=[], metavar="ZC_HOSTED",
                   help="also run every --suite on these zc-hosted binaries (docs/hosted.md), "
                   "mode hosted / hosted-asan in the summary")
    t.add_argument("--suite-elf-dir", default="build/user",
                   help="where NAME.elf of each suite is, to list its cases before the boot "
                   "(%(default)s)")
    t.add_argument("--expect-dir", default="user/tests",
                   help="where <name>.expect files of serial-log regexes live (%(default)s)")
    t.add_argument("--log-dir", default="build/test-logs", help="logs go here (%(default)s)")
    t.add_argument("--verbose", action="store_true", help="echo the serial output of suites")

    c = sub.add_parser("compare", help="compare two benchmark runs label by label (exit 1 when "
                       "something is slower)", description="Compare two benchmark runs.")
    compare.add_arguments(c)
    return p


def cmd_boot(a) -> int:
    try:
        binary = qemu.find_qemu(a.qemu)
        mode, why = qemu.choose_mode(a.mode, binary, a.kernel, a.initrd)
        if a.mode == "auto":
            print(f"harness: {why}", file=sys.stderr)
        result = qemu.boot(a.kernel, a.initrd, a.cmdline, mode=mode, timeout=a.timeout,
                           memory=a.memory, smp=a.smp, log_path=a.log, heartbeat=sys.stderr,
                           echo=None if a.quiet else sys.stdout, qemu=binary,
                           on_start=(lambda cmd: print("harness: " + shlex.join(cmd),
                                                       file=sys.stderr)) if a.verbose else None)
    except qemu.HarnessError as e:
        print(f"harness: {e}", file=sys.stderr)
        return qemu.CODE_HARNESS
    if result.outcome == "qemu-error" or not a.quiet:
        qemu.print_qemu_stderr(result)
    print(result.verdict(), file=sys.stderr)
    return result.exit_code


def cmd_test(a) -> int:
    return testrun.run(a)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compare"]:  # its own usage errors exit 2 (compare.EXIT_ERROR)
        return compare.main(argv[1:])
    a = parser().parse_args(argv)
    try:
        return {"boot": cmd_boot, "test": cmd_test}[a.command](a)
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130
