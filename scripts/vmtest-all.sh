#!/usr/bin/env bash
# make vmtest-all: every architecture and variant, one after another (one
# kernel build at a time on this machine), then a summary table.
# MATRIX_ARCHES and VARIANTS narrow the matrix. Exit: the worst verdict's code.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

arches=${MATRIX_ARCHES:-$ARCHES}
variants=${VARIANTS:-prefix fixed}
worst=0
rows=()
for arch in $arches; do
	for variant in $variants; do
		log "=== vmtest ARCH=$arch VARIANT=$variant"
		t0=$(date +%s)
		rc=0
		ARCH=$arch VARIANT=$variant QUIET=${QUIET:-1} "$TOP/scripts/vmtest.sh" || rc=$?
		[ "$rc" -gt "$worst" ] && worst=$rc
		result="$BASE_BUILD/results/$arch/$variant/latest/result.json"
		if [ "$rc" -ne 3 ] && [ -f "$result" ] && [ "$(stat -c %Y "$result")" -ge "$t0" ]; then
			rows+=("$(python3 - "$result" "$(($(date +%s) - t0))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
tests = r.get("tests", [])
boot = r.get("time_boot_to_tests_s")
total = r.get("time_total_s") or 0
fmt = lambda v: "-" if v is None else "%.1f" % v
print("\t".join([r["arch"], r["variant"], r["verdict"],
                 str(sum(t["result"] == "PASS" for t in tests)),
                 str(sum(t["result"] == "FAIL" for t in tests)), fmt(boot),
                 fmt(total - boot if boot is not None else None), sys.argv[2]]))
PY
)")
		else
			rows+=("$(printf '%s\t%s\tINFRA\t-\t-\t-\t-\t%s' "$arch" "$variant" $(($(date +%s) - t0)))")
		fi
	done
done
echo
{
	printf 'arch\tvariant\tverdict\tpassed\tfailed\tboot s\ttests s\ttotal s\n'
	printf '%s\n' "${rows[@]}"
} | python3 "$TOP/scripts/tables.py"
exit "$worst"
