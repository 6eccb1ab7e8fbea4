#!/usr/bin/env bash
# make outgoing: the v2 series and each fix as mail-ready files in
# build/outgoing/<set>/, for git send-email. Nothing is sent.
#
# Each set is applied with git am to the pristine base (the v2 series on
# its fixture), then written with git format-patch: the sender's
# Signed-off-by (git config user.name/user.email of this repository),
# base-commit (and the fixture's prerequisite-patch-id), To: the
# maintainers and Cc: reviewers and lists that get_maintainer.pl of the
# base tree names, plus the people the hand-written cover letter
# addresses. The cover letter's text replaces git's template. The result
# must be checkpatch --strict clean (make checkpatch's rules).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sender_identity
name=$SENDER_NAME email=$SENDER_EMAIL

"$TOP/scripts/fetch-base.sh"
need_packages git perl python3
src=$(base_src)
out="$BUILD/outgoing"
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"

# maintainers ROLE PATCH...: get_maintainer.pl's addresses, one per line;
# ROLE "to": the M: entries, "cc": reviewers and lists. --nogit: the
# Debian tree has no history to mine.
maintainers() {
	local role=$1 opts
	shift
	case "$role" in
	to) opts="--no-r --no-l" ;;
	cc) opts="--no-m" ;;
	esac
	# shellcheck disable=SC2086
	(cd "$src" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats \
		$opts "$@" 2>/dev/null) || true
}

# make_set NAME DIR VERSION COVER [PREREQUISITE PATCHES...]
make_set() {
	local set=$1 dir=$2 version=$3 cover=$4 base head p to cc
	shift 4
	local pre=("$@") list=() opts=()
	mapfile -t list < <(series_files "$dir")
	log "outgoing: $set (${#list[@]} patch(es))"
	head=$(scratch_am "${pre[@]}" "${list[@]}")
	base=$(git -C "$BASE_BUILD/trees/.am" rev-parse "$head~${#list[@]}")
	mapfile -t to < <(maintainers to "${list[@]}" | sort -u)
	mapfile -t cc < <({
		maintainers cc "${list[@]}"
		[ -z "$cover" ] || python3 "$TOP/scripts/cover_letter.py" addresses "$cover"
	} | sort -u)
	for p in "${to[@]}"; do opts+=(--to="$p"); done
	for p in "${cc[@]}"; do
		case " ${to[*]} " in *"$p"*) continue ;; esac
		opts+=(--cc="$p")
	done
	[ -z "$version" ] || opts+=("$version")
	[ -z "$cover" ] || opts+=(--cover-letter)
	[ ${#list[@]} -gt 1 ] || opts+=(--no-numbered)
	# The sender signs off and sends the cover letter (lib.sh sets the
	# harness's own committer identity for its trees).
	GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_AUTHOR_NAME=$name \
		GIT_AUTHOR_EMAIL=$email git -C "$BASE_BUILD/trees/.am" format-patch -q --signoff --base="$BASE_TAG" --thread=shallow "${opts[@]}" \
		-o "$tmp/$set" "$base..$head"
	if [ -n "$cover" ]; then
		python3 "$TOP/scripts/cover_letter.py" fill "$tmp/$set/"*0000-cover-letter.patch "$cover"
	fi
	# The patches (not the cover letter) in order, for make checkpatch.
	(cd "$tmp/$set" && ls -- *.patch | grep -v '0000-cover-letter\.patch$' >series)
}

lock_scratch_am # every set is made and written from the scratch worktree
make_set v2 "$PATCHES" -v2 "$PATCHES/v2-0000-cover-letter.patch" \
	"$(series_files "$PATCHES/base")"
make_set execve "$PATCHES/execve" "" "$PATCHES/execve/0000-cover-letter.patch"
make_set ppc-rseq "$PATCHES/ppc-rseq" "" ""
make_set ppc-lockdep "$PATCHES/ppc-lockdep" "" "$PATCHES/ppc-lockdep/0000-cover-letter.patch"

"$TOP/scripts/checkpatch-series.sh" "$tmp/v2" "$tmp/execve" "$tmp/ppc-rseq" "$tmp/ppc-lockdep" ||
	die "the outgoing patches are not checkpatch clean (see above); nothing was written to ${out#"$TOP"/}"
rm -rf "$out"
mv "$tmp" "$out"
log "outgoing: ${out#"$TOP"/}/{v2,execve,ppc-rseq,ppc-lockdep}/, signed off by $name <$email>; nothing was sent"
log "to send one set: git send-email ${out#"$TOP"/}/execve/*.patch"
