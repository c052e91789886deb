"""Scenario halves for preliminaries: reading a CSV, reductions, products, norms, a numerical
derivative and the autograd functions.

Each call of a student function is observed on its own (its result, or the exception it raised),
so that the verdict names the first case that goes wrong; the autograd functions also report
whether autograd ran while they did (``autograd``: backward or torch.autograd.grad).
"""
from __future__ import annotations

import os
import tempfile

import torch

from autograder.inputs import preliminaries as inputs
from autograder.inputs import upstream
from autograder.scenarios.gradients import upstream_gradients
from autograder.scenarios.observe import autograd_calls, forbidden_calls, observe
from autograder.scenarios.registry import scenario
from autograder.worker.errors import observed_exception


def _call(fn, *args) -> dict:
    """``{"out", "error"}``: what ``fn(*args)`` returned, or the exception it raised."""
    try:
        out = fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the failure IS the observation
        return {"out": None, "error": observed_exception(exc)}
    return {"out": observe(out), "error": None}


def _quietly(fn, *args) -> None:
    """Run ``fn(*args)`` for what it calls; a failure is the values check's business."""
    try:
        fn(*args)
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001
        pass


# ------------------------------------------------------------------------------ csv_to_tensors

def _read_table(student, table, name: str = "house_tiny.csv") -> dict:
    """Write ``table`` as ``name`` in a fresh folder of the (private) temporary directory and
    hand its path to csv_to_tensors."""
    with tempfile.TemporaryDirectory(prefix="d2l-csv-") as folder:
        path = os.path.join(folder, name)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            handle.write(inputs.csv_text(table))
        return _call(student.csv_to_tensors, path)


@scenario("csv_to_tensors.house_tiny")
def csv_house_tiny(student, seed):
    return {"cases": [_read_table(student, inputs.HOUSE_TINY)]}


@scenario("csv_to_tensors.other_tables")
def csv_other_tables(student, seed):
    return {"cases": [_read_table(student, table, f"table_{i}.csv")
                      for i, table in enumerate(inputs.other_tables(seed))]}


# ------------------------------------------------------------------------------ normalize_rows

@scenario("normalize_rows.values")
def normalize_rows_values(student, seed):
    return {"cases": [_call(student.normalize_rows, A.clone())
                      for A in inputs.normalize_inputs(seed)]}


@scenario("normalize_rows.input_unchanged")
def normalize_rows_input_unchanged(student, seed):
    cases = []
    for A in inputs.normalize_inputs(seed)[:2]:
        arg = A.clone()
        try:
            out = student.normalize_rows(arg)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001
            cases.append({"error": observed_exception(exc), "A_after": observe(arg),
                          "same_object": False})
            continue
        cases.append({"error": None, "A_after": observe(arg), "same_object": out is arg})
    return {"cases": cases}


# ---------------------------------------------------------------------------------- products

@scenario("dot.values")
def dot_values(student, seed):
    return {"cases": [_call(student.dot, x.clone(), y.clone()) for x, y in inputs.dot_inputs(seed)]}


@scenario("dot.from_scratch")
def dot_from_scratch(student, seed):
    with forbidden_calls("dot") as seen:
        for x, y in inputs.dot_inputs(seed):
            _quietly(student.dot, x.clone(), y.clone())
    return {"seen": list(seen)}


@scenario("mv.values")
def mv_values(student, seed):
    return {"cases": [_call(student.mv, A.clone(), x.clone()) for A, x in inputs.mv_inputs(seed)]}


@scenario("mv.from_scratch")
def mv_from_scratch(student, seed):
    with forbidden_calls("mv") as seen:
        for A, x in inputs.mv_inputs(seed):
            _quietly(student.mv, A.clone(), x.clone())
    return {"seen": list(seen)}


@scenario("mm.values")
def mm_values(student, seed):
    return {"cases": [_call(student.mm, A.clone(), B.clone()) for A, B in inputs.mm_inputs(seed)]}


@scenario("mm.differentiable")
def mm_differentiable(student, seed):
    A, B = inputs.mm_grad_inputs(seed)
    return upstream_gradients(student.mm, (A, B), upstream(seed, "mm", (A.shape[0], B.shape[1])))


@scenario("mm.from_scratch")
def mm_from_scratch(student, seed):
    with forbidden_calls("mm") as seen:
        for A, B in inputs.mm_inputs(seed):
            _quietly(student.mm, A.clone(), B.clone())
    return {"seen": list(seen)}


# -------------------------------------------------------------------------------------- norms

def _norm_values(fn, xs: list[torch.Tensor]) -> dict:
    return {"cases": [_call(fn, x.clone()) for x in xs]}


