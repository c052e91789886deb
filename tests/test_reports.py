"""JUnit XML, Markdown/HTML feedback and training-curve PNGs, from real grading runs."""
from __future__ import annotations

import dataclasses
import math
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.image import imread

from autograder.engine.grading import grade_submission
from autograder.engine.scoring import GradeReport
from autograder.reports.curves import curve_problems, plot_training_curves, training_curves_png
from autograder.reports.feedback import write_feedback
from autograder.reports.junit import write_junit
from autograder.reports.reference_curves import reference_curves
from tests.support import copy_solutions

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BROKEN_SOFTMAX = "\n\ndef softmax(X):\n    print('softmax <here> & *there*')\n    return X\n"


@pytest.fixture(scope="module")
def good_report(tmp_path_factory) -> GradeReport:
    sub = copy_solutions(tmp_path_factory.mktemp("good"))
    return grade_submission(sub, seed=1, functions={"softmax", "cross_entropy"}, runner="in-process")


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory) -> GradeReport:
    sub = copy_solutions(tmp_path_factory.mktemp("broken"))
    module = sub / "exercises" / "softmax_regression.py"
    module.write_text(module.read_text() + BROKEN_SOFTMAX)
    return grade_submission(sub, seed=1, functions={"softmax", "cross_entropy"}, runner="in-process")


@pytest.fixture(scope="module")
def broken_feedback(broken_report, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("feedback")
    assert write_feedback(broken_report, out) == out / "feedback.md"
    return out


def convergence_ids(report: GradeReport) -> list[str]:
    return [r.spec.id for r in report.results if r.spec.id.startswith("convergence.")]


def test_the_runs_are_what_the_other_tests_assume(good_report, broken_report):
    assert good_report.score == good_report.max_score > 0
    failed = {r.spec.id for r in broken_report.results if not r.passed}
    assert "convergence.softmax_regression.softmax" in failed and "softmax.values" in failed
    assert any(r.passed for r in broken_report.results)
    assert len(convergence_ids(broken_report)) == 3
    assert all(r.curves for r in broken_report.results if r.spec.id.startswith("convergence."))


@pytest.mark.parametrize("which", ["good_report", "broken_report"])
def test_junit_has_one_testcase_per_check_and_the_failures_of_the_report(which, request, tmp_path):
    report: GradeReport = request.getfixturevalue(which)
    path = tmp_path / "junit.xml"
    write_junit(report, path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    in_rows = [r for row in report.rows() for r in row.results]
    assert [c.get("name") for c in cases] == [r.spec.id for r in in_rows]
    assert sorted(c.get("name") for c in cases) == sorted(r.spec.id for r in report.results)
    failed = {r.spec.id: r for r in report.results if not r.passed}
    assert {c.get("name") for c in cases if c.find("failure") is not None} == set(failed)
    assert int(root.get("tests")) == len(report.results)
    assert int(root.get("failures")) == len(failed)
    assert float(root.get("time")) == pytest.approx(report.execution_time, abs=1e-3)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [row.exercise for row in report.rows()]
    for suite, row in zip(suites, report.rows()):
        assert int(suite.get("tests")) == len(row.results)
        assert int(suite.get("failures")) == sum(not r.passed for r in row.results)
        props = {p.get("name"): p.get("value") for p in suite.findall("./properties/property")}
        assert props["seed"] == "1" and props["sandboxed"] == "false"
        assert float(props["points"]) == row.score and float(props["max_points"]) == row.max_score
    for case, result in zip(cases, in_rows):
        assert float(case.get("time")) >= 0
        assert case.get("classname") in (*result.spec.functions, result.spec.id.split(".")[1])
        failure = case.find("failure")
        if failure is not None:
            assert failure.text == result.message.strip()
            assert failure.get("message") == result.message.strip().splitlines()[0]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.images: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs)["src"])


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_feedback_shows_each_failed_message_output_and_curves(broken_report, broken_feedback):
    markdown = (broken_feedback / "feedback.md").read_text()
    unescaped = re.sub(r"\\(.)", r"\1", markdown)   # Markdown's backslash escapes undone
    page = _Text()
    page.feed((broken_feedback / "feedback.html").read_text())
    text = _squash("".join(page.parts))
    assert markdown.startswith(f"# Feedback on {broken_report.submission}: "
                               f"{broken_report.score:g}/{broken_report.max_score:g} points")
    assert "Seed `1`" in markdown and "Not sandboxed" in markdown
    for result in broken_report.results:
        if not result.passed:
            assert result.message in unescaped, result.spec.id
            assert _squash(result.message) in text, result.spec.id
    assert "softmax <here> & *there*" in markdown   # printed output, verbatim in a code block
    assert "softmax <here> & *there*" in text
    assert "<here>" not in (broken_feedback / "feedback.html").read_text()  # escaped, not markup
    for row in broken_report.rows():
        assert f"## `{row.exercise}`: {row.score:g}/{row.max_score:g}" in markdown
    for check_id in convergence_ids(broken_report):
        src = f"curves/{check_id}.png"
        assert f"]({src})" in markdown and src in page.images
        png = broken_feedback / src
        assert png.read_bytes()[:8] == PNG_SIGNATURE
        pixels = imread(png)
        assert pixels.shape[0] >= 200 and pixels.shape[1] >= 600
    assert "train loss is nan (or not a number) in epochs 1-3" in markdown


def _coloured_columns(png: Path, colour) -> np.ndarray:
    """Columns of the image holding pixels close to ``colour`` (RGB in 0..1)."""
    pixels = imread(png)[..., :3]
    near = np.abs(pixels - np.asarray(colour)).max(axis=2) < 0.08
    return np.flatnonzero(near.any(axis=0))


