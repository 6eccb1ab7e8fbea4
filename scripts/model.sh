#!/usr/bin/env bash
# make model: SPIN on model/mmcid.pml. The pre-fix protocol must reach the
# live lock (an invalid end state: nothing can move), and the counter-
# example is printed as an interleaving; the fixed protocol must verify
# with no error; a planted mistake in the fixed protocol must be caught.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_packages spin gcc
out="$BUILD/model"
mkdir -p "$out"
failed=0

# verify NAME EXPECT [spin -D flags]: EXPECT is "error" or "clean".
verify() {
	local name=$1 expect=$2 dir="$out/$1" t0 errors
	shift 2
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	cp "$TOP/model/mmcid.pml" "$dir.tmp/"
	t0=$(date +%s)
	(cd "$dir.tmp" && spin -a "$@" mmcid.pml >/dev/null &&
		gcc -O2 -DSAFETY -o pan pan.c &&
		{ ./pan -m200000 >pan.out 2>&1 || true; })
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir.tmp/pan.out")
	states=$(awk '/states, stored/ { print $1; exit }' "$dir.tmp/pan.out")
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	local what="$errors error(s), $states states, $(($(date +%s) - t0)) s"
	if { [ "$expect" = error ] && [ "${errors:-0}" -gt 0 ]; } ||
		{ [ "$expect" = clean ] && [ "${errors:-1}" -eq 0 ]; }; then
		echo "ok   $name: $what (expected: $expect)"
	else
		echo "FAIL $name: $what (expected: $expect); see ${dir#"$TOP"/}/pan.out"
		failed=$((failed + 1))
	fi
}

echo "model: 3 CPUs, tasks T0-T3, T0 forks T3 and walks T3, T2, T1; 3 schedule events per CPU"
verify prefix error -DPREFIX
grep -q 'invalid end state' "$out/prefix/pan.out" || {
	echo "FAIL prefix: the error is not the live lock (no invalid end state)"
	failed=$((failed + 1))
}
echo "  the pre-fix live lock, as SPIN found it:"
(cd "$out/prefix" && spin -t -DPREFIX mmcid.pml 2>/dev/null | grep -E '^ *(CPU|fixup)' | sed 's/^ */    /')
echo "    ... and nothing can move: CPU1 spins for a CID with rq1 held, the fixup waits for rq1"
verify fixed clean
verify planted-no-drop error -DPLANT_NO_DROP
[ "$failed" -eq 0 ] || die "$failed model check(s) did not give the expected result"
