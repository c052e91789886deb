"""The book's habits grade as written (issue 9, part 5).

Real hand-ins import the book's ``d2l`` (``from d2l import torch as d2l``, ``import d2l.torch``),
load Fashion-MNIST from a root of their own machine with ``download=True``, and rebind a contract
name after its ``def`` (the book's ``data_iter = load_array(...)``). Each shape below is the
reference solution with the book's code put in, graded through the real engine: the functions
keep their full marks, and the load notes say what the grader did about it.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
import torch

from autograder.engine.grading import grade_submission
from autograder.engine.hints import HINTS
from autograder.rubric import load_rubric
from autograder.worker import book_data
from autograder.worker.loader import BOOK_DIR, load_student_code, unload_student_code
from autograder.worker.rebinding import restore_rebound
from tests.support import copy_solutions, data_root

NOTE = "is read from the grader's copy of Fashion-MNIST (nothing is downloaded)"


def checks_only():
    """The rubric without the end-to-end training runs (they grade several functions at once)."""
    rubric = load_rubric()
    return rubric.select(kinds={s.kind for s in rubric.checks} - {"convergence"})


def marks(report) -> dict[str, tuple[float, float]]:
    return {row.exercise: (row.score, row.max_score) for row in report.rows()}


def assert_full_marks(report, functions) -> None:
    got = marks(report)
    for name in functions:
        assert name in got and got[name][0] == got[name][1] > 0, (name, got, report.load_notes, [
            (r.spec.id, r.message) for r in report.results if not r.passed])


def line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker} not in {path}")


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text() + "\n\n" + textwrap.dedent(code).lstrip("\n"))


# --- the book's code, as students hand it in ---------------------------------------------------

SOFTMAX_BOOK = '''
from d2l import torch as d2l

d2l.use_svg_display()


def evaluate_accuracy(net, data_iter):  #@save
    """Compute the accuracy for a model on a dataset."""
    if isinstance(net, torch.nn.Module):
        net.eval()  # Set the model to evaluation mode
    metric = d2l.Accumulator(2)  # No. of correct predictions, no. of predictions
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(d2l.accuracy(net(X), y), d2l.size(y))
    return metric[0] / metric[1]


def train_epoch_ch3(net, train_iter, loss, updater):  #@save
    """The training loop defined in Chapter 3."""
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = d2l.Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), d2l.accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def load_data_fashion_mnist(batch_size, resize=None):  #@save
    """Download the Fashion-MNIST dataset and then load it into memory."""
    trans = [transforms.ToTensor()]
    if resize:
        trans.insert(0, transforms.Resize(resize))
    trans = transforms.Compose(trans)
    mnist_train = torchvision.datasets.FashionMNIST(
        root="./data", train=True, transform=trans, download=True)
    mnist_test = torchvision.datasets.FashionMNIST(
        root="~/Datasets/FashionMNIST", train=False, transform=trans, download=False)
    return (data.DataLoader(mnist_train, batch_size, shuffle=True,
                            num_workers=d2l.get_dataloader_workers()),
            data.DataLoader(mnist_test, batch_size, shuffle=False,
                            num_workers=d2l.get_dataloader_workers()))


batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
X, y = next(iter(d2l.load_array((torch.zeros(4, 784), torch.zeros(4)), 2)))
d2l.show_images(X.reshape(2, 28, 28), 1, 2, titles=d2l.get_fashion_mnist_labels(y))
d2l.plt.show()
'''

LINEAR_BOOK = '''
from d2l import torch as d2l

true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000)
d2l.set_figsize()
d2l.plt.scatter(d2l.numpy(features[:, 1]), d2l.numpy(labels), 1)

batch_size = 10
data_iter = load_array((features, labels), batch_size)  # <rebind>
next(iter(data_iter))
'''

MLP_BOOK = '''
import d2l.torch as d2l


def mlp(X, params):
    W1, b1, W2, b2 = params
    X = d2l.reshape(X, (-1, W1.shape[0]))
    H = relu(d2l.matmul(X, W1) + b1)  # Here '@' stands for matrix multiplication
    return d2l.matmul(H, W2) + b2
'''

REGULARIZATION_BOOK = '''
import d2l.torch


def l2_penalty(w):
    return d2l.torch.reduce_sum(w.pow(2)) / 2
'''


@pytest.fixture(scope="module")
def book_hand_in(tmp_path_factory):
    """One hand-in in the book's style, graded once through the sandboxed worker."""
    sub = copy_solutions(tmp_path_factory.mktemp("book") / "student")
    pkg = sub / "exercises"
    append(pkg / "softmax_regression.py", SOFTMAX_BOOK)
    append(pkg / "linear_regression.py", LINEAR_BOOK)
    append(pkg / "mlp.py", MLP_BOOK)
    append(pkg / "regularization.py", REGULARIZATION_BOOK)
    report = grade_submission(sub, seed=9, runner="sandbox", rubric=checks_only(), functions={
        "evaluate_accuracy", "train_epoch_ch3", "load_data_fashion_mnist", "data_iter", "mlp",
        "l2_penalty"})
    return sub, report


