#!/usr/bin/env bash
# make checkpatch: scripts/checkpatch.pl --strict from the base tree on the
# fixture and on every patch of the series (or of the directories given).
#
# One warning is expected and allowed: UNKNOWN_COMMIT_ID for the upstream
# commit ids in Fixes: tags, which the Debian source tree (no upstream
# history) cannot resolve. The cover letter says so. Anything else fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"
src=$(base_src)
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("$PATCHES/base" "$PATCHES" "$PATCHES/execve" "$PATCHES/ppc-rseq" "$PATCHES/ppc-lockdep" "$PATCHES/debug" "$PATCHES/debug/bench")

failed=0 n=0
for dir in "${dirs[@]}"; do
	# checkpatch runs in the base tree: the patches' paths must be absolute.
	dir=$(cd "$dir" 2>/dev/null && pwd) || die "no patch directory $dir: give a directory of patches/"
	list=$(series_files "$dir")
	for p in $list; do
		n=$((n + 1))
		# A file checkpatch cannot read prints no finding: never "clean".
		[ -r "$p" ] || die "cannot read $p"
		out=$(cd "$src" && ./scripts/checkpatch.pl --strict --show-types --no-summary -q "$p" 2>&1) || true
		# Keep every message except the allowed unknown Fixes: ids.
		bad=$(printf '%s\n' "$out" | awk '
			/^(ERROR|WARNING|CHECK):/ {
				keep = !($0 ~ /^WARNING:UNKNOWN_COMMIT_ID:/)
				allowed_hdr = !keep
			}
			/^#[0-9]+: *$/ { next }
			/^Fixes: [0-9a-f]{12} / && allowed_hdr { next }
			keep && NF { print }
		')
		name=${p#"$TOP"/}
		if [ -n "$bad" ]; then
			echo "FAIL $name"
			printf '%s\n' "$bad" | sed 's/^/    /'
			failed=$((failed + 1))
		else
			allowed=$(printf '%s\n' "$out" | grep -c '^WARNING:UNKNOWN_COMMIT_ID' || true)
			echo "ok   $name${allowed:+$([ "$allowed" -gt 0 ] && echo " ($allowed unknown upstream Fixes: id)")}"
		fi
	done
done
echo "checkpatch --strict: $((n - failed)) of $n patches clean"
[ "$failed" -eq 0 ] || die "$failed patch(es) have checkpatch findings: fix them (see above)"
