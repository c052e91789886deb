"""`autograder handout`: the student repository holds the stubs and the public checks, and leaks
nothing of the solutions, the rubric or the hidden checks; its checks say what `autograder check`
says."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.handout.build import handout_files, write_handout
from autograder.rubric import RUBRIC_FILE, load_rubric
from autograder.scenarios import all_scenarios
from autograder.verdicts import all_verdicts
from tests.support import EXERCISES, SOLUTIONS, data_root

PUBLIC = [spec for spec in load_rubric().checks if spec.public]
HIDDEN = [spec for spec in load_rubric().checks if not spec.public]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return handout_files()


def _bodies(tree: ast.AST) -> dict[str, str]:
    """Qualified name -> dump of the body (docstring left out) of every function in ``tree``."""
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    body = child.body
                    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                        body = body[1:]
                    found[name] = ast.dump(ast.Module(body=body, type_ignores=[]))
                visit(child, name + ".")
    visit(tree, "")
    return found


def test_no_function_body_of_the_solutions_is_in_the_handout(files):
    solution_bodies = {}
    for path in SOLUTIONS.glob("*.py"):
        for name, body in _bodies(ast.parse(path.read_text())).items():
            solution_bodies[body] = f"{path.name}:{name}"
    assert len(solution_bodies) >= 27, solution_bodies.values()   # every graded function, at least
    for path in EXERCISES.glob("*.py"):       # code the stubs give (the book's own f, say) is no answer
        for body in _bodies(ast.parse(path.read_text())).values():
            solution_bodies.pop(body, None)
    leaked = [f"{path}:{name} -> {solution_bodies[body]}" for path, text in files.items()
              if path.endswith(".py")
              for name, body in _bodies(ast.parse(text)).items() if body in solution_bodies]
    assert not leaked, leaked


def test_no_hidden_check_id_verdict_or_input_is_in_the_handout(files):
    from autograder.contract import SIGNATURES

    text = "\n".join(files.values())
    ids = [spec.id for spec in HIDDEN if spec.id not in SIGNATURES]   # Accumulator.reset is a name
    assert len(ids) > 60
    assert not [i for i in ids if i in text]
    # A hidden check's halves are absent from the handout's copy of their module, unless a public
    # check runs the very same function.
    scenarios, verdicts = all_scenarios(), all_verdicts()
    public_halves = {id(h[spec.id]) for spec in PUBLIC for h in (scenarios, verdicts)}
    present = []
    for spec in HIDDEN:
        for half in (scenarios[spec.id], verdicts[spec.id]):
            if id(half) in public_halves:
                continue
            copied = files.get("checks/_" + half.__module__.removeprefix("autograder.").replace(".", "_") + ".py", "")
            if copied and half.__name__ in {n.name for n in ast.parse(copied).body
                                            if isinstance(n, (ast.FunctionDef, ast.ClassDef))}:
                present.append(f"{spec.id}: {half.__module__}.{half.__name__}")
    assert not present, present
    # Nor the inputs only hidden checks use (softmax's overflow case, the gradients' upstreams).
    for generator in ("softmax_large", "softmax_grad_input", "upstream"):
        assert f"def {generator}(" not in text, generator
    # Nor the rubric, the pass marks or the training recipes.
    rubric_ids = {c["id"] for c in tomllib.loads(RUBRIC_FILE.read_text())["check"]}
    assert "[[check]]" not in text and "needs =" not in text
    assert not [p for p in files if Path(p).suffix == ".toml"]
    assert "recipes" not in " ".join(files) and "thresholds" not in text
    assert rubric_ids  # the rubric is read, so an empty one cannot pass this silently


def test_the_checks_import_only_torch_numpy_and_the_standard_library(files):
    allowed = set(sys.stdlib_module_names) | {"torch", "numpy", "pytest", "checks"}
    seen = set()
    for path, text in files.items():
        if not path.endswith(".py") or path.startswith("exercises/"):
            continue
        tree = ast.parse(text, feature_version=(3, 10))       # the README promises Python 3.10
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                seen |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                seen.add((node.module or "").split(".")[0])
    assert seen - allowed == set(), seen - allowed
    assert "autograder" not in seen and "torch" in seen


def test_the_handout_has_the_stubs_the_readme_and_one_public_check_per_function(files):
    from autograder.contract import FUNCTIONS

    assert {p for p in files if p.startswith("exercises/")} == \
        {f"exercises/{p.name}" for p in EXERCISES.glob("*.py")}
    for path in EXERCISES.glob("*.py"):
        assert files[f"exercises/{path.name}"] == path.read_text()
    registry = ast.literal_eval(files["checks/_registry.py"].split("CHECKS = ", 1)[1])
    assert [c["function"] for c in registry] == list(FUNCTIONS)
    assert [c["id"] for c in registry] == [spec.id for spec in PUBLIC]
    readme = files["README.md"]
    for phrase in ("pytest", "python -m checks --only softmax", "check(softmax)", "Hand in",
                   "GitHub Classroom", "Gradescope", "requirements.txt"):
        assert phrase in readme, phrase
    assert set(files["requirements.txt"].split()) == {"torch", "torchvision", "pytest"}


def test_handout_command_refuses_a_folder_in_use_and_force_keeps_git(tmp_path):
    runner = CliRunner()
    out = tmp_path / "repo"
    first = runner.invoke(main, ["handout", str(out)])
    assert first.exit_code == 0, first.output
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "stale.txt").write_text("old")
    again = runner.invoke(main, ["handout", str(out)])
    assert again.exit_code == 2
    assert "not empty" in again.output and "Traceback" not in again.output
    forced = runner.invoke(main, ["handout", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / ".git" / "HEAD").read_text().startswith("ref:")
    assert not (out / "stale.txt").exists() and (out / "checks" / "run.py").is_file()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert runner.invoke(main, ["handout", str(not_a_dir)]).exit_code == 2


# ---------------------------------------------------------------- running the handout's checks

def _handout(tmp_path: Path, exercises: dict[str, Path] | None = None) -> Path:
    """A handout in tmp_path/handout, its exercises/ replaced module by module, and ../data
    holding the grader's Fashion-MNIST (where the book's loader looks)."""
    out = tmp_path / "handout"
    write_handout(out)
    for module, source in (exercises or {}).items():
        (out / "exercises" / f"{module}.py").write_text(source.read_text())
    data = tmp_path / "data"
    if not data.exists():
        data.symlink_to(data_root())
    return out


# One process for every submission: torch is imported once, each folder's modules are fresh.
HANDOUT_MESSAGES = """
import json, sys
from checks import checks_for, load_exercises, run_check
messages = {}
for folder in sys.argv[1:]:
    student = load_exercises(folder)
    messages[folder] = {c["id"]: run_check(student, c).message for c in checks_for()}
