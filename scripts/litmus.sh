#!/usr/bin/env bash
# make litmus: herd7 runs each litmus/*.litmus against the Linux-kernel
# memory model of the base tree (tools/memory-model) and compares the
# observation with the test's "Result:" line.
#
# herdtools7 exists only in sid, built against a newer glibc than
# bookworm's: it is unpacked with that glibc and libgmp into build/herd
# and started through their loader. Nothing is installed on the system.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LITMUS_DIR=${LITMUS_DIR:-$TOP/litmus}
herd_root="$BUILD/herd/root"
host_arch=$(dpkg --print-architecture)
libdir="$herd_root/usr/lib/x86_64-linux-gnu"
[ "$host_arch" = amd64 ] ||
	die "make litmus runs herd7 from Debian's amd64 packages; this host is $host_arch: run it on an amd64 machine"

if [ ! -x "$herd_root/usr/bin/herd7" ]; then
	log "fetching herdtools7, libc6 and libgmp10 from sid (unpacked into ${herd_root#"$TOP"/})"
	private_apt_update sid amd64
	tmp=$(mktemp -d "$BUILD/.herd.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && private_apt sid amd64 apt-get download herdtools7 libc6 libgmp10) \
		>"$tmp/download.log" 2>&1 || {
		cp "$tmp/download.log" "$BUILD/herd-download.log"
		die "could not download herdtools7 from sid: see ${BUILD#"$TOP"/}/herd-download.log"
	}
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	mkdir -p "$BUILD/herd"
	rm -rf "$herd_root"
	mv "$tmp/root" "$herd_root"
fi
herd7() {
	"$libdir/ld-linux-x86-64.so.2" --library-path "$libdir" "$herd_root/usr/bin/herd7" \
		-I "$herd_root/usr/share/herdtools7/herd" "$@"
}

lkmm="$(base_src)/tools/memory-model"
[ -f "$lkmm/linux-kernel.cfg" ] || "$TOP/scripts/fetch-base.sh"
[ -f "$lkmm/linux-kernel.cfg" ] || die "no tools/memory-model in $(base_src): run 'make base'"

shopt -s nullglob
tests=("$LITMUS_DIR"/*.litmus)
[ ${#tests[@]} -gt 0 ] || die "no litmus tests in $LITMUS_DIR"
echo "herd7 $(herd7 -version 2>/dev/null | head -1), LKMM of $(base_package) $BASE_VERSION"
failed=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .litmus)
	want=$(sed -n 's/^ \* Result: *\([A-Za-z]*\).*/\1/p' "$t" | head -1)
	if [ -z "$want" ]; then
		echo "FAIL $name: no ' * Result: Never|Sometimes|Always' line in the test"
		failed=$((failed + 1))
		continue
	fi
	out=$(cd "$lkmm" && herd7 -conf linux-kernel.cfg "$t" 2>&1) || true
	got=$(echo "$out" | awk '$1 == "Observation" { print $3 }')
	if [ "$got" = "$want" ]; then
		echo "ok   $name: $got ($(echo "$out" | awk '$1 == "Observation" { print $4 " of " $4 + $5 }') final states satisfy \"exists\")"
	else
		echo "FAIL $name: herd7 says '${got:-no result}', the test expects $want"
		echo "$out" | grep -iE 'error|warning' | head -3 | sed 's/^/     /'
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || die "$failed litmus test(s) did not give their expected result"
echo "litmus: ${#tests[@]} tests, all as expected"
