#!/usr/bin/env python3
"""What make vmtest does for a silent guest, for a guest under lava-run.

  lava-watch.py --log LOG --monitor SOCKET --kernel IMAGE --idle S --out FILE --pid PID

LAVA waits for a silent guest until its own timeout and then calls the
job incomplete: a live lock which stops every CPU, interrupts off, has no
console line to say so. LAVA's monitor restarts its timer (S, the job's
IDLE_TIMEOUT) only when a pattern matches: the start string or a test's
result. This watches lava-run's LOG while lava-run (PID) runs, and 10 s
before LAVA would give up (at S/2 for an S below 20), if the guest has
also been silent for 5 s,
reads where every vCPU is from QEMU's monitor (two samples a second
apart, as vmrun.py does), asks the guest for backtraces (NMI), writes a
time stamp (UTC, as LAVA's log), the hang marker and the samples to
FILE, which lava-verdict.py puts into the console at that moment, and
stops QEMU 15 s later, as vmrun.py does. Once only, then it exits.
"""
import argparse
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_monitor import monitor, vcpu_pcs  # noqa: E402

# What restarts LAVA's timer: the monitor's start string, a test result.
MATCH = re.compile(rb'start string found|"lvl": "results"')


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
    offset, partial = 0, b""
    last_output = last_match = time.monotonic()
    while alive(args.pid):
        time.sleep(1)
        try:
            with open(args.log, "rb") as f:
                f.seek(offset)
                new = f.read()
        except OSError:
            continue
        now = time.monotonic()
        if new:
            offset += len(new)
            last_output = now
            *lines, partial = (partial + new).split(b"\n")
            if any(MATCH.search(line) for line in lines):
                last_match = now
        # A guest still booting has no monitor yet.
        if (now - last_match < max(args.idle - 10, args.idle / 2) or now - last_output < 5
                or not os.path.exists(args.monitor)):
            continue
        stamp = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat()
        lines = ["lava-watch: no test result for %d s, no console output for %d s: asking the "
                 "guest for backtraces (NMI)" % (now - last_match, now - last_output)]
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
        # What follows is the answer to the NMI; then the guest is
        # stopped (where the NMI is not delivered, it would go on).
        deadline = time.monotonic() + 15
        while alive(args.pid) and time.monotonic() < deadline:
            time.sleep(1)
        if alive(args.pid):
            monitor(args.monitor, "quit", timeout=2)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