print(json.dumps(messages))
"""


def _run_in_handout(handout: Path, script: str, *args: str, env: dict | None = None,
                    timeout: int = 900):
    """Run ``script`` with ``args`` by the test's Python in the handout folder; the JSON it prints
    on its last line."""
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=handout, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mistake_rounds():
    """Submissions holding one catalogue mistake per function at a time: round k takes each
    function's k-th mistake (their public checks isolate the function, so they do not mix)."""
    from tests.catalogue import all_entries

    mistakes, _ = all_entries()
    by_function: dict[str, list] = {}
    for mistake in mistakes:
        by_function.setdefault(mistake.function, []).append(mistake)
    rounds = max(len(v) for v in by_function.values())
    return [[v[k] for v in by_function.values() if k < len(v)] for k in range(rounds)]


@pytest.mark.slow
def test_the_public_checks_say_what_autograder_check_says(tmp_path):
    """Same submission, same seed: the handout's messages equal the grader's, for the reference,
    the stubs and every catalogue mistake (a crash, a wrong value, a wrong signature, ...)."""
    from tests.catalogue import mutated_source
    from tests.support import copy_solutions, judge_checks

    handout = _handout(tmp_path)
    public_ids = [spec.id for spec in PUBLIC]
    submissions = {"stubs": EXERCISES.parent}
    for k, round_ in enumerate(_mistake_rounds()):
        folder = copy_solutions(tmp_path / f"round{k}")
        for mistake in round_:
            path = folder / "exercises" / f"{mistake.module}.py"
            path.write_text(mutated_source(path.read_text(), mistake.source))
        submissions[f"round{k}"] = folder
    packages = {name: str(folder / "exercises") for name, folder in submissions.items()}
    handout_messages = _run_in_handout(handout, HANDOUT_MESSAGES, *packages.values(), timeout=1200)
    compared = failed = 0
    for name, folder in submissions.items():
        grader = judge_checks(folder, public_ids, seed=0)
        ours = handout_messages[packages[name]]
        for check_id in public_ids:
            passed, message = grader[check_id]
            assert ours[check_id] == ("" if passed else message), \
                f"{name} {check_id}:\n handout: {ours[check_id]}\n grader:  {message}"
            compared += 1
            failed += not passed
    n = len(PUBLIC)
    assert compared >= n * 4 and failed >= n + 20, (compared, failed)


