#!/usr/bin/env bash
# LAVA's dispatcher from Debian bookworm's packages, unpacked into
# build/lava/root with dpkg-deb -x (nothing is installed system-wide, and
# the 100-odd packages a full install pulls in are not needed): the
# lava-dispatcher, lava-common and lava-dispatcher-host packages and the
# pure Python libraries they import. Run with /usr/bin/python3 -S and
# PYTHONPATH=build/lava/root/usr/lib/python3/dist-packages. Prints that
# directory. Done once; a partial unpack never replaces a complete one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# python3-guestfs is left out: only lava-test-shell overlays use it, and
# the jobs here test with monitors. A stub module satisfies the import.
LAVA_PKGS="lava-dispatcher lava-common lava-dispatcher-host python3-certifi python3-chardet
python3-charset-normalizer python3-configobj python3-idna python3-jinja2 python3-magic
python3-markupsafe python3-netifaces python3-pexpect python3-ptyprocess python3-pyudev
python3-requests python3-setproctitle python3-six python3-tz python3-urllib3
python3-voluptuous python3-yaml"

root="$BUILD/lava/root"
site="$root/usr/lib/python3/dist-packages"
if [ ! -f "$root/.complete" ]; then
	# libmagic and libudev are loaded by python3-magic and python3-pyudev.
	need_packages python3 libmagic1 libudev1
	log "unpacking LAVA's dispatcher from bookworm's packages into ${root#"$TOP"/} (once)"
	private_apt_update bookworm amd64
	tmp="$BUILD/lava/.unpack.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp/debs" "$tmp/root"
	# shellcheck disable=SC2086
	(cd "$tmp/debs" && private_apt bookworm amd64 apt-get download $LAVA_PKGS) \
		>"$BUILD/lava/download.log" 2>&1 || {
		rm -rf "$tmp"
		die "downloading LAVA's packages from bookworm failed: see ${BUILD#"$TOP"/}/lava/download.log"
	}
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	printf '%s\n' '"""Stub: lava-test-shell overlays need libguestfs; monitors do not."""' \
		>"$tmp/root/usr/lib/python3/dist-packages/guestfs.py"
	(cd "$tmp/debs" && ls) >"$tmp/root/.complete"
	rm -rf "$root"
	mv "$tmp/root" "$root"
	rm -rf "$tmp"
fi
[ -x "$root/usr/bin/lava-run" ] || die "${root#"$TOP"/} has no usr/bin/lava-run: remove ${root#"$TOP"/} and run again"
echo "$site"
