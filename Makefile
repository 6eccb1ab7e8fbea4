# mm_cid mode-transition series: base tree, patches, kernels, QEMU tests.
# "make help" lists the targets. Everything is built under build/.

ARCH ?= x86_64
VARIANT ?= fixed
DEBUG ?= 1
SMP ?= 4
export ARCH VARIANT DEBUG SMP MEM TIMEOUT IDLE_TIMEOUT RUN APPEND QUIET VERBOSE
export BASE_VERSION CROSS_COMPILE CONFIG_EXTRA UPDATE VARIANTS MATRIX_ARCHES KNOBS
export KDIR EXTRA_PATCHES SANITIZER AM_FLAGS SPEED_ARCHES SPEED_CLEAN
export BISECT_QUICK BENCH_ARGS BENCH_ARCHES BENCH_RUNS BENCH_SECONDS BENCH_RATE BENCH_DEBUG BENCH_SPEED
export KERNEL_URL INITRD_URL FRESH_STEPS FRESH_MIRROR CHECK_QUICK CHECK_FRESH LOAD MUTANTS MUTANT_IDLE
export PROVE_ARCHES PROVE_CASES RUNS FIXED_RUNS NOKNOB_RUNS EXECVE_RUNS PROVE_SECONDS PROVE_DELAY_US RESULTS VMTEST_NO_BUILD

S := scripts

.PHONY: help base apply kernel initramfs selftests vmtest vmtest-all checkpatch model bench-exit bench-return \
	verify-series bisect-check outgoing selftest-patch lava-jobs lava litmus prove execve-neighbours speed bench kdir-demo check fresh-check flake-check mutants clean distclean

help:
	@echo "Main job:"
	@echo "  make vmtest [ARCH=x86_64] [VARIANT=fixed|prefix] [SMP=4]"
	@echo "                      apply, build, boot in QEMU, run the tests, verdict"
	@echo "  make vmtest-all     every ARCH x VARIANT one after another, summary table"
	@echo "  make prove          before/after proof: repeated runs of prefix, fixed, mainline,"
	@echo "                      mainline-fixed on every ARCH, verdict table (hours; see README)"
	@echo "  make execve-neighbours  the failing-execve() lock-up and its neighbours (ARCH=)"
	@echo "  make speed          stage times per ARCH: 1-line rebuild, initramfs, boot, tests"
	@echo "                      (SPEED_ARCHES=, SPEED_CLEAN=1 adds a cold clean build)"
	@echo "  make bench          patch 4's claim: CID bitmap operations and fast-path share"
	@echo "                      with patches 1-3 vs 1-4 (debug counters), then make speed"
	@echo "  make bench-exit     the execve() fix's cost to a process ending per CPU mode:"
	@echo "                      mainline vs the fix vs its first form (BENCH_EXIT_SMP=2 4 8)"
	@echo "  make bench-return   a system call's cost with the powerpc replay fix (the common"
	@echo "                      path), mainline vs both designs (ppc64le, BENCH_RUNS boots)"
	@echo "  make kdir-demo      the KDIR= example: a scratch tree + own patch, built and booted"
	@echo "Tests:"
	@echo "  make check          everything CI runs; ends with 'N passed, N failed'"
	@echo "  make fresh-check    make vmtest and the quick checks in a fresh minbase root"
	@echo "  make flake-check    the fixed kernel RUNS times at several SMP, host loaded (LOAD=1)"
	@echo "  make mutants        plant each bug of tests/mutants/ on mainline-fixed, run the suite"
	@echo "Steps:"
	@echo "  make base           fetch and unpack the pinned linux-source (base.lock)"
	@echo "  make apply          git am the fixture (VARIANT=prefix) or fixture+series (fixed)"
	@echo "  make kernel         build the kernel out of tree with ccache (DEBUG=0: no debug.config)"
	@echo "  make initramfs      busybox + static selftests + /init for ARCH"
	@echo "  make selftests      build the selftests for the host"
	@echo "  make checkpatch     checkpatch.pl --strict on every patch"
	@echo "  make verify-series  fixed tree vs pristine 7.2 in the touched files"
	@echo "  make lava           one job run locally with lava-run (ARCH=, VARIANT=), vmtest's verdict"
	@echo "  make lava-jobs      LAVA job definitions + device dictionaries per ARCH x VARIANT,"
	@echo "                      validated with lava_common's schemas (build/lava/jobs/)"
	@echo "  make outgoing       the v2 series and each fix as mail-ready files, signed off"
	@echo "  make selftest-patch the selftests as a patch for tools/testing/selftests/mmcid"
	@echo "                      by your git identity, To/Cc from get_maintainer.pl (not sent)"
	@echo "  make bisect-check   build after the fixture and after each patch"
	@echo "  make model          SPIN: the pre-fix live lock, the fixed protocol verified"
	@echo "  make litmus         herd7 + LKMM: the mode word and the barriers of patch 2"
	@echo "  make clean          remove build trees and results, keep downloads and ccache"

base:
	@$(S)/fetch-base.sh

apply:
	@$(S)/apply.sh

kernel: apply
	@$(S)/build-kernel.sh

initramfs:
	@$(S)/mkinitramfs.sh

selftests:
	@bash -c 'source $(S)/lib.sh && need_packages make g++ liburcu-dev libgtest-dev'
	@$(S)/fetch-base.sh
	+@bash -c 'source $(S)/lib.sh && selftests_make "" -s OUTPUT="$$BUILD/selftests/host" KSFT_DIR="$$(base_src)/tools/testing/selftests"'

vmtest:
	@$(S)/vmtest.sh

vmtest-all:
	@$(S)/vmtest-all.sh

checkpatch:
	@$(S)/checkpatch-series.sh

outgoing:
	@$(S)/outgoing.sh

selftest-patch:
	@$(S)/selftest-patch.sh

lava-jobs:
	@$(S)/lava-jobs.sh

lava:
	@$(S)/lava-run.sh

model:
	@$(S)/model.sh

litmus:
	@$(S)/litmus.sh

verify-series:
	@$(S)/verify-series.sh

bisect-check:
	@$(S)/bisect-check.sh

prove:
	@$(S)/prove.sh

execve-neighbours:
	@$(S)/execve-neighbours.sh

speed:
	@$(S)/speed.sh

bench:
	@$(S)/bench.sh

bench-exit:
	@$(S)/bench-exit.sh

bench-return:
	@$(S)/bench-return.sh

kdir-demo:
	@tests/kdir-demo.sh

check:
	@$(S)/check.sh

fresh-check:
	@tests/fresh-check.sh

mutants:
	@$(S)/mutants.sh

# SMP defaults to a mix here, unless given.
flake-check:
	@SMP="$(if $(filter command line environment,$(origin SMP)),$(SMP),2 4 8)" tests/flake-check.sh

clean:
	rm -rf build/trees build/results build/initramfs build/base-* build/selftests build/*.log
	-git -C build/src/linux-* worktree prune 2>/dev/null || true

distclean:
	rm -rf build
