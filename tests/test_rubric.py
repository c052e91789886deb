"""The rubric, the scenario registry and the verdict registry name exactly the same checks."""
import pytest

from autograder.contract import FUNCTIONS
from autograder.rubric import RubricError, load_rubric, parse_rubric
from autograder.scenarios import all_scenarios
from autograder.verdicts import all_verdicts


def test_every_check_has_both_halves_and_a_rubric_entry():
    rubric_ids = set(load_rubric().ids)
    assert rubric_ids == set(all_scenarios()), "rubric and scenarios disagree"
    assert rubric_ids == set(all_verdicts()), "rubric and verdicts disagree"


def test_every_exercise_function_is_graded():
    graded = {f for spec in load_rubric().checks for f in spec.functions}
    assert graded == set(FUNCTIONS)


@pytest.mark.parametrize("function", ["softmax", "cross_entropy", "dropout_layer", "relu", "sgd",
                                      "dot", "mv", "mm", "l1_norm", "l2_norm", "frobenius_norm",
                                      "numerical_lim", "sgd_momentum", "rmsprop", "adam",
                                      "sigmoid", "tanh", "xavier_init", "sigmoid_grad", "tanh_grad"])
def test_from_scratch_items_have_a_from_scratch_check(function):
    kinds = {s.kind for s in load_rubric().checks if s.functions == (function,)}
    assert "from_scratch" in kinds


def test_convergence_checks_have_fixed_seeds_and_others_do_not():
    for spec in load_rubric().checks:
        assert (spec.seed is not None) == (spec.kind == "convergence"), spec.id


def test_scenarios_never_import_verdicts():
    import ast
    from pathlib import Path

    import autograder.scenarios as scen
    for path in Path(scen.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                for name in names:
                    assert "verdicts" not in name and not name.startswith("solutions"), f"{path.name} imports {name}"


@pytest.mark.parametrize("text, problem", [
    ('[[check]]\nid = "a"\ntitle = "t"\nfunctions = ["softmax"]\nkind = "numerical"\n', "points"),
    ('[[check]]\nid = "a"\ntitle = "t"\nfunctions = ["nope"]\nkind = "numerical"\npoints = 1\n', "unknown functions"),
    ('[[check]]\nid = "a"\ntitle = "t"\nfunctions = ["relu"]\nkind = "vibes"\npoints = 1\n', "unknown kind"),
])
def test_malformed_rubric_is_rejected_with_a_reason(text, problem):
    with pytest.raises(RubricError, match=problem):
        parse_rubric(text)
