"""Decide one check: decode the worker's observation and run the verdict half on it."""
from __future__ import annotations

from autograder.engine.hints import with_hint
from autograder.verdicts import Fail, all_verdicts
from autograder.worker.outcome import ScenarioOutcome
from autograder.worker.transport import TransportError, decode


def judge(outcome: ScenarioOutcome, seed: int) -> dict:
    """Return the decoded observation when the check passes; raise Fail with the student-facing
    message otherwise (the observation is then on ``Fail.observation`` when it could be decoded)."""
    if outcome.error is not None:
        raise Fail(with_hint(outcome.error))
    try:
        observation = decode(outcome.payload or b"")
    except TransportError as exc:
        raise Fail(f"the worker sent back something that is not tensors and numbers ({exc})") from None
    try:
        all_verdicts()[outcome.check_id](observation, seed)
    except Fail as exc:
        exc.observation = observation
        raise
    return observation
