"""Verdict halves for preliminaries, part 2: dot, mv, mm and the L1, L2 and Frobenius norms.

Every product and norm is recomputed in float64 from the seeded inputs; a result is right when it
is within rounding (relative to the size of what was summed) of torch's, in the inputs' dtype.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.inputs import preliminaries as inputs
from autograder.inputs import upstream
from autograder.verdicts.expect import mismatch, show
from autograder.verdicts.gradients import check_gradients
from autograder.verdicts.preliminaries import (agrees, cases_of, from_scratch, named_mistake,
                                               result_tensor, returned)
from autograder.verdicts.registry import Fail, verdict

F64 = torch.float64


# ----------------------------------------------------------------------------------- products

def _product_values(obs: Any, who: str, pairs: list, expected_of: Callable, wrong_of: Callable,
                    names: tuple[str, str], formula: str) -> None:
    for case, (a, b) in zip(cases_of(obs, len(pairs), who), pairs):
        call = f"{names[0]} = {show(a)} and {names[1]} = {show(b)}"
        expected, scale = expected_of(a.double(), b.double())
        got = returned(case, who, call)
        wrong = wrong_of(a.double(), b.double())
        if isinstance(got, torch.Tensor) and tuple(got.shape) != tuple(expected.shape):
            hint = named_mistake(got.to(F64), wrong, scale, a.dtype)
            if hint:
                raise Fail(f"{who} returned shape {tuple(got.shape)} for {call}, expected "
                           f"{tuple(expected.shape)}: {hint}")
        got = result_tensor(got, who, call, tuple(expected.shape), a.dtype)
        if agrees(got, expected, scale, a.dtype):
            continue
        raise mismatch(who, call, got, expected,
                       named_mistake(got, wrong, scale, a.dtype) or formula)


@verdict("dot.values")
def dot_values(obs, seed):
    def wrong(x, y):
        return [(lambda: x * y, "that is the elementwise product x * y: the dot product sums it, "
                 "(x * y).sum()"),
                (lambda: x.sum() * y.sum(), "that is the product of the sums: the dot product "
                 "is the sum of the products, (x * y).sum()")]
    _product_values(obs, "dot", inputs.dot_inputs(seed),
                    lambda x, y: (torch.dot(x, y), (x * y).abs().sum()), wrong, ("x", "y"),
                    "the dot product is the sum of x * y")


@verdict("dot.from_scratch")
def dot_from_scratch(obs, seed):
    from_scratch(obs, "dot", "elementwise * and .sum()")


@verdict("mv.values")
def mv_values(obs, seed):
    def wrong(A, x):
        return [(lambda: (A * x).sum(axis=0), "the sum ran along axis 0, adding up the rows of "
                 "A * x: sum along axis 1, (A * x).sum(axis=1), one entry per row of A"),
                (lambda: A.T @ x, "that is A.T @ x: entry i is the dot product of row i of A "
                 "(A[i]) with x, not of column i"),
                (lambda: A * x, "that is the elementwise product A * x: sum each row of it, "
                 "(A * x).sum(axis=1)")]
    _product_values(obs, "mv", inputs.mv_inputs(seed), lambda A, x: (A @ x, A.abs() @ x.abs()),
                    wrong, ("A", "x"), "entry i of mv(A, x) is the dot product of row i of A with x")


@verdict("mv.from_scratch")
def mv_from_scratch(obs, seed):
    from_scratch(obs, "mv", "broadcasting, * and .sum(axis=1)")


@verdict("mm.values")
def mm_values(obs, seed):
    def wrong(A, B):
        return [(lambda: A * B, "that is the elementwise (Hadamard) product A * B, not the matrix "
                 "product: entry (i, j) is the dot product of row i of A with column j of B"),
                (lambda: A @ B.T, "that is A @ B.T: it paired row i of A with row j of B (B[j]); "
                 "the matrix product takes column j of B, B[:, j]"),
                (lambda: B @ A, "that is B @ A: the order of a matrix product matters, mm(A, B) "
                 "is A times B"),
                (lambda: A.T @ B, "that is A.T @ B: entry (i, j) takes row i of A, not column i")]
    _product_values(obs, "mm", inputs.mm_inputs(seed), lambda A, B: (A @ B, A.abs() @ B.abs()),
                    wrong, ("A", "B"),
                    "entry (i, j) of mm(A, B) is the dot product of row i of A with column j of B")


@verdict("mm.differentiable")
def mm_differentiable(obs, seed):
    A, B = inputs.mm_grad_inputs(seed)
    check_gradients(obs, "mm", ("A", "B"), (A, B), upstream(seed, "mm", (A.shape[0], B.shape[1])),
                    lambda A, B: A @ B,
                    "Build the result with tensor operations (broadcasting, * and .sum()): no "
                    ".item(), float(), torch.tensor([...]) of a list, or numpy",
                    f"A = {show(A)} and B = {show(B)}, float64")


@verdict("mm.from_scratch")
def mm_from_scratch(obs, seed):
    from_scratch(obs, "mm", "broadcasting, * and .sum(), or your own mv")


# -------------------------------------------------------------------------------------- norms

def _norm_values(obs: Any, who: str, xs: list[torch.Tensor], expected_of: Callable,
                 wrong_of: Callable, formula: str) -> None:
    for case, x in zip(cases_of(obs, len(xs), who), xs):
        call = f"{'X' if x.dim() == 2 else 'x'} = {show(x)}"
        expected = expected_of(x.double())
        got = returned(case, who, call)
        wrong = wrong_of(x.double())
        if isinstance(got, torch.Tensor) and got.dim() != 0:
            hint = named_mistake(got.to(F64), wrong, expected, x.dtype)
            raise Fail(f"{who} returned shape {tuple(got.shape)} for {call}, expected a 0-d tensor "
                       f"(one number): {hint or formula}")
        got = result_tensor(got, who, call, (), x.dtype)
        if agrees(got, expected, expected, x.dtype):
            continue
        raise mismatch(who, call, got, expected,
                       named_mistake(got, wrong, expected, x.dtype) or formula)


def _l1(x):
    return torch.linalg.vector_norm(x, ord=1)


def _l2(x):
    """torch's own L2 norm of a vector, and Frobenius norm of a matrix."""
    return torch.linalg.vector_norm(x.reshape(-1), ord=2)


