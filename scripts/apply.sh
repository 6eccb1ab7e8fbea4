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
scratch="$BUILD/trees/.am"
list=$(variant_patches "$VARIANT")
mapfile -t patches <<<"$list"

mkdir -p "$BUILD/trees"
git -C "$src" worktree prune
if [ ! -d "$scratch/.git" ] && [ ! -f "$scratch/.git" ]; then
	rm -rf "$scratch"
	log "creating the scratch worktree for git am (once)"
	git -C "$src" worktree add -q --detach "$scratch" "$BASE_TAG"
fi

git -C "$scratch" am --abort >/dev/null 2>&1 || true
git -C "$scratch" reset -q --hard "$BASE_TAG"
git -C "$scratch" clean -q -fdx
for p in "${patches[@]}"; do
	if ! git -C "$scratch" am -q "$p" >"$BUILD/trees/am.log" 2>&1; then
		git -C "$scratch" am --abort >/dev/null 2>&1 || true
		git -C "$scratch" reset -q --hard "$BASE_TAG"
		die "${p#"$TOP"/} does not apply to $(base_package) $BASE_VERSION (variant $VARIANT): refresh it against the base; details in ${BUILD#"$TOP"/}/trees/am.log"
	fi
done
head=$(git -C "$scratch" rev-parse HEAD)

if [ -e "$tree/.git" ]; then
	git -C "$tree" checkout -q -f --detach "$head"
else
	tmp="$BUILD/trees/.new-$VARIANT"
	rm -rf "$tmp"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$tmp" "$head"
	git -C "$src" worktree move "$tmp" "$tree"
fi
git -C "$src" branch -f "variant/$VARIANT" "$head" >/dev/null
log "$VARIANT tree: ${tree#"$TOP"/} ($(git -C "$tree" log --oneline "$BASE_TAG..HEAD" | wc -l) patches on $(base_package) $BASE_VERSION)"
