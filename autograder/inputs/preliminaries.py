"""Seeded inputs for the preliminaries checks (d2l.ai chapter 2): CSV tables, matrices and vectors,
the functions numerical_lim differentiates, and the points where gradients are taken.

Both halves call these: the scenario feeds them to student code, the verdict rebuilds them from the
same seed to compute what was expected. Inputs stay away from where a mistake and the right answer
coincide (sums near 0, the doubling thresholds of the book's control-flow f).
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from autograder.inputs import generator

F64, F32 = torch.float64, torch.float32

# ------------------------------------------------------------------------------------ CSV tables

# A table: the header, then the rows, every field as the text written to the file ("NA": missing).
Table = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
MISSING = "NA"

HOUSE_TINY: Table = (
    ("NumRooms", "Alley", "Price"),
    (("NA", "Pave", "127500"), ("2", "NA", "106000"), ("4", "NA", "178100"),
     ("NA", "NA", "140000")),
)


def csv_text(table: Table) -> str:
    """The file's text, as the book writes house_tiny.csv."""
    header, rows = table
    return "\n".join(",".join(fields) for fields in (header, *rows)) + "\n"


def _pick(g: torch.Generator, options) -> str:
    return options[int(torch.randint(len(options), (), generator=g))]


def _with_missing(g: torch.Generator, values: list[str], count: int) -> list[str]:
    """``values`` with ``count`` of them (never the first two) replaced by NA."""
    out = list(values)
    for i in (torch.randperm(len(out) - 2, generator=g)[:count] + 2).tolist():
        out[i] = MISSING
    return out


def _categories(g: torch.Generator, n: int, names: tuple[str, ...], missing: int) -> list[str]:
    """``n`` values of a categorical column: the first is the largest category in sorted order
    and the second the smallest (so sorted order and order of appearance differ), then draws."""
    ordered = sorted(names)
    values = [ordered[-1], ordered[0]] + [_pick(g, names) for _ in range(n - 2)]
    return _with_missing(g, values, missing)


def _table(g: torch.Generator, columns: dict[str, list[str]], target: str, n: int) -> Table:
    """The table of ``columns`` and a target column of prices (never missing)."""
    thousands = torch.randint(50, 400, (n,), generator=g)
    halves = torch.randint(2, (n,), generator=g)
    prices = [str(int(k) * 1000 + 500 * int(h)) for k, h in zip(thousands, halves)]
    header = (*columns, target)
    rows = tuple(tuple(values[i] for values in (*columns.values(), prices)) for i in range(n))
    return header, rows


def other_tables(seed: int) -> list[Table]:
    """Three tables unlike the book's: (1) numeric and categorical columns in a drawn order, one
    categorical column without any NA; (2) a categorical column first; (3) numeric columns only."""
    g = generator(seed, "csv.tables")
    n = int(torch.randint(7, 10, (), generator=g))
    rooms = _with_missing(g, [str(int(v)) for v in torch.randint(1, 7, (n,), generator=g)], 2)
    area = _with_missing(g, [f"{float(v):.1f}" for v in torch.rand(n, generator=g) * 200 + 40], 3)
    columns = {"NumRooms": rooms, "Area": area,
               "Alley": _categories(g, n, ("Pave", "Grvl"), 2),
               "RoofType": _categories(g, n, ("Slate", "Tile", "Metal"), 0)}
    order = torch.randperm(4, generator=g).tolist()
    if max(order.index(0), order.index(1)) < min(order.index(2), order.index(3)):
        order.insert(0, order.pop(2))   # a categorical column before a numeric one
    names = list(columns)
    first = _table(g, {names[i]: columns[names[i]] for i in order}, "Price", n)

    m = int(torch.randint(5, 8, (), generator=g))
    zone = _categories(g, m, ("north", "east", "south", "west"), 1)
    age = _with_missing(g, [str(int(v)) for v in torch.randint(1, 80, (m,), generator=g)], 2)
    second = _table(g, {"Zone": zone, "Age": age}, "Rent", m)

    k = int(torch.randint(5, 8, (), generator=g))
    lot = _with_missing(g, [f"{float(v):.2f}" for v in torch.rand(k, generator=g) * 9 + 1], 2)
    floors = _with_missing(g, [str(int(v)) for v in torch.randint(1, 4, (k,), generator=g)], 1)
    third = _table(g, {"LotSize": lot, "Floors": floors}, "Price", k)
    return [first, second, third]


