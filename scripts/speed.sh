#!/usr/bin/env bash
# make speed: the harness's own speed per architecture, stage by stage:
# a one-line change in kernel/sched/core.c rebuilt (warm ccache), the
# initramfs, and one boot with the full suite (boot to first test,
# tests).
#
# SPEED_CLEAN=1 adds the cold stages: fetch (download and unpack the base
# into a scratch build directory), apply (the fixed variant's git am
# there), and per architecture a clean build with an empty compiler cache
# of its own (configuration time shown apart), next to the floor: the
# bare kernel compile of the same .config (plain 'make -j', no ccache, no
# harness), and the initramfs from nothing (busybox, liburcu, both test
# suites). The fixed variant's build directory is rebuilt from scratch
# for this, and the table ends with the sum of the stages a clean
# three-architecture matrix goes through. About 20 minutes per
# architecture on 2 cores.
#
# The fixed variant's tree is restored afterwards. SPEED_ARCHES selects
# the architectures. Table in build/speed/<id>.txt, logs beside it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arches=${SPEED_ARCHES:-$ARCHES}
for a in $arches; do check_arch "$a"; done
id=$(date +%Y%m%d-%H%M%S)
mkdir -p "$BUILD/speed"
table="$BUILD/speed/$id.txt"
slog="$BUILD/speed/$id.log"
rows=()
log "make speed: log in ${slog#"$TOP"/}"

secs() { # secs CMD...: run, print the wall seconds; the output goes to the log
	local t0 rc=0
	t0=$(date +%s.%N)
	"$@" >>"$slog" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || die "$* failed (exit $rc): see ${slog#"$TOP"/}"
	printf '%.0f' "$(echo "$(date +%s.%N) - $t0" | bc)"
}

# One cleanup for every way out: scratch directories go, an initramfs
# input moved aside comes back, the one-line change is undone.
scratch='' cold='' aside='' changed=''
inputs=()
cleanup() {
	local i
	[ -z "$changed" ] || git -C "$tree" checkout -q -- kernel/sched/core.c
	if [ -n "$aside" ]; then
		for i in "${inputs[@]}"; do
			[ ! -e "$aside/$i" ] || { rm -rf "${BUILD:?}/$i" && mv "$aside/$i" "$BUILD/$i"; }
		done
	fi
	rm -rf "$scratch" "$cold" "$aside"
}
trap cleanup EXIT

fetch=- apply=-
if [ "${SPEED_CLEAN:-0}" = 1 ]; then
	scratch=$(mktemp -d "$BUILD/.speed-build.XXXXXX")
	log "speed: fetch and apply into a scratch build directory"
	fetch=$(secs env BUILD="$scratch" "$TOP/scripts/fetch-base.sh")
	apply=$(secs env BUILD="$scratch" VARIANT=fixed "$TOP/scripts/apply.sh")
	rm -rf "$scratch"
	scratch=''
fi

matrix=$((${fetch/-/0} + ${apply/-/0}))
for a in $arches; do
	log "speed: $a"
	ARCH="$a" VARIANT=fixed "$TOP/scripts/apply.sh" >>"$slog" 2>&1
	tree=$(variant_tree fixed)
	config=- clean=- floor=- ramfs0=-
	if [ "${SPEED_CLEAN:-0}" = 1 ]; then
		# The variant's own build directory, from nothing, with an empty
		# ccache that the incremental steps below then use (warm by then).
		log "speed: $a clean build, empty ccache"
		cold=$(mktemp -d "$BUILD/.speed-ccache.XXXXXX")
		export CCACHE_DIR=$cold
		kout=$(kbuild_dir "$a" fixed)
		rm -rf "$kout"
		clean=$(secs env ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh")
		config=$(sed -n "s/^==> configure $a fixed kernel: done in \([0-9]*\) s$/\1/p" "$slog" | tail -1)
		# The floor: the same .config, compiled by kbuild alone.
		log "speed: $a floor, plain make without ccache"
		floor_out="$tree/.kbuild-floor-$a"
		rm -rf "$floor_out"
		mkdir -p "$floor_out"
		cp "$kout/.config" "$floor_out/.config"
		floor=$(
			load_arch "$a"
			secs make -C "$tree" O="$floor_out" ARCH="$KARCH" \
				CROSS_COMPILE="$CROSS_COMPILE_DEFAULT" RUSTC=false -j"$(nproc)"
		)
		rm -rf "$floor_out"
		# The initramfs from nothing: its inputs are moved aside, and put
		# back by cleanup() unless the timed build succeeds.
		log "speed: $a initramfs from nothing"
		deb_arch=$(
			load_arch "$a"
			echo "$DEB_ARCH"
		)
		aside=$(mktemp -d "$BUILD/.speed-aside.XXXXXX")
		base_rel=${BASE_BUILD#"$BUILD"}
		inputs=("busybox/$deb_arch" "urcu/$deb_arch" "selftests/$a"
			"rseq-selftests/$BASE_VERSION/$a" "${base_rel#/}${base_rel:+/}initramfs/$a")
		for i in "${inputs[@]}"; do
			[ ! -e "$BUILD/$i" ] || { mkdir -p "$aside/$(dirname "$i")" && mv "$BUILD/$i" "$aside/$i"; }
		done
		ramfs0=$(secs env ARCH="$a" "$TOP/scripts/mkinitramfs.sh")
		rm -rf "$aside"
		aside=''
	else
		ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh" >>"$slog" 2>&1
	fi
	# A one-line change, as a developer makes it; restored afterwards.
	changed=1
	echo "/* speed: a one-line change */" >>"$tree/kernel/sched/core.c"
	incr=$(secs env ARCH="$a" VARIANT=fixed "$TOP/scripts/build-kernel.sh")
	git -C "$tree" checkout -q -- kernel/sched/core.c
	changed=''
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
	rows+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$a" "$fetch" \
		"$apply" "${config:--}" "$clean" "$floor" "$ramfs0" "$incr" "$back" "$initramfs" \
		"$first" "$tests" "$((incr + initramfs + boot))" "$verdict")")
	if [ "${SPEED_CLEAN:-0}" = 1 ]; then
		matrix=$((matrix + clean + ramfs0 + boot))
		rm -rf "$cold"
		cold=''
		unset CCACHE_DIR
	fi
	fetch=- apply=-
done
{
	{
		printf '%s\t' arch fetch apply config clean floor ramfs0 1-line undo initramfs boot tests cycle
		printf 'verdict\n'
		printf '%s\n' "${rows[@]}"
	} | python3 "$TOP/scripts/tables.py"
	echo "seconds. fetch, apply, config, clean, floor, ramfs0: SPEED_CLEAN=1 only (fetch:"
	echo "download and unpack the base; apply: git am of the fixed variant; clean: the"
	echo "harness's build with an empty ccache, config included; floor: plain make -j$(nproc)"
	echo "of the same .config without ccache; ramfs0: the initramfs from nothing). 1-line:"
	echo "rebuild after a one-line change in kernel/sched/core.c; undo: rebuild after"
	echo "reverting it; boot: to the first test; cycle: 1-line + initramfs + boot with"
	echo "the full suite"
	if [ "${SPEED_CLEAN:-0}" = 1 ]; then
		echo "clean matrix ($arches): fetch + apply + per architecture clean + ramfs0 + the"
		echo "whole boot with the suite: $matrix s ($((matrix / 60)) min $((matrix % 60)) s)"
	fi
} | tee "$table"
