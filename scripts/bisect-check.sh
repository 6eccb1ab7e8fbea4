#!/usr/bin/env bash
# make bisect-check: the x86_64 kernel must build after the fixture and
# after each patch on top of it (the series, then the execve() fix). Each step is built in its own worktree
# (build/trees/bisect); ccache shares everything unchanged with the base
# and fixed builds, so a step costs about what the patch touches.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
VARIANT=fixed "$TOP/scripts/apply.sh"
src=$(base_src)
tree="$BUILD/trees/bisect"
n=$(($(variant_patches fixed | wc -l) - 1))

if [ ! -e "$tree/.git" ]; then
	git -C "$src" worktree prune
	rm -rf "$tree.new"
	git -C "$src" worktree add -q --detach "$tree.new" "variant/fixed~$n"
	git -C "$src" worktree move "$tree.new" "$tree"
fi

failed=0
for k in $(seq "$n" -1 0); do
	rev=$(git -C "$src" rev-parse "variant/fixed~$k")
	subject=$(git -C "$src" log -1 --format=%s "$rev")
	git -C "$tree" checkout -q -f --detach "$rev"
	if KTREE="$tree" KOUT="$(kbuild_dir "$ARCH" bisect)" ARCH=$ARCH VARIANT=fixed \
		"$TOP/scripts/build-kernel.sh" >"$BUILD/bisect-$((n - k)).log" 2>&1; then
		echo "ok   $((n - k))/$n builds: $subject"
	else
		echo "FAIL $((n - k))/$n does not build: $subject (see ${BUILD#"$TOP"/}/bisect-$((n - k)).log)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || die "$failed step(s) of the series do not build for $ARCH: every patch must build on its own"
echo "bisect-check: fixture and all $n patches build for $ARCH"
