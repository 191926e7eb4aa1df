#!/usr/bin/env python3
"""The end of a test run's output (deploy/test.sh): every failed test with its message and where in our code it
failed, then one closing line, "N passed, N failed, N skipped", over every report given.

CI keeps only the tail of a run's output, and the two streams' lines are interleaved; without this, a failed *IT
shows only as "its: exit 1" and the count.

Usage: test-report.py REPORT.xml ...
"""
import sys
import xml.etree.ElementTree as ET

MESSAGE_LINES = 12
OUR_FRAMES = 6


def failures(case):
    for tag in ("failure", "error"):
        for element in case.findall(tag):
            yield element


def describe(case, element):
    name = f"{case.get('classname', '?')}.{case.get('name', '?')}"
    kind = element.get("type", element.tag)
    message = (element.get("message") or "").strip().splitlines()[:MESSAGE_LINES]
    frames = [line.strip() for line in (element.text or "").splitlines() if line.strip().startswith("at io.swarmray.")]
    lines = [f"FAILED {name} ({case.get('time', '?')} s): {kind}"]
    lines += [f"    {line}" for line in message]
    lines += [f"      {frame}" for frame in frames[:OUR_FRAMES]]
    return lines


def main(paths):
    passed = failed = skipped = 0
    report = []
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as problem:
            report.append(f"FAILED to read {path}: {problem}")
            failed += 1
            continue
        for case in root.iter("testcase"):
            bad = list(failures(case))
            if bad:
                failed += 1
                for element in bad[:1]:
                    report += describe(case, element)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    for line in report:
        print(line)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
