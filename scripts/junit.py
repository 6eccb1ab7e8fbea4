"""junit.xml of a run: one case per scenario (the programs' nested TAP
results, parsed by classify.parse_tap), and the kernel's health as a
case of its own."""

import xml.etree.ElementTree as ET

import classify


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
