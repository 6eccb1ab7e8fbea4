#!/usr/bin/env bash
# make selftest-patch: the selftests as the patch that adds them to the
# kernel, tools/testing/selftests/mmcid/ and a TARGETS line, written to
# build/selftest-patch/ for git send-email, with MAINTAINERS lines. Nothing is sent.
#
# Committed on the pristine base (scratch worktree) as the sender (git
# config user.name/user.email), with patches/selftest/changelog as the
# message; To: and Cc: from get_maintainer.pl (without keyword matches)
# for the new files and for the code under test (kernel/sched/core.c, the
# rseq ABI), and the author of the ownership modes. It must be
# checkpatch --strict clean, and the tree with it must build and install
# the collection with the kernel's own selftests Makefile:
#   make -C tools/testing/selftests TARGETS=mmcid all install
# SELFTEST_PATCH_RUN=1 also runs it there on the host (emit_tests,
# run_tests) and cross-builds it for arm64 and ppc64le, and for an
# architecture without the rseq critical sections (rseq_abort: SKIP).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sender_identity
"$TOP/scripts/fetch-base.sh"
need_packages git perl python3 rsync make g++ liburcu-dev file
src=$(base_src)
out="$BUILD/selftest-patch"
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"

lock_scratch_am # the commit below is made in the scratch worktree
base=$(scratch_am)
tree="$BASE_BUILD/trees/.am"
dest=tools/testing/selftests/mmcid
# The collection as the repository has it, without the host unit tests
# (GoogleTest, not a kernel build dependency).
(cd "$TOP/selftests" && git ls-files -- . ':!:unit/*') | while read -r f; do
	mkdir -p "$tree/$dest/$(dirname "$f")"
	cp "$TOP/selftests/$f" "$tree/$dest/$f"
done
sed -i 's/^TARGETS += mm$/&\nTARGETS += mmcid/' "$tree/tools/testing/selftests/Makefile"
grep -qx 'TARGETS += mmcid' "$tree/tools/testing/selftests/Makefile" ||
	die "no 'TARGETS += mm' line in tools/testing/selftests/Makefile of the base: place the mmcid line by hand in this script"
# The code under test is the scheduler's (kernel/sched/), seen through
# rseq: the directory goes in both entries.
for entry in SCHEDULER "RESTARTABLE SEQUENCES SUPPORT"; do
	# In its sorted place among the entry's F: lines.
	awk -v e="$entry" -v f="F:	tools/testing/selftests/mmcid/" '
		$0 == e { s = 1 }
		s && ((/^F:/ && $0 > f) || /^$/ || (/^[A-Z]:/ && !/^F:/ && seen)) { print f; s = 0 }
		s && /^F:/ { seen = 1 }
		{ print }' \
		"$tree/MAINTAINERS" >"$tree/MAINTAINERS.new"
	mv "$tree/MAINTAINERS.new" "$tree/MAINTAINERS"
done
[ "$(grep -c '^F:	tools/testing/selftests/mmcid/$' "$tree/MAINTAINERS")" = 2 ] ||
	die "the SCHEDULER or RESTARTABLE SEQUENCES SUPPORT entry of MAINTAINERS was not found: place the mmcid lines by hand in this script"
# -f: the Debian tree's .gitignore ignores everything at its top level.
git -C "$tree" add -f "$dest" tools/testing/selftests/Makefile MAINTAINERS
GIT_AUTHOR_NAME=$SENDER_NAME GIT_AUTHOR_EMAIL=$SENDER_EMAIL GIT_COMMITTER_NAME=$SENDER_NAME \
	GIT_COMMITTER_EMAIL=$SENDER_EMAIL git -C "$tree" commit -q -s -F "$TOP/patches/selftest/changelog"

# addresses OPTIONS FILES...: get_maintainer.pl's, one per line.
addresses() {
	local opts=$1
	shift
	# shellcheck disable=SC2086
	(cd "$tree" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats \
		--nokeywords $opts "$@" 2>/dev/null) || true
}
git -C "$tree" format-patch -q -1 --base="$base" -o "$tmp" HEAD
patch=$(ls "$tmp"/0001-*.patch)
mapfile -t to < <(addresses "--no-r --no-l" "$patch" | sort -u)
mapfile -t cc < <({
	addresses "--no-m" "$patch"
	addresses "" -f kernel/sched/core.c include/uapi/linux/rseq.h
	# The author of the ownership modes, whom no MAINTAINERS entry names.
	echo "Thomas Gleixner <tglx@kernel.org>"
} | sort -u)
opts=()
for a in "${to[@]}"; do opts+=(--to="$a"); done
for a in "${cc[@]}"; do
	case " ${to[*]} " in *"$a"*) continue ;; esac
	opts+=(--cc="$a")
