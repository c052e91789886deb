"""Scenario halves: run student code on seeded inputs, return what it produced (no expectations).

A scenario is ``fn(student, seed) -> dict`` registered under a check id with ``@scenario``. It may
import ``autograder.inputs`` and ``autograder.harness``, never ``autograder.verdicts``.
"""
from autograder.scenarios.registry import SCENARIOS, all_scenarios, scenario

__all__ = ["SCENARIOS", "all_scenarios", "scenario"]
