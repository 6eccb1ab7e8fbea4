#!/usr/bin/env bash
# rseq_abort's lost-count check must fail on a real kernel when the
# counting runs without rseq (--plant=unprotected), and pass with it.
set -euo pipefail
prog=${1:?usage: rseq-abort-planted.sh PATH/rseq_abort}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$prog" --only=one-cpu --duration=2 --plant=unprotected >"$out" 2>&1; then
	cat "$out"
	echo "the unprotected counting passed: the lost-count check cannot fail"
	exit 1
fi
if grep -q 'SKIP' "$out"; then
	grep SKIP "$out"
	echo "skipped: rseq registration failed on this kernel"
	exit 0
fi
grep -Eq 'one-cpu: .* [1-9][0-9]* lost$' "$out" || {
	cat "$out"
	echo "failed, but without lost counts"
	exit 1
}
grep ' lost$' "$out"
"$prog" --duration=2 >"$out" 2>&1 || {
	cat "$out"
	echo "the rseq counting lost updates on the host kernel"
	exit 1
}
grep ' lost$' "$out"
