#!/usr/bin/env bash
# make vmtest-all: every architecture and variant, one after another (one
# kernel build at a time on this machine), then a summary table.
# MATRIX_ARCHES and VARIANTS narrow the matrix. Exit: the worst verdict's code.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

arches=${MATRIX_ARCHES:-$ARCHES}
variants=${VARIANTS:-base fixed}
worst=0
rows=()
for arch in $arches; do
	for variant in $variants; do
		log "=== vmtest ARCH=$arch VARIANT=$variant"
		t0=$(date +%s)
		rc=0
		ARCH=$arch VARIANT=$variant QUIET=${QUIET:-1} "$TOP/scripts/vmtest.sh" || rc=$?
		[ "$rc" -gt "$worst" ] && worst=$rc
		result="$BUILD/results/$arch/$variant/latest/result.json"
		if [ "$rc" -ne 3 ] && [ -f "$result" ] && [ "$(stat -c %Y "$result")" -ge "$t0" ]; then
			rows+=("$(python3 - "$result" "$(($(date +%s) - t0))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
tests = r.get("tests", [])
ok = sum(t["result"] == "PASS" for t in tests)
bad = sum(t["result"] == "FAIL" for t in tests)
boot = r.get("time_boot_to_tests_s")
total = r.get("time_total_s") or 0
run = total - boot if boot is not None else None
fmt = lambda v: "-" if v is None else "%.1f" % v
print("%-8s %-7s %-9s %6d %6d %8s %8s %8s" % (r["arch"], r["variant"], r["verdict"], ok, bad,
      fmt(boot), fmt(run), sys.argv[2]))
PY
)")
		else
			rows+=("$(printf '%-8s %-7s %-9s %6s %6s %8s %8s %8s' "$arch" "$variant" INFRA - - - - $(($(date +%s) - t0)))")
		fi
	done
done
echo
printf '%-8s %-7s %-9s %6s %6s %8s %8s %8s\n' arch variant verdict passed failed "boot s" "tests s" "total s"
printf '%s\n' "${rows[@]}"
exit "$worst"
