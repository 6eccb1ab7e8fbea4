#!/usr/bin/env bash
# make bench-exit: what the execve() fix costs the exit of a process
# whose last exit ends per CPU mode (a fixup at every such exit would
# walk every possible CPU's runqueue lock).
#
# Kernels, x86_64, without debug.config (as a production kernel):
#   mainline      7.2 as released
#   fix-at-fork   mainline-fixed: the fix, in sched_mm_cid_fork()
#   fix-at-exit   mainline + the fix's first form (the fixup in the last
#                 user's exit) and patch 2, from git history (commit
#                 BENCH_EXIT_OLD, default 4b5bfba), for comparison
# For each vCPU count in BENCH_EXIT_SMP (2 4 8), BENCH_RUNS (5) boots of
# each kernel in turn; each boot runs mm_cid_exit_bench (BENCH_EXIT_ARGS,
# e.g. "--processes=2000") and the table gives, per kernel, the median
# and range over the boots of the ns per process and of its excess over
# the control (a process without threads, in blocks between). Results
# in build/bench-exit/<id>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs=${BENCH_RUNS:-5}
smps=${BENCH_EXIT_SMP:-2 4 8}
old=${BENCH_EXIT_OLD:-4b5bfba}
case "$runs" in '' | *[!0-9]*) die "BENCH_RUNS must be a whole number" ;; esac
[ "$runs" -ge 1 ] || die "BENCH_RUNS must be at least 1"
for s in $smps; do
	case "$s" in '' | *[!0-9]* | 0) die "BENCH_EXIT_SMP must list vCPU counts, e.g. '2 4 8'" ;; esac
done
run=$(bench_run_spec bench-exit BENCH_EXIT_ARGS mm_cid_exit_bench)

out=$(new_run_dir bench-exit)
log "make bench-exit: results in ${out#"$TOP"/}"

# The fix's first form, from the commit that last carried it.
atexit="$out/fix-at-exit-patches"
patch_at "$old" patches/execve/0001-sched-mmcid-Release-CPU-owned-CIDs-when-the-last-use.patch \
	"$atexit" BENCH_EXIT_OLD
cp "$PATCHES"/execve/0002-*.patch "$atexit/"

# kernel name, variant, extra patches
kernels=("mainline mainline -" "fix-at-fork mainline-fixed -" "fix-at-exit mainline $atexit")
for k in "${kernels[@]}"; do
	read -r name variant extra <<<"$k"
	[ "$extra" = - ] && extra=''
	log "kernel $name"
	ARCH=x86_64 VARIANT=$variant EXTRA_PATCHES=$extra "$TOP/scripts/apply.sh"
	ARCH=x86_64 VARIANT=$variant EXTRA_PATCHES=$extra DEBUG=0 "$TOP/scripts/build-kernel.sh"
done
ARCH=x86_64 "$TOP/scripts/mkinitramfs.sh"

for smp in $smps; do
	for i in $(seq "$runs"); do
		for k in "${kernels[@]}"; do
			read -r name variant extra <<<"$k"
			[ "$extra" = - ] && extra=''
			bench_boot "$out" "smp$smp-$name-$i" "$smp vCPUs, $name, run $i/$runs" "bench-exit-ns percpu" \
				ARCH=x86_64 VARIANT="$variant" EXTRA_PATCHES="$extra" DEBUG=0 SMP="$smp" RUN="$run" \
				RESULTS="$out/runs/smp$smp/$name" >/dev/null
		done
	done
done

need_packages python3-matplotlib
/usr/bin/python3 "$TOP/scripts/bench-exit-table.py" "$out" | tee "$out/table.txt"
exit "${PIPESTATUS[0]}"
