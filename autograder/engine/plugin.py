"""The pytest plugin that connects the hidden tests to a runner and records each verdict.

Outcomes are read from pytest's hooks (``pytest_runtest_makereport``), never from its output.
"""
from __future__ import annotations

import pytest

from autograder.contract import FUNCTIONS
from autograder.engine.judge import judge
from autograder.rubric import Rubric
from autograder.verdicts import Fail
from autograder.engine.records import CheckRecord, training_curves
from autograder.worker.outcome import ScenarioOutcome


class GradingPlugin:
    """Provides the ``grading`` fixture and collects a CheckRecord per selected check."""

    def __init__(self, runner, rubric: Rubric, seed: int, on_result=None):
        self.runner, self.rubric, self.seed = runner, rubric, seed
        self.records: dict[str, CheckRecord] = {}
        self._outcomes: dict[str, ScenarioOutcome] = {}
        self._observations: dict[str, dict] = {}
        self._selected = set(rubric.ids)
        self._on_result = on_result

    # -- pytest hooks -------------------------------------------------------------------------
    def pytest_configure(self, config):
        for function in FUNCTIONS:
            config.addinivalue_line("markers", f"{function}: checks that grade {function}")

    def pytest_collection_modifyitems(self, session, config, items):
        keep = [item for item in items if self._check_id(item) in self._selected]
        deselected = [item for item in items if item not in keep]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = keep

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = (yield).get_result()
        check_id = self._check_id(item)
        if check_id is None or report.when != "call":
            return
        if call.excinfo is None:
            message, passed = "", True
        elif isinstance(call.excinfo.value, Fail):
            message, passed = call.excinfo.value.message, False
        else:
            exc = call.excinfo.value
            message, passed = f"the grader's verdict failed ({type(exc).__name__}: {exc}); "\
                              "this is a grader bug, please report it", False
        outcome = self._outcomes.get(check_id)
        observation = self._observations.get(check_id)
        if observation is None and isinstance(call.excinfo and call.excinfo.value, Fail):
            observation = call.excinfo.value.observation
        record = CheckRecord(check_id, passed, message, call.duration,
                             outcome.output if outcome else "",
                             training_curves(observation) if check_id.startswith("convergence.") else {})
        self.records[check_id] = record
        if self._on_result:
            self._on_result(record)

    # -- the fixture --------------------------------------------------------------------------
    @pytest.fixture
    def grading(self) -> "GradingPlugin":
        return self

    def check(self, check_id: str) -> None:
        """Run the scenario of ``check_id`` through the runner, then its verdict here."""
        spec = self.rubric[check_id]
        seed = spec.seed if spec.seed is not None else self.seed
        outcome = self.runner.run(check_id, seed)
        self._outcomes[check_id] = outcome
        observation = judge(outcome, seed)
        if check_id.startswith("convergence."):  # only training runs have curves worth keeping
            self._observations[check_id] = observation

    @staticmethod
    def _check_id(item) -> str | None:
        callspec = getattr(item, "callspec", None)
        return callspec.params.get("check_id") if callspec else None
