"""The project's own GitHub workflow runs what CI runs here: the README's `make test`, on a system
that has the Debian packages the grader relies on."""
from __future__ import annotations

import yaml

from tests.support import REPO


def test_the_github_workflow_runs_make_test_with_the_debian_packages():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    [job] = workflow["jobs"].values()
    commands = [step.get("run", "") for step in job["steps"]]
    assert "make test" in [c.strip() for c in commands], commands
    installed = " ".join(commands)
    for package in ("bubblewrap", "dataset-fashion-mnist", "python3-venv", "make"):
        assert package in installed, package
    assert job["container"]["image"].startswith("debian:")
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert "make test" in (REPO / "README.md").read_text()


def test_the_instructor_workflow_proves_the_course_and_builds_what_goes_out():
    """course.yml runs on every change to what students get or are graded by, and its commands
    are real commands of the grader."""
    import shlex

    from click.testing import CliRunner

    from autograder.cli import main

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "course.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]     # YAML 1.1 reads `on` as True
    watched = set(triggers["push"]["paths"])
    assert {"solutions/**", "exercises/**", "autograder/rubric.toml"} <= watched
    [job] = workflow["jobs"].values()
    commands = [line.strip() for step in job["steps"] for line in step.get("run", "").splitlines()]
    grader = [shlex.split(c)[1:] for c in commands if c.startswith(".venv/bin/autograder ")]
    assert [g[0] for g in grader] == ["build-exercises", "selftest", "handout", "gradescope"]
    assert "make install" in commands
    for argv in grader:
        shown = CliRunner().invoke(main, [argv[0], "--help"])
        assert shown.exit_code == 0, shown.output
        for option in [a for a in argv[1:] if a.startswith("--")]:
            assert option in shown.output, (argv, option)