def test_each_png_draws_the_students_curves_beside_the_references(broken_report, broken_feedback):
    green = (0.0, 0.5, 0.0)   # test accuracy, in both panels
    for check_id in convergence_ids(broken_report):
        columns = _coloured_columns(broken_feedback / "curves" / f"{check_id}.png", green)
        width = imread(broken_feedback / "curves" / f"{check_id}.png").shape[1]
        assert width >= 600, "two panels side by side"
        assert (columns < width * 0.45).any() and (columns > width * 0.55).any(), check_id


def test_the_plot_holds_both_sets_of_lines_with_the_curves_values(broken_report):
    result = next(r for r in broken_report.results if r.spec.id == "convergence.softmax_regression.softmax")
    reference = reference_curves("softmax_regression", result.spec.seed)
    fig = plot_training_curves(result.curves, reference, result.spec.id)
    lines = {line.get_gid(): line for ax in fig.axes for line in ax.get_lines()}
    assert set(lines) == {f"{who}:{key}" for who in ("student", "reference")
                          for key in ("train_loss", "train_acc", "test_acc")}
    assert list(lines["student:test_acc"].get_ydata()) == result.curves["test_acc"]
    assert list(lines["reference:train_loss"].get_ydata()) == reference["train_loss"]
    assert fig.texts[0].get_text() == result.spec.id  # the title names the check
    assert max(reference["test_acc"]) > 0.6 > max(result.curves["test_acc"])


def test_reference_curves_are_cached_and_leave_the_global_rngs_alone():
    state = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state())
    first = reference_curves("linear_regression", 101)
    first["train_loss"].append(123.0)  # a caller's change does not reach the cache
    again = reference_curves("linear_regression", 101)
    assert len(again["train_loss"]) == 3 and all(math.isfinite(x) for x in again["train_loss"])
    assert again["train_loss"][-1] < again["train_loss"][0]
    assert random.getstate() == state[0] and (np.random.get_state()[1] == state[1]).all()
    assert torch.equal(torch.get_rng_state(), state[2])
    with pytest.raises(ValueError, match="no training recipe"):
        reference_curves("no_such_chapter", 1)


GARBAGE = [
    {"train_loss": [math.nan, math.inf, -math.inf], "train_acc": [], "test_acc": [0.1]},
    {"train_loss": [1e300, -1e300, 0.5], "test_acc": [0.2, "x", None, 0.3]},
    {"train_loss": "not a list", "train_acc": None, "test_acc": [True, 0.5]},
    {},
    {"unknown": [1.0, 2.0]},
]


@pytest.mark.parametrize("curves", GARBAGE)
def test_garbage_curves_are_drawn_as_far_as_they_go_and_described(curves):
    png = training_curves_png(curves, {"train_loss": [1.0, 0.5], "test_acc": [0.5, 0.6]}, "x")
    assert png[:8] == PNG_SIGNATURE
    problems = curve_problems(curves, {"train_loss": [1.0], "train_acc": [0.5], "test_acc": [0.5]})
    assert problems and all(isinstance(p, str) for p in problems)
    assert training_curves_png(curves, None, "x")[:8] == PNG_SIGNATURE


def test_curve_problems_name_the_epochs_and_lengths():
    problems = curve_problems({"train_loss": [0.5, math.nan, math.nan, math.inf],
                               "test_acc": [0.1, 0.2]})
    assert "train loss is nan (or not a number) in epochs 2-3" in problems
    assert "train loss is inf in epoch 4" in problems
    assert any("different lengths" in p for p in problems)


def test_garbage_in_a_report_does_not_crash_any_writer(broken_report, tmp_path):
    nasty = "first line \x00\x1b[31mred\x1b[0m ```` <b>|pipe|</b>\nsecond line"
    results = []
    for i, result in enumerate(broken_report.results):
        if result.spec.id.startswith("convergence."):
            result = dataclasses.replace(result, curves=GARBAGE[i % len(GARBAGE)] or {"train_loss": []})
        results.append(dataclasses.replace(result, message=nasty, student_output=nasty, passed=False,
                                           score=0.0))
    report = dataclasses.replace(broken_report, results=results,
                                 load_errors={"mlp": "SyntaxError: invalid syntax (line 3) <x>"})
    write_feedback(report, tmp_path / "fb")
    write_junit(report, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert int(root.get("failures")) == len(results)
    assert root.find(".//failure").get("message") == "first line [31mred[0m ```` <b>|pipe|</b>"
    markdown = (tmp_path / "fb" / "feedback.md").read_text()
    assert "\x00" not in markdown and "\x1b" not in markdown
    assert "`````text\nfirst line red ```` <b>|pipe|</b>\nsecond line\n`````" in markdown
    assert "<b>" not in (tmp_path / "fb" / "feedback.html").read_text()
    assert "exercises/mlp.py" in markdown


def test_writing_the_same_report_twice_gives_the_same_bytes(good_report, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_feedback(good_report, first)
    write_feedback(good_report, second)
    for name in ("feedback.md", "feedback.html",
                 *(f"curves/{cid}.png" for cid in convergence_ids(good_report))):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_feedback_without_the_reference_draws_the_students_curves_alone(good_report, tmp_path):
    write_feedback(good_report, tmp_path, reference_curves=False)
    for check_id in convergence_ids(good_report):
        pixels = imread(tmp_path / "curves" / f"{check_id}.png")
        assert pixels.shape[1] < 500   # one panel
    assert "failed:" not in (tmp_path / "feedback.md").read_text()
