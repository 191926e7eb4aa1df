#!/usr/bin/env python3
"""The end of a test run's output (deploy/test.sh): for a failed *IT that runs its own operator process, that
operator's log lines while the test ran; then every failed test with its message and where in our code it failed;
then one closing line, "N passed, N failed, N skipped", over every report given.

CI keeps only the tail of a run's output, and the two streams' lines are interleaved; without this, a failed *IT
shows only as "its: exit 1" and the count.

Usage: test-report.py REPORT.xml ...
"""
import datetime
import os
import re
import sys
import xml.etree.ElementTree as ET

MESSAGE_LINES = 12
OUR_FRAMES = 6
LOG_LINES = 25
# the *IT whose operator process writes a log of its own (LabOperator, CrashingOperator, the pack profile in pom.xml)
OPERATOR_LOGS = {
    "io.swarmray.it.Docker26IT": "target/lab-operator.log",
    "io.swarmray.it.ManagerEngineOutageIT": "target/lab-operator.log",
    "io.swarmray.it.NodeLossIT": "target/lab-operator.log",
    "io.swarmray.it.OperatorCrashIT": "target/crash-operator.log",
    "io.swarmray.it.OperatorCrashServeJobIT": "target/crash-operator.log",
    "io.swarmray.it.PackagedOperatorIT": "target/operator-pack.log",
}
# a report gives durations, not start times: each case's window is reckoned back from the report's write, give or take
MARGIN_S = 10
TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.\d{3} ")


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


def seconds_of_day(moment):
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def log_window(log, start, end):
    """The log's last lines stamped between start and end (seconds of the day, local time, as the log writes them)."""
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    kept, inside = [], False
    for line in lines:
        stamp = TIME.match(line)
        if stamp:
            t = int(stamp.group(1)) * 3600 + int(stamp.group(2)) * 60 + int(stamp.group(3))
            inside = start - MARGIN_S <= t <= end + MARGIN_S
        if inside:
            kept.append(line[:400])
    return kept[-LOG_LINES:]


def operator_log(path, cases, failed_case):
    """The failed case's operator log lines: its window is reckoned from the report's mtime and the later cases' times."""
    log = OPERATOR_LOGS.get(failed_case.get("classname"))
    if log is None:
        return []
    end = seconds_of_day(datetime.datetime.fromtimestamp(os.path.getmtime(path)))
    for case in reversed(cases):
        if case is failed_case:
            break
        end -= float(case.get("time") or 0)
    start = end - float(failed_case.get("time") or 0)
    lines = log_window(log, start, end)
    if not lines:
        return []
    name = f"{failed_case.get('classname')}.{failed_case.get('name')}"
    return [f"--- {log} while {name} ran (last {len(lines)} lines) ---"] + lines


def main(paths):
    passed = failed = skipped = 0
    report, logs = [], []
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as problem:
            report.append(f"FAILED to read {path}: {problem}")
            failed += 1
            continue
        cases = list(root.iter("testcase"))
        for case in cases:
            bad = list(failures(case))
            if bad:
                failed += 1
                report += describe(case, bad[0])
                logs += operator_log(path, cases, case)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    for line in logs + report:
        print(line)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
