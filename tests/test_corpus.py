"""A corpus of realistic student hand-ins, graded through the real engine (issue 9, "Tests").

Each hand-in under ``tests/corpus/<name>/exercises/`` is a plain file as a student hands it in:
the book's own code with its ``d2l`` imports, roots and training cells at top level, the older
Chinese book's idioms, a ``jupyter nbconvert --to script`` export, a script that trains at import,
rebinding of contract names, one bug, disguised library shortcuts, delegation to ``d2l``, one
syntax error, one hanging function. The all-constants hand-in is ``tests/handins/constants``.

For every hand-in the table below gives, per function, the verdict expected:

- ``FULL``: the function loses nothing, neither on its own row nor through any check whose tags
  name it (an end-to-end check included);
- ``0``: its row scores 0;
- a set of check ids: exactly the checks (tagged with the function) it loses;

plus the key phrase each function's messages must hold and the load notes' key phrases. A contract
function the hand-in does not define is expected to score 0. The collateral count (functions that
are correct per the table but lost a point) is computed over the whole corpus and must be 0.

The hand-ins that are the reference but for one function (one bug, disguised shortcuts, one hang)
hold only that function, in ``tests/corpus/<name>/changes/<module>.py``: the submission is the
reference module with it appended (later definitions win), so they keep up with the spec.

Every hand-in is graded once per session (cached by name), with a fixed seed.
"""
from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.contract import MODULE_OF, MODULES
from autograder.engine.grading import grade_submission
from tests.catalogue import mutated_source
from tests.support import SOLUTIONS

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
SEED = 7
FULL = "full"

# The functions of chapters 3-4 the hand-ins below were written for; functions added to the
# contract later (train_ch3 to concise_softmax_net of softmax regression, the activations, the
# concise weight decay and the house-price loop of regularization, model selection, the
# optimizers, chapter 2) are not in them, or only as the book writes them (its train_ch3 and
# predict_ch3 plot and return nothing), and score 0.
LINEAR = list(MODULES["linear_regression"])
SOFTMAX = ["softmax", "cross_entropy", "accuracy", "Accumulator", "evaluate_accuracy",
           "train_epoch_ch3", "get_fashion_mnist_labels", "load_data_fashion_mnist"]
MLP = ["relu", "init_mlp_params", "mlp", "dropout_layer", "init_dropout_mlp_params", "dropout_mlp"]
REGULARIZATION = ["l2_penalty", "l1_loss", "huber_loss", "get_k_fold_data"]


@dataclass
class HandIn:
    path: Path
    runner: str
    expect: dict[str, object]                      # function -> FULL | 0 | set of check ids
    phrases: dict[str, list[str]] = field(default_factory=dict)   # function -> key phrases
    notes: dict[str, list[str]] = field(default_factory=dict)     # module -> load-note phrases
    functions: list[str] | None = None            # None: the whole rubric
    max_seconds: float | None = None
    reference: tuple[str, ...] = ()               # modules handed in as the reference's (changes/)

    def submission(self, build_root: Path) -> Path:
        """The folder to grade: ``path`` itself, or, for a hand-in of ``changes/``, the reference
        modules with the changed definitions appended, built under ``build_root``."""
        changes = self.path / "changes"
        if not changes.is_dir():
            return self.path
        target = build_root / self.path.name
        (target / "exercises").mkdir(parents=True, exist_ok=True)
        for module in self.reference:
            text = (SOLUTIONS / f"{module}.py").read_text()
            change = changes / f"{module}.py"
            if change.is_file():
                text = mutated_source(text, change.read_text())
            (target / "exercises" / f"{module}.py").write_text(text)
        return target


def full(*names: str) -> dict[str, str]:
    return {name: FULL for name in names}


