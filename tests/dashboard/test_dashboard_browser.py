"""The dashboard in a real browser: headless Chromium over the DevTools protocol loads the page
from `harness.dashboard serve` (what `make view` runs) and checks that no JavaScript error
happens, every chart image loaded, the table has one row per label of the latest run, and that
sorting and filtering work. A screenshot goes to build/dashboard-test/."""

import json
import os
import re

import pytest

from harness import dashboard, perfdata

LATEST_FULL = "20260104-100000-4444444-icount"


def labels_of(runs_dir, run_name):
    with open(os.path.join(runs_dir, run_name, "zc.fuchsiaperf.json")) as f:
        return [e["label"] for e in json.load(f)]


STATE_JS = r"""(() => {
  const t = document.getElementById('labels-table');
  const body = t.tBodies[0];
  return {
    images: Array.from(document.images).map(i => ({src: i.getAttribute('src'),
                                                  complete: i.complete, width: i.naturalWidth})),
    rows: body.rows.length,
    labels: Array.from(body.rows).map(r => r.cells[0].getAttribute('data-v')),
    count: document.getElementById('count').textContent,
    api: typeof window.zcDashboard,
    notes: Array.from(document.querySelectorAll('.note')).map(n => n.textContent),
  };
})()"""

SORT_JS = r"""((key) => {
  const hs = Array.from(document.querySelectorAll('#labels-table thead th'));
  const col = hs.findIndex(h => h.dataset.key === key);
  const read = () => Array.from(document.querySelectorAll('#labels-table tbody tr'))
      .map(r => r.cells[col].getAttribute('data-v'));
  hs[col].click();
  const asc = {values: read(), cls: hs[col].className};
  hs[col].click();
  const desc = {values: read(), cls: hs[col].className};
  return {asc, desc};
})"""

FILTER_JS = r"""((text, family) => {
  const box = document.getElementById('filter');
  const fam = document.getElementById('family');
  box.value = text;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  fam.value = family;
  fam.dispatchEvent(new Event('change', {bubbles: true}));
  const shown = Array.from(document.querySelectorAll('#labels-table tbody tr'))
      .filter(r => r.style.display !== 'none').map(r => r.cells[0].getAttribute('data-v'));
  return {shown, count: document.getElementById('count').textContent,
          invalid: box.classList.contains('invalid')};
})"""


def check_page(browser, url, expected_labels, screenshot=None):
    browser.open(url)
    state = browser.evaluate(STATE_JS)
    errors = browser.errors()
    assert not errors, "JavaScript errors or failed loads:\n" + "\n".join(errors)
    assert state["api"] == "object", "app.js did not run"
    for img in state["images"]:
        assert img["complete"] and img["width"] > 0, f"chart image did not load: {img['src']}"
    assert state["rows"] == len(expected_labels)
    assert sorted(state["labels"]) == sorted(expected_labels)
    assert state["count"] == f"{len(expected_labels)} of {len(expected_labels)} labels"
    # nothing from the network: every request goes to the dashboard's own server
    outside = [u for u in browser.requests() if not u.startswith(url) and
               not u.startswith("data:")]
    assert not outside, f"requests outside the page's origin: {outside}"
    if screenshot:
        browser.screenshot(screenshot)
        assert os.path.getsize(screenshot) > 10000
    return state


def numbers(values):
    return [float(v) for v in values if v not in (None, "")]


def exercise_sort_and_filter(browser, labels):
    r = browser.evaluate(f"({SORT_JS})('zc')")
    asc, desc = numbers(r["asc"]["values"]), numbers(r["desc"]["values"])
    assert asc == sorted(asc) and len(asc) == len(labels)
    assert desc == sorted(desc, reverse=True)
    assert r["asc"]["cls"] == "asc" and r["desc"]["cls"] == "desc"

    r = browser.evaluate(f"({SORT_JS})('label')")
    assert r["asc"]["values"] == sorted(labels, key=lambda s: s.lower()) or \
        r["asc"]["values"] == sorted(labels)
    assert r["desc"]["values"] == list(reversed(r["asc"]["values"]))

    # empty cells sort last both ways (zc/Linux is empty for Limit/* etc. in some runs)
    r = browser.evaluate(f"({SORT_JS})('zc_limit')")
    for way in ("asc", "desc"):
        vals = r[way]["values"]
        filled = [v for v in vals if v not in (None, "")]
        assert vals[:len(filled)] == filled

    for text, family in (("vmo/read", ""), ("/^Vmo\\/(Read|Write)\\//", ""),
                         ("", "Vmo"), ("close", "HandleCreate"), ("no-such-label", "")):
        r = browser.evaluate(f"({FILTER_JS})({json.dumps(text)}, {json.dumps(family)})")
        if text.startswith("/"):
            pat = re.compile(text[1:-1])
            want = [l for l in labels if pat.search(l)]
        else:
            want = [l for l in labels if text.lower() in l.lower()]
        if family:
            want = [l for l in want if perfdata.family(l) == family]
        assert sorted(r["shown"]) == sorted(want), (text, family)
        assert r["count"] == f"{len(want)} of {len(labels)} labels"
    r = browser.evaluate(f"({FILTER_JS})('/[unclosed/', '')")
    assert r["invalid"] and len(r["shown"]) == len(labels)
    r = browser.evaluate(f"({FILTER_JS})('', '')")
    assert len(r["shown"]) == len(labels)
    errors = browser.errors()
    assert not errors, "JavaScript errors while sorting/filtering:\n" + "\n".join(errors)