CLASSROOM_STEPS = """
import contextlib, io, json, sys
from checks.__main__ import main
outcomes = []
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    outcomes.append([code, out.getvalue()])
print(json.dumps(outcomes))
"""


@pytest.mark.slow
def test_classroom_workflow_is_valid_and_its_steps_run_the_checks_as_written(tmp_path):
    import os
    import shlex
    from concurrent.futures import ThreadPoolExecutor

    import yaml

    from autograder.contract import MODULE_OF

    solved = {"linear_regression", "mlp"}           # the other two modules stay stubs
    handout = _handout(tmp_path, {m: SOLUTIONS / f"{m}.py" for m in solved})
    workflow = yaml.safe_load((handout / ".github" / "workflows" / "classroom.yml").read_text())
    assert set(workflow["on"]) == {"push", "repository_dispatch"}
    assert workflow["permissions"]["checks"] == "write"
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader@")]
    [reporter] = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-grading-reporter@")]
    assert [s["with"]["test-name"] for s in graders] == [spec.functions[0] for spec in PUBLIC]
    assert [float(s["with"]["max-score"]) for s in graders] == [spec.points for spec in PUBLIC]
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    for s in graders:
        assert reporter["env"][f"{s['id'].upper()}_RESULTS"] == f"${{{{steps.{s['id']}.outputs.result}}}}"
        assert 0 < int(s["with"]["timeout"]) <= 10
    install = " ".join(s.get("run", "") for s in steps)
    assert "pip install -r requirements.txt" in install
    assert steps.index(reporter) == len(steps) - 1

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for step in graders:   # every command is `python -m checks --only <its function>`
        assert shlex.split(step["with"]["command"]) == \
            ["python", "-m", "checks", "--only", step["with"]["test-name"]], step

    def run(step):
        done = subprocess.run(shlex.split(step["with"]["command"]), cwd=handout, env=env,
                              capture_output=True, text=True, timeout=300)
        return step["with"]["test-name"], done.returncode, done.stdout

    # The first step of each module runs as written, in its own process; the others run through
    # the same entry point (checks.__main__.main with the command's arguments) in one process,
    # so that torch is imported once rather than once per function.
    first = {MODULE_OF[s["with"]["test-name"]]: s for s in reversed(graders)}
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(run, first.values()))
    rest = [s for s in graders if s not in first.values()]
    arguments = json.dumps([shlex.split(s["with"]["command"])[3:] for s in rest])
    outcomes += [(s["with"]["test-name"], code, output) for s, (code, output)
                 in zip(rest, _run_in_handout(handout, CLASSROOM_STEPS, arguments, env=env))]
    assert len(outcomes) == len(graders)
    for function, code, output in outcomes:
        expected = 0 if MODULE_OF[function] in solved else 1
        assert code == expected, f"{function}: exit {code}\n{output}"
        assert output.strip().splitlines()[-1] == f"public checks: {1 - expected} of 1 passed", output


