#!/bin/sh
# setup-debian.sh [BUILD_DIR [CONFIGURE_ARGS...]] — make a fresh Debian 12
# machine ready: install the Debian packages exhibit needs (only those
# missing; needs root for that), then configure and build exhibit out of
# tree in BUILD_DIR (default: build/).  Safe to run again.
# EXHIBIT_SETUP_BUILD=no stops after configure (scripts/test.sh: distcheck,
# check and the fuzz targets build what they need themselves).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$top/build"}
[ $# -gt 0 ] && shift

packages="build-essential g++ autoconf automake libtool pkg-config
libtsk-dev libewf-dev libsqlite3-dev libssl-dev check
sleuthkit ewf-tools sqlite3 e2fsprogs dosfstools mtools fdisk ffmpeg
python3 unzip libxml2-utils clang libclang-rt-14-dev hashdeep time exfatprogs openssl
libyajl-dev zlib1g-dev libarchive-dev p7zip-full
libjpeg-turbo-progs libheif-examples libavif-bin libtiff-tools testdisk foremost scalpel
libavformat-dev libavcodec-dev libswscale-dev libavutil-dev"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "setup: installing Debian packages:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: run as root (or install them yourself: apt-get install$missing)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	echo "setup: generating the build system (autoreconf)"
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	echo "setup: configuring in $build $*"
	"$top/configure" -q "$@" 2>&1 | grep -v "cannot remove 'core'" || true
	[ -f Makefile ] || { echo "setup: configure failed (see $build/config.log)" >&2; exit 1; }
fi
[ "${EXHIBIT_SETUP_BUILD:-yes}" = no ] && exit 0
echo "setup: building in $build"
make -s -j"$(nproc)" >/dev/null
