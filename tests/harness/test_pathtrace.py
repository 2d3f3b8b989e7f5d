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


class FakeElfSyms(FakeSyms):
    def __init__(self, ranges):
        super().__init__(ranges)
        self.base = 0
        self.addrs = [lo for lo, _, _ in ranges]
        self.names = [name for _, _, name in ranges]


def test_listing_names_each_instruction_of_the_iteration(tmp_path, monkeypatch):
    kernel = FakeElfSyms([(0xf000, 0xf010, "x86_syscall_entry")])
    bench = FakeElfSyms([(0x100, 0x200, "loop")])
    text = {0x100: "call 0x150", 0xf000: "swapgs", 0xf003: "sysretq"}
    monkeypatch.setattr(pathtrace, "disassembly", lambda elf, base=0: text)
    out = tmp_path / "listing"
    pathtrace.write_listing(str(out), [0x100, 0xf000, 0xf003, 0x5000],
                            {"bench": bench, "kernel": kernel}, {"bench": "b.elf", "kernel": "k.elf"})
    lines = out.read_text().splitlines()
    assert len(lines) == 4
    assert lines[0].split() == ["0", "bench", "loop+0x0", "call", "0x150"]
    assert lines[2].split() == ["2", "kernel", "x86_syscall_entry+0x3", "sysretq"]
    assert lines[3].split() == ["3", "other", "?+0x0", "?"]  # outside every ELF: said so
