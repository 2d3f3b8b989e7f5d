#!/usr/bin/python3
"""Write the Linux peer's initramfs: a cpio "newc" archive holding only /init (the static
benchmark binary), /dev/console (so the kernel can give init a console without devtmpfs) and
empty /dev and /proc. Reproducible: fixed order, owner 0:0, mtime 0, inode numbers 1..N; the
same /init gives the same bytes. No root needed (device nodes are cpio headers, not mknod).

usage: bench_initramfs.py --init FILE -o OUT.cpio
"""
import argparse
import os
import stat
import sys

TRAILER = "TRAILER!!!"


def _pad4(n: int) -> bytes:
    return b"\0" * ((-n) % 4)


def entry(ino: int, name: str, mode: int, data: bytes = b"", rdev=(0, 0), nlink: int = 1) -> bytes:
    """One newc record: 110-byte ASCII header, NUL-terminated name, data, each 4-aligned."""
    namez = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(namez), 0)
    head = b"070701" + b"".join(b"%08X" % v for v in fields) + namez
    return head + _pad4(len(head)) + data + _pad4(len(data))


def build(init_bytes: bytes) -> bytes:
    entries = [
        ("dev", stat.S_IFDIR | 0o755, b"", (0, 0), 2),
        ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1), 1),
        ("init", stat.S_IFREG | 0o755, init_bytes, (0, 0), 1),
        ("proc", stat.S_IFDIR | 0o755, b"", (0, 0), 2),
    ]
    out = b"".join(entry(i + 1, *e) for i, e in enumerate(entries))
    out += entry(0, TRAILER, 0)
    return out + b"\0" * ((-len(out)) % 512)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--init", required=True, help="the static /init binary")
    p.add_argument("-o", "--output", required=True, help="the cpio archive to write")
    a = p.parse_args(argv)
    with open(a.init, "rb") as f:
        data = f.read()
    tmp = a.output + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(build(data))
    os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
