#!/usr/bin/env bash
# make base: fetch the pinned linux-source .deb, check it, unpack it and turn
# it into a git repository whose first commit (tag "pristine") is the tree as
# Debian ships it. Once cached, nothing is downloaded again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pkg=$(base_package)
sha=$(base_sha256)
[ -n "$pkg" ] && [ -n "$sha" ] ||
	die "base version '$BASE_VERSION' is not pinned: pick one listed in base.lock (BASE_VERSION=...) or add its package, version and sha256 there"
src=$(base_src)

if git -C "$src" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
	log "base $pkg $BASE_VERSION: cached in ${src#"$TOP"/}"
	exit 0
fi

need_packages git xz-utils ca-certificates debian-archive-keyring

dl="$BUILD/dl"
deb="$dl/${pkg}_${BASE_VERSION//:/%3a}_all.deb"
mkdir -p "$dl"

if [ -f "$deb" ] && ! echo "$sha  $deb" | sha256sum -c --status; then
	log "cached $(basename "$deb") does not match its pinned sha256; fetching it again"
	rm -f "$deb"
fi

if [ ! -f "$deb" ]; then
	# The package lives in sid and trixie-backports; the lists only need
	# the architecture-independent part.
	private_apt_update "sid trixie-backports" amd64
	tmpdl=$(mktemp -d "$dl/.dl.XXXXXX")
	trap 'rm -rf "$tmpdl"' EXIT
	log "downloading $pkg $BASE_VERSION (about 160 MB)"
	(cd "$tmpdl" && private_apt "sid trixie-backports" amd64 \
		apt-get download "$pkg=$BASE_VERSION") >"$dl/download.log" 2>&1 ||
		die "$pkg $BASE_VERSION cannot be had from the Debian archive (see $dl/download.log): pick a version listed by 'apt-cache madison $pkg' and pin it in base.lock"
	got=$(ls "$tmpdl"/*.deb)
	echo "$sha  $got" | sha256sum -c --status ||
		die "checksum mismatch for $(basename "$got"): expected $sha, got $(sha256sum "$got" | cut -d' ' -f1); the download is corrupt or base.lock is wrong"
	mv "$got" "$deb"
	rm -rf "$tmpdl"
	trap - EXIT
else
	log "using cached $(basename "$deb")"
fi

echo "$sha  $deb" | sha256sum -c --status ||
	die "checksum mismatch for $deb: delete it and run 'make base' again"

# Unpack into a temporary directory and rename it only once complete.
# The tree and its git objects: 2.4 GB for 7.2.
mkdir -p "$BUILD/src"
rm -rf "$BUILD"/src/.unpack.* # left by an interrupted run
need_disk 4 "unpacking $pkg $BASE_VERSION"
tmp=$(mktemp -d "$BUILD/src/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tarball="usr/src/$pkg.tar.xz"
log "unpacking $tarball"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$tarball" 2>/dev/null | tar -xJ -C "$tmp" ||
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$tarball" | tar -xJ -C "$tmp" ||
	die "could not unpack $tarball from $(basename "$deb")"
tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
[ -f "$tree/Makefile" ] && [ -d "$tree/kernel/sched" ] ||
	die "$(basename "$deb") does not hold a kernel tree"

# A fixed identity and date make the pristine commit id reproducible, so
# the cover letter's base-commit line means the same thing everywhere.
log "recording the pristine tree in git"
export GIT_AUTHOR_NAME="Debian $pkg" GIT_AUTHOR_EMAIL="$pkg@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
git -C "$tree" init -q -b master
git -C "$tree" config core.autocrlf false
git -C "$tree" config gc.auto 0
git -C "$tree" add -A -f .
git -C "$tree" commit -q --no-verify -m "Linux $(make -s -C "$tree" kernelversion 2>/dev/null) as in Debian $pkg $BASE_VERSION"
git -C "$tree" tag "$BASE_TAG"
# Build directories live inside the worktrees (see kbuild_dir).
echo '/.kbuild-*' >>"$tree/.git/info/exclude"
mv "$tree" "$src"
rm -rf "$tmp"
trap - EXIT
log "base ready: ${src#"$TOP"/} at $(git -C "$src" rev-parse --short=12 "$BASE_TAG")"
