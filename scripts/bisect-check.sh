#!/usr/bin/env bash
# make bisect-check: the x86_64 kernel must build after the fixture and
# after each patch on top of it (the series, then the execve() fix).
#
# The steps are built in the base variant's own tree and build directory:
# the base variant is the fixture, so the first step is already built and
# every later step is an incremental build. The tree goes back to the base
# variant afterwards, also when the check is interrupted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
export KNOBS=0
VARIANT=base "$TOP/scripts/apply.sh"
VARIANT=fixed "$TOP/scripts/apply.sh"
src=$(base_src)
tree=$(variant_tree base)
out=$(kbuild_dir "$ARCH" base)
n=$(($(variant_patches fixed | wc -l) - 1))
base_head=$(git -C "$src" rev-parse variant/base)
[ "$(git -C "$src" rev-parse "variant/fixed~$n^{tree}")" = "$(git -C "$src" rev-parse "$base_head^{tree}")" ] ||
	die "the fixed stack does not start with the base variant: check the series directories in scripts/lib.sh"

restore() { git -C "$tree" checkout -q -f --detach "$base_head"; }
trap restore EXIT

failed=0
for k in $(seq "$n" -1 0); do
	rev=$(git -C "$src" rev-parse "variant/fixed~$k")
	subject=$(git -C "$src" log -1 --format=%s "$rev")
	git -C "$tree" checkout -q -f --detach "$rev"
	t0=$(date +%s)
	if KTREE="$tree" KOUT="$out" ARCH=$ARCH VARIANT=base \
		"$TOP/scripts/build-kernel.sh" >"$BUILD/bisect-$((n - k)).log" 2>&1; then
		echo "ok   $((n - k))/$n builds ($(($(date +%s) - t0)) s): $subject"
	else
		echo "FAIL $((n - k))/$n does not build: $subject (see ${BUILD#"$TOP"/}/bisect-$((n - k)).log)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || die "$failed step(s) do not build for $ARCH: every patch must build on its own"
echo "bisect-check: fixture and all $n patches on top build for $ARCH"