done
rm -f "$patch"
git -C "$tree" format-patch -q -1 --base="$base" "${opts[@]}" -o "$tmp" HEAD
(cd "$tmp" && ls -- *.patch >series)
"$TOP/scripts/checkpatch-series.sh" "$tmp" ||
	die "the selftest patch is not checkpatch clean (see above); nothing was written to ${out#"$TOP"/}"

# The kernel's selftests Makefile builds and installs it.
kbuild="$tmp/build"
log "selftest-patch: make -C tools/testing/selftests TARGETS=mmcid all install"
make -C "$tree/tools/testing/selftests" TARGETS=mmcid O="$kbuild" -j2 all >"$tmp/build.log" 2>&1 ||
	die "the collection does not build in the kernel tree: see ${tmp#"$TOP"/}/build.log"
make -C "$tree/tools/testing/selftests" TARGETS=mmcid O="$kbuild" \
	INSTALL_PATH="$kbuild/install" install >>"$tmp/build.log" 2>&1 ||
	die "the collection does not install from the kernel tree: see ${tmp#"$TOP"/}/build.log"
grep -qx 'mmcid:mm_cid_transitions' "$kbuild/install/kselftest-list.txt" ||
	die "the installed kselftest-list.txt does not list mmcid:mm_cid_transitions"
if [ "${SELFTEST_PATCH_RUN:-0}" = 1 ]; then
	log "selftest-patch: make -C tools/testing/selftests/mmcid emit_tests; make -C tools/testing/selftests TARGETS=mmcid run_tests"
	# emit_tests is a collection's target (lib.mk), as the selftests
	# Makefile's install calls it.
	make -s -C "$tree/tools/testing/selftests/mmcid" OUTPUT="$kbuild/kselftest/mmcid" \
		emit_tests >"$tmp/emit_tests.log" 2>&1 ||
		die "emit_tests fails in the kernel tree: see ${tmp#"$TOP"/}/emit_tests.log"
	grep -qx 'mmcid:rseq_abort' "$tmp/emit_tests.log" ||
		die "emit_tests does not list mmcid:rseq_abort: see ${tmp#"$TOP"/}/emit_tests.log"
	# run_tests exits 0 even when a test fails: the TAP lines decide.
	make -C "$tree/tools/testing/selftests" TARGETS=mmcid O="$kbuild" run_tests 2>&1 |
		tee "$tmp/run_tests.log"
	! grep -q '^not ok' "$tmp/run_tests.log" ||
		die "a test failed under run_tests on the host: see ${tmp#"$TOP"/}/run_tests.log"
	# The other architectures' cross builds, and one for an architecture
	# without the rseq critical sections (what riscv and the rest get).
	for a in arm64 ppc64le; do
		load_arch "$a"
		# shellcheck disable=SC2086 # one word per package
		need_packages $TOOLCHAIN_PKGS
		log "selftest-patch: make ARCH=$KARCH CROSS_COMPILE=$CROSS_COMPILE_DEFAULT TARGETS=mmcid all"
		make -C "$tree/tools/testing/selftests" TARGETS=mmcid O="$kbuild-$a" ARCH="$KARCH" \
			CROSS_COMPILE="$CROSS_COMPILE_DEFAULT" -j2 all >"$tmp/build-$a.log" 2>&1 ||
			die "the collection does not cross-build for $a in the kernel tree: see ${tmp#"$TOP"/}/build-$a.log"
		file "$kbuild-$a/kselftest/mmcid/mm_cid_transitions" | grep -q "$ELF_MACHINE" ||
			die "$a: mm_cid_transitions is not a $ELF_MACHINE binary"
	done
	log "selftest-patch: TARGETS=mmcid all, USERCFLAGS=-DMMCID_NO_RSEQ_CS"
	make -C "$tree/tools/testing/selftests" TARGETS=mmcid O="$kbuild-none" \
		USERCFLAGS=-DMMCID_NO_RSEQ_CS -j2 all >"$tmp/build-none.log" 2>&1 ||
		die "the collection does not build without critical sections: see ${tmp#"$TOP"/}/build-none.log"
	rc=0
	"$kbuild-none/kselftest/mmcid/rseq_abort" --duration=1 >/dev/null || rc=$?
	[ "$rc" = 4 ] || die "rseq_abort built without critical sections exits $rc, not 4 (SKIP)"
	rm -rf "$kbuild-arm64" "$kbuild-ppc64le" "$kbuild-none"
fi
rm -rf "$kbuild"
git -C "$tree" reset -q --hard "$BASE_TAG"
rm -rf "$out"
mv "$tmp" "$out"
log "selftest-patch: ${out#"$TOP"/}/$(cd "$out" && ls -- 0001-*.patch), signed off by $SENDER_NAME <$SENDER_EMAIL>; nothing was sent"
