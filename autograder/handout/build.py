"""`autograder handout OUT`: the student starter repository, ready to push as a Classroom template.

It holds the stubs, a student README, the public checks (handout/public.py) with a pytest file and
`python -m checks`, and GitHub Classroom's workflow (handout/classroom.py). No solutions, no rubric,
no hidden check.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from autograder.build.exercises import render_exercises
from autograder.contract import MODULES
from autograder.engine.grading import GradingError
from autograder.handout.classroom import classroom_workflow
from autograder.handout.public import checks_package, public_specs
from autograder.rubric import load_rubric

TEMPLATES = Path(__file__).parent / "templates"

HAND_IN = """\
- **GitHub Classroom**: commit and push. Every push runs the public checks (the *Actions* tab shows
  them, and Classroom shows their points); your instructor grades everything from your repository.
- **Gradescope**: upload this repository (the GitHub button, or a zip of it): the autograder reads
  `exercises/`. You may also upload just the four files of `exercises/`, or your notebooks.
- Anything else your instructor set up: hand in the `exercises/` folder."""


class HandoutError(GradingError):
    """The handout cannot be written where it was asked for (one line, exit 2)."""


def _readme(title: str) -> str:
    rubric = load_rubric()
    table = "\n".join(f"| `exercises/{module}.py` | " + ", ".join(f"`{f}`" for f in functions) + " |"
                      for module, functions in MODULES.items())
    return (TEMPLATES / "README.md").read_text().format(
        title=title, function_table=table, total_points=rubric.total,
        hidden_count=len(rubric.checks) - len(public_specs()), hand_in=HAND_IN)


def handout_files(title: str = "Dive into Deep Learning, chapters 2-4: exercises") -> dict[str, str]:
    """Relative path -> text of every file of the handout."""
    files = {f"exercises/{name}": text for name, text in render_exercises().items()}
    files.update({f"checks/{name}": text for name, text in checks_package().items()})
    files["tests/test_public_checks.py"] = (TEMPLATES / "test_public_checks.py").read_text()
    files["README.md"] = _readme(title)
    files["requirements.txt"] = (TEMPLATES / "requirements.txt").read_text()
    files["pytest.ini"] = (TEMPLATES / "pytest.ini").read_text()
    files[".gitignore"] = (TEMPLATES / "gitignore").read_text()
    files[".github/workflows/classroom.yml"] = classroom_workflow()
    return files


def write_handout(out: Path, *, force: bool = False, title: str | None = None) -> list[Path]:
    """Write the handout into ``out`` (new or empty, or replaced with ``force``)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise HandoutError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise HandoutError(f"{out} is not empty (pass --force to replace what is in it)")
        for child in out.iterdir():
            if child.name == ".git":
                continue                     # replacing a checked-out template keeps its history
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    files = handout_files(**({"title": title} if title else {}))
    written = []
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
