"""harness/stats.py (figures with 95% intervals over boots) and its use by harness/bench.py
(verdict, summary, multi-boot run folders) and harness/compare.py (perfcompare's rule)."""

import json

import numpy as np
import pytest

from harness import bench, compare, stats


def entry(label, values):
    return bench.Entry(label, [float(v) for v in values])


def test_one_boot_without_spread_is_exact():
    e = stats.estimate([[5.0, 5.0, 5.0]], "k")
    assert (e.value, e.low, e.high, e.boots, e.runs) == (5.0, 5.0, 5.0, 1, 3)


def test_the_interval_holds_the_value_and_grows_with_the_spread_between_boots():
    rng = np.random.default_rng(1)
    tight = [list(100 + rng.normal(0, 1, 200)) for _ in range(3)]
    apart = [list(b + rng.normal(0, 1, 200)) for b in (90, 100, 110)]
    t, a = stats.estimate(tight, "t"), stats.estimate(apart, "a")
    assert t.low <= t.value <= t.high and a.low <= a.value <= a.high
    assert a.value == pytest.approx(np.mean([np.median(b) for b in apart]))
    assert (a.high - a.low) > 5 * (t.high - t.low)
    # the same input gives the same interval (seeded by the key)
    again = stats.estimate(apart, "a")
    assert (again.low, again.high) == (a.low, a.high)


def test_judge_needs_the_whole_interval():
    assert stats.judge((0.5, 0.9), 1.0, strict=True) == "met"
    assert stats.judge((1.0, 1.2), 1.0, strict=True) == "not met"
    assert stats.judge((1.0, 1.2), 1.2, strict=False) == "met"
    assert stats.judge((0.9, 1.1), 1.0, strict=True) == "inconclusive"


def test_ratio_interval():
    a = stats.estimate([[10.0] * 5, [12.0] * 5, [14.0] * 5], "a")
    b = stats.estimate([[20.0] * 5], "b")
    value, lo, hi = stats.ratio(a, b)
    assert value == pytest.approx(0.6)
    assert lo == pytest.approx(0.5) and hi == pytest.approx(0.7)
    assert stats.ratio(a, None) is None


def test_boot_interval_is_students_t_over_the_boot_medians():
    m, lo, hi = stats.boot_interval([[9, 10, 11], [11, 12, 13], [13, 14, 15]])
    # medians 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.303
    assert m == 12 and hi - m == pytest.approx(4.303 * 2 / 3 ** 0.5, rel=1e-3)
    assert stats.boot_interval([[1, 2, 3]]) is None
    assert stats.boot_interval([[5, 5], [5, 5]]) == (5, 5, 5)


def test_verdict_over_boots_is_inconclusive_when_the_boots_disagree():
    # Syscall/Null: boots at 80 and 120 against Linux 100: the ratio's interval spans 1
    zc = [{"Syscall/Null": entry("Syscall/Null", [80] * 5)},
          {"Syscall/Null": entry("Syscall/Null", [120] * 5)}]
    linux = [{"Syscall/Null": entry("Syscall/Null", [100] * 5)}]
    merged_zc = bench.merge_boots([list(b.values()) for b in zc])
    assert merged_zc[0].values == [80.0] * 5 + [120.0] * 5
    v = bench.compute_verdict(merged_zc, list(linux[0].values()), {"zc": zc, "linux": linux})
    row = next(t for t in v["targets"] if t["id"] == "4")["rows"][0]
    assert row["label"] == "Syscall/Null" and row["status"] == "inconclusive"
    assert row["ratio_ci"][0] == pytest.approx(0.8) and row["ratio_ci"][1] == pytest.approx(1.2)
    assert row["boots"] == [2, 1] and v["boots"] == {"zc": 2, "linux": 1, "linux_nomit": 0}
    # all boots faster: met
    zc2 = [{"Syscall/Null": entry("Syscall/Null", [x] * 5)} for x in (60, 70, 80)]
    v2 = bench.compute_verdict(bench.merge_boots([list(b.values()) for b in zc2]),
                               list(linux[0].values()), {"zc": zc2, "linux": linux})
    assert next(t for t in v2["targets"] if t["id"] == "4")["rows"][0]["status"] == "met"


