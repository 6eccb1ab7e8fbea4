#!/usr/bin/env bash
# make lava ARCH=... VARIANT=...: the job of make lava-jobs, run locally
# with lava-run (LAVA's dispatcher from bookworm's packages, unpacked in
# build/lava/root), with the verdict and exit code make vmtest gives for
# the same kernel: 0 PASS, 1 TEST-FAIL, 2 kernel failure, 3 INFRA.
# Builds what vmtest builds unless VMTEST_NO_BUILD=1. Log, console,
# LAVA's results, result.json and kcidb.json:
# build/lava/runs/<arch>/<variant>/<id>/. A guest which is silent 10 s
# before LAVA gives up on it (IDLE_TIMEOUT, 120, after the last test
# result) has its vCPUs read from QEMU's monitor (lava-watch.py), so that
# a live lock which stops every CPU is a LOCKUP here as in vmtest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
VARIANT=${VARIANT:-fixed}
check_build "$ARCH" "$VARIANT"
need_packages "$QEMU_PKG" python3

out=$(kbuild_dir "$ARCH" "$VARIANT")
if [ "${VMTEST_NO_BUILD:-0}" != 1 ]; then
	ARCH=$ARCH VARIANT=$VARIANT "$TOP/scripts/apply.sh"
	ARCH=$ARCH VARIANT=$VARIANT "$TOP/scripts/build-kernel.sh"
	ARCH=$ARCH "$TOP/scripts/mkinitramfs.sh"
fi
kernel="$out/$KIMAGE"
initrd="$BASE_BUILD/initramfs/$ARCH/initramfs.cpio"
[ -f "$kernel" ] && [ -f "$initrd" ] ||
	die "no $ARCH $VARIANT kernel or initramfs is built: run without VMTEST_NO_BUILD=1"

site=$("$TOP/scripts/lava-fetch.sh")
run="$BUILD/lava/runs/$ARCH/$VARIANT/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run" "$BUILD/lava/tmp"
timeout=${TIMEOUT:-600}
idle=${IDLE_TIMEOUT:-120}
case "$idle" in '' | *[!0-9]* | ? | 0*) die "IDLE_TIMEOUT='$idle' is not a number of seconds from 10 on: use e.g. IDLE_TIMEOUT=30" ;; esac
# A short path: a unix socket's name has room for about 100 bytes.
mon_dir=$(mktemp -d /tmp/mmcid-lava-mon.XXXXXX)
lava_pid='' watch_pid=''
# lava-run and the watcher run in the background: stop them (timeout
# passes the TERM on to lava-run, which stops QEMU) if this script ends
# early, e.g. on ^C.
trap 'kill -TERM $lava_pid $watch_pid 2>/dev/null || true; rm -rf "$mon_dir"' EXIT
PYTHONPATH=$site /usr/bin/python3 -S "$TOP/scripts/lava-jobs.py" --arch "$ARCH" \
	--variant "$VARIANT" --smp "${SMP:-4}" --run "${RUN:-all}" --append "${APPEND:-}" \
	--timeout "$timeout" --idle-timeout "$idle" --kernel "$kernel" \
	--initrd "$initrd" --tmp "$BUILD/lava/tmp" --monitor "$mon_dir/sock" --out "$run/job"
log "lava-run: ${run#"$TOP"/}/job/definition.yaml"
rc=0
# lava-run logs YAML to stderr; -S keeps a site-packages of another
# Python (a virtualenv on PATH) out of the unpacked tree's way.
PYTHONPATH=$site timeout $((timeout + 300)) /usr/bin/python3 -S "$BUILD/lava/root/usr/bin/lava-run" \
	--device "$run/job/device.yaml" --dispatcher "$run/job/dispatcher.yaml" \
	--job-id 1 --output-dir "$run/output" "$run/job/definition.yaml" \
	2>"$run/lava-run.log" >"$run/lava-run.out" &
lava_pid=$!
/usr/bin/python3 "$TOP/scripts/lava-watch.py" --log "$run/lava-run.log" --monitor "$mon_dir/sock" \
	--kernel "$kernel" --idle "$idle" --out "$run/vcpus.txt" --pid "$lava_pid" &
watch_pid=$!
wait "$lava_pid" || rc=$?
wait "$watch_pid" || true
lava_pid='' watch_pid=''
log "lava-run exited with $rc (LAVA exits 0 when tests fail): the verdict comes from the console"
write_manifest "$run/patches.manifest" "$VARIANT"
PYTHONPATH=$site /usr/bin/python3 -S "$TOP/scripts/lava-verdict.py" "$run/lava-run.log" "$run" \
	--arch "$ARCH" --variant "$VARIANT" --smp "${SMP:-4}" --manifest "$run/patches.manifest" \
	--vcpus "$run/vcpus.txt"
