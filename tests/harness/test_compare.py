"""`harness compare RUN_A RUN_B`: exact verdicts on known inputs, the exit status, and clear errors
for missing runs, mismatched modes and malformed files."""

import json
import os

import pytest

from harness import compare, perfdata

A = {
    "Fast": [100, 101, 102, 103, 104],
    "Slow": [100, 101, 102, 103, 104],
    "Same": [100, 101, 102, 103, 104],
    "TinyEffect": [100.0, 100.1, 100.2, 100.3, 100.4],
    "Exact": [500, 500, 500],
    "ExactSame": [500, 500, 500],
    "FewRuns": [100, 101, 102],
    "OnlyA": [1, 2, 3],
}
B = {
    "Fast": [90, 91, 92, 93, 94],            # -9.8%, fully separated: p = 2/252
    "Slow": [110, 111, 112, 113, 114],       # +9.8%, fully separated
    "Same": [100.5, 101.5, 102.5, 99.5, 103.5],  # overlapping: no significant difference
    "TinyEffect": [100.6, 100.7, 100.8, 100.9, 101.0],  # significant but +0.5% < 1%
    "Exact": [520, 520, 520],                # icount-like: no spread, +4%: slower
    "ExactSame": [500, 500, 500],
    "FewRuns": [110, 111, 112],              # +9.8% but 3 runs each: p = 0.1
    "OnlyB": [4, 5, 6],
}
EXPECTED = {
    "Fast": "faster", "Slow": "slower", "Same": "no significant difference",
    "TinyEffect": "no significant difference", "Exact": "slower",
    "ExactSame": "no significant difference", "FewRuns": "no significant difference",
}


def write_run(root, name, data, mode="tcg", linux=None, meta=True):
    d = root / name
    d.mkdir(parents=True)
    (d / "zc.fuchsiaperf.json").write_text(json.dumps(
        [{"label": l, "test_suite": "fuchsia.microbenchmarks", "unit": "nanoseconds",
          "values": v} for l, v in data.items()]))
    if linux is not None:
        (d / "linux.fuchsiaperf.json").write_text(json.dumps(
            [{"label": l, "test_suite": "linux.microbenchmarks", "unit": "nanoseconds",
              "values": v} for l, v in linux.items()]))
    if meta:
        (d / "meta.json").write_text(json.dumps({"commit": name.split("-")[2], "mode": mode,
                                                 "dirty": False, "commit_subject": "s"}))
    return str(d)


@pytest.fixture
def runs(tmp_path):
    root = tmp_path / "runs"
    a = write_run(root, "20260101-000000-aaaaaaa-tcg", A)
    b = write_run(root, "20260102-000000-bbbbbbb-tcg", B)
    return str(root), a, b


def test_exact_verdicts(runs):
    _, a, b = runs
    c = compare.compare_runs(a, b)
    got = {r.label: r.verdict for r in c.rows}
    assert got == EXPECTED
    rows = {r.label: r for r in c.rows}
    assert rows["Fast"].p == pytest.approx(2 / 252)
    assert rows["FewRuns"].p == pytest.approx(0.1)
    assert rows["Fast"].ratio == pytest.approx(92 / 102)
    assert rows["Slow"].a_median == 102 and rows["Slow"].b_median == 112
    assert rows["Exact"].exact and rows["Exact"].ratio == pytest.approx(1.04)
    assert c.only_a == ["OnlyA"] and c.only_b == ["OnlyB"]
    assert [r.label for r in c.slower_beyond()] == ["Slow", "Exact"]
    assert c.counts() == {"faster": 1, "slower": 2, "no significant difference": 4}


def test_judge_edges():
    # exactly the minimum effect counts; just under does not
    assert compare.judge("x", [100] * 3, [101] * 3).verdict == "slower"
    assert compare.judge("x", [100] * 3, [100.9] * 3).verdict == "no significant difference"
    assert compare.judge("x", [100] * 3, [99] * 3).verdict == "faster"
    assert compare.judge("x", [100], [200]).verdict == "slower"   # one value each: exact
    r = compare.judge("x", [100, 101], [200, 201])                # spread, 2 values: p = 1/3
    assert r.verdict == "no significant difference" and r.p == pytest.approx(1 / 3)


def test_cli_exit_status_and_output(runs, run_harness):
    root, a, b = runs
    r = run_harness("compare", a, b)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert any(l.startswith("Fast ") and l.endswith("faster") for l in lines), r.stdout
    assert any(l.startswith("Slow ") and "slower !" in l for l in lines), r.stdout
    assert "compare: 1 faster, 2 slower, 4 no significant difference" in r.stdout
    assert "compare: FAIL: 2 slower by more than 1%: Slow (+9.8%), Exact (+4.0%)" in r.stdout
    assert "only in A (1): OnlyA" in r.stdout and "only in B (1): OnlyB" in r.stdout
    # a threshold above both slowdowns: nothing fails, the verdicts stay
    r = run_harness("compare", a, b, "--threshold", "10")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 slower" in r.stdout and "FAIL" not in r.stdout
    # B against A: the slowdowns become speedups, Fast becomes slower
    r = run_harness("compare", b, a, "--filter", "^(Fast|Slow)$")
    assert r.returncode == 1 and "1 faster, 1 slower, 0 no significant" in r.stdout
    r = run_harness("compare", a, a)
    assert r.returncode == 0 and "0 faster, 0 slower, 8 no significant difference" in r.stdout


