#!/usr/bin/env bash
# Bad input must give one clear "error:" line, a non-zero exit and no
# half-written tree. TAP output. Needs the cached base (make base) and the
# fixed tree (make apply) for the last cases; the download cases use a
# scratch build directory.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# make exports these; each case below sets what it means.
unset BASE_VERSION BASE_LOCK PATCHES CROSS_COMPILE KDIR EXTRA_PATCHES SANITIZER AM_FLAGS KNOBS BENCH_RUNS BENCH_ARGS BENCH_SECONDS BENCH_RATE BENCH_DEBUG BENCH_ARCHES BENCH_EXIT_SMP BENCH_EXIT_ARGS BENCH_EXIT_OLD RESULTS
scratch=$(mktemp -d)
trap 'umount "$scratch/small" 2>/dev/null || true; rm -rf "$scratch"' EXIT
n=0 failed=0

# expect_error NAME PATTERN CMD...: CMD fails with exactly one error line
# matching PATTERN.
expect_error() {
	local name=$1 pattern=$2 rc=0
	shift 2
	n=$((n + 1))
	"$@" >"$scratch/out" 2>"$scratch/err" || rc=$?
	local errors
	errors=$(grep -c '^error: ' "$scratch/err" || true)
	if [ "$rc" -ne 0 ] && [ "$errors" -eq 1 ] && grep -q -- "$pattern" "$scratch/err"; then
		echo "ok $n - $name: $(grep '^error: ' "$scratch/err" | cut -c1-150)"
	else
		echo "not ok $n - $name (exit $rc, $errors error lines)"
		sed 's/^/# /' "$scratch/err" | tail -5
		failed=$((failed + 1))
	fi
}

