#!/usr/bin/env bash
# Boots the x86_64 fixed kernel three times with a guest that fails in one
# way each, and checks the runner's verdict and exit code: a panic, a
# silent hang (no output until the no-output timeout; the runner's NMI),
# and a WARNING line on the console.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
failed=0 n=0
expect() {
	local run=$1 verdict=$2 code=$3 rc=0
	shift 3
	n=$((n + 1))
	env ARCH=x86_64 VARIANT=fixed QUIET=1 RUN="$run" "$@" "$TOP/scripts/vmtest.sh" >"$TOP/build/demo.log" 2>&1 || rc=$?
	local got
	got=$(sed -n 's/^vmrun: verdict \([A-Z-]*\).*/\1/p' "$TOP/build/demo.log")
	if [ "$rc" -eq "$code" ] && [ "$got" = "$verdict" ]; then
		echo "ok $n - $run: $verdict, exit $rc"
	else
		echo "not ok $n - $run: expected $verdict/$code, got ${got:-none}/$rc"
		tail -5 "$TOP/build/demo.log" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}
echo "TAP version 13"
expect provoke-panic PANIC 2
expect provoke-hang TIMEOUT 2 IDLE_TIMEOUT=15
expect provoke-warn WARN 2
expect show PASS 0
echo "1..$n"
[ "$failed" -eq 0 ]
