#!/usr/bin/env bash
# make mutants: what the suite catches. Each patch in tests/mutants/ plants
# one plausible mm_cid bug (its first line says which) on mainline-fixed
# (7.2 + the execve() and powerpc fixes, a correct kernel); the kernel is
# rebuilt (one tree and build directory for all, so only what the mutant
# touches recompiles), booted, and run through the full suite. First the
# unmutated control, which must PASS, or every kill would be a false alarm.
#
#   ARCH (x86_64); MUTANTS: names or numbers to run (default: all), e.g.
#   MUTANTS="03 07"; MUTANT_IDLE (60): seconds without console output
#   before a silent guest is stopped and its vCPUs are read.
# A mutant whose patch carries a line "# equivalent: WHY" is counted out of
# the score; "# equivalent below N CPUs: WHY" only when the guest has
# fewer than N vCPUs (SMP, default 4), and booted otherwise. Results:
# build/mutants/<id>/ (table.txt, one run directory per mutant). Exit 0
# when the control passed and every non-equivalent mutant was killed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
smp=${SMP:-4}
case "$smp" in '' | *[!0-9]*) die "SMP='$smp' is not a number of vCPUs: use e.g. SMP=8" ;; esac
idle=${MUTANT_IDLE:-60}
dir="$TOP/tests/mutants"

# The mutants picked by MUTANTS (default: every patch), in order.
picked=()
for p in "$dir"/*.patch; do
	[ -f "$p" ] || continue
	n=$(basename "$p" .patch)
	if [ -n "${MUTANTS:-}" ]; then
		hit=0
		for want in $MUTANTS; do
			case "$n" in "$want" | "$want"-*) hit=1 ;; esac
		done
		[ "$hit" = 1 ] || continue
	fi
	picked+=("$p")
done
[ ${#picked[@]} -gt 0 ] || die "MUTANTS='${MUTANTS:-}' matches no patch in tests/mutants/: give numbers (03) or names (03-short-name)"

out=$(new_run_dir mutants)
log "make mutants: ${#picked[@]} mutants on mainline-fixed, $ARCH; results in ${out#"$TOP"/}"

# One worktree for every mutant, at mainline-fixed plus the mutant as a
# commit (KDIR= wants a clean git tree): a checkout changes only what the
# mutant touched, so kbuild recompiles just that.
VARIANT=mainline-fixed "$TOP/scripts/apply.sh"
ref=$(git -C "$(variant_tree mainline-fixed)" rev-parse HEAD)
src=$(base_src)
mt="$BASE_BUILD/trees/mutant"
git -C "$src" worktree prune
[ -e "$mt/.git" ] || git -C "$src" worktree add -q --detach "$mt" "$ref"
ARCH=$ARCH "$TOP/scripts/mkinitramfs.sh"

# set_mutant PATCH|"": the tree at mainline-fixed, with PATCH committed.
set_mutant() {
	git -C "$mt" checkout -q -f --detach "$ref"
	git -C "$mt" clean -q -fd
	[ -n "$1" ] || return 0
	git -C "$mt" apply "$1" || return 1
	git -C "$mt" -c user.name=mutant -c user.email=mutant@localhost \
		commit -q -a -m "mutant $(basename "$1" .patch)"
}

# boot NAME: build the tree and run the full suite; prints the run dir.
boot() {
	local rc=0
	ARCH=$ARCH KDIR=$mt VARIANT=mainline RUN=long QUIET=1 IDLE_TIMEOUT=$idle \
		RESULTS="$out/$1" "$TOP/scripts/vmtest.sh" >"$out/$1.log" 2>&1 || rc=$?
	sed -n 's/^vmrun: results in //p' "$out/$1.log" | tail -n 1
	return "$rc"
}

printf '%s\t%s\t%s\t%s\t%s\n' mutant verdict seconds caught-by what >"$out/table.tsv"
set_mutant ""
log "control (unmutated mainline-fixed)"
run=$(boot control) || true
control=$(result_field "$run" verdict)
printf '%s\t%s\t%s\t%s\t%s\n' control "$control" "$(result_field "$run" time_total_s)" \
	"$(result_field "$run" first_failure)" "the unmutated kernel" >>"$out/table.tsv"
[ "$control" = PASS ] ||
	die "the control (unmutated mainline-fixed) gave $control, not PASS: a false alarm, fix the suite first (see ${out#"$TOP"/}/control.log)"

for p in "${picked[@]}"; do
	n=$(basename "$p" .patch)
	what=$(sed -n '1s/^# //p' "$p")
	below=$(sed -n 's/^# equivalent below \([0-9]*\) CPUs: .*/\1/p' "$p" | head -n 1)
	if grep -q '^# equivalent:' "$p" || { [ -n "$below" ] && [ "$smp" -lt "$below" ]; }; then
		verdict=EQUIVALENT
		caught=$(sed -n 's/^# equivalent\( below [0-9]* CPUs\)\{0,1\}: //p' "$p" | head -n 1)
		secs=-
	elif ! set_mutant "$p" 2>"$out/$n.apply.log"; then
		verdict=NO-APPLY caught="see ${out#"$TOP"/}/$n.apply.log" secs=-
	else
		log "mutant $n: $what"
		run=$(boot "$n") || true
		verdict=$(result_field "$run" verdict)
		[ "$verdict" != - ] || verdict=INFRA
		secs=$(result_field "$run" time_to_failure_s)
		caught=$(result_field "$run" first_failure)
	fi
	log "mutant $n: $verdict${caught:+ ($caught)}"
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$verdict" "$secs" "${caught:--}" "$what" >>"$out/table.tsv"
done
set_mutant ""

python3 "$TOP/scripts/mutants-table.py" "$out/table.tsv" | tee "$out/table.txt"
exit "${PIPESTATUS[0]}"
