#!/usr/bin/env python3
"""make bench-exit's table, from the consoles.

Usage: bench-exit-table.py BENCH_EXIT_DIR

Reads BENCH_EXIT_DIR/runs/smp<N>/<kernel>/x86_64/<variant>/<run-id>/
console.log, whose "bench-exit-ns" lines give one boot's median ns per
process, with threads (per CPU mode until the last exit) and without
(the control), and prints per vCPU count and kernel the median and range
over the boots of both and of their difference (the same boot's). Writes
summary.json and exit-cost.svg/.png (matplotlib). Exit 1 when a kernel
has no complete run.
"""
import glob
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_report  # noqa: E402
import tables  # noqa: E402

KERNELS = ["mainline", "fix-at-fork", "fix-at-exit"]
LINE = re.compile(r"bench-exit-ns (percpu|control) median=(\d+)")


def boots(directory):
    """[(percpu ns, control ns), ...] of the complete boots, in run order."""
    out = []
    for log in sorted(glob.glob(os.path.join(directory, "x86_64", "*", "2*", "console.log"))):
        got = {}
        with open(log, errors="replace") as f:
            for line in f:
                m = LINE.search(line)
                if m:
                    got[m.group(1)] = int(m.group(2))
        if len(got) == 2:
            out.append((got["percpu"], got["control"]))
    return out


def us(ns):
    return "%.1f" % (ns / 1000)


def spread(values):
    return "%s-%s" % (us(min(values)), us(max(values)))


def main(top):
    rows, summary, missing, groups = [], {}, [], []
    smps = sorted(int(d[len("smp"):]) for d in os.listdir(os.path.join(top, "runs")) if d.startswith("smp"))
    for smp in smps:
        for k in KERNELS:
            b = boots(os.path.join(top, "runs", "smp%d" % smp, k))
            if not b:
                missing.append("%s at %d vCPUs" % (k, smp))
                continue
            per, ctl = [p for p, _ in b], [c for _, c in b]
            extra = [p - c for p, c in b]
            summary["%d/%s" % (smp, k)] = {"percpu_ns": per, "control_ns": ctl}
            rows.append([smp, k, len(b), us(statistics.median(per)), spread(per),
                         us(statistics.median(ctl)), spread(ctl),
                         us(statistics.median(extra)), spread(extra)])
            groups.append(("%s\n%d vCPUs" % (k, smp), [e / 1000 for e in extra]))
    header = ["vCPUs", "kernel", "boots", "percpu us", "range", "control us", "range",
              "excess us", "range"]
    print("\n".join(tables.format_table(header, rows)))
    print()
    print("us per process, fork() to waitpid(), median over the boots (each boot's value")
    print("is its median over the processes); percpu: one thread besides the main one, on")
    print("one CPU, so the MM is in per CPU mode until its last exit; control: no thread;")
    print("excess: percpu minus control, of the same boot. QEMU TCG x86_64, no debug.config.")
    return bench_report.finish(top, summary, "exit-cost", groups,
                               "Cost of a process in per CPU mode over the control (TCG x86_64)",
                               "us per process, excess over the control", missing)


if __name__ == "__main__":
    bench_report.cli(main, "bench-exit")
