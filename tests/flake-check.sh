#!/usr/bin/env bash
# make flake-check: false alarms. Boots a correct kernel (VARIANT=fixed,
# or mainline-fixed) RUNS times with the full suite, with the vCPU counts
# of SMP taken in turn, optionally while the host is loaded, and prints a
# table: runs, PASS, and every other verdict with its first failing line.
# Any failure here is a defect of a test, not noise.
#
#   RUNS (6)    boots per architecture
#   ARCH        architectures, space separated (x86_64)
#   SMP         vCPU counts used in turn ("2 4 8")
#   LOAD (0)    1: stress-ng --cpu 2 runs on the host beside QEMU
#   VARIANT     fixed (default) or mainline-fixed
# Consoles and result.json of every run: build/flake/<id>/. Every run is
# also appended to build/flake/ledger.tsv under the identity of what it
# tested (the content of selftests/, patches/, configs/, scripts/guest/),
# so that runs of the same suite and kernel add up across invocations;
# the second table counts them. Exit 0 when every run of this invocation
# passed.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

arches=${ARCH:-x86_64}
runs=${RUNS:-6}
smps=${SMP:-2 4 8}
load=${LOAD:-0}
variant=${VARIANT:-fixed}
for a in $arches; do check_arch "$a"; done
case "$variant" in fixed | mainline-fixed) ;; *) die "VARIANT=$variant is not a correct kernel: flake-check boots fixed or mainline-fixed" ;; esac
case "$runs" in '' | *[!0-9]*) die "RUNS=$runs: give a whole number of boots" ;; esac
for s in $smps; do
	case "$s" in '' | *[!0-9]* | 0) die "SMP=$smps: give vCPU counts, e.g. SMP=\"2 4 8\"" ;; esac
done
case "$load" in 0 | 1) ;; *) die "LOAD=$load: use 1 (stress-ng beside QEMU) or 0" ;; esac
[ "$load" = 0 ] || need_packages stress-ng

# What a run tests: the suite, the guest image's scripts, the variant's
# own patches (not the debug or bench ones it does not carry) and the
# kernel configs, as the working tree has them.
ident=$(cd "$TOP" && { git ls-files -z -- selftests configs scripts/guest
	variant_patches "$variant" | sed "s|^$TOP/||" | tr '\n' '\0'; } |
	sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
ledger="$BUILD/flake/ledger.tsv"
out=$(new_run_dir flake)
log "make flake-check: $variant, $runs runs per architecture, SMP $smps, load $load; results in ${out#"$TOP"/}"

for a in $arches; do
	ARCH=$a VARIANT=$variant "$TOP/scripts/apply.sh"
	ARCH=$a VARIANT=$variant "$TOP/scripts/build-kernel.sh"
	ARCH=$a "$TOP/scripts/mkinitramfs.sh"
done

stress_pid=
stop_load() {
	[ -n "$stress_pid" ] || return 0
	kill "$stress_pid" 2>/dev/null || true
	wait "$stress_pid" 2>/dev/null || true
	stress_pid=
}
trap stop_load EXIT

printf '%s\n' "arch smp run verdict seconds first-failing-line" >"$out/runs.txt"
for a in $arches; do
	set -- $smps
	for i in $(seq "$runs"); do
		smp=$1
		shift
		set -- "$@" "$smp"
		if [ "$load" = 1 ]; then
			stress-ng --cpu 2 --timeout 0 --quiet >/dev/null 2>&1 &
			stress_pid=$!
		fi
		rc=0
		ARCH=$a VARIANT=$variant SMP=$smp RUN=all QUIET=1 VMTEST_NO_BUILD=1 \
			RESULTS="$out/runs" "$TOP/scripts/vmtest.sh" >"$out/last-run.log" 2>&1 || rc=$?
		stop_load
		verdict=$(sed -n 's/^vmrun: verdict \([A-Z0-9-]*\).*/\1/p' "$out/last-run.log")
		rundir=$(sed -n 's/^vmrun: results in //p' "$out/last-run.log" | tail -n 1)
		secs=$(result_field "$rundir" time_total_s)
		line=-
		if [ "${verdict:-INFRA}" != PASS ]; then
			if [ -n "$rundir" ] && [ -d "$TOP/${rundir#"$TOP"/}" ]; then
				line=$(result_field "$rundir" first_failure | cut -c1-140)
			else
				cp "$out/last-run.log" "$out/infra-$a-$i.log"
				line="exit $rc, see ${out#"$TOP"/}/infra-$a-$i.log"
			fi
		fi
		log "$a SMP=$smp run $i/$runs: ${verdict:-INFRA} (${secs} s)${line:+ $line}"
		printf '%s %s %s %s %s %s\n' "$a" "$smp" "$i" "${verdict:-INFRA}" "$secs" "${line:--}" >>"$out/runs.txt"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ident" "$(date -u +%FT%TZ)" "$variant" \
			"$load" "$a" "$smp" "${verdict:-INFRA}" "$secs" "${line:--}" >>"$ledger"
	done
done

# count_table: "arch<TAB>smp<TAB>verdict<TAB>what" lines on stdin; runs and
# PASS per architecture and vCPU count, then every non-PASS run.
count_table() {
	awk -F '\t' '{
		k = $1 " " $2; n[k]++; if ($3 == "PASS") p[k]++
		if (!(k in seen)) { seen[k] = 1; order[++m] = k }
		if ($3 != "PASS") bad[++nb] = "  " $1 " SMP=" $2 ": " $3 " " $4
	}
	END {
		printf "%-8s %4s %5s %5s %7s\n", "arch", "smp", "runs", "PASS", "other"
		for (i = 1; i <= m; i++) {
			k = order[i]; split(k, f, " ")
			printf "%-8s %4s %5d %5d %7d\n", f[1], f[2], n[k], p[k], n[k] - p[k]
			tn += n[k]; tp += p[k]
		}
		printf "%-8s %4s %5d %5d %7d\n", "total", "", tn, tp, tn - tp
		for (i = 1; i <= nb; i++) print bad[i]
	}'
}

{
	echo "flake-check: $variant, load $load ($(date -u +%Y-%m-%d), $(nproc) host CPUs, QEMU TCG)"
	awk 'NR > 1 { line = $0; sub(/^([^ ]+ ){5}/, "", line); print $1 "\t" $2 "\t" $4 "\trun " $3 ": " line }' \
		"$out/runs.txt" | count_table
	echo
	echo "all runs of suite and patches $ident, $variant, load $load (build/flake/ledger.tsv):"
	awk -F '\t' -v id="$ident" -v v="$variant" -v l="$load" \
		'$1 == id && $3 == v && $4 == l { print $5 "\t" $6 "\t" $7 "\t" $2 ": " $9 }' "$ledger" | count_table
} | tee "$out/table.txt"
! awk 'NR > 1 && $4 != "PASS" { bad = 1 } END { exit !bad }' "$out/runs.txt"
