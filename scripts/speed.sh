#!/usr/bin/env bash
# make speed: the harness's own speed per architecture, stage by stage:
# a one-line change in kernel/sched/core.c rebuilt (warm ccache), the
# initramfs, and one boot with the full suite (boot to first test,
# tests). SPEED_CLEAN=1 adds a clean build with an empty compiler cache
# of its own (about 7 minutes per architecture on 2 cores). The fixed
# variant's tree is restored afterwards. Table in build/speed/<id>.txt.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arches=${SPEED_ARCHES:-$ARCHES}
for a in $arches; do check_arch "$a"; done
id=$(date +%Y%m%d-%H%M%S)
mkdir -p "$BUILD/speed"
table="$BUILD/speed/$id.txt"
rows=()

secs() { # secs CMD...: run, print the wall seconds; the output goes to the log
	local t0 rc=0
	t0=$(date +%s.%N)
	"$@" >>"$BUILD/speed/$id.log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || die "$* failed (exit $rc): see ${BUILD#"$TOP"/}/speed/$id.log"
	printf '%.0f' "$(echo "$(date +%s.%N) - $t0" | bc)"
}

for a in $arches; do
	log "speed: $a"
	ARCH="$a" VARIANT=fixed "$TOP/scripts/apply.sh" >>"$BUILD/speed/$id.log" 2>&1
	ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh" >>"$BUILD/speed/$id.log" 2>&1
	tree=$(variant_tree fixed)
	clean=-
	if [ "${SPEED_CLEAN:-0}" = 1 ]; then
		cold=$(mktemp -d "$BUILD/.speed-ccache.XXXXXX")
		clean=$(secs env CCACHE_DIR="$cold" KOUT="$BUILD/speed/kbuild-$a" ARCH="$a" VARIANT=fixed \
			"$TOP/scripts/build-kernel.sh")
		rm -rf "$cold" "$BUILD/speed/kbuild-$a"
	fi
	# A one-line change, as a developer makes it; restored afterwards.
	trap 'git -C "$tree" checkout -q -- kernel/sched/core.c' EXIT
	echo "/* speed: a one-line change */" >>"$tree/kernel/sched/core.c"
	incr=$(secs env ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh")
	git -C "$tree" checkout -q -- kernel/sched/core.c
	trap - EXIT
	back=$(secs env ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh")
	initramfs=$(secs env ARCH="$a" "$TOP/scripts/mkinitramfs.sh")
	boot=$(secs env ARCH="$a" VARIANT=fixed QUIET=1 VMTEST_NO_BUILD=1 RUN=all \
		RESULTS="$BUILD/speed/$id-results" "$TOP/scripts/vmtest.sh")
	r="$BUILD/speed/$id-results/$a/fixed/latest/result.json"
	read -r verdict first total < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["verdict"], r["time_boot_to_tests_s"], r["time_total_s"])' "$r")
	tests=$(python3 -c 'import sys; print(round(float(sys.argv[1]) - float(sys.argv[2])))' "$total" "$first")
	rows+=("$(printf '%-8s %8s %8s %8s %9s %8s %8s %8s %-7s' "$a" "$clean" "$incr" "$back" "$initramfs" \
		"$first" "$tests" "$((incr + initramfs + boot))" "$verdict")")
done
{
	printf '%-8s %8s %8s %8s %9s %8s %8s %8s %-7s\n' arch clean "1-line" "undo" initramfs \
		"boot" tests cycle verdict
	printf '%s\n' "${rows[@]}"
	echo "seconds; clean: empty ccache (SPEED_CLEAN=1); 1-line: rebuild after a one-line"
	echo "change in kernel/sched/core.c; undo: rebuild after reverting it; boot: to the"
	echo "first test; cycle: 1-line + initramfs + boot with the full suite"
} | tee "$table"