HANDINS: dict[str, HandIn] = {
    # The book's own code (d2l.ai, PyTorch, sections 3.2-3.7, 4.1-4.6, 5.1-5.7 in the new
    # numbering) as a student's study notes hold it: `from d2l import torch as d2l`, the training
    # cells at top level, `root="../data"`, `num_workers=4`, the book's `data_iter` rebound by
    # `data_iter = load_array(...)`. Functions the book does not define under our names
    # (init_mlp_params, mlp, init_dropout_mlp_params with the book's 0.01, dropout_mlp, l1_loss,
    # huber_loss) are written as a student would.
    "book_ch3_ch4": HandIn(
        CORPUS / "book_ch3_ch4", "sandbox",
        expect={**full(*LINEAR, *SOFTMAX, *MLP, *REGULARIZATION),
                # the docstring's pitfall: "exp(89.0) overflows float32 to inf. Subtract each
                # row's maximum first" -- the book's softmax does not
                "softmax": {"softmax.stable"},
                # the book's train_ch3 and predict_ch3 plot and return nothing: nothing to grade
                "train_ch3": 0, "predict_ch3": 0},
        phrases={"softmax": ["subtract the row max"]},
        notes={"linear_regression": ["`data_iter` is rebound at line"],
               "softmax_regression": ["only its imports, definitions and constants were run",
                                      "trains a model at import time"],
               "mlp": ["trains a model at import time"]}),

    # The older book (动手学深度学习 0.x, PyTorch port): sgd via param.data without zeroing (the
    # training loop zeroes), evaluate_accuracy(data_iter, net), l.backward() on the vector of
    # per-example losses, root '~/Datasets/FashionMNIST', no mlp/regularization modules.
    "chinese_notes_old_book": HandIn(
        CORPUS / "chinese_notes_old_book", "sandbox",
        expect={**full("synthetic_data", "data_iter", "linreg", "squared_loss", "cross_entropy",
                       "accuracy", "Accumulator", "get_fashion_mnist_labels",
                       "load_data_fashion_mnist"),
                "sgd": {"sgd.zeroes_grads", "convergence.linear_regression.sgd"},
                "softmax": {"softmax.stable"},
                "evaluate_accuracy": 0, "train_epoch_ch3": 0},
        phrases={"sgd": ["param.grad.zero_()", "older book zeroed the gradients"],
                 "evaluate_accuracy": ["older book's order", "swap the parameters"],
                 "train_epoch_ch3": ["l.sum().backward()", "vector of per-example losses"],
                 "softmax": ["subtract the row max"],
                 "load_array": ["has no `load_array`"]},
        notes={"softmax_regression": ["grader's copy of Fashion-MNIST",
                                      "only its imports, definitions and constants were run"]}),

    # jupyter nbconvert --to script: `# In[3]:`, live get_ipython() lines, display(), ./data.
    "notebook_export": HandIn(
        CORPUS / "notebook_export", "sandbox",
        expect=full(*SOFTMAX, *REGULARIZATION),
        notes={"softmax_regression": ["grader's copy of Fashion-MNIST"]}),

    # Trains ten epochs on the whole of Fashion-MNIST, prints and plt.show()s at import.
    "script_at_import": HandIn(
        CORPUS / "script_at_import", "in-process",
        expect=full(*MLP),
        notes={"mlp": ["only its imports, definitions and constants were run"]}),

    # `data_iter = load_array(...)`, `linreg = net`, `squared_loss = nn.MSELoss()`,
    # `relu = nn.ReLU()`, `mlp = net` at top level after the defs.
    "rebinding": HandIn(
        CORPUS / "rebinding", "in-process",
        expect=full(*LINEAR, "relu", "init_mlp_params", "mlp"),
        notes={"linear_regression": ["`data_iter` is rebound", "`linreg` is rebound",
                                     "`squared_loss` is rebound"],
               "mlp": ["`relu` is rebound", "`mlp` is rebound"]}),

    # The reference everywhere, except cross_entropy without its minus sign.
    "one_bug_each": HandIn(
        CORPUS / "one_bug_each", "in-process", functions=LINEAR + SOFTMAX, reference=tuple(MODULES),
        expect={**full(*LINEAR, *SOFTMAX),
                "cross_entropy": {"cross_entropy.values", "cross_entropy.gradient",
                                  "cross_entropy.from_scratch",
                                  "convergence.softmax_regression.cross_entropy"}},
        phrases={"cross_entropy": ["minus sign"]}),

    # softmax through getattr(torch, "soft" + "max"), relu through exec of a built string.
    "disguised_shortcuts": HandIn(
        CORPUS / "disguised_shortcuts", "in-process", reference=("softmax_regression", "mlp"),
        expect={**full(*MODULES["softmax_regression"], *MODULES["mlp"]), "softmax": 0, "relu": 0},
        phrases={"softmax": ["handed its work to torch.softmax", "softmax calls torch.softmax"],
                 "relu": ["handed its work to torch.relu", "relu calls torch.relu"]}),

    # sgd and load_array hand their work to d2l's own; Accumulator = d2l.Accumulator; the book's
    # evaluate_accuracy built from d2l.Accumulator and d2l.accuracy is the student's own work.
    "d2l_delegation": HandIn(
        CORPUS / "d2l_delegation", "sandbox",
        expect={**full("synthetic_data", "data_iter", "linreg", "squared_loss", "softmax",
                       "cross_entropy", "accuracy", "evaluate_accuracy"),
                "sgd": 0, "load_array": 0, "Accumulator": 0},
        phrases={"sgd": ["handed its work to d2l's own sgd"],
                 "load_array": ["handed its work to d2l's own load_array"],
                 "Accumulator": ["handed its work to d2l's own Accumulator"]}),

    # One missing parenthesis inside l1_loss.
    "syntax_error_one_function": HandIn(
        CORPUS / "syntax_error_one_function", "in-process",
        expect={**full(*REGULARIZATION), "l1_loss": 0},
        phrases={"l1_loss": ["`l1_loss` could not be loaded", "line 21: SyntaxError: '(' was never closed"]},
        notes={"regularization": ["`l1_loss` could not be loaded; the rest of the file was"]}),

    # softmax never returns: only softmax loses, and it costs seconds, not minutes (graded for
    # softmax and cross_entropy only; linear_regression.py is there for sgd, which the
    # end-to-end check of the chapter needs).
    "hanging_one_function": HandIn(
        CORPUS / "hanging_one_function", "sandbox", functions=["softmax", "cross_entropy"],
        reference=("linear_regression", "softmax_regression"),
        expect={"softmax": 0, "cross_entropy": FULL},
        phrases={"softmax": ["timed out after", "softmax hung in softmax.values",
                             "its other checks are not run"]},
        max_seconds=60),

    # Every function returns zeros or constants of the right shapes (shared with
    # test_fair_grading.py): nothing pays.
    "constants": HandIn(
        HERE / "handins" / "constants", "in-process",
        expect={name: 0 for name in MODULE_OF}),
}


