"""The handout's `checks/` package: the grader's public checks, copied out with what they use.

The scenario and verdict of every `public = true` check in the rubric, the grader's own messages
for a crash (worker/errors.py, engine/hints.py) and the submission object the scenarios call are
extracted (handout/extract.py); runtime/ adds the runner students use (pytest, `python -m checks`,
`check(softmax)` in a notebook). Nothing else of the grader goes into the handout.
"""
from __future__ import annotations

import pprint
from pathlib import Path

from autograder.handout.extract import extract, file_name, render
from autograder.rubric import CheckSpec, load_rubric

RUNTIME = Path(__file__).parent / "runtime"

# What the runner calls besides the checks' own halves.
RUNNER_ROOTS = [
    ("autograder.worker.loader", "StudentCode"),
    ("autograder.worker.loader", "StudentCodeError"),
    ("autograder.worker.execute", "failure_message"),
    ("autograder.worker.execute", "seed_everything"),
    ("autograder.worker.execute", "BoundedOutput"),
    ("autograder.worker.errors", "CURRENT_PACKAGE"),
    ("autograder.worker.errors", "describe_exception"),
    ("autograder.engine.hints", "with_hint"),
    ("autograder.engine.judge", "advised"),
    ("autograder.contract", "MODULES"),
    ("autograder.contract", "MODULE_OF"),
]

# Grader definitions that read the grader's own machinery, replaced by the handout's.
OVERRIDES = {
    ("autograder.verdicts.fashion_data", "_data_root"): '''
def _data_root() -> Path:
    """The torchvision root the student's load_data_fashion_mnist read: the runner records it in
    D2L_DATA while the check runs; else the book's ../data."""
    import os
    return Path(os.environ.get("D2L_DATA") or "../data").expanduser()
''',
}


def public_specs() -> list[CheckSpec]:
    """The rubric's public checks, in rubric order."""
    return [spec for spec in load_rubric().checks if spec.public]


def _halves(spec: CheckSpec) -> tuple[tuple[str, str], tuple[str, str]]:
    from autograder.scenarios import all_scenarios
    from autograder.verdicts import all_verdicts

    scenario, verdict = all_scenarios()[spec.id], all_verdicts()[spec.id]
    return (scenario.__module__, scenario.__name__), (verdict.__module__, verdict.__name__)


def checks_package() -> dict[str, str]:
    """File name -> text of the handout's `checks/` package."""
    specs = public_specs()
    halves = {spec.id: _halves(spec) for spec in specs}
    roots = [half for pair in halves.values() for half in pair] + RUNNER_ROOTS
    files = render(extract(roots, OVERRIDES))
    registry = [{"id": spec.id, "function": spec.functions[0], "title": spec.title,
                 "points": spec.points,
                 "scenario": (file_name(halves[spec.id][0][0])[:-3], halves[spec.id][0][1]),
                 "verdict": (file_name(halves[spec.id][1][0])[:-3], halves[spec.id][1][1])}
                for spec in specs]
    files["_registry.py"] = ('"""The public checks, one per exercise function, in the order of the '
                             'exercises (written by `autograder handout`)."""\n\nCHECKS = '
                             + pprint.pformat(registry, width=100, sort_dicts=False) + "\n")
    for path in sorted(RUNTIME.glob("*.py")):
        files[path.name] = path.read_text()
    return files