@verdict("l1_norm.values")
def l1_norm_values(obs, seed):
    def wrong(x):
        return [(lambda: x.sum(), "that is the sum of x: the L1 norm sums the absolute values, "
                 "torch.abs(x).sum()"),
                (lambda: x.sum().abs(), "that is the absolute value of the sum: take the absolute "
                 "value of each entry first, torch.abs(x).sum()"),
                (lambda: x.abs().max(), "that is the largest |x_i| (the L-infinity norm): the L1 "
                 "norm adds them all up"),
                (lambda: _l2(x), "that is the L2 norm: the L1 norm is the sum of |x_i|"),
                (lambda: x.abs(), "that is |x| entrywise: sum it")]
    _norm_values(obs, "l1_norm", inputs.vector_norm_inputs(seed, "l1_norm"), _l1, wrong,
                 "the L1 norm is the sum of |x_i|, torch.abs(x).sum()")


@verdict("l1_norm.from_scratch")
def l1_norm_from_scratch(obs, seed):
    from_scratch(obs, "l1_norm", "torch.abs and .sum()")


@verdict("l2_norm.values")
def l2_norm_values(obs, seed):
    def wrong(x):
        return [(lambda: (x ** 2).sum(), "that is the squared norm, the sum of x_i^2: take its "
                 "square root, torch.sqrt((x ** 2).sum())"),
                (lambda: _l1(x), "that is the L1 norm (the sum of |x_i|): the L2 norm is the "
                 "square root of the sum of squares"),
                (lambda: torch.sqrt(x.abs().sum()), "that is the square root of the sum of "
                 "|x_i|: square the entries before summing"),
                (lambda: x ** 2, "that is x ** 2 entrywise: sum it, then take the square root")]
    _norm_values(obs, "l2_norm", inputs.vector_norm_inputs(seed, "l2_norm"), _l2, wrong,
                 "the L2 norm is the square root of the sum of x_i^2")


@verdict("l2_norm.from_scratch")
def l2_norm_from_scratch(obs, seed):
    from_scratch(obs, "l2_norm", "torch.sqrt, ** 2 and .sum()")


@verdict("frobenius_norm.values")
def frobenius_norm_values(obs, seed):
    def wrong(X):
        return [(lambda: (X ** 2).sum(), "that is the sum of the squares: take its square root, "
                 "torch.sqrt((X ** 2).sum())"),
                (lambda: torch.sqrt((X ** 2).sum(axis=1)), "that is one norm per row: the "
                 "Frobenius norm sums the squares of every entry, over both axes"),
                (lambda: torch.sqrt((X ** 2).sum(axis=0)), "that is one norm per column: the "
                 "Frobenius norm sums the squares of every entry, over both axes"),
                (lambda: _l1(X), "that is the sum of |X_ij|: the Frobenius norm is the square "
                 "root of the sum of X_ij^2"),
                (lambda: torch.sqrt((X ** 2).sum(axis=1)).sum(), "that adds up the rows' norms: "
                 "square every entry, sum them all, then take one square root")]
    _norm_values(obs, "frobenius_norm", inputs.matrix_norm_inputs(seed), _l2, wrong,
                 "the Frobenius norm is the square root of the sum of every X_ij^2")


@verdict("frobenius_norm.from_scratch")
def frobenius_norm_from_scratch(obs, seed):
    from_scratch(obs, "frobenius_norm", "torch.sqrt, ** 2 and .sum()")
