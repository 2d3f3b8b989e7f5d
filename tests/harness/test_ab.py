"""harness.ab: in-boot ratios, the comparison, and clear errors for bad input."""
import os

import pytest

from harness import ab


def test_in_boot_ratios_divide_by_the_base_of_the_same_boot():
    med = {"Syscall/Null": 200.0, "Channel/X": 500.0, "Other": 1.0}
    assert ab.in_boot_ratios(med, ["Channel/X"], "Syscall/Null", "boot") == {"Channel/X": 2.5}


def test_in_boot_ratios_name_what_is_missing():
    with pytest.raises(ab.AbError, match="base label Syscall/Null"):
        ab.in_boot_ratios({"Channel/X": 1.0}, ["Channel/X"], "Syscall/Null", "a-1.log")
    with pytest.raises(ab.AbError, match="label Channel/Y is not in its results"):
        ab.in_boot_ratios({"Syscall/Null": 1.0}, ["Channel/Y"], "Syscall/Null", "a-1.log")
    with pytest.raises(ab.AbError, match="median of 0"):
        ab.in_boot_ratios({"Syscall/Null": 0.0, "Channel/X": 1.0}, ["Channel/X"], "Syscall/Null", "a-1.log")


def test_compare_reports_medians_change_and_a_one_sided_p():
    a = [2.2, 2.3, 2.1, 2.25, 2.4, 2.2, 2.35, 2.15]
    b = [1.9, 2.0, 1.95, 1.85, 2.05, 1.9, 2.0, 1.92]
    c = ab.compare(a, b, "down")
    assert c["a"] == pytest.approx(2.225)
    assert c["b"] == pytest.approx(1.935)
    assert c["change"] == pytest.approx(1.935 / 2.225 - 1)
    assert c["p"] < 0.01
    # Tested the other way, the same samples give no evidence.
    assert ab.compare(a, b, "up")["p"] > 0.9


def test_compare_needs_two_boots_of_each():
    with pytest.raises(ab.AbError, match="two boots"):
        ab.compare([1.0], [1.0, 2.0], "down")


def test_build_files_names_the_missing_file(tmp_path):
    with pytest.raises(ab.AbError, match="no kernel"):
        ab.build_files(str(tmp_path))
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel" / "zc.elf").write_bytes(b"\x7fELF")
    with pytest.raises(ab.AbError, match="no initrd"):
        ab.build_files(str(tmp_path))
    (tmp_path / "bootfs.cpio").write_bytes(b"")
    files = ab.build_files(str(tmp_path))
    assert files["kernel"] == os.path.join(str(tmp_path), "kernel", "zc.elf")


def test_main_rejects_bad_arguments_with_a_message(tmp_path, capsys):
    assert ab.main(["--a", str(tmp_path), "--b", str(tmp_path), "--label", "Channel/X"]) == 2
    assert "no kernel" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        ab.main(["--a", "x", "--b", "y", "--label", "Syscall/Null"])  # the base as a label
    with pytest.raises(SystemExit):
        ab.main(["--a", "x", "--b", "y", "--label", "L", "--boots", "1"])