def test_functions_that_use_the_books_d2l_keep_their_marks(book_hand_in):
    _, report = book_hand_in
    assert report.sandboxed and not report.load_errors, report.load_errors
    assert_full_marks(report, ["evaluate_accuracy", "train_epoch_ch3", "mlp", "l2_penalty"])
    for module in ("softmax_regression", "linear_regression", "mlp", "regularization"):
        notes = report.load_notes.get(module, [])
        assert not any("d2l" in n and ("failed" in n or "not available" in n) for n in notes), notes
        assert not any("took longer" in n for n in notes), notes   # the plain import ran


def test_any_fashion_mnist_root_reads_the_graders_copy_in_the_sandbox(book_hand_in):
    _, report = book_hand_in
    assert_full_marks(report, ["load_data_fashion_mnist"])
    assert {r.spec.id for r in report.results if "load_data_fashion_mnist" in r.spec.functions} >= {
        "load_data_fashion_mnist.batches", "load_data_fashion_mnist.resize"}
    notes = report.load_notes["softmax_regression"]
    assert f"load_data_fashion_mnist: root './data' {NOTE}" in notes, notes
    assert f"load_data_fashion_mnist: root '~/Datasets/FashionMNIST' {NOTE}" in notes, notes


def test_a_rebound_contract_name_grades_the_function_defined(book_hand_in):
    sub, report = book_hand_in
    assert_full_marks(report, ["data_iter"])
    path = sub / "exercises" / "linear_regression.py"
    rebound, defined = line_of(path, "# <rebind>"), line_of(path, "def data_iter(")
    assert (f"`data_iter` is rebound at line {rebound} (`data_iter = load_array(...)`); graded the "
            f"function defined at line {defined}") in report.load_notes["linear_regression"]


@pytest.fixture(scope="module")
def absolute_roots(tmp_path_factory):
    sub = copy_solutions(tmp_path_factory.mktemp("roots") / "student")
    append(sub / "exercises" / "softmax_regression.py", '''
        DATA_ROOT = "/home/me/data"


        def load_data_fashion_mnist(batch_size, resize=None):
            trans = [transforms.ToTensor()]
            if resize:
                trans.insert(0, transforms.Resize(resize))
            trans = transforms.Compose(trans)
            mnist_train = torchvision.datasets.FashionMNIST(
                "/Users/ann/datasets", train=True, transform=trans, download=False)
            mnist_test = torchvision.datasets.FashionMNIST(
                root=DATA_ROOT, train=False, transform=trans, download=True)
            return (data.DataLoader(mnist_train, batch_size, shuffle=True),
                    data.DataLoader(mnist_test, batch_size, shuffle=False))
        ''')
    return grade_submission(sub, seed=10, runner="sandbox", rubric=checks_only(),
                            functions={"load_data_fashion_mnist"})


def test_absolute_roots_with_or_without_download_read_the_graders_copy(absolute_roots):
    report = absolute_roots
    assert_full_marks(report, ["load_data_fashion_mnist"])
    notes = report.load_notes["softmax_regression"]
    assert f"load_data_fashion_mnist: root '/Users/ann/datasets' {NOTE}" in notes, notes
    assert f"load_data_fashion_mnist: root `DATA_ROOT` {NOTE}" in notes, notes


def test_rebinding_in_process_names_the_line_and_keeps_the_class(tmp_path):
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "softmax_regression.py"
    append(path, '''
        from d2l import torch as d2l

        Accumulator = d2l.Accumulator  # <class>
        try:
            from d2l.torch import accuracy  # <import>
        except ImportError:
            pass
        ''')
    report = grade_submission(sub, seed=4, runner="in-process", rubric=checks_only(),
                              functions={"Accumulator", "accuracy"})
    assert_full_marks(report, ["Accumulator", "accuracy"])
    notes = report.load_notes["softmax_regression"]
    assert (f"`Accumulator` is rebound at line {line_of(path, '# <class>')} (`Accumulator = "
            f"d2l.Accumulator`); graded the class defined at line {line_of(path, 'class Accumulator')}"
            ) in notes, notes
    assert any(n.startswith(f"`accuracy` is rebound at line {line_of(path, '# <import>')} "
                            "(`from d2l.torch import accuracy`)") for n in notes), notes


# --- the parts, one by one ----------------------------------------------------------------------

