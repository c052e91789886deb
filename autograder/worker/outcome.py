"""What one scenario produced, as the trusted side receives it (no torch needed to hold it)."""
from __future__ import annotations

from dataclasses import dataclass

# The key under which a scenario's observation carries what the worker saw graded functions hand
# their work to (worker/watch.py); the trusted side takes it out before the verdict (engine/judge.py).
WATCH_KEY = "__watch__"


@dataclass(frozen=True)
class ScenarioOutcome:
    """What one scenario produced: an encoded observation, or a one-line error about student code."""

    check_id: str
    payload: bytes | None
    error: str | None
    seconds: float
    output: str = ""
