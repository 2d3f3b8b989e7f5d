"""zc's host harness: boot zc in QEMU and run its tests (`/usr/bin/python3 -m harness --help`)."""
