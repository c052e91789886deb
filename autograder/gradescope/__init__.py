"""`autograder gradescope`: a Gradescope autograder zip, and the trusted entry point it runs.

``package.py`` builds the zip (setup.sh, run_autograder, a wheel of this grader, Fashion-MNIST and
``gradescope.json``); ``run.py`` grades ``/autograder/submission`` and always writes
``/autograder/results/results.json``.
"""