def test_all_fixture_runs(browser, make_runs, serve, tmp_path, screenshot_path):
    runs = make_runs("1111111", "2222222", "3333333", "4444444", "5555555")
    out = str(tmp_path / "out")
    info = dashboard.build(runs, out_dir=out)
    assert info["latest"] == LATEST_FULL and info["latest_kvm"].endswith("3333333-kvm")
    url = serve(out)
    labels = labels_of(runs, LATEST_FULL)
    state = check_page(browser, url, labels, screenshot_path("dashboard.png"))
    srcs = sorted(i["src"] for i in state["images"])
    assert srcs == ["history-icount.png", "history-kvm.png", "history-tcg.png", "limits.png",
                    "linux.png", "memcpy.png", "vs2020.png"]
    exercise_sort_and_filter(browser, labels)
    # a raw file link works
    body = browser.evaluate("fetch('raw/%s/meta.json').then(r => r.json())" % LATEST_FULL,
                            await_promise=True)
    assert body["mode"] == "icount"


def test_zero_runs(browser, make_runs, serve, tmp_path, screenshot_path):
    out = str(tmp_path / "out")
    dashboard.build(make_runs(), out_dir=out)
    state = check_page(browser, serve(out), [], screenshot_path("dashboard-empty.png"))
    assert state["images"] == []
    assert any("No benchmark run yet" in n for n in state["notes"])
    assert any("No kvm run yet" in n for n in state["notes"])


def test_one_run(browser, make_runs, serve, tmp_path):
    runs = make_runs("1111111")
    out = str(tmp_path / "out")
    dashboard.build(runs, out_dir=out)
    labels = labels_of(runs, "20260101-100000-1111111-kvm")
    state = check_page(browser, serve(out), labels)
    assert sorted(i["src"] for i in state["images"]) == \
        ["history-kvm.png", "limits.png", "linux.png", "vs2020.png"]
    exercise_sort_and_filter(browser, labels)


def test_latest_run_without_linux(browser, make_runs, serve, tmp_path):
    runs = make_runs("1111111", "2222222")
    out = str(tmp_path / "out")
    dashboard.build(runs, out_dir=out)
    labels = labels_of(runs, "20260102-100000-2222222-tcg")
    state = check_page(browser, serve(out), labels)
    assert any("has no Linux results" in n for n in state["notes"])
    assert "linux.png" not in [i["src"] for i in state["images"]]
    n_c = browser.evaluate("document.querySelectorAll('#labels-table td.nc').length")
    assert n_c > 0  # Zircon/zCore ratios of a tcg run are marked not comparable


def test_the_checks_catch_errors(browser, serve, tmp_path):
    """The checker itself: a page with a script error and a broken image must be caught."""
    out = tmp_path / "broken"
    out.mkdir()
    (out / "index.html").write_text(
        '<!DOCTYPE html><html><body><img src="missing.png">'
        '<table id="labels-table"><thead><tr><th>label</th></tr></thead><tbody></tbody></table>'
        '<span id="count"></span><script>undefinedFunction();</script></body></html>')
    url = serve(str(out))
    browser.open(url)
    errors = browser.errors()
    assert any("undefinedFunction" in e for e in errors), errors
    assert any("404" in e for e in errors), errors
    with pytest.raises(AssertionError):
        check_page(browser, url, [])


def test_error_bars_and_the_verdict(browser, serve, tmp_path, screenshot_path):
    # A run as make bench writes it now: 3 boots per system, so summary.csv has the 95%
    # intervals and verdict.json the targets with theirs.
    import random
    from harness import bench
    rng = random.Random(7)
    centres = {"Syscall/Null": (300, 500), "Event/Signal": (400, 380),
               "Channel/WriteRead/64bytes/0handles": (1500, 9000),
               "Limit/Memcpy/2048kbytes": (600000, 900000),
               "Vmo/Read/2048kbytes": (650000, 1200000)}
    boots = {s: [{l: bench.Entry(l, [c[i] * (1 + b * 0.03) * (1 + rng.gauss(0, 0.02))
                                     for _ in range(30)])
                  for l, c in centres.items()} for b in range(3)]
             for i, s in enumerate(("zc", "linux"))}
    merged = {s: bench.merge_boots([list(b.values()) for b in boots[s]]) for s in boots}
    run = tmp_path / "runs" / "20260201-100000-abcdef0-tcg"
    run.mkdir(parents=True)
    for s in ("zc", "linux"):
        bench.write_fuchsiaperf(str(run / f"{s}.fuchsiaperf.json"),
                                bench.to_json(merged[s], bench.SUITES[s]))
    bench.write_summary_csv(str(run / "summary.csv"),
                            bench.summary_rows(merged["zc"], merged["linux"], {}, boots))
    verdict = bench.compute_verdict(merged["zc"], merged["linux"], boots)
    bench.write_json(str(run / "verdict.json"), verdict)
    (run / "meta.json").write_text(json.dumps({"commit": "abcdef0", "mode": "tcg"}))
    out = str(tmp_path / "out")
    info = dashboard.build(str(tmp_path / "runs"), out_dir=out)
    assert info["error_bars"]["linux"] == len(centres)
    url = serve(out)
    check_page(browser, url, list(centres), screenshot_path("dashboard-verdict.png"))
    table = browser.evaluate(r"""(() => Array.from(
        document.querySelectorAll('#verdict-table tbody tr')).map(
        r => Array.from(r.cells).map(c => c.textContent)))()""")
    targets = [r for r in table if len(r) == 2]
    assert [r[1] for r in targets] == [t["status"] for t in verdict["targets"]]
    rows = {r[0]: r for r in table if len(r) == 7}
    assert rows["Syscall/Null"][6] == "met" and rows["Syscall/Null"][4].startswith("[")
    assert rows["Event/Signal"][6] in ("not met", "inconclusive")
    assert "error bars: 95% confidence intervals of 5 ratios" in browser.evaluate(
        "document.getElementById('chart-linux').textContent")