def write_boot_run(root, name, boots, mode="tcg"):
    """A run folder as harness.bench writes it with several boots."""
    d = root / name
    (d / "boots").mkdir(parents=True)
    for i, data in enumerate(boots):
        bench.write_fuchsiaperf(str(d / "boots" / f"zc-{i + 1}.fuchsiaperf.json"),
                                bench.to_json([entry(l, v) for l, v in data.items()],
                                              "fuchsia.microbenchmarks"))
    merged = bench.merge_boots([[entry(l, v) for l, v in b.items()] for b in boots])
    bench.write_fuchsiaperf(str(d / "zc.fuchsiaperf.json"),
                            bench.to_json(merged, "fuchsia.microbenchmarks"))
    (d / "meta.json").write_text(json.dumps({"commit": name.split("-")[2], "mode": mode}))
    return str(d)


def noisy_run(rng, labels, shift=None):
    """3 boots; each boot of each label has its own offset (the between-boot spread seen
    under TCG, sd 3%) and 200 runs with 2% noise."""
    shift = shift or {}
    boots = []
    for _ in range(3):
        b = {}
        for l in labels:
            base = 1000 * shift.get(l, 1.0) * (1 + rng.normal(0, 0.03))
            b[l] = list(base * (1 + rng.normal(0, 0.02, 200)))
        boots.append(b)
    return boots


def test_load_boots_reads_what_bench_writes(tmp_path):
    boots = [{"X": [1, 2, 3]}, {"X": [4, 5, 6]}]
    d = write_boot_run(tmp_path, "20260101-000000-aaaaaaa-tcg", boots)
    got = bench.load_boots(d, "zc")
    assert [b["X"].values for b in got] == [[1, 2, 3], [4, 5, 6]]
    assert bench.load_boots(d, "linux") == [{}]


def test_compare_two_runs_of_one_commit_flags_at_most_5_percent(tmp_path):
    rng = np.random.default_rng(12)
    labels = [f"L{i}" for i in range(200)]
    a = write_boot_run(tmp_path, "20260101-000000-aaaaaaa-tcg", noisy_run(rng, labels))
    b = write_boot_run(tmp_path, "20260101-010000-aaaaaaa-tcg", noisy_run(rng, labels))
    c = compare.compare_runs(a, b)
    assert all(r.rule == "boots" for r in c.rows)
    flagged = sum(1 for r in c.rows if r.verdict != compare.SAME)
    assert flagged <= 0.05 * len(labels), flagged
    # the old rule (Mann-Whitney over the pooled runs) flags most of them: the reason
    mw = [compare.judge(l, sum((x[l] for x in noisy_run(rng, [l])), []),
                        sum((x[l] for x in noisy_run(rng, [l])), [])) for l in labels[:40]]
    assert sum(1 for r in mw if r.verdict != compare.SAME) > 0.3 * 40


def test_compare_over_boots_still_finds_a_real_change(tmp_path):
    rng = np.random.default_rng(5)
    labels = ["Same", "Slower"]
    a = write_boot_run(tmp_path, "20260101-000000-aaaaaaa-tcg", noisy_run(rng, labels))
    b = write_boot_run(tmp_path, "20260102-000000-bbbbbbb-tcg",
                       noisy_run(rng, labels, {"Slower": 1.5}))
    rows = {r.label: r for r in compare.compare_runs(a, b).rows}
    assert rows["Slower"].verdict == compare.SLOWER and rows["Same"].verdict == compare.SAME
    assert rows["Slower"].a_ci[1] < rows["Slower"].b_ci[0]
    text = "\n".join(compare.format_comparison(compare.compare_runs(a, b)))
    assert "intervals over boots (perfcompare)" in text


