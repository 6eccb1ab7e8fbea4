"""The console classifier against captured and hand-made console snippets.

Each file in console/ is named VERDICT--what.log; the classifier must give
that verdict. A snippet holding vmrun's hang line was cut off by a timeout.
"""

import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import classify  # noqa: E402
import junit  # noqa: E402
import qemu_monitor  # noqa: E402

SNIPPETS = os.path.join(HERE, "console")


class Snippets(unittest.TestCase):
    def test_every_snippet(self):
        files = sorted(f for f in os.listdir(SNIPPETS) if f.endswith(".log"))
        self.assertGreater(len(files), 10)
        for name in files:
            expected = name.split("--")[0]
            with open(os.path.join(SNIPPETS, name), encoding="utf-8") as f:
                text = f.read()
            timed_out = bool(re.search(r"^vmrun: .*(timeout|no console output)", text, re.M))
            started = not name.startswith("INFRA--")
            verdict, details = classify.classify(text, timed_out=timed_out, started=started)
            with self.subTest(snippet=name):
                self.assertEqual(verdict, expected, details["first_failure"])
                self.assertIn(verdict, classify.EXIT_CODES)


class Rules(unittest.TestCase):
    def test_test_fail_names_the_failing_check(self):
        with open(os.path.join(SNIPPETS, "TEST-FAIL--pool-assertion.log"), encoding="utf-8") as f:
            verdict, details = classify.classify(f.read())
        self.assertEqual(verdict, "TEST-FAIL")
        self.assertIn("Assertion `!ret' failed", details["first_failure"])
        self.assertTrue(details["first_failure"].startswith("not ok 3 selftests: mmcid: mm_cid_pool"))

    def test_silent_guest_needs_every_vcpu_spinning_in_both_samples(self):
        with open(os.path.join(SNIPPETS, "LOCKUP--silent-vcpus-spinning.log"), encoding="utf-8") as f:
            text = f.read()
        verdict, details = classify.classify(text, timed_out=True)
        self.assertEqual(verdict, "LOCKUP")
        self.assertIn("0 __mm_get_cid", details["first_failure"])
        # Without the hang (no timeout), the PC lines alone decide nothing.
        self.assertNotEqual(classify.classify(text, timed_out=False)[0], "LOCKUP")

    def test_vcpu_lines_name_the_caller_where_there_is_a_link_register(self):
        # "info registers -a" as QEMU prints it for two pseries vCPUs, and a
        # System.map beside the kernel image.
        regs = ("CPU#0\nNIP c00000000033c950   LR c00000000033a9c0 CTR 0000000000000000 XER 0 CPU#0\n"
                "CPU#1\nNIP c00000000004d830   LR c000000000021f40 CTR 0000000000000000 XER 0 CPU#1\n")
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "System.map"), "w") as f:
                f.write("c000000000021eb0 T arch_local_irq_restore\n"
                        "c00000000004d828 T vcpu_is_preempted\n"
                        "c00000000033a520 T queued_spin_lock_slowpath\n"
                        "c00000000033c950 T _savegpr0_28\n")
            lines = qemu_monitor.vcpu_pcs(os.path.join(d, "vmlinux"), regs)
        self.assertEqual(lines, [
            "vmrun: vCPU 0: PC c00000000033c950 _savegpr0_28+0x0 LR c00000000033a9c0 queued_spin_lock_slowpath+0x4a0",
            "vmrun: vCPU 1: PC c00000000004d830 vcpu_is_preempted+0x8 LR c000000000021f40 arch_local_irq_restore+0x90"])
        # x86 has no link register: the PC alone.
        self.assertEqual(qemu_monitor.vcpu_pcs("/nonexistent/bzImage", "RIP=ffffffff8147a234 RFL=00000002"),
                         ["vmrun: vCPU 0: PC ffffffff8147a234 ?"])

    def test_soft_lockup_is_not_a_panic(self):
        text = "[ 1.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [x:1]\n"
        self.assertEqual(classify.classify(text)[0], "LOCKUP")

    def test_allowlist_turns_a_known_warning_into_a_pass(self):
        text = ("[ 0.0] Linux version 7.2.13\n[ 1.0] WARNING: harmless thing at boot\n"
                "mmcid-vm: END rc=0\n")
        self.assertEqual(classify.classify(text)[0], "WARN")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("# why: test\n^WARNING: harmless thing\n")
        try:
            rules = classify.load_allowlist(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(classify.classify(text, allowlist=rules)[0], "PASS")

    def test_shipped_allowlist_accepts_only_known_lines(self):
        rules = classify.load_allowlist(os.path.join(HERE, "..", "configs", "warn-allowlist.txt"))
        for name in sorted(os.listdir(SNIPPETS)):
            if not name.startswith("WARN--"):
                continue
            with open(os.path.join(SNIPPETS, name), encoding="utf-8") as f:
                verdict = classify.classify(f.read(), allowlist=rules)[0]
            with self.subTest(snippet=name):
                self.assertEqual(verdict, "WARN")

    def test_exit_codes(self):
        self.assertEqual(classify.EXIT_CODES["PASS"], 0)
        self.assertEqual(classify.EXIT_CODES["TEST-FAIL"], 1)
        for v in ("LOCKUP", "PANIC", "WARN", "TIMEOUT"):
            self.assertEqual(classify.EXIT_CODES[v], 2)
        self.assertEqual(classify.EXIT_CODES["INFRA"], 3)

    def test_tap_parsing(self):
        tests = classify.parse_tap([
            "ok 1 selftests: mmcid: a", "not ok 2 selftests: mmcid: b # exit=1",
            "ok 3 selftests: mmcid: c # SKIP no mm_cid", "# ok 4 nested is ignored"])
        self.assertEqual([t["result"] for t in tests], ["PASS", "FAIL", "SKIP"])
        self.assertEqual(tests[2]["reason"], "no mm_cid")

    def test_nested_scenarios_with_their_failing_check(self):
        tests = classify.parse_tap([
            "# selftests: mmcid: mm_cid_transitions", "# # crossing: uniqueness ok",
            "# ok 1 crossing", "# # storm: density (below the settled bound) FAILED: cid 5",
            "# not ok 2 storm", "# ok 3 spawn # SKIP no fork",
            "not ok 1 selftests: mmcid: mm_cid_transitions # exit=1",
            "# selftests: rseq: rseq-upstream", "# ok 1 basic_test",
            "ok 2 selftests: rseq: rseq-upstream"])
        self.assertEqual([(t["program"], t["result"]) for t in tests],
                         [("mm_cid_transitions", "FAIL"), ("rseq-upstream", "PASS")])
        subs = tests[0]["subtests"]
        self.assertEqual([(s["name"], s["result"]) for s in subs],
                         [("crossing", "PASS"), ("storm", "FAIL"), ("spawn", "SKIP")])
        self.assertEqual(subs[1]["check"], "storm: density (below the settled bound) FAILED: cid 5")
        self.assertEqual(tests[0]["check"], subs[1]["check"])
        self.assertEqual([s["name"] for s in tests[1]["subtests"]], ["basic_test"])

    def test_junit_has_a_case_per_scenario(self):
        # A whole run of the suite through upstream's run_kselftest.sh.
        with open(os.path.join(SNIPPETS, "PASS--run-kselftest-full.log"), encoding="utf-8") as f:
            console = f.read().splitlines()
        verdict, details = classify.classify("\n".join(console))
        self.assertEqual(verdict, "PASS")
        names = [(prog, name) for prog, name, _, _ in junit.junit_cases(details["tests"])]
        for want in [("mm_cid_transitions", "storm"), ("mm_cid_exec", "execve-fail-threads"),
                     ("mm_cid_pool", "thread-pool"), ("rseq_abort", "all-cpus"),
                     ("rseq-upstream", "basic_test")]:
            self.assertIn(want, names)
        self.assertEqual(sum(p != "rseq-upstream" for p, _ in names), 17)
        # Planted: a failed scenario is its own case, with its failing check.
        i = console.index("# ok 2 crossing")
        console[i:i + 1] = ["# # crossing: uniqueness FAILED: 3 updates lost", "# not ok 2 crossing"]
        i = console.index("ok 1 selftests: mmcid: mm_cid_transitions")
        console[i] = "not ok 1 selftests: mmcid: mm_cid_transitions # exit=1"
        verdict, details = classify.classify("\n".join(console))
        self.assertEqual(verdict, "TEST-FAIL")
        failed = [c for c in junit.junit_cases(details["tests"]) if c[2] == "FAIL"]
        self.assertEqual(failed, [("mm_cid_transitions", "crossing", "FAIL",
                                   "crossing: uniqueness FAILED: 3 updates lost")])

    def test_report_is_captured_whole_and_found_mid_line(self):
        text = "\n".join([
            "[ 0.0] Linux version 7.2.13", "mmcid-vm: kernel x",
            # The kernel's message began while a test was printing.
            "# # storm: 12 crossi[   15.000100] WARNING: CPU: 1 PID: 7 at kernel/sched/core.c:1 f+0x1/0x2",
            "[   15.000150] Modules linked in:", "[   15.000160] Call Trace:",
            "[   15.000170]  mm_cid_fixup+0x10/0x20",
            "[   15.000200] ---[ end trace 0000000000000000 ]---",
            "# # storm: crossings done", "mmcid-vm: END rc=0"])
        verdict, details = classify.classify(text)
        self.assertEqual(verdict, "WARN")
        self.assertTrue(details["first_failure"].startswith("WARNING: CPU: 1 PID: 7"))
        self.assertEqual(details["report"][-1], "---[ end trace 0000000000000000 ]---")
        self.assertIn("mm_cid_fixup+0x10/0x20", details["report"])
        # Planted: the same words in a test's own text are not a report.
        verdict, _ = classify.classify(text.replace("crossi[   15.000100] ", "crossi "))
        self.assertEqual(verdict, "PASS")

    def test_missing_end_marker_without_timeout_after_boot(self):
        text = "[ 0.0] Linux version 7.2.13\nmmcid-vm: kernel x\n"
        self.assertEqual(classify.classify(text)[0], "TIMEOUT")


if __name__ == "__main__":
    unittest.main(verbosity=1)
