"""syscalls/gen_syscalls.py: the def's handle specs become the kernel's checks.

The end-to-end proof that an edited right changes what a call does is the host unit test
kernel-unit-tests-defedit (tests/host/test_def_rights.c); these check the generator and the
handlers' side of the contract quickly."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "syscalls"))
import gen_syscalls  # noqa: E402

DEF = os.path.join(ROOT, "syscalls", "syscalls.def")
GEN = os.path.join(ROOT, "syscalls", "gen_syscalls.py")


def generate(def_text, tmp_path, name):
    d = tmp_path / name
    d.mkdir()
    (d / "syscalls.def").write_text(def_text)
    subprocess.run([sys.executable, GEN, str(d / "syscalls.def"), str(d / "gen")], check=True,
                   capture_output=True)
    return d / "gen"


def function(text, name):
    """The body of C function `name` in generated text."""
    m = re.search(r"\b%s\((.*?)\n}\n" % re.escape(name), text, re.S)
    assert m, "no function %s" % name
    return m.group(1)


def test_editing_a_right_changes_the_generated_lookup(tmp_path):
    text = open(DEF).read()
    line = "syscall vmo_write(handle<vmo:WRITE> handle,"
    assert line in text
    stock = generate(text, tmp_path, "stock")
    edited = generate(text.replace(line, "syscall vmo_write(handle<vmo:WRITE|MAP> handle,"),
                      tmp_path, "edited")
    before = function((stock / "syscalls/sys_lookups.h").read_text(),
                      "lookup_vmo_write_handle_rights")
    after = function((edited / "syscalls/sys_lookups.h").read_text(),
                     "lookup_vmo_write_handle_rights")
    assert "get_vmo_rights(h, ZX_RIGHT_WRITE, out, have)" in before
    assert "get_vmo_rights(h, ZX_RIGHT_WRITE | ZX_RIGHT_MAP, out, have)" in after


def test_a_consumed_handle_is_taken_and_dropped_by_the_decoder(tmp_path):
    gen = generate(open(DEF).read(), tmp_path, "stock")
    table = (gen / "syscalls/sys_table.c").read_text()
    body = function(table, "d_handle_replace")
    take = body.index("consume_handle(&c0, (zx_handle_t)a[0], 0, 0, false);")
    call = body.index("sys_handle_replace(&c0,")
    drop = body.index("consumed_drop(&c0);")
    assert take < call < drop
    # process_start's arg1: handle?<any:TRANSFER,release>
    assert ("consume_handle(&c4, (zx_handle_t)a[4], 0, ZX_RIGHT_TRANSFER, true);"
            in function(table, "d_process_start"))
    decls = (gen / "syscalls/sys_decls.h").read_text()
    assert "int64_t sys_handle_close(struct consumed_handle *handle);" in decls


def test_spec_forms(tmp_path):
    sc = gen_syscalls.parse_line(
        "syscall f(handle<vmo:(op)> h, uint32_t op, handle?<thread> t, handle<job|process:WAIT> "
        "j, handle any, out?<size_t> actual) -> zx_status_t")
    h, _, t, j, anyh, actual = sc.args
    assert h.rights_arg == "op" and h.handle == (["vmo"], [], False)
    assert t.optional and t.handle == (["thread"], [], False)
    assert j.handle == (["job", "process"], ["WAIT"], False)
    assert anyh.spec is False
    assert actual.optional and actual.kernel_type() == "user_out_opt_ptr"
    lookups = gen_syscalls.gen_lookups(sc)
    flat = " ".join(lookups.replace("(", "( ").split()).replace("( ", "(")
    assert "lookup_f_h(zx_handle_t h, zx_rights_t rights, struct vmo **out)" in flat
    assert "lookup_f_t(zx_handle_t h, struct thread **out)" in flat
    assert "if (h == ZX_HANDLE_INVALID)" in function(lookups, "lookup_f_t_rights")
    assert "get_one_of(h, types, ZX_RIGHT_WAIT, out, have)" in function(lookups, "lookup_f_j_rights")
    assert ("lookup_f_any(zx_handle_t h, uint32_t type, zx_rights_t rights, struct kobj **out)"
            in flat)


@pytest.mark.parametrize("line, complaint", [
    ("syscall f(handle<job|process,release> h) -> zx_status_t", "one object type"),
    ("syscall f(handle<vmo:(x)> h) -> zx_status_t", "not a plain argument"),
    ("syscall f(handle<vmo:(op),release> h, uint32_t op) -> zx_status_t", "fixed rights"),
    ("syscall f(in?<uint32_t> p) -> zx_status_t", "only out<T>"),
    ("syscall f(handle<bti> h) -> zx_status_t", "no kernel object"),
    ("syscall f(handle? h) -> zx_status_t", "needs a type"),
    ("syscall f(handle<:READ> h) -> zx_status_t", "missing object type"),
])
def test_bad_specs_are_refused(line, complaint):
    with pytest.raises(gen_syscalls.DefError, match=complaint):
        gen_syscalls.parse_line(line)


# Looking a handle up means calling a lookup_CALL_ARG of sys_lookups.h. The exceptions: handles
# that arrive inside user memory (wait items, a message's handle list, handle_close_many) rather
# than as arguments of the call.
HAND_LOOKUPS = re.compile(r"\b(handle_get|get_kobj_rights|get_one_of|get_obj|get_obj_rights|get_any|"
                          r"get_(?:%s)(?:_rights)?|handle_slot_of|handle_take|handle_close)\(" %
                          "|".join(gen_syscalls.KOBJ_STRUCTS))
ALLOWED = {
    ("sys_object.c", "get_any"),           # zx_object_wait_many's items
    ("sys_channel.c", "handle_slot_of"),   # the handles a message carries
    ("sys_channel.c", "handle_close"),     # ... consumed when the write fails
    ("sys_handle.c", "handle_close"),      # zx_handle_close_many's array
}


def test_handlers_do_not_look_handles_up_by_hand():
    found = []
    sdir = os.path.join(ROOT, "syscalls")
    for name in sorted(os.listdir(sdir)):
        if not (name.startswith("sys_") and name.endswith(".c")):
            continue
        for n, line in enumerate(open(os.path.join(sdir, name)), 1):
            code = line.split("//")[0]
            for m in HAND_LOOKUPS.finditer(code):
                if (name, m.group(1)) not in ALLOWED:
                    found.append("syscalls/%s:%d: %s" % (name, n, line.strip()))
    assert not found, "handles looked up by hand:\n" + "\n".join(found)