def test_copies_are_judged_against_each_systems_own_memcpy():
    # Linux's copy is 10x slower than zc's in raw time, but so is its memcpy (an emulated
    # `rep movsb`): against their own memcpy both are 1.1x, so zc is not faster.
    zc = [entry("Limit/Memcpy/128kbytes", [1000] * 5), entry("Vmo/Read/128kbytes", [1100] * 5),
          entry("Vmo/Write/2048kbytes", [500] * 5)]
    linux = [entry("Limit/Memcpy/128kbytes", [10000] * 5),
             entry("Vmo/Read/128kbytes", [11000] * 5), entry("Vmo/Write/2048kbytes", [900] * 5)]
    v = bench.compute_verdict(zc, linux)
    rows = {r["label"]: r for t in v["targets"] if t["id"] == "4" for r in t["rows"]}
    read = rows["Vmo/Read/128kbytes"]
    assert read["raw_ratio"] == pytest.approx(0.1) and read["ratio"] == pytest.approx(1.0)
    assert read["status"] == "not met" and "own" not in read["note"] and "Limit/Memcpy" in \
        read["note"]
    # without the memcpy of its size a copy has no verdict, whatever its raw ratio
    assert rows["Vmo/Write/2048kbytes"]["status"] == "no data"
    summary = {r["label"]: r for r in bench.summary_rows(zc, linux, {})}
    assert summary["Vmo/Read/128kbytes"]["copy_ratio"] == "1.000"
    assert summary["Vmo/Write/2048kbytes"]["copy_ratio"] == ""
    text = bench.report(zc, linux, "icount", {}, v)
    path = text.split("== path length (icount)")[1].split("==")[0]
    assert "Vmo/Read" not in path and "Limit/Memcpy" not in path
    assert "(copy, vs own memcpy)" in text


def test_path_length_lists_calls_with_their_instruction_counts():
    zc = [entry("Syscall/Null", [200] * 3), entry("Channel/WriteRead/64bytes/1handles", [900])]
    linux = [entry("Syscall/Null", [300] * 3),
             entry("Channel/WriteRead/64bytes/1handles", [3000])]
    text = bench.report(zc, linux, "icount", {}, bench.compute_verdict(zc, linux))
    path = text.split("== path length (icount)")[1].split("\n==")[0]
    assert ["Syscall/Null", "200", "300", "0.67"] in [l.split() for l in path.splitlines()]
    assert "NOT EQUAL WORK" in path
    assert bench._bulk_message("Channel/WriteRead/65536bytes/0handles.write")
    assert bench._bulk_message("Socket/WriteRead/32768bytes.read")
    assert not bench._bulk_message("Channel/WriteRead/1024bytes/1handles")
    assert not bench._bulk_message("Fifo/WriteRead/16bytes_4batch.read")
    assert "== path length" not in bench.report(zc, linux, "tcg", {},
                                                bench.compute_verdict(zc, linux))


def test_linux_with_mitigations_off_gets_its_own_target_and_columns():
    zc = [entry("Syscall/Null", [50] * 5)]
    shipped = [entry("Syscall/Null", [100] * 5)]
    nomit = [entry("Syscall/Null", [40] * 5)]
    boots = {"zc": [bench.as_dict(zc)], "linux": [bench.as_dict(shipped)],
             "linux_nomit": [bench.as_dict(nomit)]}
    v = bench.compute_verdict(zc, shipped, boots)
    by_id = {t["id"]: t for t in v["targets"]}
    assert by_id["4"]["rows"][0]["status"] == "met"                   # 50 vs 100
    assert by_id["4m"]["rows"][0]["status"] == "not met"              # 50 vs 40
    assert by_id["4m"]["rows"][0]["reference"] == "linux_nomit Syscall/Null"
    row = bench.summary_rows(zc, shipped, {}, boots)[0]
    assert (row["zc_over_linux"], row["zc_over_linux_nomit"]) == ("0.500", "1.250")
    text = bench.report(zc, shipped, "tcg", {}, v, boots=boots, mitigations={
        "zc": bench.ZC_MITIGATIONS, "linux": {"spectre_v2": "Mitigation: Retpolines"},
        "linux_nomit": {"spectre_v2": "Vulnerable"}})
    assert "mitigations=off" in text and "linux: spectre_v2: Mitigation: Retpolines" in text
    assert "zc: (all): none" in text
    # a run without the second Linux has no 4m target at all
    assert "4m" not in {t["id"] for t in bench.compute_verdict(zc, shipped)["targets"]}
    log = "linux-bench: vulnerability meltdown: Mitigation: PTI\r\nother\n"
    assert dict(bench.VULNERABILITY.findall(log)) == {"meltdown": "Mitigation: PTI"}
