"""make prove's table against planted run directories: a case meets its
target only with enough runs detected (scripts/prove-cases.txt's detect)
and, where it has one, a median time to the lock-up within its limit;
a silent guest is timed by its last line only when the test printed one
a second (--heartbeat)."""

import importlib.util
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "scripts")
sys.path.insert(0, SCRIPTS)
spec = importlib.util.spec_from_file_location("prove_table", os.path.join(SCRIPTS, "prove-table.py"))
prove_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prove_table)

BOOT = ("[    0.000000] Linux version 7.2.13-mmcid-prefix\n"
        "[    0.000000] Kernel command line: console=ttyS0 mmcid.run=mmcid:mm_cid_transitions,"
        "--only=storm,--duration=30%s\n"
        "mmcid-vm: kernel 7.2.13-mmcid-prefix x86_64, 4 CPUs online\n"
        "[    4.0] kselftest: Running tests in mmcid\n")
SILENT = ("vmrun: no console output for 30 s: asking the guest for backtraces (NMI), then stopping it\n"
          "vmrun: vCPU 0: PC ffffffff81000000 mm_get_cid+0x1c\n"
          "vmrun: vCPU 1: PC ffffffff81000100 queued_spin_lock_slowpath+0x40\n"
          "vmrun: vCPU 0: PC ffffffff81000004 mm_get_cid+0x20\n"
          "vmrun: vCPU 1: PC ffffffff81000104 queued_spin_lock_slowpath+0x44\n")
PASSED = "ok 1 selftests: mmcid: mm_cid_transitions\nmmcid-vm: END rc=0\n"
FAILED = ("# all-cpus: uniqueness FAILED: 279 updates lost\n"
          "not ok 1 selftests: mmcid: rseq_abort # exit=1\nmmcid-vm: END rc=1\n")


def plant(out, case, runs, arch="x86_64"):
    """runs: (kind, seconds) with kind 'silent', 'silent-no-heartbeat',
    'silent-heartbeat-0', 'boot-hang' (silent before the tests), 'fail'
    (a test's "not ok") or 'pass'."""
    for i, (kind, seconds) in enumerate(runs):
        d = os.path.join(out, case, arch, "prefix", "run-%02d" % i)
        os.makedirs(d)
        silent = kind.startswith("silent") or kind == "boot-hang"
        text = BOOT % {"silent-no-heartbeat": "", "silent-heartbeat-0": ",--heartbeat=0"}.get(
            kind, ",--heartbeat=1")
        if kind == "boot-hang":
            text = text[:text.index("mmcid-vm:")]
        text += SILENT if silent else FAILED if kind == "fail" else PASSED
        with open(os.path.join(d, "console.log"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(d, "result.json"), "w", encoding="utf-8") as f:
            json.dump({"verdict": "LOCKUP" if silent else "TEST-FAIL" if kind == "fail" else "PASS",
                       "hang": "no console output for 30 s" if silent else None,
                       "first_failure": "silent guest, every vCPU busy-waiting" if silent else None,
                       "time_to_failure_s": seconds if silent else None}, f)


def met(runs, case="livelock-noknob", arch="x86_64"):
    with tempfile.TemporaryDirectory() as out:
        plant(out, case, runs, arch)
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = prove_table.main_for(out)
    row = next(line.split() for line in buf.getvalue().splitlines() if line.startswith(arch))
    return row[-1], rc


class Targets(unittest.TestCase):
    def test_nineteen_of_twenty_quick_enough_meets_it(self):
        self.assertEqual(met([("silent", 5.0)] * 19 + [("pass", None)]), ("yes", 0))

    def test_eighteen_of_twenty_does_not(self):
        self.assertEqual(met([("silent", 5.0)] * 18 + [("pass", None)] * 2), ("NO", 1))

    def test_too_slow_a_median_does_not(self):
        self.assertEqual(met([("silent", 25.0)] * 20), ("NO", 1))

    def test_a_silent_guest_without_heartbeat_has_no_time(self):
        # Every run detected, but no run dated: the median target is unmet.
        self.assertEqual(met([("silent-no-heartbeat", 1.4)] * 20), ("NO", 1))

    def test_heartbeat_zero_is_no_heartbeat(self):
        self.assertEqual(met([("silent-heartbeat-0", 1.4)] * 20), ("NO", 1))

    def test_a_boot_hang_is_no_catch(self):
        # 19 caught and one guest that hung before the tests: 19 of 20.
        self.assertEqual(met([("silent", 5.0)] * 19 + [("boot-hang", 1.2)]), ("yes", 0))
        self.assertEqual(met([("silent", 5.0)] * 18 + [("boot-hang", 1.2)] * 2), ("NO", 1))

    def test_a_case_without_median_limit_needs_only_detection(self):
        self.assertEqual(met([("silent-no-heartbeat", 1.4)] * 9 + [("pass", None)], "livelock"), ("yes", 0))

    def test_a_pass_case_allows_no_failure(self):
        self.assertEqual(met([("pass", None)] * 19 + [("silent", 5.0)], "fixed-storm"), ("NO", 1))
        self.assertEqual(met([("pass", None)] * 20, "fixed-storm"), ("yes", 0))

    def test_a_test_fail_case_counts_failed_runs(self):
        # rseq-mainline: half the runs must fail a test; a lock-up is no such failure.
        self.assertEqual(met([("fail", None)] * 3 + [("pass", None)] * 2, "rseq-mainline", "ppc64le"),
                         ("yes", 0))
        self.assertEqual(met([("fail", None)] * 2 + [("pass", None)] * 3, "rseq-mainline", "ppc64le"),
                         ("NO", 1))
        self.assertEqual(met([("fail", None)] * 2 + [("silent", 5.0)] * 3, "rseq-mainline",
                             "ppc64le"), ("NO", 1))

if __name__ == "__main__":
    unittest.main()
