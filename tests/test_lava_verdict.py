#!/usr/bin/env python3
"""lava-verdict.py on a captured lava-run log (tests/lava/): the verdict
make vmtest would give, from the guest's console wherever the dispatcher
logged it, and the planted failures it must not miss."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERDICT = os.path.join(TOP, "scripts", "lava-verdict.py")
CAPTURED = os.path.join(TOP, "tests", "lava", "end-in-feedback.log")


def entries():
    """The log's entries; a line that is not JSON (lava-run writes a
    few in its YAML flow style) is kept as it is."""
    items = []
    with open(CAPTURED, encoding="utf-8") as f:
        for line in f:
            try:
                items.append(json.loads(line))
            except ValueError:
                items.append(line)
    return items


def msg(e):
    return str(e.get("msg")) if isinstance(e, dict) else e


def verdict(items, *options, vcpus=None):
    """lava-verdict.py's exit code, output and kcidb.json (or None) on a
    log of these entries (and lava-watch.py's file with these lines)."""
    with tempfile.TemporaryDirectory() as d:
        if vcpus is not None:
            with open(os.path.join(d, "vcpus.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(vcpus) + "\n")
            options += ("--vcpus", os.path.join(d, "vcpus.txt"))
        log = os.path.join(d, "lava-run.log")
        with open(log, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(e) + "\n" if isinstance(e, dict) else e for e in items)
        p = subprocess.run([sys.executable, VERDICT, log, d, *options], capture_output=True,
                           text=True, check=False)
        report = None
        if os.path.exists(os.path.join(d, "kcidb.json")):
            with open(os.path.join(d, "kcidb.json"), encoding="utf-8") as f:
                report = json.load(f)
        return p.returncode, p.stdout + p.stderr, report


class LavaVerdict(unittest.TestCase):
    def test_end_marker_logged_as_feedback_passes(self):
        # The monitor's end string is cut out of the target lines: the
        # marker reaches the log only as the finalize step's feedback.
        items = entries()
        self.assertFalse(any("END rc=" in msg(e) for e in items
                             if isinstance(e, dict) and e.get("lvl") == "target"))
        rc, out, report = verdict(items)
        self.assertEqual(rc, 0, out)
        self.assertIn("verdict PASS", out)
        self.assertIsNone(report)

    def test_planted_missing_end_marker_is_timeout(self):
        items = [e for e in entries() if "END rc=" not in msg(e)]
        rc, out, _ = verdict(items)
        self.assertEqual(rc, 2, out)
        self.assertIn("verdict TIMEOUT", out)

    def test_planted_not_ok_is_test_fail(self):
        items = entries()
        at = next(i for i, e in enumerate(items) if "distinct mm_cid" in msg(e))
        items.insert(at + 1, {"lvl": "target",
                              "msg": "not ok 1 selftests: mmcid: mm_cid_show # exit=1"})
        rc, out, report = verdict(items, "--arch", "x86_64", "--variant", "fixed")
        self.assertEqual(rc, 1, out)
        self.assertIn("verdict TEST-FAIL", out)
        # KCIDB, as make vmtest writes it: the run and the failed program.
        status = {t["path"]: t["status"] for t in report["tests"]}
        self.assertEqual(status["mmcid"], "FAIL")
        self.assertEqual(status["mmcid.mm_cid_show"], "FAIL")


def silent_guest():
    """The captured log cut after a console line in the middle of the
    tests, as a guest that went silent leaves it, LAVA's timeout after;
    and the moment of that last line."""
    items = entries()
    at = next(i for i, e in enumerate(items) if "distinct mm_cid" in msg(e))
    last = items[at]["dt"]
    return items[:at + 1] + [{"dt": "2099-01-01T00:00:00", "lvl": "error",
                              "msg": "lava-test-monitor timed out after 120 seconds"}], last


def samples(last, *where):
    """lava-watch.py's file: read after LAST, two samples of each vCPU."""
    lines = ["# at %s" % last,
             "lava-watch: no console output for 110 s: asking the guest for backtraces (NMI)"]
    for _ in range(2):
        lines += ["lava-watch: vCPU %d: PC ffffffff81000000 %s+0x1c" % (cpu, sym)
                  for cpu, sym in enumerate(where)]
    return lines


class SilentGuest(unittest.TestCase):
    """lava-watch.py's samples turn LAVA's timeout of a silent guest into
    the verdict make vmtest gives: LOCKUP when every vCPU busy-waits."""

    def test_without_samples_a_silent_guest_is_timeout(self):
        items, _ = silent_guest()
        rc, out, _ = verdict(items)
        self.assertEqual(rc, 2, out)
        self.assertIn("verdict TIMEOUT", out)

    def test_every_vcpu_spinning_is_lockup(self):
        items, last = silent_guest()
        rc, out, _ = verdict(items, vcpus=samples(last, "mm_get_cid", "queued_spin_lock_slowpath",
                                                  "queued_spin_lock_slowpath", "mm_get_cid"))
        self.assertEqual(rc, 2, out)
        self.assertIn("verdict LOCKUP", out)
        self.assertIn("every vCPU busy-waiting", out)

    def test_an_idle_vcpu_keeps_it_timeout(self):
        items, last = silent_guest()
        rc, out, _ = verdict(items, vcpus=samples(last, "mm_get_cid", "default_idle",
                                                  "queued_spin_lock_slowpath", "mm_get_cid"))
        self.assertEqual(rc, 2, out)
        self.assertIn("verdict TIMEOUT", out)


if __name__ == "__main__":
    unittest.main()
