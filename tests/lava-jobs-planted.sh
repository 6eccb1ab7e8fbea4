#!/usr/bin/env bash
# make lava-jobs validates with lava_common's schemas: a job with a
# monitor name LAVA refuses (a space) must not be written.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
site=$("$TOP/scripts/lava-fetch.sh")
if PYTHONPATH=$site /usr/bin/python3 -S "$TOP/scripts/lava-jobs.py" --arch x86_64 \
	--variant fixed --kernel k --initrd i --tmp "$scratch/tmp" --out "$scratch/job" \
	--plant bad-monitor-name 2>"$scratch/err"; then
	echo "a job with an invalid monitor name was written"
	exit 1
fi
grep -q "^error: the LAVA job for x86_64 fixed does not validate: .*monitors" "$scratch/err" || {
	cat "$scratch/err"
	echo "refused, but not for the planted monitor name"
	exit 1
}
[ ! -e "$scratch/job" ] && [ ! -e "$scratch/job.tmp" ] || {
	echo "the refused job left files behind"
	exit 1
}
echo "planted invalid job refused: $(cat "$scratch/err")"
