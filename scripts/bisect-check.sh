#!/usr/bin/env bash
# make bisect-check: the x86_64 kernel must build after the fixture and
# after each patch on top of it (the series, then the execve() and powerpc
# fixes; the powerpc one changes nothing for x86_64, the ppc64le kernel
# builds it).
#
# The steps are built in the prefix variant's own tree and build
# directory: prefix is the fixture (on the powerpc lockdep fixes every
# variant carries, which build nothing on x86_64), so the first step is
# already built and every later step is an incremental build. The tree
# goes back to prefix afterwards, also when the check is interrupted.
#
# BISECT_QUICK=1 (make check): steps whose include/linux/rseq_types.h still
# has the fixture's two-field layout compile only the objects that use the
# mm_cid types (kernel/sched/, the entry code, fork, exit, exec, rseq, the
# init task and mm); from the layout change on every step is a full build.
# That saves CI a second cold kernel build (the fixture's layout reaches
# nearly every object), and the fixed kernel then comes out of ccache.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
export KNOBS=0
VARIANT=prefix "$TOP/scripts/apply.sh"
VARIANT=fixed "$TOP/scripts/apply.sh"
src=$(base_src)
tree=$(variant_tree prefix)
out=$(kbuild_dir "$ARCH" prefix)
# The patches of fixed on top of prefix (both start with the same ones).
n=$(($(variant_patches fixed | wc -l) - $(variant_patches prefix | wc -l)))
base_head=$(git -C "$src" rev-parse variant/prefix)
[ "$(git -C "$src" rev-parse "variant/fixed~$n^{tree}")" = "$(git -C "$src" rev-parse "$base_head^{tree}")" ] ||
	die "the fixed stack does not start with the base variant: check the series directories in scripts/lib.sh"

restore() { git -C "$tree" checkout -q -f --detach "$base_head"; }
trap restore EXIT

# The objects which use the mm_cid types (git grep -l mm_cid -- '*.c').
quick_targets="kernel/sched/ kernel/entry/ kernel/fork.o kernel/exit.o kernel/rseq.o fs/exec.o init/init_task.o mm/init-mm.o"

failed=0
for k in $(seq "$n" -1 0); do
	rev=$(git -C "$src" rev-parse "variant/fixed~$k")
	subject=$(git -C "$src" log -1 --format=%s "$rev")
	git -C "$tree" checkout -q -f --detach "$rev"
	t0=$(date +%s)
	targets='' what=builds
	if [ "${BISECT_QUICK:-0}" = 1 ] &&
		! git -C "$src" diff --quiet "$rev" variant/fixed -- include/linux/rseq_types.h; then
		targets=$quick_targets what="compiles the mm_cid users"
	fi
	if KTARGETS=$targets KTREE="$tree" KOUT="$out" ARCH=$ARCH VARIANT=prefix \
		"$TOP/scripts/build-kernel.sh" >"$BUILD/bisect-$((n - k)).log" 2>&1; then
		echo "ok   $((n - k))/$n $what ($(($(date +%s) - t0)) s): $subject"
	else
		echo "FAIL $((n - k))/$n does not build: $subject (see ${BUILD#"$TOP"/}/bisect-$((n - k)).log)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || die "$failed step(s) do not build for $ARCH: every patch must build on its own"
echo "bisect-check: fixture and all $n patches on top build for $ARCH"
