#!/usr/bin/env python3
"""make bench-return's table, from the consoles.

Usage: bench-return-table.py BENCH_RETURN_DIR

Reads BENCH_RETURN_DIR/runs/<kernel>/ppc64le/<variant>/<run-id>/
console.log, whose "bench-return-ns syscall" line gives one boot's
median ns per getppid() call, and prints per kernel the median and range
over the boots and the ratio of the medians to mainline's. Writes
summary.json and return-cost.svg/.png (matplotlib). Exit 1 when a kernel
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

KERNELS = ["mainline", "replay-redo", "replay-loop"]
LINE = re.compile(r"bench-return-ns syscall median=([0-9.]+)")


def boots(directory):
    """The boots' median ns per call, in run order."""
    out = []
    for log in sorted(glob.glob(os.path.join(directory, "*", "*", "2*", "console.log"))):
        with open(log, errors="replace") as f:
            found = [float(m.group(1)) for m in map(LINE.search, f) if m]
        if found:
            out.append(found[-1])
    return out


def main(top):
    rows, summary, missing, groups = [], {}, [], []
    base = None
    for k in KERNELS:
        b = boots(os.path.join(top, "runs", k))
        if not b:
            missing.append(k)
            continue
        med = statistics.median(b)
        base = med if k == "mainline" else base
        summary[k] = b
        rows.append([k, len(b), "%.0f" % med, "%.0f-%.0f" % (min(b), max(b)),
                     "%.3f" % (med / base) if base else "-"])
        groups.append((k, b))
    print("\n".join(tables.format_table(["kernel", "boots", "ns per call", "range", "ratio"], rows)))
    print()
    print("ns per getppid() system call, median over the boots (each boot's value is its")
    print("median over its blocks of calls on CPU 0); ratio: to mainline's median. QEMU TCG")
    print("pseries, ppc64le, no debug.config.")
    return bench_report.finish(top, summary, "return-cost", groups,
                               "Cost of a system call and its return to user space (TCG ppc64le)",
                               "ns per getppid()", missing)


if __name__ == "__main__":
    bench_report.cli(main, "bench-return")
