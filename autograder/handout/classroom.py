"""GitHub Classroom's autograding workflow for the handout: one graded step per function.

Each step is Classroom's command grader running that function's public check (`python -m checks
--only NAME`, exit 0 earns the step's points); the grading reporter sums the steps, reading each
step's result from the environment variable ``<STEP ID>_RESULTS``, as Classroom's own generated
workflows do.
"""
from __future__ import annotations

import json

from autograder.handout.public import public_specs

COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
TIMEOUT_MINUTES = 5


def step_id(function: str) -> str:
    """A step id GitHub accepts (letters, digits, '-' and '_') for one function's check."""
    return function.replace(".", "-")


def _quote(text: str) -> str:
    return json.dumps(text)          # a JSON string is a valid YAML double-quoted scalar


def classroom_workflow() -> str:
    """The text of `.github/workflows/classroom.yml`."""
    specs = public_specs()
    lines = [
        "# GitHub Classroom autograding: one step per exercise function, each running that function's",
        "# public check; the reporter adds up the points. Written by `autograder handout`.",
        "name: Autograding Tests",
        "'on':",
        "  - push",
        "  - repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Checkout code",
        "        uses: actions/checkout@v4",
        "      - name: Set up Python",
        "        uses: actions/setup-python@v5",
        "        with:",
        "          python-version: '3.11'",
        "      - name: Install torch (CPU) and pytest",
        "        run: pip install -r requirements.txt --extra-index-url https://download.pytorch.org/whl/cpu",
    ]
    for spec in specs:
        function = spec.functions[0]
        lines += [
            f"      - name: {function}",
            f"        id: {step_id(function)}",
            f"        uses: {COMMAND_GRADER}",
            "        with:",
            f"          test-name: {function}",
            f"          command: {_quote('python -m checks --only ' + function)}",
            f"          timeout: {TIMEOUT_MINUTES}",
            f"          max-score: {spec.points:g}",
        ]
    ids = [step_id(spec.functions[0]) for spec in specs]
    lines += ["      - name: Autograding Reporter",
              f"        uses: {REPORTER}",
              "        env:"]
    lines += [f"          {i.upper()}_RESULTS: \"${{{{steps.{i}.outputs.result}}}}\"" for i in ids]
    lines += ["        with:", f"          runners: {','.join(ids)}"]
    return "\n".join(lines) + "\n"
