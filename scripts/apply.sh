#!/usr/bin/env bash
# make apply VARIANT=prefix|fixed|mainline|mainline-fixed: a worktree of the
# pristine base with the variant's patches applied by git am.
#
# The patches are applied in a scratch worktree first; the variant's tree
# only moves (git checkout) once every patch applied. git checkout rewrites
# just the files that differ, so kbuild rebuilds only what changed.
#
# KDIR=path: apply the variant's patches (not the fixture, which belongs to
# the pinned base) to the user's git tree instead, with git am on its
# current branch; AM_FLAGS=--3way lets git am fall back to a 3-way merge.
# EXTRA_PATCHES=dir stacks the user's patches on top in both cases.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-fixed}
check_variant "$VARIANT"
extra_patches >/dev/null

if [ -n "${KDIR:-}" ]; then
	check_kdir
	[ "$VARIANT" != prefix ] ||
		die "VARIANT=prefix is the fixture for the pinned base only: with KDIR use VARIANT=mainline-fixed (the execve() and powerpc fixes) or fixed (the v2 series too)"
	[ -z "$(git -C "$KDIR" status --porcelain --untracked-files=no)" ] ||
		die "KDIR=$KDIR has uncommitted changes: commit or stash them first (git am needs a clean tree)"
	mapfile -t kpatches < <(kdir_patches "$VARIANT")
	[ ${#kpatches[@]} -gt 0 ] || {
		log "VARIANT=$VARIANT adds no patches: KDIR=$KDIR is built as it is"
		exit 0
	}
	for p in "${kpatches[@]}"; do
		if git -C "$KDIR" apply --check -R "$p" >/dev/null 2>&1; then
			die "${p#"$TOP"/} is already in KDIR=$KDIR: the tree has it (upstream 6.19+ has the v2 series: use VARIANT=mainline-fixed)"
		fi
	done
	for p in "${kpatches[@]}"; do
		# shellcheck disable=SC2086
		if ! git -C "$KDIR" am -q ${AM_FLAGS:-} "$p" >"$BUILD/kdir-am.log" 2>&1; then
			git -C "$KDIR" am --abort >/dev/null 2>&1 || true
			die "${p#"$TOP"/} does not apply to KDIR=$KDIR (nothing applied from it; earlier patches stay): try AM_FLAGS=--3way, see ${BUILD#"$TOP"/}/kdir-am.log"
		fi
		log "applied $(basename "$p")"
	done
	log "KDIR=$KDIR: ${#kpatches[@]} patch(es) applied with git am on $(git -C "$KDIR" rev-parse --abbrev-ref HEAD)"
	exit 0
fi

"$TOP/scripts/fetch-base.sh"
src=$(base_src)
tree=$(variant_tree "$VARIANT")
list=$(variant_patches "$VARIANT")
# shellcheck disable=SC2086
head=$(scratch_am $list)

if [ -e "$tree/.git" ]; then
	git -C "$tree" checkout -q -f --detach "$head"
else
	tmp="$BASE_BUILD/trees/.new-$(variant_name "$VARIANT")"
	rm -rf "$tmp"
	# A checkout and, later, a kernel build in it or two.
	need_disk 3 "the $(variant_name "$VARIANT") tree"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$tmp" "$head"
	git -C "$src" worktree move "$tmp" "$tree"
fi
git -C "$src" branch -f "variant/$(variant_name "$VARIANT")" "$head" >/dev/null
log "$(variant_name "$VARIANT") tree: ${tree#"$TOP"/} ($(git -C "$tree" log --oneline "$BASE_TAG..HEAD" | wc -l) patches on $(base_package) $BASE_VERSION)"
