#!/usr/bin/env bash
# make check: every check CI runs, in dependency order. A failing check
# does not stop the others; the last line is "N passed, N failed".
# Logs: build/check/<name>.log.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

logs="$BUILD/check"
mkdir -p "$logs"
passed=0 failed=0
declare -a failures=()

# run_check NAME CMD...: one line per check, the output in its log.
run_check() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	echo "--- $name"
	"$@" >"$logs/$name.log" 2>&1 || rc=$?
	local dt=$(($(date +%s) - t0))
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name (${dt}s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name (${dt}s, exit $rc): last lines of ${logs#"$TOP"/}/$name.log:"
		tail -n 15 "$logs/$name.log" | sed 's/^/    /'
	fi
	return "$rc"
}

# In a full run the fresh root of make fresh-check runs the quick checks
# (CHECK_QUICK=1 make check there) where no leftover of this machine can
# hide a missing install step. The ones that build nothing a later check
# here needs are not run here a second time: quick_check records them and
# fresh_results counts their verdicts from the fresh root's log.
# CHECK_FRESH=0 (no root, no debootstrap): every check here, no fresh root.
declare -a deferred=()
defer=0
[ "${CHECK_QUICK:-0}" = 1 ] || [ "${CHECK_FRESH:-1}" = 0 ] || defer=1
quick_check() {
	if [ "$defer" = 1 ]; then
		deferred+=("$1")
	else
		run_check "$@"
	fi
}

# The verdicts of the deferred checks, from the fresh root's last run.
fresh_results() {
	local run="$BUILD/fresh/last" name line
	for name in "${deferred[@]}"; do
		line=$(grep -E "^(PASS|FAIL) $name \(" "$run/check-quick.log" 2>/dev/null | tail -n 1)
		case "$line" in
		PASS*)
			passed=$((passed + 1))
			echo "PASS $name (in the fresh root, ${line#* (}"
			;;
		FAIL*)
			failed=$((failed + 1))
			failures+=("$name")
			echo "FAIL $name (in the fresh root): last lines of ${run#"$TOP"/}/check/$name.log:"
			tail -n 15 "$run/check/$name.log" 2>/dev/null | sed 's/^/    /'
			;;
		*)
			failed=$((failed + 1))
			failures+=("$name")
			echo "FAIL $name: not run, the fresh root stopped before it (see ${run#"$TOP"/}/)"
			;;
		esac
	done
}

# The closing lines; the exit code says whether every check passed.
summary() {
	echo
	echo "make check: ${SECONDS} s"
	[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# shellcheck disable=SC2086
need_packages git ca-certificates debian-archive-keyring g++ $KBUILD_PKGS qemu-system-x86 \
	libgtest-dev clang-format liburcu-dev python3-jsonschema python3-yaml python3-matplotlib

quick_check harness-classifier python3 "$TOP/tests/test_classify.py"
quick_check kcidb-schema /usr/bin/python3 "$TOP/tests/test_kcidb.py"
quick_check lava-verdict /usr/bin/python3 "$TOP/tests/test_lava_verdict.py"
quick_check prove-targets /usr/bin/python3 "$TOP/tests/test_prove_table.py"
run_check base "$TOP/scripts/fetch-base.sh"
run_check apply-prefix env VARIANT=prefix "$TOP/scripts/apply.sh"
run_check apply-fixed env VARIANT=fixed "$TOP/scripts/apply.sh"
quick_check checkpatch "$TOP/scripts/checkpatch-series.sh"
quick_check checkpatch-catches-planted-error "$TOP/tests/checkpatch-planted.sh"
quick_check verify-series "$TOP/scripts/verify-series.sh"
quick_check harness-bad-input "$TOP/tests/bad-input.sh"
# The 4-CPU fixed search is open-ended: 20 s of it in CI.
quick_check model env MODEL_BOUND_S=20 "$TOP/scripts/model.sh"
quick_check litmus "$TOP/scripts/litmus.sh"
quick_check litmus-catches-planted-missing-barrier "$TOP/tests/litmus-planted.sh"
quick_check selftests-style bash -c 'cd "$1" && clang-format --dry-run --Werror \
	selftests/*.cpp selftests/*/*.cpp selftests/*/*.hpp' _ "$TOP"
run_check selftests-build selftests_make "" OUTPUT="$BUILD/selftests/host" \
	KSFT_DIR="$(base_src)/tools/testing/selftests"
quick_check selftests-unit selftests_make "" unit OUTPUT="$BUILD/selftests/host" \
	KSFT_DIR="$(base_src)/tools/testing/selftests"
# On the host kernel too; checks it cannot make (no mm_cid) skip.
quick_check selftests-host "$BUILD/selftests/host/mm_cid_transitions" --duration=2
quick_check selftests-host-pool "$BUILD/selftests/host/mm_cid_pool" --duration=2
quick_check selftests-catch-planted-duplicate "$TOP/tests/selftests-planted.sh" \
	"$BUILD/selftests/host/mm_cid_transitions"
quick_check rseq-abort-catches-planted-loss "$TOP/tests/rseq-abort-planted.sh" \
	"$BUILD/selftests/host/rseq_abort"
run_check lava-jobs "$TOP/scripts/lava-jobs.sh"
quick_check lava-jobs-refuse-planted-invalid "$TOP/tests/lava-jobs-planted.sh"
# CHECK_QUICK=1: only the checks above, which build no kernel (what
# make fresh-check runs in its fresh root).
if [ "${CHECK_QUICK:-0}" = 1 ]; then
	summary
	exit
fi
# One cold kernel build: the fixture's struct layout differs from the
# fixed one and reaches nearly every object, so the steps before the
# layout change compile only the mm_cid users (BISECT_QUICK); the pre-fix
# kernel is built and booted by make prove and make vmtest VARIANT=prefix.
# The bisection's last step is the fixed kernel's source: built after it,
# the fixed tree finds every object in ccache.
run_check bisect-check env BISECT_QUICK=1 "$TOP/scripts/bisect-check.sh"
# Another architecture builds and skips what needs a critical section
# (on the host only: it needs no package the host build did not).
run_check selftests-other-arch "$TOP/tests/selftests-other-arch.sh"
run_check kernel-x86_64-fixed env ARCH=x86_64 VARIANT=fixed "$TOP/scripts/build-kernel.sh"
# A fresh minbase root runs make vmtest (the full suite on the fixed
# x86_64 kernel, which is not booted on the host again) and the checks
# above (the deferred ones count from there), with ccache warm from the
# builds above: every command the harness uses must be one it installs.
if [ "${CHECK_FRESH:-1}" = 0 ]; then
	run_check vmtest-x86_64-fixed env ARCH=x86_64 VARIANT=fixed "$TOP/scripts/vmtest.sh"
else
	run_check fresh-check env FRESH_STEPS="vmtest check-quick" "$TOP/tests/fresh-check.sh"
	fresh_results
fi
run_check verdict-demos "$TOP/tests/verdict-demos.sh"
# The LAVA job of the fixed x86_64 kernel, run locally with lava-run and
# judged like make vmtest (a short run, so that the jobs cannot rot).
run_check lava-run env ARCH=x86_64 VARIANT=fixed RUN=show "$TOP/scripts/lava-run.sh"
# Mail-ready patches need the sender's git identity, which only the
# host's checkout has (not the fresh root).
run_check outgoing "$TOP/scripts/outgoing.sh"
run_check selftest-patch "$TOP/scripts/selftest-patch.sh"
# Benchmarks are not tests: only a short run that the counters move.
run_check bench-smoke "$TOP/tests/bench-smoke.sh"

summary
