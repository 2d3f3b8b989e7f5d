"""Layers call only down (docs/layers.md): hal/ <- kernel/ <- objects/ <- syscalls/.

Reads the kernel's objects as `make` leaves them (build/kernel/<layer>/*.o; nm reads the LTO
objects through its plugin) and checks that no layer uses a symbol that a layer above it
defines, and that no source includes a header of a layer above. The HAL may call up into
kernel/ only through its contract: the entry points hal/hal.h names (kernel_main,
kernel_timer_interrupt, the frame allocator) and kernel/debug.h's kprintf and panic.
build/host/kernel-core-tests makes the same point for kernel/ by linking it alone."""
import glob
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
# Lowest first; the x86 HAL is the one the kernel image links.
LAYERS = ["hal/x86_64", "kernel", "objects", "syscalls"]
NM = shutil.which("gcc-nm") or shutil.which("nm")


def objects_of(layer):
    objs = sorted(glob.glob(os.path.join(BUILD, "kernel", layer, "*.o")))
    assert objs, f"no objects in {BUILD}/kernel/{layer}: run make first"
    return objs


def symbols(layer):
    """(defined, undefined) global symbols of a layer's objects."""
    out = subprocess.run([NM, "-g"] + objects_of(layer), capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
        elif len(f) == 3:
            defined.add(f[2])
    return defined, undefined


@pytest.fixture(scope="module")
def syms():
    return {layer: symbols(layer) for layer in LAYERS}


def declared_in(path):
    text = open(os.path.join(ROOT, path)).read()
    return set(re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", text))


@pytest.mark.parametrize("lower", LAYERS[1:-1])
def test_no_layer_uses_a_symbol_of_a_layer_above(syms, lower):
    _, undefined = syms[lower]
    for upper in LAYERS[LAYERS.index(lower) + 1:]:
        up = sorted(undefined & syms[upper][0])
        assert not up, f"{lower}/ uses what {upper}/ defines: {', '.join(up)}"


def test_hal_calls_up_only_through_its_contract(syms):
    _, undefined = syms["hal/x86_64"]
    for upper in ("objects", "syscalls"):
        up = sorted(undefined & syms[upper][0])
        assert not up, f"hal/ uses what {upper}/ defines: {', '.join(up)}"
    contract = declared_in("hal/hal.h") | declared_in("kernel/debug.h")
    into_kernel = undefined & syms["kernel"][0]
    assert into_kernel, "hal/ calls nothing of kernel/: the objects are not what this test expects"
    beyond = sorted(into_kernel - contract)
    assert not beyond, f"hal/ calls kernel/ outside hal/hal.h and kernel/debug.h: {', '.join(beyond)}"


def test_the_check_sees_calls_between_layers(syms):
    # A layer above does use the ones below: the symbol sets are real, not empty.
    assert syms["syscalls"][1] & syms["objects"][0]
    assert syms["objects"][1] & syms["kernel"][0]
    assert syms["kernel"][1] & syms["hal/x86_64"][0]


INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_no_source_includes_a_header_of_a_layer_above(layer):
    top = layer.split("/")[0]
    above = {l.split("/")[0] for l in LAYERS[LAYERS.index(layer) + 1:]}
    if top == "hal":
        above.discard("kernel")  # kernel/debug.h: kprintf and panic (see the module's comment)
    bad = []
    for path in sorted(glob.glob(os.path.join(ROOT, layer, "*.[chS]"))):
        for inc in INCLUDE.findall(open(path).read()):
            if inc in above:
                bad.append(f"{os.path.relpath(path, ROOT)}: {inc}/")
    assert not bad, "includes from a layer above: " + "; ".join(bad)


def test_hal_includes_of_kernel_are_debug_only():
    bad = []
    for path in sorted(glob.glob(os.path.join(ROOT, "hal", "*", "*.[chS]"))):
        for inc in re.findall(r'^\s*#\s*include\s+"(kernel/[^"]+)"', open(path).read(), re.M):
            if inc != "kernel/debug.h":
                bad.append(f"{os.path.relpath(path, ROOT)}: {inc}")
    assert not bad, "hal/ includes kernel/ headers beyond kernel/debug.h: " + "; ".join(bad)
