"""The public checks of the exercises: one quick check per function, with the grader's messages.

    pytest                               # every check, one test per function
    python -m checks --only softmax      # the checks of softmax, from the shell
    from checks import check; check(softmax)   # in a notebook, after defining softmax

Needs only torch (and pytest for the first form). Written by `autograder handout`: edit the
exercises, not these files.
"""
from .run import Result, check, checks_for, load_exercises, report, run_check, run_checks

__all__ = ["Result", "check", "checks_for", "load_exercises", "report", "run_check", "run_checks"]
