#!/usr/bin/env bash
# make apply VARIANT=base|fixed: a worktree of the pristine base with the
# variant's patches applied by git am.
#
# The patches are applied in a scratch worktree first; the variant's tree
# only moves (git checkout) once every patch applied. git checkout rewrites
# just the files that differ, so kbuild rebuilds only what changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-fixed}
check_variant "$VARIANT"

"$TOP/scripts/fetch-base.sh"
src=$(base_src)
tree=$(variant_tree "$VARIANT")
list=$(variant_patches "$VARIANT")
# shellcheck disable=SC2086
head=$(scratch_am $list)

if [ -e "$tree/.git" ]; then
	git -C "$tree" checkout -q -f --detach "$head"
else
	tmp="$BUILD/trees/.new-$(variant_name "$VARIANT")"
	rm -rf "$tmp"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$tmp" "$head"
	git -C "$src" worktree move "$tmp" "$tree"
fi
git -C "$src" branch -f "variant/$(variant_name "$VARIANT")" "$head" >/dev/null
log "$(variant_name "$VARIANT") tree: ${tree#"$TOP"/} ($(git -C "$tree" log --oneline "$BASE_TAG..HEAD" | wc -l) patches on $(base_package) $BASE_VERSION)"
