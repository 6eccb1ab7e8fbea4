#!/usr/bin/env python3
"""Boot a kernel in QEMU (TCG), stream and keep its console, give a verdict.

Writes console.log, result.json, junit.xml and kcidb.json (KCIDB I/O v5)
into the run directory and
exits with the verdict's code (see classify.py). On a hang (no output for
--idle-timeout seconds, or the overall --timeout) it asks the guest for
backtraces of all CPUs through the QEMU monitor before stopping it, so a
live lock leaves evidence in the log.
"""

import argparse
import bisect
import datetime
import json
import os
import re
import selectors
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arches  # noqa: E402
import classify  # noqa: E402
import kcidb  # noqa: E402

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


def monitor(path, command, timeout=10.0):
    """Send one command to the QEMU human monitor and return its answer
    (the text up to the next prompt, or until QEMU closed the socket, as
    after "quit"); best effort."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            buf = b""
            deadline = time.monotonic() + timeout
            while b"(qemu) " not in buf and time.monotonic() < deadline:
                buf += s.recv(65536)
            s.sendall(command.encode() + b"\n")
            buf = b""
            while buf.count(b"(qemu) ") < 1 and time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf.decode(errors="replace")
    except OSError as e:
        return "monitor: %s" % e


# The program counter in "info registers -a", per architecture.
PC_PATTERNS = [re.compile(r"\bRIP=([0-9a-f]{16})"), re.compile(r"\bPC=([0-9a-f]{16})"),
               re.compile(r"\bNIP\s+([0-9a-f]{16})")]


def system_map(kernel):
    """System.map of the build the kernel image came from, or None."""
    d = os.path.dirname(os.path.abspath(kernel))
    for _ in range(5):
        p = os.path.join(d, "System.map")
        if os.path.exists(p):
            return p
        d = os.path.dirname(d)
    return None


def vcpu_pcs(kernel, registers):
    """One line per vCPU: its program counter and the kernel symbol there.
    For guests whose CPUs all spin with interrupts off, where an NMI is not
    delivered or not answered (arm64 under TCG), this is all the evidence
    there is of where they are stuck."""
    pcs = []
    for pat in PC_PATTERNS:
        pcs = [int(m.group(1), 16) for m in pat.finditer(registers)]
        if pcs:
            break
    if not pcs:
        return []
    syms = []
    smap = system_map(kernel)
    if smap:
        for line in open(smap, errors="replace"):
            f = line.split()
            if len(f) >= 3 and f[1] in "tTwW":
                syms.append((int(f[0], 16), f[2]))
        syms.sort()
    addrs = [a for a, _ in syms]
    out = []
    for cpu, pc in enumerate(pcs):
        i = bisect.bisect_right(addrs, pc) - 1
        where = "%s+0x%x" % (syms[i][1], pc - syms[i][0]) if i >= 0 else "?"
        out.append("vmrun: vCPU %d: PC %016x %s" % (cpu, pc, where))
    return out


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


def junit_cases(tests):
    """(classname suffix, name, result, message) per scenario: a program's
    nested TAP results, or the program itself when it reported none or
    failed without a failing scenario (a crash, a timeout)."""
    cases = []
    for t in tests:
        program = t["program"] or t["name"] or str(t["num"])
        for sub in t["subtests"]:
            cases.append((program, sub["name"], sub["result"], sub["check"] or sub["reason"]))
        if not t["subtests"] or (t["result"] == "FAIL" and
                                 not any(s["result"] == "FAIL" for s in t["subtests"])):
            cases.append((program, program, t["result"], t["check"] or t["reason"]))
    return cases


def write_junit(path, name, verdict, details, duration):
    cases = junit_cases(details["tests"])
    suite = ET.Element("testsuite", name=name, tests=str(len(cases) + 1),
                       failures=str(sum(c[2] == "FAIL" for c in cases)),
                       skipped=str(sum(c[2] == "SKIP" for c in cases)),
                       time="%.1f" % duration)
    for program, case_name, result, message in cases:
        case = ET.SubElement(suite, "testcase", classname="%s.%s" % (name, program), name=case_name)
        if result == "FAIL":
            ET.SubElement(case, "failure", message=message or "not ok")
        elif result == "SKIP":
            ET.SubElement(case, "skipped", message=message or "")
    # The kernel's own health is a test case too: a lockup fails the run.
    case = ET.SubElement(suite, "testcase", classname=name, name="kernel")
    if classify.EXIT_CODES[verdict] >= 2:
        ET.SubElement(case, "failure", message="%s: %s" % (verdict, details["first_failure"]))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


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
    run_id = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-") + str(os.getpid())
    rundir = os.path.join(args.results, args.arch, args.variant, run_id)
    os.makedirs(rundir, exist_ok=True)
    latest = os.path.join(args.results, args.arch, args.variant, "latest")
    try:
        if os.path.islink(latest):
            os.unlink(latest)
        os.symlink(run_id, latest)
    except OSError:
        pass

    append = kernel_append(desc, args.append, args.smp)
    # Unix socket paths are limited to 108 bytes: keep it short, not in rundir.
    mondir = tempfile.mkdtemp(prefix="mmcid-mon-")
    monitor_path = os.path.join(mondir, "sock")
    cmd = qemu_command(desc, args.kernel, args.initrd, args.smp,
                       args.mem or desc.qemu_mem, append, monitor_path)
    print("vmrun: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    print("vmrun: console log: " + os.path.relpath(os.path.join(rundir, "console.log")), flush=True)

    result = {"arch": args.arch, "variant": args.variant, "run_id": run_id,
              "qemu_command": cmd, "kernel": args.kernel, "smp": args.smp}
    result.update(read_manifest(args.manifest))
    log = open(os.path.join(rundir, "console.log"), "wb")
    t0 = time.monotonic()
    started, timed_out, hang_reason = True, False, None
    first_test_at = None
    kernel_release = None
    lines_at = []  # (seconds since start, line): when the failure showed up
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        print("vmrun: cannot start %s: %s" % (cmd[0], e), file=sys.stderr)
        started = False
        proc = None

    text = []
    if proc:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        last_output = time.monotonic()
        pending = b""
        os.set_blocking(proc.stdout.fileno(), False)
        while True:
            now = time.monotonic()
            if now - t0 > args.timeout:
                hang_reason = "overall timeout of %d s" % args.timeout
            elif now - last_output > args.idle_timeout:
                hang_reason = "no console output for %d s" % args.idle_timeout
            if hang_reason:
                timed_out = True
                msg = "\nvmrun: %s: asking the guest for backtraces (NMI), then stopping it\n" % hang_reason
                sys.stdout.write(msg)
                log.write(msg.encode())
                # The classifier must see the marker too: what follows is
                # the answer to our NMI, not the guest's own failure.
                text.append(msg)
                # Where every vCPU is, from QEMU itself, then the NMI for
                # the guest's own backtraces.
                # Two samples a second apart: the classifier calls a silent
                # guest live-locked only if every vCPU spins in both.
                for sample in range(2):
                    if sample:
                        time.sleep(1)
                    pcs = vcpu_pcs(args.kernel, monitor(monitor_path, "info registers -a"))
                    if pcs:
                        msg = "\n".join(pcs) + "\n"
                        sys.stdout.write(msg)
                        log.write(msg.encode())
                        text.append(msg)
                monitor(monitor_path, "nmi", timeout=2)
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline and proc.poll() is None:
                    for key, _ in sel.select(timeout=0.5):
                        data = key.fileobj.read() or b""
                        log.write(data)
                        text.append(data.decode(errors="replace"))
                        if not args.quiet:
                            sys.stdout.write(data.decode(errors="replace"))
                if proc.poll() is None:
                    monitor(monitor_path, "quit", timeout=2)
                    try:
                        proc.wait(5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                break
            events = sel.select(timeout=1)
            if not events:
                if proc.poll() is not None:
                    break
                continue
            data = proc.stdout.read() or b""
            if not data:
                if proc.poll() is not None:
                    break
                continue
            last_output = time.monotonic()
            log.write(data)
            log.flush()
            chunk = data.decode(errors="replace")
            text.append(chunk)
            if not args.quiet:
                sys.stdout.write(chunk)
                sys.stdout.flush()
            pending += data
            *complete, pending = pending.split(b"\n")
            for line in complete:
                s = line.decode(errors="replace")
                lines_at.append((last_output - t0, s))
                if first_test_at is None and "mmcid-vm: kernel" in s:
                    first_test_at = time.monotonic() - t0
                    m = re.search(r"mmcid-vm: kernel (\S+)", s)
                    kernel_release = m.group(1) if m else None
        proc.wait()
        result["qemu_exit"] = proc.returncode
        if proc.returncode not in (0, None) and not timed_out and not "".join(text).strip():
            started = False
    log.close()
    shutil.rmtree(mondir, ignore_errors=True)
    duration = time.monotonic() - t0

    verdict, details = classify.classify("".join(text), timed_out=timed_out, started=started,
                                         allowlist=classify.load_allowlist(args.allowlist))
    # Time from the start of the tests to the first sign of failure (for
    # a silent hang: to the last output), for make prove's statistics.
    failed_at = None
    if verdict not in ("PASS", "INFRA"):
        ff = details.get("failure_line") or details["first_failure"]
        if ff:
            failed_at = next((t for t, s in lines_at if ff in s), None)
        if failed_at is None and timed_out and proc:
            failed_at = last_output - t0
    time_to_failure = (round(failed_at - (first_test_at or 0), 1)
                       if failed_at is not None else None)
    result.update({"verdict": verdict, "time_to_failure_s": time_to_failure, "exit_code": classify.EXIT_CODES[verdict],
                   "first_failure": details["first_failure"],
                   "report": details.get("report"), "hang": hang_reason,
                   "tests": details["tests"], "end_rc": details["end_rc"],
                   "kernel_release": kernel_release,
                   "time_boot_to_tests_s": round(first_test_at, 1) if first_test_at else None,
                   "time_total_s": round(duration, 1), "test_seconds": test_seconds(lines_at)})
    with open(os.path.join(rundir, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    write_junit(os.path.join(rundir, "junit.xml"), "mmcid.%s.%s" % (args.arch, args.variant),
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
