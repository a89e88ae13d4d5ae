#!/bin/sh
# Install the Debian packages named as arguments if any is missing: as root
# directly, else through password-less sudo; otherwise print the exact line.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
		|| missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "缺少软件包 missing packages:$missing (not a Debian system: install them by hand)" >&2
	exit 1
fi
run=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		run="sudo"
	else
		echo "缺少软件包 missing Debian packages. Run:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi
echo "安装软件包 installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq >&2 && $run apt-get install -y -qq$missing >&2 || {
	echo "apt-get failed. Run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
}
