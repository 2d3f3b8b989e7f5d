#!/usr/bin/env bash
# Install the Debian packages zc needs (Debian 12). The package list lives here and only here.
#
#   tools/setup.sh           check; install what is missing (as root, or through passwordless sudo)
#   tools/setup.sh --check   check only; exit 1 if something is missing
#   tools/setup.sh --list    print the package list (mk/setup.mk hashes it into its stamp name)
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
	musl-tools busybox-static    # Linux comparison guests
)

say() { printf 'setup: %s\n' "$*"; }

case "${1:-}" in
--list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
--check | "") ;;
-h | --help) sed -n '2,8p' "$0"; exit 0 ;;
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
