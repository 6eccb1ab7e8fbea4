#!/usr/bin/env python3
"""The table of a make mutants run: python3 scripts/mutants-table.py build/mutants/<id>/table.tsv

A mutant is killed when its kernel did not PASS the suite; the score is
killed / (mutants - equivalent - not applied). Exit 0 when every counted
mutant was killed and the control passed."""
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tables import format_table  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mutants-table.py build/mutants/<id>/table.tsv")
    with open(sys.argv[1], encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    control = [r for r in rows if r["mutant"] == "control"]
    mutants = [r for r in rows if r["mutant"] != "control"]
    out = [[r["mutant"], r["verdict"], r["seconds"], r["caught-by"][:90]] for r in rows]
    print("\n".join(format_table(["mutant", "verdict", "to-kill-s", "caught by"], out)))
    counted = [r for r in mutants if r["verdict"] not in ("EQUIVALENT", "NO-APPLY")]
    killed = [r for r in counted if r["verdict"] not in ("PASS", "INFRA")]
    times = [float(r["seconds"]) for r in killed if r["seconds"] not in ("-", "")]
    survivors = [r["mutant"] for r in counted if r not in killed]
    print()
    print("control: %s" % (control[0]["verdict"] if control else "not run"))
    print("score: %d of %d non-equivalent mutants killed (%.0f%%); %d equivalent, %d not applied"
          % (len(killed), len(counted), 100.0 * len(killed) / len(counted) if counted else 0,
             sum(r["verdict"] == "EQUIVALENT" for r in mutants),
             sum(r["verdict"] == "NO-APPLY" for r in mutants)))
    if times:
        print("time to kill (test time): median %.1f s, min %.1f, max %.1f"
              % (statistics.median(times), min(times), max(times)))
    if survivors:
        print("survivors: " + " ".join(survivors))
    ok = control and control[0]["verdict"] == "PASS" and not survivors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