def _norm_from_scratch(function: str, fn, xs: list[torch.Tensor]) -> dict:
    with forbidden_calls(function) as seen:
        for x in xs:
            _quietly(fn, x.clone())
    return {"seen": list(seen)}


@scenario("l1_norm.values")
def l1_norm_values(student, seed):
    return _norm_values(student.l1_norm, inputs.vector_norm_inputs(seed, "l1_norm"))


@scenario("l1_norm.from_scratch")
def l1_norm_from_scratch(student, seed):
    return _norm_from_scratch("l1_norm", student.l1_norm,
                              inputs.vector_norm_inputs(seed, "l1_norm"))


@scenario("l2_norm.values")
def l2_norm_values(student, seed):
    return _norm_values(student.l2_norm, inputs.vector_norm_inputs(seed, "l2_norm"))


@scenario("l2_norm.from_scratch")
def l2_norm_from_scratch(student, seed):
    return _norm_from_scratch("l2_norm", student.l2_norm,
                              inputs.vector_norm_inputs(seed, "l2_norm"))


@scenario("frobenius_norm.values")
def frobenius_norm_values(student, seed):
    return _norm_values(student.frobenius_norm, inputs.matrix_norm_inputs(seed))


@scenario("frobenius_norm.from_scratch")
def frobenius_norm_from_scratch(student, seed):
    return _norm_from_scratch("frobenius_norm", student.frobenius_norm,
                              inputs.matrix_norm_inputs(seed))


# ------------------------------------------------------------------------------ numerical_lim

def _numlim_calls(student, seed) -> list[tuple]:
    """(f, x, h) of every call: the book's table, then the drawn cubic."""
    f = inputs.cubic(inputs.cubic_coefficients(seed))
    return ([(inputs.book_f, x, h) for x, h in inputs.BOOK_POINTS]
            + [(f, x.clone() if isinstance(x, torch.Tensor) else x, h)
               for x, h in inputs.numlim_cases(seed)])


@scenario("numerical_lim.values")
def numerical_lim_values(student, seed):
    return {"cases": [_call(student.numerical_lim, f, x, h)
                      for f, x, h in _numlim_calls(student, seed)]}


@scenario("numerical_lim.from_scratch")
def numerical_lim_from_scratch(student, seed):
    with forbidden_calls("numerical_lim") as seen:
        for f, x, h in _numlim_calls(student, seed):
            _quietly(student.numerical_lim, f, x, h)
    return {"seen": list(seen)}


# ----------------------------------------------------------------------------------- autograd

def _by_autograd(fn, x: torch.Tensor) -> dict:
    """``{"out", "error", "autograd"}``: the gradient ``fn(x)`` returned (or what it raised), and
    the autograd entry points it ran."""
    with autograd_calls() as seen:
        observed = _call(fn, x)
    return {**observed, "autograd": list(seen)}


def _twice(fn, x: torch.Tensor) -> dict:
    """Two calls on the same tensor ``x``, each result observed as it came back."""
    return {"first": _call(fn, x), "second": _call(fn, x)}


def _autograd_values(fn, points: list[torch.Tensor]) -> dict:
    return {"cases": [_by_autograd(fn, x.clone()) for x in points]}


@scenario("grad_of_2xTx.values")
def grad_of_2xTx_values(student, seed):
    return _autograd_values(student.grad_of_2xTx, inputs.autograd_inputs(seed, "grad_of_2xTx"))


@scenario("grad_of_2xTx.fresh_each_call")
def grad_of_2xTx_fresh_each_call(student, seed):
    return _twice(student.grad_of_2xTx, inputs.repeat_input(seed, "grad_of_2xTx"))


@scenario("grad_of_sum.values")
def grad_of_sum_values(student, seed):
    return _autograd_values(student.grad_of_sum, inputs.autograd_inputs(seed, "grad_of_sum"))


@scenario("grad_of_sum.fresh_each_call")
def grad_of_sum_fresh_each_call(student, seed):
    return _twice(student.grad_of_sum, inputs.repeat_input(seed, "grad_of_sum"))


@scenario("detach_grad.values")
def detach_grad_values(student, seed):
    return _autograd_values(student.detach_grad, inputs.autograd_inputs(seed, "detach_grad"))


@scenario("detach_grad.fresh_each_call")
def detach_grad_fresh_each_call(student, seed):
    return _twice(student.detach_grad, inputs.repeat_input(seed, "detach_grad"))


@scenario("control_flow_grad.values")
def control_flow_grad_values(student, seed):
    return _autograd_values(student.control_flow_grad, inputs.control_flow_points(seed))


@scenario("control_flow_grad.fresh_each_call")
def control_flow_grad_fresh_each_call(student, seed):
    return _twice(student.control_flow_grad, inputs.repeat_input(seed, "control_flow_grad"))
