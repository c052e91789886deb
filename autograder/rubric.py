"""The rubric: every hidden check's points, kind and the exercise functions it grades.

Read from ``rubric.toml`` beside this file, the one place where points are set.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder.contract import MODULE_OF

RUBRIC_FILE = Path(__file__).with_name("rubric.toml")
KINDS = ("numerical", "statistical", "convergence", "from_scratch")


@dataclass(frozen=True)
class CheckSpec:
    """One hidden check as the rubric declares it."""

    id: str
    title: str
    functions: tuple[str, ...]
    kind: str
    points: float
    seed: int | None = None  # a fixed seed (convergence checks); None: the run's seed
    public: bool = False     # also run by `autograder check`, the students' own quick run
    needs: tuple[str, ...] = ()  # main-value checks of the same function this one pays only after

    @property
    def exercise(self) -> str:
        """The row this check counts toward: its function, or "<module> end to end"."""
        if len(self.functions) == 1:
            return self.functions[0]
        if self.kind == "convergence":
            return f"{self.id.split('.')[1]} (end to end)"
        return f"{MODULE_OF[self.functions[0]]} (end to end)"


@dataclass(frozen=True)
class Rubric:
    checks: tuple[CheckSpec, ...]

    def __getitem__(self, check_id: str) -> CheckSpec:
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(spec.id for spec in self.checks)

    @property
    def total(self) -> float:
        return sum(spec.points for spec in self.checks)

    def select(self, functions: set[str] | None = None, kinds: set[str] | None = None,
               public_only: bool = False) -> "Rubric":
        """The checks that grade any of ``functions`` (and are of one of ``kinds``; public ones)."""
        return Rubric(tuple(
            spec for spec in self.checks
            if (functions is None or functions & set(spec.functions))
            and (kinds is None or spec.kind in kinds) and (spec.public or not public_only)))


class RubricError(Exception):
    """The rubric file is malformed."""


def parse_rubric(text: str, source: str = "rubric") -> Rubric:
    data = tomllib.loads(text)
    specs, seen = [], set()
    for entry in data.get("check", []):
        try:
            spec = CheckSpec(id=entry["id"], title=entry["title"],
                             functions=tuple(entry["functions"]), kind=entry["kind"],
                             points=float(entry["points"]), seed=entry.get("seed"),
                             public=bool(entry.get("public", False)),
                             needs=tuple(entry.get("needs", ())))
        except KeyError as exc:
            raise RubricError(f"{source}: a check lacks {exc}") from None
        if spec.id in seen:
            raise RubricError(f"{source}: check {spec.id} appears twice")
        if spec.kind not in KINDS:
            raise RubricError(f"{source}: check {spec.id} has unknown kind {spec.kind!r}")
        unknown = [f for f in spec.functions if f not in MODULE_OF]
        if unknown or not spec.functions:
            raise RubricError(f"{source}: check {spec.id} grades unknown functions {unknown}")
        seen.add(spec.id)
        specs.append(spec)
    by_id = {spec.id: spec for spec in specs}
    for spec in specs:
        for need in spec.needs:
            if need not in by_id or by_id[need].functions != spec.functions or need == spec.id:
                raise RubricError(f"{source}: check {spec.id} needs {need!r}, which is not another "
                                  "check of the same function")
    return Rubric(tuple(specs))


@lru_cache(maxsize=None)
def load_rubric(path: Path = RUBRIC_FILE) -> Rubric:
    """The rubric from ``path`` (rubric.toml by default)."""
    return parse_rubric(Path(path).read_text(), str(path))
