"""Decide one check: decode the worker's observation and run the verdict half on it."""
from __future__ import annotations

from typing import Any, Callable

from autograder.contract import FUNCTIONS
from autograder.engine.hints import with_hint
from autograder.verdicts import Fail, all_verdicts
from autograder.worker.outcome import WATCH_KEY, ScenarioOutcome
from autograder.worker.transport import TransportError, decode


def handed_over(observation: dict) -> dict[str, list[str]]:
    """Take the worker's watch findings out of ``observation``: function -> what it handed its
    work to. Student code shares the worker, so anything malformed is dropped."""
    found = observation.pop(WATCH_KEY, None)
    if not isinstance(found, dict):
        return {}
    return {name: [str(w)[:80] for w in what[:4] if isinstance(w, str)]
            for name, what in found.items()
            if name in FUNCTIONS and isinstance(what, list) and what}


def advised(message: str) -> str:
    """A failed verdict's message, with the advice given for a crash when it reports an
    exception the scenario observed (the handout's public checks word it the same)."""
    return with_hint(message) if " raised " in message else message


def judge(outcome: ScenarioOutcome, seed: int,
          on_handed_over: Callable[[dict[str, list[str]]], None] | None = None) -> dict[str, Any]:
    """Return the decoded observation when the check passes; raise Fail with the student-facing
    message otherwise (the observation is then on ``Fail.observation`` when it could be decoded).
    What the worker saw handed over goes to ``on_handed_over``, whatever the verdict."""
    if outcome.error is not None:
        raise Fail(with_hint(outcome.error))
    try:
        observation = decode(outcome.payload or b"")
    except TransportError as exc:
        raise Fail(f"the worker sent back something that is not tensors and numbers ({exc})") from None
    found = handed_over(observation)
    if found and on_handed_over:
        on_handed_over(found)
    try:
        all_verdicts()[outcome.check_id](observation, seed)
    except Fail as exc:
        exc.observation = observation
        exc.message = advised(exc.message)
        exc.args = (exc.message,)
        raise
    return observation
