#!/usr/bin/env bash
# make vmtest ARCH=... VARIANT=...: apply, build, pack and boot; the exit
# code is the verdict's (0 PASS, 1 TEST-FAIL, 2 kernel failure, 3 INFRA).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
VARIANT=${VARIANT:-fixed}
check_build "$ARCH" "$VARIANT"

# Infrastructure failures before the boot exit with 3, like INFRA.
infra() {
	echo "error: $*" >&2
	exit 3
}

# HOST_CPUS: QEMU (every vCPU thread) on these host CPUs only, as a
# taskset list, for measuring how the host's share of CPUs changes a
# race (results.md: it closes the seed's window rather than widening
# it); the runner scales the guest's stall thresholds to what it gets.
# Checked before anything is built.
pin=()
if [ -n "${HOST_CPUS:-}" ]; then
	taskset -c "$HOST_CPUS" true 2>/dev/null ||
		infra "HOST_CPUS='$HOST_CPUS' is not a CPU list this machine can run on ($(nproc) CPUs: 0-$(($(nproc) - 1))): use e.g. HOST_CPUS=0"
	pin=(taskset -c "$HOST_CPUS")
fi
(need_packages "$QEMU_PKG" python3) || infra "cannot install $QEMU_PKG"
out=$(kbuild_dir "$ARCH" "$VARIANT")
# VMTEST_NO_BUILD=1 (make prove, after building everything once): boot
# what is built, without waiting for the kernel build lock each time.
if [ "${VMTEST_NO_BUILD:-0}" = 1 ]; then
	[ -f "$out/$KIMAGE" ] && [ -f "$BASE_BUILD/initramfs/$ARCH/initramfs.cpio" ] ||
		infra "VMTEST_NO_BUILD=1 but no $ARCH $VARIANT kernel or initramfs is built: run without it"
else
	# A user's tree (KDIR) is built as it is: 'make apply KDIR=' is explicit.
	if [ -z "${KDIR:-}" ]; then
		ARCH=$ARCH VARIANT=$VARIANT "$TOP/scripts/apply.sh" || infra "applying the $VARIANT series failed"
	fi
	ARCH=$ARCH VARIANT=$VARIANT "$TOP/scripts/build-kernel.sh" || infra "building the $ARCH $VARIANT kernel failed"
	ARCH=$ARCH "$TOP/scripts/mkinitramfs.sh" || infra "making the $ARCH initramfs failed"
fi

manifest="$out/patches.manifest"
write_manifest "$manifest" "$VARIANT"
variant_label=$(variant_name "$VARIANT")
[ -z "${SANITIZER:-}" ] || variant_label+=-$SANITIZER
args=(--arch "$ARCH" --variant "$variant_label" --manifest "$manifest" --kernel "$out/$KIMAGE"
	--initrd "$BASE_BUILD/initramfs/$ARCH/initramfs.cpio" --smp "${SMP:-4}" --results "$(results_dir)")
[ -n "${MEM:-}" ] && args+=(--mem "$MEM")
[ -n "${TIMEOUT:-}" ] && args+=(--timeout "$TIMEOUT")
[ -n "${IDLE_TIMEOUT:-}" ] && args+=(--idle-timeout "$IDLE_TIMEOUT")
append="mmcid.run=${RUN:-all} ${APPEND:-}"
[ "${QUIET:-0}" = 1 ] && args+=(--quiet)
exec "${pin[@]}" python3 "$TOP/scripts/vmrun.py" "${args[@]}" --append "$append"
