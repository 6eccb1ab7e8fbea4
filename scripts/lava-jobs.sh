#!/usr/bin/env bash
# make lava-jobs: a LAVA job per architecture and variant in
# build/lava/jobs/<arch>-<variant>/ (definition.yaml, device.yaml,
# dispatcher.yaml), validated with lava_common's schemas. The kernel and
# initramfs are file:// URLs of this checkout's build outputs (built or
# not); KERNEL_URL and INITRD_URL replace them for a lab, which fetches
# the artefacts from where you publish them.
#   MATRIX_ARCHES (all), VARIANTS (prefix fixed), SMP (4), RUN (all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

arches=${MATRIX_ARCHES:-$ARCHES}
variants=${VARIANTS:-prefix fixed}
for a in $arches; do check_arch "$a"; done
for v in $variants; do check_variant "$v"; done
[ -z "${KERNEL_URL:-}${INITRD_URL:-}" ] || [ "$(echo $arches $variants | wc -w)" -eq 2 ] ||
	die "KERNEL_URL/INITRD_URL name one kernel: give one MATRIX_ARCHES and one VARIANTS with them"

need_packages python3
site=$("$TOP/scripts/lava-fetch.sh")
for a in $arches; do
	for v in $variants; do
		kimage=$(load_arch "$a" && echo "$KIMAGE")
		dir="$BUILD/lava/jobs/$a-$v"
		PYTHONPATH=$site /usr/bin/python3 -S "$TOP/scripts/lava-jobs.py" --arch "$a" \
			--variant "$v" --smp "${SMP:-4}" --run "${RUN:-all}" --append "${APPEND:-}" \
			--kernel "${KERNEL_URL:-$(kbuild_dir "$a" "$v")/$kimage}" \
			--initrd "${INITRD_URL:-$BASE_BUILD/initramfs/$a/initramfs.cpio}" \
			--tmp "$BUILD/lava/tmp" --out "$dir"
		log "lava job: ${dir#"$TOP"/}/definition.yaml (validated)"
	done
done
