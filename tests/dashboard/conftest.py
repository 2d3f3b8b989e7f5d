"""Fixtures for the dashboard tests: fixture run folders, a served dashboard, headless Chromium."""

import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
for p in (ROOT, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)

FIXTURE_RUNS = os.path.join(HERE, "fixtures", "runs")
SCREENSHOT_DIR = os.path.join(ROOT, "build", "dashboard-test")
_screenshots = []


def fixture_run_names():
    return sorted(os.listdir(FIXTURE_RUNS))


@pytest.fixture
def make_runs(tmp_path):
    """make_runs(*names) -> a results/runs-like folder holding copies of those fixture runs
    (names may be a unique part such as "1111111"); make_runs() is an empty one."""
    count = [0]

    def make(*names):
        count[0] += 1
        d = tmp_path / f"runs{count[0]}"
        d.mkdir()
        for n in names:
            hits = [r for r in fixture_run_names() if n in r]
            assert len(hits) == 1, f"fixture run {n!r}: {hits}"
            shutil.copytree(os.path.join(FIXTURE_RUNS, hits[0]), d / hits[0])
        return str(d)
    return make


@pytest.fixture(scope="session")
def chromium():
    from dashboard_browser import find_chromium
    path = find_chromium()
    if not path:
        pytest.fail("chromium not found: the dashboard is tested in a real browser. Install it "
                    "with `make setup` (Debian package chromium, listed in tools/setup.sh) or "
                    "`apt-get install chromium`; $ZC_CHROMIUM names another binary.",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    from dashboard_browser import Browser
    b = Browser(chromium)
    yield b
    b.close()


@pytest.fixture
def serve():
    """serve(out_dir) -> URL: `harness.dashboard serve` (what `make view` runs) on a free port."""
    procs = []

    def start(out_dir):
        proc = subprocess.Popen([sys.executable, "-m", "harness.dashboard", "serve", "--dir",
                                 out_dir], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        procs.append(proc)
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, f"no address in the first line of `harness.dashboard serve`: {line!r}"
        return m.group(0)
    yield start
    for p in procs:
        p.terminate()
        p.wait(timeout=10)
        p.stdout.close()


@pytest.fixture
def screenshot_path():
    def path(name):
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        p = os.path.join(SCREENSHOT_DIR, name)
        _screenshots.append(p)
        print(f"dashboard screenshot: {p}")
        return p
    return path


def pytest_terminal_summary(terminalreporter):
    for p in _screenshots:
        if os.path.exists(p):
            terminalreporter.write_line(f"dashboard screenshot: {os.path.relpath(p, ROOT)}")
