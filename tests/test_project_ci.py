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
