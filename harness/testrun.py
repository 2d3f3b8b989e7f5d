"""The test aggregator behind `make test`: host test executables, pytest, and one zc boot per
in-guest suite. Prints each suite's counts as it finishes, then counts per area (the part of a
test name before the first '.'), and ends with exactly one line `N passed, N failed`.

Output formats read here (docs/abi.md, "In-guest test output"):
  [ RUN      ] Area.Name          a test starts; lines until its result are its messages
  [       OK ] Area.Name          passed
  [  FAILED  ] Area.Name          failed
  zctest: N passed, N failed      an in-guest suite's summary
  N passed, N failed              a host test's last line
  [==========] Running N tests    optional: a suite that dies early then counts the tests it
                                  never ran as failed
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from . import hosted, coretests, qemu, zctest_list

DEFAULT_SUITE_TIMEOUT = 300.0
PYTEST_TIMEOUT = 1800.0
MAX_DETAIL = 12  # message lines kept per failing test
TAIL_LINES = 10  # serial log lines shown for a suite that timed out, panicked, ...

RUN = re.compile(r"\[ RUN      \] ([^\s()]+)\s*$")
RESULT = re.compile(r"\[(       OK |  FAILED  )\] ([^\s()]+)(?: \(.*\))?\s*$")
GUEST_SUMMARY = re.compile(r"zctest: (\d+) passed, (\d+) failed\s*$")
HOST_SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$")
PLANNED = re.compile(r"\[==========\] Running (\d+) tests?\b")


@dataclass
class Case:
    name: str
    passed: bool
    detail: List[str] = field(default_factory=list)

    @property
    def area(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass
class GtestOutput:
    cases: List[Case]
    summary: Optional[Tuple[int, int]]
    unfinished: Optional[Case]  # started, no result line: a failed case, detail = its messages
    planned: Optional[int]


def parse_gtest(text: str, summary_re=GUEST_SUMMARY) -> GtestOutput:
    cases: List[Case] = []
    seen = set()
    current: Optional[Case] = None
    summary = planned = None
    for line in text.splitlines():
        m = RUN.search(line)
        if m:
            if current:
                current.detail.append("no result line before the next test started")
                cases.append(current)
            current = Case(m.group(1), False)
            continue
        m = RESULT.search(line)
        if m:
            name, passed = m.group(2), m.group(1) == "       OK "
            if name not in seen:  # gtest repeats failures in a closing list
                seen.add(name)
                detail = current.detail if current and current.name == name else []
                cases.append(Case(name, passed, [] if passed else detail))
            if current and current.name == name:
                current = None
            continue
        m = summary_re.search(line)
        if m:
            summary = (int(m.group(1)), int(m.group(2)))
            continue
        m = PLANNED.search(line)
        if m:
            planned = int(m.group(1))
        elif current and len(current.detail) < MAX_DETAIL:
            current.detail.append(line)
    return GtestOutput(cases, summary, current, planned)


@dataclass
class SuiteResult:
    kind: str  # qemu, host, pytest
    name: str
    short: str  # area for counts no named test accounts for; prefix of synthetic cases
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    cases: List[Case] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    info: str = ""
    log: Optional[str] = None
    tail: List[str] = field(default_factory=list)  # end of a troubled suite's serial log
    mode: Optional[str] = None  # the QEMU mode of an in-guest suite

    def add(self, case: Case):
        self.cases.append(case)
        if case.passed:
            self.passed += 1
        else:
            self.failed += 1


def _tally(r: SuiteResult, g: GtestOutput, summary: Optional[Tuple[int, int]],
           problem: Optional[str], listed: Optional[List[str]] = None):
    """Counts from the summary when there is one, else from the result lines. A problem (timeout,
    panic, crash, no summary) that no failing test accounts for becomes one failing case. With
    `listed` (the suite's own cases, read before the boot), a suite that ended early also counts
    every listed case it never reached as a failed "not run" case."""
    r.cases = list(g.cases)
    named = (sum(c.passed for c in r.cases), sum(not c.passed for c in r.cases))
    if summary is not None:
        r.passed, r.failed = summary
        if r.cases and named != summary:
            r.problems.append(f"summary says {summary[0]} passed, {summary[1]} failed; "
                              f"result lines say {named[0]} passed, {named[1]} failed")
    else:
        r.passed, r.failed = named
    accounted = False
    if g.unfinished:  # counted on top of a summary too: it cannot be in it
        g.unfinished.detail.append(f"did not finish: {problem or 'no result line'}")
        r.add(g.unfinished)
        accounted = True
    if summary is None and listed:
        seen = {c.name for c in r.cases}
        never = [name for name in listed if name not in seen]
        for name in never:
            r.add(Case(name, False, [f"not run: {problem or 'the suite ended early'}"]))
        if never:
            r.problems.append(f"{len(never)} of {len(listed)} listed tests not run")
            accounted = True
    missing = (g.planned or 0) - len(r.cases)
    if summary is None and missing > 0:
        r.failed += missing
        r.problems.append(f"{missing} of {g.planned} tests never ran")
        accounted = True
    if problem:
        r.problems.append(problem)
        if not accounted:
            r.add(Case(f"{r.short}.run", False, [problem]))


def load_expect(path: str) -> List[Tuple[int, str]]:
    """(line number, regex) for each line of a .expect file; blank lines and # comments skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    return [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]


def check_expect(r: SuiteResult, log_text: str, expects: List[Tuple[int, str]]):
    """One case `<short>.log:<line>` per regex, passed when it matches a line of the log."""
    for n, regex in expects:
        try:
            ok = re.search(regex, log_text, re.MULTILINE) is not None
            why = [f"no serial line matches /{regex}/"]
        except re.error as e:
            ok, why = False, [f"bad regex /{regex}/: {e}"]
        r.add(Case(f"{r.short}.log:{n}", ok, [] if ok else why))


def _boot_problem(b: qemu.BootResult) -> Optional[str]:
    if b.outcome == "exited":
        return None
    if b.outcome == "timeout":
        return f"timeout after {b.timeout:g} s"
    if b.outcome == "panic":
        return "kernel panic" + (f": {b.note}" if b.note else "")
    if b.outcome == "reset":
        return "guest reset (QEMU exited 0: triple fault?)"
    return f"QEMU failed: {b.note}"


def evaluate_suite(suite: str, log_text: str, boot: Optional[qemu.BootResult],
                   error: Optional[str] = None,
                   expects: List[Tuple[int, str]] = (),
                   listed: Optional[List[str]] = None, mode: Optional[str] = None,
                   name: Optional[str] = None) -> SuiteResult:
    """Counts for one in-guest suite from its serial log and how the boot ended (or the error
    that kept it from booting); `listed` = its cases as read from its ELF (zctest_list)."""
    r = SuiteResult("qemu", name or suite, os.path.basename(suite), mode=mode)
    if boot:
        r.info = f"{boot.mode}, {boot.seconds:.1f} s"
    elif mode:
        r.info = f"{mode}, not booted"
    g = parse_gtest(log_text)
    problem = error or _boot_problem(boot)
    if not problem and g.summary is None:
        problem = "no 'zctest: N passed, N failed' summary line"
    elif not problem and boot.status != 0 and g.summary[1] == 0:
        problem = f"exited with status {boot.status} but reported 0 failures"
    _tally(r, g, g.summary, problem, listed)
    if problem and log_text:
        r.tail = log_text.splitlines()[-TAIL_LINES:]
    check_expect(r, log_text, expects)
    return r


def evaluate_host(path: str, output: str, returncode: Optional[int],
                  timed_out: bool = False, timeout: float = 0,
                  error: Optional[str] = None) -> SuiteResult:
    r = SuiteResult("host", path, os.path.basename(path))
    g = parse_gtest(output)
    last = next((ln for ln in reversed(output.splitlines()) if ln.strip()), "")
    m = HOST_SUMMARY.match(last.strip())
    summary = (int(m.group(1)), int(m.group(2))) if m else None
    if error:
        problem = error
    elif timed_out:
        problem = f"timeout after {timeout:g} s"
    elif returncode is not None and returncode < 0:
        problem = f"killed by signal {-returncode}"
    elif summary is None:
        problem = f"no 'N passed, N failed' last line (exit status {returncode})"
    elif returncode != 0 and summary[1] == 0:
        problem = f"exit status {returncode} but reported 0 failures"
    else:
        problem = None
    _tally(r, g, summary, problem)
    return r


def evaluate_pytest(dirs: List[str], xml_text: Optional[str], returncode: int) -> SuiteResult:
    r = SuiteResult("pytest", " ".join(dirs), "pytest")
    prefixes = [d.strip("/").replace("/", ".") + "." for d in dirs]
    if xml_text is None:
        r.add(Case("pytest.run", False, [f"pytest wrote no report (exit status {returncode})"]))
        r.problems.append("pytest wrote no report")
        return r
    for tc in ET.fromstring(xml_text).iter("testcase"):
        name = ".".join(p for p in (tc.get("classname"), tc.get("name")) if p)
        name = next((name[len(p):] for p in prefixes if name.startswith(p)), name)
        bad = [e for e in tc if e.tag in ("failure", "error")]
        if any(e.tag == "skipped" for e in tc) and not bad:
            r.skipped += 1
            continue
        r.add(Case(name, not bad, [e.get("message") or e.tag for e in bad]))
    if returncode == 5:
        r.problems.append("pytest collected no tests")
    elif returncode != 0 and r.failed == 0:
        r.problems.append(f"pytest exit status {returncode}")
        r.add(Case("pytest.run", False, [f"exit status {returncode} with no failing test"]))
    return r


def _write(path: str, text: str):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run_host_test(path: str, log_dir: str, timeout: float) -> SuiteResult:
    log = os.path.join(log_dir, f"host-{os.path.basename(path)}.log")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        error = f"{path} not found or not executable (build it with `make`)"
        _write(log, f"harness: {error}\n")
        r = evaluate_host(path, "", None, error=error)
        r.log = log
        return r
    try:
        p = subprocess.run([os.path.abspath(path)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        output, rc, timed_out = p.stdout, p.returncode, False
    except subprocess.TimeoutExpired as e:
        output, rc, timed_out = e.output or b"", None, True
    output = output.decode("utf-8", "replace")
    _write(log, output)
    r = evaluate_host(path, output, rc, timed_out, timeout)
    r.log = log
    return r


def run_pytest(dirs: List[str], log_dir: str, timeout: float = PYTEST_TIMEOUT) -> SuiteResult:
    xml = os.path.join(log_dir, "pytest.xml")
    log = os.path.join(log_dir, "pytest.log")
    if os.path.exists(xml):
        os.remove(xml)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}",
           *dirs]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
        output, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        output, rc = f"{e.output or ''}\npytest: timeout after {timeout:g} s\n", -1
    _write(log, output if isinstance(output, str) else output.decode("utf-8", "replace"))
    xml_text = None
    if os.path.exists(xml):
        with open(xml, encoding="utf-8") as f:
            xml_text = f.read()
    r = evaluate_pytest(dirs, xml_text, rc)
    r.log = log
    return r


def suite_log_name(short: str, mode: str, first: bool) -> str:
    """NAME.log for the first mode of the run (tcg when several run), NAME.MODE.log for others."""
    return f"{short}.log" if first else f"{short}.{mode}.log"


def smp_of(a) -> int:
    """The guest CPU count of a run (--smp; callers that build `a` by hand may leave it out)."""
    return getattr(a, "smp", qemu.DEFAULT_SMP)


def run_suite(suite: str, a, mode: str, mode_error: Optional[str],
              first: bool = True) -> SuiteResult:
    short = os.path.basename(suite)
    log = os.path.join(a.log_dir, suite_log_name(short, mode, first))
    listed = zctest_list.cases_or_none(os.path.join(a.suite_elf_dir, f"{short}.elf"))
    boot, error = None, mode_error
    if not error:
        try:
            boot = qemu.boot(a.kernel, a.initrd, f"init={suite}", mode=mode,
                             timeout=a.timeout, memory=a.memory, smp=smp_of(a), log_path=log,
                             echo=sys.stdout if a.verbose else None, qemu=a.qemu,
                             name=short, heartbeat=sys.stdout)
        except qemu.HarnessError as e:
            error = str(e)
    if boot is None:
        _write(log, f"harness: not booted: {error}\n")
    r = evaluate_suite(suite, boot.log_text if boot else "", boot, error,
                       load_expect(os.path.join(a.expect_dir, f"{short}.expect")),
                       listed=listed, mode=mode)
    r.log = log
    return r


def run_hosted_suite(suite: str, a, binary: str) -> SuiteResult:
    """One in-guest suite on a zc-hosted binary (NAME.hosted.log, NAME.hosted-asan.log)."""
    short = os.path.basename(suite)
    mode = hosted.mode_of(binary)
    log = os.path.join(a.log_dir, suite_log_name(short, mode, False))
    listed = zctest_list.cases_or_none(os.path.join(a.suite_elf_dir, f"{short}.elf"))
    excluded = hosted.EXCLUDE.get(short, [])
    if listed:
        listed = [n for n in listed if not any(part in n for part in excluded)]
    boot, error = None, None
    try:
        boot = hosted.run(binary, a.initrd, hosted.suite_args(suite), a.timeout, log_path=log)
    except qemu.HarnessError as e:
        error = str(e)
        _write(log, f"harness: not run: {error}\n")
    r = evaluate_suite(suite, boot.log_text if boot else "", boot, error,
                       load_expect(os.path.join(a.expect_dir, f"{short}.expect")),
                       listed=listed, mode=mode)
    if excluded:
        r.info += f"; excluded on hosted: {', '.join(excluded)}"
    r.log = log
    return r


def suite_modes(requested: str, qemu_binary: str, kvm_device: str = "/dev/kvm"):
    """The modes `make test` runs the in-guest suites under, and one line saying why: a forced
    mode alone; for auto, always tcg, and kvm too wherever KVM can be asked for at all, however
    slow (what it checks is correctness under a real CPU's rules, not speed)."""
    if requested != "auto":
        return [qemu.select_mode(requested, qemu_binary, kvm_device)], f"{requested} (asked for)"
    ok, why = qemu.kvm_available(qemu_binary, kvm_device)
    if ok:
        return ["tcg", "kvm"], "tcg and kvm (/dev/kvm is usable: the suites run under both)"
    return ["tcg"], f"tcg only (no kvm: {why})"


def format_suite(r: SuiteResult) -> List[str]:
    info = f" ({r.info})" if r.info else ""
    skipped = f", {r.skipped} skipped" if r.skipped else ""
    out = [f"{r.kind:<6} {r.name}{info}: {r.passed} passed, {r.failed} failed{skipped}"]
    shown = set()
    for c in r.cases:
        if not c.passed:
            out.append(f"    FAILED {c.name}")
            out.extend(f"        {d}" for d in c.detail[:MAX_DETAIL])
            shown.update(c.detail)
    out.extend(f"    note: {p}" for p in r.problems if p not in shown)
    if (r.failed or r.problems) and r.log:
        out.append(f"    log: {r.log}")
    if r.tail:
        out.append("    serial log ends:")
        out.extend(f"    | {line}" for line in r.tail)
    return out


def area_counts(results: List[SuiteResult]):
    """{area: [passed, failed]}; counts no named test accounts for go to the suite's own name."""
    areas = {}
    for r in results:
        named = [0, 0]
        for c in r.cases:
            areas.setdefault(c.area, [0, 0])[0 if c.passed else 1] += 1
            named[0 if c.passed else 1] += 1
        rest = [max(0, r.passed - named[0]), max(0, r.failed - named[1])]
        if any(rest):
            a = areas.setdefault(r.short, [0, 0])
            a[0] += rest[0]
            a[1] += rest[1]
    return areas


def report(results: List[SuiteResult], out=sys.stdout, extra: List[str] = ()) -> Tuple[int, int]:
    """The closing block: counts per area, the `extra` lines (the core-tests vs zCore table),
    then the totals line, which is the last line."""
    areas = area_counts(results)
    if areas:
        width = max(len(a) for a in areas)
        out.write("By area:\n")
        for a in sorted(areas):
            out.write(f"  {a:<{width}}  {areas[a][0]} passed, {areas[a][1]} failed\n")
    for line in extra:
        out.write(line + "\n")
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    out.write(f"{passed} passed, {failed} failed\n")
    out.flush()
    return passed, failed


def write_summary_json(path: str, results: List[SuiteResult], passed: int, failed: int,
                       smp: int = qemu.DEFAULT_SMP):
    data = {"passed": passed, "failed": failed, "smp": smp, "suites": [
        {"kind": r.kind, "name": r.name, "mode": r.mode, "passed": r.passed, "failed": r.failed,
         "skipped": r.skipped, "problems": r.problems, "log": r.log,
         "failed_cases": [c.name for c in r.cases if not c.passed]} for r in results]}
    _write(path, json.dumps(data, indent=1) + "\n")


def run(a) -> int:
    """`harness test`: returns 0 when everything passed, 1 otherwise."""
    os.makedirs(a.log_dir, exist_ok=True)
    results: List[SuiteResult] = []

    def done(r: SuiteResult):
        results.append(r)
        print("\n".join(format_suite(r)), flush=True)

    for path in a.host_test:
        done(run_host_test(path, a.log_dir, a.timeout))
    if a.pytest:
        done(run_pytest(a.pytest, a.log_dir))
    if a.suite:
        mode_error = None
        try:  # resolve auto once for all suites
            modes, why = suite_modes(a.mode, qemu.find_qemu(a.qemu))
        except qemu.HarnessError as e:
            modes, why, mode_error = [a.mode], str(e), str(e)
        cpus = qemu.cpus_label(smp_of(a))
        print(f"harness: in-guest suites under {why}{cpus}", flush=True)
        for i, mode in enumerate(modes):
            for suite in a.suite:
                print(f"harness: booting zc with init={suite} ({mode}{cpus}) ...", flush=True)
                done(run_suite(suite, a, mode, mode_error, first=i == 0))
    for binary in getattr(a, "hosted", []) or []:
        for suite in a.suite:
            print(f"harness: running {suite} on {binary} ...", flush=True)
            done(run_hosted_suite(suite, a, binary))
    if not results:
        print("harness: nothing to test (no --suite, --host-test or --pytest)")
    modes_run = []
    for r in results:
        if r.kind == "qemu" and r.mode not in modes_run:
            modes_run.append(r.mode)
    if modes_run:
        print(f"harness: in-guest suites ran under {', '.join(modes_run)}"
              f"{qemu.cpus_label(smp_of(a))}", flush=True)
    # The zCore comparison counts each case once: the first mode's run of each suite.
    table_results = [r for r in results if r.kind != "qemu" or r.mode == modes_run[0]]
    passed, failed = report(results, extra=coretests.table(table_results))
    write_summary_json(os.path.join(a.log_dir, "summary.json"), results, passed, failed, smp_of(a))
    return 1 if failed else 0
