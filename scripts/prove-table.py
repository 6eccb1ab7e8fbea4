#!/usr/bin/env python3
"""Verdict table of a make prove run: scripts/prove-table.py build/prove/<id>

Every run is classified again from its console log with the current
classifier, so that tables of older runs read the same as new ones. A
live lock which stops every CPU leaves the console silent: the runner's
no-output timeout catches it (TIMEOUT) and its NMI gets the backtraces.
For the cases expected to lock up, LOCKUP and TIMEOUT both count as
detected; the get_cid column says in how many failing runs a CPU was
caught in mm_get_cid(), i.e. the CID allocation was the one spinning.
"""
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import classify  # noqa: E402
import plots  # noqa: E402
import tables  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_cases():
    """case -> (expected verdict, share to detect, median limit in s), in
    table order, from scripts/prove-cases.txt (its "arches" column is
    prove.sh's)."""
    cases = {}
    with open(os.path.join(TOP, "scripts", "prove-cases.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                hits, _, total = fields[6].partition("/")
                share = 1.0 if fields[6] == "-" else int(hits) / int(total)
                median = None if fields[7] == "-" else float(fields[7])
                cases[fields[0]] = (fields[3], share, median)
    return cases


CASES = read_cases()
ORDER = list(CASES)
EXPECT = {c: v[0] for c, v in CASES.items()}
KINDS = ["PASS", "LOCKUP", "TIMEOUT", "PANIC", "WARN", "TEST-FAIL", "INFRA"]


HEARTBEAT = re.compile(r"--heartbeat=([0-9.]+)")
TESTS_BEGAN = "kselftest: Running tests in"


def time_to_lockup(r, text):
    """Seconds from the start of the tests to the lock-up, or None when
    unknown: the kernel's report where there is one; for a guest gone
    silent without one, its last line, which dates the lock-up to within
    a second when the test printed a line a second (--heartbeat), and
    says nothing otherwise. A run stopped by the overall timeout while
    it still printed is not dated."""
    seconds = r.get("time_to_failure_s")
    first = r.get("first_failure") or ""
    if seconds is None:
        return None
    if not first.startswith(("silent guest", "no end marker")):
        return seconds  # dated by the kernel's report
    beat = HEARTBEAT.search(text)
    silent = (r.get("hang") or "").startswith("no console output")
    return seconds if silent and beat and float(beat.group(1)) > 0 else None


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: prove-table.py build/prove/<id>")
    return main_for(sys.argv[1])


def main_for(out):
    """Prints the table of the runs in out; 0 when every case met its target."""
    allow = classify.load_allowlist(os.path.join(TOP, "configs", "warn-allowlist.txt"))
    cases = [c for c in ORDER if os.path.isdir(os.path.join(out, c)) or
             glob.glob(os.path.join(out, "%s-*-infra-*.log" % c))]
    arches = sorted({a for c in cases if os.path.isdir(os.path.join(out, c))
                     for a in os.listdir(os.path.join(out, c))} |
                    {f.rsplit("-infra-", 1)[0].rsplit("-", 1)[1]
                     for f in os.listdir(out) if "-infra-" in f})
    header = ["arch", "case", "runs"] + KINDS + ["want", "med s", "max s", "get_cid", "met"]
    rows = []
    ok = True
    figure = []  # (arch/case, times) of the cases expected to lock up
    for a in arches:
        for c in cases:
            paths = sorted(p for p in glob.glob(os.path.join(out, c, a, "*", "*", "result.json"))
                           if os.sep + "latest" + os.sep not in p)
            counts = dict.fromkeys(KINDS, 0)
            counts["INFRA"] = len(glob.glob(os.path.join(out, "%s-%s-infra-*.log" % (c, a))))
            if not paths and not counts["INFRA"]:
                continue
            times, in_get_cid = [], 0
            for p in paths:
                r = json.load(open(p))
                text = open(os.path.join(os.path.dirname(p), "console.log"), errors="replace").read()
                verdict, _ = classify.classify(text, timed_out=r.get("hang") is not None,
                                               started=True, allowlist=allow)
                if verdict != "PASS" and TESTS_BEGAN not in text:
                    # The kernel failed before any test ran (a boot hang):
                    # neither a catch of the bug nor a verdict on the test.
                    verdict = "INFRA"
                counts[verdict] += 1
                if verdict in ("LOCKUP", "TIMEOUT"):
                    in_get_cid += "mm_get_cid" in text
                    seconds = time_to_lockup(r, text)
                    if seconds is not None:
                        times.append(seconds)
            n = sum(counts.values())
            want = EXPECT[c]
            if want == "-":
                met = "(measured)"
            elif want == "PASS":
                met = "yes" if counts["PASS"] == n else "NO"
            else:
                _, share, most = CASES[c]
                detected = counts[want] + (counts["TIMEOUT"] if want == "LOCKUP" else 0)
                met = "yes" if detected >= share * n - 1e-9 else "NO"
                if most is not None and (not times or statistics.median(times) > most):
                    met = "NO"
            ok = ok and met != "NO"
            if want == "LOCKUP" and times:
                figure.append(("%s\n%s" % (a, c), times))
            f = lambda v: "-" if v is None else "%.1f" % v
            rows.append([a, c, n] + [counts[k] for k in KINDS] + [
                want, f(statistics.median(times) if times else None),
                f(max(times) if times else None), in_get_cid, met])
    print("\n".join(tables.format_table(header, rows)))
    print("\nmed s, max s: from the start of the tests to the kernel's first failure report")
    print("(LOCKUP and the like) or, for a guest gone silent, its last line (the tests")
    print("print one a second with --heartbeat; without, the moment is unknown and not")
    print("counted);")
    print("LOCKUP and TIMEOUT (every CPU stuck, found by the no-output timeout) both count")
    print("as detected; INFRA: no kernel, or it failed before the first test began;")
    print("get_cid: failing runs with a CPU caught in mm_get_cid() (NMI backtraces, or")
    print("the vCPU program counters the runner reads from QEMU)")
    if figure:
        png = plots.strip_chart(os.path.join(out, "time-to-lockup"), figure,
                                "time from the first test to the lock-up report", "seconds")
        print("figure: %s (and .svg)" % os.path.relpath(png))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
