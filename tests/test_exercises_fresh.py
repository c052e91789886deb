"""exercises/ is exactly what solutions/ generates, and keeps the book's public contract."""
import importlib
import inspect

import pytest

from autograder.build.exercises import EXERCISES, SOLUTIONS, render_exercises, strip_solutions
from autograder.contract import MODULES


def test_exercises_match_what_solutions_generate():
    for name, text in render_exercises().items():
        assert (EXERCISES / name).read_text() == text, (
            f"exercises/{name} is stale: run `autograder build-exercises` and commit the result")


@pytest.mark.parametrize("module", MODULES)
def test_every_contract_function_has_a_solution_region(module):
    source = (SOLUTIONS / f"{module}.py").read_text()
    tree_funcs = {name for name, obj in inspect.getmembers(importlib.import_module(f"solutions.{module}"))
                  if inspect.isfunction(obj) or inspect.isclass(obj)}
    for function in MODULES[module]:
        assert function in tree_funcs, f"solutions/{module}.py lacks {function}"
        obj = getattr(importlib.import_module(f"solutions.{module}"), function)
        assert "### BEGIN SOLUTION" in inspect.getsource(obj), f"{function} has no solution region"
    assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION")


@pytest.mark.parametrize("module", MODULES)
def test_stubs_keep_signatures_and_docstrings(module):
    solution = importlib.import_module(f"solutions.{module}")
    stub = importlib.import_module(f"exercises.{module}")
    for function in MODULES[module]:
        s_obj, e_obj = getattr(solution, function), getattr(stub, function)
        assert inspect.signature(s_obj) == inspect.signature(e_obj)
        assert inspect.getdoc(s_obj) and inspect.getdoc(s_obj) == inspect.getdoc(e_obj)
        assert "BEGIN SOLUTION" not in inspect.getsource(e_obj)


def test_stub_functions_raise_not_implemented():
    stub = importlib.import_module("exercises.regularization")
    with pytest.raises(NotImplementedError):
        stub.l2_penalty(None)


def test_strip_solutions_rejects_an_unclosed_region():
    with pytest.raises(RuntimeError):
        strip_solutions("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
