"""Order independence (issue 12): a label's icount figure is the same whether it runs alone or
after many other tests in the same bin/zc-bench process. icount makes this deterministic and
cheap: two boots of a few seconds.

What it caught: the runner kept each entry's values in a buffer of its own, zc's libc gives a
buffer over 4 KiB a mapping of its own, and every later zx_vmar_map walked past those mappings;
Thread/CreateAndJoin measured after ~100 entries of 600 runs cost 2.07x what it cost alone,
VmoMap/Read/128kbytes 1.22x. The "others" are the cheap families that come before the picked
labels in a full run (sorted order), at 600 runs, so that each entry is over 4 KiB."""

import os
import subprocess

import pytest

from harness import bench, qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join(ROOT, "build", "kernel", "zc.elf")
INITRD = os.path.join(ROOT, "build", "bootfs.cpio")

PICKED = ["Thread/CreateAndJoin", "Vmo/Clone/128kbytes", "VmoMap/Read/128kbytes",
          "RoundTrip_BasicChannel_MultiProcess"]
OTHERS = ("(Channel/WriteRead|Event|Fifo|HandleCreate|ObjectWaitAsync|Port|RoundTrip_.*Single"
          "|Socket|Syscall).*")
RUNS = 600          # 600 doubles = 4.8 KiB per entry: over the small-block limit of zc's malloc
TOLERANCE = 0.02


def measure(filter_regex):
    res = qemu.boot(KERNEL, INITRD, f"init=bin/zc-bench --runs {RUNS} --quiet --filter "
                    f"^({filter_regex})$", mode="icount", timeout=300)
    assert res.status == 0, res.log_text[-2000:]
    return bench.as_dict(bench.extract_results(res.log_text))


@pytest.fixture(scope="module")
def runs():
    try:
        qemu.find_qemu()
    except qemu.HarnessError as e:
        pytest.skip(str(e))
    if not (os.path.exists(KERNEL) and os.path.exists(INITRD)):
        subprocess.run(["make", "-s", "all"], cwd=ROOT, check=True, timeout=600)
    alone = measure("|".join(PICKED))
    after = measure(OTHERS + "|" + "|".join(PICKED))
    return alone, after


def test_the_long_run_really_has_the_others_first(runs):
    alone, after = runs
    others = [l for l in after if not any(l.startswith(p) for p in PICKED)]
    assert len(others) >= 50, len(others)
    assert all(len(after[l].values) == RUNS for l in others)


@pytest.mark.parametrize("test", PICKED)
def test_a_label_costs_the_same_alone_and_after_the_others(runs, test):
    alone, after = runs
    labels = [l for l in alone if l == test or l.startswith(test + ".")]
    assert labels, f"{test} not measured"
    for label in labels:
        a, b = bench.median(alone[label].values), bench.median(after[label].values)
        assert abs(b / a - 1) <= TOLERANCE, \
            f"{label}: {a:.0f} instructions alone, {b:.0f} after the others ({b / a - 1:+.1%})"
