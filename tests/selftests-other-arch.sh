#!/usr/bin/env bash
# An architecture without the selftests' rseq critical sections (built
# here with MMCID_NO_RSEQ_CS, what any other architecture gets): it must
# build, rseq_abort must SKIP, and mm_cid_transitions must run its other
# checks and report uniqueness as SKIP. Planted violation: the host's
# real build must not skip either.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

host="$BUILD/selftests/host"
none="$BUILD/selftests/no-rseq-cs"
selftests_make "" -s KSFT_DIR="$(base_src)/tools/testing/selftests" OUTPUT="$none" \
	USERCFLAGS=-DMMCID_NO_RSEQ_CS "$none/rseq_abort" "$none/mm_cid_transitions"

# expect_skips DIR: 0 when both programs skip what needs a section.
expect_skips() {
	local rc=0 out
	"$1/rseq_abort" --duration=1 >/dev/null || rc=$?
	[ "$rc" -eq 4 ] || { echo "$1/rseq_abort: exit $rc, not 4 (SKIP)"; return 1; }
	rc=0
	out=$("$1/mm_cid_transitions" --duration=1 --only=crossing) || rc=$?
	[ "$rc" -eq 0 ] || { echo "$1/mm_cid_transitions: exit $rc"; return 1; }
	grep -q '^# crossing: uniqueness: SKIP' <<<"$out" ||
		{ echo "$1/mm_cid_transitions: uniqueness was checked"; return 1; }
	grep -q '^# crossing: mm_cid reads ok' <<<"$out" ||
		{ echo "$1/mm_cid_transitions: no liveness line"; return 1; }
}

expect_skips "$none" || die "the build without critical sections does not skip as it should"
[ -x "$host/rseq_abort" ] || die "no host build in ${host#"$TOP"/}: run make selftests"
if expect_skips "$host" >/dev/null; then
	die "planted: the host's build with critical sections passed as one without"
fi
echo "ok: without critical sections the collection builds, runs and skips only what needs them"
