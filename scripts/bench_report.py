"""What the benchmark tables of make bench-exit and make bench-return
share: summary.json, the strip chart of the boots, the check that every
kernel has a complete run, and their command line."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfile  # noqa: E402
import plots  # noqa: E402


def finish(top, summary, chart, groups, title, ylabel, missing):
    """Writes TOP/summary.json and TOP/CHART.svg/.png; 1 when a kernel in
    MISSING has no complete run, else 0."""
    jsonfile.write(os.path.join(top, "summary.json"), summary)
    if groups:
        plots.strip_chart(os.path.join(top, chart), groups, title, ylabel)
    if missing:
        print("error: no complete run of " + ", ".join(missing) +
              ": see the failed-run logs beside the table", file=sys.stderr)
        return 1
    return 0


def cli(main, target):
    """Runs MAIN(DIR) on the one argument, a results directory of make TARGET."""
    script = os.path.basename(sys.argv[0])
    if len(sys.argv) != 2 or not os.path.isdir(os.path.join(sys.argv[1], "runs")):
        print("error: usage: %s DIR (a make %s results directory, with runs/)" % (script, target),
              file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