# ---------------------------------------------------------------- grading, once per session

@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> dict[str, Path]:
    """name -> the folder graded for that hand-in (built once for the ``changes/`` ones)."""
    root = tmp_path_factory.mktemp("corpus")
    return {name: hand_in.submission(root) for name, hand_in in HANDINS.items()}


@pytest.fixture(scope="module")
def graded(submissions):
    cache: dict[str, tuple[object, float]] = {}

    def get(name: str):
        if name not in cache:
            hand_in = HANDINS[name]
            start = time.perf_counter()
            report = grade_submission(submissions[name], seed=SEED, runner=hand_in.runner,
                                      functions=hand_in.functions)
            cache[name] = report, time.perf_counter() - start
        return cache[name]
    return get


def defined_names(path: Path) -> set[str]:
    """Contract names the hand-in's files define or bind at top level."""
    names = set()
    for module in (path / "exercises").glob("*.py"):
        try:
            tree = ast.parse(module.read_text())
        except SyntaxError:
            names.update(n for n in MODULES.get(module.stem, ()) if f"def {n}(" in module.read_text())
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names & set(MODULE_OF)


def expectations(hand_in: HandIn) -> dict[str, object]:
    """Every function in scope: the table's verdict, or 0 for a function not handed in."""
    scope = hand_in.functions or list(MODULE_OF)
    return {name: hand_in.expect.get(name, 0) for name in scope}


def lost_checks(report, function: str) -> dict[str, str]:
    """check id -> message, for every check tagged with FUNCTION that did not pay in full."""
    return {r.spec.id: r.message for r in report.results
            if function in r.functions and r.score < r.spec.points}


def row_of(report, function: str):
    return next((row for row in report.rows() if row.exercise == function), None)


def mismatches(name: str, report) -> list[str]:
    hand_in = HANDINS[name]
    wrong = []
    for function, verdict in expectations(hand_in).items():
        lost = lost_checks(report, function)
        row = row_of(report, function)
        shown = {cid: msg[:300] for cid, msg in lost.items()}
        if row is None:
            wrong.append(f"{function}: no row in the report")
            continue
        if verdict == FULL:
            if lost or row.score != row.max_score:
                wrong.append(f"{function}: expected full marks, lost {shown}")
        elif verdict == 0:
            if row.score != 0:
                paid = [(r.spec.id, r.score) for r in row.results if r.score > 0]
                wrong.append(f"{function}: expected 0, was paid for {paid}")
        elif set(lost) != verdict:
            wrong.append(f"{function}: expected to lose exactly {sorted(verdict)}, lost {shown}")
        for phrase in hand_in.phrases.get(function, []):
            if not any(phrase in msg for msg in lost.values()):
                wrong.append(f"{function}: no message says {phrase!r}: {shown}")
    for module, phrases in hand_in.notes.items():
        notes = "\n".join(report.load_notes.get(module, []))
        for phrase in phrases:
            if phrase not in notes:
                wrong.append(f"{module}: no load note says {phrase!r}: {notes[:1500]}")
    return wrong


