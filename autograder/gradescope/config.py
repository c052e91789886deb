"""The options an instructor chose when building the zip, kept in ``gradescope.json`` inside it."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import GradingError
from autograder.sandbox.limits import Limits

CONFIG_NAME = "gradescope.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
# Gradescope's default container is 768 MB of memory, half a CPU, 10 minutes. Grading the
# reference there peaks at about 870 MB (the grader and its worker each import torch), so the
# README says to raise the memory; half a CPU and 10 minutes are enough (about 40 s).
WORKER_MEMORY_MB = 512        # the worker's own cap: the reference needs more than 400 MB
CHECK_TIMEOUT_S = 60.0
DEFAULT_TIME_LIMIT_MIN = 10.0
MAX_TIME_LIMIT_MIN = 40.0
MIN_WORKER_MEMORY_MB = 256
SAFETY_MARGIN_S = 45.0        # stop grading this long before Gradescope's timeout, to write results


class ConfigError(GradingError):
    """gradescope.json is missing or malformed; the message is one line."""


@dataclass(frozen=True)
class GradescopeConfig:
    """What run.py needs to know that the submission does not say."""

    hidden_visibility: str = "after_published"   # the non-public checks; public ones are visible
    late_penalty_per_day: float | None = None    # percent of the score per day (or part) late
    late_cap: float = 100.0                      # the most percent a late penalty takes
    time_limit_min: float = DEFAULT_TIME_LIMIT_MIN   # Gradescope's autograder timeout
    worker_memory_mb: int = WORKER_MEMORY_MB
    check_timeout_s: float = CHECK_TIMEOUT_S
    grader_version: str = ""
    torch_version: str = ""
    torchvision_version: str = ""

    def __post_init__(self) -> None:
        if self.hidden_visibility not in VISIBILITIES:
            raise ConfigError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}")
        if self.late_penalty_per_day is not None and not 0 < self.late_penalty_per_day <= 100:
            raise ConfigError("late_penalty_per_day must be a percentage in (0, 100]")
        if not 0 <= self.late_cap <= 100:
            raise ConfigError("late_cap must be a percentage in [0, 100]")
        if not 1 < self.time_limit_min <= MAX_TIME_LIMIT_MIN:
            raise ConfigError(f"time_limit_min must be more than 1 and at most {MAX_TIME_LIMIT_MIN:g} "
                              "minutes (Gradescope's longest autograder timeout)")
        if self.worker_memory_mb < MIN_WORKER_MEMORY_MB:
            raise ConfigError(f"worker_memory_mb must be at least {MIN_WORKER_MEMORY_MB}")

    @property
    def deadline_s(self) -> float:
        """Seconds run.py may spend before it stops and writes a results.json saying so."""
        return self.time_limit_min * 60 - SAFETY_MARGIN_S

    def limits(self) -> Limits:
        """The engine's limits for one worker on Gradescope's container."""
        return Limits(timeout_s=self.check_timeout_s, memory_mb=self.worker_memory_mb)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + "\n"


def load_config(path: Path) -> GradescopeConfig:
    """The config at ``path`` (a gradescope.json), or ConfigError naming what is wrong."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing: rebuild the zip with `autograder gradescope`") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} does not hold a JSON object")
    known = {f.name for f in dataclasses.fields(GradescopeConfig)}
    try:
        return GradescopeConfig(**{k: v for k, v in data.items() if k in known})
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
