"""The registry of faulty submissions: the reference solutions with one function (or module) broken.

Each fault names the function(s) that must lose their points, the functions graded beside it that
must keep theirs (one from the same module and one from another, where there is one), and the
words every failing check's message must contain. A source may say ``TAG_PROCESS`` on a line of
its own: the process running it then renames itself (``/proc/self/comm``) to a marker, so a test
can find any process it leaves behind.
"""
from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from tests.support import copy_solutions

TAG = "TAG_PROCESS"
SYNTAX_MARK = "# <- the syntax error"


@dataclass(frozen=True)
class Fault:
    id: str
    module: str                    # the exercise module that holds the fault
    faulty: tuple[str, ...]        # functions that must score 0
    others: tuple[str, ...]        # functions graded alongside that must keep full marks
    expect: tuple[str, ...]        # words each failing check's message contains ("{line}": the marked line)
    source: str = ""               # the new definition of faulty[0], replacing the reference one
    header: str = ""               # a line put above the module's first import
    delete: bool = False           # the module file is missing
    encoding: str = "utf-8"        # how the module file is written
    memory_mb: int | None = None   # a memory limit for this fault's grading
    breaks_import: bool = False    # Python cannot import the module as written (needs forgiving loading)


@dataclass(frozen=True)
class Built:
    path: Path                     # the submission folder (holding exercises/)
    expect: tuple[str, ...]        # the fault's words, with {line} filled in


def tag_statement(marker: str) -> str:
    """A statement that renames the running process (and the children it forks) to ``marker``."""
    return f"open('/proc/self/comm', 'w').write({marker!r})"


