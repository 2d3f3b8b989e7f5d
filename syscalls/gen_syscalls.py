#!/usr/bin/python3
"""Generate zc's syscall glue from syscalls/syscalls.def.

usage: gen_syscalls.py DEF_FILE OUT_DIR

Writes, under OUT_DIR (the build's gen/ directory):
  include/zircon/syscalls.h           public prototypes zx_NAME / _zx_NAME
  include/zircon/testonly-syscalls.h  the same for `test` syscalls
  syscalls/numbers.h                  ZX_SYS_NAME numbers of kernel-entry syscalls, ZX_SYS_COUNT
  syscalls/sys_decls.h                kernel prototypes sys_NAME
  syscalls/syscall_table.h            struct syscall_entry, SYSCALL_F_* flags, syscall_table
  syscalls/sys_table.c                argument decoders d_NAME (and the consuming of `release`
                                      handles) and the dispatch table
  syscalls/sys_lookups.h              typed handle getters get_TYPE/put_TYPE and, per handle
                                      argument, lookup_CALL_ARG with the def's type and rights
  user/vdso_stubs.S                   the vDSO's syscall instruction stubs
  user/vdso_calls.h                   ZC_VDSO_HAS_NAME gates and raw-stub prototypes for user/vdso
  user/vdso_exports.txt               the symbols the vDSO must export (checked after linking)
  user/zx_jump.S, user/zx_names.c     user programs' zx_* jump stubs through zc_vdso_table
  user/zx_vdso_table.h                their declarations
Files whose content did not change are left untouched. The def syntax is described at the top of
syscalls.def and in docs/syscalls.md.
"""

import os
import re
import sys

MAX_ARGS = 8  # the register ABI (docs/abi.md) carries at most eight arguments

# C scalar types an argument or a return value may have. Add new typedefs here.
SCALAR_TYPES = {
    "int8_t", "int16_t", "int32_t", "int64_t",
    "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "size_t", "uintptr_t", "bool",
    "zx_status_t", "zx_rights_t", "zx_signals_t", "zx_koid_t", "zx_time_t", "zx_duration_t",
    "zx_ticks_t", "zx_vaddr_t", "zx_paddr_t", "zx_gpaddr_t", "zx_off_t", "zx_vm_option_t",
    "zx_obj_type_t", "zx_clock_t", "zx_futex_t", "zx_stream_seek_origin_t", "zx_excp_type_t",
}
# Return types besides the scalars (zx_string_view_t is returned in rax:rdx by vDSO calls only).
EXTRA_RETURN_TYPES = {"void", "zx_string_view_t"}

# handle<TYPE> names -> ZX_OBJ_TYPE_* suffix.
OBJ_TYPES = {
    "process": "PROCESS", "thread": "THREAD", "vmo": "VMO", "channel": "CHANNEL",
    "event": "EVENT", "port": "PORT", "interrupt": "INTERRUPT", "pci_device": "PCI_DEVICE",
    "debuglog": "DEBUGLOG", "log": "DEBUGLOG", "socket": "SOCKET", "resource": "RESOURCE",
    "eventpair": "EVENTPAIR", "job": "JOB", "vmar": "VMAR", "fifo": "FIFO", "guest": "GUEST",
    "vcpu": "VCPU", "timer": "TIMER", "iommu": "IOMMU", "bti": "BTI", "profile": "PROFILE",
    "pmt": "PMT", "suspend_token": "SUSPEND_TOKEN", "pager": "PAGER",
    "exception": "EXCEPTION", "clock": "CLOCK", "stream": "STREAM", "msi": "MSI", "iob": "IOB",
    "counter": "COUNTER",
}
# The kernel struct of each object type a handle<TYPE> may name (its first member is its struct
# kobj, as the downcasts in objects/ assume); None: the object is a plain struct kobj. A type
# missing here has no kernel object yet, and the def may not name it in handle<...>.
KOBJ_STRUCTS = {
    "process": "process", "thread": "thread", "job": "job", "vmo": "vmo", "vmar": "vmar",
    "channel": "channel", "event": None, "eventpair": None, "port": "port", "socket": "socket",
    "fifo": "fifo", "resource": "resource", "debuglog": "debuglog", "timer": "ktimer",
    "exception": "exception", "clock": "kclock", "stream": "stream", "counter": "counter",
    "profile": "profile", "suspend_token": "suspend_token", "pager": "pager",
}
# Other spellings of a type: the getter is named after the canonical one.
TYPE_ALIASES = {"log": "debuglog"}

# handle<...:RIGHT> names -> ZX_RIGHT_* suffix.
RIGHTS = {
    "DUPLICATE", "TRANSFER", "READ", "WRITE", "EXECUTE", "MAP", "GET_PROPERTY", "SET_PROPERTY",
    "ENUMERATE", "DESTROY", "SET_POLICY", "GET_POLICY", "SIGNAL", "SIGNAL_PEER", "WAIT",
    "INSPECT", "MANAGE_JOB", "MANAGE_PROCESS", "MANAGE_THREAD", "APPLY_PROFILE",
    "MANAGE_SOCKET", "OP_CHILDREN", "RESIZE", "ATTACH_VMO", "MANAGE_VMO",
}
ATTRIBUTES = {"blocking", "noreturn", "vdsocall", "test", "const", "wrapped", "fast", "shared", "direct"}

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool",
}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
LINE_RE = re.compile(r"^syscall\s+(" + IDENT + r")\s*\((.*)\)\s*->\s*(.*)$")
ARG_RE = re.compile(r"^(.*?)\s*\b(" + IDENT + r")$")
PTR_RE = re.compile(r"^(in|out|inout)(\?)?\s*<\s*(" + IDENT + r"(?:\s+" + IDENT + r")*)\s*>$")
HANDLE_RE = re.compile(r"^handle(\?)?(?:\s*<(.*)>)?$")
RIGHTS_ARG_RE = re.compile(r"^\(\s*(" + IDENT + r")\s*\)$")

# Argument registers at syscall entry, by position (docs/abi.md).
SYSCALL_REGS = ["rdi", "rsi", "rdx", "r10", "r8", "r9", "r12", "r13"]

