"""Classify a guest console log into one verdict.

Verdicts and exit codes:
  PASS       0  end marker with rc=0, every TAP test ok or skipped
  TEST-FAIL  1  a TAP "not ok", or the tests' end marker rc is not 0
  LOCKUP     2  soft/hard lockup, RCU stall, hung task
  PANIC      2  panic, oops, BUG
  WARN       2  WARNING: or a lockdep splat (minus the allow-list), or
                lockdep off at the end of the run
  TIMEOUT    2  no end marker before the overall or no-output timeout
  INFRA      3  the guest could not be started or did not boot
Kernel failures take precedence over test results: a kernel that locked
up during a test is a LOCKUP even if the test printed "not ok" first.
A silent guest is a LOCKUP too when vmrun's program counter samples put
every vCPU, each time, in the CID allocator or a lock's busy wait: a live
lock that stops every CPU with interrupts off leaves no watchdog to speak.
"""

import re

EXIT_CODES = {"PASS": 0, "TEST-FAIL": 1, "LOCKUP": 2, "PANIC": 2, "WARN": 2,
              "TIMEOUT": 2, "INFRA": 3}

# printk prefix: "[   12.345678] " possibly with a caller id "[T123]".
_TS = r"^(?:\[\s*\d+\.\d+\]\s*)?(?:\[\s*[TC]\d+\]\s*)?"

# Matched against the line without its printk timestamp; "^" anchors the
# ones which must start a line, so that a test's own text cannot match.
LOCKUP_PATTERNS = [
    r"^watchdog: BUG: soft lockup",
    r"^watchdog: .*[Ww]atchdog detected hard LOCKUP",
    r"^watchdog: .*self-detected hard LOCKUP",
    r"^rcu: INFO: \w+ (?:self-)?detected stalls?",
    r"^rcu: INFO: \w+ detected expedited stalls",
    r"^INFO: task .+ blocked for more than \d+ seconds",
    r"^Kernel panic - not syncing: (?:softlockup|hung_task|Hard LOCKUP|RCU Stall)",
]
PANIC_PATTERNS = [
    r"^Kernel panic - not syncing",
    r"^Oops(?: -|:)",
    r"^kernel BUG at",
    r"^BUG: (?!soft lockup)",
    r"^Unable to handle kernel",
    r"^general protection fault",
    r"^Internal error: ",
]
LOCKDEP_TITLES = re.compile(
    r"(possible circular locking dependency|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|lock held when returning)")

HANG_MARKER = re.compile(r"^(?:vmrun|lava-watch): .*asking the guest for backtraces")
# vmrun's (or lava-watch's) "info registers" samples after a hang, one
# line per vCPU each.
VCPU_PC = re.compile(r"^(?:vmrun|lava-watch): vCPU (\d+): PC [0-9a-f]+ (\S+)(?: LR [0-9a-f]+ (\S+))?")
# Where a CPU busy-waits: the mm_cid allocator (mm_get_cid(), its
# inlined callers and the bitmap search it loops over), the spin lock
# slow paths of x86, arm64 (the smp_cond_load wait) and powerpc, with
# powerpc's paravirtual spin helpers (the lock owner's preemption check,
# the yield_*() helpers of its qspinlock), a delay loop, and powerpc's
# NMI IPI sender, where a lockup detector's request for backtraces waits
# for CPUs which do not answer. Not the hypercall itself: an idle
# pseries vCPU sits in it too (H_CEDE), so its caller decides.
SPINNING = re.compile(
    r"^((?:__)?mm_get_cid|mm_cid_\w+|_?find_first_zero_bit|\w*queued_spin_lock\w*|_raw_spin_lock\w*|do_raw_spin_lock|"
    r"arch_spin_lock|__cmpwait_case_\w+|splpar_spin_yield\w*|__spin_yield|vcpu_is_preempted|"
    r"(?:__)?yield_\w+|__delay|__smp_send_nmi_ipi)\+0x")
END_MARKER = re.compile(r"^mmcid-vm: END rc=(\d+)\s*$")
# The line of a test's own output that says which check failed.
FAILING_CHECK = re.compile(
    r"FAILED|Assertion .*failed|killed by signal|did not finish|no progress for|TIMEOUT \d+ seconds")
