#!/usr/bin/env python3
"""make bench's table: patch 4 against patches 1-3, from the consoles.

Usage: bench-table.py BENCH_DIR

Reads BENCH_DIR/runs/<arch>/<variant>/<run-id>/console.log, whose
"bench-total" line holds the kernel's debug counters over one benchmark
run (patches/debug/bench), and prints per arch and kernel the median and
range over the runs of:
  ops/1k     CID bitmap operations (cid_get + cid_drop) per 1000 schedule
             ins of tasks with a CID
  fast %     share of those schedule ins which took the fast path
  modesw/s   ownership mode switches per second
  sched/s    schedule ins per second
then the p4/p3 ratio of the medians, with the range of the ratios of the
runs paired in order (run i of p3 with run i of p4). Writes summary.json
and bitmap-rate-<arch>.svg/.png (matplotlib: the bitmap operation rate
over the median run of each kernel). Exit 1 when a kernel has no complete run.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfile  # noqa: E402
import plots  # noqa: E402
import tables  # noqa: E402

KERNELS = [("bench-p3", "patches 1-3"), ("bench-p4", "patches 1-4")]
FIELD = re.compile(r"(\w+)=(\d+)")


def parse_console(path):
    total, samples = None, []
    for line in open(path, errors="replace"):
        line = line.strip().lstrip("# ").rstrip("\r")
        if line.startswith("bench-total "):
            total = {k: int(v) for k, v in FIELD.findall(line)}
        elif line.startswith("bench-sample "):
            samples.append({k: int(v) for k, v in FIELD.findall(line)})
    return total, samples


def metrics(t):
    schedin = t.get("schedin", 0)
    secs = t.get("elapsed_ms", 0) / 1000
    if not schedin or not secs:
        return None
    return {
        "ops_per_k": 1000 * (t["cid_get"] + t["cid_drop"]) / schedin,
        "fast_pct": 100 * t["schedin_fast"] / schedin,
        "modesw_per_s": t["mode_switch"] / secs,
        "sched_per_s": schedin / secs,
        "get_failed_per_k": 1000 * t.get("cid_get_failed", 0) / schedin,
        "ops_per_modesw": (t["cid_get"] + t["cid_drop"]) / max(t["mode_switch"], 1),
    }


def runs_of(root, arch, variant):
    d = os.path.join(root, "runs", arch, variant)
    if not os.path.isdir(d):
        return []
    out = []
    for run_id in sorted(os.listdir(d)):
        p = os.path.join(d, run_id)
        if run_id == "latest" or os.path.islink(p):
            continue
        log = os.path.join(p, "console.log")
        if not os.path.exists(log):
            continue
        total, samples = parse_console(log)
        m = metrics(total) if total else None
        if m:
            out.append({"run": run_id, "total": total, "metrics": m, "samples": samples})
    return out


def stat(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def cell(s, digits):
    return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def plot(root, arch, per_kernel):
    series = []
    for variant, label in KERNELS:
        runs = per_kernel.get(variant)
        if not runs:
            continue
        # The run whose ops/1k is the median one.
        runs = sorted(runs, key=lambda r: r["metrics"]["ops_per_k"])
        run = runs[len(runs) // 2]
        pts, prev_t = [], 0
        for s in run["samples"]:
            dt = (s["t_ms"] - prev_t) / 1000
            prev_t = s["t_ms"]
            if dt > 0:
                pts.append((s["t_ms"] / 1000, (s["cid_get"] + s["cid_drop"]) / dt))
        series.append((label, pts))
    if series:
        return plots.line_chart(os.path.join(root, f"bitmap-rate-{arch}"), series,
                                f"CID bitmap operations per second, {arch}",
                                "time in the run (s)", "operations/s")
    return None


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("error: usage: bench-table.py BENCH_DIR (a build/bench/<id> directory of make bench)",
              file=sys.stderr)
        return 2
    root = sys.argv[1]
    arches = sorted(os.listdir(os.path.join(root, "runs"))) if os.path.isdir(
        os.path.join(root, "runs")) else []
    summary, ok = {}, bool(arches)
    header = ["arch", "kernel", "runs", "ops/1k schedin", "ops/mode switch", "fast-path %",
              "mode switches/s", "schedin/s"]
    rows, notes = [], []
    for arch in arches:
        per_kernel = {v: runs_of(root, arch, v) for v, _ in KERNELS}
        summary[arch] = {}
        for variant, label in KERNELS:
            runs = per_kernel[variant]
            if not runs:
                rows.append([arch, label, 0, "no complete run", "-", "-", "-", "-"])
                ok = False
                continue
            s = {k: stat([r["metrics"][k] for r in runs]) for k in runs[0]["metrics"]}
            summary[arch][variant] = {"runs": len(runs), **s}
            rows.append([arch, label, len(runs), cell(s["ops_per_k"], 1),
                         cell(s["ops_per_modesw"], 1), cell(s["fast_pct"], 2),
                         cell(s["modesw_per_s"], 1), cell(s["sched_per_s"], 0)])
        p3, p4 = per_kernel["bench-p3"], per_kernel["bench-p4"]
        if p3 and p4:
            a, b = summary[arch]["bench-p3"], summary[arch]["bench-p4"]
            pairs = list(zip(p3, p4))
            ops_ratios = [y["metrics"]["ops_per_k"] / x["metrics"]["ops_per_k"] for x, y in pairs]
            fast_diffs = [y["metrics"]["fast_pct"] - x["metrics"]["fast_pct"] for x, y in pairs]
            r = b["ops_per_k"]["median"] / a["ops_per_k"]["median"]
            rm = b["ops_per_modesw"]["median"] / a["ops_per_modesw"]["median"]
            slow = (100 - b["fast_pct"]["median"]) / (100 - a["fast_pct"]["median"])
            d = b["fast_pct"]["median"] - a["fast_pct"]["median"]
            summary[arch]["p4_vs_p3"] = {
                "ops_ratio": r, "ops_ratio_pairs": stat(ops_ratios),
                "ops_per_modesw_ratio": rm, "slow_path_share_ratio": slow,
                "fast_pct_points": d, "fast_pct_points_pairs": stat(fast_diffs)}
            notes.append(f"{arch:8} p4/p3: bitmap operations x{r:.2f} ({100 * (r - 1):+.0f}%; paired runs "
                         f"x{min(ops_ratios):.2f} to x{max(ops_ratios):.2f}), fast path {d:+.2f} points "
                         f"(paired {min(fast_diffs):+.2f} to {max(fast_diffs):+.2f}); "
                         f"the seed claims about -30% and a low single-digit gain")
            notes.append(f"{arch:8} p4/p3: bitmap operations per mode switch x{rm:.2f} "
                         f"({100 * (rm - 1):+.0f}%), slow-path share x{slow:.2f} ({100 * (slow - 1):+.0f}%)")
        png = plot(root, arch, per_kernel)
        if png:
            notes.append(f"{arch:8} plot: {os.path.relpath(png)} (and .svg)")
    print("\n".join(tables.format_table(header, rows)))
    print("\n".join(notes))
    print("median [min-max] over the runs; ops: cid_get + cid_drop; schedin: schedule ins "
          "of tasks with a CID;\nops/mode switch: per ownership mode change (the workload "
          "makes the same number in both kernels)")
    jsonfile.write(os.path.join(root, "summary.json"), summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
