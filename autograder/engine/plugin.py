"""The pytest plugin that connects the hidden tests to a runner and records each verdict.

Outcomes are read from pytest's hooks (``pytest_runtest_makereport``), never from its output.
"""
from __future__ import annotations

import dataclasses

import pytest

from autograder.contract import FUNCTIONS
from autograder.engine.judge import judge
from autograder.rubric import Rubric
from autograder.verdicts import Fail
from autograder.engine.records import CheckRecord, training_curves
from autograder.worker.outcome import ScenarioOutcome


def _see(culprits: dict[str, str]) -> str:
    return "; ".join(f"{f}: see {c}" for f, c in culprits.items())


def _replaced(culprits: dict[str, str]) -> str:
    """The clause saying which parts the end-to-end run took from the reference, and why."""
    names = ", ".join(culprits)
    why = "; ".join(f"{f} fails {c}" for f, c in culprits.items())
    return (f"trained with the reference's {names} in place of yours, since yours already lost "
            f"points on its own checks ({why})")


class GradingPlugin:
    """Provides the ``grading`` fixture and collects a CheckRecord per selected check."""

    def __init__(self, runner, rubric: Rubric, seed: int, on_result=None):
        self.runner, self.rubric, self.seed = runner, rubric, seed
        self.records: dict[str, CheckRecord] = {}
        self._outcomes: dict[str, ScenarioOutcome] = {}
        self._observations: dict[str, dict] = {}
        self._selected = set(rubric.ids)
        self._on_result = on_result
        self.handed_over: dict[str, list[str]] = {}        # function -> what it handed its work to
        self._charged: dict[str, tuple[str, ...]] = {}      # check -> the functions its result names
        self._notes: dict[str, str] = {}                    # check -> a note on a passed check

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
            message, passed = self._notes.get(check_id, ""), True
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
                             training_curves(observation) if check_id.startswith("convergence.") else {},
                             functions=self._charged.get(check_id),
                             crashed=bool(outcome and outcome.error))
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
        culprits, absent = self._culprits(spec), self._absent(spec)
        if culprits and len(culprits) + len(absent) == len(spec.functions):
            self._charged[check_id] = tuple(culprits)
            if absent:  # ``--only`` selected just parts that fail alone (a full run tries the rest)
                raise Fail(f"not trained end to end in this run: your {', '.join(culprits)} already "
                           f"fail their own checks ({_see(culprits)}) and its other parts "
                           f"({', '.join(absent)}) are not graded in this run; grade them too to "
                           "see whether your parts work together")
            raise Fail(f"not trained end to end: every part of yours it needs fails its own checks "
                       f"({_see(culprits)}), so nothing of yours could be tried together; fix "
                       "those first")
        replaced = (*culprits, *absent)
        request = f"{check_id}~reference:{','.join(replaced)}" if replaced else check_id
        outcome = dataclasses.replace(self.runner.run(request, seed), check_id=check_id)
        self._outcomes[check_id] = outcome
        if replaced:
            self._charged[check_id] = tuple(f for f in spec.functions if f not in replaced)
        try:
            observation = judge(outcome, seed, self._note_handed_over)
        except Fail as exc:
            if not culprits:
                raise
            failure = Fail(f"{_replaced(culprits)}, and the rest still did not train together: "
                           f"{exc.message}", details=exc.details)
            failure.observation = exc.observation
            raise failure from None
        if culprits:
            self._notes[check_id] = (f"passed, not charged for {', '.join(culprits)}: "
                                     f"{_replaced(culprits)}, and the rest of your parts trained "
                                     "together")
        if check_id.startswith("convergence."):  # only training runs have curves worth keeping
            self._observations[check_id] = observation

    def _culprits(self, spec) -> dict[str, str]:
        """function -> its first failed single-part check (main checks first), for the functions
        of a multi-part check that already lost points alone (their own checks explain why the
        whole fails)."""
        if len(spec.functions) == 1:
            return {}
        culprits: dict[str, str] = {}
        main_first = sorted(self.rubric.checks, key=lambda other: bool(other.needs))
        for function in spec.functions:
            for other in main_first:
                record = self.records.get(other.id)
                if other.functions == (function,) and record is not None and not record.passed:
                    culprits[function] = other.id
                    break
        return culprits

    def _absent(self, spec) -> tuple[str, ...]:
        """The parts of a multi-part check with no single-part check in this run (``--only``):
        they train as the reference's, so the check speaks only of the selected functions."""
        if len(spec.functions) == 1:
            return ()
        graded = {other.functions[0] for other in self.rubric.checks if len(other.functions) == 1}
        return tuple(f for f in spec.functions if f not in graded)

    def _note_handed_over(self, found: dict[str, list[str]]) -> None:
        for function, what in found.items():
            seen = self.handed_over.setdefault(function, [])
            seen.extend(w for w in what if w not in seen)

    @staticmethod
    def _check_id(item) -> str | None:
        callspec = getattr(item, "callspec", None)
        return callspec.params.get("check_id") if callspec else None
