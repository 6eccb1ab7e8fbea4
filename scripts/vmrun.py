#!/usr/bin/env python3
"""Boot a kernel in QEMU (TCG), stream and keep its console, give a verdict.

Writes console.log, result.json, junit.xml and kcidb.json (KCIDB I/O v5)
into the run directory and
exits with the verdict's code (see classify.py). On a hang (no output for
--idle-timeout seconds, or the overall --timeout) it asks the guest for
backtraces of all CPUs through the QEMU monitor before stopping it, so a
live lock leaves evidence in the log.

A little over 300 lines: the console, the hang path and the verdict of
one run read best together; the monitor (qemu_monitor.py), junit.xml
(junit.py), the verdict rules (classify.py) and KCIDB (kcidb.py) are
modules of their own.
"""

import argparse
import datetime
import os
import re
import selectors
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arches  # noqa: E402
import classify  # noqa: E402
import jsonfile  # noqa: E402
import junit  # noqa: E402
import kcidb  # noqa: E402
from qemu_monitor import monitor, vcpu_pcs  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_manifest(path):
    """The tree and patches of a kernel, from lib.sh's write_manifest:
    {"tree": ..., "patches": [{"name", "sha256"}]}, empty without one."""
    if not path or not os.path.exists(path):
        return {}
    out = {"patches": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# tree "):
                out["tree"] = line[len("# tree "):]
            elif line.strip():
                sha, name = line.split(None, 1)
                out["patches"].append({"name": name, "sha256": sha})
    return out


def emulation_slack(smp):
    """How many vCPUs share one host CPU (at least 1). Under TCG a vCPU
    that waits for a host CPU does not run while the guest's clock does:
    the kernel's stall and lockup detectors would fire on a correct
    kernel (an arm64 guest with 8 vCPUs on 2 loaded host CPUs reported an
    RCU stall at boot), so their thresholds are multiplied by this."""
    return max(1, -(-smp // len(os.sched_getaffinity(0))))


def kernel_append(desc, extra, smp):
    """The guest's kernel command line: console, panic on every kind of
    hang the runner should see, after thresholds scaled to the host CPU
    each vCPU gets, the arch's own options, then @extra."""
    slack = emulation_slack(smp)
    return " ".join(filter(None, [
        "console=" + desc.console, "panic=-1", "panic_sys_info=all_bt",
        "sysctl.kernel.panic_on_rcu_stall=1", "softlockup_all_cpu_backtrace=1",
        # The defaults (CONFIG_RCU_CPU_STALL_TIMEOUT=21, watchdog_thresh=10)
        # when every vCPU has a host CPU of its own.
        "rcupdate.rcu_cpu_stall_timeout=%d" % (21 * slack), "watchdog_thresh=%d" % (10 * slack),
        " ".join(desc.qemu_append), extra]))


def qemu_command(desc, kernel, initrd, smp, mem, append, monitor_path):
    cmd = [desc.qemu_bin, *desc.qemu_machine]
    cmd += ["-accel", "tcg,thread=multi", "-smp", str(smp), "-m", str(mem),
            "-display", "none", "-serial", "stdio", "-no-reboot",
            "-monitor", "unix:%s,server=on,wait=off" % monitor_path,
            "-kernel", kernel, "-initrd", initrd, "-append", append]
    return cmd


def test_seconds(lines_at):
    """Seconds each top-level test took: from its "# selftests: C: T" line
    to its TAP result line."""
    out, started = {}, {}
    for t, line in lines_at:
        line = line.strip()
        m = re.match(r"^# selftests: (\S+: \S+)$", line)
        if m:
            started[m.group(1)] = t
            continue
        m = re.match(r"^(?:not )?ok \d+ selftests: (\S+: \S+)", line)
        if m and m.group(1) in started:
            out[m.group(1)] = round(t - started.pop(m.group(1)), 1)
    return out


class Console:
    """The guest's console: kept in console.log and in memory for the
    classifier, echoed unless quiet, each line with the time it came."""

    def __init__(self, path, quiet, t0):
        self.log = open(path, "wb")
        self.quiet, self.t0 = quiet, t0
        self.text = []
        self.lines_at = []  # (seconds since start, line): when the failure showed up
        self.last_output = t0
        self.first_test_at = None
        self.kernel_release = None
        self._pending = b""

    def note(self, msg):
        """A line of the runner's own, in the log and for the classifier."""
        sys.stdout.write(msg)
        self.log.write(msg.encode())
        self.text.append(msg)

    def feed(self, data, timed=True):
        chunk = data.decode(errors="replace")
        self.log.write(data)
        self.log.flush()
        self.text.append(chunk)
        if not self.quiet:
            sys.stdout.write(chunk)
            sys.stdout.flush()
        if not timed:
            return
        self.last_output = time.monotonic()
        self._pending += data
        *complete, self._pending = self._pending.split(b"\n")
        for line in complete:
            s = line.decode(errors="replace")
            self.lines_at.append((self.last_output - self.t0, s))
            if self.first_test_at is None and "mmcid-vm: kernel" in s:
                self.first_test_at = time.monotonic() - self.t0
                m = re.search(r"mmcid-vm: kernel (\S+)", s)
                self.kernel_release = m.group(1) if m else None

    def close(self):
        self.log.close()


def stop_hung_guest(proc, sel, console, kernel, monitor_path, reason):
    """A silent or overdue guest: where every vCPU is (two samples a
    second apart, from QEMU itself), then an NMI for the guest's own
    backtraces, then QEMU is stopped."""
    # The classifier must see the marker too: what follows is the answer
    # to our NMI, not the guest's own failure.
    console.note("\nvmrun: %s: asking the guest for backtraces (NMI), then stopping it\n" % reason)
    # The classifier calls a silent guest live-locked only if every vCPU
    # spins in both samples.
    for sample in range(2):
        if sample:
            time.sleep(1)
        pcs = vcpu_pcs(kernel, monitor(monitor_path, "info registers -a"))
        if pcs:
            console.note("\n".join(pcs) + "\n")
    monitor(monitor_path, "nmi", timeout=2)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        for key, _ in sel.select(timeout=0.5):
            console.feed(key.fileobj.read() or b"", timed=False)
    if proc.poll() is None:
        monitor(monitor_path, "quit", timeout=2)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_guest(cmd, console, args, monitor_path):
    """Runs QEMU to its end or to a hang; returns (started, hang reason
    or None, QEMU's exit code or None)."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        print("vmrun: cannot start %s: %s" % (cmd[0], e), file=sys.stderr)
        return False, None, None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    os.set_blocking(proc.stdout.fileno(), False)
    hang_reason = None
    while True:
        now = time.monotonic()
        if now - console.t0 > args.timeout:
            hang_reason = "overall timeout of %d s" % args.timeout
        elif now - console.last_output > args.idle_timeout:
            hang_reason = "no console output for %d s" % args.idle_timeout
        if hang_reason:
            stop_hung_guest(proc, sel, console, args.kernel, monitor_path, hang_reason)
            break
        if not sel.select(timeout=1):
            if proc.poll() is not None:
                break
            continue
        data = proc.stdout.read() or b""
        if not data:
            if proc.poll() is not None:
                break
            continue
        console.feed(data)
    proc.wait()
    started = not (proc.returncode not in (0, None) and not hang_reason and
                   not "".join(console.text).strip())
    return started, hang_reason, proc.returncode


def judge_run(console, args, started, hang_reason, duration):
    """The verdict and its details, and result.json's fields about it."""
    timed_out = hang_reason is not None
    verdict, details = classify.classify("".join(console.text), timed_out=timed_out,
                                         started=started,
                                         allowlist=classify.load_allowlist(args.allowlist))
    # Time from the start of the tests to the first sign of failure (for
    # a silent hang: to the last output), for make prove's statistics.
    failed_at = None
    if verdict not in ("PASS", "INFRA"):
        ff = details.get("failure_line") or details["first_failure"]
        if ff:
            failed_at = next((t for t, s in console.lines_at if ff in s), None)
        if failed_at is None and timed_out and started:
            failed_at = console.last_output - console.t0
    first = console.first_test_at
    fields = {"verdict": verdict,
              "time_to_failure_s": (round(failed_at - (first or 0), 1)
                                    if failed_at is not None else None),
              "exit_code": classify.EXIT_CODES[verdict],
              "first_failure": details["first_failure"],
              "report": details.get("report"), "hang": hang_reason,
              "tests": details["tests"], "end_rc": details["end_rc"],
              "kernel_release": console.kernel_release,
              "time_boot_to_tests_s": round(first, 1) if first else None,
              "time_total_s": round(duration, 1), "test_seconds": test_seconds(console.lines_at)}
    return verdict, details, fields


def new_run_dir(results, arch, variant):
    """results/ARCH/VARIANT/<date-time-pid>, with "latest" pointing at it."""
    run_id = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-") + str(os.getpid())
    rundir = os.path.join(results, arch, variant, run_id)
    os.makedirs(rundir, exist_ok=True)
    latest = os.path.join(results, arch, variant, "latest")
    try:
        if os.path.islink(latest):
            os.unlink(latest)
        os.symlink(run_id, latest)
    except OSError:
        pass
    return run_id, rundir


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--variant", default="custom")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", type=int, default=0, help="MiB; 0: the arch default")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--timeout", type=int, default=600, help="overall seconds")
    ap.add_argument("--idle-timeout", type=int, default=120, help="seconds without console output")
    ap.add_argument("--results", default=os.environ.get("RESULTS") or
                    os.path.join(TOP, "build", "results"))
    ap.add_argument("--allowlist", default=os.path.join(TOP, "configs", "warn-allowlist.txt"))
    ap.add_argument("--quiet", action="store_true", help="do not echo the console")
    ap.add_argument("--manifest", help="'# tree ...' and 'sha256  patch' lines, for result.json")
    args = ap.parse_args()

    desc = arches.ARCHES[args.arch]
    run_id, rundir = new_run_dir(args.results, args.arch, args.variant)
    append = kernel_append(desc, args.append, args.smp)
    # Unix socket paths are limited to 108 bytes: keep it short, not in rundir.
    mondir = tempfile.mkdtemp(prefix="mmcid-mon-")
    monitor_path = os.path.join(mondir, "sock")
    cmd = qemu_command(desc, args.kernel, args.initrd, args.smp,
                       args.mem or desc.qemu_mem, append, monitor_path)
    print("vmrun: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    print("vmrun: console log: " + os.path.relpath(os.path.join(rundir, "console.log")), flush=True)

    result = {"arch": args.arch, "variant": args.variant, "run_id": run_id,
              "qemu_command": cmd, "kernel": args.kernel, "smp": args.smp,
              "host_cpus": sorted(os.sched_getaffinity(0))}
    result.update(read_manifest(args.manifest))
    t0 = time.monotonic()
    console = Console(os.path.join(rundir, "console.log"), args.quiet, t0)
    started, hang_reason, qemu_exit = run_guest(cmd, console, args, monitor_path)
    if qemu_exit is not None:
        result["qemu_exit"] = qemu_exit
    console.close()
    shutil.rmtree(mondir, ignore_errors=True)
    duration = time.monotonic() - t0

    verdict, details, fields = judge_run(console, args, started, hang_reason, duration)
    result.update(fields)
    jsonfile.write(os.path.join(rundir, "result.json"), result, indent=2)
    junit.write_junit(os.path.join(rundir, "junit.xml"), "mmcid.%s.%s" % (args.arch, args.variant),
                verdict, details, duration)
    try:  # the same results for KernelCI's KCIDB
        kcidb.write(rundir)
    except (OSError, ValueError) as e:
        print("vmrun: kcidb.json not written: %s" % e, flush=True)
    npass = sum(t["result"] == "PASS" for t in details["tests"])
    nfail = sum(t["result"] == "FAIL" for t in details["tests"])
    if details.get("report"):
        print("\nvmrun: the kernel's report:\n" +
              "\n".join("    " + line for line in details["report"]), flush=True)
    print("\nvmrun: verdict %s (%s %s, %d tests passed, %d failed, %.1f s)%s" % (
        verdict, args.arch, args.variant, npass, nfail, duration,
        ": " + details["first_failure"] if details["first_failure"] else ""), flush=True)
    print("vmrun: results in " + os.path.relpath(rundir), flush=True)
    return classify.EXIT_CODES[verdict]


if __name__ == "__main__":
    sys.exit(main())
