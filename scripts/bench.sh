#!/usr/bin/env bash
# make bench: patch 4's claim, measured, and the harness's own speed.
#
# Builds bench-p3 (fixture + patches 1-3 + the execve() fix) and bench-p4
# (the same + patch 4), each with the debug counters of
# patches/debug/bench, boots each BENCH_RUNS times in turn (p3, p4, p3,
# ...) running the thread pool's bench mode, and prints per kernel: CID
# bitmap operations per thousand schedule-ins, fast-path share, mode
# switches per second (median and range) and the p4/p3 ratios. A plot of
# the bitmap-operation rate over one run of each goes next to the table.
# Then 'make speed' for the stage times (BENCH_SPEED=0 skips it).
#
# BENCH_ARCHES (x86_64), BENCH_RUNS (5), BENCH_SECONDS (20), BENCH_RATE
# (crossings per second, 10), BENCH_DEBUG (0: without debug.config, as a
# production kernel), BENCH_ARGS (more --name=value options of the bench
# mode), SMP (4). Results in build/bench/<id>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arches=${BENCH_ARCHES:-x86_64}
runs=${BENCH_RUNS:-5}
seconds=${BENCH_SECONDS:-20}
rate=${BENCH_RATE:-10}
debug=${BENCH_DEBUG:-0}
for a in $arches; do check_arch "$a"; done
case "$runs$seconds" in *[!0-9]*) die "BENCH_RUNS and BENCH_SECONDS must be whole numbers" ;; esac
case "$rate" in '' | *[!0-9.]*) die "BENCH_RATE must be a number of crossings per second, e.g. 10" ;; esac
case "$debug" in 0 | 1) ;; *) die "BENCH_DEBUG must be 0 or 1" ;; esac
[ "$runs" -ge 1 ] || die "BENCH_RUNS must be at least 1"
kernels="bench-p3 bench-p4"
run="mmcid:mm_cid_pool,--bench,--rate=$rate,--duration=$seconds"
# BENCH_ARGS: more options of the bench mode, e.g. "--high=9 --sleep-us=20".
for arg in ${BENCH_ARGS:-}; do
	case "$arg" in --*=*) run+=",$arg" ;; *) die "BENCH_ARGS takes --name=value options of 'mm_cid_pool --bench', not '$arg'" ;; esac
done

out=$(new_run_dir bench)
log "make bench: results in ${out#"$TOP"/}"

for a in $arches; do
	for v in $kernels; do
		ARCH=$a VARIANT=$v "$TOP/scripts/apply.sh"
		ARCH=$a VARIANT=$v DEBUG=$debug "$TOP/scripts/build-kernel.sh"
	done
	ARCH=$a "$TOP/scripts/mkinitramfs.sh"
done

for a in $arches; do
	for i in $(seq "$runs"); do
		for v in $kernels; do
			rc=0
			ARCH=$a VARIANT=$v DEBUG=$debug RUN=$run QUIET=1 VMTEST_NO_BUILD=1 \
				RESULTS="$out/runs" TIMEOUT=$((seconds + 180)) \
				"$TOP/scripts/vmtest.sh" >"$out/last-run.log" 2>&1 || rc=$?
			total=$(sed -n 's/^# bench-total //p' "$out/runs/$a/$v/latest/console.log" 2>/dev/null | tr -d '\r')
			log "$a $v run $i/$runs: ${total:-no bench-total line (exit $rc, see ${out#"$TOP"/}/last-run.log)}"
			[ -n "$total" ] || cp "$out/last-run.log" "$out/$a-$v-failed-$i.log"
		done
	done
done

need_packages python3-matplotlib
/usr/bin/python3 "$TOP/scripts/bench-table.py" "$out" | tee "$out/table.txt"
rc=${PIPESTATUS[0]}
if [ "${BENCH_SPEED:-1}" = 1 ]; then
	SPEED_ARCHES=$arches "$TOP/scripts/speed.sh"
fi
exit "$rc"
