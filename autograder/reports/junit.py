"""JUnit XML for CI: a ``<testsuite>`` per exercise row, a ``<testcase>`` per hidden check.

A failed check is a ``<failure>`` whose ``message`` is the first line of the grader's message and
whose text is all of it; the student's printed output goes to ``<system-out>``. The run's seed and
whether it was sandboxed are ``<properties>`` of every suite.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from autograder.engine.scoring import CheckResult, ExerciseRow, GradeReport
from autograder.reports.atomic import write_atomic

# Characters XML 1.0 cannot hold at all (student output may contain anything).
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids removed."""
    return _NOT_XML.sub("", str(text))


def _seconds(value: float) -> str:
    return f"{max(float(value), 0.0):.3f}"


def _classname(result: CheckResult) -> str:
    """The exercise function a check grades; for an end-to-end check, its chapter or module."""
    if len(result.spec.functions) == 1:
        return result.spec.functions[0]
    return result.spec.exercise.removesuffix(" (end to end)")


def _properties(parent: ET.Element, values: dict[str, object]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=xml_text(str(value)))


def _testcase(suite: ET.Element, result: CheckResult) -> None:
    case = ET.SubElement(suite, "testcase", classname=_classname(result), name=result.spec.id,
                         time=_seconds(result.seconds))
    _properties(case, {"title": result.spec.title, "kind": result.spec.kind,
                       "points": f"{result.score:g}", "max_points": f"{result.spec.points:g}"})
    if not result.passed:
        message = xml_text(result.message).strip() or "the check failed"
        failure = ET.SubElement(case, "failure", message=message.splitlines()[0],
                                type="CheckFailed")
        failure.text = message
    if result.student_output.strip():
        ET.SubElement(case, "system-out").text = xml_text(result.student_output)


def _testsuite(root: ET.Element, row: ExerciseRow, run: dict[str, object]) -> None:
    failures = sum(not r.passed for r in row.results)
    suite = ET.SubElement(root, "testsuite", name=row.exercise, tests=str(len(row.results)),
                          failures=str(failures), errors="0", skipped="0",
                          time=_seconds(sum(r.seconds for r in row.results)))
    _properties(suite, {**run, "points": f"{row.score:g}", "max_points": f"{row.max_score:g}"})
    for result in row.results:
        _testcase(suite, result)


def junit_tree(report: GradeReport) -> ET.ElementTree:
    """The report as a JUnit ``<testsuites>`` tree."""
    failures = sum(not r.passed for r in report.results)
    root = ET.Element("testsuites", name=f"d2l-autograder: {xml_text(report.submission)}",
                      tests=str(len(report.results)), failures=str(failures), errors="0",
                      skipped="0", time=_seconds(report.execution_time))
    run: dict[str, object] = {"seed": report.seed, "sandboxed": str(report.sandboxed).lower(),
                              "submission": report.submission}
    for module, error in sorted(report.load_errors.items()):
        run[f"load_error:exercises/{module}.py"] = error
    for row in report.rows():
        _testsuite(root, row, run)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def write_junit(report: GradeReport, path: Path) -> None:
    """Write the report as JUnit XML to ``path`` (atomically)."""
    body = ET.tostring(junit_tree(report).getroot(), encoding="unicode")
    write_atomic(Path(path), ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8"))
