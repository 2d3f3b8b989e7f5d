"""The test cases an in-guest suite holds, read from its ELF before it boots.

zctest (user/lib/zctest.h) puts one `struct zctest_case {const char *area, *name; void (*fn)(void);
const char *file; int line;}` per TEST() into the section `zctest_cases`. Reading that section
tells `harness test` how many cases a suite has, so a suite that crashes at boot counts all of
them as not run instead of looking small (docs/harness.md).
"""

import struct
from typing import List, Optional

SECTIONS = ("zctest_cases", ".zctest_cases")  # as compiled, as user/lib/user.ld names it
ENTRY = struct.Struct("<QQQQi4x")  # area, name, fn, file, line (+ padding to 8)


class ElfError(Exception):
    pass


def _sections(data: bytes):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ElfError("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    secs = []
    for i in range(shnum):
        name, typ, _flags, addr, off, size = struct.unpack_from("<IIQQQQ", data,
                                                                shoff + i * shentsize)
        secs.append((name, typ, addr, off, size))
    strtab = secs[shstrndx]
    names = data[strtab[3]:strtab[3] + strtab[4]]
    return [(names[n:names.index(b"\0", n)].decode(), typ, addr, off, size)
            for n, typ, addr, off, size in secs]


def _cstring(data: bytes, secs, vaddr: int) -> str:
    for _name, typ, addr, off, size in secs:
        if typ != 8 and addr and addr <= vaddr < addr + size:  # 8 = SHT_NOBITS
            start = off + vaddr - addr
            return data[start:data.index(b"\0", start)].decode("utf-8", "replace")
    raise ElfError(f"pointer {vaddr:#x} is in no loaded section")


def cases(elf_path: str) -> List[str]:
    """["Area.Name", ...] in link order; [] when the file has no zctest cases."""
    with open(elf_path, "rb") as f:
        data = f.read()
    secs = _sections(data)
    sec = next((s for s in secs if s[0] in SECTIONS), None)
    if sec is None:
        return []
    _name, _typ, _addr, off, size = sec
    out = []
    for i in range(size // ENTRY.size):
        area, name, _fn, _file, _line = ENTRY.unpack_from(data, off + i * ENTRY.size)
        out.append(f"{_cstring(data, secs, area)}.{_cstring(data, secs, name)}")
    return out


def cases_or_none(elf_path: str) -> Optional[List[str]]:
    """cases(), or None when the file is missing or unreadable (the count is then unknown)."""
    try:
        return cases(elf_path)
    except (OSError, ElfError, ValueError, struct.error):
        return None
