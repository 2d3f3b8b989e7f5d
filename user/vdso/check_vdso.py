#!/usr/bin/python3
"""Check a linked vDSO image against the contract of docs/abi.md.

usage: check_vdso.py [-v] VDSO_SO EXPORTS_TXT

Fails (exit 1, one line per problem) unless the image:
  - is an x86-64 ELF64 shared object linked at base 0;
  - has no writable PT_LOAD segment, and exactly one executable one;
  - needs no load-time processing: no dynamic relocations (DT_REL/DT_RELA/DT_RELR/DT_JMPREL),
    no DT_TEXTREL, no DT_NEEDED;
  - has DT_HASH (sysv), DT_SYMTAB, DT_STRTAB and the soname libzircon.so;
  - exports, as found through DT_HASH the way crt and the kernel look symbols up, every symbol
    of EXPORTS_TXT (written by syscalls/gen_syscalls.py), functions inside the executable segment
    and data outside it, and no other zx_* / _zx_* symbol;
  - has no undefined symbols.
"""

import struct
import sys

PT_LOAD, PT_DYNAMIC = 1, 2
PF_X, PF_W = 1, 2
DT_NULL, DT_NEEDED, DT_PLTRELSZ, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 1, 2, 4, 5, 6
DT_RELA, DT_RELASZ, DT_SONAME, DT_REL, DT_RELSZ, DT_TEXTREL, DT_JMPREL = 7, 8, 14, 17, 18, 22, 23
DT_FLAGS, DT_RELRSZ, DT_RELR = 30, 35, 36
DF_TEXTREL = 0x4
STT_OBJECT, STT_FUNC = 1, 2
STB_GLOBAL, STB_WEAK = 1, 2
STV_DEFAULT = 0
SHN_UNDEF = 0


def fail(problems):
    for p in problems:
        sys.stderr.write("check_vdso: %s\n" % p)
    sys.exit(1)


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.stderr.write("usage: check_vdso.py [-v] VDSO_SO EXPORTS_TXT\n")
        return 2
    path, exports_path = args
    with open(path, "rb") as f:
        img = f.read()
    problems = []

    if img[:4] != b"\x7fELF" or img[4] != 2 or img[5] != 1:
        fail(["%s: not a little-endian ELF64 file" % path])
    (e_type, e_machine, _, _, e_phoff, _, _, _, e_phentsize, e_phnum) = struct.unpack_from(
        "<HHIQQQIHHH", img, 16)
    if e_type != 3 or e_machine != 62:
        fail(["%s: not an x86-64 shared object (ET_DYN)" % path])

    phdrs = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", img, e_phoff + i * e_phentsize)
        phdrs.append((p_type, p_flags, p_offset, p_vaddr, p_filesz, p_memsz))
    loads = [p for p in phdrs if p[0] == PT_LOAD]
    if not loads:
        fail(["no PT_LOAD segment"])
    if loads[0][3] != 0:
        problems.append("first PT_LOAD is at 0x%x, not at base 0" % loads[0][3])
    for p in loads:
        if p[1] & PF_W:
            problems.append("writable PT_LOAD segment at 0x%x (size 0x%x)" % (p[3], p[5]))
        if p[5] != p[4]:
            problems.append("PT_LOAD at 0x%x has memsz != filesz (zero-fill, i.e. .bss)" % p[3])
    text = [p for p in loads if p[1] & PF_X]
    if len(text) != 1:
        problems.append("%d executable PT_LOAD segments, expected exactly 1" % len(text))

    def vaddr_to_off(va):
        for p in loads:
            if p[3] <= va < p[3] + p[4]:
                return p[2] + (va - p[3])
        raise ValueError("address 0x%x is not in a PT_LOAD segment" % va)

    dyns = [p for p in phdrs if p[0] == PT_DYNAMIC]
    if len(dyns) != 1:
        fail(problems + ["%d PT_DYNAMIC segments, expected 1" % len(dyns)])
    dyn = {}
    needed = 0
    off = dyns[0][2]
    while off + 16 <= len(img):
        tag, val = struct.unpack_from("<qQ", img, off)
        off += 16
        if tag == DT_NULL:
            break
        if tag == DT_NEEDED:
            needed += 1
        dyn.setdefault(tag, val)
    for tag, name in ((DT_REL, "DT_REL"), (DT_RELA, "DT_RELA"), (DT_JMPREL, "DT_JMPREL"),
                      (DT_RELR, "DT_RELR"), (DT_TEXTREL, "DT_TEXTREL")):
        if tag in dyn:
            problems.append("dynamic relocations: %s present" % name)
    for tag, name in ((DT_RELASZ, "DT_RELASZ"), (DT_RELSZ, "DT_RELSZ"),
                      (DT_PLTRELSZ, "DT_PLTRELSZ"), (DT_RELRSZ, "DT_RELRSZ")):
        if dyn.get(tag, 0):
            problems.append("dynamic relocations: %s = %d" % (name, dyn[tag]))
    if dyn.get(DT_FLAGS, 0) & DF_TEXTREL:
        problems.append("DF_TEXTREL set")
    if needed:
        problems.append("%d DT_NEEDED entries: the vDSO must not depend on anything" % needed)
    for tag, name in ((DT_HASH, "DT_HASH"), (DT_SYMTAB, "DT_SYMTAB"), (DT_STRTAB, "DT_STRTAB")):
        if tag not in dyn:
            problems.append("%s missing" % name)
    if problems:
        fail(problems)

    strtab = vaddr_to_off(dyn[DT_STRTAB])

    def cstr(o):
        end = img.index(b"\0", strtab + o)
        return img[strtab + o:end].decode()

    if DT_SONAME not in dyn or cstr(dyn[DT_SONAME]) != "libzircon.so":
        problems.append("soname is not libzircon.so")

    # The symbol count is the hash table's nchain, as a sysv-hash lookup sees it.
    hash_off = vaddr_to_off(dyn[DT_HASH])
    _, nchain = struct.unpack_from("<II", img, hash_off)
    symtab = vaddr_to_off(dyn[DT_SYMTAB])
    tx = text[0]
    syms = {}
    for i in range(1, nchain):
        st_name, st_info, st_other, st_shndx, st_value, st_size = struct.unpack_from(
            "<IBBHQQ", img, symtab + 24 * i)
        name = cstr(st_name)
        if st_shndx == SHN_UNDEF:
            problems.append("undefined symbol '%s'" % name)
            continue
        syms[name] = (st_info >> 4, st_info & 0xf, st_other & 3, st_value, st_size)

    expected = {}
    with open(exports_path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                kind, name = line.split()
                expected[name] = kind
    for name, kind in expected.items():
        if name not in syms:
            problems.append("missing export '%s'" % name)
            continue
        bind, typ, vis, value, size = syms[name]
        if bind not in (STB_GLOBAL, STB_WEAK) or vis != STV_DEFAULT:
            problems.append("'%s' is not a global default-visibility symbol" % name)
        in_text = tx[3] <= value < tx[3] + tx[5]
        if kind == "func" and (typ != STT_FUNC or not in_text):
            problems.append("'%s' is not a function in the executable segment" % name)
        if kind == "object" and (typ != STT_OBJECT or in_text or size == 0):
            problems.append("'%s' is not a data object outside the executable segment" % name)
    for name in syms:
        if name.startswith(("zx_", "_zx_")) and name not in expected:
            problems.append("unexpected export '%s' (not in syscalls.def)" % name)
    if problems:
        fail(problems)
    if verbose:
        print("check_vdso: %s: %d exports, code at 0x%x..0x%x, no relocations"
              % (path, len(syms), tx[3], tx[3] + tx[5]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