def test_runs_by_name_commit_and_latest(runs, tmp_path):
    root, a, b = runs
    assert perfdata.resolve_run("aaaaaaa", root) == a
    assert perfdata.resolve_run("20260102-000000-bbbbbbb-tcg", root) == b
    assert perfdata.resolve_run("latest", root) == b
    assert perfdata.resolve_run("latest-1", root) == a
    j = tmp_path / "out.json"
    assert compare.main(["--runs-dir", root, "aaaa", "bbbb", "--json", str(j)]) == 1
    data = json.loads(j.read_text())
    assert data["counts"]["slower"] == 2 and data["slower_beyond_threshold"] == ["Slow", "Exact"]
    with pytest.raises(perfdata.RunError, match="only 2 benchmark runs"):
        perfdata.resolve_run("latest-2", root)


def test_linux_side(tmp_path):
    a = write_run(tmp_path, "20260101-000000-aaaaaaa-kvm", {"X": [1, 2, 3]}, mode="kvm",
                  linux={"X": [10, 10, 10]})
    b = write_run(tmp_path, "20260102-000000-bbbbbbb-kvm", {"X": [1, 2, 3]}, mode="kvm")
    c = compare.compare_runs(a, a, system="linux")
    assert c.rows[0].verdict == "no significant difference"
    with pytest.raises(perfdata.RunError, match="no linux.fuchsiaperf.json"):
        compare.compare_runs(a, b, system="linux")
    # Linux booted with mitigations=off: its own file
    with open(os.path.join(a, "linux_nomit.fuchsiaperf.json"), "w") as f:
        json.dump([{"label": "X", "test_suite": "linux.microbenchmarks", "unit": "nanoseconds",
                    "values": [5, 5, 5]}], f)
    c = compare.compare_runs(a, a, system="linux_nomit")
    assert c.rows[0].a_median == 5
    with pytest.raises(perfdata.RunError, match="no linux_nomit.fuchsiaperf.json"):
        compare.compare_runs(a, b, system="linux_nomit")


def test_missing_run(runs, run_harness):
    root, a, _ = runs
    r = run_harness("compare", a, os.path.join(root, "20260109-000000-ccccccc-tcg"))
    assert r.returncode == 2
    assert "compare: error:" in r.stderr and "no such run folder" in r.stderr
    r = run_harness("compare", a)
    assert r.returncode == 2 and "RUN_B" in r.stderr


def test_mismatched_modes(tmp_path, run_harness):
    a = write_run(tmp_path, "20260101-000000-aaaaaaa-tcg", A, mode="tcg")
    b = write_run(tmp_path, "20260102-000000-bbbbbbb-kvm", B, mode="kvm")
    r = run_harness("compare", a, b)
    assert r.returncode == 2
    assert "mismatched modes" in r.stderr and "tcg" in r.stderr and "kvm" in r.stderr
    # the mode comes from the folder name when meta.json is missing
    c = write_run(tmp_path, "20260103-000000-ccccccc-icount", A, meta=False)
    with pytest.raises(perfdata.RunError, match="is tcg, .* is icount"):
        compare.compare_runs(a, c)
    assert compare.compare_runs(a, b, allow_mode_mismatch=True).rows


@pytest.mark.parametrize("content,message", [
    ("{not json", "not JSON"),
    ('{"label": "x"}', "expected a JSON list"),
    ('[{"values": [1]}]', "entry 0 has no label"),
    ('[{"label": "x", "unit": "nanoseconds"}]', "'x' has no values"),
    ('[{"label": "x", "unit": "nanoseconds", "values": []}]', "'x' has no values"),
    ('[{"label": "x", "unit": "nanoseconds", "values": [1, "2"]}]', "not a number"),
    ('[{"label": "x", "unit": "nanoseconds", "values": [true]}]', "not a number"),
    ('[{"label": "x", "unit": "furlongs", "values": [1]}]', "unit 'furlongs'"),
    ('[17]', "entry 0 is not an object"),
])
def test_malformed_files(tmp_path, runs, run_harness, content, message):
    _, a, _ = runs
    bad = tmp_path / "20260105-000000-ddddddd-tcg"
    bad.mkdir()
    (bad / "zc.fuchsiaperf.json").write_text(content)
    r = run_harness("compare", a, str(bad))
    assert r.returncode == 2, r.stdout
    assert "compare: error:" in r.stderr and message in r.stderr
    assert "zc.fuchsiaperf.json" in r.stderr


def test_malformed_meta_and_host_runs(tmp_path, runs, run_harness):
    _, a, _ = runs
    bad = tmp_path / "20260105-000000-ddddddd-tcg"
    write_run(tmp_path, bad.name, A)
    (bad / "meta.json").write_text("[]")
    r = run_harness("compare", a, str(bad))
    assert r.returncode == 2 and "meta.json" in r.stderr and "expected a JSON object" in r.stderr
    host = tmp_path / "20260106-000000-eeeeeee-host"
    host.mkdir()
    (host / "memcpy.gbench.json").write_text("{}")
    r = run_harness("compare", str(host), str(host))
    assert r.returncode == 2 and "no zc.fuchsiaperf.json (a host memcpy run)" in r.stderr


def test_units_are_converted(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    (d / "zc.fuchsiaperf.json").write_text(json.dumps(
        [{"label": "x", "unit": "microseconds", "values": [1.5]},
         {"label": "x", "unit": "ns", "values": [7]}]))
    assert perfdata.load_fuchsiaperf(str(d / "zc.fuchsiaperf.json")) == {"x": [1500.0, 7.0]}