BOOTED = re.compile(r"Linux version \d|mmcid-vm: kernel ")
TAP_RESULT = re.compile(
    r"^(?P<ok>not ok|ok) (?P<num>\d+)(?: -)? ?(?P<name>[^#]*?)\s*(?:#\s*(?P<directive>\w+)\b(?P<reason>.*))?$")


def _strip(line):
    return re.sub(_TS, "", line.rstrip("\r\n"))


# A printk timestamp anywhere in a line: on a console the tests share with
# the kernel, a kernel message can begin in the middle of a test's line.
_TS_INSIDE = re.compile(r"\[\s*\d+\.\d+\]\s*(?:\[\s*[TC]\d+\]\s*)?")


def _messages(raw):
    """The kernel messages a console line may hold: the line without its
    timestamp, and the text after each timestamp later in the line."""
    out = [_strip(raw)]
    for m in _TS_INSIDE.finditer(raw):
        if m.start() > 0:
            out.append(raw[m.end():].rstrip("\r\n"))
    return out


# A report runs from its first line to the kernel's end marker
# ("---[ end trace ...]---", "---[ end Kernel panic ...]---"), or this many
# lines when it has none.
REPORT_END = re.compile(r"---\[ end ")
REPORT_MAX_LINES = 80


def _report(stripped, i, message):
    """The whole report that starts with @message on line @i."""
    report = [message]
    for line in stripped[i + 1:i + REPORT_MAX_LINES]:
        if END_MARKER.match(line):
            break
        report.append(line)
        if REPORT_END.search(line):
            break
    return report


_LOCKUP = [re.compile(p) for p in LOCKUP_PATTERNS]
_PANIC = [re.compile(p) for p in PANIC_PATTERNS]
_WARNING = re.compile(r"^WARNING: ")
# What the guest's init prints of /proc/lockdep_stats after the tests.
LOCKDEP_OFF = re.compile(r"^mmcid-vm: lockdep debug_locks=0\b")


def load_allowlist(path):
    """Regular expressions, one a line; # starts a comment."""
    if not path:
        return []
    rules = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                rules.append(re.compile(line))
    return rules


RUNNER_HEADER = re.compile(r"^# selftests: (?P<collection>[\w.-]+): (?P<program>[\w.-]+)\s*$")
RESULT_NAME = re.compile(r"^selftests: (?P<collection>[\w.-]+): (?P<program>.+)$")
SUB_RESULT = re.compile(r"^# (?P<ok>not ok|ok) (?P<num>\d+) (?P<name>.+?)(?:\s+#\s*(?P<directive>\w+)\b(?P<reason>.*))?$")


def _result(ok, directive):
    if (directive or "").upper() == "SKIP":
        return "SKIP"
    return "FAIL" if ok == "not ok" else "PASS"


def parse_tap(lines):
    """The guest's TAP results: one entry per program at the top level
    ("ok 2 selftests: mmcid: mm_cid_transitions"), each with the
    scenarios its own TAP reported one level down ("# ok 1 crossing") as
    "subtests". A failed entry's "check" is the line of its output that
    says which check failed."""
    tests, subtests, check, sub_check = [], [], None, None
    collection = program = None
    for raw in lines:
        line = _strip(raw)
        m = RUNNER_HEADER.match(line)
        if m:
            collection, program = m.group("collection"), m.group("program")
            subtests, check, sub_check = [], None, None
            continue
        m = SUB_RESULT.match(line)
        if m and program:
            result = _result(m.group("ok"), m.group("directive"))
            subtests.append({"num": int(m.group("num")), "name": m.group("name").strip(),
                             "result": result, "reason": (m.group("reason") or "").strip(),
                             "check": sub_check if result == "FAIL" else None})
            sub_check = None
            continue
        m = TAP_RESULT.match(line)
        if m:
            result = _result(m.group("ok"), m.group("directive"))
            name = m.group("name").strip()
            named = RESULT_NAME.match(name)
            if named:
                collection, program = named.group("collection"), named.group("program")
            tests.append({"num": int(m.group("num")), "name": name,
                          "collection": collection, "program": program,
                          "result": result, "reason": (m.group("reason") or "").strip(),
                          "check": check if result == "FAIL" else None, "subtests": subtests})
            collection = program = None
            subtests, check, sub_check = [], None, None
            continue
        if program and FAILING_CHECK.search(line):
            text = line.lstrip("# ")
            check = check or text
            sub_check = sub_check or text
    return tests


