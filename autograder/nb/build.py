"""Build the nbgrader source notebooks, one per chapter, from ``solutions/`` with nbformat.

For every exercise function: a markdown cell explaining it (its docstring, with the notes'
formula), a solution cell (the reference with its ``### BEGIN SOLUTION`` regions, preceded by the
imports it uses, so every solution cell holds complete definitions) and a test cell (visible
asserts, then hidden tests that run the rubric's checks in the kernel) worth the function's
points in the rubric. Each chapter's end-to-end row gets a test cell too, and every notebook ends
with a training cell that plots the curves. The output is deterministic: rebuilding gives the
same bytes.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import nbformat

from autograder.build.exercises import SOLUTIONS
from autograder.contract import MODULES
from autograder.nb.content import FORMULAS, PUBLIC_TESTS, SETUP, TRAINING, TRAINING_INTRO
from autograder.nb.layout import NOTEBOOKS, TITLES, GradedRow, graded_rows, solution_id
from autograder.rubric import Rubric, load_rubric

SCHEMA_VERSION = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
HOW_TO = (
    "**How to work.** Fill in every cell that says `raise NotImplementedError()`, keeping the "
    "names and signatures (they are the book's). Each function is followed by a cell of tests: "
    "run it to check your work. When your notebook is graded, hidden tests run as well: they "
    "compare your functions with torch on new random inputs, check the statistics of the random "
    "ones and train the chapter's models with them; every lost point comes with a message.\n\n"
    "**Only the answer cells are graded.** Put everything a function needs (imports, helpers) in "
    "its own answer cell; code in cells you add yourself is not graded. Do not edit or delete the "
    "other cells: they are restored before grading."
)


class BuildError(Exception):
    """``solutions/`` does not hold what the notebooks need; the message is one line."""


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        meta["points"] = int(points) if float(points).is_integer() else points
    return meta


def _cell(kind: str, source: str, grade_id: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source.rstrip("\n"))
    cell["id"] = grade_id
    cell.metadata["nbgrader"] = _nbgrader(grade_id, **nbgrader)
    if nbgrader.get("locked") and not nbgrader.get("solution"):
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False
    return cell


def _markdown_docstring(doc: str) -> str:
    """A docstring as Markdown: ``>>>`` examples become a code block."""
    out, example = [], []
    for line in inspect.cleandoc(doc).splitlines():
        if line.startswith((">>>", "...")):
            example.append(line[4:] if len(line) > 3 else "")
            continue
        out.append(line)
    text = "\n".join(out).strip()
    if example:
        text += "\n\nFor example:\n\n```python\n" + "\n".join(example) + "\n```"
    return text


def _signature(node: ast.FunctionDef | ast.ClassDef) -> str:
    if isinstance(node, ast.ClassDef):
        init = next((n for n in node.body
                     if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        args = ast.unparse(init.args).removeprefix("self").lstrip(", ") if init else ""
        return f"{node.name}({args})"
    return f"{node.name}({ast.unparse(node.args)})"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


class SolutionModule:
    """One module of ``solutions/``: its docstring, imports and top-level definitions."""

    def __init__(self, path: Path):
        try:
            self.text = path.read_text()
            self.tree = ast.parse(self.text)
        except (OSError, SyntaxError) as exc:
            raise BuildError(f"{path} cannot be read as Python ({exc})") from None
        self.path = path
        self.doc = ast.get_docstring(self.tree) or ""
        self.imports = [n for n in self.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        self.defs = {n.name: n for n in self.tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}

    def node(self, name: str) -> ast.FunctionDef | ast.ClassDef:
        if name not in self.defs:
            raise BuildError(f"{self.path} does not define {name}")
        return self.defs[name]

    def segment(self, node: ast.stmt) -> str:
        """The lines of a top-level definition, with its trailing comments (``### END SOLUTION``,
        which the syntax tree leaves out), up to the next top-level statement."""
        lines = self.text.splitlines()
        following = [n.lineno for n in self.tree.body if n.lineno > node.lineno]
        end = (min(following) - 1) if following else len(lines)
        chunk = lines[node.lineno - 1:end]
        while len(chunk) > node.end_lineno - node.lineno + 1 and not chunk[-1].startswith((" ", "\t")):
            chunk.pop()  # blank lines and top-level comments before the next definition
        return "\n".join(chunk)

    def solution_source(self, name: str) -> str:
        """The definition of ``name``, preceded by the imports it uses."""
        node = self.node(name)
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        imports = [ast.get_source_segment(self.text, imp) for imp in self.imports
                   if {(a.asname or a.name).split(".")[0] for a in imp.names} & used]
        body = self.segment(node)
        if "### BEGIN SOLUTION" not in body:
            raise BuildError(f"{self.path}: {name} has no ### BEGIN SOLUTION region")
        return ("\n".join(imports) + "\n\n\n" if imports else "") + body


def _function_cells(module: SolutionModule, name: str, row: GradedRow | None) -> list:
    node = module.node(name)
    doc = ast.get_docstring(node) or ""
    paragraphs = _markdown_docstring(doc).split("\n\n", 1)
    title = f"## `{_signature(node)}`" + (f" ({_points(row.points)})" if row else "")
    parts = [title, paragraphs[0]]
    if name in FORMULAS:
        parts.append(f"$$\n{FORMULAS[name]}\n$$")
    if len(paragraphs) > 1:
        parts.append(paragraphs[1])
    cells = [_cell("markdown", "\n\n".join(parts), f"describe_{name}", locked=True),
             _cell("code", module.solution_source(name), solution_id(name), solution=True)]
    if row is not None:
        cells.append(_test_cell(row, PUBLIC_TESTS.get(name, "")))
    return cells


def _test_cell(row: GradedRow, public: str) -> nbformat.NotebookNode:
    what = f"`{row.function}`" if row.function else row.row
    head = (f"# Tests of {what} ({_points(row.points)}): the visible ones below; hidden ones run "
            "when your notebook is graded." if public else
            f"# Tests of {what} ({_points(row.points)}): hidden, they run when your notebook is graded.")
    hidden = ("### BEGIN HIDDEN TESTS\n"
              "from autograder.nb.kernel_checks import check_row\n"
              f'check_row(globals(), "{row.row}")\n'
              "### END HIDDEN TESTS")
    source = "\n".join(part for part in (head, public, hidden) if part)
    return _cell("code", source, row.grade_id, grade=True, locked=True, points=row.points)


def _end_to_end_cells(row: GradedRow) -> list:
    chapter = row.row.removesuffix(" (end to end)")
    checks = "\n".join(f"- {spec.title} ({_points(spec.points)})" for spec in row.checks)
    text = (f"## End to end: {chapter.replace('_', ' ')} ({_points(row.points)})\n\n"
            "The hidden tests train the chapter's model with all your functions together, as the "
            f"book does, and judge the result:\n\n{checks}")
    return [_cell("markdown", text, f"describe_{row.grade_id.removeprefix('test_')}", locked=True),
            _test_cell(row, "")]


def render_notebook(notebook: str, solutions: Path = SOLUTIONS, rubric: Rubric | None = None) -> str:
    """The source notebook of one chapter, as the JSON text written to disk."""
    rubric = rubric or load_rubric()
    module = SolutionModule(Path(solutions) / f"{notebook}.py")
    rows = graded_rows(notebook, rubric)
    by_function = {row.function: row for row in rows if row.function}
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    intro = f"# {TITLES[notebook]}\n\n{module.doc.strip()}\n\n{HOW_TO}"
    nb.cells = [_cell("markdown", intro, "intro", locked=True),
                _cell("code", SETUP, "setup", locked=True)]
    for name in MODULES[notebook]:
        nb.cells += _function_cells(module, name, by_function.get(name))
    for row in rows:
        if row.function is None:
            nb.cells += _end_to_end_cells(row)
    nb.cells += [_cell("markdown", "## Training\n\n" + TRAINING_INTRO[notebook], "training_intro",
                       locked=True),
                 _cell("code", TRAINING[notebook], "training", locked=True)]
    nbformat.validate(nb)
    return nbformat.writes(nb, version=4) + "\n"


def build_notebooks(target: Path, solutions: Path = SOLUTIONS,
                    rubric: Rubric | None = None) -> list[Path]:
    """Write every chapter's source notebook into ``target``; returns the paths written."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in NOTEBOOKS:
        path = target / f"{notebook}.ipynb"
        path.write_text(render_notebook(notebook, solutions, rubric), encoding="utf-8")
        written.append(path)
    return written
