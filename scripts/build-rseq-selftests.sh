#!/usr/bin/env bash
# The peer suite: upstream's tools/testing/selftests/rseq from the pinned
# base tree, built static for ARCH into OUT (one directory of programs),
# the way its Makefile builds them (same sources and -D options), but with
# rseq.c linked in instead of librseq.so, so that they run in the bare
# initramfs. Usage: build-rseq-selftests.sh OUT
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
load_arch "$ARCH"
dest=$(realpath -m "${1:?usage: build-rseq-selftests.sh OUT}")
"$TOP/scripts/fetch-base.sh" >&2
top=$(base_src)
src="$top/tools/testing/selftests/rseq"
[ -f "$src/param_test.c" ] || die "no rseq selftests in ${top#"$TOP"/}: the base tree is incomplete, run 'make distclean base'"

# program source -D options. Not built: basic_percpu_ops_test and its
# mm_cid variant hard-code 200 threads and 100000 list operations each,
# 36 s on the 2-core host and beyond any timeout under TCG; param_test
# -T s and -T l run the same per-CPU spinlock and list code with
# parameters.
progs=(
	"basic_test basic_test.c"
	"syscall_errors_test syscall_errors_test.c"
	"param_test param_test.c"
	"param_test_compare_twice param_test.c -DRSEQ_COMPARE_TWICE"
	"param_test_mm_cid param_test.c -DBUILDOPT_RSEQ_PERCPU_MM_CID"
	"param_test_mm_cid_compare_twice param_test.c -DBUILDOPT_RSEQ_PERCPU_MM_CID -DRSEQ_COMPARE_TWICE"
)
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "$(dirname "$dest")/.rseq.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The base tree's own UAPI headers, as the kselftest build uses them
# (KHDR_INCLUDES): the cross toolchains' linux-libc-dev is older (6.1)
# and lacks AT_RSEQ_ALIGN and friends.
# shellcheck disable=SC2086
need_packages $KBUILD_PKGS
make -s -C "$top" O="$tmp/hdr-build" ARCH="$KARCH" INSTALL_HDR_PATH="$tmp/hdr" \
	headers_install >"$tmp/headers.log" 2>&1 ||
	die "headers_install of the base tree failed for $ARCH: $(tail -1 "$tmp/headers.log")"
for p in "${progs[@]}"; do
	read -r name file defs <<<"$p"
	# shellcheck disable=SC2086
	"${CROSS_COMPILE_DEFAULT}gcc" -O2 -Wall -g -static $defs -isystem "$tmp/hdr/include" \
		-I"$src" -I"$src/.." \
		-I"$top/tools/include" -I"$top/tools/arch/$KARCH/include" \
		"$src/$file" "$src/rseq.c" -lpthread -ldl -o "$tmp/$name" 2>"$tmp/$name.log" ||
		die "upstream rseq selftest $name does not build for $ARCH: $(grep -m1 error "$tmp/$name.log")"
	rm -f "$tmp/$name.log"
done
rm -rf "$tmp/hdr" "$tmp/hdr-build" "$tmp/headers.log" "$dest"
mv "$tmp" "$dest"
trap - EXIT
