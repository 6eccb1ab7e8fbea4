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


def verdict(items, *options):
    """lava-verdict.py's exit code, output and kcidb.json (or None) on a
    log of these entries."""
    with tempfile.TemporaryDirectory() as d:
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


if __name__ == "__main__":
    unittest.main()
