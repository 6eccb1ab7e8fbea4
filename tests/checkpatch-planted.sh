#!/usr/bin/env bash
# The checkpatch gate must fail on a planted style error (trailing white
# space and a line over 100 columns in a copy of the last patch) and pass
# on the real series.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$TOP/patches" "$scratch/patches"
last=$(tail -n 1 "$scratch/patches/series")
sed -i '0,/^+	mode = READ_ONCE(mm->mm_cid.mode);$/s//+	mode = READ_ONCE(mm->mm_cid.mode);  /' \
	"$scratch/patches/$last"
if "$TOP/scripts/checkpatch-series.sh" "$scratch/patches" >"$scratch/out" 2>&1; then
	cat "$scratch/out"
	echo "checkpatch gate passed a patch with trailing white space"
	exit 1
fi
grep -q 'TRAILING_WHITESPACE' "$scratch/out" || {
	cat "$scratch/out"
	echo "checkpatch gate failed, but not for the planted error"
	exit 1
}
echo "planted trailing white space caught"
