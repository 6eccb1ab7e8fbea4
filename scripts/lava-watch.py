#!/usr/bin/env python3
"""What make vmtest does for a silent guest, for a guest under lava-run.

  lava-watch.py --log LOG --monitor SOCKET --kernel IMAGE --idle S --out FILE --pid PID

LAVA waits for a silent guest until its own timeout and then calls the
job incomplete: a live lock which stops every CPU, interrupts off, has no
console line to say so. This watches lava-run's LOG while lava-run (PID)
runs; after S seconds without a new line it reads where every vCPU is
from QEMU's monitor (two samples a second apart, as vmrun.py does), asks
the guest for backtraces (NMI), and writes a time stamp (UTC, as LAVA's
log), the hang marker and the samples to FILE, which lava-verdict.py
puts into the console at that moment. Once only, then it exits.
"""
import argparse
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_monitor import monitor, vcpu_pcs  # noqa: E402


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", required=True)
    ap.add_argument("--monitor", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--idle", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pid", type=int, required=True)
    args = ap.parse_args()
    size, since = -1, time.monotonic()
    while alive(args.pid):
        time.sleep(1)
        try:
            now_size = os.path.getsize(args.log)
        except OSError:
            continue
        if now_size != size:
            size, since = now_size, time.monotonic()
            continue
        # A guest still booting has no monitor yet: only a silence after
        # output counts, and only while QEMU answers.
        if time.monotonic() - since < args.idle or not os.path.exists(args.monitor):
            continue
        stamp = datetime.datetime.utcnow().isoformat()
        lines = ["lava-watch: no console output for %d s: asking the guest for backtraces (NMI)"
                 % args.idle]
        for sample in range(2):
            if sample:
                time.sleep(1)
            lines += vcpu_pcs(args.kernel, monitor(args.monitor, "info registers -a"),
                              who="lava-watch")
        monitor(args.monitor, "nmi", timeout=2)
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("# at %s\n" % stamp + "\n".join(lines) + "\n")
        os.rename(tmp, args.out)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