@pytest.mark.slow
def test_check_on_a_function_defined_in_a_notebook(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    handout = _handout(tmp_path)
    cells = [
        "import torch\nfrom checks import check",
        "def softmax(X):\n    X_exp = torch.exp(X)\n    return X_exp / X_exp.sum(1)",
        "ok_softmax = check(softmax)",
        "def accuracy(y_hat, y):\n    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:\n"
        "        y_hat = y_hat.argmax(axis=1)\n    cmp = y_hat.type(y.dtype) == y\n"
        "    return float(cmp.type(y.dtype).sum())\n\n"
        "class Accumulator:\n    def __init__(self, n):\n        self.data = [0.0] * n\n"
        "    def add(self, *args):\n        self.data = [a + float(b) for a, b in zip(self.data, args)]\n"
        "    def __getitem__(self, idx):\n        return self.data[idx]\n\n"
        "def evaluate_accuracy(net, data_iter):\n    metric = Accumulator(2)\n"
        "    with torch.no_grad():\n        for X, y in data_iter:\n"
        "            metric.add(accuracy(net(X), y), y.numel())\n    return metric[0] / metric[1]",
        "ok_eval = check(evaluate_accuracy)",
        "def relu(X):\n    return X.shape",
        "ok_relu = check(relu)",
        "print('verdicts', ok_softmax, ok_eval, ok_relu)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(handout)}}).execute()
    text = ["".join(o.get("text", "") for o in cell.get("outputs", [])) for cell in nb.cells]
    assert "softmax forgot keepdim=True" in text[2], text[2]
    assert "public checks: 0 of 1 passed" in text[2]
    assert "evaluate_accuracy  2/2  passed" in text[4], text[4]
    assert "returned a list, expected a tensor of shape (7,)" in text[6], text[6]
    assert text[7].strip() == "verdicts False True False"


def _requirement_closure(names: list[str]) -> set[str]:
    """The installed distributions ``names`` need: their requirements for this platform, extras
    left out, as pip would install them."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name not in seen:
            seen.add(name)
            for text in distribution(name).requires or []:
                requirement = Requirement(text)
                if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                    todo.append(requirement.name)
    return seen


def _venv_with_only(tmp_path: Path, names: list[str]) -> Path:
    """A new venv whose site-packages holds ``names`` and their requirements and nothing else,
    linked from this one (this torch is the CUDA build: pip would copy gigabytes again)."""
    from importlib.metadata import distribution

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    for name in _requirement_closure(names):
        dist = distribution(name)
        for top in {f.parts[0] for f in dist.files or [] if f.parts[0] != ".."}:
            if not (site / top).exists():
                (site / top).symlink_to(Path(dist.locate_file(top)).resolve())
    return venv / "bin" / "python"


@pytest.mark.slow
def test_public_checks_run_in_a_fresh_venv_with_only_torch_and_pytest(tmp_path):
    """No grader installed: the solutions pass every public check and the stubs fail every one,
    through pytest and through `python -m checks`."""
    py = _venv_with_only(tmp_path, ["torch", "torchvision", "pytest"])
    listed = subprocess.run([str(py), "-c", "import importlib.metadata as m; "
                             "print('\\n'.join(d.metadata['Name'] for d in m.distributions()))"],
                            cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    names = {line.strip().lower() for line in listed.splitlines()}
    assert {"torch", "pytest"} <= names, names
    for absent in ("d2l-autograder", "nbgrader", "safetensors", "click", "rich", "matplotlib", "bleach"):
        assert absent not in names, absent

    handout = _handout(tmp_path)
    stubs = subprocess.run([str(py), "-m", "pytest", "-q"], cwd=handout, capture_output=True,
                           text=True, timeout=600)
    assert stubs.returncode == 1 and f"{len(PUBLIC)} failed" in stubs.stdout, stubs.stdout[-2000:]
    assert "is not implemented yet" in stubs.stdout

    for path in SOLUTIONS.glob("*.py"):
        if path.name != "__init__.py":
            (handout / "exercises" / path.name).write_text(path.read_text())
    solved = subprocess.run([str(py), "-m", "pytest", "-q"], cwd=handout, capture_output=True,
                            text=True, timeout=600)
    assert solved.returncode == 0 and f"{len(PUBLIC)} passed" in solved.stdout, solved.stdout[-3000:]
    table = subprocess.run([str(py), "-m", "checks"], cwd=handout, capture_output=True, text=True,
                           timeout=600)
    assert table.returncode == 0, table.stdout[-2000:]
    assert table.stdout.strip().splitlines()[-1] == f"public checks: {len(PUBLIC)} of {len(PUBLIC)} passed"
    usage = subprocess.run([str(py), "-m", "checks", "--only", "nope"], cwd=handout,
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


@pytest.mark.slow
def test_selftest_passes_on_the_course_and_fails_when_the_reference_is_broken(tmp_path):
    from autograder.handout.selftest import run_selftest

    assert run_selftest(sandboxed=False, echo=lambda line: None) == []
    problems = run_selftest(sandboxed=False, echo=lambda line: None, solutions=EXERCISES)
    assert any("the reference loses points" in p for p in problems), problems
    assert any("public checks fail on the reference" in p for p in problems), problems


def test_extract_copies_what_a_function_reaches_and_nothing_else():
    from autograder.handout.extract import ExtractionError, extract, render

    files = render(extract([("autograder.verdicts.expect", "show")]))
    assert list(files) == ["_verdicts_expect.py"]
    tree = ast.parse(files["_verdicts_expect.py"])
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert defined == {"show", "_fmt_nested", "_fmt_scalar"}, defined
    # Across modules, with the grader's imports made relative and registration dropped:
    files = render(extract([("autograder.verdicts.regularization", "l2_penalty_values")]))
    text = files["_verdicts_regularization.py"]
    assert "@verdict" not in text and "from ._verdicts_registry import Fail" in text
    assert "def l1_loss_values" not in text and "autograder." not in text.split('"""', 2)[2]
    assert "def weights(" in files["_inputs_regularization.py"]
    overridden = render(extract([("autograder.verdicts.expect", "show")],
                                {("autograder.verdicts.expect", "show"): "def show(v):\n    return str(v)\n"}))
    assert "_fmt_nested" not in overridden["_verdicts_expect.py"]
    with pytest.raises(ExtractionError):
        extract([("autograder.verdicts.expect", "no_such_name")])
