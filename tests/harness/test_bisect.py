"""harness.bisect on a throwaway repository: a tiny C "kernel" (a 32-bit multiboot guest that
times a function with rdtsc and prints fuchsiaperf JSON like zc-bench), a history with a build
break and a planted slowdown, bisected with real icount boots. The user's checkout (here: the
throwaway repository's own work tree) must come out untouched."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from harness import benchcheck, qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BOOT_S = r"""
.section .text
.align 4
.long 0x1BADB002, 0, -0x1BADB002    /* multiboot v1: magic, flags, checksum */
.globl _start
_start:
    mov $stack_top, %esp
    call main
1:  hlt
    jmp 1b
.section .bss
.align 16
stack: .skip 16384
stack_top:
"""

MAIN_C = r"""
typedef unsigned int u32;
void work(void);
void other(void);

static void outb(unsigned short port, unsigned char v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static void outl(unsigned short port, u32 v) {
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static u32 ticks(void) {
    u32 lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return lo;
}
static void puts_(const char *s) { while (*s) outb(0x3f8, *s++); }
static void putu(u32 v) {
    char b[12];
    int i = 0;
    do { b[i++] = '0' + v % 10; v /= 10; } while (v);
    while (i) outb(0x3f8, b[--i]);
}
static void entry(const char *label, void (*fn)(void), int last) {
    puts_("{\"label\": \""); puts_(label);
    puts_("\", \"test_suite\": \"fuchsia.microbenchmarks\", \"unit\": \"nanoseconds\", "
          "\"values\": [");
    for (int run = 0; run < RUNS; run++) {
        u32 t0 = ticks();
        fn();
        u32 t1 = ticks();
        putu(t1 - t0);
        puts_(run + 1 < RUNS ? ", " : "");
    }
    puts_(last ? "]}\n" : "]},\n");
}
void main(void) {
    puts_("tiny bench\n==== fuchsiaperf begin ====\n[");
    entry("Tiny/Work", work, 0);
    entry("Tiny/Other", other, 1);
    puts_("]\n==== fuchsiaperf end ====\nzc: userboot exited with status 0\n");
    outl(0xf4, 0);
}
"""

WORK_C = r"""
void work(void) {
    for (volatile int i = 0; i < 2000; i++)
        ;
}
"""

OTHER_C = r"""
void other(void) {
    for (volatile int i = 0; i < 500; i++)
        ;
}
"""

MAKEFILE = r"""
CFLAGS := -m32 -O1 -ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
          -nostdlib -DRUNS=5
all: build/kernel/zc.elf build/bootfs.cpio
build/kernel/zc.elf: boot.S main.c work.c other.c
	mkdir -p build/kernel
	gcc $(CFLAGS) -c boot.S -o build/boot.o
	gcc $(CFLAGS) -c main.c -o build/main.o
	gcc $(CFLAGS) -c work.c -o build/work.o
	gcc $(CFLAGS) -c other.c -o build/other.o
	ld -m elf_i386 -Ttext=0x100000 -e _start --build-id=none -o $@ \
	   build/boot.o build/main.o build/work.o build/other.o
build/bootfs.cpio:
	mkdir -p build && echo "not a bootfs" > $@
"""


def sh(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def commit(repo, message, **files):
    for name, text in files.items():
        (repo / name).write_text(text)
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", message)
    return sh(repo, "rev-parse", "HEAD")


@pytest.fixture
def tiny_repo(tmp_path):
    for tool in ("gcc", "ld", "git", "make"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} not found (make setup installs it)")
    try:
        qemu.find_qemu()
    except qemu.HarnessError as e:
        pytest.fail(str(e))
    repo = tmp_path / "tiny"
    repo.mkdir()
    sh(repo, "init", "-q", "-b", "main")
    sh(repo, "config", "user.email", "t@example.com")
    sh(repo, "config", "user.name", "t")
    (repo / ".gitignore").write_text("build/\n")
    h = {}
    h["c0"] = commit(repo, "tiny kernel", **{"boot.S": BOOT_S, "main.c": MAIN_C,
                                             "work.c": WORK_C, "other.c": OTHER_C,
                                             "Makefile": MAKEFILE})
    h["c1"] = commit(repo, "docs", README="a tiny kernel\n")
    h["c2"] = commit(repo, "other: a bit faster",
                     **{"other.c": OTHER_C.replace("500", "400")})
    h["c3"] = commit(repo, "break the build", **{"main.c": MAIN_C + "\nsyntax error here\n"})
    h["c4"] = commit(repo, "still broken, docs", README="a tiny kernel, more docs\n")
    h["c5"] = commit(repo, "fix the build", **{"main.c": MAIN_C})
    h["c6"] = commit(repo, "work: add a delay loop (the planted slowdown)",
                     **{"work.c": WORK_C.replace(
                         "        ;\n}", "        ;\n    for (volatile int j = 0; j < 300; j++)"
                         "\n        ;\n}")})
    h["c7"] = commit(repo, "docs again", README="docs\n")
    h["c8"] = commit(repo, "other: slower, but not the label we bisect",
                     **{"other.c": OTHER_C.replace("500", "900")})
    return repo, h


def run_bisect(repo, *args, timeout=240):
    return subprocess.run(
        [sys.executable, "-m", "harness.bisect", "--repo", str(repo),
         "--work-dir", str(repo / "build" / "bisect"), "--runs", "5", "--timeout", "60",
         "--build-cmd", "make -s all", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_icount_measurement_repeats_exactly(tiny_repo, tmp_path):
    repo, h = tiny_repo
    subprocess.run(["make", "-s", "-C", str(repo), "all"], check=True, capture_output=True)
    kernel, initrd = str(repo / "build/kernel/zc.elf"), str(repo / "build/bootfs.cpio")
    first = benchcheck.measure(kernel, initrd, "^Tiny/Work$", 5, timeout=60)
    second = benchcheck.measure(kernel, initrd, "^Tiny/Work$", 5, timeout=60)
    assert first == second, "icount runs are not repeatable"
    assert set(first) == {"Tiny/Work", "Tiny/Other"} and len(first["Tiny/Work"]) == 5


def test_bisect_finds_the_planted_slowdown(tiny_repo):
    repo, h = tiny_repo
    head_before = sh(repo, "rev-parse", "HEAD")
    status_before = sh(repo, "status", "--porcelain")
    t0 = time.monotonic()
    r = run_bisect(repo, "--good", h["c0"], "--bad", h["c8"], "--bench", "Tiny/Work")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert f"bisect: first bad commit: {h['c6']}" in out, out
    assert "the planted slowdown" in out
    # the figures: the first bad commit against its parent, in ns (icount)
    assert "change over its parent: +" in out
    assert time.monotonic() - t0 < 120
    # the user's checkout is as it was: same HEAD, no bisection, no leftover worktree
    assert sh(repo, "rev-parse", "HEAD") == head_before
    assert sh(repo, "status", "--porcelain") == status_before
    assert "refs/bisect" not in sh(repo, "for-each-ref")
    assert len(sh(repo, "worktree", "list").splitlines()) == 1
    assert not [p for p in os.listdir(repo / "build" / "bisect") if p.startswith("wt-")]


def test_bisect_skips_commits_that_do_not_build(tiny_repo):
    repo, h = tiny_repo
    # GOOD = c2; c3, c4 do not build; the first bad is c6
    r = run_bisect(repo, "--good", h["c2"], "--bad", h["c7"], "--bench", "Tiny/Work")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert f"bisect: first bad commit: {h['c6']}" in out, out
    # the only commits left to test are c3..c6; with c3/c4 unbuildable one of them is tried
    assert "build-failed" in out, out


def test_bisect_reports_no_regression(tiny_repo):
    repo, h = tiny_repo
    r = run_bisect(repo, "--good", h["c0"], "--bad", h["c5"], "--bench", "Tiny/Work")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no regression" in r.stdout


def test_bisect_argument_errors(tiny_repo):
    repo, h = tiny_repo
    r = run_bisect(repo, "--good", "no-such-rev", "--bad", h["c8"], "--bench", "Tiny/Work")
    assert r.returncode == 2 and "not a commit" in r.stderr
    r = run_bisect(repo, "--good", h["c8"], "--bad", h["c0"], "--bench", "Tiny/Work")
    assert r.returncode == 2 and "not an ancestor" in r.stderr
    r = run_bisect(repo, "--good", h["c3"], "--bad", h["c8"], "--bench", "Tiny/Work")
    assert r.returncode == 2 and "GOOD" in r.stderr and "cannot be measured" in r.stderr
    assert len(sh(repo, "worktree", "list").splitlines()) == 1


def test_ere_escape():
    assert benchcheck.ere_escape("Vmo/Clone/128kbytes.close") == r"Vmo/Clone/128kbytes\.close"
    assert benchcheck.ere_escape("a(b)|c+d*e?[f]{g}^$\\") == \
        r"a\(b\)\|c\+d\*e\?\[f\]\{g\}\^\$\\"
