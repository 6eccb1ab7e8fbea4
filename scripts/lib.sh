# Shared helpers for the harness scripts. Source it; do not run it.
# About 450 lines: variants, their patches and trees, as every script
# needs them, and the few steps several scripts share (run directories,
# the disk check, a benchmark's boot); Debian packages are in apt.sh.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# BASE_LOCK and PATCHES point elsewhere only for the harness's own tests.
BASE_LOCK=${BASE_LOCK:-$TOP/base.lock}
PATCHES=${PATCHES:-$TOP/patches}
BASE_DEFAULT=$(awk '!/^#/ && NF == 3 { print $2; exit }' "$BASE_LOCK")
BASE_VERSION=${BASE_VERSION:-$BASE_DEFAULT}
# What is built from one base (variant trees, kernels, initramfs, boot
# results) lives apart from another base's, so that 7.2 and 7.3 sit side
# by side and a switch rebuilds nothing; downloads, the pristine sources
# (build/src/linux-VERSION) and ccache are shared. The default base keeps
# the plain paths.
if [ "$BASE_VERSION" = "$BASE_DEFAULT" ]; then
	BASE_BUILD=$BUILD
else
	BASE_BUILD=$BUILD/base-$BASE_VERSION
fi
# Where a boot's results go: RESULTS if given (for this run only, never
# exported, so that a nested run of another base finds its own), else
# this base's build/.../results.
results_dir() {
	echo "${RESULTS:-$BASE_BUILD/results}"
}
ARCHES="x86_64 arm64 ppc64le" # the keys of scripts/arches.py
mkdir -p "$BUILD"

# One line on stderr, naming what to do about it, then a non-zero exit.
die() {
	echo "error: $*" >&2
	exit 1
}

log() {
	echo "==> $*" >&2
}

# need_disk GB WHAT [DIR]: stop before WHAT, which was measured to take
# about GB (10^9 bytes) in DIR (default: build/), fills the disk half-way:
# git, kbuild and cpio then fail with errors that name something else (a
# patch that "does not apply").
need_disk() {
	local dir=${3:-$BUILD} avail
	while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
	avail=$(df -k --output=avail "$dir" 2>/dev/null | awk 'NR == 2 { print int($1 * 1024 / 1e9) }') || true
	case "$avail" in
	'' | *[!0-9]*) die "df cannot tell the free space of $dir: check that it is on a mounted file system" ;;
	esac
	[ "$avail" -ge "$1" ] ||
		die "$2 needs about $1 GB free on the disk of ${dir#"$TOP"/}, it has $avail GB: free some (make clean keeps downloads and ccache), or set BUILD= to a directory on a larger disk"
}

# Packages: need_packages, and a private apt for other architectures.
source "$TOP/scripts/apt.sh"

# A new directory for one run of a long job (bench, prove, flake,
# mutants): build/KIND/<date-time>, with build/KIND/latest pointing at it.
new_run_dir() {
	local id
	id=$(date +%Y%m%d-%H%M%S)
	mkdir -p "$BUILD/$1/$id"
	ln -sfn "$id" "$BUILD/$1/latest"
	echo "$BUILD/$1/$id"
}

