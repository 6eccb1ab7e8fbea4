#!/usr/bin/env bash
# make bench-return: that the powerpc replay fix does not slow down the
# common return to user space, design against design
# (Documentation/ppc-rseq-replay.md). Both forms change only the path taken
# when an interrupt is pending at the return, which a getppid() loop
# rarely takes: this times the common path, not the replay.
#
# Kernels, ppc64le, without debug.config (as a production kernel), each
# mainline plus one form of the fix and nothing else:
#   mainline      7.2 as released (with the lockdep fixes every variant has)
#   replay-redo   the fix's first form: the replay may schedule inside
#                 local_irq_enable(), then the exit work runs again; from
#                 git history (commit BENCH_RETURN_OLD, default 6543b39)
#   replay-loop   patches/ppc-rseq: replay with hard interrupts off, any
#                 reschedule in exit_to_user_mode_loop()
# BENCH_RUNS (5) boots of each kernel in turn at SMP (4) vCPUs; each boot
# runs syscall_return_bench (BENCH_RETURN_ARGS, e.g. "--calls=50000") and
# the table gives per kernel the median and range over the boots of the
# ns per getppid() and their ratio to mainline. Results in
# build/bench-return/<id>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arch=ppc64le
runs=${BENCH_RUNS:-5}
old=${BENCH_RETURN_OLD:-6543b39}
case "$runs" in '' | *[!0-9]*) die "BENCH_RUNS must be a whole number" ;; esac
[ "$runs" -ge 1 ] || die "BENCH_RUNS must be at least 1"
run=$(bench_run_spec bench-return BENCH_RETURN_ARGS syscall_return_bench)

out=$(new_run_dir bench-return)
log "make bench-return: results in ${out#"$TOP"/}"

# The fix's first form, from the commit that last carried it.
redo="$out/replay-redo-patches"
patch_at "$old" patches/ppc-rseq/0001-powerpc-interrupt-Redo-the-exit-work-after-replaying.patch \
	"$redo" BENCH_RETURN_OLD
loop="$out/replay-loop-patches"
mkdir -p "$loop"
for p in $(series_files "$PATCHES/ppc-rseq"); do cp "$p" "$loop/"; done

# kernel name, extra patches
kernels=("mainline -" "replay-redo $redo" "replay-loop $loop")
for k in "${kernels[@]}"; do
	read -r name extra <<<"$k"
	[ "$extra" = - ] && extra=''
	log "kernel $name"
	ARCH=$arch VARIANT=mainline EXTRA_PATCHES=$extra "$TOP/scripts/apply.sh"
	ARCH=$arch VARIANT=mainline EXTRA_PATCHES=$extra DEBUG=0 "$TOP/scripts/build-kernel.sh"
done
ARCH=$arch "$TOP/scripts/mkinitramfs.sh"

for i in $(seq "$runs"); do
	for k in "${kernels[@]}"; do
		read -r name extra <<<"$k"
		[ "$extra" = - ] && extra=''
		bench_boot "$out" "$name-$i" "$name, run $i/$runs" "bench-return-ns syscall" \
			ARCH=$arch VARIANT=mainline EXTRA_PATCHES="$extra" DEBUG=0 RUN="$run" \
			RESULTS="$out/runs/$name" >/dev/null
	done
done

need_packages python3-matplotlib
/usr/bin/python3 "$TOP/scripts/bench-return-table.py" "$out" | tee "$out/table.txt"
exit "${PIPESTATUS[0]}"
