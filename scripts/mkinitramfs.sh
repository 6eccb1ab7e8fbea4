#!/usr/bin/env bash
# make initramfs ARCH=...: an uncompressed initramfs for the guest with
# Debian's busybox-static of that architecture, the static selftests and
# an /init which runs them and powers the guest off.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
source "$TOP/scripts/arch/$ARCH.sh"
out="$BUILD/initramfs/$ARCH"
mkdir -p "$out"

# busybox: downloaded for the guest architecture from the machine's own
# suite and unpacked; the host's packages and dpkg architectures stay as
# they are.
busybox="$BUILD/busybox/$DEB_ARCH/bin/busybox"
if [ ! -x "$busybox" ]; then
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	private_apt_update "$suite" "$DEB_ARCH"
	dl=$(mktemp -d "$BUILD/.busybox.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	(cd "$dl" && private_apt "$suite" "$DEB_ARCH" apt-get download "busybox-static:$DEB_ARCH") \
		>"$out/busybox-download.log" 2>&1 ||
		die "could not download busybox-static for $DEB_ARCH: see ${out#"$TOP"/}/busybox-download.log"
	dpkg-deb -x "$dl"/busybox-static_*.deb "$dl/root"
	mkdir -p "$(dirname "$busybox")"
	mv "$dl/root/bin/busybox" "$busybox.tmp"
	mv "$busybox.tmp" "$busybox"
	rm -rf "$dl"
	trap - EXIT
fi

# liburcu (mm_cid_pool links it statically): Debian's liburcu-dev of the
# guest architecture, unpacked like busybox.
urcu="$BUILD/urcu/$DEB_ARCH"
if [ ! -d "$urcu/usr/include" ]; then
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	private_apt_update "$suite" "$DEB_ARCH"
	dl=$(mktemp -d "$BUILD/.urcu.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	(cd "$dl" && private_apt "$suite" "$DEB_ARCH" apt-get download "liburcu-dev:$DEB_ARCH") \
		>"$out/urcu-download.log" 2>&1 ||
		die "could not download liburcu-dev for $DEB_ARCH: see ${out#"$TOP"/}/urcu-download.log"
	dpkg-deb -x "$dl"/liburcu-dev_*.deb "$dl/root"
	mkdir -p "$BUILD/urcu"
	rm -rf "$urcu"
	mv "$dl/root" "$urcu"
	rm -rf "$dl"
	trap - EXIT
fi

"$TOP/scripts/fetch-base.sh" # kselftest.h comes from the base tree

# The selftests, static, for the guest architecture.
[ "$ARCH" = x86_64 ] || need_packages $TOOLCHAIN_PKGS
tests="$BUILD/selftests/$ARCH"
make -s -C "$TOP/selftests" CROSS_COMPILE="$CROSS_COMPILE_DEFAULT" OUTPUT="$tests" \
	KSFT_DIR="$(base_src)/tools/testing/selftests" URCU_ROOT="$urcu" >&2 ||
	die "the selftests do not build for $ARCH: see the compiler output above"

stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,tests}
cp "$busybox" "$stage/bin/busybox"
cp "$TOP/scripts/guest/init" "$stage/init"
chmod 755 "$stage/init"
for prog in mm_cid_show mm_cid_transitions mm_cid_exec mm_cid_pool; do
	cp "$tests/$prog" "$stage/tests/"
done
cp "$TOP/scripts/guest/run-tests" "$stage/tests/run-tests"
cp "$TOP/selftests/settings" "$stage/tests/settings"
# The guest is disposable: it may run the reproducers which hard-lock
# affected kernels.
printf '%s\n' "mmcid:mm_cid_transitions" "mmcid:mm_cid_exec --allow-lockup" "mmcid:mm_cid_pool" \
	>"$stage/tests/kselftest-list.txt"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
rm -rf "$stage"
trap - EXIT
log "initramfs: ${out#"$TOP"/}/initramfs.cpio ($(du -k "$out/initramfs.cpio" | cut -f1) KiB)"
