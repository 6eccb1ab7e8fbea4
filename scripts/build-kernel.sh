#!/usr/bin/env bash
# make kernel ARCH=... VARIANT=...: configure (tinyconfig + fragments) and
# build a variant's tree out of tree, with ccache, one build at a time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
VARIANT=${VARIANT:-fixed}
DEBUG=${DEBUG:-1}
check_build "$ARCH" "$VARIANT"

# KTREE/KOUT: another tree and build directory (bisection, KDIR=).
# KTARGETS: kbuild targets instead of the whole kernel (bisection).
tree=${KTREE:-$(variant_tree "$VARIANT")}
out=${KOUT:-$(kbuild_dir "$ARCH" "$VARIANT")}
[ -f "$tree/Makefile" ] || die "no $VARIANT tree in ${tree#"$TOP"/}: run 'make apply VARIANT=$VARIANT' first"
if [ -n "${KDIR:-}" ] && [ -f "$tree/.config" ]; then
	die "KDIR=$KDIR has a .config: kbuild builds out of tree only from a clean source tree; run 'make mrproper' there (it keeps your commits)"
fi

# Toolchain: install Debian's cross compiler for the default prefix; a
# prefix given by the user must already work.
if [ -n "${CROSS_COMPILE:-}" ] && [ "$CROSS_COMPILE" != "$CROSS_COMPILE_DEFAULT" ]; then
	command -v "${CROSS_COMPILE}gcc" >/dev/null ||
		die "cross compiler ${CROSS_COMPILE}gcc not found: install it or leave CROSS_COMPILE unset to use Debian's $TOOLCHAIN_PKGS"
else
	CROSS_COMPILE=$CROSS_COMPILE_DEFAULT
	# shellcheck disable=SC2086
	need_packages $TOOLCHAIN_PKGS $KBUILD_PKGS
	command -v "${CROSS_COMPILE}gcc" >/dev/null ||
		die "cross compiler ${CROSS_COMPILE}gcc missing after installing $TOOLCHAIN_PKGS"
fi

export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache} CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Depend mode: on a miss ccache's default mode runs the preprocessor once
# more to compute the key, which made a clean x86_64 build 50% slower than
# plain make (827 s against 553 s); depend mode keys on kbuild's -MMD
# file instead. CCACHE_NODEPEND=1 turns it off.
[ -n "${CCACHE_NODEPEND:-}" ] || export CCACHE_DEPEND=1
export KBUILD_BUILD_USER=mmcid KBUILD_BUILD_HOST=qemu
# The variant's name goes into the release string through LOCALVERSION on
# the command line, not CONFIG_LOCALVERSION: the configuration (and so
# autoconf.h, which every object depends on) stays the same across
# variants, and ccache shares their objects.
# RUSTC=false: no Rust here, and a rustc on PATH would otherwise change
# the configuration (CONFIG_RUSTC_VERSION and friends): kernels and ccache
# hits would then depend on what else the machine has installed.
# Without the caller's MAKEFLAGS: a "make -s" above must not silence the
# kernel build's log, which the progress lines count.
kmake=(env -u MAKEFLAGS -u MFLAGS make -C "$tree" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS_COMPILE" RUSTC=false
	CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc"
	LOCALVERSION="-mmcid-$(variant_name "$VARIANT")" -j"$(nproc)")

frags=("$TOP/configs/common.config" "$TOP/configs/$ARCH.config")
if [ "$DEBUG" = 1 ]; then
	frags+=("$TOP/configs/debug.config")
	[ -f "$TOP/configs/$ARCH-debug.config" ] && frags+=("$TOP/configs/$ARCH-debug.config")
fi
[ -z "${SANITIZER:-}" ] || frags+=("$TOP/configs/$SANITIZER.config")
# Extra fragments (space separated), e.g. a debug option of your own.
for f in ${CONFIG_EXTRA:-}; do
	[ -f "$f" ] || die "CONFIG_EXTRA names $f, which does not exist"
	frags+=("$f")
done

# A first build takes 0.1-0.2 GB of objects (tinyconfig-based).
[ -f "$out/vmlinux" ] || need_disk 1 "a first $ARCH $VARIANT kernel build" "$out"
mkdir -p "$out"
# One kernel build at a time on this machine, across clones too.
exec 9>"${KBUILD_LOCK:-/tmp/mmcid-kbuild.lock}"
if ! flock -n 9; then
	log "another kernel build is running; waiting for it (2 cores: one build at a time)"
	flock 9
