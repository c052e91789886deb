"""The public checks, one test per exercise function: `pytest`, or `pytest -k softmax`."""
from pathlib import Path

import pytest

from checks import checks_for, load_exercises, run_check

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
CHECKS = checks_for()


@pytest.fixture(scope="session")
def student():
    return load_exercises(EXERCISES)


@pytest.mark.parametrize("public_check", CHECKS, ids=[c["function"] for c in CHECKS])
def test_public_check(student, public_check):
    result = run_check(student, public_check)
    if result.printed.strip():
        print(result.printed)
    if not result.passed:
        pytest.fail(f"{result.check_id}: {result.message}", pytrace=False)