# result_field RUNDIR KEY: one field of a boot's result.json ("-" if
# absent); RUNDIR as vmrun prints it (relative to the top) or absolute.
result_field() {
	local d=$1
	case "$d" in /*) ;; *) d="$TOP/$d" ;; esac
	python3 -c 'import json, sys; v = json.load(open(sys.argv[1])).get(sys.argv[2]); print("-" if v is None else v)' \
		"$d/result.json" "$2" 2>/dev/null || echo -
}

# bench_run_spec RUN VAR PROGRAM: the guest's RUN= for a benchmark, RUN
# plus the --name=value options in the variable VAR (for PROGRAM).
bench_run_spec() {
	local run=$1 arg
	for arg in ${!2:-}; do
		case "$arg" in --*=*) run+=",$arg" ;; *) die "$2 takes --name=value options of $3, not '$arg'" ;; esac
	done
	echo "$run"
}

# patch_at COMMIT PATH DIR VAR: PATH (a patch of patches/) as it was at
# COMMIT, into DIR (created) under its own name: the first form of a fix,
# for a benchmark to compare against; VAR names the setting of COMMIT.
patch_at() {
	mkdir -p "$3"
	git -C "$TOP" show "$1:$2" >"$3/$(basename "$2")" 2>/dev/null ||
		die "commit $1 has no $2: set $4 to a commit that has the fix's first form"
}

# bench_boot OUT NAME LABEL PATTERN VAR=VALUE...: one boot of a benchmark
# (vmtest with those settings, quiet, the kernel as built), logged as
# LABEL; prints what follows PATTERN on the last console line that has
# it, or nothing, and then keeps the boot's log as OUT/NAME-failed.log.
bench_boot() {
	local out=$1 name=$2 label=$3 pattern=$4 rc=0 dir got
	shift 4
	env "$@" QUIET=1 VMTEST_NO_BUILD=1 TIMEOUT=600 "$TOP/scripts/vmtest.sh" >"$out/last-run.log" 2>&1 || rc=$?
	# This boot's run directory: a failed boot must not read the last one's.
	dir=$(sed -n 's/^vmrun: results in //p' "$out/last-run.log" | tail -n 1)
	case "$dir" in '' | /*) ;; *) dir="$TOP/$dir" ;; esac
	got=$({ grep -h -- "$pattern" "$dir/console.log" 2>/dev/null || true; } |
		tail -n 1 | tr -d '\r' | sed "s/.*$pattern //")
	log "$label: ${got:-no result (exit $rc, see ${out#"$TOP"/}/$name-failed.log)}"
	[ -n "$got" ] || cp "$out/last-run.log" "$out/$name-failed.log"
	echo "$got"
}

# Time a long step and say how long it took: "step NAME cmd args...".
step() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	log "$name"
	"$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		return "$rc"
	fi
	log "$name: done in $(($(date +%s) - t0)) s"
}

# Fields of the pinned base: package name and sha256 for BASE_VERSION.
base_field() {
	awk -v v="$BASE_VERSION" -v f="$1" '!/^#/ && $2 == v { print $f; exit }' \
		"$BASE_LOCK"
}

base_package() { base_field 1; }
base_sha256() { base_field 3; }

# Where the pristine base tree lives, as a git repository.
base_src() {
	echo "$BUILD/src/linux-$BASE_VERSION"
}

# The git revision of the pristine tree inside base_src.
BASE_TAG=pristine

# The kernels the harness builds, as stacks of series directories (each
# on top of the two powerpc lockdep fixes, see variant_series_dirs):
#   prefix          7.2 + fixture (the state the series was written against)
#   fixed           7.2 + fixture + series + the execve() and powerpc fixes
#   mainline        7.2 as Debian ships it
#   mainline-fixed  7.2 + the execve() and powerpc fixes
VARIANTS_ALL="prefix fixed mainline mainline-fixed"
# "base", the pre-fix variant's first name, is still accepted: "base" is
# also the pristine source (make base, base.lock, BASE_VERSION).
if [ "${VARIANT:-}" = base ]; then
	echo "notice: VARIANT=base is now called VARIANT=prefix (7.2 + the fixture)" >&2
	VARIANT=prefix
	export VARIANT
fi
# For make bench only (x86_64): fixture + patches 1-3 or 1-4 + the execve() fix,
# each with the debug counters of patches/debug/bench.
VARIANTS_BENCH="bench-p3 bench-p4"

# Every variant carries patches/ppc-lockdep: without it lockdep turns
# itself off at the first interrupt replay of every ppc64le boot. It
# touches only powerpc64 (nothing changes on x86_64 and arm64): lockdep's
# count around the replay, and the NMI exit's order, which restores the
# interrupted soft mask after irqentry_nmi_exit() instead of before (the
# order of the code before generic entry). Neither touches mm_cid or
# rseq: mainline keeps mainline's bugs. ppc64le results from before this
# (lockdep off) are not strictly comparable with later ones.
variant_series_dirs() {
	case "$1" in
	prefix) echo "$PATCHES/ppc-lockdep $PATCHES/base" ;;
	fixed) echo "$PATCHES/ppc-lockdep $PATCHES/base $PATCHES $PATCHES/execve $PATCHES/ppc-rseq" ;;
	mainline) echo "$PATCHES/ppc-lockdep" ;;
	mainline-fixed) echo "$PATCHES/ppc-lockdep $PATCHES/execve $PATCHES/ppc-rseq" ;;
	esac
}

known_variant() {
	case " $VARIANTS_ALL $VARIANTS_BENCH " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

check_variant() {
	known_variant "$1" ||
		die "unknown VARIANT '$1': use one of $VARIANTS_ALL (see README.md, Variables)"
}

check_arch() {
	case " $ARCHES " in
	*" $1 "*) ;;
	*) die "unknown ARCH '$1': use one of: $ARCHES" ;;
	esac
}

# check_build ARCH VARIANT: the inputs of a build or a boot (ARCH,
# VARIANT, KDIR, SANITIZER, EXTRA_PATCHES) checked, the architecture's
# description loaded (load_arch).
check_build() {
	check_arch "$1"
	check_variant "$2"
	check_kdir
	check_sanitizer "$1"
	extra_patches >/dev/null
	load_arch "$1"
}

# load_arch ARCH: the architecture's description (scripts/arches.py) as
# shell variables: KARCH, DEB_ARCH, CROSS_COMPILE_DEFAULT, TOOLCHAIN_PKGS,
# KIMAGE, QEMU_BIN, QEMU_PKG, QEMU_MACHINE, QEMU_MEM, CONSOLE, ELF_MACHINE,
# QEMU_APPEND.
load_arch() {
	local desc
	check_arch "$1"
	need_packages python3
	desc=$(python3 "$TOP/scripts/arches.py" shell "$1") || die "scripts/arches.py has no description of $1"
	eval "$desc"
}

# Patch files of a series directory, in the order of its 'series' file.
series_files() {
	local dir=$1 name
	[ -f "$dir/series" ] || die "$dir/series is missing: list the patches of $dir in it"
	while read -r name; do
		case "$name" in '' | '#'*) continue ;; esac
		[ -f "$dir/$name" ] || die "$dir/series names $name, which does not exist"
		echo "$dir/$name"
	done <"$dir/series"
}

# The patches that make up a variant, in order; KNOBS=1 adds the debug-only
# patches (patches/debug: boot parameters that widen race windows and
# check states, off unless enabled on the command line).
variant_patches() {
	local d
	case "$1" in
	bench-p3 | bench-p4)
		series_files "$PATCHES/ppc-lockdep"
		series_files "$PATCHES/base"
		series_files "$PATCHES" | head -n "${1#bench-p}"
		series_files "$PATCHES/execve"
		series_files "$PATCHES/debug/bench"
		;;
	*)
		for d in $(variant_series_dirs "$1"); do
			series_files "$d"
		done
		;;
	esac
	if [ "${KNOBS:-0}" = 1 ]; then
		series_files "$PATCHES/debug"
	fi
	extra_patches
}

# The patches KDIR= gets: the variant's without the pinned base's own,
# the fixture and the powerpc lockdep fixes (its test environment: a
# user's tree may have them, or not have powerpc generic entry at all).
kdir_patches() {
	variant_patches "$1" | grep -v -e "^$PATCHES/base/" -e "^$PATCHES/ppc-lockdep/" || true
}

# EXTRA_PATCHES=dir: the user's patches on top of the variant, in the
# order of the directory's series file (quilt) or else by file name.
extra_patches() {
	local p found=0
	[ -n "${EXTRA_PATCHES:-}" ] || return 0
	[ -d "$EXTRA_PATCHES" ] ||
		die "EXTRA_PATCHES=$EXTRA_PATCHES is not a directory: give a directory of git format-patch files (or a quilt series)"
	if [ -f "$EXTRA_PATCHES/series" ]; then
		series_files "$EXTRA_PATCHES"
		return 0
	fi
	for p in "$EXTRA_PATCHES"/*.patch "$EXTRA_PATCHES"/*.diff; do
		[ -f "$p" ] || continue
		echo "$p"
		found=1
	done
	[ "$found" = 1 ] ||
		die "EXTRA_PATCHES=$EXTRA_PATCHES has no *.patch, *.diff or series file: put git format-patch output there"
}

# A short tag for the set of extra patches (their contents), so that the
# stacked tree and build directory differ from the plain variant's.
extra_tag() {
	local list
	list=$(extra_patches) || exit 1
	[ -n "$list" ] || return 0
	# shellcheck disable=SC2086
	echo "-x$(cat $list | sha256sum | cut -c1-8)"
}

# SANITIZER=kasan|kcsan: a configs/<name>.config fragment, for the
# architectures it supports.
check_sanitizer() {
	case "${SANITIZER:-}" in
	'') ;;
	kasan) case "$1" in x86_64 | arm64) ;; *) die "SANITIZER=kasan is for x86_64 and arm64 (generic KASAN), not $1" ;; esac ;;
	kcsan) [ "$1" = x86_64 ] || die "SANITIZER=kcsan is for x86_64 only, not $1" ;;
	*) die "unknown SANITIZER '${SANITIZER}': use kasan or kcsan" ;;
	esac
}

# The name a variant's tree and kernel release carry.
variant_name() {
	local n=$1
	[ "${KNOBS:-0}" = 1 ] && n+=-knobs
	n+=$(extra_tag) || exit 1
	if [ -n "${KDIR:-}" ]; then
		n="kdir-$(basename "$(cd "$KDIR" && pwd)")"
		n+=$(extra_tag)
	fi
	echo "$n"
}

# One user of the scratch worktree at a time: held until the calling
# (sub)shell exits; its children inherit the lock and skip taking it. A
# script that works in the worktree after scratch_am (which runs in a
# $(...) subshell) takes it itself first.
lock_scratch_am() {
	[ -z "${SCRATCH_AM_LOCKED:-}" ] || return 0
	mkdir -p "$BASE_BUILD/trees"
	exec 9>"$BASE_BUILD/trees/.am.lock"
	flock -w 1800 9 ||
		die "the scratch worktree stayed busy for 30 minutes (another make apply, outgoing or check running?): try again when it is done"
	export SCRATCH_AM_LOCKED=1
}

# git am PATCHES... onto the pristine tree in the scratch worktree and print
# the resulting commit. Leaves no variant tree changed; on failure the
# scratch worktree is reset and the script dies naming the patch.
scratch_am() {
	local src scratch p
	src=$(base_src)
	scratch="$BASE_BUILD/trees/.am"
	mkdir -p "$BASE_BUILD/trees"
	lock_scratch_am
	git -C "$src" worktree prune
	if [ ! -e "$scratch/.git" ]; then
		rm -rf "$scratch"
		need_disk 2 "the scratch worktree for git am"
		log "creating the scratch worktree for git am (once)"
		git -C "$src" worktree add -q --detach "$scratch" "$BASE_TAG" >&2 ||
			die "git worktree add ${scratch#"$TOP"/} failed (see above)"
	fi
	git -C "$scratch" am --abort >/dev/null 2>&1 || true
	git -C "$scratch" reset -q --hard "$BASE_TAG" >&2 ||
		die "git reset in ${scratch#"$TOP"/} failed (see above)"
	git -C "$scratch" clean -q -fdx >&2 ||
		die "git clean in ${scratch#"$TOP"/} failed (see above)"
	for p in "$@"; do
		if ! git -C "$scratch" am -q "$p" >"$BASE_BUILD/trees/am.log" 2>&1; then
			git -C "$scratch" am --abort >/dev/null 2>&1 || true
			git -C "$scratch" reset -q --hard "$BASE_TAG"
			die "${p#"$TOP"/} does not apply to $(base_package) $BASE_VERSION: refresh it against the base; details in ${BASE_BUILD#"$TOP"/}/trees/am.log"
		fi
	done
	git -C "$scratch" rev-parse HEAD
}

# write_manifest FILE VARIANT: what the kernel was built from, for
# result.json (vmrun.read_manifest): the tree and every patch the harness
# stacked (sha256 and name). With KDIR, the user's tree and the patches
# stacked on it.
write_manifest() {
	local file=$1 variant=$2 p
	{
		if [ -n "${KDIR:-}" ]; then
			echo "# tree $(variant_tree "$variant") $(git -C "$KDIR" rev-parse HEAD)"
		else
			echo "# tree $(base_package) $BASE_VERSION $(git -C "$(variant_tree "$variant")" rev-parse HEAD)"
		fi
		while read -r p; do
			[ -n "$p" ] || continue
			case "$p" in "$PATCHES/base/"*) [ -z "${KDIR:-}" ] || continue ;; esac
			echo "$(sha256sum "$p" | cut -d' ' -f1)  ${p#"$TOP"/}"
		done < <(variant_patches "$variant")
	} >"$file.tmp"
	mv "$file.tmp" "$file"
}

# The identity patches are sent as: git config user.name and user.email
# of this repository, in SENDER_NAME and SENDER_EMAIL.
sender_identity() {
	SENDER_NAME=$(git -C "$TOP" config user.name || true)
	SENDER_EMAIL=$(git -C "$TOP" config user.email || true)
	[ -n "$SENDER_NAME" ] && [ -n "$SENDER_EMAIL" ] ||
		die "git config user.name and user.email are unset: set the identity you send as (git config user.name 'Your Name'; git config user.email you@example.org)"
}

# What kbuild runs on the host to configure and build a kernel and to
# install its UAPI headers (headers_install copies with rsync).
KBUILD_PKGS="make gcc flex bison bc libelf-dev libssl-dev ccache cpio perl rsync python3 xz-utils kmod"

# make in the selftests collection (with ARGS), compiled through ccache
# with paths relative to the checkout: a fresh clone, or the fresh root of
# make fresh-check, finds the objects another checkout compiled.
# CROSS: the target's CROSS_COMPILE prefix ("" for the host).
selftests_make() {
	local cross=$1
	shift
	need_packages make g++ ccache
	CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache} CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 \
		make -C "$TOP/selftests" CROSS_COMPILE="$cross" CXX="ccache ${cross}g++" "$@"
}

# The source tree of a variant (a git worktree of the base repository).
variant_tree() {
	if [ -n "${KDIR:-}" ]; then
		(cd "$KDIR" && pwd)
		return 0
	fi
	echo "$BASE_BUILD/trees/$(variant_name "$1")"
}

# The out-of-tree build directory of a kernel. It is a direct child of the
# source tree so that kbuild uses the relative srctree "..": objects then
# compile with the same command line in every variant's tree, and ccache
# shares them between variants and bisection steps.
kbuild_dir() {
	local d
	if [ -n "${KDIR:-}" ]; then
		# Never inside the user's tree.
		d="$BUILD/kdir/$(variant_name "$2")/kbuild-$1"
	else
		d="$(variant_tree "$2")/.kbuild-$1"
	fi
	[ "${DEBUG:-1}" = 1 ] || d+=-nodebug
	[ -z "${SANITIZER:-}" ] || d+=-$SANITIZER
	echo "$d"
}

# KDIR=path: the user's kernel tree (a git tree) instead of the base.
check_kdir() {
	[ -n "${KDIR:-}" ] || return 0
	[ -d "$KDIR" ] || die "KDIR=$KDIR does not exist: point it at a Linux git tree"
	[ -f "$KDIR/Makefile" ] && [ -d "$KDIR/kernel/sched" ] ||
		die "KDIR=$KDIR is not a Linux source tree (no Makefile and kernel/sched/)"
	git -C "$KDIR" rev-parse --git-dir >/dev/null 2>&1 ||
		die "KDIR=$KDIR is not a git tree: the series is applied with git am"
}

# A fixed identity for the commits the harness makes, so that a machine
# without a git identity can apply patches too.
export GIT_COMMITTER_NAME="mmcid harness" GIT_COMMITTER_EMAIL="harness@localhost"