fi

# The configuration is made in a side file and only replaces .config when
# it differs, so that an unchanged configuration rebuilds nothing.
configure() {
	local next=.config.next req="$out/requested.config"
	"${kmake[@]}" KCONFIG_CONFIG=$next tinyconfig >"$out/config.log" 2>&1 || return 1
	cat "${frags[@]}" >"$req"
	(cd "$tree" && KCONFIG_CONFIG="$out/$next" \
		scripts/kconfig/merge_config.sh -m -Q "$out/$next" "$req") >>"$out/config.log" 2>&1 || return 1
	"${kmake[@]}" KCONFIG_CONFIG=$next olddefconfig >>"$out/config.log" 2>&1 || return 1

	# Every requested value must have survived olddefconfig.
	local lost
	lost=$(awk '
		FNR == NR {
			if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) want[substr($0, 1, RLENGTH - 1)] = $0
			else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/)) {
				split($0, w, " "); want[w[2]] = "# " w[2] " is not set"
			}
			next
		}
		/^CONFIG_/ { split($0, kv, "="); have[kv[1]] = $0 }
		END {
			for (k in want) {
				unset = want[k] ~ /is not set$/ || want[k] ~ /=n$/
				if (unset ? (k in have) : have[k] != want[k])
					printf "%s (got: %s)\n", want[k], (k in have) ? have[k] : "unset"
			}
		}' "$req" "$out/$next" | sort)
	if [ -n "$lost" ]; then
		echo "$lost" >"$out/config.lost"
		die "$(echo "$lost" | wc -l) requested config option(s) did not survive olddefconfig for $ARCH, first: $(echo "$lost" | head -1); fix their dependencies in configs/ (list in ${out#"$TOP"/}/config.lost)"
	fi
	rm -f "$out/config.lost"
	if cmp -s "$out/$next" "$out/.config"; then
		rm -f "$out/$next"
	else
		mv "$out/$next" "$out/.config"
	fi
}

# Reconfigure only when the fragments or the tree's Kconfig files (committed
# or not) could give a different result.
config_key=$(
	echo "${kmake[*]}"
	cat "${frags[@]}"
	git -C "$tree" ls-files -s -- '*Kconfig*' 2>/dev/null || true
	git -C "$tree" diff HEAD -- '*Kconfig*' 2>/dev/null || true
)
config_key=$(echo "$config_key" | sha256sum | cut -d' ' -f1)
if [ -f "$out/.config" ] && [ "$(cat "$out/config.key" 2>/dev/null)" = "$config_key" ]; then
	log "configure $ARCH $VARIANT kernel: unchanged"
else
	step "configure $ARCH $VARIANT kernel" configure ||
		die "configuring the $ARCH $VARIANT kernel failed: see ${out#"$TOP"/}/config.log"
	echo "$config_key" >"$out/config.key"
fi

# Build with a progress line every 20 s; the full log stays on disk.
build() {
	local log="$out/build.log" pid t0 n
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"${kmake[@]}" ${KTARGETS:-} >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 20); do
			sleep 1
			kill -0 "$pid" 2>/dev/null || break
		done
		if kill -0 "$pid" 2>/dev/null; then
			n=$(grep -c '^  CC ' "$log" || true)
			log "  ... $((($(date +%s) - t0) / 60))m$((($(date +%s) - t0) % 60))s, $n files compiled"
		fi
	done
	if ! wait "$pid"; then
		tail -n 25 "$log" >&2
		return 1
	fi
}

[ "${VERBOSE:-0}" = 1 ] && log "full build log: ${out#"$TOP"/}/build.log"
step "build $ARCH $VARIANT kernel" build ||
	die "building the $ARCH $VARIANT kernel failed: see ${out#"$TOP"/}/build.log"
if [ -n "${KTARGETS:-}" ]; then
	log "built $KTARGETS only (KTARGETS): no kernel image"
	exit 0
fi
[ -f "$out/$KIMAGE" ] || die "the build did not produce $KIMAGE: see ${out#"$TOP"/}/build.log"
log "kernel: ${out#"$TOP"/}/$KIMAGE ($(cat "$out/include/config/kernel.release" 2>/dev/null))"