# Four-space indent for generated C.
IND = "    "


class DefError(Exception):
    pass


class Arg:
    def __init__(self, kind, ctype, name, handle=None, optional=False, rights_arg=None,
                 spec=None):
        self.kind = kind      # "scalar", "handle", "in", "out", "inout"
        self.ctype = ctype    # scalar type, or pointee type for pointers
        self.name = name
        self.handle = handle  # (types, rights, release) for handles
        self.optional = optional      # handle?<...> (ZX_HANDLE_INVALID allowed), out?<T> (NULL)
        self.rights_arg = rights_arg  # handle<TYPE:(ARG)>: the rights depend on argument ARG
        self.spec = spec              # handle<...>: False for a plain `handle`

    @property
    def is_release(self):
        return self.kind == "handle" and self.handle[2]

    def public_type(self):
        if self.kind == "scalar":
            return self.ctype
        if self.kind == "handle":
            return "zx_handle_t"
        if self.kind == "in":
            return "const %s*" % self.ctype
        return "%s*" % self.ctype

    def kernel_type(self):
        if self.kind in ("scalar",):
            return self.ctype
        if self.kind == "handle":
            return "struct consumed_handle *" if self.is_release else "zx_handle_t"
        if self.kind == "out" and self.optional:
            return "user_out_opt_ptr"
        return {"in": "user_in_ptr", "out": "user_out_ptr", "inout": "user_inout_ptr"}[self.kind]

    def decode(self, i):
        """C expression turning the raw 64-bit register a[i] into the kernel argument.

        A cast to a narrower integer type keeps the low bits, which discards whatever the
        caller left in the upper half of the register. A consumed handle is the decoder's
        local c<i> (gen_sys_table_c)."""
        if self.is_release:
            return "&c%d" % i
        if self.kind in ("in", "out", "inout"):
            return "(%s){(uintptr_t)a[%d]}" % (self.kernel_type(), i)
        if self.ctype == "bool":
            return "(bool)(uint8_t)a[%d]" % i
        return "(%s)a[%d]" % (self.kernel_type(), i)

    def handle_desc(self):
        types, rights, release = self.handle
        if not self.spec:
            return "%s: any handle; its type and rights depend on the other arguments" % self.name
        if types:
            t = " or ".join("ZX_OBJ_TYPE_" + OBJ_TYPES[x] for x in types)
        else:
            t = "any type"
        if rights:
            r = "ZX_RIGHT_" + " | ZX_RIGHT_".join(rights)
        elif self.rights_arg:
            r = "rights depending on %s" % self.rights_arg
        else:
            r = "no rights needed"
        s = "%s: %s, %s" % (self.name, t, r)
        if self.optional:
            s += "; ZX_HANDLE_INVALID allowed"
        if release:
            s += "; consumed by the call, even on failure"
        return s


class Syscall:
    def __init__(self, name, args, ret, attrs, lineno):
        self.name = name
        self.args = args
        self.ret = ret
        self.attrs = attrs
        self.lineno = lineno
        self.number = None  # ZX_SYS_ number, kernel-entry calls only

    @property
    def is_vdsocall(self):
        return "vdsocall" in self.attrs

    @property
    def is_kernel(self):
        return not self.is_vdsocall

    @property
    def is_test(self):
        return "test" in self.attrs

    @property
    def is_wrapped(self):
        return "wrapped" in self.attrs

    @property
    def is_noreturn(self):
        return "noreturn" in self.attrs

    def params(self, typefn):
        if not self.args:
            return "void"
        return ", ".join(c_decl(typefn(a), a.name) for a in self.args)

    def public_params(self):
        return self.params(Arg.public_type)

    def kernel_params(self):
        return self.params(Arg.kernel_type)

    def public_attrs(self):
        out = []
        if self.is_noreturn:
            out.append("__attribute__((__noreturn__))")
        if "const" in self.attrs:
            out.append("__attribute__((__const__))")
        return " ".join(out)

    def public_signature(self, prefix="zx_"):
        return "%s %s%s(%s)" % (self.ret, prefix, self.name, self.public_params())


def c_decl(ctype, name):
    """`T name`, or `T *name` for a pointer type `T *`."""
    return ctype + name if ctype.endswith("*") else "%s %s" % (ctype, name)


# ---- Parsing -----------------------------------------------------------------------------------

