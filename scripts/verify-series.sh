#!/usr/bin/env bash
# make verify-series: how the fixed tree (fixture + series) differs from
# pristine 7.2 in the files the series touches. Upstream merged a revised
# form of this series, so the difference should be small, and every hunk
# left must be one the cover letter explains. The explained hunks are
# kept in patches/verify-series.expected; anything else fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh"
src=$(base_src)
# The fixture and the series alone, without later fixes on top.
fixture=$(series_files "$PATCHES/base")
series=$(series_files "$PATCHES")
# shellcheck disable=SC2086
head=$(scratch_am $fixture $series)
n=$(echo "$series" | wc -l)
files=$(git -C "$src" diff --name-only "$head~$n" "$head")
expected="$TOP/patches/verify-series.expected"

# Line numbers and blob ids say nothing about the content: leave them out.
# shellcheck disable=SC2086
actual=$(git -C "$src" diff -U1 --no-color "$BASE_TAG" "$head" -- $files |
	sed -E -e '/^index /d' -e 's/^@@ -[0-9,]+ \+[0-9,]+ @@/@@/')

echo "fixture + series vs pristine $BASE_VERSION in: $(echo $files)"
if [ -z "$actual" ]; then
	echo "no difference"
else
	printf '%s\n' "$actual"
fi
if [ "${UPDATE:-0}" = 1 ]; then
	printf '%s\n' "$actual" >"$expected"
	log "wrote ${expected#"$TOP"/}: explain each hunk in the cover letter"
	exit 0
fi
[ -f "$expected" ] || die "${expected#"$TOP"/} is missing: run 'make verify-series UPDATE=1' and explain each hunk in the cover letter"
if ! diff -u "$expected" <(printf '%s\n' "$actual") >"$BUILD/verify-series.diff"; then
	cat "$BUILD/verify-series.diff"
	die "the fixed tree differs from pristine $BASE_VERSION in a way patches/verify-series.expected (and the cover letter) does not explain: see above"
fi
echo "every remaining hunk is explained in the cover letter ($(grep -c '^@@' "$expected" || true) hunks)"
