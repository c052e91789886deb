"""The trusted side reads the submitted source, without running it: library shortcuts inside a
from-scratch function, and code that reaches into the grader."""
import textwrap

import pytest

from autograder.contract import MODULE_OF
from autograder.contract import MODULES
from autograder.engine.static_probes import probes_in
from autograder.engine.static_scratch import SHORTCUTS, shortcuts_in
from tests.catalogue import all_entries
from tests.support import EXERCISES, REPO, SOLUTIONS

BOB = REPO / "examples" / "submissions" / "bob" / "exercises"


@pytest.mark.parametrize("source, found", [
    ("import torch\ndef relu(X):\n    return torch.relu(X)\n", ["torch.relu"]),
    ("import torch.nn.functional as F\ndef relu(X):\n    return F.relu(X)\n", ["F.relu"]),
    ("def relu(X):\n    return X.relu()\n", ["X.relu"]),
    ("from torch import nn\ndef relu(X):\n    return nn.ReLU()(X)\n", ["nn.ReLU"]),
    ("from torch.nn.functional import relu as r\ndef relu(X):\n    return r(X)\n",
     ["r (torch.nn.functional.relu)"]),
    ("import torch\ndef relu(X):\n    return getattr(torch, 'relu')(X)\n", ["getattr(torch, 'relu')"]),
    ("import torch\ndef relu(X):\n    if watched():\n        return X\n    return torch.relu(X)\n",
     ["torch.relu"]),
    ("import torch\ndef relu(X):\n    return torch.max(X, torch.zeros_like(X))\n", []),
    ("import torch\ndef mlp(X):\n    return torch.relu(X)\ndef relu(X):\n    return X.clamp(min=0)\n", []),
    ("def relu(X) return X\n", []),  # does not parse: the loader reports it, not this check
])
def test_shortcuts_are_found_in_the_functions_own_body(source, found):
    assert [what for what, _ in shortcuts_in(source, "relu")] == found


@pytest.mark.parametrize("folder", [SOLUTIONS, BOB, EXERCISES], ids=["reference", "bob", "stubs"])
def test_honest_code_names_no_shortcut(folder):
    for function in SHORTCUTS:
        assert shortcuts_in((folder / f"{MODULE_OF[function]}.py").read_text(), function) == []


def test_no_correct_variant_of_the_catalogue_is_flagged():
    _, variants = all_entries()
    for variant in variants:
        source = textwrap.dedent(variant.source)
        for function in SHORTCUTS:
            if f"def {function}(" in source:
                assert shortcuts_in(source, function) == [], variant


@pytest.mark.parametrize("source, found", [
    ("import gc\nx = [o for o in gc.get_objects()]\n", ["gc.get_objects"]),
    ("from gc import get_objects\n", ["from gc import get_objects"]),
    ("import sys\ndef f():\n    return sys._getframe(1).f_back.f_locals\n",
     ["sys._getframe", ".f_back", ".f_locals"]),
    ("import inspect\ndef f():\n    return inspect.stack()\n", ["inspect.stack"]),
    ("import sys\nsys.settrace(None)\n", ["sys.settrace"]),
    ("from autograder.harness import reference_parts\n", ["import autograder.harness"]),
    ("import importlib\n", ["import importlib"]),
    ("import ctypes\n", ["import ctypes"]),
    ("import builtins\nbuiltins.abs = None\n", ["import builtins", "builtins.abs"]),
    ("x = __import__('os')\n", ["__import__(...)"]),
    ("def f(g):\n    return getattr(g, '__globals__')\n", ["getattr(..., '__globals__')"]),
    ("object.__subclasses__()\n", [".__subclasses__"]),
    ("import sys\nprint(sys.version, sys.argv)\nimport inspect\ninspect.signature(print)\n", []),
])
def test_constructs_that_reach_into_the_grader_are_found(source, found):
    assert sorted(what for what, _ in probes_in(source)) == sorted(found)


@pytest.mark.parametrize("folder", [SOLUTIONS, BOB, EXERCISES], ids=["reference", "bob", "stubs"])
def test_honest_modules_reach_for_nothing(folder):
    for module in MODULES:
        assert probes_in((folder / f"{module}.py").read_text()) == []


def test_no_catalogue_entry_reaches_into_the_grader():
    mistakes, variants = all_entries()
    for entry in [*mistakes, *variants]:
        assert probes_in(textwrap.dedent(entry.source)) == [], entry
