#!/usr/bin/env bash
# make initramfs ARCH=...: an uncompressed initramfs for the guest with
# Debian's busybox-static of that architecture, the static selftests,
# upstream's rseq selftests (the peer suite) and an /init which runs them
# and powers the guest off.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
source "$TOP/scripts/arch/$ARCH.sh"
out="$BUILD/initramfs/$ARCH"
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
[ "$ARCH" = x86_64 ] || need_packages $TOOLCHAIN_PKGS
tests="$BUILD/selftests/$ARCH"
make -s -C "$TOP/selftests" CROSS_COMPILE="$CROSS_COMPILE_DEFAULT" OUTPUT="$tests" \
	KSFT_DIR="$(base_src)/tools/testing/selftests" URCU_ROOT="$urcu" >&2 ||
	die "the selftests do not build for $ARCH: see the compiler output above"

# The peer suite: upstream's rseq selftests from the base tree, static.
peer="$BUILD/rseq-selftests/$BASE_VERSION/$ARCH"
[ -x "$peer/param_test" ] || ARCH=$ARCH "$TOP/scripts/build-rseq-selftests.sh" "$peer"

stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,tests}
cp "$busybox" "$stage/bin/busybox"
cp "$TOP/scripts/guest/init" "$stage/init"
chmod 755 "$stage/init"
for prog in mm_cid_show mm_cid_transitions mm_cid_exec mm_cid_pool rseq_abort; do
	cp "$tests/$prog" "$stage/tests/"
done
cp "$TOP/scripts/guest/run-tests" "$stage/tests/run-tests"
mkdir -p "$stage/tests/rseq"
cp "$peer"/* "$stage/tests/rseq/"
cp "$TOP/scripts/guest/rseq-upstream" "$stage/tests/rseq-upstream"
cp "$TOP/selftests/settings" "$stage/tests/settings"
# The guest is disposable: it may run the reproducers which hard-lock
# affected kernels.
printf '%s\n' "mmcid:mm_cid_transitions" "mmcid:mm_cid_exec --allow-lockup" "mmcid:mm_cid_pool" \
	"mmcid:rseq_abort" "rseq:rseq-upstream" >"$stage/tests/kselftest-list.txt"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
rm -rf "$stage"
trap - EXIT
log "initramfs: ${out#"$TOP"/}/initramfs.cpio ($(du -k "$out/initramfs.cpio" | cut -f1) KiB)"
