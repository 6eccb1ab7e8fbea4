#!/usr/bin/env bash
# make prove: the before/after proof. Boots each case's kernel RUNS times
# per architecture, one run after another, and tabulates the verdicts.
#
# The cases (variant, knobs, expected verdict, test) are listed in
# scripts/prove-cases.txt, which prove-table.py reads too.
#
# PROVE_ARCHES, PROVE_CASES, RUNS (10), FIXED_RUNS (20), NOKNOB_RUNS,
# EXECVE_RUNS and RSEQ_RUNS (RUNS), PROVE_SECONDS (length of each stress
# or rseq run, 60), PROVE_PPC_DELAY_US (the rseq cases' knob, 1000), SMP
# (4). A case runs on the architectures its "arches" column names. Every run's console, result.json
# and junit.xml stay in build/prove/<id>/; the table is also saved there.
# Exit 0 when every case met its expectation, 1 otherwise.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arches=${PROVE_ARCHES:-$ARCHES}
case_file="$TOP/scripts/prove-cases.txt"
all_cases=$(awk '!/^#/ && NF { print $1 }' "$case_file" | tr '\n' ' ')
cases=${PROVE_CASES:-$all_cases}
runs=${RUNS:-10}
fixed_runs=${FIXED_RUNS:-20}
noknob_runs=${NOKNOB_RUNS:-$runs}
execve_runs=${EXECVE_RUNS:-$runs}
rseq_runs=${RSEQ_RUNS:-$runs}
seconds=${PROVE_SECONDS:-60}
delay_us=${PROVE_DELAY_US:-2000}
ppc_delay_us=${PROVE_PPC_DELAY_US:-1000}
for a in $arches; do check_arch "$a"; done
case "$runs$fixed_runs$noknob_runs$execve_runs$rseq_runs$seconds$ppc_delay_us" in *[!0-9]*) die "RUNS, FIXED_RUNS, NOKNOB_RUNS, EXECVE_RUNS, RSEQ_RUNS, PROVE_SECONDS and PROVE_PPC_DELAY_US must be whole numbers" ;; esac

# A line a second from the stress runs: a guest which goes silent has
# locked up within a second of its last line, and the runner may call a
# silence of 30 s a hang. That comes before the guest's own soft lockup
# and RCU stall reports (40 and 42 s): a silent guest is judged by its
# vCPUs' program counters, while the hard lockup report (20 s) still
# comes first where a CPU is left to print it.
stress="mmcid:mm_cid_transitions,--only=migration,--duration=$seconds,--stall=20,--heartbeat=1"
storm="mmcid:mm_cid_transitions,--only=storm,--duration=$seconds,--stall=20,--heartbeat=1"
execve="mmcid:mm_cid_exec,--allow-lockup,--only=execve-fail"
rseq="mmcid:rseq_abort,--only=all-cpus,--duration=$seconds"
knobs="mmcid_fixup_delay_us=$delay_us mmcid_check_inactive=1"

# case -> "variant knobs(0/1) expected runs idle-timeout run-spec append"
case_spec() {
	local variant knobs_on want runs_var test n run idle knob
	read -r variant knobs_on want runs_var test < <(awk -v c="$1" '!/^#/ && $1 == c { print $2, $3, $4, $5, $6 }' "$case_file") || true
	[ -n "${variant:-}" ] || die "unknown case '$1' in PROVE_CASES: use $all_cases"
	case "$runs_var" in
	RUNS) n=$runs ;; FIXED_RUNS) n=$fixed_runs ;; NOKNOB_RUNS) n=$noknob_runs ;; EXECVE_RUNS) n=$execve_runs ;;
	RSEQ_RUNS) n=$rseq_runs ;;
	*) die "scripts/prove-cases.txt: case $1 counts its runs with '$runs_var': use RUNS, FIXED_RUNS, NOKNOB_RUNS, EXECVE_RUNS or RSEQ_RUNS" ;;
	esac
	knob=$knobs
	case "$test" in
	stress) run=$stress idle=30 ;; storm) run=$storm idle=30 ;; execve) run=$execve idle=$((seconds + 30)) ;;
	rseq) run=$rseq idle=$((seconds + 30)) knob="ppc_exit_delay_us=$ppc_delay_us" ;;
	*) die "scripts/prove-cases.txt: case $1 runs test '$test': use stress, storm, execve or rseq" ;;
	esac
	echo "$variant $knobs_on $want $n $idle $run$([ "$knobs_on" = 1 ] && echo " $knob")"
}
for c in $cases; do case_spec "$c" >/dev/null; done

# runs_on CASE ARCH: whether the case's "arches" column names ARCH.
runs_on() {
	local where
	where=$(awk -v c="$1" '!/^#/ && $1 == c { print $9 }' "$case_file")
	case ",${where:-all}," in ,all, | *",$2,"*) return 0 ;; *) return 1 ;; esac
}
for c in $cases; do
	where=$(awk -v c="$c" '!/^#/ && $1 == c { print $9 }' "$case_file")
	for a in ${where//,/ }; do
		[ "$a" = all ] || check_arch "$a"
	done
	# A case named in PROVE_CASES must run somewhere; of the default
	# list, each runs where it can.
	[ -n "${PROVE_CASES:-}" ] || continue
	any=0
	for a in $arches; do runs_on "$c" "$a" && any=1; done
	[ "$any" = 1 ] || die "case $c runs only on ${where}, not on PROVE_ARCHES='$arches': add one of them or leave the case out"
done

out=$(new_run_dir prove)
log "make prove: results in ${out#"$TOP"/}"

# Build every kernel first (one at a time), so the runs are back to back.
# VMTEST_NO_BUILD=1: use what is built (e.g. while other builds hold the lock).
[ "${VMTEST_NO_BUILD:-0}" = 1 ] && log "VMTEST_NO_BUILD=1: booting the kernels as built"
for a in $arches; do
	[ "${VMTEST_NO_BUILD:-0}" = 1 ] && break
	for c in $cases; do
		runs_on "$c" "$a" || continue
		read -r variant k _ <<<"$(case_spec "$c")"
		ARCH=$a VARIANT=$variant KNOBS=$k "$TOP/scripts/apply.sh"
		ARCH=$a VARIANT=$variant KNOBS=$k "$TOP/scripts/build-kernel.sh"
	done
	ARCH=$a "$TOP/scripts/mkinitramfs.sh"
done

for a in $arches; do
	for c in $cases; do
		runs_on "$c" "$a" || continue
		read -r variant k want n idle run append <<<"$(case_spec "$c")"
		for i in $(seq "$n"); do
			rc=0
			ARCH=$a VARIANT=$variant KNOBS=$k RUN=$run APPEND=${append:-} QUIET=1 \
				VMTEST_NO_BUILD=1 RESULTS="$out/$c" TIMEOUT=$((seconds + 120)) IDLE_TIMEOUT=$idle \
				"$TOP/scripts/vmtest.sh" >"$out/last-run.log" 2>&1 || rc=$?
			r=$(sed -n 's/^vmrun: verdict \([A-Z0-9-]*\).*/\1/p' "$out/last-run.log")
			log "$a $c run $i/$n: ${r:-INFRA (exit $rc, see ${out#"$TOP"/}/last-run.log)} (expected: $want)"
			[ -n "$r" ] || cp "$out/last-run.log" "$out/$c-$a-infra-$i.log"
		done
	done
done

need_packages python3-matplotlib
/usr/bin/python3 "$TOP/scripts/prove-table.py" "$out" | tee "$out/table.txt"
exit "${PIPESTATUS[0]}"
