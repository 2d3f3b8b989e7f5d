"""harness.dashboard build: which charts and notes the page gets for zero runs, one run, runs
without Linux or with missing labels, and malformed run folders (no browser here)."""

import json
import os
import re
import statistics

from harness import dashboard, perfdata


def page(out):
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        return f.read()


def table_labels(html):
    body = html.split('<tbody>', 1)[1].split('</tbody>', 1)[0]
    return re.findall(r'<tr data-family="[^"]*"><td data-v="([^"]*)"', body)


def test_zero_runs(tmp_path, make_runs):
    out = str(tmp_path / "out")
    info = dashboard.build(make_runs(), out_dir=out)
    assert info["runs"] == 0 and info["latest"] is None and info["charts"] == []
    html = page(out)
    assert "No benchmark run yet" in html and "No kvm run yet" in html
    assert "No host memcpy run yet" in html and "<img" not in html
    assert table_labels(html) == []
    for f in ("style.css", "app.js"):
        assert os.path.isfile(os.path.join(out, f))


def test_runs_folder_missing(tmp_path):
    out = str(tmp_path / "out")
    info = dashboard.build(str(tmp_path / "nowhere"), out_dir=out)
    assert info["runs"] == 0 and "No run folders" in page(out)


def test_one_kvm_run(tmp_path, make_runs):
    runs = make_runs("1111111")
    out = str(tmp_path / "out")
    info = dashboard.build(runs, out_dir=out)
    assert sorted(info["charts"]) == ["history-kvm.png", "limits.png", "linux.png", "vs2020.png"]
    for png in info["charts"]:
        with open(os.path.join(out, png), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    html = page(out)
    name = "20260101-100000-1111111-kvm"
    with open(os.path.join(runs, name, "zc.fuchsiaperf.json")) as f:
        data = json.load(f)
    assert sorted(table_labels(html)) == sorted(e["label"] for e in data)
    null = next(e for e in data if e["label"] == "Syscall/Null")
    row = re.search(r'<tr data-family="Syscall">(.*?)</tr>', html).group(1)
    assert f'data-v="{statistics.median(null["values"]):.6g}"' in row
    # a kvm run: ratios against the 2020 figures, none marked not comparable
    assert 'class="nc"' not in html
    # raw files are copied and linked
    assert f'href="raw/{name}/zc.fuchsiaperf.json"' in html
    assert os.path.isfile(os.path.join(out, "raw", name, "summary.csv"))
    # nothing from the network
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_latest_without_linux_and_not_kvm(tmp_path, make_runs):
    runs = make_runs("1111111", "2222222")
    out = str(tmp_path / "out")
    info = dashboard.build(runs, out_dir=out)
    assert info["latest"].endswith("2222222-tcg") and info["latest_kvm"].endswith("1111111-kvm")
    assert "linux.png" not in info["charts"]
    assert {"vs2020.png", "history-kvm.png", "history-tcg.png"} <= set(info["charts"])
    html = page(out)
    assert "This run has no Linux results" in html and "has no Linux results" in html
    assert 'class="nc"' in html   # Zircon/zCore ratios of a tcg run: not comparable


def test_missing_labels_and_no_summary(tmp_path, make_runs):
    runs = make_runs("3333333", "4444444")
    out = str(tmp_path / "out")
    info = dashboard.build(runs, out_dir=out)
    html = page(out)
    labels = table_labels(html)
    assert not any(l.startswith("Channel/") for l in labels)   # the icount run has none
    # no summary.csv in the icount run: limits come from the label rules
    run = perfdata.load_run(os.path.join(runs, "20260104-100000-4444444-icount"))
    assert perfdata.limit_of(run, "Vmo/Read/128kbytes") == "Limit/Memcpy/128kbytes"
    assert perfdata.limit_of(run, "Event/Signal") == "Syscall/Null"
    assert perfdata.limit_of(run, "Syscall/Null") is None
    assert "limits.png" in info["charts"]
    assert "icount: guest time is an instruction count" in html


def test_only_a_host_run(tmp_path, make_runs):
    out = str(tmp_path / "out")
    info = dashboard.build(make_runs("5555555"), out_dir=out)
    assert info["charts"] == ["memcpy.png"]
    html = page(out)
    assert 'id="memcpy-table"' in html and "No benchmark run yet" in html
    # the thesis's figures beside ours at 128 KiB, 512 KiB and 2 MiB
    assert "(4.24×)" in html and "(5.94×)" in html and "(3.57×)" in html


def test_malformed_runs_are_skipped_and_listed(tmp_path, make_runs):
    runs = make_runs("1111111")
    bad = os.path.join(runs, "20260109-000000-9999999-tcg")
    os.makedirs(bad)
    with open(os.path.join(bad, "zc.fuchsiaperf.json"), "w") as f:
        f.write("[{broken")
    bad_meta = os.path.join(runs, "20260110-000000-8888888-kvm")
    os.makedirs(bad_meta)
    with open(os.path.join(bad_meta, "meta.json"), "w") as f:
        f.write("nope")
    out = str(tmp_path / "out")
    info = dashboard.build(runs, out_dir=out)
    assert info["latest"] == "20260101-100000-1111111-kvm"
    assert len(info["problems"]) == 2
    html = page(out)
    assert "Skipped" in html and "not JSON" in html and "not readable JSON" in html


def test_rebuild_replaces_the_output(tmp_path, make_runs):
    out = str(tmp_path / "out")
    dashboard.build(make_runs("1111111"), out_dir=out)
    assert os.path.exists(os.path.join(out, "vs2020.png"))
    dashboard.build(make_runs(), out_dir=out)
    assert not os.path.exists(os.path.join(out, "vs2020.png"))
