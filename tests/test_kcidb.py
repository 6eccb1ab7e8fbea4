#!/usr/bin/env python3
"""kcidb.json against KCIDB's I/O schema v5.0 (the parts it uses,
tests/kcidb/schema-v5.0.json): reports made from captured consoles must
validate, and planted violations must not."""

import copy
import json
import os
import sys
import unittest

import jsonschema

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import kcidb  # noqa: E402

with open(os.path.join(TOP, "tests", "kcidb", "schema-v5.0.json"), encoding="utf-8") as f:
    SCHEMA = json.load(f)
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)

RESULT = {"arch": "x86_64", "variant": "fixed", "run_id": "20261129-012944-25179", "smp": 4,
          "tree": "linux-source-7.2 7.2.13-1 da22eb32afccbb23d0d2b1d2ef6f12b19c56a57c",
          "patches": [{"name": "patches/v2-0001-x.patch", "sha256": "a" * 64}],
          "verdict": "TEST-FAIL", "time_total_s": 100.5, "first_failure": "not ok 1"}


def console(name):
    with open(os.path.join(TOP, "tests", "console", name), encoding="utf-8") as f:
        return f.readlines()


def errors(data):
    return [e.message for e in VALIDATOR.iter_errors(data)]


class Kcidb(unittest.TestCase):
    def test_reports_of_captured_consoles_validate(self):
        for name in sorted(os.listdir(os.path.join(TOP, "tests", "console"))):
            verdict = name.split("--")[0]
            result = dict(RESULT, verdict=verdict)
            data = kcidb.report(result, console(name), "mmcid")
            self.assertEqual(errors(data), [], name)
            self.assertEqual(data["tests"][0]["path"], "mmcid")
            self.assertEqual(data["tests"][0]["status"], kcidb.VERDICT_STATUS[verdict])

    def test_scenario_paths_and_statuses(self):
        data = kcidb.report(RESULT, console("TEST-FAIL--not-ok.log"), "mmcid")
        statuses = {t["path"]: t["status"] for t in data["tests"]}
        self.assertIn("FAIL", statuses.values())
        self.assertTrue(all(p.startswith(("mmcid", "rseq")) for p in statuses), statuses)
        data = kcidb.report(RESULT, console("PASS--tap-with-skip-and-harmless-words.log"), "x")
        self.assertIn("SKIP", {t["status"] for t in data["tests"]})

    def test_planted_violations_are_caught(self):
        good = kcidb.report(RESULT, console("TEST-FAIL--not-ok.log"), "mmcid")
        plants = []
        bad = copy.deepcopy(good)
        del bad["tests"][0]["build_id"]
        plants.append(bad)
        bad = copy.deepcopy(good)
        bad["tests"][1]["path"] = "mmcid.mm cid"
        plants.append(bad)
        bad = copy.deepcopy(good)
        bad["tests"][0]["status"] = "OK"
        plants.append(bad)
        bad = copy.deepcopy(good)
        bad["builds"][0]["origin"] = "Has Spaces"
        plants.append(bad)
        bad = copy.deepcopy(good)
        bad["checkouts"][0]["unknown_field"] = 1
        plants.append(bad)
        for bad in plants:
            self.assertNotEqual(errors(bad), [])


if __name__ == "__main__":
    unittest.main()