def split_top_level(s, sep):
    """Split |s| on |sep| outside <...>."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
            if depth < 0:
                raise DefError("unbalanced '>'")
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if depth != 0:
        raise DefError("unbalanced '<'")
    parts.append(cur)
    return parts


def parse_handle_spec(spec):
    """(types, rights, release), rights_arg for the SPEC of handle<SPEC>."""
    types, rights, release, rights_arg = [], [], False, None
    items = [x.strip() for x in spec.split(",")]
    for n, item in enumerate(items):
        if item == "release":
            if release:
                raise DefError("'release' given twice")
            release = True
            continue
        if n != 0:
            raise DefError("handle<...>: only the first item may give type and rights, "
                           "later ones may only be 'release' (got '%s')" % item)
        tpart, _, rpart = item.partition(":")
        tpart = tpart.strip()
        if not tpart:
            raise DefError("handle<...>: missing object type (write 'any' for any type)")
        if tpart != "any":
            for t in (x.strip() for x in tpart.split("|")):
                if t not in OBJ_TYPES:
                    raise DefError("unknown object type '%s' in handle<...> (known: any, %s)"
                                   % (t, ", ".join(sorted(OBJ_TYPES))))
                if TYPE_ALIASES.get(t, t) not in KOBJ_STRUCTS:
                    raise DefError("object type '%s' has no kernel object: add its struct to "
                                   "KOBJ_STRUCTS in syscalls/gen_syscalls.py" % t)
                if t in types:
                    raise DefError("object type '%s' given twice" % t)
                types.append(t)
        if ":" not in item:
            continue
        m = RIGHTS_ARG_RE.match(rpart.strip())
        if m:
            rights_arg = m.group(1)
            continue
        for r in (x.strip() for x in rpart.split("|")):
            if r not in RIGHTS:
                raise DefError("unknown right '%s' in handle<...> (rights are ZX_RIGHT_* "
                               "without the prefix: %s)" % (r, ", ".join(sorted(RIGHTS))))
            if r in rights:
                raise DefError("right '%s' given twice" % r)
            rights.append(r)
        if not rights:
            raise DefError("empty rights list after ':' in handle<...>")
    if release and len(types) > 1:
        raise DefError("a consumed handle (release) may name one object type at most")
    if release and rights_arg:
        raise DefError("a consumed handle (release) needs fixed rights, not (%s)" % rights_arg)
    return (types, rights, release), rights_arg


def parse_arg(text):
    text = " ".join(text.split())
    m = ARG_RE.match(text)
    if not m or not m.group(1):
        raise DefError("argument '%s' is not 'KIND NAME'" % text)
    kind, name = m.group(1).strip(), m.group(2)
    if name in C_KEYWORDS:
        raise DefError("argument name '%s' is a C keyword" % name)
    hm = HANDLE_RE.match(kind)
    if hm:
        optional, spec = bool(hm.group(1)), hm.group(2)
        if spec is None:
            if optional:
                raise DefError("'handle?' needs a type: handle?<TYPE...>")
            return Arg("handle", "zx_handle_t", name, ([], [], False), spec=False)
        handle, rights_arg = parse_handle_spec(spec)
        return Arg("handle", "zx_handle_t", name, handle, optional=optional,
                   rights_arg=rights_arg, spec=True)
    pm = PTR_RE.match(kind)
    if pm:
        pointee = pm.group(3)
        if pointee == "handle":
            pointee = "zx_handle_t"
        optional = bool(pm.group(2))
        if optional and pm.group(1) != "out":
            raise DefError("only out<T> pointers may be optional (out?<T>)")
        return Arg(pm.group(1), pointee, name, optional=optional)
    if kind.startswith(("in<", "out<", "inout<", "in <", "out <", "inout <", "out?<")):
        raise DefError("bad pointer kind '%s' (expected in<T>, out<T>, out?<T> or inout<T> with "
                       "T a C type name)" % kind)
    if kind not in SCALAR_TYPES:
        if "*" in kind:
            raise DefError("'%s': write user pointers as in<T>, out<T> or inout<T>" % kind)
        if kind == "zx_handle_t":
            raise DefError("write handle arguments as handle or handle<TYPE:RIGHTS>, "
                           "not zx_handle_t")
        raise DefError("unknown scalar type '%s' (add it to SCALAR_TYPES in "
                       "syscalls/gen_syscalls.py if it is a new integer typedef)" % kind)
    return Arg("scalar", kind, name)


def parse_line(line):
    m = LINE_RE.match(line)
    if not m:
        raise DefError("expected 'syscall NAME(KIND ARG, ...) -> RETURN [ATTRIBUTES]'")
    name, argtext, rest = m.group(1), m.group(2).strip(), m.group(3).split()
    if not rest:
        raise DefError("missing return type after '->'")
    ret, attrs = rest[0], rest[1:]
    if ret not in SCALAR_TYPES and ret not in EXTRA_RETURN_TYPES:
        raise DefError("unknown return type '%s'" % ret)
    for a in attrs:
        if a not in ATTRIBUTES:
            raise DefError("unknown attribute '%s' (known: %s)"
                           % (a, ", ".join(sorted(ATTRIBUTES))))
    if len(set(attrs)) != len(attrs):
        raise DefError("attribute given twice")
    args = []
    if argtext and argtext != "void":
        for part in split_top_level(argtext, ","):
            if not part.strip():
                raise DefError("empty argument (stray comma?)")
            args.append(parse_arg(part))
    names = [a.name for a in args]
    for n in names:
        if names.count(n) > 1:
            raise DefError("argument name '%s' used twice" % n)
    sc = Syscall(name, args, ret, set(attrs), 0)
    check_syscall(sc)
    return sc


def check_syscall(sc):
    a = sc.attrs
    for attr in ("fast", "shared", "direct"):
        if attr in a and (sc.is_vdsocall or any(x.is_release for x in sc.args)):
            raise DefError("'%s' needs a kernel entry whose decoder consumes no handle" % attr)
    if "direct" in a and ("blocking" in a or "wrapped" in a or sc.is_noreturn):
        raise DefError("'direct' is for calls that never block and whose vDSO stub returns at once")
    for arg in sc.args:
        if arg.rights_arg:
            others = [x for x in sc.args if x.name == arg.rights_arg]
            if not others or others[0].kind != "scalar":
                raise DefError("handle<...:(%s)>: '%s' is not a plain argument of %s"
                               % (arg.rights_arg, arg.rights_arg, sc.name))
        if sc.is_vdsocall and (arg.is_release or arg.optional):
            raise DefError("'%s': release and '?' are kernel-entry rules, meaningless for a "
                           "vdsocall" % arg.name)
    if sc.is_kernel and len(sc.args) > MAX_ARGS:
        raise DefError("%d arguments: the syscall ABI carries at most %d"
                       % (len(sc.args), MAX_ARGS))
    if "noreturn" in a and sc.ret != "void":
        raise DefError("a noreturn syscall must return void")
    if sc.ret == "void" and "noreturn" not in a and sc.is_kernel:
        raise DefError("a kernel-entry syscall returning void must be noreturn")
    if "blocking" in a and sc.ret != "zx_status_t":
        raise DefError("a blocking syscall must return zx_status_t")
    if sc.is_vdsocall:
        for bad in ("blocking", "wrapped"):
            if bad in a:
                raise DefError("'%s' makes no sense for a vdsocall" % bad)
    else:
        if "const" in a:
            raise DefError("'const' is only for vdsocalls (a kernel entry has effects)")
        if sc.ret == "zx_string_view_t":
            raise DefError("only vdsocalls may return zx_string_view_t")


def parse_def(path):
    calls = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise SystemExit("gen_syscalls: cannot read %s: %s" % (path, e.strerror))
    errors = []
    seen = {}
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            sc = parse_line(line)
        except DefError as e:
            errors.append("%s:%d: error: %s" % (path, lineno, e))
            continue
        sc.lineno = lineno
        if sc.name in seen:
            errors.append("%s:%d: error: syscall '%s' already defined at line %d"
                          % (path, lineno, sc.name, seen[sc.name]))
            continue
        seen[sc.name] = lineno
        calls.append(sc)
    if errors:
        raise SystemExit("\n".join(errors))
    # The direct calls come first: the x86 entry tells them from the others with one compare
    # (number < ZX_SYS_DIRECT_COUNT, hal_set_syscall_direct).
    number = 0
    for direct in (True, False):
        for sc in calls:
            if sc.is_kernel and ("direct" in sc.attrs) == direct:
                sc.number = number
                number += 1
    return calls


# ---- Output helpers ----------------------------------------------------------------------------

def banner(comment, what):
    return "%s Generated by syscalls/gen_syscalls.py from syscalls/syscalls.def. Do not edit.\n" \
           "%s %s\n" % (comment, comment, what)


def guard(name, body, what):
    return (banner("//", what) + "#ifndef %s\n#define %s\n\n" % (name, name) + body
            + "\n#endif  // %s\n" % name)


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---- Generators --------------------------------------------------------------------------------

def gen_public_decls(calls):
    out = []
    for sc in calls:
        attrs = sc.public_attrs()
        pre = "extern " + (attrs + " " if attrs else "")
        for prefix in ("zx_", "_zx_"):
            out.append("%s%s;\n" % (pre, sc.public_signature(prefix)))
        out.append("\n")
    return "".join(out)


def gen_syscalls_h(calls):
    body = (
        "#include <zircon/compiler.h>\n"
        "#include <zircon/string_view.h>\n"
        "#include <zircon/types.h>\n"
        "#include <zircon/syscalls/types.h>\n"
        "#include <zircon/syscalls/object.h>\n"
        "#include <zircon/syscalls/port.h>\n\n"
        "__BEGIN_CDECLS\n\n"
        + gen_public_decls([c for c in calls if not c.is_test])
        + "__END_CDECLS\n")
    return guard("ZIRCON_SYSCALLS_H_", body, "The zx_* system calls (and their _zx_* aliases).")


def gen_testonly_h(calls):
    body = (
        "#include <zircon/compiler.h>\n"
        "#include <zircon/types.h>\n\n"
        "__BEGIN_CDECLS\n\n"
        + gen_public_decls([c for c in calls if c.is_test])
        + "__END_CDECLS\n")
    return guard("ZIRCON_TESTONLY_SYSCALLS_H_", body, "Test-only zx_* system calls.")


def gen_numbers_h(calls):
    kern = [c for c in calls if c.is_kernel]
    body = "".join("#define ZX_SYS_%s %d\n" % (c.name, c.number) for c in kern)
    body += "\n#define ZX_SYS_COUNT %d\n" % len(kern)
    body += ("// The direct calls (syscalls.def `direct`) are numbered 0 .. ZX_SYS_DIRECT_COUNT - 1.\n"
             "#define ZX_SYS_DIRECT_COUNT %d\n" % len([c for c in kern if "direct" in c.attrs]))
    return guard("ZC_GEN_SYSCALLS_NUMBERS_H", body,
                 "Syscall numbers (rax at the syscall instruction) of the kernel-entry calls.\n"
                 "// Plain #defines, usable from assembly.")


def gen_sys_decls_h(calls):
    out = [
        "#include <stddef.h>\n",
        "#include <stdint.h>\n",
        "#include <zircon/types.h>\n",
        "#include <zircon/syscalls/types.h>\n",
        "#include \"kernel/user_ptr.h\"\n\n",
        "// A handle the call consumes (handle<...,release>): syscalls/priv.h.\n",
        "struct consumed_handle;\n",
        "\n",
        "// Each returns the zx_status_t (or other) result widened to int64_t; it lands in rax.\n\n",
    ]
    for sc in calls:
        if not sc.is_kernel:
            continue
        out.append("// %s\n" % sc.public_signature())
        for a in sc.args:
            if a.kind == "handle":
                out.append("//   %s\n" % a.handle_desc())
        notes = [x for x in ("blocking", "noreturn", "test", "wrapped") if x in sc.attrs]
        if notes:
            out.append("//   [%s]\n" % ", ".join(notes))
        out.append("int64_t sys_%s(%s);\n" % (sc.name, sc.kernel_params()))
        for attr in ("fast", "shared"):
            if attr in sc.attrs:
                out.append("int64_t sys_%s_%s(%s);  // or SYSCALL_FAST_FALLBACK\n"
                           % (sc.name, attr, sc.kernel_params()))
        if "direct" in sc.attrs:
            out.append("// The direct entry's handler (syscalls.def `direct`), and the general path it\n"
                       "// falls back to (generated: the arguments as the stop path needs them).\n")
            out.append("int64_t sys_%s_direct(%s);\n" % (sc.name, sc.kernel_params()))
            out.append("int64_t syscall_fallback_%s(void);\n" % sc.name)
        out.append("\n")
    return guard("ZC_GEN_SYSCALLS_SYS_DECLS_H", "".join(out),
                 "Kernel handlers: one sys_NAME per kernel-entry syscall.")


def gen_syscall_table_h(calls):
    body = (
        "#include <stdint.h>\n"
        "#include \"syscalls/numbers.h\"\n\n"
        "#define SYSCALL_MAX_ARGS %d\n\n"
        "#define SYSCALL_F_BLOCKING 1u  // may wait\n"
        "#define SYSCALL_F_NORETURN 2u  // never returns to the caller\n"
        "#define SYSCALL_F_TEST     4u  // test-only\n"
        "#define SYSCALL_F_RELEASE  8u  // consumes a handle argument, even when it fails\n\n"
        "struct syscall_entry {\n"
        "    const char *name;                       // without the zx_ prefix\n"
        "    int64_t (*fn)(const uint64_t *args);    // decodes args[0..nargs) and calls sys_NAME\n"
        "    uint8_t nargs;\n"
        "    uint8_t flags;                          // SYSCALL_F_*\n"
        "};\n\n"
        "// Indexed by ZX_SYS_NAME.\n"
        "extern const struct syscall_entry syscall_table[ZX_SYS_COUNT];\n"
        "// The same decoders alone, for the dispatch: one load per call.\n"
        "extern int64_t (*const syscall_fns[ZX_SYS_COUNT])(const uint64_t *args);\n"
        "// With several CPUs: the decoders of the calls with a path for the kernel lock's shared\n"
        "// hold (syscalls.def `shared`), NULL for the others.\n"
        "extern int64_t (*const syscall_fns_shared[ZX_SYS_COUNT])(const uint64_t *args);\n"
        "// The direct calls' decoders (syscalls.def `direct`; hal_set_syscall_direct): the\n"
        "// arguments as registers, eight of them whatever the call takes, then the caller's pc.\n"
        "extern int64_t (*const syscall_direct_fns[ZX_SYS_DIRECT_COUNT + 1])(\n"
        "    uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uintptr_t);\n" % MAX_ARGS)
    return guard("ZC_GEN_SYSCALLS_SYSCALL_TABLE_H", body, "The kernel's syscall dispatch table.")


# Pointee types through which a call takes handles it consumes (channel messages, close lists).
HANDLE_CARRIERS = ("zx_handle_t", "zx_handle_disposition_t", "zx_channel_call_args_t",
                   "zx_channel_call_etc_args_t")


def consumes_handles(sc):
    """True when the call consumes handles even when it fails: a `,release` handle argument,
    or an in/inout array the handles travel in."""
    return any((a.kind == "handle" and a.handle[2]) or
               (a.kind in ("in", "inout") and a.ctype in HANDLE_CARRIERS) for a in sc.args)


def table_flags(sc):
    f = []
    if "blocking" in sc.attrs:
        f.append("SYSCALL_F_BLOCKING")
    if sc.is_noreturn:
        f.append("SYSCALL_F_NORETURN")
    if sc.is_test:
        f.append("SYSCALL_F_TEST")
    if consumes_handles(sc):
        f.append("SYSCALL_F_RELEASE")
    return " | ".join(f) if f else "0"


def consume_call(arg, i):
    """The decoder's statement taking consumed handle argument i out of the caller's table."""
    types, rights, _ = arg.handle
    t = "ZX_OBJ_TYPE_" + OBJ_TYPES[types[0]] if types else "0"
    r = " | ".join("ZX_RIGHT_" + x for x in rights) or "0"
    return "consume_handle(&c%d, (zx_handle_t)a[%d], %s, %s, %s);" % (
        i, i, t, r, "true" if arg.optional else "false")


def call_line(call, args, lead):
    """`call` + the arguments + ");", wrapped under the call's parenthesis past 100 columns."""
    line = call + ", ".join(args) + ");\n"
    if len(line) + len(IND) + lead > 100:
        line = call + (",\n" + IND + " " * (lead + len(call))).join(args) + ");\n"
    return line


