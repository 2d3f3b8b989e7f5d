"""harness/perftargets.py: issue 18's targets from icount figures."""
from harness import perftargets as pt


def zc_linux():
    zc = {"Syscall/Null": [119, 119, 120], "Event/Signal": [180, 180, 181],
          "Channel/WriteRead/64bytes/0handles": [899] * 3, "Port/QueueWait.queue": [170] * 3,
          "Mmu/MapUnmap.map": [52000] * 3, "Vmo/Read/2048kbytes": [294742] * 3,
          "Limit/Memcpy/2048kbytes": [262233] * 3, "Vmo/Write/2048kbytes": [280000] * 3,
          "Socket/WriteRead/65536bytes": [24000] * 3}
    linux = {"Syscall/Null": [300] * 3, "Event/Signal": [700] * 3,
             "Channel/WriteRead/64bytes/0handles": [5700] * 3, "Port/QueueWait.queue": [1300] * 3,
             "Mmu/MapUnmap.map": [266000] * 3, "Socket/WriteRead/65536bytes": [30000] * 3}
    return zc, linux


def by_target(rows):
    return {r.target.split(" ")[0]: r for r in rows}


def test_bounds_relative_to_null_and_linux():
    zc, linux = zc_linux()
    rows = by_target(pt.evaluate(zc, linux, bulk=lambda l: "65536" in l))
    assert rows["Syscall/Null"].result == "met"  # [119, 120] <= 120
    assert rows["Event/Signal"].result == "inconclusive"  # 1.5 x [119, 120] = [178.5, 180]
    assert rows["Channel/WriteRead/64bytes/0handles"].result == "not met"  # 899 > 3 x 120
    assert rows["Port/QueueWait.queue"].result == "met"  # 170 < 1.5 x 119
    assert rows["Mmu/MapUnmap.map"].result == "met"
    assert rows["Vmo/Read/2048kbytes"].result == "not met"  # 1.124 x memcpy
    assert rows["Vmo/Write/2048kbytes"].result == "met"  # 1.068 x memcpy
    assert rows["Vmo/Write/2048kbytes"].figure.median < 1.1


def test_missing_labels_are_not_measured_and_bulk_is_left_out():
    zc, linux = zc_linux()
    rows = pt.evaluate(zc, linux, bulk=lambda l: "65536" in l)
    missing = by_target(rows)["Channel/WriteRead/64bytes/1handles"]
    assert missing.result == "not measured"
    last = rows[-1]
    assert "5 of 5 met" in last.target  # Null, Signal, Channel, QueueWait, Mmu; Socket is bulk
    assert last.result == "met"


def test_table_and_csv_render():
    zc, linux = zc_linux()
    rows = pt.evaluate(zc, linux)
    assert len(pt.table_rows(rows)) == len(rows) == len(pt.csv_records(rows))
