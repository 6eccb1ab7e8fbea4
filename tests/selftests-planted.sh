#!/usr/bin/env bash
# The uniqueness check must fail on a real kernel when its protection is
# removed (--plant=unprotected: the same load, delay and store, but no
# rseq critical section to abort it), and pass with it.
set -euo pipefail
prog=${1:?usage: selftests-planted.sh PATH/mm_cid_transitions}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$prog" --only=crossing --duration=3 --spin=2000 --plant=unprotected >"$out" 2>&1 || rc=$?
# A kernel without rseq mm_cid skips every scenario, and kselftest counts
# an all-skip run as a pass: look for the skip first.
if grep -q '^ok .* # SKIP' "$out"; then
	grep SKIP "$out"
	echo "skipped: this kernel offers no rseq mm_cid"
	exit 0
fi
if [ "$rc" -eq 0 ]; then
	cat "$out"
	echo "the unprotected counting passed: the uniqueness check cannot fail"
	exit 1
fi
grep -q 'uniqueness FAILED' "$out" || {
	cat "$out"
	echo "failed, but not in the uniqueness check"
	exit 1
}
grep 'uniqueness' "$out"
"$prog" --only=crossing --duration=3 --spin=2000 >"$out" 2>&1 || {
	cat "$out"
	echo "the protected counting failed"
	exit 1
}
grep 'uniqueness' "$out"