def gen_sys_table_c(calls):
    out = [banner("//", "Argument decoding and the dispatch table.\n"
                        "// A handle<...,release> argument is taken out of the caller's table "
                        "before the handler\n// runs and whatever the handler left of it is "
                        "released after: the call consumes it\n// whatever it returns "
                        "(syscalls/priv.h, struct consumed_handle)."),
           "#include \"syscalls/priv.h\"\n",
           "#include \"syscalls/syscall_table.h\"\n\n"]
    kern = [c for c in calls if c.is_kernel]
    for sc in kern:
        if "fast" in sc.attrs:
            args = [a.decode(i) for i, a in enumerate(sc.args)]
            out.append("__attribute__((noinline)) static int64_t d_%s_general(const uint64_t *a) {\n" % sc.name)
            out.append(IND + "return " + call_line("sys_%s(" % sc.name, args, 7) + "}\n\n")
        out.append("static int64_t d_%s(const uint64_t *a) {\n" % sc.name)
        if not sc.args:
            out.append(IND + "(void)a;\n" + IND + "return sys_%s();\n}\n\n" % sc.name)
            continue
        consumed = [(i, a) for i, a in enumerate(sc.args) if a.is_release]
        for i, a in consumed:
            out.append(IND + "struct consumed_handle c%d;\n" % i)
            out.append(IND + consume_call(a, i) + "\n")
        args = [a.decode(i) for i, a in enumerate(sc.args)]
        if "fast" in sc.attrs:
            # The fast path first; the general decoder, out of line, when it declines (a tail
            # call: the fast path's registers need not survive it).
            out.append(IND + "int64_t r = " + call_line("sys_%s_fast(" % sc.name, args, 12))
            out.append(IND + "if (__builtin_expect(r != SYSCALL_FAST_FALLBACK, 1)) return r;\n")
            out.append(IND + "return d_%s_general(a);\n}\n\n" % sc.name)
            gen_shared_decoder(out, sc, args)
            continue
        lead = "int64_t r = " if consumed else "return "
        out.append(IND + lead + call_line("sys_%s(" % sc.name, args, len(lead)))
        if consumed:
            for i, _ in consumed:
                out.append(IND + "consumed_drop(&c%d);\n" % i)
            out.append(IND + "return r;\n")
        out.append("}\n\n")
        gen_shared_decoder(out, sc, args)
    out.append("const struct syscall_entry syscall_table[ZX_SYS_COUNT] = {\n")
    for sc in kern:
        out.append(IND + "[ZX_SYS_%s] = {\"%s\", d_%s, %d, %s},\n"
                   % (sc.name, sc.name, sc.name, len(sc.args), table_flags(sc)))
    out.append("};\n\n")
    out.append("int64_t (*const syscall_fns[ZX_SYS_COUNT])(const uint64_t *args) = {\n")
    for sc in kern:
        out.append(IND + "[ZX_SYS_%s] = d_%s,\n" % (sc.name, sc.name))
    out.append("};\n\n")
    out.append("int64_t (*const syscall_fns_shared[ZX_SYS_COUNT])(const uint64_t *args) = {\n")
    for sc in kern:
        if "shared" in sc.attrs:
            out.append(IND + "[ZX_SYS_%s] = d_%s_shared,\n" % (sc.name, sc.name))
    out.append("};\n")
    gen_direct_decoders(out, kern)
    return "".join(out)