# expect_nothing_left NAME DIR: no temporary or partial tree under DIR.
expect_nothing_left() {
	n=$((n + 1))
	local left
	left=$(find "$2" -maxdepth 3 \( -name '.unpack.*' -o -name '.dl.*' -o -name '.new-*' \
		-o -name '*.tmp' -o -name 'linux-*' \) 2>/dev/null | grep -v '/dl/' || true)
	if [ -z "$left" ]; then
		echo "ok $n - $1: nothing half-written"
	else
		echo "not ok $n - $1: left behind: $left"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"

expect_error "unknown base version" "is not pinned" \
	env BASE_VERSION=9.9.9-1 "$TOP/scripts/fetch-base.sh"

sha=$(awk '!/^#/ && NF == 3 { print $3; exit }' "$TOP/base.lock")
ver=$(awk '!/^#/ && NF == 3 { print $2; exit }' "$TOP/base.lock")
echo "linux-source-7.2 7.2.99-1 $sha" >"$scratch/missing.lock"
expect_error "version not in the archive" "cannot be had" \
	env BUILD="$scratch/b1" BASE_LOCK="$scratch/missing.lock" BASE_VERSION=7.2.99-1 \
	"$TOP/scripts/fetch-base.sh"
expect_nothing_left "version not in the archive" "$scratch/b1"

echo "linux-source-7.2 $ver $(echo "$sha" | tr 0-9a-f 1-9a-f0)" >"$scratch/corrupt.lock"
expect_error "corrupted download" "checksum mismatch" \
	env BUILD="$scratch/b2" BASE_LOCK="$scratch/corrupt.lock" BASE_VERSION="$ver" \
	"$TOP/scripts/fetch-base.sh"
expect_nothing_left "corrupted download" "$scratch/b2"
n=$((n + 1))
if ls "$scratch/b2/dl/"*.deb >/dev/null 2>&1; then
	echo "not ok $n - corrupted download: the bad .deb was kept"
	failed=$((failed + 1))
else
	echo "ok $n - corrupted download: the bad .deb was not kept"
fi
rm -rf "$scratch/b1" "$scratch/b2"

# A disk too small for the source: stopped before unpacking, with the
# space it needs, not by git or tar half-way. A 300 MB tmpfs holds the
# cached .deb (160 MB) and not the tree.
deb=$(ls "$TOP"/build/dl/linux-source-*"_${ver}_all.deb" 2>/dev/null | head -1 || true)
if [ -n "$deb" ] && mkdir -p "$scratch/small" && mount -t tmpfs -o size=300m tmpfs "$scratch/small" 2>/dev/null; then
	mkdir -p "$scratch/small/dl"
	cp "$deb" "$scratch/small/dl/"
	expect_error "disk too small for the base" "needs about 4 GB free" \
		env BUILD="$scratch/small" BASE_VERSION="$ver" "$TOP/scripts/fetch-base.sh"
	expect_nothing_left "disk too small for the base" "$scratch/small"
	umount "$scratch/small"
else
	n=$((n + 1))
	echo "ok $n - disk too small for the base # SKIP needs root (mount tmpfs) and the cached .deb (make base)"
fi

expect_error "unknown variant" "unknown VARIANT" env VARIANT=nope "$TOP/scripts/apply.sh"
expect_error "unknown architecture" "unknown ARCH" env ARCH=riscv64 "$TOP/scripts/build-kernel.sh"
expect_error "HOST_CPUS not a CPU list" "is not a CPU list" env HOST_CPUS=99 "$TOP/scripts/vmtest.sh"
expect_error "prove case on no requested arch" "runs only on ppc64le" \
	env PROVE_ARCHES=x86_64 PROVE_CASES=rseq-mainline "$TOP/scripts/prove.sh"

# A series whose second patch no longer applies: the fixed tree must stay
# exactly where it was.
cp -r "$TOP/patches" "$scratch/patches"
p2=$(sed -n 2p "$scratch/patches/series")
sed -i '0,/^-	unsigned int		transit;/s//-	unsigned int		transit_stale;/' "$scratch/patches/$p2"
tree="$TOP/build/trees/fixed"
before=$(git -C "$tree" rev-parse "HEAD^{tree}" 2>/dev/null || echo none)
expect_error "patch that no longer applies" "does not apply" \
	env PATCHES="$scratch/patches" VARIANT=fixed "$TOP/scripts/apply.sh"
n=$((n + 1))
after=$(git -C "$tree" rev-parse "HEAD^{tree}" 2>/dev/null || echo none)
if [ "$before" = "$after" ] && [ -z "$(git -C "$tree" status --porcelain 2>/dev/null)" ]; then
	echo "ok $n - patch that no longer applies: fixed tree unchanged"
else
	echo "not ok $n - patch that no longer applies: fixed tree changed ($before -> $after)"
	failed=$((failed + 1))
fi

# The build checks the compiler after finding the tree: have one, so that
# this case also runs on its own (make check applies it earlier anyway).
VARIANT=fixed "$TOP/scripts/apply.sh" >/dev/null
expect_error "missing cross compiler" "cross compiler" \
	env ARCH=arm64 VARIANT=fixed CROSS_COMPILE=nonexistent-linux-gnu- "$TOP/scripts/build-kernel.sh"

# make bench's own variables: refused before anything is built.
expect_error "BENCH_RUNS not a number" "must be whole numbers" \
	env BENCH_RUNS=many "$TOP/scripts/bench.sh"
expect_error "BENCH_ARGS not an option" "BENCH_ARGS takes --name=value" \
	env BENCH_ARGS=fast "$TOP/scripts/bench.sh"
expect_error "BENCH_EXIT_SMP not vCPU counts" "must list vCPU counts" \
	env BENCH_EXIT_SMP="2 four" "$TOP/scripts/bench-exit.sh"

# Your own tree and patches (KDIR=, EXTRA_PATCHES=, SANITIZER=).
expect_error "EXTRA_PATCHES not a directory" "is not a directory" \
	env EXTRA_PATCHES="$scratch/none" VARIANT=fixed "$TOP/scripts/apply.sh"
mkdir -p "$scratch/empty"
expect_error "EXTRA_PATCHES without patches" "has no \*.patch" \
	env EXTRA_PATCHES="$scratch/empty" VARIANT=fixed "$TOP/scripts/apply.sh"
expect_error "unknown sanitizer" "unknown SANITIZER" \
	env SANITIZER=msan ARCH=x86_64 "$TOP/scripts/build-kernel.sh"
expect_error "KASAN on ppc64le" "is for x86_64 and arm64" \
	env SANITIZER=kasan ARCH=ppc64le "$TOP/scripts/build-kernel.sh"
expect_error "KDIR not a kernel tree" "is not a Linux source tree" \
	env KDIR="$scratch/empty" VARIANT=mainline-fixed "$TOP/scripts/apply.sh"

# A user's tree: a clone of the pristine base.
kdir="$scratch/linux"
src=$(bash -c 'source "$1/scripts/lib.sh" && base_src' _ "$TOP")
git clone -q --shared --no-checkout "$src" "$kdir"
git -C "$kdir" checkout -q -b work pristine
echo "/* local change */" >>"$kdir/kernel/sched/core.c"
expect_error "KDIR with uncommitted changes" "uncommitted changes" \
	env KDIR="$kdir" VARIANT=mainline-fixed "$TOP/scripts/apply.sh"
git -C "$kdir" checkout -q -- kernel/sched/core.c
expect_error "KDIR with the fixture" "fixture for the pinned base only" \
	env KDIR="$kdir" VARIANT=prefix "$TOP/scripts/apply.sh"
n=$((n + 1))
fixes=$(bash -c 'source "$1/scripts/lib.sh" && kdir_patches mainline-fixed | wc -l' _ "$TOP")
if env KDIR="$kdir" VARIANT=mainline-fixed "$TOP/scripts/apply.sh" >"$scratch/out" 2>&1 &&
	[ "$(git -C "$kdir" rev-list --count pristine..work)" = "$fixes" ]; then
	echo "ok $n - KDIR: the $fixes fixes of mainline-fixed applied with git am ($(git -C "$kdir" log -1 --format=%s | cut -c1-60))"
else
	echo "not ok $n - KDIR: git am of the $fixes fixes of mainline-fixed failed"
	sed 's/^/# /' "$scratch/out" | tail -5
	failed=$((failed + 1))
fi
expect_error "KDIR with the series already present" "is already in KDIR" \
	env KDIR="$kdir" VARIANT=mainline-fixed "$TOP/scripts/apply.sh"
rm -rf "$kdir"

# make fresh-check: no debootstrap to be had, and a mirror that does not
# answer; neither may leave a half-made root behind.
expect_error "fresh root: debootstrap not on PATH" "not on PATH" \
	env BUILD="$scratch/b9" PATH=/usr/bin:/bin "$TOP/tests/fresh-check.sh"
expect_error "fresh root: mirror unreachable" "debootstrap of .* failed" \
	env BUILD="$scratch/b9" FRESH_MIRROR=http://127.0.0.1:9/debian "$TOP/tests/fresh-check.sh"
n=$((n + 1))
left=$(find "$scratch/b9/fresh" -maxdepth 1 \( -name '.minbase.*' -o -name 'minbase-*' -o -name root \) 2>/dev/null)
if [ -z "$left" ]; then
	echo "ok $n - fresh root: nothing half-made"
else
	echo "not ok $n - fresh root: left behind: $left"
	failed=$((failed + 1))
fi

# Another pinned base builds apart from the default one: switching
# BASE_VERSION back and forth must find its own trees, kernels, initramfs
# and results, never the other base's.
paths_of() {
	env BASE_VERSION="$1" bash -c 'source "$1/scripts/lib.sh" && printf "%s\n" \
		"$(base_src)" "$(variant_tree mainline)" "$(kbuild_dir x86_64 mainline)" \
		"$BASE_BUILD/initramfs" "$(results_dir)" "$BASE_BUILD/trees/.am"' _ "$TOP"
}
other=$(awk '!/^#/ && NF == 3 { n++; if (n == 2) { print $2; exit } }' "$TOP/base.lock")
n=$((n + 1))
shared=$(comm -12 <(paths_of "" | sort) <(paths_of "$other" | sort))
if [ -n "$other" ] && [ -z "$shared" ] && [ "$(paths_of "" | sort -u | wc -l)" -eq 6 ]; then
	echo "ok $n - BASE_VERSION=$other: trees, kernels, initramfs and results apart from the default base's"
else
	echo "not ok $n - BASE_VERSION=$other shares build paths with the default base: ${shared:-no second base in base.lock}"
	failed=$((failed + 1))
fi

# make outgoing signs off as the sender: no identity, no files.
rm -rf "$TOP/build/outgoing.tmp"
expect_error "make outgoing without a sender identity" "user.name and user.email are unset" \
	env HOME="$scratch" XDG_CONFIG_HOME="$scratch" GIT_CONFIG_NOSYSTEM=1 "$TOP/scripts/outgoing.sh"
n=$((n + 1))
if [ ! -e "$TOP/build/outgoing.tmp" ]; then
	echo "ok $n - make outgoing without a sender identity: nothing half-written"
else
	echo "not ok $n - make outgoing left build/outgoing.tmp behind"
	failed=$((failed + 1))
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
