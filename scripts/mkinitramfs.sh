#!/usr/bin/env bash
# make initramfs ARCH=...: an uncompressed initramfs for the guest with
# Debian's busybox-static of that architecture, the static selftests,
# upstream's rseq selftests (the peer suite) and an /init which runs them
# and powers the guest off.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
load_arch "$ARCH"
out="$BASE_BUILD/initramfs/$ARCH"
mkdir -p "$out"

# unpack_guest_package PKG DEST: Debian's PKG of the guest architecture,
# downloaded from the machine's own suite and unpacked into DEST (renamed
# into place when complete); the host's packages and dpkg architectures
# stay as they are.
unpack_guest_package() {
	local pkg=$1 dest=$2 suite dl
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	private_apt_update "$suite" "$DEB_ARCH"
	dl=$(mktemp -d "$BUILD/.$pkg.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	(cd "$dl" && private_apt "$suite" "$DEB_ARCH" apt-get download "$pkg:$DEB_ARCH") \
		>"$out/$pkg-download.log" 2>&1 ||
		die "could not download $pkg for $DEB_ARCH: see ${out#"$TOP"/}/$pkg-download.log"
	dpkg-deb -x "$dl/${pkg}_"*.deb "$dl/root"
	mkdir -p "$(dirname "$dest")"
	rm -rf "$dest"
	mv "$dl/root" "$dest"
	rm -rf "$dl"
	trap - EXIT
}

# busybox, and liburcu (mm_cid_pool links it statically).
[ -x "$BUILD/busybox/$DEB_ARCH/root/bin/busybox" ] ||
	unpack_guest_package busybox-static "$BUILD/busybox/$DEB_ARCH/root"
busybox="$BUILD/busybox/$DEB_ARCH/root/bin/busybox"
urcu="$BUILD/urcu/$DEB_ARCH"
[ -d "$urcu/usr/include" ] || unpack_guest_package liburcu-dev "$urcu"

"$TOP/scripts/fetch-base.sh" # kselftest.h comes from the base tree

# The selftests, static, for the guest architecture.
# rsync: the collection's make install (lib.mk) copies with it.
need_packages rsync
[ "$ARCH" = x86_64 ] || need_packages $TOOLCHAIN_PKGS
tests="$BUILD/selftests/$ARCH"
ksft="$(base_src)/tools/testing/selftests"
selftests_make "$CROSS_COMPILE_DEFAULT" -s OUTPUT="$tests" \
	KSFT_DIR="$ksft" URCU_ROOT="$urcu" USERLDFLAGS=-static >&2 ||
	die "the selftests do not build for $ARCH: see the compiler output above"
[ -x "$tests/mm_cid_pool" ] ||
	die "mm_cid_pool was not built for $ARCH: liburcu of $DEB_ARCH is missing from ${urcu#"$TOP"/}; remove that directory and run again"

# The peer suite: upstream's rseq selftests from the base tree, static.
peer="$BUILD/rseq-selftests/$BASE_VERSION/$ARCH"
[ -x "$peer/param_test" ] || ARCH=$ARCH "$TOP/scripts/build-rseq-selftests.sh" "$peer"

stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,usr/bin,kselftest/kselftest,kselftest/rseq}
cp "$busybox" "$stage/bin/busybox"
cp "$TOP/scripts/guest/init" "$stage/init"
cp "$TOP/scripts/guest/run-tests" "$stage/bin/run-tests"
cp "$TOP/scripts/guest/timeout" "$stage/usr/bin/timeout"
chmod 755 "$stage/init" "$stage/bin/run-tests" "$stage/usr/bin/timeout"
# Installed as make -C tools/testing/selftests install lays a kselftest
# tree out: upstream's runner, one directory per collection, the list.
cp "$ksft/run_kselftest.sh" "$stage/kselftest/"
cp "$ksft"/kselftest/{runner.sh,ktap_helpers.sh,prefix.pl,module.sh} "$stage/kselftest/kselftest/"
selftests_make "$CROSS_COMPILE_DEFAULT" -s OUTPUT="$tests" \
	KSFT_DIR="$ksft" URCU_ROOT="$urcu" USERLDFLAGS=-static \
	INSTALL_PATH="$stage/kselftest/mmcid" install >&2 ||
	die "the selftests do not install for $ARCH: see the output above"
cp "$peer"/* "$TOP/scripts/guest/rseq-upstream" "$ksft/rseq/settings" "$stage/kselftest/rseq/"
{
	selftests_make "$CROSS_COMPILE_DEFAULT" -s --no-print-directory \
		OUTPUT="$tests" KSFT_DIR="$ksft" URCU_ROOT="$urcu" USERLDFLAGS=-static \
		COLLECTION=mmcid emit_tests | grep '^mmcid:'
	echo "rseq:rseq-upstream"
} >"$stage/kselftest/kselftest-list.txt"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
rm -rf "$stage"
trap - EXIT
log "initramfs: ${out#"$TOP"/}/initramfs.cpio ($(du -k "$out/initramfs.cpio" | cut -f1) KiB)"