def gen_direct_decoders(out, kern):
    """The direct calls (syscalls.def `direct`): d_NAME_direct decodes the eight argument
    registers and, for a caller (pc) in the vDSO, runs sys_NAME_direct; syscall_fallback_NAME hands
    the call to the general fast path (syscall_direct_fallback, which finds the registers)."""
    direct = [sc for sc in kern if "direct" in sc.attrs]
    regs = ["uint64_t a%d" % i for i in range(MAX_ARGS)]
    for sc in direct:
        out.append("\n__attribute__((noinline)) int64_t syscall_fallback_%s(void) {\n" % sc.name)
        out.append(IND + "return syscall_direct_fallback(ZX_SYS_%s);\n}\n" % sc.name)
        dec = [a.decode(i).replace("a[%d]" % i, "a%d" % i) for i, a in enumerate(sc.args)]
        out.append("\nstatic int64_t d_%s_direct(%s, uintptr_t pc) {\n" % (sc.name, ", ".join(regs)))
        for i in range(len(sc.args), MAX_ARGS):
            out.append(IND + "(void)a%d;\n" % i)
        out.append(IND + "if (__builtin_expect(!syscall_direct_from_vdso(pc), 0)) return syscall_fallback_%s();\n"
                   % sc.name)
        out.append(IND + "return " + call_line("sys_%s_direct(" % sc.name, dec, 7) + "}\n")
    out.append("\n// NULL-terminated (one slot more than the calls, so that an empty list is valid C).\n")
    out.append("int64_t (*const syscall_direct_fns[ZX_SYS_DIRECT_COUNT + 1])(\n"
               "    uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uintptr_t) = {\n")
    for sc in direct:
        out.append(IND + "[ZX_SYS_%s] = d_%s_direct,\n" % (sc.name, sc.name))
    out.append("};\n")


