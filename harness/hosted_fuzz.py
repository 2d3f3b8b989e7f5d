"""`make fuzz SECONDS=N`: libFuzzer over the hosted kernel (zc-hosted-fuzz, hal/hosted/fuzz,
docs/hosted.md). Runs the fuzzer for N seconds on the corpus (new inputs go to build/fuzz/corpus,
the seeds in the repository are read too), then prints executions per second, the edges reached
and any finding, as a one-case test: the last line is "N passed, N failed", so `make test` runs
a bounded run as one of its host tests.

    python3 -m harness.hosted_fuzz --binary B --initrd I --seconds N [--work DIR]"""

import argparse
import os
import re
import subprocess
import sys
import time

from . import hosted

REPO_FUZZ = "hal/hosted/fuzz"
# The hosted kernel owns these signals (hal/hosted/context.c) and its own hang watch
# (driver.c): libFuzzer must not install handlers for them or arm its SIGALRM timeout.
LIBFUZZER_FLAGS = ["-handle_segv=0", "-handle_bus=0", "-handle_ill=0", "-handle_fpe=0",
                   "-handle_usr1=0", "-handle_usr2=0", "-timeout=0", "-max_len=4096",
                   "-print_final_stats=1", "-reload=0"]
STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.M)
DONE = re.compile(r"^#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/\S+ .*exec/s: (\d+)", re.M)
LAST = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/", re.M)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="hosted_fuzz", description=__doc__.split("\n")[0])
    p.add_argument("--binary", default="build/hosted/zc-hosted-fuzz")
    p.add_argument("--initrd", default="build/bootfs.cpio")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--work", default="build/fuzz", help="corpus/, artifacts/ and the log")
    p.add_argument("extra", nargs="*", help="more libFuzzer flags")
    a = p.parse_args(argv)
    corpus, artifacts = os.path.join(a.work, "corpus"), os.path.join(a.work, "artifacts")
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    log = os.path.join(a.work, "fuzz.log")
    env = dict(os.environ, **hosted.SANITIZER_ENV, ZC_INITRD=os.path.abspath(a.initrd),
               ZC_FUZZ_ARTIFACTS=os.path.abspath(artifacts))
    cmd = [a.binary, f"-max_total_time={a.seconds}", f"-dict={REPO_FUZZ}/zc.dict",
           f"-artifact_prefix={os.path.abspath(artifacts)}/"] + LIBFUZZER_FLAGS + a.extra + \
        [corpus, f"{REPO_FUZZ}/corpus"]
    before = set(os.listdir(artifacts))
    start = time.monotonic()
    print("[ RUN      ] HostedFuzz.Run", flush=True)
    print("fuzz: " + " ".join(cmd), flush=True)
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           stdin=subprocess.DEVNULL, timeout=a.seconds * 2 + 120)
        rc, out = r.returncode, r.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        rc, out = None, (e.stdout or b"").decode("utf-8", "replace")
    took = time.monotonic() - start
    with open(log, "w") as f:
        f.write(out)
    stats = {k: int(v) for k, v in STAT.findall(out)}
    done = DONE.search(out)
    last = LAST.findall(out)
    edges = int(done.group(2)) if done else (int(last[-1][1]) if last else 0)
    execs = stats.get("number_of_executed_units", int(last[-1][0]) if last else 0)
    rate = execs / took if took else 0
    found = sorted(set(os.listdir(artifacts)) - before)
    print(f"fuzz: {execs} inputs in {took:.0f} s ({rate:.0f}/s, libFuzzer's "
          f"{stats.get('average_exec_per_sec', 0)}/s), {edges} edges (kernel coverage), "
          f"corpus {len(os.listdir(corpus))} inputs, peak RSS {stats.get('peak_rss_mb', 0)} MB",
          flush=True)
    problems = []
    if rc is None:
        problems.append(f"the fuzzer did not end within {a.seconds * 2 + 120} s")
    elif rc != 0:
        problems.append(f"the fuzzer exited {rc}")
    for name in found:
        problems.append(f"finding: {os.path.join(artifacts, name)}")
    for line in problems:
        print("fuzz: " + line)
    if problems:
        tail = "\n".join(out.splitlines()[-40:])
        print(f"--- the last lines of {log} ---\n{tail}")
    print(f"[{'  FAILED  ' if problems else '       OK '}] HostedFuzz.Run", flush=True)
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
