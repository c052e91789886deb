"""The trusted side reads a from-scratch function's own source for library shortcuts."""
import textwrap

import pytest

from autograder.contract import MODULE_OF
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