def gen_shared_decoder(out, sc, args):
    """d_NAME_shared for a `shared` call: sys_NAME_shared under the shared hold; when it declines,
    the exclusive hold and the ordinary decoder (the general one of a `fast` call)."""
    if "shared" not in sc.attrs:
        return
    out.append("static int64_t d_%s_shared(const uint64_t *a) {\n" % sc.name)
    out.append(IND + "int64_t r = " + call_line("sys_%s_shared(" % sc.name, args, 12))
    out.append(IND + "if (__builtin_expect(r != SYSCALL_FAST_FALLBACK, 1)) return r;\n")
    out.append(IND + "hal_kernel_lock();\n")
    out.append(IND + "return d_%s%s(a);\n}\n\n" % (sc.name, "_general" if "fast" in sc.attrs else ""))


# ---- Handle lookups (sys_lookups.h) ------------------------------------------------------------

def canonical_type(t):
    return TYPE_ALIASES.get(t, t)


def obj_ctype(t):
    """The C type a lookup of object type t (None: several or any) hands out."""
    st = KOBJ_STRUCTS.get(canonical_type(t)) if t else None
    return "struct %s" % st if st else "struct kobj"


def gen_typed_getters():
    out = ["// ---- Typed getters, one per object type (the building blocks of the lookups) ----\n",
           "//\n",
           "// get_TYPE(h, rights, &obj): a handle of the caller's to an object of that type holding\n",
           "// `rights`; *obj is a held reference, dropped with put_TYPE(obj). ZX_ERR_BAD_HANDLE,\n",
           "// ZX_ERR_WRONG_TYPE, ZX_ERR_ACCESS_DENIED, in that order (Zircon's: the wrong type before\n",
           "// the missing right). get_TYPE_rights also reports the rights the handle holds. The\n",
           "// structs may stay incomplete here: each begins with its struct kobj, which the downcasts\n",
           "// of objects/ (to_vmo ...) rely on too.\n\n"]
    structs = sorted(set(v for v in KOBJ_STRUCTS.values() if v))
    out.append("".join("struct %s;\n" % x for x in structs) + "\n")
    for t in KOBJ_STRUCTS:
        ct = obj_ctype(t)
        zt = "ZX_OBJ_TYPE_" + OBJ_TYPES[t]
        conv = "(%s *)o" % ct if ct != "struct kobj" else "o"
        out.append(c_function("static inline zx_status_t get_%s_rights" % t,
                              ["zx_handle_t h", "zx_rights_t rights", "%s **out" % ct,
                               "zx_rights_t *have"],
                              ["struct kobj *o;",
                               "zx_status_t st = get_kobj_rights(h, %s, rights, &o, have);" % zt,
                               "if (st == ZX_OK) *out = %s;" % conv,
                               "return st;"]))
        out.append(c_function("static inline zx_status_t get_%s" % t,
                              ["zx_handle_t h", "zx_rights_t rights", "%s **out" % ct],
                              ["return get_%s_rights(h, rights, out, NULL);" % t]))
        out.append("static inline void put_%s(%s *obj) { kobj_unref((struct kobj *)obj); }\n\n"
                   % (t, ct))
    return "".join(out)


def lookup_body(arg):
    """The C statement of lookup_CALL_ARG_rights: h, [type,] [rights,] out, have in scope."""
    types, rights, _ = arg.handle
    r = " | ".join("ZX_RIGHT_" + x for x in rights) or "0"
    if arg.rights_arg:
        r = "rights"
    if not arg.spec:
        return "return get_kobj_rights(h, type, rights, out, have);"
    if not types:
        return "return get_kobj_rights(h, 0, %s, out, have);" % r
    if len(types) == 1:
        return "return get_%s_rights(h, %s, out, have);" % (canonical_type(types[0]), r)
    mask = " | ".join("TYPE_BIT(ZX_OBJ_TYPE_%s)" % OBJ_TYPES[t] for t in types)
    return "const uint64_t types = %s;\n%sreturn get_one_of(h, types, %s, out, have);" % (
        mask, IND, r)


def c_function(head, params, body):
    """`head(params) {` + body + `}`, the parameters one per line when they do not fit."""
    one = head + "(" + ", ".join(params) + ") {\n"
    if len(one) > 101:
        one = head + "(" + (",\n" + " " * (len(head) + 1)).join(params) + ") {\n"
    return one + "".join(IND + line + "\n" for line in body) + "}\n"


