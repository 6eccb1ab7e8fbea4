#!/usr/bin/env python3
"""A run's results in KCIDB's I/O format (schema v5.0), for KernelCI's
common results database.

  kcidb.py RUNDIR    writes RUNDIR/kcidb.json from result.json and
                     console.log

One checkout (the pinned base plus the patches the harness stacked,
identified by KCIDB's patchset hash), one build (architecture, variant,
configuration), and the tests: the whole run ("mmcid", from the verdict),
each collection program ("mmcid.mm_cid_transitions") and each of its
scenarios ("mmcid.mm_cid_transitions.crossing"), from the kselftest TAP
lines. The origin is KCIDB_ORIGIN (default "mmcid"): the CI system's
name that KCIDB gave you. kcidb-submit sends the file.
"""

import datetime
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import classify  # noqa: E402
import jsonfile  # noqa: E402

SCHEMA_VERSION = {"major": 5, "minor": 0}
ORIGIN_RE = re.compile(r"^[a-z0-9_]+$")
# A KCIDB test path: dot-separated names of [a-zA-Z0-9_-].
PATH_PART = re.compile(r"[^a-zA-Z0-9_-]+")


# Verdict of the run -> status of the run's root test. A kernel which
# locked up or crashed under the tests failed them; a run that did not
# finish for the harness's own reasons did not test anything.
VERDICT_STATUS = {"PASS": "PASS", "TEST-FAIL": "FAIL", "LOCKUP": "FAIL", "PANIC": "FAIL",
                  "WARN": "FAIL", "TIMEOUT": "ERROR", "INFRA": "MISS"}


def path_part(name):
    return PATH_PART.sub("_", name).strip("_")


def tap_tests(lines):
    """(path, status) of every program and scenario the console reports."""
    found = []
    for t in classify.parse_tap(lines):
        if not t["program"]:
            continue
        prog = "%s.%s" % (path_part(t["collection"]), path_part(t["program"]))
        found.append((prog, t["result"]))
        found.extend(("%s.%s" % (prog, path_part(sub["name"])), sub["result"])
                     for sub in t["subtests"])
    return found


def report(result, console_lines, origin):
    patches = result.get("patches", [])
    # KCIDB's patchset hash: sha256 over the patches' newline-terminated
    # sha256 hashes, in order; "" without patches.
    patchset = (hashlib.sha256("".join(p["sha256"] + "\n" for p in patches).encode())
                .hexdigest() if patches else "")
    tree = result.get("tree", "")
    checkout_key = hashlib.sha256((tree + patchset).encode()).hexdigest()[:16]
    checkout_id = "%s:%s" % (origin, checkout_key)
    build_id = "%s:%s-%s-%s" % (origin, checkout_key, result["arch"], result["variant"])
    run_id = result.get("run_id", "run")
    try:  # vmrun's run ids start with the local start time
        start = datetime.datetime.strptime(run_id[:15], "%Y%m%d-%H%M%S").astimezone().isoformat()
    except ValueError:
        start = datetime.datetime.now(datetime.timezone.utc).isoformat()
    checkout = {"id": checkout_id, "origin": origin, "tree_name": tree.split(" ")[0] or "local",
                "patchset_hash": patchset, "valid": True,
                "misc": {"tree": tree, "patches": [p["name"] for p in patches]}}
    build = {"id": build_id, "checkout_id": checkout_id, "origin": origin,
             "architecture": result["arch"], "config_name": result["variant"],
             "status": "PASS", "misc": {"kernel": result.get("kernel", "")}}
    verdict = result.get("verdict", "INFRA")
    env = {"comment": "QEMU TCG, %s vCPUs" % result.get("smp", "?")}
    tests = [{"id": "%s:%s.%s" % (origin, build_id.split(":", 1)[1], run_id), "build_id": build_id,
              "origin": origin, "path": "mmcid", "status": VERDICT_STATUS[verdict],
              "start_time": start, "duration": float(result.get("time_total_s", 0) or 0),
              "environment": env,
              "misc": {"verdict": verdict, "first_failure": result.get("first_failure") or ""}}]
    for i, (path, st) in enumerate(tap_tests(console_lines)):
        tests.append({"id": "%s:%s.%s.%d" % (origin, build_id.split(":", 1)[1], run_id, i),
                      "build_id": build_id, "origin": origin, "path": path, "status": st,
                      "start_time": start, "environment": env})
    return {"version": SCHEMA_VERSION, "checkouts": [checkout], "builds": [build],
            "tests": tests}


def write(rundir, origin=None):
    origin = origin or os.environ.get("KCIDB_ORIGIN") or "mmcid"
    if not ORIGIN_RE.match(origin):
        raise ValueError("KCIDB_ORIGIN=%s: an origin is lower case letters, digits and _ "
                         "(the name KCIDB gave your CI system)" % origin)
    with open(os.path.join(rundir, "result.json"), encoding="utf-8") as f:
        result = json.load(f)
    with open(os.path.join(rundir, "console.log"), encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    data = report(result, lines, origin)
    jsonfile.write(os.path.join(rundir, "kcidb.json"), data)
    return data


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        write(sys.argv[1])
    except (OSError, ValueError) as e:
        sys.exit("error: %s" % e)
