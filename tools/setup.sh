#!/usr/bin/env bash
# Install the Debian packages zc needs (Debian 12). The package list lives here and only here.
#
#   tools/setup.sh           check; install what is missing (as root, or through passwordless sudo)
#   tools/setup.sh --check   check only; exit 1 if something is missing
#   tools/setup.sh --list    print the package list (mk/setup.mk hashes it into its stamp name)
#   tools/setup.sh --linux-kernel DIR
#                            fetch the Linux peer's kernel for `make bench` (docs/bench.md):
#                            Debian's linux-image-cloud-amd64, downloaded (not installed) with
#                            `apt-get download` and unpacked with `dpkg-deb -x` into DIR; writes
#                            DIR/kernel.json (package, version, vmlinuz path) last
#
# Works without a terminal (CI=true, no stdin): apt-get runs non-interactively.
set -euo pipefail

PACKAGES=(
	gcc make binutils            # toolchain (the kernel is built with the host gcc)
	qemu-system-x86              # boots zc: harness/qemu.py
	cpio                         # the bootfs is a cpio newc archive
	python3 python3-pytest       # the harness (stdlib only) and its tests
	python3-matplotlib python3-pandas python3-scipy   # charts and statistics
	libbenchmark-dev             # host-side benchmarks
	clang libclang-rt-14-dev     # zc-hosted-asan (ASan+UBSan) and zc-hosted-fuzz (libFuzzer runtime)
	musl-tools busybox-static    # Linux comparison guests
	libc6-dev                    # the Linux peer's /init: gcc -static with glibc (libc.a)
	chromium fonts-dejavu-core   # the dashboard test (headless browser) and its fonts
)
LINUX_META_PACKAGE=linux-image-cloud-amd64

say() { printf 'setup: %s\n' "$*"; }

# The Linux peer's kernel: the image package that Debian's cloud meta-package points to, its
# version recorded. apt-get download works without root when the package lists are there; when
# it fails as root, the lists are refreshed (apt-get update) and it is tried once more.
fetch_linux_kernel() {
	local dir=$1 tmp meta dep pkg ver deb vmlinuz
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
		say "apt-get/dpkg-deb not found: the Linux peer's kernel comes from Debian 12's" \
			"$LINUX_META_PACKAGE package" >&2
		return 1
	}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' RETURN
	download() { # download PKG[=VERSION] into $tmp; refresh the lists once as root if needed
		(cd "$tmp" && apt-get download "$1" 2>"$tmp/err") && return 0
		if ((EUID == 0)); then
			say "apt-get download $1 failed; running apt-get update and trying again"
			apt-get update -qq >/dev/null 2>&1 || true
			(cd "$tmp" && apt-get download "$1" 2>"$tmp/err") && return 0
		fi
		say "cannot download $1: $(grep -v '^W:' "$tmp/err" | tail -1)" >&2
		((EUID == 0)) || say "as root, run 'apt-get update' and try again" >&2
		return 1
	}
	say "downloading $LINUX_META_PACKAGE (apt-get download; not installed)"
	download "$LINUX_META_PACKAGE" || return 1
	meta=$(ls "$tmp"/"$LINUX_META_PACKAGE"_*.deb)
	# Depends: linux-image-6.1.0-NN-cloud-amd64 (= 6.1.xxx-y)
	dep=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' | grep -o 'linux-image-[^ ]*' | head -1)
	ver=$(dpkg-deb -f "$meta" Version)
	[[ -n "$dep" ]] || { say "$meta names no linux-image package in Depends" >&2; return 1; }
	say "downloading $dep $ver"
	download "$dep=$ver" || return 1
	deb=$(ls "$tmp"/"$dep"_*.deb)
	pkg=$(dpkg-deb -f "$deb" Package)
	ver=$(dpkg-deb -f "$deb" Version)
	rm -rf "$dir/root" "$dir/kernel.json"
	dpkg-deb -x "$deb" "$tmp/root"
	rm -rf "$tmp/root/lib" "$tmp/root/usr"   # modules and docs: the peer loads no module
	vmlinuz=$(ls "$tmp"/root/boot/vmlinuz-* 2>/dev/null | head -1)
	[[ -n "$vmlinuz" ]] || { say "$deb has no boot/vmlinuz-*" >&2; return 1; }
	mv "$tmp/root" "$dir/root"
	vmlinuz=root/boot/$(basename "$vmlinuz")
	printf '{"meta_package": "%s", "package": "%s", "version": "%s", "vmlinuz": "%s"}\n' \
		"$LINUX_META_PACKAGE" "$pkg" "$ver" "$vmlinuz" >"$dir/kernel.json"
	say "Linux peer kernel: $pkg $ver -> $dir/$vmlinuz"
}

case "${1:-}" in
--list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
--linux-kernel)
	[[ -n "${2:-}" ]] || { echo "setup: --linux-kernel needs a directory" >&2; exit 2; }
	fetch_linux_kernel "$2"
	exit ;;
--check | "") ;;
-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
*) echo "setup: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	say "dpkg-query not found: zc expects Debian 12. Install by hand: ${PACKAGES[*]}" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	say "all ${#PACKAGES[@]} packages are installed"
	exit 0
fi
say "missing: ${missing[*]}"
[[ "${1:-}" == --check ]] && exit 1

install_cmd=(env DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${missing[@]}")
if ((EUID == 0)); then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=(sudo)
else
	say "installing needs root. Run this, then make setup again:" >&2
	echo "  sudo sh -c 'apt-get update && ${install_cmd[*]}'" >&2
	exit 1
fi

say "running: ${sudo[*]:+${sudo[*]} }apt-get update"
"${sudo[@]}" apt-get update
say "running: ${sudo[*]:+${sudo[*]} }${install_cmd[*]}"
"${sudo[@]}" "${install_cmd[@]}" </dev/null
say "installed: ${missing[*]}"
