"""Verdict halves: compare a scenario's observation with torch's own operations and explain.

A verdict is ``fn(observation, seed) -> None`` registered under a check id with ``@verdict``; it
regenerates the scenario's inputs from the seed (``autograder.inputs``) and raises ``Fail`` with a
message addressed to the student. Verdicts run only in the trusted process.
"""
from autograder.verdicts.registry import VERDICTS, Fail, all_verdicts, verdict

__all__ = ["VERDICTS", "Fail", "all_verdicts", "verdict"]