def gen_lookups(sc):
    out = []
    for arg in sc.args:
        if arg.kind != "handle" or arg.is_release:
            continue
        types, _, _ = arg.handle
        ct = obj_ctype(types[0] if len(types) == 1 else None)
        name = "lookup_%s_%s" % (sc.name, arg.name)
        params = ["zx_handle_t h"]
        if not arg.spec:
            params += ["uint32_t type", "zx_rights_t rights"]
        elif arg.rights_arg:
            params.append("zx_rights_t rights")
        pnames = [p.split()[-1] for p in params]
        body = []
        if arg.optional:
            body += ["if (h == ZX_HANDLE_INVALID) {  // handle?<...>: no handle, no object",
                     IND + "*out = NULL;",
                     IND + "if (have) *have = 0;",
                     IND + "return ZX_OK;",
                     "}"]
        body.append(lookup_body(arg))
        out.append("// %s: %s\n" % (sc.name, arg.handle_desc()))
        out.append(c_function("static inline zx_status_t %s_rights" % name,
                              params + ["%s **out" % ct, "zx_rights_t *have"], body))
        out.append(c_function("static inline zx_status_t %s" % name, params + ["%s **out" % ct],
                              ["return %s_rights(%s, out, NULL);" % (name, ", ".join(pnames))]))
        if (({"fast", "shared"} & sc.attrs) and arg.spec and len(types) <= 1 and not arg.rights_arg
                and not arg.optional):
            out.append(gen_fast_lookup(sc, arg, ct))
    return "".join(out)


def gen_fast_lookup(sc, arg, ct):
    """fast_lookup_CALL_ARG(h) for sys_CALL_fast and sys_CALL_shared: the object when the lookup
    would succeed, with no reference taken (nothing in those paths can close a handle), else NULL."""
    types, rights, _ = arg.handle
    r = " | ".join("ZX_RIGHT_" + x for x in rights) or "0"
    cond = "!s || (s->rights & (%s)) != (%s)" % (r, r)
    if types:
        cond = "!s || s->obj->type != ZX_OBJ_TYPE_%s || (s->rights & (%s)) != (%s)" % (
            OBJ_TYPES[types[0]], r, r)
    return ("// %s: %s; for its fast paths (no reference taken; NULL: the general path decides)\n"
            % (sc.name, arg.handle_desc()) +
            c_function("static inline %s *fast_lookup_%s_%s" % (ct, sc.name, arg.name), ["zx_handle_t h"],
                       ["struct handle_slot *s = handle_slot_of(cur_handles(), h);",
                        "if (__builtin_expect(%s, 0)) return NULL;" % cond,
                        "return (%s *)s->obj;" % ct]) +
            "// ... the same check, giving the handle's slot (its rights too)\n" +
            c_function("static inline struct handle_slot *fast_slot_%s_%s" % (sc.name, arg.name),
                       ["struct handle_table *ht", "zx_handle_t h"],
                       ["struct handle_slot *s = handle_slot_of(ht, h);",
                        "if (__builtin_expect(%s, 0)) return NULL;" % cond,
                        "return s;"]))


def gen_sys_lookups_h(calls):
    out = ["#ifndef ZC_SYSCALLS_PRIV_H\n",
           "#error \"included by syscalls/priv.h, which supplies get_kobj_rights and get_one_of\"\n",
           "#endif\n\n",
           gen_typed_getters(),
           "// ---- Per-call lookups: one per handle<...> argument of a kernel-entry syscall ----\n",
           "//\n",
           "// lookup_CALL_ARG(h, [rights,] &obj) looks the argument up with exactly the type and rights\n",
           "// of its def line; its `rights` parameter exists only where the def says the rights depend\n",
           "// on another argument (handle<TYPE:(ARG)>), `type` and `rights` only for a plain `handle`.\n",
           "// Several types (handle<job|process:...>): the rights first, then the type, as Zircon\n",
           "// looks up a generic object and then switches on its type. handle?<...>: ZX_HANDLE_INVALID\n",
           "// gives ZX_OK and a NULL object. lookup_CALL_ARG_rights also reports the handle's rights.\n",
           "// Consumed handles (release) have none: the decoder takes them (struct consumed_handle).\n\n"]
    for sc in calls:
        if sc.is_kernel:
            out.append(gen_lookups(sc))
    return guard("ZC_GEN_SYSCALLS_SYS_LOOKUPS_H", "".join(out),
                 "Handle lookups with the types and rights of the def; included by "
                 "syscalls/priv.h.")


def asm_func_begin(names, hidden=False):
    out = [IND + ".balign 16\n"]
    for n in names:
        out.append(IND + ".globl %s\n" % n)
        if hidden:
            out.append(IND + ".hidden %s\n" % n)
        out.append(IND + ".type %s, @function\n" % n)
    for n in names:
        out.append("%s:\n" % n)
    out.append(IND + ".cfi_startproc\n")
    return "".join(out)


def asm_func_end(names):
    out = [IND + ".cfi_endproc\n"]
    for n in names:
        out.append(IND + ".size %s, . - %s\n" % (n, n))
    return "".join(out) + "\n"


