#!/usr/bin/env bash
# The bench's smoke check for make check: on an x86_64 kernel with the
# debug counters (bench-p4), a 5 s run of the thread pool's bench mode
# must print a bench-total line in which the counters moved. Planted
# violation: the same run on the fixed kernel, which has no counters,
# must fail the check.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

run="mmcid:mm_cid_pool,--bench,--rate=10,--duration=5"
results="$BUILD/check/bench-smoke"

# counters_moved KERNEL_VARIANT_LABEL: the bench-total of the last run.
counters_moved() {
	local log="$results/x86_64/$1/latest/console.log" total
	total=$(sed -n 's/^# bench-total //p' "$log" 2>/dev/null | tr -d '\r')
	echo "bench-total on $1: ${total:-none}"
	[ -n "$total" ] || return 1
	python3 - "$total" <<'EOP'
import re, sys
c = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", sys.argv[1])}
need = ["switch", "schedin", "schedin_fast", "cid_get", "cid_drop", "mode_switch"]
still = [n for n in need if not c.get(n)]
print("counters that did not move: " + (", ".join(still) or "none"))
sys.exit(1 if still else 0)
EOP
}

ARCH=x86_64 VARIANT=bench-p4 "$TOP/scripts/apply.sh"
rc=0
ARCH=x86_64 VARIANT=bench-p4 RUN=$run QUIET=1 RESULTS=$results TIMEOUT=300 \
	"$TOP/scripts/vmtest.sh" || rc=$?
[ "$rc" -eq 0 ] || die "the bench-p4 boot did not pass (exit $rc)"
counters_moved bench-p4 || die "the bench-p4 kernel's counters did not move"

ARCH=x86_64 VARIANT=fixed RUN=$run QUIET=1 RESULTS=$results TIMEOUT=300 \
	"$TOP/scripts/vmtest.sh" || true
if counters_moved fixed; then
	die "planted: the smoke check passed on a kernel without counters"
fi
echo "ok: the counters move on bench-p4, and the check fails on a kernel without them"
