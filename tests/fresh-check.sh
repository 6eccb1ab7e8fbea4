#!/usr/bin/env bash
# make fresh-check: the README's commands on a new machine. A minimal
# Debian root (debootstrap --variant=minbase, from the mirror this
# machine's apt sources name) gets a clean clone of HEAD and runs, as
# root, with nothing installed but make and what the harness installs
# itself: "make vmtest" (the full suite) and "CHECK_QUICK=1 make check"
# (the checks before the first kernel build). A command the harness uses
# but does not install fails here, whatever this machine has.
#
# The minbase root is made once and kept packed under build/fresh/; every
# run unpacks it anew. The downloads are shared (the pinned base .deb,
# the machine's apt package cache, ccache): the point is packages and
# commands, not download or compile time. Logs: build/fresh/runs/<run-id>/ (build/fresh/last: the
# latest complete run).
#
# FRESH_STEPS: what to run in the root (default "vmtest check-quick").
# FRESH_MIRROR: the Debian mirror for debootstrap (default: the machine's).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
fresh="$BUILD/fresh"
minbase="$fresh/minbase-$suite.tar"
root="$fresh/root"
steps=${FRESH_STEPS:-vmtest check-quick}
run_dir="$fresh/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$fresh/apt-archives/partial" "$run_dir"
# Until this run has its logs, there is no last run to read verdicts from.
rm -f "$fresh/last"

# Everything mounted below DIR, deepest first, then DIR itself.
unmount_under() {
	local m
	while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$(realpath -m "$1")" '$2 == d || index($2, d "/") == 1 { print $2 }' \
		/proc/self/mounts | sort -r)
}

# Removes a root: never crosses into a file system mounted inside it.
remove_root() {
	[ -e "$1" ] || return 0
	unmount_under "$1"
	rm -rf --one-file-system "$1"
}

for s in $steps; do
	case "$s" in vmtest | check-quick) ;; *) die "unknown FRESH_STEPS entry '$s': use vmtest, check-quick or both" ;; esac
done
[ "$(id -u)" -eq 0 ] || die "make fresh-check needs root (debootstrap, chroot, mounts): run it as root"

# The .debs the root's apt-get and debootstrap fetch: this machine's own
# package cache where it has one (a new clone of the project then
# downloads nothing this machine has fetched before), else build/fresh/'s.
apt_archives() {
	if [ -d /var/cache/apt/archives/partial ] && [ -w /var/cache/apt/archives ]; then
		echo /var/cache/apt/archives
	else
		echo "$fresh/apt-archives"
	fi
}

# 1. The minbase root, once: made in a temporary directory, packed, and
# renamed into place only when complete.
if [ ! -s "$minbase" ]; then
	(need_packages debootstrap) 2>/dev/null ||
		die "debootstrap is missing and 'apt-get install debootstrap' failed (see ${BUILD#"$TOP"/}/apt-install.log): make apt work on this machine ('apt-get update'), then run make fresh-check again"
	command -v debootstrap >/dev/null ||
		die "debootstrap is installed but not on PATH ($PATH): add /usr/sbin to PATH"
	mirror=${FRESH_MIRROR:-$(debian_mirror)}
	tmp=$(mktemp -d "$fresh/.minbase.XXXXXX")
	trap 'remove_root "$tmp"' EXIT
	log "debootstrap --variant=minbase $suite (once, about a minute; log: ${run_dir#"$TOP"/}/debootstrap.log)"
	if ! debootstrap --variant=minbase --cache-dir="$(apt_archives)" "$suite" "$tmp/root" "$mirror" \
		>"$run_dir/debootstrap.log" 2>&1; then
		remove_root "$tmp"
		die "debootstrap of $suite from $mirror failed ($(grep -m1 -E '^E:|Failure' "$run_dir/debootstrap.log" || tail -n 1 "$run_dir/debootstrap.log")): check that this machine reaches its Debian mirror ('apt-get update'), or set FRESH_MIRROR"
	fi
	tar -C "$tmp/root" -cf "$tmp/minbase.tar" .
	mv "$tmp/minbase.tar" "$minbase"
	remove_root "$tmp"
	trap - EXIT