def replace_definition(text: str, name: str, source: str) -> str:
    """``text`` with the top-level ``def``/``class`` ``name`` replaced, in place, by ``source``."""
    tree = ast.parse(text)
    node = next(n for n in tree.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    lines = text.splitlines(keepends=True)
    new = textwrap.dedent(source).strip("\n") + "\n"
    return "".join(lines[:start]) + new + "".join(lines[node.end_lineno:])


def add_header(text: str, header: str) -> str:
    """``text`` with ``header`` put on the line above its first top-level import."""
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    return "".join(lines[:first]) + header.rstrip("\n") + "\n" + "".join(lines[first:])


def build(fault: Fault, dest: Path, marker: str) -> Built:
    """Write the faulty submission under ``dest``; ``marker`` names the processes it starts."""
    copy_solutions(dest)
    path = dest / "exercises" / f"{fault.module}.py"
    if fault.delete:
        path.unlink()
        return Built(dest, fault.expect)
    text = path.read_text()
    if fault.source:
        source = "\n".join(line.replace(TAG, tag_statement(marker)) for line in
                           textwrap.dedent(fault.source).splitlines())
        text = replace_definition(text, fault.faulty[0], source)
    if fault.header:
        text = add_header(text, fault.header)
    path.write_bytes(text.encode(fault.encoding))
    marked = [i for i, line in enumerate(text.splitlines(), 1) if SYNTAX_MARK in line]
    line = str(marked[0]) if marked else "?"
    return Built(dest, tuple(word.replace("{line}", line) for word in fault.expect))


FAULTS: tuple[Fault, ...] = (
    # ---------------------------------------------------------------- hangs
    Fault("infinite_loop", "softmax_regression", ("get_fashion_mnist_labels",),
          ("accuracy", "l1_loss"), ("timed out",), source="""
          def get_fashion_mnist_labels(labels):
              TAG_PROCESS
              while True:
                  pass
          """),
    Fault("sleep_forever", "regularization", ("get_k_fold_data",), ("l1_loss", "load_array"),
          ("timed out",), source="""
          def get_k_fold_data(k, i, X, y):
              import time
              TAG_PROCESS
              time.sleep(10 ** 6)
          """),
    Fault("sigterm_caught_then_hang", "regularization", ("get_k_fold_data",),
          ("huber_loss", "get_fashion_mnist_labels"), ("timed out",), source="""
          def get_k_fold_data(k, i, X, y):
              import signal, time
              TAG_PROCESS
              signal.signal(signal.SIGTERM, lambda *args: None)
              signal.signal(signal.SIGINT, lambda *args: None)
              while True:
                  time.sleep(1)
          """),
    Fault("reads_stdin", "softmax_regression", ("accuracy",), ("get_fashion_mnist_labels", "l1_loss"),
          ("EOF when reading",), source="""
          def accuracy(y_hat, y):
              answer = input("how many are right? ")
              return float(answer)
          """),
    # ---------------------------------------------------------------- resources
    Fault("memory_bomb", "regularization", ("get_k_fold_data",), ("huber_loss", "load_array"),
          ("memory limit",), memory_mb=1024, source="""
          def get_k_fold_data(k, i, X, y):
              TAG_PROCESS
              hoard = []
              while True:
                  hoard.append(torch.ones(16 * 2 ** 20))   # 64 MB a step, every page written
          """),
    Fault("fork_bomb", "softmax_regression", ("get_fashion_mnist_labels",),
          ("accuracy", "l1_loss"), ("processes",), source="""
          def get_fashion_mnist_labels(labels):
              import os
              TAG_PROCESS
              while True:
                  os.fork()
          """),
    Fault("forked_children_linger", "softmax_regression", ("get_fashion_mnist_labels",),
          ("load_data_fashion_mnist", "l1_loss"), ("processes",), source="""
          def get_fashion_mnist_labels(labels):
              import os, time
              TAG_PROCESS
              while True:
                  if os.fork() == 0:
                      time.sleep(10 ** 6)
          """),
    Fault("output_flood", "softmax_regression", ("evaluate_accuracy",),
          ("accuracy", "l2_penalty"), ("printed more than",), source="""
          def evaluate_accuracy(net, data_iter):
              while True:
                  print("spam " * 200_000)
          """),
    Fault("output_flood_on_fd_1", "regularization", ("l1_loss",), ("get_k_fold_data", "accuracy"),
          ("file too large",), source="""
          def l1_loss(y_hat, y):
              import os
              while True:
                  os.write(1, b"spam" * 2 ** 18)
          """),
    Fault("huge_file", "regularization", ("huber_loss",), ("l1_loss", "get_fashion_mnist_labels"),
          ("file too large",), source="""
          def huber_loss(y_hat, y, delta=1.0):
              with open("cache.bin", "wb") as f:
                  while True:
                      f.write(bytes(2 ** 20))
          """),
    # ---------------------------------------------------------------- crashes and exits
    Fault("segfault", "regularization", ("get_k_fold_data",), ("l1_loss", "accuracy"),
          ("segmentation fault",), source="""
          def get_k_fold_data(k, i, X, y):
              import faulthandler
              faulthandler._sigsegv()   # a NULL dereference in C (ctypes would be read as a probe)
          """),
    Fault("torch_storage_freed_under_a_tensor", "regularization", ("get_k_fold_data",),
          ("huber_loss", "accuracy"), ("segmentation fault",), source="""
          def get_k_fold_data(k, i, X, y):
              scratch = X.clone()
              scratch.untyped_storage().resize_(0)   # the tensor now points at freed memory
              return scratch.sum()
          """),
    Fault("kills_its_parent", "softmax_regression", ("get_fashion_mnist_labels",),
          ("accuracy", "l1_loss"), ("killed",), source="""
          def get_fashion_mnist_labels(labels):
              import os, signal
              os.kill(os.getppid(), signal.SIGKILL)
              os.kill(os.getpid(), signal.SIGKILL)
          """),
    Fault("sys_exit", "regularization", ("huber_loss",), ("l1_loss", "get_fashion_mnist_labels"),
          ("SystemExit",), source="""
          def huber_loss(y_hat, y, delta=1.0):
              import sys
              sys.exit(3)
          """),
    Fault("os_exit", "softmax_regression", ("get_fashion_mnist_labels",),
          ("accuracy", "get_k_fold_data"), ("exited", "status 3"), source="""
          def get_fashion_mnist_labels(labels):
              import os
              os._exit(3)
          """),
    # ---------------------------------------------------------------- broken modules
    Fault("syntax_error_in_one_function", "regularization", ("huber_loss",),
          ("l1_loss", "get_k_fold_data", "accuracy"), ("SyntaxError", "line {line}"),
          breaks_import=True, source="""
          def huber_loss(y_hat, y, delta=1.0):
              d = y_hat - y.reshape(y_hat.shape)
              return torch.where(abs(d) <= delta d ** 2 / 2, abs(d) - delta / 2)  # <- the syntax error
          """),
    Fault("failing_import_at_the_top", "regularization", ("l1_loss",),
          ("huber_loss", "get_k_fold_data", "accuracy"), ("not_a_module",), breaks_import=True,
          header="import not_a_module", source="""
          def l1_loss(y_hat, y):
              return not_a_module.absolute(y_hat - y.reshape(y_hat.shape))
          """),
    Fault("module_file_missing", "regularization",
          ("l2_penalty", "l1_loss", "huber_loss", "get_k_fold_data"),
          ("get_fashion_mnist_labels", "load_array"), ("missing",), delete=True),
    Fault("non_utf8_bytes", "softmax_regression", ("evaluate_accuracy",),
          ("accuracy", "get_fashion_mnist_labels", "huber_loss"), ("UTF-8",), encoding="latin-1",
          breaks_import=True, source="""
          def evaluate_accuracy(net, data_iter):
              # précision sur un jeu de données (this comment is written in latin-1)
              if isinstance(net, torch.nn.Module):
                  net.eval()
              metric = Accumulator(2)
              with torch.no_grad():
                  for X, y in data_iter:
                      metric.add(accuracy(net(X), y), y.numel())
              return metric[0] / metric[1]
          """),
    # ---------------------------------------------------------------- wrong contracts
    Fault("extra_required_parameter", "regularization", ("l1_loss",),
          ("huber_loss", "accuracy"), ("missing 1 required positional argument",), source="""
          def l1_loss(y_hat, y, reduction):
              return torch.abs(y_hat - y.reshape(y_hat.shape))
          """),
    Fault("returns_a_list", "linear_regression", ("linreg",), ("load_array", "l1_loss"),
          ("list",), source="""
          def linreg(X, w, b):
              return (torch.matmul(X, w) + b).tolist()
          """),
    Fault("returns_a_numpy_array", "regularization", ("l1_loss",), ("huber_loss", "accuracy"),
          ("ndarray",), source="""
          def l1_loss(y_hat, y):
              return torch.abs(y_hat - y.reshape(y_hat.shape)).detach().numpy()
          """),
    Fault("returns_none", "regularization", ("huber_loss",), ("l1_loss", "accuracy"),
          ("None",), source="""
          def huber_loss(y_hat, y, delta=1.0):
              d = y_hat - y.reshape(y_hat.shape)
              torch.where(d.abs() <= delta, d ** 2 / 2, d.abs() - delta / 2)
          """),
    Fault("returns_a_string", "softmax_regression", ("accuracy",),
          ("get_fashion_mnist_labels", "huber_loss"), ("str",), source="""
          def accuracy(y_hat, y):
              if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
                  y_hat = y_hat.argmax(axis=1)
              return str(float((y_hat.type(y.dtype) == y).sum()))
          """),
)

BY_ID = {fault.id: fault for fault in FAULTS}
