#!/usr/bin/env bash
# make litmus must fail when a barrier the series relies on is planted
# out: a copy of the tests with v2's smp_mb() removed from
# set-transit+lockless+mb, which still expects "Never".
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$TOP"/litmus/*.litmus "$scratch/"
sed -i '/smp_mb();/d' "$scratch/set-transit+lockless+mb.litmus"
if LITMUS_DIR=$scratch "$TOP/scripts/litmus.sh" >"$scratch/out" 2>&1; then
	cat "$scratch/out"
	echo "make litmus passed with the barrier removed"
	exit 1
fi
grep -q "^FAIL set-transit+lockless+mb: herd7 says 'Sometimes'" "$scratch/out" || {
	cat "$scratch/out"
	echo "make litmus failed, but not on the planted test"
	exit 1
}
echo "planted missing smp_mb() caught:"
grep '^FAIL' "$scratch/out"
