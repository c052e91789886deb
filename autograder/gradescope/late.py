"""The late penalty: how late a submission is, from Gradescope's submission_metadata.json."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

DAY_S = 24 * 3600


@dataclass(frozen=True)
class LatePenalty:
    """A percentage taken off the score, and the sentence that says why."""

    percent: float
    days_late: int
    note: str

    def apply(self, score: float) -> float:
        return round(score * (1 - self.percent / 100), 4)


def read_metadata(path: Path) -> dict[str, Any] | None:
    """submission_metadata.json as a dict, or None when it is missing or not JSON."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def days_late(metadata: dict[str, Any]) -> int | None:
    """Whole days (any part of a day counts) between the due date and the submission; None when
    the metadata has no usable created_at or assignment.due_date."""
    assignment = metadata.get("assignment")
    created = _when(metadata.get("created_at"))
    due = _when(assignment.get("due_date")) if isinstance(assignment, dict) else None
    if created is None or due is None:
        return None
    seconds = (created - due).total_seconds()
    return max(0, math.ceil(seconds / DAY_S))


def late_penalty(metadata: dict[str, Any] | None, per_day: float | None,
                 cap: float) -> LatePenalty | None:
    """The penalty the instructor's policy (``per_day`` percent, at most ``cap``) gives this
    submission; None when no policy is set or the submission is on time."""
    if per_day is None:
        return None
    late = days_late(metadata) if metadata is not None else None
    if late is None:
        return LatePenalty(0.0, 0, "No late penalty: submission_metadata.json gives no submission "
                                   "time or due date.")
    if late == 0:
        return None
    percent = min(cap, per_day * late)
    day_word = "day" if late == 1 else "days"
    return LatePenalty(percent, late,
                       f"Submitted {late} {day_word} after the due date: the late penalty takes "
                       f"{percent:g}% off the score ({per_day:g}% per day or part of a day, at most "
                       f"{cap:g}%).")
