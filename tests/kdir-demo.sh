#!/usr/bin/env bash
# make kdir-demo: the "Testing your own tree" example, end to end. Makes a
# scratch git tree from the pristine base, commits a patch of "its own"
# (a boot message), applies the fixes of mainline-fixed (execve(), powerpc)
# with 'make apply KDIR=', then builds and boots it with 'make vmtest
# KDIR='. Passes when the boot passes, the console shows the tree's own
# patch, and result.json names the tree's HEAD and the applied patch.
# ARCH= as usual (x86_64).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

ARCH=${ARCH:-x86_64}
check_arch "$ARCH"
"$TOP/scripts/fetch-base.sh"
kdir="$BUILD/kdir-demo/linux"
marker="kdir-demo: a patch of the user's own tree"

log "scratch tree ${kdir#"$TOP"/}: pristine base + one patch of its own"
rm -rf "$kdir"
mkdir -p "$(dirname "$kdir")"
git clone -q --shared --no-checkout "$(base_src)" "$kdir"
git -C "$kdir" checkout -q -b work "$BASE_TAG"
cat >>"$kdir/init/main.c" <<EOC

static int __init kdir_demo_banner(void)
{
	pr_info("$marker\n");
	return 0;
}
late_initcall(kdir_demo_banner);
EOC
git -C "$kdir" -c user.name="kdir demo" -c user.email=demo@localhost \
	commit -q -a -m "init: Say that this kernel is the user's own tree"

make -s -C "$TOP" apply KDIR="$kdir" VARIANT=mainline-fixed
log "commits on the scratch tree:"
git -C "$kdir" log --oneline "$BASE_TAG..HEAD" | sed 's/^/    /' >&2
rc=0
make -s -C "$TOP" vmtest KDIR="$kdir" VARIANT=mainline-fixed ARCH="$ARCH" QUIET=1 RUN=all ||
	rc=$?

res=$(ls -d "$(results_dir)/$ARCH/kdir-linux/latest")
python3 - "$res" "$marker" "$(git -C "$kdir" rev-parse HEAD)" "$rc" <<'EOP'
import json, sys
res, marker, head, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open(f"{res}/result.json"))
console = open(f"{res}/console.log", errors="replace").read()
checks = [
    ("boot and tests pass", r["verdict"] == "PASS" and rc == 0),
    ("the tree's own patch ran", marker in console),
    ("result.json names the tree's HEAD", head in r.get("tree", "")),
    ("result.json lists the applied patch",
     any("patches/execve/" in p["name"] for p in r.get("patches", []))),
]
for what, ok in checks:
    print(f"{'ok' if ok else 'FAIL'}   {what}")
print(f"kdir-demo: verdict {r['verdict']}, tree {r.get('tree')}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
EOP