def collateral(name: str, report) -> list[tuple[str, str, float]]:
    """(hand-in, function, points lost) for every function correct per the table that lost."""
    out = []
    for function, verdict in expectations(HANDINS[name]).items():
        if verdict != FULL:
            continue
        lost = sum(r.spec.points - r.score for r in report.results
                   if function in r.functions and r.score < r.spec.points)
        row = row_of(report, function)
        if row is not None:
            lost = max(lost, row.max_score - row.score)
        if lost:
            out.append((name, function, lost))
    return out


# ---------------------------------------------------------------- the tests

def test_the_table_covers_every_function_each_hand_in_defines(submissions):
    for name, hand_in in HANDINS.items():
        scope = set(hand_in.functions or MODULE_OF)
        missing = (defined_names(submissions[name]) & scope) - set(hand_in.expect)
        assert not missing, f"{name}: no verdict for {sorted(missing)}"
        assert set(hand_in.expect) <= scope, name


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HANDINS))
def test_each_hand_in_grades_as_expected(graded, name):
    report, seconds = graded(name)
    wrong = mismatches(name, report)
    assert not wrong, f"{name} (seed {SEED}, {seconds:.0f} s):\n  " + "\n  ".join(wrong)
    limit = HANDINS[name].max_seconds
    if limit is not None:
        assert seconds <= limit, f"{name} took {seconds:.0f} s"


@pytest.mark.slow
def test_the_all_constants_hand_in_scores_zero(graded):
    report, _ = graded("constants")
    assert report.score == 0, [(r.spec.id, r.score) for r in report.results if r.score]


@pytest.mark.slow
def test_one_bug_costs_only_its_own_row(graded):
    report, _ = graded("one_bug_each")
    short = {row.exercise: row.score for row in report.rows() if row.score < row.max_score}
    assert set(short) == {"cross_entropy"}, short
    e2e = next(r for r in report.results if r.spec.id == "convergence.softmax_regression.all")
    assert e2e.passed and "not charged for cross_entropy" in e2e.message, e2e.message


@pytest.mark.slow
def test_collateral_count_over_the_corpus_is_zero(graded):
    lost = [entry for name in HANDINS for entry in collateral(name, graded(name)[0])]
    correct = sum(1 for h in HANDINS.values() for v in expectations(h).values() if v == FULL)
    print(f"\ncollateral count: {len(lost)} of {correct} correct functions lost points "
          f"({sum(p for *_, p in lost):g} points) over {len(HANDINS)} hand-ins: {lost}")
    assert lost == []


@pytest.mark.slow
def test_grading_only_some_functions_charges_no_correct_function_for_a_part_left_out():
    """`autograder grade . --only softmax` (functions=) on a hand-in without linear_regression.py:
    the chapter's end-to-end check is selected (it grades softmax) but sgd's own checks are not,
    so nothing tells the engine that sgd is the missing part; softmax must not be charged for it."""
    report = grade_submission(CORPUS / "notebook_export", seed=SEED, runner="in-process",
                              functions=["softmax"])
    assert lost_checks(report, "softmax") == {}


@pytest.mark.slow
def test_the_books_own_code_loses_only_the_points_of_the_docstrings_stated_pitfalls(graded):
    """The book's softmax skips the max subtraction: softmax's docstring states that pitfall
    ("exp(89.0) overflows float32 to inf. Subtract each row's maximum first"); softmax.stable's
    2 points are the only ones the book's code of chapters 3-4 loses. The hand-in holds no
    chapter 2, no model selection and no optimizers (no preliminaries.py, model_selection.py,
    optimizers.py): every check of those modules scores 0 and says the file is missing; the
    functions added to softmax regression, mlp and regularization since (train_ch3 to
    concise_softmax_net, the activations, train_concise to k_fold) score 0 too: the book's
    train_ch3 and predict_ch3 only plot, and return nothing."""
    report, _ = graded("book_ch3_ch4")
    book = set(LINEAR + SOFTMAX + MLP + REGULARIZATION)
    lost = {r.spec.id: r.spec.points - r.score for r in report.results if r.score < r.spec.points}
    assert {r.spec.id: lost[r.spec.id] for r in report.results
            if r.spec.id in lost and set(r.spec.functions) <= book} == {"softmax.stable": 2}, lost
    absent = [r for r in report.results if not set(r.spec.functions) & book]
    for module in ("preliminaries", "model_selection", "optimizers"):
        files = [r for r in absent if set(r.spec.functions) & set(MODULES[module])]
        assert files and all(r.score == 0 and f"exercises/{module}.py is missing" in r.message
                             for r in files), [(r.spec.id, r.message[:120]) for r in files]
        assert module in report.load_errors
    assert all(r.score == 0 for r in absent)
    assert report.max_score - report.score == 2 + sum(r.spec.points for r in absent)