def all_vcpus_spinning(lines):
    """A summary when every sampled vCPU PC is in a busy wait, else None.
    Needs two samples of every vCPU, so that one unlucky sample of a CPU
    passing through a lock cannot decide; an idle or user-space CPU in
    either sample means the guest is not live-locked."""
    samples = {}
    for raw in lines:
        m = VCPU_PC.match(raw.strip())
        if m:
            sym, caller = m.group(2), m.group(3)
            # A function the busy wait calls (the H_CONFER hypercall, a
            # register save thunk) is the busy wait: the link register
            # names the caller, or the PC's own function when it has
            # called out and come back. An idle vCPU's hypercall has an
            # idle loop for its caller, which is no busy wait.
            if not SPINNING.match(sym) and caller and SPINNING.match(caller):
                sym = caller
            samples.setdefault(int(m.group(1)), []).append(sym)
    if not samples or any(len(v) < 2 for v in samples.values()):
        return None
    if not all(SPINNING.match(sym) for v in samples.values() for sym in v):
        return None
    return "silent guest, every vCPU busy-waiting: " + ", ".join(
        "%d %s" % (cpu, v[-1].split("+")[0]) for cpu, v in sorted(samples.items()))


def classify(text, timed_out=False, started=True, allowlist=()):
    """Returns (verdict, details) for a console log."""
    lines = text.splitlines()
    details = {"first_failure": None, "tests": parse_tap(lines), "end_rc": None}

    if not started:
        return "INFRA", details

    # After vmrun's hang marker the guest only prints what the NMI asked
    # for (on x86 a panic with every CPU's backtrace): evidence for the
    # log, not the cause of the verdict.
    cut = next((i for i, raw in enumerate(lines) if HANG_MARKER.match(raw)), len(lines))
    stripped = [_strip(raw) for raw in lines[:cut]]

    messages = [_messages(raw) for raw in lines[:cut]]

    def first(patterns):
        for i, candidates in enumerate(messages):
            for message in candidates:
                if any(p.search(message) for p in patterns):
                    return i, message
        return None

    def found(verdict, hit):
        details["first_failure"] = hit[1]
        details["report"] = _report(stripped, hit[0], hit[1])
        return verdict, details

    lockup = first(_LOCKUP)
    if lockup:
        return found("LOCKUP", lockup)
    spinning = all_vcpus_spinning(lines[cut:]) if timed_out else None
    if spinning:
        details["first_failure"] = spinning
        return "LOCKUP", details
    panic = first(_PANIC)
    if panic:
        return found("PANIC", panic)

    for i, candidates in enumerate(messages):
        for message in candidates:
            is_warn = bool(_WARNING.search(message)) or bool(LOCKDEP_TITLES.search(message))
            if is_warn and not any(r.search(message) for r in allowlist):
                return found("WARN", (i, message))

    end = None
    for raw in lines:
        m = END_MARKER.match(_strip(raw))
        if m:
            end = int(m.group(1))
    details["end_rc"] = end
    if end is None:
        if not any(BOOTED.search(raw) for raw in lines) and not timed_out:
            return "INFRA", details
        details["first_failure"] = "no end marker" + (" before the timeout" if timed_out else "")
        return "TIMEOUT", details

    failed = [t for t in details["tests"] if t["result"] == "FAIL"]
    if failed:
        details["first_failure"] = "not ok %d %s" % (failed[0]["num"], failed[0]["name"])
        check = failed[0]["check"] or next(
            (line.lstrip("# ") for line in stripped if FAILING_CHECK.search(line)), None)
        if check:
            details["first_failure"] += ": " + check
            details["failure_line"] = check  # where it shows up in the log
        return "TEST-FAIL", details
    if end != 0:
        details["first_failure"] = "tests ended with rc=%d" % end
        return "TEST-FAIL", details
    # Lockdep turned off without a report the lines above recognise (or
    # with an allow-listed one): the run had no lock checking. The last
    # word on an otherwise passing run only.
    for line in stripped:
        if LOCKDEP_OFF.match(line):
            details["first_failure"] = "lockdep turned itself off during the run (debug_locks=0)"
            details["report"] = [line]
            return "WARN", details
    return "PASS", details