def test_the_books_d2l_imports_light_and_draws_nothing():
    """In a fresh interpreter: no torchvision until it is used, never matplotlib."""
    script = textwrap.dedent('''
        import sys
        sys.path.insert(0, sys.argv[1])
        from d2l import torch as d2l
        import d2l.torch
        import d2l.torch as same
        assert same is d2l.torch and same.d2l is same
        d2l = same
        assert "torchvision" not in sys.modules, "torchvision imported"
        d2l.use_svg_display(); d2l.set_figsize((3, 2)); d2l.plt.rcParams["figure.figsize"] = (3, 2)
        fig, axes = d2l.plt.subplots(1, 2, figsize=(4, 2))
        axes[0].imshow(d2l.numpy(d2l.zeros((2, 2)))); fig.axes[1].set_title("x"); d2l.plt.show()
        d2l.plot(d2l.arange(3), [d2l.arange(3), d2l.arange(3) * 2], "x", "f(x)", legend=["a", "b"])
        d2l.show_images(d2l.zeros((2, 28, 28)), 1, 2, titles=["a", "b"])
        animator = d2l.Animator(xlabel="epoch", xlim=[1, 3], legend=["train loss", "test acc"])
        animator.add(1, (0.5, 0.7))
        d2l.display.display(animator.fig); d2l.display.clear_output(wait=True)
        assert animator.Y == [[0.5], [0.7]]
        timer = d2l.Timer(); timer.stop(); assert len(timer.cumsum()) == 1
        print(sorted({"matplotlib", "torchvision", "IPython", "pandas"} & set(sys.modules)))
        ''')
    proc = subprocess.run([sys.executable, "-c", script, BOOK_DIR], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout


@pytest.fixture
def d2l_module():
    sys.path.insert(0, BOOK_DIR)
    try:
        import d2l.torch

        yield d2l.torch
    finally:
        sys.path.remove(BOOK_DIR)
        for name in [n for n in sys.modules if n == "d2l" or n.startswith("d2l.")]:
            del sys.modules[name]


def test_the_books_helpers_behave_as_in_the_book(d2l_module):
    d2l = d2l_module
    torch.manual_seed(0)
    X, y = d2l.synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000)
    assert X.shape == (1000, 2) and y.shape == (1000, 1)
    assert torch.allclose(y, X @ torch.tensor([[2.0], [-3.4]]) + 4.2, atol=0.06)
    w = torch.zeros((2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(3):   # the book's three epochs
        for Xb, yb in d2l.load_array((X, y), 10):
            d2l.squared_loss(d2l.linreg(Xb, w, b), yb).sum().backward()
            d2l.sgd([w, b], 0.03, Xb.shape[0])
    assert torch.allclose(w.detach().reshape(-1), torch.tensor([2.0, -3.4]), atol=0.05)
    assert w.grad.abs().sum() == 0
    assert d2l.accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 1.0
    metric = d2l.Accumulator(2)
    metric.add(3, 10)
    metric.add(4, 10)
    assert (metric[0], metric[1]) == (7.0, 20.0)
    assert d2l.get_fashion_mnist_labels(torch.tensor([0, 9])) == ["t-shirt", "ankle boot"]
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    batches = [(torch.randn(5, 4), torch.randint(0, 2, (5,))) for _ in range(3)]
    loss, acc = d2l.train_epoch_ch3(net, batches, torch.nn.CrossEntropyLoss(reduction="none"),
                                    torch.optim.SGD(net.parameters(), lr=0.1))
    assert loss > 0 and 0 <= acc <= 1
    assert 0 <= d2l.evaluate_accuracy(net, batches) <= 1 and not net.training
    d2l.train_ch3(net, batches, batches, torch.nn.CrossEntropyLoss(reduction="none"), 2,
                  torch.optim.SGD(net.parameters(), lr=0.1))
    assert d2l.evaluate_loss(lambda X: X.sum(1), [(torch.ones(2, 3), torch.zeros(2))],
                             lambda a, b: (a - b) ** 2) == 9.0
    assert d2l.try_gpu() == torch.device("cpu") and d2l.try_all_gpus() == [torch.device("cpu")]
    assert d2l.reshape(d2l.arange(6, dtype=d2l.float32), (2, 3)).shape == (2, 3)
    assert d2l.reduce_sum(d2l.ones(3)) == 3 and d2l.size(d2l.zeros((2, 3))) == 6
    assert d2l.argmax(d2l.tensor([[1, 3, 2]]), axis=1).item() == 1
    assert d2l.astype(d2l.tensor([1.7]), torch.int64).dtype == torch.int64
    assert d2l.concat([d2l.ones(1), d2l.zeros(1)]).tolist() == [1.0, 0.0]
    assert d2l.normal(0, 1, (2, 2)).shape == (2, 2) and d2l.exp(d2l.zeros(1)) == 1
    assert d2l.nn is torch.nn and d2l.F is torch.nn.functional and d2l.torch is torch
    with pytest.raises(RuntimeError, match="no network"):
        d2l.download("kaggle_house_train")


def test_every_helper_is_marked_known_good_and_the_grader_is_out_of_reach(d2l_module):
    d2l = d2l_module
    for name in ("Accumulator", "accuracy", "sgd", "linreg", "squared_loss", "synthetic_data",
                 "load_array", "load_data_fashion_mnist", "get_fashion_mnist_labels",
                 "evaluate_accuracy", "train_epoch_ch3", "train_ch3", "predict_ch3", "evaluate_loss",
                 "Timer", "Animator", "get_dataloader_workers", "try_gpu", "try_all_gpus",
                 "use_svg_display", "set_figsize", "set_axes", "plot", "show_images", "reshape",
                 "argmax", "astype", "reduce_sum", "size", "numpy", "to"):
        assert getattr(d2l, name).__d2l_known_good__ == name, name
    assert d2l.Accumulator.add.__d2l_known_good__ == "Accumulator.add"
    assert "__d2l_known_good__" in vars(d2l.Accumulator.__init__)
    assert not hasattr(d2l, "sys") and not hasattr(d2l, "os") and not hasattr(d2l, "importlib")
    for name, value in vars(d2l).items():
        module = value if isinstance(value, types.ModuleType) else None
        assert module is None or not module.__name__.startswith("autograder"), name
        assert not str(getattr(value, "__module__", "") or "").startswith("autograder"), name


def test_the_hint_that_d2l_is_missing_is_gone():
    assert not any("d2l" in pattern for pattern, _ in HINTS)


def test_the_fashion_mnist_patch_is_lazy_and_undone(tmp_path):
    root = data_root()
    book_data.install(root)
    try:
        import torchvision
        from torchvision import transforms

        for where, download in (("./data", True), ("~/Datasets", False), (str(tmp_path / "x"), True)):
            dataset = torchvision.datasets.FashionMNIST(where, train=False, download=download,
                                                        transform=transforms.ToTensor())
            assert len(dataset) == 10_000 and dataset[0][0].shape == (1, 28, 28)
        assert not (tmp_path / "x").exists()   # nothing was made, nothing downloaded
    finally:
        book_data.uninstall()
    with pytest.raises(RuntimeError, match="Dataset not found"):
        torchvision.datasets.FashionMNIST(str(tmp_path / "x"), train=False)


def test_root_notes_leave_out_the_books_own_root_and_read_parameter_defaults():
    tree = ast.parse(textwrap.dedent('''
        def load_data_fashion_mnist(batch_size, resize=None, root="../data"):
            a = torchvision.datasets.FashionMNIST(root="../data", train=True, download=True)
            b = datasets.FashionMNIST(root, train=False)
            return a, b

        def get_dataset(train, *, where="data/"):
            return FashionMNIST(root=where, train=train)

        extra = FashionMNIST("elsewhere", train=False)   # top level: it runs, or is skipped
        '''))
    assert book_data.root_notes(tree) == [f"get_dataset: root 'data/' {NOTE}"]


def _module(source: str, path: Path) -> tuple[types.ModuleType, ast.Module]:
    module = types.ModuleType("exercises.fake")
    module.__file__ = str(path)
    path.write_text(source)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module, ast.parse(source)


def test_restore_rebound_keeps_decorated_definitions_and_ignores_main_blocks(tmp_path):
    source = textwrap.dedent('''
        import functools

        def traced(fn):
            @functools.wraps(fn)
            def inner(*args):
                return fn(*args)
            return inner

        @traced
        def relu(X):
            return X

        def sgd(params, lr, batch_size):
            return "mine"

        for sgd in [1, 2]:
            pass

        def linreg(X, w, b):
            return "defined"

        if __name__ == "__main__":
            linreg = None
        ''')
    module, tree = _module(source, tmp_path / "fake.py")
    notes = restore_rebound(module, tree, tmp_path / "fake.py", {"relu", "sgd", "linreg", "mlp"},
                            lambda line: f"line {line}")
    assert module.sgd(0, 0, 0) == "mine" and module.relu(3) == 3
    assert notes == [f"`sgd` is rebound at line 17 (`for sgd in [1, 2]:`); graded the function "
                     "defined at line 14"], notes


def test_the_grader_d2l_wins_over_a_copy_in_the_submission(tmp_path):
    sub = copy_solutions(tmp_path)
    vendored = sub / "exercises" / "d2l"
    vendored.mkdir()
    (vendored / "__init__.py").write_text("")
    (vendored / "torch.py").write_text("import pandas, requests\nfrom matplotlib import pyplot as plt\n")
    student = load_student_code(sub)
    try:
        import d2l.torch

        assert Path(d2l.torch.__file__).parent == Path(BOOK_DIR) / "d2l"
    finally:
        unload_student_code(student)
    assert "d2l" not in sys.modules and BOOK_DIR not in sys.path