fi

# 2. A new root from it, with the machine's apt access (sources, and the
# Acquire settings that reach the mirror) and name resolution, as a new
# machine of this kind has them.
remove_root "$root"
# The system, a clone, the base source, two variant trees and their
# kernels: 9.8 GB measured.
need_disk 11 "make fresh-check's root"
mkdir -p "$root"
trap 'unmount_under "$root"' EXIT
tar -C "$root" -xf "$minbase"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && cp "$f" "$root$f"
done
for f in /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] && grep -q '^Acquire::' "$f" && cp "$f" "$root/etc/apt/apt.conf.d/"
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --bind "$(apt_archives)" "$root/var/cache/apt/archives"

# The repository: a clean clone of HEAD, with the shared downloads.
repo="$root/root/mmcid"
git clone -q "$TOP" "$repo"
log "fresh root: $(git -C "$repo" log -1 --format='%h %s' | cut -c1-72)"
mkdir -p "$repo/build/dl" "$repo/build/ccache" "$BUILD/ccache"
mount --bind "$BUILD/ccache" "$repo/build/ccache"
for deb in "$BUILD"/dl/*.deb; do
	[ -f "$deb" ] || continue
	ln "$deb" "$repo/build/dl/" 2>/dev/null || cp "$deb" "$repo/build/dl/"
done

# in_root LOG CMD: a login-like root shell in the clone, the machine's
# environment left outside.
in_root() {
	local logf=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "cd /root/mmcid && $*" >"$logf" 2>&1
}

# make itself is the user's: the README's commands start with it.
t0=$(date +%s)
step "fresh root: apt-get install make (the user's one prerequisite)" \
	in_root "$run_dir/make.log" "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make" ||
	die "could not install make in the fresh root: see ${run_dir#"$TOP"/}/make.log"

rc=0
for s in $steps; do
	case "$s" in
	vmtest) cmd="make vmtest" ;;
	check-quick) cmd="CHECK_QUICK=1 make check" ;;
	esac
	if ! step "fresh root: $cmd (log: ${run_dir#"$TOP"/}/$s.log)" in_root "$run_dir/$s.log" "$cmd"; then
		echo "fresh root: '$cmd' failed; last lines:" >&2
		tail -n 20 "$run_dir/$s.log" | sed 's/^/    /' >&2
		rc=1
	fi
done
# The root's check logs (make check reads the verdicts of the checks it
# left to the root from here), and this run as the last one.
[ -d "$repo/build/check" ] && cp -r "$repo/build/check" "$run_dir/check"
# The boots' results (console, result.json, junit, kcidb), kept with the
# run: the root goes after a pass.
[ -d "$repo/build/results" ] && cp -r "$repo/build/results" "$run_dir/results"
ln -sfn "runs/${run_dir##*/}" "$fresh/last"
# What the harness installed, for the record.
chroot "$root" dpkg-query -W -f='${Package}\n' | sort >"$run_dir/packages.txt"
tar -tf "$minbase" ./var/lib/dpkg/status >/dev/null 2>&1 &&
	tar -xOf "$minbase" ./var/lib/dpkg/status | awk '/^Package:/ { print $2 }' | sort >"$run_dir/minbase-packages.txt"
log "fresh root: $(comm -13 "$run_dir/minbase-packages.txt" "$run_dir/packages.txt" | wc -l) packages installed by the harness (list: ${run_dir#"$TOP"/}/packages.txt), $(($(date +%s) - t0)) s"
unmount_under "$root"
trap - EXIT
[ "$rc" -eq 0 ] || die "the harness failed in a fresh $suite root: see ${run_dir#"$TOP"/}/ (the root stays in ${root#"$TOP"/}/ until the next run)"
# Its logs are in the run directory; the 10 GB root itself is not kept.
remove_root "$root"
log "fresh-check: PASS ($steps)"
