"""harness/pathtrace.py: cutting a trace into iterations and attributing them."""
import pytest

from harness import pathtrace


class FakeSyms:
    def __init__(self, ranges):
        self.ranges = ranges  # [(lo, hi, name)]

    def lookup(self, pc):
        for lo, hi, name in self.ranges:
            if lo <= pc < hi:
                return name
        return None


def trace(iterations, body):
    pcs = [0x10, 0x11]  # start-up noise before the loop
    for _ in range(iterations):
        pcs += body
    return pcs + [0x100]  # the marker once more ends the last iteration


def test_median_iteration_attributed_by_part():
    bench = FakeSyms([(0x100, 0x200, "loop")])
    kernel = FakeSyms([(0xf000, 0xf010, "x86_syscall_entry"), (0xf100, 0xf200, "run_loop")])
    body = [0x100, 0x101, 0xf000, 0xf001, 0xf100, 0xf101, 0xf102]
    r = pathtrace.analyse(trace(10, body), {"bench": bench, "kernel": kernel}, 0x100)
    assert r["median"] == 7
    assert r["parts"]["benchmark loop (user)"] == 2
    assert r["parts"]["kernel entry/exit (asm)"] == 2
    assert r["parts"]["kernel C"] == 3
    assert r["symbols"][("kernel", "run_loop")] == 3


def test_warm_up_iterations_do_not_count():
    bench = FakeSyms([(0x100, 0x200, "loop")])
    slow = [0x100] + [0x150] * 50   # first iterations fault pages in
    fast = [0x100, 0x150, 0x151]
    pcs = [0x1] + slow * 3 + fast * 9 + [0x100]
    r = pathtrace.analyse(pcs, {"bench": bench}, 0x100)
    assert r["median"] == 3


def test_too_few_iterations_is_an_error():
    with pytest.raises(SystemExit, match="too few"):
        pathtrace.analyse([0x100, 0x1, 0x100], {}, 0x100)
