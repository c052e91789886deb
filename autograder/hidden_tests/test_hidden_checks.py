"""The hidden checks as pytest tests: one test per rubric entry, marked with the functions it grades.

Run only through ``autograder grade`` (engine/grading.py), whose plugin provides the ``grading``
fixture: it runs the check's scenario on the submission and its verdict here, in the trusted
process. ``-m softmax`` selects one exercise's checks.
"""
import pytest

from autograder.rubric import load_rubric


def _params():
    return [pytest.param(spec.id, id=spec.id, marks=[getattr(pytest.mark, f) for f in spec.functions])
            for spec in load_rubric().checks]


@pytest.mark.parametrize("check_id", _params())
def test_hidden_check(check_id, grading):
    grading.check(check_id)