def gen_vdso_stubs_s(calls):
    out = [banner("//", "vDSO syscall stubs, per docs/abi.md: number in eax, arguments in\n"
                        "// rdi, rsi, rdx, r10, r8, r9, r12, r13 (7 and 8 come from the stack; "
                        "r12/r13 are saved).\n// rcx and r11 are clobbered by the syscall "
                        "instruction. Wrapped calls get a hidden\n// zc_vdso_raw_NAME stub that "
                        "user/vdso wraps in C."),
           "\n" + IND + ".text\n\n"]
    for sc in calls:
        if not sc.is_kernel:
            continue
        if sc.is_wrapped:
            names, hidden = ["zc_vdso_raw_" + sc.name], True
        else:
            names, hidden = ["zx_" + sc.name, "_zx_" + sc.name], False
        out.append("// %s\n" % sc.public_signature())
        out.append(asm_func_begin(names, hidden))
        n = len(sc.args)
        saved = [r for r in ("r12", "r13") if SYSCALL_REGS.index(r) < n]
        for r in saved:
            out.append(IND + "pushq %%%s\n" % r)
            out.append(IND + ".cfi_adjust_cfa_offset 8\n")
            out.append(IND + ".cfi_rel_offset %%%s, 0\n" % r)
        for i, r in enumerate(saved):
            # At entry argument 7 is at 8(%rsp), argument 8 at 16(%rsp).
            out.append(IND + "movq %d(%%rsp), %%%s\n" % (8 * (i + 1) + 8 * len(saved), r))
        if n >= 4:
            out.append(IND + "movq %rcx, %r10\n")
        out.append(IND + "movl $%d, %%eax\n" % sc.number)
        out.append(IND + "syscall\n")
        if sc.is_noreturn:
            out.append(IND + "ud2\n")
        else:
            for r in reversed(saved):
                out.append(IND + "popq %%%s\n" % r)
                out.append(IND + ".cfi_adjust_cfa_offset -8\n")
                out.append(IND + ".cfi_restore %%%s\n" % r)
            out.append(IND + "ret\n")
        out.append(asm_func_end(names))
    out.append(IND + ".section .note.GNU-stack,\"\",@progbits\n")
    return "".join(out)


def gen_vdso_calls_h(calls):
    out = ["#include <zircon/types.h>\n\n",
           "// Defined for every zx_NAME the vDSO must export: user/vdso implements the vdsocalls\n"
           "// and wrappers only when their line in syscalls.def is enabled.\n"]
    for sc in calls:
        out.append("#define ZC_VDSO_HAS_%s 1\n" % sc.name)
    wrapped = [c for c in calls if c.is_wrapped]
    if wrapped:
        out.append("\n// Kernel-entry stubs (vdso_stubs.S) behind the C wrappers of user/vdso.\n")
        for sc in wrapped:
            out.append("__attribute__((visibility(\"hidden\"))) %s;\n"
                       % sc.public_signature("zc_vdso_raw_"))
    return guard("ZC_GEN_USER_VDSO_CALLS_H", "".join(out), "What the vDSO exports.")


def gen_vdso_exports(calls):
    out = ["# Generated by syscalls/gen_syscalls.py. Symbols the vDSO must export "
           "(user/vdso/check_vdso.py).\n"]
    for sc in calls:
        out.append("func zx_%s\nfunc _zx_%s\n" % (sc.name, sc.name))
    out.append("object zc_vdso_constants\n")
    return "".join(out)


def gen_zx_vdso_table_h(calls):
    out = ["#include <stddef.h>\n#include <stdint.h>\n\n",
           "// Every zx_* function the vDSO exports. crt looks zc_vdso_names[i] up in the vDSO's\n"
           "// dynamic symbol table at start-up and stores its address in zc_vdso_table[i]; the\n"
           "// zx_* (and _zx_*) functions of user programs (zx_jump.S) jump through the table.\n",
           "#define ZC_VDSO_COUNT %d\n\n" % len(calls),
           "extern const char *const zc_vdso_names[ZC_VDSO_COUNT];\n",
           "extern uintptr_t zc_vdso_table[ZC_VDSO_COUNT];\n",
           "extern const size_t zc_vdso_count;\n\n"]
    for i, sc in enumerate(calls):
        out.append("#define ZC_VDSO_IDX_%s %d\n" % (sc.name, i))
    return guard("ZC_GEN_USER_ZX_VDSO_TABLE_H", "".join(out), "User programs' vDSO jump table.")


def gen_zx_names_c(calls):
    out = [banner("//", "Names and slots of user programs' vDSO jump table."),
           "#include \"user/zx_vdso_table.h\"\n\n",
           "const char *const zc_vdso_names[ZC_VDSO_COUNT] = {\n"]
    for sc in calls:
        out.append(IND + "\"zx_%s\",\n" % sc.name)
    out.append("};\n\n")
    out.append("uintptr_t zc_vdso_table[ZC_VDSO_COUNT];\n\n")
    out.append("const size_t zc_vdso_count = ZC_VDSO_COUNT;\n")
    return "".join(out)


def gen_zx_jump_s(calls):
    out = [banner("//", "zx_* entry points of user programs: each jumps through its "
                        "zc_vdso_table slot\n// (filled by crt from the vDSO's symbols)."),
           "\n" + IND + ".text\n\n"]
    for i, sc in enumerate(calls):
        names = ["zx_" + sc.name, "_zx_" + sc.name]
        out.append(asm_func_begin(names).replace(".balign 16", ".balign 8"))
        out.append(IND + "jmp *zc_vdso_table+%d(%%rip)\n" % (8 * i))
        out.append(asm_func_end(names))
    out.append(IND + ".section .note.GNU-stack,\"\",@progbits\n")
    return "".join(out)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s DEF_FILE OUT_DIR\n" % argv[0])
        return 2
    def_path, out_dir = argv[1], argv[2]
    calls = parse_def(def_path)
    kern = [c for c in calls if c.is_kernel]
    outputs = {
        "include/zircon/syscalls.h": gen_syscalls_h(calls),
        "include/zircon/testonly-syscalls.h": gen_testonly_h(calls),
        "syscalls/numbers.h": gen_numbers_h(calls),
        "syscalls/sys_decls.h": gen_sys_decls_h(calls),
        "syscalls/syscall_table.h": gen_syscall_table_h(calls),
        "syscalls/sys_table.c": gen_sys_table_c(calls),
        "syscalls/sys_lookups.h": gen_sys_lookups_h(calls),
        "user/vdso_stubs.S": gen_vdso_stubs_s(calls),
        "user/vdso_calls.h": gen_vdso_calls_h(calls),
        "user/vdso_exports.txt": gen_vdso_exports(calls),
        "user/zx_vdso_table.h": gen_zx_vdso_table_h(calls),
        "user/zx_names.c": gen_zx_names_c(calls),
        "user/zx_jump.S": gen_zx_jump_s(calls),
    }
    for rel, text in outputs.items():
        write_if_changed(os.path.join(out_dir, rel), text)
    print("syscalls: %d total (%d kernel entry, %d vDSO-only)"
          % (len(calls), len(kern), len(calls) - len(kern)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