# ------------------------------------------------------------------------- reductions, products

NORMALIZE_SHAPES = (((4, 4), F64), ((3, 5), F64), ((6, 2), F32), ((1, 7), F64), ((5, 1), F32))


def normalize_inputs(seed: int) -> list[torch.Tensor]:
    """Positive matrices (entries in [0.1, 2.1]), the square one first: there a missing keepdim
    gives wrong values rather than an error, and the verdict can name it."""
    g = generator(seed, "normalize")
    return [(torch.rand(shape, generator=g, dtype=F64) * 2 + 0.1).to(dtype)
            for shape, dtype in NORMALIZE_SHAPES]


DOT_CASES = ((5, F64), (1, F64), (17, F32), (64, F64))


def dot_inputs(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Pairs of vectors of the same length, both signs, float64 and float32."""
    g = generator(seed, "dot")
    return [tuple(torch.randn(n, generator=g, dtype=F64).to(dtype) for _ in range(2))
            for n, dtype in DOT_CASES]


MV_CASES = (((4, 4), F64), ((3, 5), F64), ((1, 6), F64), ((7, 1), F32), ((6, 3), F32))


def mv_inputs(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(A (m, n), x (n,)) pairs, the square one first (a sum along axis 0 keeps its shape there)."""
    g = generator(seed, "mv")
    return [(torch.randn(shape, generator=g, dtype=F64).to(dtype),
             torch.randn(shape[1], generator=g, dtype=F64).to(dtype)) for shape, dtype in MV_CASES]


MM_CASES = ((3, 3, 3, F64), (2, 4, 3, F64), (1, 5, 1, F64), (4, 1, 3, F64), (5, 3, 6, F32))


def mm_inputs(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(A (n, k), B (k, m)) pairs, the square one first (A * B and A @ B.T have the right shape
    there), then an inner product (1, 5) (5, 1) and an outer one (4, 1) (1, 3)."""
    g = generator(seed, "mm")
    return [(torch.randn(n, k, generator=g, dtype=F64).to(dtype),
             torch.randn(k, m, generator=g, dtype=F64).to(dtype)) for n, k, m, dtype in MM_CASES]


def mm_grad_inputs(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A (3, 4) and B (4, 2), float64, for the gradient check."""
    g = generator(seed, "mm.grad")
    return torch.randn(3, 4, generator=g, dtype=F64), torch.randn(4, 2, generator=g, dtype=F64)


# ---------------------------------------------------------------------------------------- norms

VECTOR_NORM_CASES = ((6, F64), (1, F64), (40, F32), (9, F64))
MATRIX_NORM_SHAPES = (((3, 4), F64), ((1, 5), F64), ((6, 6), F32), ((7, 2), F64))


def _mixed_signs(t: torch.Tensor) -> torch.Tensor:
    """Entries at least 0.1 from 0, the first positive and the second negative."""
    t = torch.where(t >= 0, t + 0.1, t - 0.1)
    flat = t.reshape(-1)
    if flat.numel() >= 2:
        flat[0], flat[1] = flat[0].abs(), -flat[1].abs()
    return t


def vector_norm_inputs(seed: int, which: str) -> list[torch.Tensor]:
    """Vectors for l1_norm or l2_norm (``which``), both signs, float64 and float32; each vector
    of several entries sums to a negative number (so x.sum() and |x.sum()| differ)."""
    g = generator(seed, f"norm.{which}")
    vectors = [_mixed_signs(torch.randn(n, generator=g, dtype=F64)) for n, _ in VECTOR_NORM_CASES]
    vectors = [-x if x.numel() > 1 and float(x.sum()) > 0 else x for x in vectors]
    return [x.to(dtype) for x, (_, dtype) in zip(vectors, VECTOR_NORM_CASES)]


def matrix_norm_inputs(seed: int) -> list[torch.Tensor]:
    """Matrices for frobenius_norm, both signs, float64 and float32."""
    g = generator(seed, "norm.frobenius")
    return [_mixed_signs(torch.randn(shape, generator=g, dtype=F64)).to(dtype)
            for shape, dtype in MATRIX_NORM_SHAPES]


# ---------------------------------------------------------------------------------- numerical_lim

def book_f(x):
    """The book's f(x) = 3x^2 - 4x (section 2.4), for numbers and tensors."""
    return 3 * x ** 2 - 4 * x


BOOK_POINTS = ((1, 0.1), (1, 0.01), (1, 0.001))   # (x, h): the book's table, 2.3, 2.03, 2.003


def cubic(coefficients: tuple[float, float, float, float]) -> Callable:
    """f(x) = c3 x^3 + c2 x^2 + c1 x + c0 (Horner's form), for numbers and tensors alike."""
    c3, c2, c1, c0 = coefficients

    def f(x):
        return ((c3 * x + c2) * x + c1) * x + c0
    return f


def cubic_coefficients(seed: int) -> tuple[float, float, float, float]:
    """c3 and c2 at least 0.5 in size (a forward difference, a central one and the derivative
    then differ clearly), c1 and c0 free."""
    g = generator(seed, "numlim.f")
    c = torch.randn(4, generator=g, dtype=F64)
    c[:2] = torch.where(c[:2] >= 0, c[:2] + 0.5, c[:2] - 0.5)
    return tuple(float(v) for v in c)


def numlim_cases(seed: int) -> list[tuple[object, float]]:
    """(x, h) for the drawn cubic: two Python floats, then a float64 tensor of shape (6,)."""
    g = generator(seed, "numlim.points")
    xs = (torch.rand(3, generator=g, dtype=F64) * 4 - 2).tolist()
    hs = (torch.rand(3, generator=g, dtype=F64) * 0.45 + 0.05).tolist()
    vector = torch.rand(6, generator=g, dtype=F64) * 4 - 2
    return [(xs[0], hs[0]), (xs[1], hs[1]), (vector, hs[2])]


# ------------------------------------------------------------------------------------- autograd

AUTOGRAD_SHAPES = {
    "grad_of_2xTx": (((5,), F64), ((4,), F32), ((9,), F64)),
    "grad_of_sum": (((5,), F64), ((3, 4), F64), ((4,), F32)),
    "detach_grad": (((5,), F64), ((2, 3), F64), ((4,), F32)),
}


def autograd_inputs(seed: int, function: str) -> list[torch.Tensor]:
    """Tensors that do not require grad, entries at least 0.1 from 0, for one autograd function."""
    g = generator(seed, f"autograd.{function}")
    return [_mixed_signs(torch.randn(shape, generator=g, dtype=F64)).to(dtype)
            for shape, dtype in AUTOGRAD_SHAPES[function]]


def repeat_input(seed: int, function: str) -> torch.Tensor:
    """The float64 tensor a function is called on twice (the second call must not add to the
    first's gradient)."""
    if function == "control_flow_grad":
        return control_flow_points(seed, count=1, tag="repeat")[0]
    g = generator(seed, f"autograd.{function}.repeat")
    shape = (3, 2) if function in ("grad_of_sum", "detach_grad") else (6,)
    return _mixed_signs(torch.randn(shape, generator=g, dtype=F64))


def control_flow_points(seed: int, count: int = 6, tag: str = "points") -> list[torch.Tensor]:
    """0-d tensors a (float64, the last float32) of both signs with |a| = 1000 / 2^t, the
    fraction of t in [0.15, 0.85]: never near a threshold where f doubles once more."""
    g = generator(seed, f"control_flow.{tag}")
    whole = torch.randint(0, 14, (count,), generator=g).to(F64)
    t = whole + 0.15 + 0.7 * torch.rand(count, generator=g, dtype=F64)
    signs = torch.where(torch.rand(count, generator=g) < 0.5, -1.0, 1.0).to(F64)
    if count >= 2:
        signs[0], signs[1] = 1.0, -1.0
    points = [torch.tensor(float(s) * 1000 / math.pow(2.0, float(v)), dtype=F64)
              for s, v in zip(signs, t)]
    if count >= 3:
        points[-1] = points[-1].to(F32)
    return points
