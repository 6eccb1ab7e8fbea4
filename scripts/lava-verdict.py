#!/usr/bin/env python3
"""The verdict of a lava-run job, as make vmtest gives it.

  lava-verdict.py LOG RUNDIR [--arch A --variant V --smp N --manifest F]
                  [--vcpus FILE]

LOG is lava-run's log (the lines it writes to stderr). Writes the
guest's console (the "target" and "feedback" lines) to RUNDIR/console.log and LAVA's
test results to RUNDIR/lava-results.yaml, prints both the results and
the classifier's verdict, and exits with the verdict's code
(classify.py). With --arch, also RUNDIR/result.json and kcidb.json, as
make vmtest writes them. LAVA itself exits 0 when tests fail and calls a kernel
panic an infrastructure error ("Connection closed"): the console says
which it was. --vcpus: what lava-watch.py read from a silent guest,
put into the console at the moment it was read.
"""

import argparse
import datetime
import json
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import classify  # noqa: E402
import jsonfile  # noqa: E402
import kcidb  # noqa: E402
import vmrun  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_log(path):
    """The log's entries: one JSON object per line (lava-run 2023.01), or
    a YAML list ("- {...}" lines, as older dispatchers and lava-server
    write it); a line cut short by a killed lava-run is skipped."""
    entries = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            if not line:
                continue
            try:
                item = json.loads(line)
            except ValueError:
                try:
                    item = yaml.safe_load(line)
                except yaml.YAMLError:
                    continue
            if isinstance(item, dict):
                entries.append(item)
    return entries


def duration(entries):
    """Seconds from the first to the last entry of the log."""
    stamps = []
    for e in entries:
        try:
            stamps.append(datetime.datetime.fromisoformat(str(e.get("dt"))))
        except ValueError:
            continue
    return (stamps[-1] - stamps[0]).total_seconds() if len(stamps) > 1 else 0.0


def with_samples(logged, console, path):
    """The console with lava-watch's lines where they belong in time:
    before the first line LAVA logged after they were read."""
    with open(path, encoding="utf-8") as f:
        head, *lines = f.read().splitlines()
    at = datetime.datetime.fromisoformat(head.split()[-1])
    i = len(console)
    for n, e in enumerate(logged):
        try:
            if datetime.datetime.fromisoformat(str(e.get("dt"))) > at:
                i = n
                break
        except ValueError:
            continue
    return console[:i] + lines + console[i:]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("rundir")
    ap.add_argument("--arch")
    ap.add_argument("--variant", default="custom")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--manifest")
    ap.add_argument("--vcpus")
    args = ap.parse_args()
    log, rundir = args.log, args.rundir
    entries = read_log(log)
    # The monitor's end string is cut out of the "target" lines; the
    # dispatcher logs the rest of the console, the end marker with it, as
    # "feedback" while it powers off. Both are the guest's console.
    logged = [e for e in entries if e.get("lvl") in ("target", "feedback")]
    console = [str(e.get("msg", "")) for e in logged]
    watched = args.vcpus and os.path.exists(args.vcpus)
    if watched:
        console = with_samples(logged, console, args.vcpus)
    results = [e.get("msg") for e in entries if e.get("lvl") == "results"]
    errors = [str(e.get("msg", "")) for e in entries if e.get("lvl") == "error"]
    with open(os.path.join(rundir, "console.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(console) + "\n")
    with open(os.path.join(rundir, "lava-results.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(results, f, sort_keys=False)

    for r in results:
        if isinstance(r, dict) and r.get("definition") != "lava":
            print("lava: %-8s %s/%s" % (r.get("result"), r.get("definition"), r.get("case")))
    for e in errors:
        print("lava: error: %s" % e)
    allow = classify.load_allowlist(os.path.join(TOP, "configs", "warn-allowlist.txt"))
    started = any(classify.BOOTED.search(line) for line in console)
    verdict, details = classify.classify("\n".join(console), timed_out=bool(errors or watched),
                                         started=started, allowlist=allow)
    line = details.get("first_failure", "")
    if args.arch:
        result = {"arch": args.arch, "variant": args.variant, "smp": args.smp,
                  "run_id": os.path.basename(os.path.normpath(rundir)), "runner": "lava-run",
                  "verdict": verdict, "first_failure": line, "report": details.get("report"),
                  "tests": details["tests"],
                  "time_total_s": round(duration(entries), 1)}
        result.update(vmrun.read_manifest(args.manifest))
        jsonfile.write(os.path.join(rundir, "result.json"), result, indent=2)
        kcidb.write(rundir)
    if details.get("report"):
        print("lava: the kernel's report:\n" + "\n".join("    " + r for r in details["report"]))
    print("lava: verdict %s%s" % (verdict, (": " + line) if line else ""))
    print("lava: console log: %s" % os.path.relpath(os.path.join(rundir, "console.log")))
    sys.exit(classify.EXIT_CODES[verdict])


if __name__ == "__main__":
    main()
